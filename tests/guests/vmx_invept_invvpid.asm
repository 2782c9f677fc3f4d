; expect-exit: 1
; expect-output: invept without cr4.vmxe: UD 06 ok
; expect-output: invvpid without cr4.vmxe: UD 06 ok
; expect-output: invept before vmxon: UD 06 ok
; expect-output: invvpid before vmxon: UD 06 ok
; expect-output: vmxon: VMsucceed flags 000
; expect-output: invept type 0, no current vmcs: VMfailInvalid flags 001
; expect-output: invept single-context, memory type 1, no current vmcs: VMfailInvalid flags 001
; expect-output: invept all-context, no current vmcs: VMsucceed flags 000
; expect-output: invvpid type 4, no current vmcs: VMfailInvalid flags 001
; expect-output: invvpid single-context, vpid 0, no current vmcs: VMfailInvalid flags 001
; expect-output: invvpid single-context, no current vmcs: VMsucceed flags 000
; expect-output: vmptrld: VMsucceed flags 000
; expect-output: invept type 0: VMfailValid 1C flags 040
; expect-output: invept type 3: VMfailValid 1C flags 040
; expect-output: invept type 100000001h: VMfailValid 1C flags 040
; expect-output: invept single-context: VMsucceed flags 000
; expect-output: invept single-context, uc eptp: VMsucceed flags 000
; expect-output: invept single-context, memory type 1: VMfailValid 1C flags 040
; expect-output: invept single-context, memory type 7: VMfailValid 1C flags 040
; expect-output: invept single-context, walk length 3: VMfailValid 1C flags 040
; expect-output: invept single-context, walk length 5: VMfailValid 1C flags 040
; expect-output: invept single-context, eptp bit 7: VMfailValid 1C flags 040
; expect-output: invept single-context, eptp bit 11: VMfailValid 1C flags 040
; expect-output: invept single-context, eptp bit 51: VMfailValid 1C flags 040
; expect-output: invept single-context, a/d flags: VMsucceed flags 000
; expect-output: invept single-context, descriptor bits 127:64 set: VMsucceed flags 000
; expect-output: invept all-context, invalid eptp: VMsucceed flags 000
; expect-output: invept operand non-canonical: GP 0D 0000000000000000 ok
; expect-output: invept operand unmapped: PF 0E 0000000000000000 0000000040000000 ok
; expect-output: invept register operand: UD 06 ok
; expect-output: invvpid type 4: VMfailValid 1C flags 040
; expect-output: invvpid type 100000001h: VMfailValid 1C flags 040
; expect-output: invvpid individual-address: VMsucceed flags 000
; expect-output: invvpid individual-address ffff800000000000: VMsucceed flags 000
; expect-output: invvpid individual-address, vpid 0: VMfailValid 1C flags 040
; expect-output: invvpid individual-address 0000800000000000: VMfailValid 1C flags 040
; expect-output: invvpid single-context: VMsucceed flags 000
; expect-output: invvpid single-context, address ignored: VMsucceed flags 000
; expect-output: invvpid single-context, vpid 0: VMfailValid 1C flags 040
; expect-output: invvpid all-context, vpid 0: VMsucceed flags 000
; expect-output: invvpid all-context, vpid 1: VMsucceed flags 000
; expect-output: invvpid single-context retaining globals: VMsucceed flags 000
; expect-output: invvpid single-context retaining globals, vpid 0: VMfailValid 1C flags 040
; expect-output: invvpid single-context, descriptor bit 16: VMfailValid 1C flags 040
; expect-output: invvpid all-context, descriptor bit 63: VMfailValid 1C flags 040
; expect-output: invvpid operand non-canonical: GP 0D 0000000000000000 ok
; expect-output: invvpid operand unmapped: PF 0E 0000000000000000 0000000040000000 ok
; expect-output: invvpid register operand: UD 06 ok
;
; INVEPT and INVVPID in VMX root operation (SDM Vol. 3C "INVEPT" and "INVVPID" in the VMX
; instruction reference, 28.3.3 "Invalidating Cached Translation Information"; Vol. 3D A.10,
; IA32_VMX_EPT_VPID_CAP): #UD outside VMX operation; VMfailValid 28 (1CH, "invalid operand
; to INVEPT/INVVPID") for a type the capability MSR does not report (INVEPT 1-2, INVVPID 0-3;
; in 64-bit mode the whole 64-bit register is the type), an INVEPT single-context EPTP that
; VM entry would reject, INVVPID descriptor bits 63:16 set, VPID 0 with types 0, 1 and 3, a
; non-canonical individual address; VMfailInvalid instead with no current VMCS; faults of
; the memory operand; VMsucceed otherwise (descriptor parts a type does not use are
; ignored). The model has no CET, so EPTP bit 7 is reserved here.
; Bochs 2.7 (scripts/bochs-oracle) prints the same except: the two "type 100000001h" cases
; (VMsucceed: without REX.W it reads only the low 32 bits of the type register, where the
; SDM says that in 64-bit mode the register operand has 64 bits), and, with its default
; Tiger Lake model, "eptp bit 7" (VMsucceed: that CPU has CET, for which bit 7 is the
; supervisor shadow-stack control; with BOCHS_CPU=corei7_skylake_x it fails as here).
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"

EPTP equ 0x30000 | 6 | (3 << 3)         ; write-back, 4-level walk (no tables behind it)

%macro invept_t 3                       ; name, type, descriptor
    mov   rax, %2
    lea   rbx, [rel %3]
    vmt   %1, invept rax, [rbx]
%endmacro
%macro invvpid_t 3
    mov   rax, %2
    lea   rbx, [rel %3]
    vmt   %1, invvpid rax, [rbx]
%endmacro

main:
    call  install_idt
    mov   eax, 1
    lea   rbx, [rel d_ept]
    vmfault "invept without cr4.vmxe", invept rax, [rbx]
    vmfault "invvpid without cr4.vmxe", invvpid rax, [rbx]
    call  enable_vmx
    mov   eax, 1
    lea   rbx, [rel d_ept]
    vmfault "invept before vmxon", invept rax, [rbx]
    vmfault "invvpid before vmxon", invvpid rax, [rbx]
    mov   rdi, VMXON_REGION
    call  write_revision
    mov   rdi, VMCS_A
    call  write_revision
    vmt   "vmxon", vmxon [rel p_vmxon]
    ; --- no current VMCS: the failures are VMfailInvalid
    invept_t  "invept type 0, no current vmcs", 0, d_ept
    invept_t  "invept single-context, memory type 1, no current vmcs", 1, d_ept_wc
    invept_t  "invept all-context, no current vmcs", 2, d_ept
    invvpid_t "invvpid type 4, no current vmcs", 4, d_vpid1
    invvpid_t "invvpid single-context, vpid 0, no current vmcs", 1, d_vpid0
    invvpid_t "invvpid single-context, no current vmcs", 1, d_vpid1
    vmclear [rel p_vmcs]
    vmt   "vmptrld", vmptrld [rel p_vmcs]
    ; --- INVEPT
    invept_t  "invept type 0", 0, d_ept
    invept_t  "invept type 3", 3, d_ept
    invept_t  "invept type 100000001h", 0x100000001, d_ept
    invept_t  "invept single-context", 1, d_ept
    invept_t  "invept single-context, uc eptp", 1, d_ept_uc
    invept_t  "invept single-context, memory type 1", 1, d_ept_wc
    invept_t  "invept single-context, memory type 7", 1, d_ept_mt7
    invept_t  "invept single-context, walk length 3", 1, d_ept_wl3
    invept_t  "invept single-context, walk length 5", 1, d_ept_wl5
    invept_t  "invept single-context, eptp bit 7", 1, d_ept_b7
    invept_t  "invept single-context, eptp bit 11", 1, d_ept_b11
    invept_t  "invept single-context, eptp bit 51", 1, d_ept_b51
    invept_t  "invept single-context, a/d flags", 1, d_ept_ad
    invept_t  "invept single-context, descriptor bits 127:64 set", 1, d_ept_hi
    invept_t  "invept all-context, invalid eptp", 2, d_ept_wc
    mov   eax, 1
    mov   rbx, 0x8000000000000000
    vmfault "invept operand non-canonical", invept rax, [rbx]
    mov   eax, 1                        ; (the exception handler clobbered RAX)
    vmfault "invept operand unmapped", invept rax, [0x40000000]
    vmfault "invept register operand", db 0x66, 0x0F, 0x38, 0x80, 0xC0
    ; --- INVVPID
    invvpid_t "invvpid type 4", 4, d_vpid1
    invvpid_t "invvpid type 100000001h", 0x100000001, d_vpid1
    invvpid_t "invvpid individual-address", 0, d_vpid1
    invvpid_t "invvpid individual-address ffff800000000000", 0, d_vpid1_top
    invvpid_t "invvpid individual-address, vpid 0", 0, d_vpid0
    invvpid_t "invvpid individual-address 0000800000000000", 0, d_vpid1_nc
    invvpid_t "invvpid single-context", 1, d_vpid1
    invvpid_t "invvpid single-context, address ignored", 1, d_vpid1_nc
    invvpid_t "invvpid single-context, vpid 0", 1, d_vpid0
    invvpid_t "invvpid all-context, vpid 0", 2, d_vpid0
    invvpid_t "invvpid all-context, vpid 1", 2, d_vpid1
    invvpid_t "invvpid single-context retaining globals", 3, d_vpid1
    invvpid_t "invvpid single-context retaining globals, vpid 0", 3, d_vpid0
    invvpid_t "invvpid single-context, descriptor bit 16", 1, d_vpid_b16
    invvpid_t "invvpid all-context, descriptor bit 63", 2, d_vpid_b63
    mov   eax, 1
    mov   rbx, 0x8000000000000000
    vmfault "invvpid operand non-canonical", invvpid rax, [rbx]
    mov   eax, 1                        ; (the exception handler clobbered RAX)
    vmfault "invvpid operand unmapped", invvpid rax, [0x40000000]
    vmfault "invvpid register operand", db 0x66, 0x0F, 0x38, 0x81, 0xC0
    mov   al, 0
    jmp   exit

    align 8
p_vmxon: dq VMXON_REGION
p_vmcs:  dq VMCS_A
    align 16
; INVEPT descriptors: EPTP, reserved
d_ept:      dq EPTP, 0
d_ept_uc:   dq EPTP & ~7, 0
d_ept_wc:   dq (EPTP & ~7) | 1, 0
d_ept_mt7:  dq EPTP | 7, 0
d_ept_wl3:  dq (EPTP & ~0x38) | (2 << 3), 0
d_ept_wl5:  dq (EPTP & ~0x38) | (4 << 3), 0
d_ept_b7:   dq EPTP | (1 << 7), 0
d_ept_b11:  dq EPTP | (1 << 11), 0
d_ept_b51:  dq EPTP | (1 << 51), 0
d_ept_ad:   dq EPTP | (1 << 6), 0
d_ept_hi:   dq EPTP, -1
; INVVPID descriptors: VPID (bits 63:16 reserved), linear address
d_vpid0:     dq 0, 0x300000
d_vpid1:     dq 1, 0x300000
d_vpid1_top: dq 1, 0xFFFF800000000000
d_vpid1_nc:  dq 1, 0x0000800000000000
d_vpid_b16:  dq 0x10001, 0x300000
d_vpid_b63:  dq 0x8000000000000001, 0x300000
%include "include/end.inc"
