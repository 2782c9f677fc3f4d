; expect-exit: 1
; expect-output: int 30h: flags pushed 0246, IF now 0, back at ret30 ok
; expect-output: #DE: saved CS:IP 0000:de ok
; expect-output: segment 1234h:0010h reads 5A
; expect-output: 32-bit operand in real mode: 12345678
;
; Real-address mode (SDM Vol. 3 20.1): INT n through the IVT pushes FLAGS, CS, IP and clears
; IF/TF; IRET restores them; #DE is a fault whose saved CS:IP is the DIV; linear address =
; segment * 16 + offset; 66h gives 32-bit operands in 16-bit code.
; Bochs 2.7 (scripts/bochs-oracle) prints the same.
bits 16
org 0x7c00
    cli
    xor   ax, ax
    mov   ds, ax
    mov   es, ax
    mov   ss, ax
    mov   sp, 0x7c00
    cld
    mov   word [0x30*4], isr30
    mov   word [0x30*4 + 2], 0
    mov   word [0], isr_de
    mov   word [2], 0
    sti
    int   0x30
ret30:
    cli
    mov   si, s_de
    call  puts
    xor   cx, cx
de: div   cl                          ; AX / 0: #DE
de_next:
    ; segment arithmetic: 1234h:0010h = linear 12350h
    mov   byte [0x2350], 0          ; (DS = 0: linear 2350h, not our byte)
    mov   ax, 0x1000
    mov   es, ax
    mov   byte [es:0x2350], 0x5A    ; linear 12350h
    mov   ax, 0x1234
    mov   es, ax
    mov   si, s_seg
    call  puts
    mov   al, [es:0x0010]
    call  hex8
    mov   al, 10
    out   0xe9, al
    mov   si, s_32
    call  puts
    mov   eax, 0x12345678           ; 66h B8 imm32
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
    mov   dx, 0x8900
    mov   si, s_shut
    mov   cx, 8
    rep   outsb
    hlt

isr30:
    push  bp
    mov   bp, sp
    mov   si, s_int
    call  puts
    mov   ax, [bp + 6]              ; pushed FLAGS
    push  ax
    mov   al, ah
    call  hex8
    pop   ax
    call  hex8
    mov   si, s_if
    call  puts
    pushf
    pop   ax
    shr   ax, 9
    and   al, 1
    add   al, '0'
    out   0xe9, al
    mov   si, s_back
    call  puts
    mov   ax, [bp + 2]              ; pushed IP
    cmp   ax, ret30
    mov   si, s_ok
    je    .p
    mov   si, s_bad
.p: call  puts
    pop   bp
    iret

isr_de:
    push  bp
    mov   bp, sp
    mov   ax, [bp + 4]              ; CS
    call  hex16
    mov   al, ':'
    out   0xe9, al
    mov   ax, [bp + 2]              ; IP
    cmp   ax, de
    mov   si, s_deok
    je    .p
    mov   si, s_bad
.p: call  puts
    mov   word [bp + 2], de_next    ; resume after the DIV
    pop   bp
    iret

%include "include/real16.inc"

s_int:  db "int 30h: flags pushed ", 0
s_if:   db ", IF now ", 0
s_back: db ", back at ret30 ", 0
s_ok:   db "ok", 10, 0
s_bad:  db "bad", 10, 0
s_de:   db "#DE: saved CS:IP ", 0
s_deok: db "de ok", 10, 0
s_seg:  db "segment 1234h:0010h reads ", 0
s_32:   db "32-bit operand in real mode: ", 0
s_shut: db "Shutdown"
    times 510 - ($ - $$) db 0
    dw 0xaa55
