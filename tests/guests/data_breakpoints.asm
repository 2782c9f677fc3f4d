; expect-exit: 1
; expect-output: write bp: #DB after the store, dr6 FFFF0FF2 ok
; expect-output: write-only bp ignores a read: ok
; expect-output: read/write bp (LEN 4) on a read of the last byte: dr6 FFFF0FF4 ok
; expect-output: I/O bp on port 80h: dr6 FFFF0FF8 ok
;
; Data and I/O breakpoints (SDM Vol. 3 17.2.4-17.2.5, 17.3.1.2): traps after the accessing
; instruction completes (saved RIP = the next instruction), the hit in DR6.Bn; a write-only
; breakpoint ignores reads; LEN widens the range to an aligned 1/2/4/8 bytes; R/W = 10 with
; CR4.DE watches I/O ports. Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/long_mode.inc"
%include "include/exceptions.inc"

%macro print 1
    lea   rsi, [rel %1]
    call  print_str
%endmacro

main:
    call  install_idt
    set_gate 1, isr_db
    mov   rax, 0xFFFF0FF0
    mov   dr6, rax
    ; DR1: write, 1 byte at var_a
    lea   rax, [rel var_a]
    mov   dr1, rax
    mov   eax, 0x00100404 | 0x400    ; L1, R/W1 = 01, LEN1 = 00
    mov   dr7, rax
    mov   qword [want], after_store
    mov   byte [var_a], 1
after_store:
    ; a read of the same byte: no trap
    mov   dword [hits], 0
    mov   al, [var_a]
    nop
    print s_wo
    cmp   dword [hits], 0
    call  ok_bad
    ; DR2: read/write, LEN 4, at var_b; read its last byte
    mov   rax, 0xFFFF0FF0
    mov   dr6, rax
    lea   rax, [rel var_b]
    mov   dr2, rax
    mov   eax, 0x0F000010 | 0x400    ; L2, R/W2 = 11, LEN2 = 11 (4 bytes)
    mov   dr7, rax
    mov   qword [want], after_read
    mov   al, [var_b + 3]
after_read:
    ; DR3: I/O port 80h, R/W3 = 10 with CR4.DE
    mov   rax, 0xFFFF0FF0
    mov   dr6, rax
    mov   rax, cr4
    or    eax, 1 << 3
    mov   cr4, rax
    mov   eax, 0x80
    mov   dr3, rax
    mov   eax, 0x20000040 | 0x400    ; L3, R/W3 = 10, LEN3 = 00
    mov   dr7, rax
    mov   qword [want], after_out
    out   0x80, al
after_out:
    xor   eax, eax
    mov   dr7, rax
    xor   eax, eax
    jmp   exit

isr_db:
    push  rax
    push  rbx
    push  rcx
    push  rdx
    push  rsi
    inc   dword [hits]
    mov   rax, dr6
    mov   rbx, rax
    test  eax, 2
    jz    .n1
    print s_w
    jmp   .show
.n1:
    test  eax, 4
    jz    .n2
    print s_rw
    jmp   .show
.n2:
    print s_io
.show:
    mov   eax, ebx
    mov   cl, 8
    call  print_hex
    mov   rax, [rsp + 40]            ; saved RIP
    cmp   rax, [want]
    call  ok_bad
    mov   rax, 0xFFFF0FF0
    mov   dr6, rax
    pop   rsi
    pop   rdx
    pop   rcx
    pop   rbx
    pop   rax
    iretq

ok_bad:                              ; prints " ok" or " bad" from ZF
    lea   rsi, [rel s_okl]
    je    .p
    lea   rsi, [rel s_badl]
.p: jmp   print_str

    align 8
var_a:  dq 0
var_b:  dq 0
want:   dq 0
hits:   dd 0
s_w:    db "write bp: #DB after the store, dr6 ", 0
s_wo:   db "write-only bp ignores a read:", 0
s_rw:   db "read/write bp (LEN 4) on a read of the last byte: dr6 ", 0
s_io:   db "I/O bp on port 80h: dr6 ", 0
s_okl:  db " ok", 10, 0
s_badl: db " bad", 10, 0
%include "include/end.inc"
