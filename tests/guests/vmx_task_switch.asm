; expect-exit: 1
; expect-output: jmp far to a tss: exit 00000009 qual 0000000080000030 rip 000089BF len 07 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: call far to a tss: exit 00000009 qual 0000000000000030 rip 000089C6 len 07 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: jmp far to a not-present tss: #np first: exit 00000000 qual 0000000000000000 rip 000089D4 len 00 info 00000000 intr 80000B0B lin 0000000000000000 rbx 0000000000000002
; expect-output:   #np error code 0000000000000030
;
; Task switches in VMX non-root operation always cause VM exits (SDM Vol. 3C 25.4.2), after
; the TSS descriptor's type, present and limit checks; the exit qualification holds the
; selector (15:0) and the source (31:30: 0 CALL, 1 IRET, 2 JMP, 3 task gate in the IDT),
; and the guest RIP saved is the instruction's (27.2.1). The guest is 32-bit protected mode
; with PAE paging ("IA-32e mode guest" = 0) under the 64-bit host. Bochs 2.7
; (scripts/bochs-oracle) prints the same, except an instruction length for the #NP exit
; (undefined for hardware exceptions; Vanderpool writes 0).
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"
%include "include/vmguest.inc"

PDPT32 equ 0x1B000                      ; the guest's four PAE PDPTEs
TSS32  equ 0x13100                      ; the target task's TSS

main:
    call  install_idt
    call  vm_setup
    mov   byte [rel vg_verbose], 1
    ; GDT additions: 0x28 32-bit code, 0x30 an available 32-bit TSS (limit 67H)
    mov   rax, 0x00CF9A000000FFFF
    mov   [GDT2 + 0x28], rax
    mov   rax, 0x0000890000000067 | (TSS32 << 16)
    mov   [GDT2 + 0x30], rax
    mov   qword [PDPT32], 0x3001        ; PDPTE 0: the first GiB (the 2-MiB-page PD at 3000H)
    mov   qword [PDPT32 + 8], 0
    mov   qword [PDPT32 + 16], 0
    mov   qword [PDPT32 + 24], 0
    ; a 32-bit guest: no IA-32e mode, CS 0x28, CR3 -> the PDPT
    ctl_andn 0x4012, 1 << 9
    vmset 0x6802, PDPT32
    vmset 0x0802, 0x28
    vmset 0x4816, 0xC09B
    vmset 0x4810, 0x37
    vmcase "jmp far to a tss", g_jmp
    vmcase "call far to a tss", g_call
    vmset 0x4004, 1 << 11               ; #NP in the exception bitmap
    vmcase "jmp far to a not-present tss: #np first", g_jmp_np_setup
    mov   eax, 0x4406                   ; its error code: the selector
    vmread rbx, rax
    show  "  #np error code", rbx
    mov   al, 0
    jmp   exit

bits 32
g_jmp:      jmp   0x30:0
g_call:     call  0x30:0
g_jmp_np_setup:
            and   byte [GDT2 + 0x30 + 5], 0x7F  ; clear P: #NP(30H) comes before the exit
            jmp   0x30:0
bits 64
%include "include/end.inc"
