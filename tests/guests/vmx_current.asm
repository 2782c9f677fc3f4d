; expect-exit: 1
; expect-output: vmxon: VMsucceed flags 000
; expect-output: vmptrld: VMsucceed flags 000
; expect-output: vmwrite guest rip: VMsucceed flags 000
; expect-output: vmwrite guest cr3: VMsucceed flags 000
; expect-output: vmwrite guest es selector: VMsucceed flags 000
;
; Stops in VMX root operation with a current VMCS holding a few fields, for the VMCS dump
; tests (tests/check_vmcs_dump.sh: `run --dump-vmcs`, `run --save-ram` + `vmcs dump`).
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"

main:
    call  install_idt
    call  enable_vmx
    mov   rdi, VMXON_REGION
    call  write_revision
    mov   rdi, VMCS_A
    call  write_revision
    vmt   "vmxon", vmxon [rel p_vmxon]
    vmclear [rel p_vmcs_a]
    vmt   "vmptrld", vmptrld [rel p_vmcs_a]
    mov   eax, 0x681e
    mov   rbx, 0xfedcba9876543210
    vmt   "vmwrite guest rip", vmwrite rax, rbx
    mov   eax, 0x6802
    mov   ebx, 0x1000
    vmt   "vmwrite guest cr3", vmwrite rax, rbx
    mov   eax, 0x0800
    mov   ebx, 7
    vmt   "vmwrite guest es selector", vmwrite rax, rbx
    mov   al, 0
    jmp   exit

    align 8
p_vmxon:  dq VMXON_REGION
p_vmcs_a: dq VMCS_A
%include "include/end.inc"
