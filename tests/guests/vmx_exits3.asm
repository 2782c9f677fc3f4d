; expect-exit: 1
; expect-output: cpuid.1:ecx monitor 0000000000000008
; expect-output: cpuid.5:eax (smallest monitor line) 0000000000000040
; expect-output: cpuid.80000001h:edx rdtscp 0000000008000000
; expect-output: rdtscp ecx 0000000000001234
; expect-output: rdpmc 0: GP 0D 0000000000000000 ok
; expect-output: monitor: no fault
; expect-output: mwait: no fault
; expect-output: monitor ecx 1: GP 0D 0000000000000000 ok
; expect-output: rdtscp without enable rdtscp: exit 00000000 qual 0000000000000000 rip 00008F82 len 00 info 00000000 intr 80000306 lin 0000000000000000 rbx 0000000000000002
; expect-output: rdtscp, rdtsc exiting: exit 00000033 qual 0000000000000000 rip 00008F82 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: rdtscp runs: exit 00000012 qual 0000000000000000 rip 00008F87 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000001234
; expect-output: rdpmc, rdpmc exiting: exit 0000000F qual 0000000000000000 rip 00008F8E len 02 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: rdpmc faults: exit 00000000 qual 0000000000000000 rip 00008F8E len 00 info 00000000 intr 80000B0D lin 0000000000000000 rbx 0000000000000002
; expect-output: monitor, monitor exiting: exit 00000027 qual 0000000000000000 rip 00008F9E len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: monitor ecx 1, monitor exiting: exit 00000027 qual 0000000000000000 rip 00008FB0 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: monitor ecx 1 faults: exit 00000000 qual 0000000000000000 rip 00008FB0 len 00 info 00000000 intr 80000B0D lin 0000000000000000 rbx 0000000000000002
; expect-output: mwait, mwait exiting: exit 00000024 qual 0000000000000000 rip 00008FBC len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: mwait ecx 2, mwait exiting: exit 00000024 qual 0000000000000000 rip 00008FFA len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: mwait returns: exit 00000012 qual 0000000000000000 rip 00008FC4 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 000000000000600D
; expect-output: getsec without cr4.smxe: exit 00000000 qual 0000000000000000 rip 00008FC9 len 00 info 00000000 intr 80000306 lin 0000000000000000 rbx 0000000000000002
; expect-output: xsetbv without cr4.osxsave: exit 00000000 qual 0000000000000000 rip 00008FD6 len 00 info 00000000 intr 80000306 lin 0000000000000000 rbx 0000000000000002
; expect-output: xsetbv exits: exit 00000037 qual 0000000000000000 rip 00008FD6 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: invpcid without enable invpcid: exit 00000000 qual 0000000000000000 rip 00008FE7 len 00 info 00000000 intr 80000306 lin 0000000000000000 rbx 0000000000009010
; expect-output: invpcid, invlpg exiting: exit 0000003A qual 0000000000000010 rip 00008FE7 len 07 info 01C18100 intr 00000000 lin 0000000000000000 rbx 0000000000009010
; expect-output: invpcid runs: exit 00000012 qual 0000000000000000 rip 00008FEE len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000009010
;
; RDTSCP, RDPMC, MONITOR and MWAIT, in root operation and as VM exits (SDM Vol. 3C 25.1.3
; "Instructions That Cause VM Exits Conditionally", 25.3 for "enable RDTSCP", 25.1.1 for the
; priority of faults and exits). Root: RDTSCP returns IA32_TSC_AUX in ECX, RDPMC has no
; counter to read (#GP), MONITOR/MWAIT run (MWAIT returns at once), MONITOR with ECX = 1 is
; #GP. Non-root: RDTSCP is #UD without "enable RDTSCP" and exits with "RDTSC exiting"
; (reason 51); RDPMC, MONITOR and MWAIT exit with their controls (15, 39, 36), and the exits
; come before the #GP their operands would raise; without the controls MWAIT falls through,
; RDPMC and MONITOR with ECX = 1 fault (#GP through the exception bitmap). GETSEC and XSETBV,
; which exit unconditionally, are #UD first without CR4.SMXE (no SMX in this model) and
; CR4.OSXSAVE; with CR4.OSXSAVE XSETBV exits (25.1.2, reason 55). INVPCID is #UD
; without "enable INVPCID" and exits with "INVLPG exiting" (25.1.3, reason 58).
; Bochs 2.7 (scripts/bochs-oracle) prints the same, except that its Tiger Lake model has
; performance counters, so RDPMC 0 reads one (the Skylake modelled here reports none: CPUID
; leaf 0AH is absent, docs/cpu-model.md), and "len" of the exception exits, which is
; undefined there (27.2.4): Bochs keeps the previous value, as it does for the instruction
; information of the VMCALL after the INVPCID exit.
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"
%include "include/vmguest.inc"

main:
    call  install_idt
    ; --- root operation
    mov   eax, 1
    cpuid
    and   ecx, 1 << 3
    show  "cpuid.1:ecx monitor", rcx
    mov   eax, 5
    cpuid
    show  "cpuid.5:eax (smallest monitor line)", rax
    mov   eax, 0x80000001
    cpuid
    and   edx, 1 << 27
    show  "cpuid.80000001h:edx rdtscp", rdx
    mov   ecx, 0xC0000103                ; IA32_TSC_AUX
    mov   eax, 0x1234
    xor   edx, edx
    wrmsr
    rdtscp
    show  "rdtscp ecx", rcx
    xor   ecx, ecx
    vmfault "rdpmc 0", rdpmc
    lea   rax, [rel main]
    xor   ecx, ecx
    xor   edx, edx
    vmfault "monitor", monitor
    xor   eax, eax
    xor   ecx, ecx
    vmfault "mwait", mwait
    lea   rax, [rel main]
    mov   ecx, 1
    vmfault "monitor ecx 1", monitor
    ; --- non-root operation
    call  vm_setup
    mov   byte [rel vg_verbose], 1
    ctl_or 0x4004, (1 << 6) | (1 << 13)  ; exception bitmap: #UD, #GP
    ctl_or 0x4002, 1 << 31               ; activate secondary controls
    vmcase "rdtscp without enable rdtscp", g_rdtscp
    ctl_or 0x401E, 1 << 3                ; enable RDTSCP
    ctl_or 0x4002, 1 << 12               ; RDTSC exiting
    vmcase "rdtscp, rdtsc exiting", g_rdtscp
    ctl_andn 0x4002, 1 << 12
    vmcase "rdtscp runs", g_rdtscp
    ctl_or 0x4002, 1 << 11               ; RDPMC exiting
    vmcase "rdpmc, rdpmc exiting", g_rdpmc
    ctl_andn 0x4002, 1 << 11
    vmcase "rdpmc faults", g_rdpmc
    ctl_or 0x4002, 1 << 29               ; MONITOR exiting
    vmcase "monitor, monitor exiting", g_monitor
    vmcase "monitor ecx 1, monitor exiting", g_monitor_bad
    ctl_andn 0x4002, 1 << 29
    vmcase "monitor ecx 1 faults", g_monitor_bad
    ctl_or 0x4002, 1 << 10               ; MWAIT exiting
    vmcase "mwait, mwait exiting", g_mwait
    vmcase "mwait ecx 2, mwait exiting", g_mwait_bad
    ctl_andn 0x4002, 1 << 10
    vmcase "mwait returns", g_mwait
    ; --- GETSEC and XSETBV exit unconditionally, but only where they exist: without CR4.SMXE
    ;     (no SMX here) and CR4.OSXSAVE they are #UD first (SDM GETSEC, XSETBV); with
    ;     CR4.OSXSAVE, XSETBV exits (reason 55)
    vmcase "getsec without cr4.smxe", g_getsec
    vmcase "xsetbv without cr4.osxsave", g_xsetbv
    ctl_or 0x6804, 1 << 18              ; guest CR4.OSXSAVE
    vmcase "xsetbv exits", g_xsetbv
    ctl_andn 0x6804, 1 << 18
    ; --- INVPCID: #UD without "enable INVPCID"; with it, "INVLPG exiting" makes it exit
    ;     (reason 58, INVEPT-format instruction information, displacement as qualification)
    vmcase "invpcid without enable invpcid", g_invpcid
    ctl_or 0x401E, 1 << 12              ; enable INVPCID
    ctl_or 0x4002, 1 << 9               ; INVLPG exiting
    vmcase "invpcid, invlpg exiting", g_invpcid
    ctl_andn 0x4002, 1 << 9
    vmcase "invpcid runs", g_invpcid
    mov   al, 0
    jmp   exit

g_rdtscp:       rdtscp
                mov   ebx, ecx
                vmcall
                jmp   $
g_rdpmc:        xor   ecx, ecx
                rdpmc
                vmcall
                jmp   $
g_monitor:      mov   eax, 0x300000
                xor   ecx, ecx
                xor   edx, edx
                monitor
                vmcall
                jmp   $
g_monitor_bad:  mov   eax, 0x300000
                mov   ecx, 1
                monitor
                vmcall
                jmp   $
g_mwait:        xor   eax, eax
                xor   ecx, ecx
                mwait
                mov   ebx, 0x600D
                vmcall
                jmp   $
g_getsec:       getsec
                jmp   $
g_xsetbv:       xor   ecx, ecx
                xor   edx, edx
                mov   eax, 1
                xsetbv
                jmp   $
g_invpcid:      mov   eax, 2
                lea   rbx, [rel inv_desc]
                invpcid rax, [rbx + 16]
                vmcall
                jmp   $
g_mwait_bad:    xor   eax, eax
                mov   ecx, 2
                mwait
                vmcall
                jmp   $
    align 16
inv_desc: dq 0, 0, 0, 0
%include "include/end.inc"
