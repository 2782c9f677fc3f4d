; expect-exit: 1
; expect-output: interrupt window, guest if=1: exit 00000007 qual 0000000000000000 rip 00008DED len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000202
; expect-output: interrupt window opened by sti (after its shadow): exit 00000007 qual 0000000000000000 rip 00008E1D len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: nmi window after the guest's iretq: exit 00000008 qual 0000000000000000 rip 00008E0C len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: nmi window, no virtual-nmi blocking: exit 00000008 qual 0000000000000000 rip 00008DED len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: monitor trap flag: exit 00000025 qual 0000000000000000 rip 00008DEE len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: preemption timer 0: exit 00000034 qual 0000000000000000 rip 00008DED len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output:   saved timer value 0000000000000000
; expect-output: preemption timer 1000, guest in hlt: exit 00000034 qual 0000000000000000 rip 00008E28 len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output:   saved activity state 0000000000000001
; expect-output: pause loop: exit 00000028 qual 0000000000000000 rip 00008E17 len 02 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: mov rbx, cr8 reads vtpr[7:4]: exit 00000012 qual 0000000000000000 rip 00008E31 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000007
; expect-output: mov cr8 6 (at the threshold: no exit): exit 00000012 qual 0000000000000000 rip 00008E43 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000006
; expect-output:   vtpr 0000000000000060
; expect-output: mov cr8 3 (below the threshold): exit 0000002B qual 0000000000000000 rip 00008E51 len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output:   vtpr 0000000000000030
;
; VM exits between guest instructions (SDM Vol. 3C 25.2 interrupt-window and NMI-window
; exiting with virtual NMIs, 25.5.1 the VMX-preemption timer, 25.5.2 the monitor trap flag),
; PAUSE-loop exiting (25.1.3) and the TPR shadow (29.3: MOV CR8 reads
; and writes VTPR; lowering it below the TPR threshold is a trap-like exit, reason 43).
;
; Bochs 2.7 (scripts/bochs-oracle) prints the same, RIPs included, except:
; - "monitor trap flag": Bochs is known to lack MTF exits and runs on to the VMCALL; the SDM
;   exits after the first NOP.
; - "mov cr8 3": Bochs reports instruction length 4 for this trap-like exit, where the SDM
;   leaves the field undefined and Vanderpool writes 0.
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"
%include "include/vmguest.inc"

VAPIC equ 0x19000



main:
    call  install_idt
    call  vm_setup
    mov   byte [rel vg_verbose], 1
    ; --- interrupt window (primary control bit 2)
    ctl_or   0x4002, 1 << 2
    mov   qword [rel guest_rflags], 0x202
    vmcase  "interrupt window, guest if=1", g_nops
    mov   qword [rel guest_rflags], 2
    vmcase  "interrupt window opened by sti (after its shadow)", g_sti
    ctl_andn 0x4002, 1 << 2
    ; --- NMI window (bit 22; needs NMI exiting and virtual NMIs): the guest starts with
    ;     virtual-NMI blocking, which its IRETQ ends
    ctl_or   0x4000, (1 << 3) | (1 << 5)
    ctl_or   0x4002, 1 << 22
    vmset 0x4824, 8
    vmcase "nmi window after the guest's iretq", g_iret
    vmset 0x4824, 0
    vmcase "nmi window, no virtual-nmi blocking", g_nops
    ctl_andn 0x4002, 1 << 22
    ctl_andn 0x4000, (1 << 3) | (1 << 5)
    ; --- monitor trap flag (bit 27): an exit after each guest instruction
    ctl_or   0x4002, 1 << 27
    vmcase  "monitor trap flag", g_nops
    ctl_andn 0x4002, 1 << 27
    ; --- VMX-preemption timer (pin-based bit 6), saving its value (exit control bit 22)
    ctl_or   0x4000, 1 << 6
    ctl_or   0x400C, 1 << 22
    vmset 0x482E, 0
    vmcase  "preemption timer 0", g_nops
    mov   eax, 0x482E
    vmread rbx, rax
    show  "  saved timer value", rbx
    vmset 0x482E, 1000
    vmcase  "preemption timer 1000, guest in hlt", g_hlt
    mov   eax, 0x4826
    vmread rbx, rax
    show  "  saved activity state", rbx
    vmset 0x4826, 0                     ; back to active for the next cases
    ctl_andn 0x4000, 1 << 6
    ctl_andn 0x400C, 1 << 22
    ; --- PAUSE-loop exiting (secondary bit 10): PAUSEs at most 128 cycles apart, for longer
    ;     than 4096 cycles
    ctl_or   0x4002, 1 << 31
    vmset 0x401E, 1 << 10
    vmset 0x4020, 128
    vmset 0x4022, 4096
    vmcase "pause loop", g_pause_loop
    vmset 0x401E, 0
    ctl_andn 0x4002, 1 << 31
    ; --- TPR shadow (bit 21): VTPR at the virtual-APIC page + 80H, threshold 5
    mov   dword [VAPIC + 0x80], 0x70
    vmset 0x2012, VAPIC
    vmset 0x401C, 5
    ctl_or   0x4002, 1 << 21
    ctl_andn 0x4002, (1 << 19) | (1 << 20)   ; and no CR8-load/store exiting
    vmcase  "mov rbx, cr8 reads vtpr[7:4]", g_read_cr8
    vmcase  "mov cr8 6 (at the threshold: no exit)", g_cr8_6
    show  "  vtpr", [VAPIC + 0x80]
    vmcase  "mov cr8 3 (below the threshold)", g_cr8_3
    show  "  vtpr", [VAPIC + 0x80]
    mov   al, 0
    jmp   exit

g_nops:     nop
            nop
            mov   ebx, 0x4E4F
            vmcall
            jmp   $
g_iret:     mov   rax, rsp
            push  0x10
            push  rax
            pushfq
            push  0x08
            lea   rax, [rel .after]
            push  rax
            iretq
.after:     nop
            mov   ebx, 0x4F4B
            vmcall
            jmp   $
g_pause_loop:
            pause
            jmp   g_pause_loop
g_sti:      sti
            nop
            mov   ebx, 0x4F4B
            vmcall
            jmp   $
g_hlt:      hlt
            vmcall
            jmp   $
g_read_cr8: mov   rbx, cr8
            vmcall
            jmp   $
g_cr8_6:    mov   eax, 6
            mov   cr8, rax
            mov   rbx, cr8
            vmcall
            jmp   $
g_cr8_3:    mov   eax, 3
            mov   cr8, rax
            mov   ebx, 0x4F4B
            vmcall
            jmp   $
%include "include/end.inc"
