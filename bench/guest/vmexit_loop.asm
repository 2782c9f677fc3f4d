; vmexit_loop.asm -- the VM exit round-trip workload: a host that launches a 64-bit guest whose
; loop executes CPUID, and handles each CPUID exit by skipping the instruction and resuming,
; EXITS times; then it writes to the debug-exit port. Built with -DEXITS=N; -DEPT runs the
; guest under an identity EPT map, -DVPID also gives it VPID 1 (so VM transitions keep its
; translations instead of flushing them).
%include "../../tests/guests/include/long_mode.inc"
%include "../../tests/guests/include/exceptions.inc"
%include "../../tests/guests/include/vmx.inc"
%include "../../tests/guests/include/vmguest.inc"
%ifdef EPT
%include "../../tests/guests/include/ept.inc"
%endif

main:
    mov   r15, EXITS                    ; the count lives in a register: a counter in memory
    call  install_idt                   ; here would share the code page and cost re-decodes
    call  vm_setup
%ifdef EPT
    call  ept_setup
%endif
%ifdef VPID
    ctl_or 0x401E, 1 << 5
    vmset 0x0000, 1
%endif
    lea   rcx, [rel on_exit]
    vmset 0x6C16, rcx                   ; HOST_RIP: our handler instead of vm_exit_point
    lea   rcx, [rel guest]
    vmset 0x681E, rcx
    vmset 0x681C, GUEST_RSP0
    vmset 0x6820, 2
    vmlaunch
    mov   al, 0x7F                      ; VMLAUNCH failed
    jmp   exit

on_exit:
    dec   r15                           ; the guest's CPUID leaves R15 alone
    jz    .done
    mov   eax, 0x681E                   ; guest RIP += exit instruction length
    vmread rbx, rax
    mov   ecx, 0x440C
    vmread rdx, rcx
    add   rbx, rdx
    vmwrite rax, rbx
    vmresume
    mov   al, 0x7E
    jmp   exit
.done:
    mov   al, 0
    jmp   exit

guest:
    cpuid
    jmp   guest

%include "../../tests/guests/include/end.inc"
