; expect-exit: 1
; expect-output: in 1234h = FF, inw = FFFF, ind = FFFFFFFF
; Ports no device claims read as all ones at every width and ignore writes.
bits 16
org 0x7c00
    mov   dx, 0x1234
    mov   al, 0x99
    out   dx, al                    ; ignored
    mov   si, s1                    ; (puts clobbers AL: print the label first)
    call  puts
    in    al, dx
    call  hex8
    mov   si, s2
    call  puts
    in    ax, dx
    mov   bx, ax
    mov   al, bh
    call  hex8
    mov   al, bl
    call  hex8
    mov   si, s3
    call  puts
    in    eax, dx
    mov   ebx, eax
    mov   cx, 4
.d: rol   ebx, 8
    mov   al, bl
    call  hex8
    loop  .d
    mov   al, 10
    out   0xe9, al
    xor   al, al
    out   0xf4, al
    hlt
%include "include/real16.inc"
s1: db "in 1234h = ", 0
s2: db ", inw = ", 0
s3: db ", ind = ", 0
