; expect-exit: 1
; expect-output: valid vmcs: exit 00000012 qual 0000000000000000 rip 0000967B len 03 info 00000000 intr 00000000
; expect-output: pin-based default1 bit 1 clear: VMfailValid 07 flags 040
; expect-output: pin-based posted interrupts: VMfailValid 07 flags 040
; expect-output: cr3-target count 5: VMfailValid 07 flags 040
; expect-output: i/o bitmap a unaligned: VMfailValid 07 flags 040
; expect-output: nmi-window exiting without virtual nmis: VMfailValid 07 flags 040
; expect-output: enable vpid (not reported yet: reserved): VMfailValid 07 flags 040
; expect-output: unrestricted guest (not reported yet: reserved): VMfailValid 07 flags 040
; expect-output: enable ept (not reported yet: reserved): VMfailValid 07 flags 040
; expect-output: save preemption timer without the timer: VMfailValid 07 flags 040
; expect-output: exit msr-store area unaligned: VMfailValid 07 flags 040
; expect-output: entry to smm: VMfailValid 07 flags 040
; expect-output: inject type 1: VMfailValid 07 flags 040
; expect-output: inject nmi with vector 3: VMfailValid 07 flags 040
; expect-output: inject #gp without error code: VMfailValid 07 flags 040
; expect-output: inject error code bit 16: VMfailValid 07 flags 040
; expect-output: host cr0.pg clear: VMfailValid 08 flags 040
; expect-output: host cr4.vmxe clear: VMfailValid 08 flags 040
; expect-output: host cr3 bit 63: VMfailValid 08 flags 040
; expect-output: host cs rpl 3: VMfailValid 08 flags 040
; expect-output: host tr selector 0: VMfailValid 08 flags 040
; expect-output: host address-space size 0: VMfailValid 08 flags 040
; expect-output: host rip non-canonical: VMfailValid 08 flags 040
; expect-output: host fs base non-canonical: VMfailValid 08 flags 040
; expect-output: guest cr0.pg clear: exit 80000021 qual 0000000000000000 rip 0000967B len 03 info 00000000 intr 00000000
; expect-output: guest cr4.vmxe clear: exit 80000021 qual 0000000000000000 rip 0000967B len 03 info 00000000 intr 00000000
; expect-output: guest cs.l and cs.d: exit 80000021 qual 0000000000000000 rip 0000967B len 03 info 00000000 intr 00000000
; expect-output: guest tr unusable: exit 80000021 qual 0000000000000000 rip 0000967B len 03 info 00000000 intr 00000000
; expect-output: guest ss rpl 3: exit 80000021 qual 0000000000000000 rip 0000967B len 03 info 00000000 intr 00000000
; expect-output: guest ldtr usable, type 3: exit 80000021 qual 0000000000000000 rip 0000967B len 03 info 00000000 intr 00000000
; expect-output: guest gdtr limit bit 16: exit 80000021 qual 0000000000000000 rip 0000967B len 03 info 00000000 intr 00000000
; expect-output: guest rflags bit 1 clear: exit 80000021 qual 0000000000000000 rip 0000967B len 03 info 00000000 intr 00000000
; expect-output: guest activity state 4: exit 80000021 qual 0000000000000000 rip 0000967B len 03 info 00000000 intr 00000000
; expect-output: guest sti and mov-ss blocking: exit 80000021 qual 0000000000000000 rip 0000967B len 03 info 00000000 intr 00000000
; expect-output: guest sti blocking with if 0: exit 80000021 qual 0000000000000000 rip 0000967B len 03 info 00000000 intr 00000000
; expect-output: guest vmcs link pointer: exit 80000021 qual 0000000000000004 rip 0000967B len 03 info 00000000 intr 00000000
; expect-output: entry msr-load of fs base: exit 80000022 qual 0000000000000002 rip 0000967B len 03 info 00000000 intr 00000000
; expect-output: guest rip non-canonical: exit 80000021 qual 0000000000000000 rip 00000000 len 03 info 00000000 intr 00000000
; expect-output: guest debugctl bit 2: exit 80000021 qual 0000000000000000 rip 0000967B len 03 info 00000000 intr 00000000
; expect-output: guest tf under sti blocking without bs: exit 80000021 qual 0000000000000000 rip 0000967B len 03 info 00000000 intr 00000000
; expect-output: valid vmcs: exit 00000012 qual 0000000000000000 rip 0000967B len 03 info 00000000 intr 00000000
;
; VM-entry checks (SDM Vol. 3C 26.2.1 controls -> VMfailValid 7, 26.2.2-26.2.4 host state ->
; VMfailValid 8, 26.3.1 guest state -> exit reason 33 with bit 31, 26.4 MSR loading -> exit
; reason 34 with the entry number as qualification): each case breaks exactly one rule of a
; VMCS that is otherwise valid (the first and last cases launch it and see the guest's
; VMCALL exit). `vanderpool run --show-vmx` names the failing check, field, value and rule.
;
; Bochs 2.7 (scripts/bochs-oracle) prints the same for every case except these, where the
; SDM wins:
; - "entry to smm": Bochs fails the entry with exit reason 33; SDM 26.2.1.3 lists "entry to
;   SMM = 0 outside SMM" among the VM-entry control checks (VMfailValid 7).
; - "inject #gp without error code": Bochs injects it; 26.2.1.3 requires deliver-error-code
;   to be 1 for #GP in protected mode.
; - "entry msr-load of fs base": Bochs reports instruction length 0; a VM-entry failure
;   writes only the exit reason and qualification (26.7), so the field keeps its old value.
; - "guest rip non-canonical", "guest debugctl bit 2", "guest tf under sti blocking without
;   bs": the three guest-state checks Bochs is known not to make; it enters the guest.
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"
%include "include/vmguest.inc"

main:
    call  install_idt
    call  vm_setup
    lea   rax, [rel guest_vmcall]
    mov   [rel guest_entry_rip], rax
    lea   rsi, [rel s_valid_vmcs]
    call  print_label
    call  vm_run
    ; --- 26.2.1.1 VM-execution control fields
    entry_andn "pin-based default1 bit 1 clear", 0x4000, 2
    entry_or   "pin-based posted interrupts", 0x4000, 0x80
    entry_set  "cr3-target count 5", 0x400A, 5
    vmset 0x2000, IO_BITMAP_A + 0x10
    entry_or   "i/o bitmap a unaligned", 0x4002, 1 << 25
    vmset 0x2000, IO_BITMAP_A
    entry_or   "nmi-window exiting without virtual nmis", 0x4002, 1 << 22
    vmset 0x4002 + 0x1C, 0x20           ; secondary controls: enable VPID (VPID field 0)
    entry_or   "enable vpid (not reported yet: reserved)", 0x4002, 1 << 31
    vmset 0x401E, 0x80                  ; unrestricted guest alone
    entry_or   "unrestricted guest (not reported yet: reserved)", 0x4002, 1 << 31
    vmset 0x401E, 0x02                  ; EPT with memory type 1 (reserved)
    vmset 0x201A, 0x1000 | (3 << 3) | 1
    entry_or   "enable ept (not reported yet: reserved)", 0x4002, 1 << 31
    vmset 0x401E, 0
    vmset 0x201A, 0
    ; --- 26.2.1.2 / 26.2.1.3 VM-exit and VM-entry control fields
    entry_or   "save preemption timer without the timer", 0x400C, 1 << 22
    vmset 0x2006, MSR_AREA + 8
    entry_set  "exit msr-store area unaligned", 0x400E, 1
    entry_or   "entry to smm", 0x4012, 1 << 10
    entry_set  "inject type 1", 0x4016, 0x80000100
    entry_set  "inject nmi with vector 3", 0x4016, 0x80000203
    entry_set  "inject #gp without error code", 0x4016, 0x8000030D
    vmset 0x4018, 0x10000
    entry_set  "inject error code bit 16", 0x4016, 0x80000B0D
    vmset 0x4018, 0
    ; --- 26.2.2 - 26.2.4 host state
    entry_andn "host cr0.pg clear", 0x6C00, 0x80000000
    entry_andn "host cr4.vmxe clear", 0x6C04, 1 << 13
    entry_or   "host cr3 bit 63", 0x6C02, 0x8000000000000000
    entry_set  "host cs rpl 3", 0x0C02, 0x0B
    entry_set  "host tr selector 0", 0x0C0C, 0
    entry_andn "host address-space size 0", 0x400C, 1 << 9
    entry_set  "host rip non-canonical", 0x6C16, 0x0000800000000000
    entry_set  "host fs base non-canonical", 0x6C06, 0x0000800000000000
    ; --- 26.3.1 guest state
    entry_andn "guest cr0.pg clear", 0x6800, 0x80000000
    entry_andn "guest cr4.vmxe clear", 0x6804, 1 << 13
    entry_or   "guest cs.l and cs.d", 0x4816, 1 << 14
    entry_or   "guest tr unusable", 0x4822, 1 << 16
    entry_set  "guest ss rpl 3", 0x0804, 0x13
    entry_set  "guest ldtr usable, type 3", 0x4820, 0x83
    entry_set  "guest gdtr limit bit 16", 0x4810, 0x10000
    mov   qword [rel guest_rflags], 0
    lea   rsi, [rel s_rflags]
    call  print_label
    call  vm_run
    mov   qword [rel guest_rflags], 2
    entry_set  "guest activity state 4", 0x4826, 4
    entry_set  "guest sti and mov-ss blocking", 0x4824, 3
    entry_set  "guest sti blocking with if 0", 0x4824, 1
    entry_set  "guest vmcs link pointer", 0x2800, MSR_AREA
    ; --- 26.4 VM-entry MSR loading: entry 1 loads IA32_FS_BASE, which the list may not
    mov   dword [MSR_AREA], 0x174       ; IA32_SYSENTER_CS: allowed
    mov   dword [MSR_AREA + 4], 0
    mov   qword [MSR_AREA + 8], 0
    mov   dword [MSR_AREA + 16], 0xC0000100
    mov   dword [MSR_AREA + 20], 0
    mov   qword [MSR_AREA + 24], 0
    vmset 0x200A, MSR_AREA
    entry_set  "entry msr-load of fs base", 0x4014, 2
    ; --- checks Bochs 2.7 does not make (the SDM does)
    mov   rax, 0x0000800000000000
    mov   [rel guest_entry_rip], rax
    lea   rsi, [rel s_rip]
    call  print_label
    call  vm_run
    lea   rax, [rel guest_vmcall]
    mov   [rel guest_entry_rip], rax
    entry_set  "guest debugctl bit 2", 0x2802, 4
    mov   qword [rel guest_rflags], 0x302 ; TF and IF
    entry_set  "guest tf under sti blocking without bs", 0x4824, 1
    mov   qword [rel guest_rflags], 2
    lea   rsi, [rel s_valid_vmcs]
    call  print_label
    call  vm_run
    mov   al, 0
    jmp   exit

guest_vmcall:
    vmcall
    jmp   guest_vmcall

s_valid_vmcs:  db "valid vmcs: ", 0
s_rflags: db "guest rflags bit 1 clear: ", 0
s_rip:    db "guest rip non-canonical: ", 0
%include "include/end.inc"
