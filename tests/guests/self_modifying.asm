; expect-exit: 1
; expect-output: 11111111 22222222 33333333
; expect-output: next 42
; expect-output: cross-page 12345678 9ABCDEF0
;
; Self-modifying code (SDM Vol. 3 11.6): a store to an instruction already executed is seen
; when it runs again, a store to the very next instruction is seen at once, and so is a
; store to an instruction that straddles a page boundary (decoded from two pages).
; Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/long_mode.inc"

%macro print 1
    lea   rsi, [rel %1]
    call  print_str
%endmacro

main:
    mov   edi, 3
.loop:
    mov   eax, 0x11111111
patch_imm equ $ - 4
    mov   cl, 8
    call  print_hex
    add   dword [patch_imm], 0x11111111
    dec   edi
    jz    .done
    print s_sp
    jmp   .loop
.done:
    print s_nl

    mov   byte [next + 1], 0x42         ; the immediate of the next instruction
next:
    mov   al, 0x00
    push  rax
    print s_next
    pop   rax
    movzx eax, al
    mov   cl, 2
    call  print_hex
    print s_nl

    print s_cross
    call  straddle
    mov   cl, 8
    call  print_hex
    print s_sp
    mov   dword [straddle_imm], 0x9ABCDEF0
    call  straddle
    mov   cl, 8
    call  print_hex
    print s_nl
    xor   eax, eax
    jmp   exit

s_sp:    db " ", 0
s_nl:    db 10, 0
s_next:  db "next ", 0
s_cross: db "cross-page ", 0

; `mov eax, imm32` (5 bytes) placed so that it starts 2 bytes before a page boundary.
    times (0x9000 - 2 - ($ - $$ + 0x7c00)) db 0x90
straddle:
    mov   eax, 0x12345678
straddle_imm equ $ - 4
    ret
%include "include/end.inc"
