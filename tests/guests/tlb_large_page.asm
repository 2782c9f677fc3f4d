; expect-exit: 1
; expect-output: 2-MiB page remapped, no invalidation: 301000H reads 12
; expect-output: after INVLPG 300000H: 301000H reads 22
;
; A 2-MiB page is cached as 4-KiB pieces (SDM Vol. 3 4.10.2.3 allows it); INVLPG of any
; address in the page must still invalidate every piece (4.10.4.1: the whole translation the
; paging structures specify). The guest reads 300000H and 301000H through the identity 2-MiB
; page, remaps the page to 600000H, and reads again: stale without INVLPG, fresh after an
; INVLPG of the other 4-KiB piece (300000H). Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/long_mode.inc"

%macro print 1
    lea   rsi, [rel %1]
    call  print_str
%endmacro
%macro show 1                           ; the byte at the address as two hex digits
    movzx eax, byte [%1]
    mov   cl, 2
    call  print_hex
%endmacro

main:
    mov   byte [0x300000], 0x11
    mov   byte [0x301000], 0x12
    mov   byte [0x700000], 0x21
    mov   byte [0x701000], 0x22
    movzx eax, byte [0x300000]          ; caches both pieces
    movzx eax, byte [0x301000]
    mov   qword [0x3008], 0x600000 | 0x83 ; PD[1]: 200000H-3FFFFFH now maps 600000H-7FFFFFH
    print s_1
    show  0x301000
    print s_nl
    invlpg [0x300000]
    print s_2
    show  0x301000
    print s_nl
    xor   eax, eax
    jmp   exit

s_1:  db "2-MiB page remapped, no invalidation: 301000H reads ", 0
s_2:  db "after INVLPG 300000H: 301000H reads ", 0
s_nl: db 10, 0
%include "include/end.inc"
