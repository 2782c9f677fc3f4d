; expect-exit: 1
; expect-output: EPT on, valid EPTP: exit 00000012 qual 0000000000000000 rip 00008D69 len 03 info 00000000 intr 00000000
; expect-output: EPTP memory type 1 (WC): VMfailValid 07 flags 040
; expect-output: EPTP memory type 7: VMfailValid 07 flags 040
; expect-output: EPTP memory type UC: exit 00000012 qual 0000000000000000 rip 00008D69 len 03 info 00000000 intr 00000000
; expect-output: EPTP page-walk length 5: VMfailValid 07 flags 040
; expect-output: EPTP page-walk length 3: VMfailValid 07 flags 040
; expect-output: EPTP bit 7: VMfailValid 07 flags 040
; expect-output: EPTP bit 11: VMfailValid 07 flags 040
; expect-output: EPTP bit 52: VMfailValid 07 flags 040
; expect-output: EPTP accessed and dirty flags: exit 00000012 qual 0000000000000000 rip 00008D69 len 03 info 00000000 intr 00000000
; expect-output: VPID 0 with enable VPID: VMfailValid 07 flags 040
; expect-output: VPID 1: exit 00000012 qual 0000000000000000 rip 00008D69 len 03 info 00000000 intr 00000000
; expect-output: VPID FFFFH: exit 00000012 qual 0000000000000000 rip 00008D69 len 03 info 00000000 intr 00000000
; expect-output: unrestricted guest without EPT: VMfailValid 07 flags 040
;
; The VM-entry checks on the EPT, VPID and unrestricted-guest controls (SDM Vol. 3C 26.2.1.1
; "VM-Execution Control Fields"): an EPTP with a memory type IA32_VMX_EPT_VPID_CAP does not
; allow, a page-walk length other than 4, reserved bits 11:7 or bits beyond the
; physical-address width fails with VMfailValid 7, as do VPID 0 with "enable VPID" and
; "unrestricted guest" without "enable EPT"; the accessed/dirty-flags bit is allowed (CAP
; bit 21). Each case changes one field of a valid VMCS and puts it back.
; Bochs 2.7 (scripts/bochs-oracle, cpu model tigerlake) prints the same except for EPTP bit 7,
; which it accepts: Tiger Lake has CET, where bit 7 enables supervisor shadow-stack control;
; the Skylake modelled here has no CET, so the bit is reserved (24.6.11).
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"
%include "include/vmguest.inc"
%include "include/ept.inc"

main:
    call  install_idt
    call  vm_setup
    call  ept_setup
    lea   rax, [rel g_vmcall]
    mov   [rel guest_entry_rip], rax
    lea   rsi, [rel s_ept_valid]
    call  print_label
    call  vm_run
    entry_set "EPTP memory type 1 (WC)", 0x201A, EPT_PML4 | 1 | (3 << 3)
    entry_set "EPTP memory type 7", 0x201A, EPT_PML4 | 7 | (3 << 3)
    entry_set "EPTP memory type UC", 0x201A, EPT_PML4 | 0 | (3 << 3)
    entry_set "EPTP page-walk length 5", 0x201A, EPT_PML4 | 6 | (4 << 3)
    entry_set "EPTP page-walk length 3", 0x201A, EPT_PML4 | 6 | (2 << 3)
    entry_or  "EPTP bit 7", 0x201A, 1 << 7
    entry_or  "EPTP bit 11", 0x201A, 1 << 11
    entry_or  "EPTP bit 52", 0x201A, 1 << 52
    entry_or  "EPTP accessed and dirty flags", 0x201A, 1 << 6
    ctl_or 0x401E, 1 << 5               ; enable VPID
    entry_set "VPID 0 with enable VPID", 0x0000, 0
    entry_set "VPID 1", 0x0000, 1
    entry_set "VPID FFFFH", 0x0000, 0xFFFF
    ctl_andn 0x401E, 1 << 5
    ctl_andn 0x401E, 1 << 1             ; EPT off
    entry_or  "unrestricted guest without EPT", 0x401E, 1 << 7
    mov   al, 0
    jmp   exit

s_ept_valid: db "EPT on, valid EPTP", ": ", 0
g_vmcall:       vmcall
                jmp   $
%include "include/end.inc"
