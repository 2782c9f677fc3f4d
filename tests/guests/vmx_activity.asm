; expect-exit: 0
; expect-output: shutdown, preemption timer: exit 00000034 qual 0000000000000000 rip 00008E0A len 00 info 00000000 intr 00000000
; expect-output:   saved activity state 0000000000000002
; expect-output: shutdown, interrupt window and preemption timer: exit 00000034 qual 0000000000000000 rip 00008E0A len 00 info 00000000 intr 00000000
; expect-output:   saved activity state 0000000000000002
; expect-output: shutdown, nmi window: exit 00000008 qual 0000000000000000 rip 00008E0A len 00 info 00000000 intr 00000000
; expect-output:   saved activity state 0000000000000002
; expect-output: shutdown, injected nmi: exit 00000012 qual 0000000000000000 rip 00008E0E len 03 info 00000000 intr 00000000
; expect-output:   saved activity state 0000000000000000
; expect-output: shutdown, injected external interrupt: exit 80000021 qual 0000000000000000 rip 00008E0A len 03 info 00000000 intr 00000000
; expect-output: wait-for-sipi, injected nmi: exit 80000021 qual 0000000000000000 rip 00008E0A len 03 info 00000000 intr 00000000
; expect-output: shutdown, monitor trap flag: exit 00000025 qual 0000000000000000 rip 00008E0A len 00 info 00000000 intr 00000000
; expect-output:   saved activity state 0000000000000002
; expect-output: wait-for-sipi, preemption timer 0 and monitor trap flag: no exit, the run stops
;
; The shutdown and wait-for-SIPI activity states (SDM Vol. 3C 24.4.2, 26.6.2 "Activity
; State", 25.2 "Other Causes of VM Exits" and 25.5 for what wakes each state). A guest entered
; in the shutdown state runs nothing; the VMX-preemption timer, the NMI window and the
; monitor trap flag wake it with a VM exit that saves the shutdown state, while the interrupt
; window does not; an injected NMI makes it active. Injection is restricted by state
; (26.3.1.5). Last, a guest entered in wait-for-SIPI: nothing on a one-processor machine can
; send a SIPI, and the timer and MTF do not act there, so the run stops (exit status 0, the
; log says why).
; Bochs 2.7 (scripts/bochs-oracle) prints the same up to the monitor-trap-flag case, which it
; does not implement (it waits there), except that after the NMI-window exit it saves the
; activity state as active: the SDM saves the state the processor was in before the exit
; (27.3.4), shutdown, as Bochs itself does for the preemption-timer exit.
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"
%include "include/vmguest.inc"

%macro activity_case 2                  ; name, guest activity state
    vmset 0x4826, %2
    vmcase %1, g_nops
    mov   eax, 0x4826
    vmread rbx, rax
    show  "  saved activity state", rbx
%endmacro

main:
    call  install_idt
    call  vm_setup
    ; --- shutdown (2)
    ctl_or 0x4000, 1 << 6               ; VMX-preemption timer
    vmset 0x482E, 1000
    activity_case "shutdown, preemption timer", 2
    ctl_or 0x4002, 1 << 2               ; interrupt-window exiting, guest IF = 1
    mov   qword [rel guest_rflags], 0x202
    activity_case "shutdown, interrupt window and preemption timer", 2
    ctl_andn 0x4002, 1 << 2
    mov   qword [rel guest_rflags], 2
    ctl_andn 0x4000, 1 << 6
    ctl_or 0x4000, (1 << 3) | (1 << 5)  ; NMI exiting, virtual NMIs
    ctl_or 0x4002, 1 << 22              ; NMI-window exiting
    activity_case "shutdown, nmi window", 2
    ctl_andn 0x4002, 1 << 22
    ctl_andn 0x4000, (1 << 3) | (1 << 5)
    guest_idt_clear
    guest_idt_gate 2, g_vmcall
    vmset 0x6818, GUEST_IDT
    vmset 0x4016, 0x80000202            ; inject an NMI: the guest becomes active
    activity_case "shutdown, injected nmi", 2
    vmset 0x6818, IDT
    ; --- what may be injected (26.3.1.5)
    vmset 0x4826, 2
    mov   qword [rel guest_rflags], 0x202   ; (so that the activity-state rule is what fails)
    entry_set "shutdown, injected external interrupt", 0x4016, 0x80000020
    mov   qword [rel guest_rflags], 2
    vmset 0x4826, 3
    entry_set "wait-for-sipi, injected nmi", 0x4016, 0x80000202
    ctl_or 0x4002, 1 << 27              ; monitor trap flag
    activity_case "shutdown, monitor trap flag", 2
    ctl_andn 0x4002, 1 << 27
    ; --- wait-for-SIPI (3): the timer (value 0) and MTF do not act; the run stops
    ctl_or 0x4000, 1 << 6
    vmset 0x482E, 0
    ctl_or 0x4002, 1 << 27
    vmset 0x4826, 3
    lea   rsi, [rel s_wfs]
    call  print_str
    lea   rax, [rel g_nops]
    mov   [rel guest_entry_rip], rax
    call  vm_run                        ; an exit line here would be wrong
    mov   al, 1                         ; not reached
    jmp   exit

s_wfs: db "wait-for-sipi, preemption timer 0 and monitor trap flag: no exit, the run stops", 10, 0

g_nops:         nop
                nop
                jmp   $
g_vmcall:       vmcall
                jmp   $
%include "include/end.inc"
