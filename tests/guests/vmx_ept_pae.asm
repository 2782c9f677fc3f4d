; expect-exit: 1
; expect-output: pdptes from the vmcs: exit 00000012 qual 0000000000000000 rip 000090D6 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000053434D56
; expect-output:   guest pdpte0 0000000000203001
; expect-output: mov cr3 loads them from memory: exit 00000012 qual 0000000000000000 rip 000090E7 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 000000004D4D454D
; expect-output:   guest pdpte0 0000000000202001
; expect-output: mov cr4 changing pge loads them: exit 00000012 qual 0000000000000000 rip 00009105 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 000000004D4D454D
; expect-output:   guest pdpte0 0000000000202001
; expect-output: mov cr4 changing tsd does not: exit 00000012 qual 0000000000000000 rip 0000911F len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000053434D56
; expect-output:   guest pdpte0 0000000000203001
; expect-output: mov cr3, pdpt page not present: exit 00000030 qual 0000000000000001 rip 000090DE len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output:   gpa 0000000000201020
; expect-output:   guest pdpte0 0000000000203001
; expect-output: a/d on, pdpt page read/execute: exit 00000012 qual 0000000000000000 rip 000090E7 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 000000004D4D454D
; expect-output: a/d on, pdpt and pd pages read/execute: exit 00000030 qual 00000000000000AB rip 000090E1 len 00 info 00000000 intr 00000000 lin 00000000000090E1 rbx 0000000000000002
; expect-output:   gpa 0000000000202000
; expect-output: a/d on, pdpt page writable: exit 00000012 qual 0000000000000000 rip 000090E7 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 000000004D4D454D
; expect-output:   EPT PTE of the PDPT 0000000000201137
; expect-output:   EPT PTE of the PD 0000000000202337
; expect-output: ept on, reserved bit in the vmcs pdpte0: exit 80000021 qual 0000000000000002 rip 000090D0 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: ept on, reserved bit in memory only: exit 00000012 qual 0000000000000000 rip 000090D6 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000053434D56
; expect-output: ept off, reserved bit in memory: exit 80000021 qual 0000000000000002 rip 000090D0 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: ept off, reserved bit in the vmcs pdpte0 only: exit 00000012 qual 0000000000000000 rip 000090D6 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 000000004D4D454D
;
; The PDPTE registers of a PAE guest under EPT (SDM Vol. 3C): with "enable EPT" a VM entry
; loads them from the guest PDPTE fields of the VMCS, not from memory at guest CR3 (26.3.2.4),
; and a VM exit saves them there (27.3.4; "guest pdpte0" is field 280AH after the exit); MOV to
; CR3, and MOV to CR4 changing PGE but not one changing only TSD, reloads them from guest
; memory through EPT (Vol. 3A 4.4.1). EPT refusing that load is an EPT violation without a
; guest-linear address (Table 27-7: bits 7 and 8 clear; "gpa" is the guest-physical address
; field: CR3 bits 31:5, the first PDPTE), at the MOV's RIP, and the PDPTE registers keep their
; values. The load is a read even with EPT accessed and dirty flags on (28.2.3.2), so a
; read/execute PDPT page does not stop it and a writable one gets its EPT accessed flag but
; not its dirty flag (28.2.4), while the walks of the guest page directory that follow count
; as writes (qualification ABH: read and write, and the PD page's EPT dirty flag). VM entry checks the PDPTEs
; (26.3.1.6): the VMCS fields with EPT on, memory at CR3 with it off (the other source is not
; looked at), and fails with exit reason 80000021H, qualification 2 (26.7).
; The guest is 32-bit protected mode (CS 28H) with PAE paging and CR3 201020H: memory's PDPTE 0
; points to a directory mapping L = 400000H to a page holding "MEMM" (rbx 4D4D454DH), the VMCS
; field's to one mapping L to a page holding "VMCS" (rbx 53434D56H).
; Bochs 2.7 (scripts/bochs-oracle) prints the same, except qualification AAH for that walk
; (SDM editions after 2016 say such an access sets both bits 0 and 1 of Table 27-7), and in
; fields the SDM leaves undefined (27.2.1):
; - "len" of an EPT violation: Vanderpool writes 0, Bochs the length of the MOV CR3 (03);
; - "lin" of any exit but an EPT violation that sets qualification bit 7: Vanderpool writes 0,
;   Bochs leaves what the field held (90E1H, from the violation before).
; After a failed VM entry "len" and "info" are those of the exit before in both (26.7: the
; other exit-information fields are not modified).
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"
%include "include/vmguest.inc"
%include "include/ept.inc"

GUEST_CR3  equ 0x201020                 ; the guest's PDPT: 32 bytes at offset 20H of a page
PDPT_PAGE  equ 0x201000                 ;   in the 4-KiB-mapped part of the EPT
PD_X       equ 0x202000                 ; what memory's PDPTE 0 points to: L -> MEMM_PAGE
PD_Y       equ 0x203000                 ; what the VMCS PDPTE 0 field points to: L -> VMCS_PAGE
LIN        equ 0x400000                 ; L: the 2-MiB page the two directories map differently
MEMM_PAGE  equ 0x400000
VMCS_PAGE  equ 0x600000

%macro gpa_line 0
    mov   eax, 0x2400
    vmread rbx, rax
    show  "  gpa", rbx
%endmacro
%macro pdpte0_line 0
    mov   eax, 0x280A
    vmread rbx, rax
    show  "  guest pdpte0", rbx
%endmacro
; INVEPT (single context) after an EPT change: VM entries need not drop guest-physical
; mappings (26.3.2.5), so software does (28.3.3).
%macro ept_flush 0
    mov   eax, 1
    invept rax, [rel invept_desc]
%endmacro

main:
    call  install_idt
    call  vm_setup
    call  ept_setup
    mov   byte [rel vg_verbose], 1
    mov   rax, 0x00CF9A000000FFFF       ; GDT 0x28: 32-bit code
    mov   [GDT2 + 0x28], rax
    call  build_guest_tables
    mov   dword [MEMM_PAGE], 'MEMM'
    mov   dword [VMCS_PAGE], 'VMCS'
    ; a 32-bit PAE guest: no IA-32e mode, CS 0x28, CR3 -> the PDPT
    ctl_andn 0x4012, 1 << 9
    vmset 0x6802, GUEST_CR3
    vmset 0x0802, 0x28
    vmset 0x4816, 0xC09B
    vmset 0x4810, 0x2F
    vmset 0x280A, PD_Y | 1              ; the VMCS PDPTEs: only PDPTE 0 present
    vmset 0x280C, 0
    vmset 0x280E, 0
    vmset 0x2810, 0
    ; --- with EPT, VM entry loads the PDPTEs from the VMCS; VM exit saves them
    vmcase "pdptes from the vmcs", g_read
    pdpte0_line
    vmset 0x280A, PD_Y | 1
    vmcase "mov cr3 loads them from memory", g_reload
    pdpte0_line
    vmset 0x280A, PD_Y | 1
    vmcase "mov cr4 changing pge loads them", g_cr4_pge
    pdpte0_line
    vmset 0x280A, PD_Y | 1
    vmcase "mov cr4 changing tsd does not", g_cr4_tsd
    pdpte0_line
    ; --- MOV to CR3 reads the PDPTEs through EPT: no guest-linear address (bit 7 = 0)
    vmset 0x280A, PD_Y | 1
    ept_pte PDPT_PAGE, 0
    ept_flush
    vmcase "mov cr3, pdpt page not present", g_reload
    gpa_line
    pdpte0_line
    ; --- EPT A/D on: the PDPTE loads are reads, the walks of the page directory writes
    vmset 0x201A, EPTP_VALUE | (1 << 6)
    ept_pte PDPT_PAGE, PDPT_PAGE | EPT_WB | 5
    ept_flush
    vmset 0x280A, PD_Y | 1
    vmcase "a/d on, pdpt page read/execute", g_reload
    ept_pte PD_X, PD_X | EPT_WB | 5
    ept_flush
    vmset 0x280A, PD_Y | 1
    vmcase "a/d on, pdpt and pd pages read/execute", g_reload
    gpa_line
    ept_map PDPT_PAGE
    ept_map PD_X
    ept_flush
    vmset 0x280A, PD_Y | 1
    vmcase "a/d on, pdpt page writable", g_reload
    show  "  EPT PTE of the PDPT", [ept_page(PDPT_PAGE)]
    show  "  EPT PTE of the PD", [ept_page(PD_X)]
    vmset 0x201A, EPTP_VALUE
    ept_flush
    ; --- VM-entry checks (26.3.1.6): with EPT on the VMCS fields, with EPT off memory
    vmset 0x280A, PD_Y | 2 | 1          ; bit 1 reserved
    vmcase "ept on, reserved bit in the vmcs pdpte0", g_read
    vmset 0x280A, PD_Y | 1
    mov   qword [GUEST_CR3], PD_X | 0x100 | 1   ; bit 8 reserved
    vmcase "ept on, reserved bit in memory only", g_read
    ctl_andn 0x401E, 1 << 1             ; "enable EPT" off
    vmcase "ept off, reserved bit in memory", g_read
    mov   qword [GUEST_CR3], PD_X | 1
    vmset 0x280A, PD_Y | 2 | 1
    vmcase "ept off, reserved bit in the vmcs pdpte0 only", g_read
    mov   al, 0
    jmp   exit

; The guest's PAE tables: PDPTE 0 at GUEST_CR3 -> PD_X; PD_X and PD_Y identity-map the first
; GiB by 2-MiB pages (accessed and dirty already set), except L, which PD_Y maps to VMCS_PAGE.
build_guest_tables:
    mov   rdi, PDPT_PAGE
    mov   ecx, 3 * 512
    xor   eax, eax
    rep   stosq
    mov   qword [GUEST_CR3], PD_X | 1
    mov   eax, 0xE3                     ; 2 MiB, dirty, accessed, writable, present
    xor   ecx, ecx
.pd:
    mov   [PD_X + rcx*8], rax
    mov   [PD_Y + rcx*8], rax
    add   rax, 0x200000
    inc   ecx
    cmp   ecx, 512
    jb    .pd
    mov   qword [PD_Y + (LIN >> 21) * 8], VMCS_PAGE | 0xE3
    ret

    align 16
invept_desc: dq EPTP_VALUE, 0

bits 32
g_read:     mov   ebx, [LIN]
            vmcall
            jmp   $
g_reload:   mov   eax, cr3
            mov   cr3, eax
            mov   ebx, [LIN]
            vmcall
            jmp   $
g_cr4_pge:  mov   eax, cr4
            xor   eax, 1 << 7           ; PGE, twice: each MOV to CR4 reloads the PDPTEs
            mov   cr4, eax
            xor   eax, 1 << 7
            mov   cr4, eax
            mov   ebx, [LIN]
            vmcall
            jmp   $
g_cr4_tsd:  mov   eax, cr4
            xor   eax, 1 << 2           ; TSD, twice: no PDPTE load (SDM Vol. 3A 4.4.1)
            mov   cr4, eax
            xor   eax, 1 << 2
            mov   cr4, eax
            mov   ebx, [LIN]
            vmcall
            jmp   $
bits 64
%include "include/end.inc"
