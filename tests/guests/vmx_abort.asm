; expect-exit: 6
; expect-output: vmlaunch, then a VM exit whose MSR-load list fails:
;
; A VMX abort (SDM Vol. 3C 27.7): the VM exit after the guest's VMCALL loads the VM-exit
; MSR-load list, whose only entry names IA32_FS_BASE (not loadable from the list, 26.4), so
; loading host state fails. The processor writes VMX-abort indicator 1 at offset 4 of the VMCS
; and shuts down: `vanderpool run` stops with status 6 and the register dump, and the log
; says "VMX abort 1".
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"
%include "include/vmguest.inc"

main:
    call  install_idt
    call  vm_setup
    lea   rax, [rel g_vmcall]
    mov   [rel guest_entry_rip], rax
    mov   dword [MSR_AREA], 0xC0000100
    mov   dword [MSR_AREA + 4], 0
    mov   qword [MSR_AREA + 8], 0
    vmset 0x2008, MSR_AREA              ; VM-exit MSR-load address
    vmset 0x4010, 1                     ; VM-exit MSR-load count
    lea   rsi, [rel s_start]
    call  print_str
    call  vm_run
    lea   rsi, [rel s_back]             ; not reached: the abort shuts the processor down
    call  print_str
    mov   al, 0
    jmp   exit

g_vmcall:   vmcall
            jmp   $
s_start: db "vmlaunch, then a VM exit whose MSR-load list fails:", 10, 0
s_back:  db "back in the host (wrong)", 10, 0
%include "include/end.inc"
