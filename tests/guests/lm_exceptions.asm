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
%include "include/exceptions.inc"

main:
    call  install_idt

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

%include "include/end.inc"
