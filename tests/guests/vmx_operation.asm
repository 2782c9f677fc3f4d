; expect-exit: 1
; expect-output: cpuid.1:ecx.vmx 0000000000000001
; expect-output: vmxon without cr4.vmxe: UD 06 ok
; expect-output: ia32_feature_control 0000000000000005
; expect-output: vmxon with cr0.ne=0: GP 0D 0000000000000000 ok
; expect-output: vmxon unaligned: VMfailInvalid flags 001
; expect-output: vmxon beyond maxphyaddr: VMfailInvalid flags 001
; expect-output: vmxon wrong revision: VMfailInvalid flags 001
; expect-output: vmxon shadow indicator: VMfailInvalid flags 001
; expect-output: vmxon operand unmapped: PF 0E 0000000000000000 0000000040000000 ok
; expect-output: vmxon operand non-canonical: GP 0D 0000000000000000 ok
; expect-output: vmxon: VMsucceed flags 000
; expect-output: vmptrst: VMsucceed flags 000
; expect-output: current-vmcs pointer FFFFFFFFFFFFFFFF
; expect-output: vmxon in root: VMfailInvalid flags 001
; expect-output: vmcall in root: VMfailInvalid flags 001
; expect-output: clear cr4.vmxe in vmx operation: GP 0D 0000000000000000 ok
; expect-output: clear cr0.ne in vmx operation: GP 0D 0000000000000000 ok
; expect-output: vmxoff: VMsucceed flags 000
; expect-output: vmxoff outside vmx operation: UD 06 ok
; expect-output: vmcall outside vmx operation: UD 06 ok
; expect-output: vmptrst outside vmx operation: UD 06 ok
; expect-output: vmread outside vmx operation: UD 06 ok
; expect-output: clear cr4.vmxe after vmxoff: no fault
;
; Entering and leaving VMX operation (SDM Vol. 3C "VMXON", "VMXOFF", "VMCALL", "VMPTRST";
; "Restrictions on VMX Operation"; Vol. 3D A.1, A.7, A.8): #UD without CR4.VMXE, #GP(0) with
; CR0.NE = 0 (IA32_VMX_CR0_FIXED0), VMfailInvalid for an unaligned pointer, one beyond
; MAXPHYADDR, a wrong revision identifier and a shadow-VMCS indicator; faults of the memory
; operand itself; VMsucceed clearing all six arithmetic flags; VMXON in VMX root operation
; with no current VMCS; CR4.VMXE and CR0.NE fixed while in VMX operation; VMPTRST with no
; current VMCS; VMXOFF, then #UD for the VMX instructions again. Bochs 2.7 (scripts/bochs-oracle)
; prints the same.
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"

main:
    call  install_idt
    mov   eax, 1
    cpuid
    shr   ecx, 5
    and   ecx, 1
    show  "cpuid.1:ecx.vmx", rcx
    vmfault "vmxon without cr4.vmxe", vmxon [rel p_vmxon]
    call  enable_vmx
    mov   ecx, 0x3a
    rdmsr
    show  "ia32_feature_control", rax
    ; CR0.NE = 0 is not allowed in VMX operation (IA32_VMX_CR0_FIXED0 bit 5)
    mov   rax, cr0
    and   rax, ~(1 << 5)
    mov   cr0, rax
    vmfault "vmxon with cr0.ne=0", vmxon [rel p_vmxon]
    mov   rax, cr0
    or    rax, 1 << 5
    mov   cr0, rax
    mov   rdi, VMXON_REGION
    call  write_revision
    vmt   "vmxon unaligned", vmxon [rel p_unaligned]
    vmt   "vmxon beyond maxphyaddr", vmxon [rel p_huge]
    inc   dword [VMXON_REGION]
    vmt   "vmxon wrong revision", vmxon [rel p_vmxon]
    dec   dword [VMXON_REGION]
    or    dword [VMXON_REGION], 0x80000000
    vmt   "vmxon shadow indicator", vmxon [rel p_vmxon]
    and   dword [VMXON_REGION], 0x7fffffff
    vmfault "vmxon operand unmapped", vmxon [0x40000000]
    mov   rbx, 0x8000000000000000
    vmfault "vmxon operand non-canonical", vmxon [rbx]
    vmt   "vmxon", vmxon [rel p_vmxon]
    vmt   "vmptrst", vmptrst [rel scratch]
    show  "current-vmcs pointer", [rel scratch]
    vmt   "vmxon in root", vmxon [rel p_vmxon]
    vmt   "vmcall in root", vmcall
    ; CR4.VMXE cannot be cleared, CR0.NE not cleared, in VMX operation
    ; (values in RBX: the macros' printing clobbers RAX)
    mov   rbx, cr4
    and   rbx, ~(1 << 13)
    vmfault "clear cr4.vmxe in vmx operation", mov cr4, rbx
    mov   rbx, cr0
    and   rbx, ~(1 << 5)
    vmfault "clear cr0.ne in vmx operation", mov cr0, rbx
    vmt   "vmxoff", vmxoff
    vmfault "vmxoff outside vmx operation", vmxoff
    vmfault "vmcall outside vmx operation", vmcall
    vmfault "vmptrst outside vmx operation", vmptrst [rel scratch]
    vmfault "vmread outside vmx operation", vmread rax, rbx
    mov   rbx, cr4
    and   rbx, ~(1 << 13)
    vmfault "clear cr4.vmxe after vmxoff", mov cr4, rbx
    mov   al, 0
    jmp   exit

    align 8
p_vmxon:     dq VMXON_REGION
p_unaligned: dq VMXON_REGION + 0x800
p_huge:      dq 0x8000000000020000
scratch:     dq 0
%include "include/end.inc"
