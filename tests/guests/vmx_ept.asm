; expect-exit: 1
; expect-output: read, not present: exit 00000030 qual 0000000000000181 rip 0000962D len 00 info 00000000 intr 00000000 lin 0000000000300000 rbx 0000000000000002
; expect-output:   gpa 0000000000300000
; expect-output: write, read/execute page: exit 00000030 qual 00000000000001AA rip 00009647 len 00 info 00000000 intr 00000000 lin 0000000000300008 rbx 0000000000000002
; expect-output:   gpa 0000000000300008
; expect-output: fetch, read/write page: exit 00000030 qual 000000000000019C rip 00300100 len 00 info 00000000 intr 00000000 lin 0000000000300100 rbx 0000000000000002
; expect-output:   gpa 0000000000300100
; expect-output: read, execute-only page: exit 00000030 qual 00000000000001A1 rip 0000962D len 00 info 00000000 intr 00000000 lin 0000000000300000 rbx 0000000000000002
; expect-output:   gpa 0000000000300000
; expect-output: fetch, execute-only page: exit 00000012 qual 0000000000000000 rip 00300100 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: read, read-only page: exit 00000012 qual 0000000000000000 rip 00009635 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 00000000600DF00D
; expect-output: write-only page: exit 00000031 qual 0000000000000000 rip 0000962D len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output:   gpa 0000000000300000
; expect-output: write/execute page: exit 00000031 qual 0000000000000000 rip 0000962D len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output:   gpa 0000000000300000
; expect-output: memory type 2: exit 00000031 qual 0000000000000000 rip 0000962D len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output:   gpa 0000000000300000
; expect-output: memory type 7: exit 00000031 qual 0000000000000000 rip 0000962D len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output:   gpa 0000000000300000
; expect-output: address bit 45: exit 00000031 qual 0000000000000000 rip 0000962D len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output:   gpa 0000000000300000
; expect-output: non-leaf PDE, bit 3: exit 00000031 qual 0000000000000000 rip 0000962D len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output:   gpa 0000000000300000
; expect-output: 2-MiB page, bit 12: exit 00000031 qual 0000000000000000 rip 0000963A len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output:   gpa 0000000000400000
; expect-output: 1-GiB page: exit 00000012 qual 0000000000000000 rip 00009635 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 00000000600DF00D
; expect-output: 1-GiB page, bit 12: exit 00000031 qual 0000000000000000 rip 0000962D len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output:   gpa 0000000000001000
; expect-output: read-only guest PD, A/D off: exit 00000012 qual 0000000000000000 rip 00009635 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 00000000600DF00D
; expect-output: read-only guest PD, A/D on: exit 00000030 qual 00000000000000AB rip 0000962D len 00 info 00000000 intr 00000000 lin 000000000000962D rbx 0000000000000002
; expect-output:   gpa 0000000000203000
; expect-output:   EPT PTE of the guest PML4 0000000000201337
; expect-output: read sets accessed: exit 00000012 qual 0000000000000000 rip 00009635 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 00000000600DF00D
; expect-output:   EPT PTE 0000000000300137
; expect-output: write sets dirty: exit 00000012 qual 0000000000000000 rip 00009652 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output:   EPT PTE 0000000000300337
; expect-output: int 30h, IDT not present: exit 00000030 qual 0000000000000181 rip 0000965E len 02 info 00000000 intr 00000000 lin 0000000000310300 rbx 0000000000000002
; expect-output:   gpa 0000000000310300
; expect-output:   IDT-vectoring information 0000000080000430
; expect-output: invept: exit 00000032 qual 0000000000000000 rip 0000967F len 05 info 01C18100 intr 00000000 lin 0000000000000000 rbx 00000000000096A0
; expect-output: invvpid: exit 00000035 qual 0000000000000008 rip 00009692 len 06 info 01C18100 intr 00000000 lin 0000000000000000 rbx 00000000000096A0
; expect-output: iret with nmis blocked, stack not present: exit 00000030 qual 0000000000001181 rip 0000966A len 00 info 00000000 intr 00000000 lin 0000000000300000 rbx 0000000000000002
; expect-output:   gpa 0000000000300000
; expect-output:   interruptibility 0000000000000000
; expect-output: #GP in iret with nmis blocked: exit 00000000 qual 0000000000000000 rip 00009671 len 00 info 00000000 intr 80001B0D lin 0000000000000000 rbx 0000000000000002
; expect-output:   interruptibility 0000000000000000
;
; EPT violations and misconfigurations (SDM Vol. 3C 28.2.3, exit qualification Table 27-7,
; guest-physical and guest-linear address fields 27.2.1), EPT page sizes and execute-only
; pages (28.2.2), the EPT accessed and dirty flags (28.2.4) with guest paging-structure
; accesses counting as writes, and an EPT violation while delivering an event (IDT-vectoring
; information, 27.2.4) and one in an IRET that would unblock NMIs (Table 27-7 bit 12). Each
; case remaps guest-physical pages (include/ept.inc) and runs a 64-bit guest; the line shows the exit, then "gpa" is the guest-physical address field.
; Bochs 2.7 (scripts/bochs-oracle) prints the same qualifications, addresses, IDT-vectoring
; information and EPT accessed/dirty flags, except:
; - "len" of an EPT violation or misconfiguration and "lin" of any exit but an EPT violation
;   are undefined (SDM 27.2.1, 27.2.4): Vanderpool writes 0, Bochs the instruction length and
;   whatever the field held;
; - Bochs does not check the reserved bits 20:12 of a 2-MiB EPT page or 29:12 of a 1-GiB page
;   (Tables 28-4 and 28-2 mark them reserved, so 28.2.3.1 makes them a misconfiguration): it
;   reads the page where Vanderpool exits with reason 49;
; - IRETQ reads its five stack slots in an order the SDM leaves open: Vanderpool reads RIP
;   first (the EPT violation is at the frame's first byte), Bochs RFLAGS (at +10H). Both set
;   bit 12 and clear NMI blocking before the exit (27.1), as the last two cases show;
; - "read-only guest PD, A/D on": Bochs reports qualification AAH (write). SDM editions after
;   2016 add to Table 27-7 that a paging-structure access EPT A/D turns into a write sets both
;   bit 0 and bit 1: ABH, as Vanderpool reports.
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"
%include "include/vmguest.inc"
%include "include/ept.inc"

GUEST_PT   equ 0x201000                 ; a copy of the identity page tables in 4-KiB-mapped
GUEST_PDPT equ 0x202000                 ; guest-physical pages (PML4, PDPT, PD)
GUEST_PD   equ 0x203000
GUEST_IDT3 equ 0x310000                 ; an IDT in a page the cases unmap

%macro gpa_line 0
    mov   eax, 0x2400
    vmread rbx, rax
    show  "  gpa", rbx
%endmacro
%macro ept_case 3                       ; name, EPT PTE for TEST_PAGE, guest snippet
    ept_pte TEST_PAGE, %2
    vmcase %1, %3
    gpa_line
%endmacro

main:
    call  install_idt
    call  vm_setup
    call  ept_setup
    mov   byte [rel vg_verbose], 1
    mov   qword [TEST_PAGE], 0x600DF00D
    mov   dword [TEST_PAGE + 0x100], 0x00C1010F   ; VMCALL (0F 01 C1) at TEST_PAGE + 100H
    ; --- EPT violations on the final access (qualification bits 7 and 8 set)
    ept_case "read, not present", 0, g_read
    ept_case "write, read/execute page", TEST_PAGE | EPT_WB | 5, g_write
    ept_case "fetch, read/write page", TEST_PAGE | EPT_WB | 3, g_fetch
    ept_case "read, execute-only page", TEST_PAGE | EPT_WB | 4, g_read
    ept_pte TEST_PAGE, TEST_PAGE | EPT_WB | 4
    vmcase "fetch, execute-only page", g_fetch
    ept_pte TEST_PAGE, TEST_PAGE | EPT_WB | 1
    vmcase "read, read-only page", g_read
    ; --- EPT misconfigurations (exit 49, qualification 0)
    ept_case "write-only page", TEST_PAGE | EPT_WB | 2, g_read
    ept_case "write/execute page", TEST_PAGE | EPT_WB | 6, g_read
    ept_case "memory type 2", TEST_PAGE | (2 << 3) | 7, g_read
    ept_case "memory type 7", TEST_PAGE | (7 << 3) | 7, g_read
    mov   rcx, (1 << 45) | TEST_PAGE | EPT_LEAF
    ept_case "address bit 45", rcx, g_read
    ept_map TEST_PAGE
    or    qword [EPT_PD + 8], 1 << 3
    vmcase "non-leaf PDE, bit 3", g_read
    gpa_line
    and   qword [EPT_PD + 8], ~(1 << 3)
    or    qword [EPT_PD + 16], 1 << 12
    vmcase "2-MiB page, bit 12", g_read_2m
    gpa_line
    and   qword [EPT_PD + 16], ~(1 << 12)
    ; --- a 1-GiB page maps the whole first GiB (guest-physical = host-physical)
    mov   qword [EPT_PDPT], EPT_LEAF | (1 << 7)
    vmcase "1-GiB page", g_read
    or    qword [EPT_PDPT], 1 << 12
    vmcase "1-GiB page, bit 12", g_read
    gpa_line
    mov   qword [EPT_PDPT], EPT_PD | EPT_RWX
    ; --- guest paging structures in a read/execute EPT page
    call  build_guest_tables
    vmset 0x6802, GUEST_PT
    ept_pte GUEST_PD, GUEST_PD | EPT_WB | 5
    vmcase "read-only guest PD, A/D off", g_read
    vmset 0x201A, EPTP_VALUE | (1 << 6)
    vmcase "read-only guest PD, A/D on", g_read
    gpa_line
    show  "  EPT PTE of the guest PML4", [ept_page(GUEST_PT)]
    ept_map GUEST_PD
    mov   rax, cr3
    vmset 0x6802, rax
    ; --- accessed and dirty flags (A/D still on)
    vmcase "read sets accessed", g_read
    show  "  EPT PTE", [ept_page(TEST_PAGE)]
    vmcase "write sets dirty", g_write
    show  "  EPT PTE", [ept_page(TEST_PAGE)]
    vmset 0x201A, EPTP_VALUE
    ; --- delivery of INT 30H reads the gate from an unmapped IDT page
    ept_pte GUEST_IDT3, 0
    vmset 0x6818, GUEST_IDT3
    vmcase "int 30h, IDT not present", g_int
    gpa_line
    mov   eax, 0x4408
    vmread rbx, rax
    show  "  IDT-vectoring information", rbx
    vmset 0x6818, IDT
    ; --- INVEPT and INVVPID in the guest exit unconditionally (instruction information)
    vmcase "invept", g_invept
    vmcase "invvpid", g_invvpid
    ; --- an NMI handler's IRET pops from an unmapped page: "NMI unblocking due to IRET" (bit
    ;     12), and NMIs are still blocked in the saved interruptibility state (bit 3)
    guest_idt_clear
    guest_idt_gate 2, g_nmi_iret
    vmset 0x6818, GUEST_IDT
    vmset 0x4016, 0x80000202            ; inject an NMI
    ept_pte TEST_PAGE, 0
    vmcase "iret with nmis blocked, stack not present", g_nop
    gpa_line
    mov   eax, 0x4824
    vmread rbx, rax
    show  "  interruptibility", rbx
    ; --- the same with a #GP in IRET (CS beyond the GDT limit) that the exception bitmap
    ;     takes: bit 12 of the VM-exit interruption information (27.2.2), NMIs unblocked (27.1)
    ept_map TEST_PAGE
    mov   qword [TEST_PAGE + 0x800], 0
    mov   qword [TEST_PAGE + 0x808], 0x50
    mov   qword [TEST_PAGE + 0x810], 2
    mov   qword [TEST_PAGE + 0x818], GUEST_RSP0
    mov   qword [TEST_PAGE + 0x820], 0x10
    guest_idt_gate 2, g_nmi_iret_gp
    ctl_or 0x4004, 1 << 13
    vmset 0x4016, 0x80000202            ; (the last VM exit cleared the valid bit)
    vmcase "#GP in iret with nmis blocked", g_nop
    mov   eax, 0x4824
    vmread rbx, rax
    show  "  interruptibility", rbx
    ctl_andn 0x4004, 1 << 13
    vmset 0x4016, 0
    vmset 0x6818, IDT
    mov   al, 0
    jmp   exit

; Guest page tables at GUEST_PT: the identity map of long_mode.inc with accessed (and in the
; PDEs dirty) flags already set, so walking them writes nothing without EPT A/D.
build_guest_tables:
    mov   rdi, GUEST_PT
    mov   ecx, 1024
    xor   eax, eax
    rep   stosq
    mov   qword [GUEST_PT], GUEST_PDPT | 0x23
    mov   qword [GUEST_PDPT], GUEST_PD | 0x23
    mov   rdi, GUEST_PD
    mov   eax, 0xE3                     ; 2 MiB, dirty, accessed, writable, present
    mov   ecx, 512
.pd:
    mov   [rdi], rax
    add   rax, 0x200000
    add   rdi, 8
    loop  .pd
    ret

g_read:         mov   rbx, [TEST_PAGE]
                vmcall
                jmp   $
g_read_2m:      mov   rbx, [0x400000]
                vmcall
                jmp   $
g_write:        mov   dword [TEST_PAGE + 8], 1
                vmcall
                jmp   $
g_fetch:        mov   eax, TEST_PAGE + 0x100
                jmp   rax
g_int:          int   0x30
                jmp   $
g_nop:          nop
                jmp   $
g_nmi_iret:     mov   esp, TEST_PAGE
                iretq
g_nmi_iret_gp:  mov   esp, TEST_PAGE + 0x800
                iretq
g_invept:       mov   eax, 1
                lea   rbx, [rel desc]
                invept rax, [rbx]
                jmp   $
g_invvpid:      mov   eax, 2
                lea   rbx, [rel desc]
                invvpid rax, [rbx + 8]
                jmp   $
    align 16
desc: dq EPTP_VALUE, 0, 0
%include "include/end.inc"
