; expect-exit: 1
; expect-output: PF 0E 0000000000000005 0000000000400000 ok
; expect-output: PF 0E 0000000000000007 0000000000600010 ok
; expect-output: GP 0D 0000000000000000 ok
; expect-output: GP 0D 0000000000000000 ok
; expect-output: GP 0D 0000000000000000 ok
; expect-output: GP 0D 000000000000040A ok
; expect-output: int 80h from cs 0023 ss 001B, handler rsp 0000000000006FD8
;
; CPL 3 in 64-bit mode (SDM Vol. 3 5.x, 6.12, 6.14): IRETQ to a DPL-3 code segment; user
; accesses to a supervisor page and writes to a read-only user page fault with error codes
; 5 and 7; CLI, HLT and IN at CPL 3 > IOPL (no I/O bitmap) are #GP(0); INT n through a DPL-0
; gate is #GP(vector*8+2); through a DPL-3 gate it switches to TSS.RSP0 and pushes the user
; SS:RSP. Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/long_mode.inc"
%include "include/exceptions.inc"

TSS equ 0x11000

%macro print 1
    lea   rsi, [rel %1]
    call  print_str
%endmacro

main:
    call  install_idt
    ; gate 0x80: DPL 3 (type 0xEE); gate 0x81: DPL 0
    set_gate 0x80, isr_int80
    mov   word [IDT + 0x80*16 + 4], 0xEE00
    set_gate 0x81, isr_int80
    ; user pages: U/S on PML4[0], PDPT[0] and the first 2 MiB (code, data, stacks);
    ; 4-6 MiB stays supervisor; 6-8 MiB becomes user read-only
    or    qword [0x1000], 4
    or    qword [0x2000], 4
    or    qword [0x3000], 4
    mov   qword [0x3018], 0x600000 | 0x85
    mov   rax, cr3
    mov   cr3, rax
    ; GDT: 0x08/0x10 kernel, 0x18 user data, 0x20 user code, 0x28 64-bit TSS
    mov   rax, 0x00CFF2000000FFFF
    mov   [gdt + 0x18], rax
    mov   rax, 0x00AFFA000000FFFF
    mov   [gdt + 0x20], rax
    mov   rax, 0x0000890000000067 | (TSS << 16)   ; present, type 9, limit 67h, base TSS
    mov   [gdt + 0x28], rax
    mov   qword [gdt + 0x30], 0
    lgdt  [gdtr64]
    mov   rdi, TSS
    mov   ecx, 0x68 / 8
    xor   eax, eax
    rep   stosq
    mov   qword [TSS + 4], 0x7000          ; RSP0
    mov   word [TSS + 0x66], 0x68          ; I/O map base past the limit: no bitmap
    mov   ax, 0x28
    ltr   ax
    push  0x1B                             ; SS = user data, RPL 3
    push  0x5000                           ; user RSP
    push  0x002                            ; RFLAGS: IF = 0, IOPL = 0
    push  0x23                             ; CS = user code, RPL 3
    push  user
    iretq

user:
    expect u1, u1r
u1: mov   rax, [0x400000]                  ; supervisor page: #PF, error P|U = 5
u1r:
    expect u2, u2r
u2: mov   byte [0x600010], 1               ; read-only user page: #PF, error P|W|U = 7
u2r:
    expect u3, u3r
u3: cli                                    ; CPL 3 > IOPL: #GP(0)
u3r:
    expect u4, u4r
u4: hlt                                    ; #GP(0)
u4r:
    expect u5, u5r
u5: in    al, 0x80                         ; no I/O permission: #GP(0)
u5r:
    expect u6, u6r
u6: int   0x81                             ; gate DPL 0 < CPL 3: #GP(0x81*8 + 2)
u6r:
    int   0x80
    jmp   $

isr_int80:
    mov   r12, rsp
    print s_int
    mov   rax, [r12 + 8]                   ; saved CS
    mov   cl, 4
    call  print_hex
    print s_ss
    mov   rax, [r12 + 32]                  ; saved SS
    mov   cl, 4
    call  print_hex
    print s_rsp
    mov   rax, r12
    mov   cl, 16
    call  print_hex
    print s_nl
    xor   eax, eax
    jmp   exit

s_int:  db "int 80h from cs ", 0
s_ss:   db " ss ", 0
s_rsp:  db ", handler rsp ", 0
s_nl:   db 10, 0
    align 8
gdt:    dq 0, 0x00AF9A000000FFFF, 0x00CF92000000FFFF, 0, 0, 0, 0
gdtr64: dw 7*8 - 1
        dq gdt
%include "include/end.inc"
