; expect-exit: 1
; expect-output: DE 00 ok
; expect-output: BP 03 ok
; expect-output: UD 06 ok
; expect-output: GP 0D 0000000000000000 ok
; expect-output: PF 0E 0000000000000002 0000000040000008 ok
; expect-output: PF 0E 0000000000000003 0000000000200010 ok
; expect-output: GP 0D 0000000000000018 ok
; expect-output: DF 08 0000000000000000
;
; 64-bit exception delivery through the IDT (SDM Vol. 3 6.14): vector, error code, CR2 and
; the saved RIP (faults point at the instruction, traps after it), each case resuming at a
; label; a #PF whose gate is not present escalates to #DF (SDM 6.15, Table 6-5).
; Expected lines written from the SDM; Bochs 2.7 (scripts/bochs-oracle, cpu tigerlake)
; prints exactly the same.
%include "include/long_mode.inc"

IDT equ 0x10000                  ; above the image (loaded at 0x7C00)

; set_gate vector, handler: 64-bit interrupt gate, selector 0x08, DPL 0, present
%macro set_gate 2
    mov   rax, %2
    mov   word [IDT + %1*16], ax
    mov   word [IDT + %1*16 + 2], 0x08
    mov   word [IDT + %1*16 + 4], 0x8E00
    shr   rax, 16
    mov   word [IDT + %1*16 + 6], ax
    mov   dword [IDT + %1*16 + 8], 0
    mov   dword [IDT + %1*16 + 12], 0
%endmacro

; expect rip, resume: the saved RIP the next exception must report, and where to go on
%macro expect 2
    mov   qword [exp_rip], %1
    mov   qword [resume], %2
%endmacro

main:
    mov   rdi, IDT
    mov   ecx, 512
    xor   eax, eax
    rep   stosq
    set_gate 0, isr_de
    set_gate 3, isr_bp
    set_gate 6, isr_ud
    set_gate 8, isr_df
    set_gate 13, isr_gp
    set_gate 14, isr_pf
    lidt  [idtr]

    expect t_de, t1                 ; #DE is a fault: RIP of the DIV
    xor   ecx, ecx
t_de:
    div   ecx
t1: expect t_bp_after, t2           ; #BP is a trap: RIP after INT3
    int3
t_bp_after:
    nop
t2: expect t_ud, t3
t_ud:
    ud2
t3: expect t_gp, t4                 ; non-canonical address: #GP(0)
    mov   rax, 0x8000000000000000
t_gp:
    mov   rbx, [rax]
t4: mov   qword [0x2008], 0         ; PDPT entry 1 not present: 1-2 GiB unmapped
    mov   rax, cr3
    mov   cr3, rax
    expect t_pf1, t5                ; supervisor write, not present: error 2
    mov   rax, 0x40000000
t_pf1:
    mov   [rax + 8], rbx
t5: and   qword [0x3008], ~2        ; 2-4 MiB read-only
    mov   rax, cr0
    or    eax, 1 << 16              ; CR0.WP: supervisor writes honour R/W
    mov   cr0, rax
    invlpg [0x200000]
    expect t_pf2, t6                ; protection violation on write: error 3
t_pf2:
    mov   byte [0x200010], 1
t6: expect t_gp2, t7                ; data segment load of a null-descriptor index past the GDT limit
    mov   eax, 0x18
t_gp2:
    mov   ds, eax                   ; GDT has 3 entries: selector 0x18 -> #GP(0x18)
t7: mov   word [IDT + 14*16 + 4], 0x0E00   ; #PF gate not present
    mov   rax, 0x40000000
    mov   [rax], rbx                ; #PF -> #NP delivering it -> #DF
    mov   al, 0x55                  ; not reached
    jmp   exit

; Handlers: push a dummy error code where the CPU pushes none, then the vector.
isr_de: push 0
        push 0
        jmp  isr_common
isr_bp: push 0
        push 3
        jmp  isr_common
isr_ud: push 0
        push 6
        jmp  isr_common
isr_gp: push 13
        jmp  isr_common
isr_pf: push 14
        jmp  isr_common
isr_df: push 8
        jmp  isr_common

; [rsp] vector, [rsp+8] error code, [rsp+16] RIP
isr_common:
    mov   rax, [rsp]
    lea   rsi, [rel names]
    mov   rsi, [rsi + rax*8]
    call  print_str
    mov   rax, [rsp]
    mov   cl, 2
    call  print_hex
    mov   rax, [rsp]
    cmp   rax, 8
    je    .err
    cmp   rax, 13
    jb    .rip
.err:
    mov   al, ' '
    out   0xe9, al
    mov   rax, [rsp + 8]
    mov   cl, 16
    call  print_hex
    cmp   qword [rsp], 14
    jne   .df
    mov   al, ' '
    out   0xe9, al
    mov   rax, cr2
    mov   cl, 16
    call  print_hex
.df:
    cmp   qword [rsp], 8
    jne   .rip
    mov   al, 10
    out   0xe9, al
    xor   eax, eax
    jmp   exit                      ; #DF is an abort: stop here (exit status 1)
.rip:
    mov   rax, [rsp + 16]
    cmp   rax, [exp_rip]
    lea   rsi, [rel s_ok]
    je    .p
    lea   rsi, [rel s_bad]
.p: call  print_str
    mov   rsp, 0x7000
    jmp   [resume]

names:  dq n_de, 0, 0, n_bp, 0, 0, n_ud, 0, n_df, 0, 0, 0, 0, n_gp, n_pf
n_de:   db "DE ", 0
n_bp:   db "BP ", 0
n_ud:   db "UD ", 0
n_df:   db "DF ", 0
n_gp:   db "GP ", 0
n_pf:   db "PF ", 0
s_ok:   db " ok", 10, 0
s_bad:  db " bad", 10, 0
    align 8
exp_rip: dq 0
resume:  dq 0
idtr:   dw 256*16 - 1
        dq IDT
%include "include/end.inc"
