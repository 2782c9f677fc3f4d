; expect-exit: 1
; expect-output: int 50h (IST 1): rsp 0000000000008FD8 ss 0000000000000010 old rsp ok
; expect-output: int 51h (no IST): rsp 0000000000006FD8
;
; Interrupt stack table (SDM Vol. 3 6.14.5): a 64-bit gate with IST = n loads RSP from
; TSS.ISTn even without a privilege change, aligns it to 16 bytes and pushes SS:RSP; a gate
; with IST = 0 at the same privilege stays on the current stack (aligned to 16).
; Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/long_mode.inc"
%include "include/exceptions.inc"

TSS equ 0x11000

%macro print 1
    lea   rsi, [rel %1]
    call  print_str
%endmacro

main:
    call  install_idt
    set_gate 0x50, isr_50
    mov   byte [IDT + 0x50*16 + 4], 1      ; IST 1
    set_gate 0x51, isr_51
    lgdt  [gdtr64]
    mov   rdi, TSS
    mov   ecx, 0x68 / 8
    xor   eax, eax
    rep   stosq
    mov   qword [TSS + 0x24], 0x9008       ; IST1 (not 16-byte aligned: the CPU aligns it)
    mov   ax, 0x18
    ltr   ax
    mov   rsp, 0x7000
    int   0x50
    mov   rsp, 0x7008                      ; misaligned: aligned down to 7000 before the pushes
    int   0x51
    xor   eax, eax
    jmp   exit

isr_50:
    mov   r12, rsp
    print s_50
    mov   rax, r12
    mov   cl, 16
    call  print_hex
    print s_ss
    mov   rax, [r12 + 32]
    mov   cl, 16
    call  print_hex
    print s_old
    cmp   qword [r12 + 24], 0x7000
    lea   rsi, [rel s_okl]
    je    .p
    lea   rsi, [rel s_badl]
.p: call  print_str
    iretq
isr_51:
    mov   r12, rsp
    print s_51
    mov   rax, r12
    mov   cl, 16
    call  print_hex
    print s_nl
    iretq

s_50:   db "int 50h (IST 1): rsp ", 0
s_51:   db "int 51h (no IST): rsp ", 0
s_ss:   db " ss ", 0
s_old:  db " old rsp ", 0
s_okl:  db "ok", 10, 0
s_badl: db "bad", 10, 0
s_nl:   db 10, 0
    align 8
gdt:    dq 0, 0x00AF9A000000FFFF, 0x00CF92000000FFFF
        dw 0x67, TSS & 0xFFFF
        db (TSS >> 16), 0x89, 0, 0
        dq 0
gdtr64: dw 5*8 - 1
        dq gdt
%include "include/end.inc"
