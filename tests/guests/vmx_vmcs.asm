; expect-exit: 1
; expect-output: vmxon: VMsucceed flags 000
; expect-output: vmclear unaligned (no current vmcs): VMfailInvalid flags 001
; expect-output: vmread (no current vmcs): VMfailInvalid flags 001
; expect-output: vmwrite (no current vmcs): VMfailInvalid flags 001
; expect-output: vmlaunch (no current vmcs): VMfailInvalid flags 001
; expect-output: vmptrld: VMsucceed flags 000
; expect-output: vmptrst: VMsucceed flags 000
; expect-output: current-vmcs pointer 0000000000021000
; expect-output: vmclear unaligned: VMfailValid 02 flags 040
; expect-output: vmclear beyond maxphyaddr: VMfailValid 02 flags 040
; expect-output: vmclear vmxon pointer: VMfailValid 03 flags 040
; expect-output: vmptrld unaligned: VMfailValid 09 flags 040
; expect-output: vmptrld beyond maxphyaddr: VMfailValid 09 flags 040
; expect-output: vmptrld vmxon pointer: VMfailValid 0A flags 040
; expect-output: vmptrld wrong revision: VMfailValid 0B flags 040
; expect-output: vmptrld shadow indicator: VMfailValid 0B flags 040
; expect-output: vmptrld again: VMsucceed flags 000
; expect-output: vmxon in root: VMfailValid 0F flags 040
; expect-output: vmresume with a clear vmcs: VMfailValid 05 flags 040
; expect-output: vmlaunch after mov ss: VMfailValid 1A flags 040
; expect-output: vmresume after mov ss: VMfailValid 1A flags 040
; expect-output: vmwrite 16-bit: VMsucceed flags 000
; expect-output:   read back 000000000000ABCD
; expect-output: 32-bit read back 0000000012345678
; expect-output: 64-bit read back 1122334455667788
; expect-output: vmread high: VMsucceed flags 000
; expect-output:   high read 0000000011223344
; expect-output: vmwrite high: VMsucceed flags 000
; expect-output:   full after high write 9988776655667788
; expect-output: natural read back FEDCBA9876543210
; expect-output: vmwrite from memory: VMsucceed flags 000
; expect-output: vmread to memory: VMsucceed flags 000
; expect-output:   memory read back 0000000000000202
; expect-output: vmread to unmapped memory: PF 0E 0000000000000002 0000000040000000 ok
; expect-output: vmwrite from unmapped memory: PF 0E 0000000000000000 0000000040000008 ok
; expect-output: vmread 0x0001: VMfailValid 0C flags 040
; expect-output: vmread reserved bit 15: VMfailValid 0C flags 040
; expect-output: vmread bit 32: VMfailValid 0C flags 040
; expect-output: vmwrite fred field: VMfailValid 0C flags 040
; expect-output: ia32_vmx_misc[29] 0000000000000001
; expect-output: vmwrite exit reason: VMsucceed flags 000
; expect-output:   exit reason 0000000000001234
; expect-output: vmclear current: VMsucceed flags 000
; expect-output: current-vmcs pointer FFFFFFFFFFFFFFFF
; expect-output: vmread after vmclear: VMfailInvalid flags 001
; expect-output: guest rip after vmclear+vmptrld FEDCBA9876543210
; expect-output: vmcall in root: VMfailValid 01 flags 040
; expect-output: vmxoff: VMsucceed flags 000
;
; Managing VMCSs (SDM Vol. 3C "VMCLEAR", "VMPTRLD", "VMPTRST", "VMREAD", "VMWRITE",
; "VMLAUNCH/VMRESUME", "VMCALL", "VM Instruction Error Numbers"): VMfailInvalid while no VMCS
; is current, VMfailValid with error numbers 2, 3, 9, 10, 11, 15, 1, 5, 26 and 12 once one is;
; VMREAD/VMWRITE truncation and zero-extension for 16-, 32-, 64-bit (full and high access)
; and natural-width fields, register and memory operands, faults of memory operands,
; VMWRITE to a VM-exit information field (allowed: IA32_VMX_MISC bit 29), VMCLEAR of the
; current VMCS making it not current, and the VMCS data surviving VMCLEAR + VMPTRLD.
;
; Bochs 2.7 (scripts/bochs-oracle) prints the same up to the last two lines, except
; "vmptrld shadow indicator": Bochs supports VMCS shadowing and makes the shadow VMCS current,
; while this model does not support it, so the SDM's answer is error 11. At "vmcall in root"
; Bochs's debugger stops (Bochs is known to answer error 19 there); the SDM says error 1
; whenever the dual-monitor treatment is not active. The SDM wins both.
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
    ; --- no current VMCS: every VMfail is VMfailInvalid
    vmt   "vmclear unaligned (no current vmcs)", vmclear [rel p_unaligned]
    mov   eax, 0x681e
    vmt   "vmread (no current vmcs)", vmread rbx, rax
    vmt   "vmwrite (no current vmcs)", vmwrite rax, rbx
    vmt   "vmlaunch (no current vmcs)", vmlaunch
    vmt   "vmptrld", vmptrld [rel p_vmcs_a]
    vmt   "vmptrst", vmptrst [rel scratch]
    show  "current-vmcs pointer", [rel scratch]
    ; --- a current VMCS: VMfailValid, the error in the VM-instruction error field
    vmt   "vmclear unaligned", vmclear [rel p_unaligned]
    vmt   "vmclear beyond maxphyaddr", vmclear [rel p_huge]
    vmt   "vmclear vmxon pointer", vmclear [rel p_vmxon]
    vmt   "vmptrld unaligned", vmptrld [rel p_unaligned]
    vmt   "vmptrld beyond maxphyaddr", vmptrld [rel p_huge]
    vmt   "vmptrld vmxon pointer", vmptrld [rel p_vmxon]
    mov   rdi, VMCS_B
    call  write_revision
    inc   dword [VMCS_B]
    vmt   "vmptrld wrong revision", vmptrld [rel p_vmcs_b]
    dec   dword [VMCS_B]
    or    dword [VMCS_B], 0x80000000
    vmt   "vmptrld shadow indicator", vmptrld [rel p_vmcs_b]
    vmt   "vmptrld again", vmptrld [rel p_vmcs_a]
    vmt   "vmxon in root", vmxon [rel p_vmxon]
    vmt   "vmresume with a clear vmcs", vmresume
    ; VM entry with events blocked by MOV SS comes before the launch-state checks
    vmt_after_mov_ss "vmlaunch after mov ss", vmlaunch
    vmt_after_mov_ss "vmresume after mov ss", vmresume
    ; --- VMWRITE / VMREAD widths
    mov   eax, 0x0800                       ; guest ES selector (16-bit)
    mov   rbx, 0x12345678abcd
    vmt   "vmwrite 16-bit", vmwrite rax, rbx
    vmread rcx, rax
    show  "  read back", rcx
    mov   eax, 0x4800                       ; guest ES limit (32-bit)
    mov   rbx, 0xffffffff12345678
    vmwrite rax, rbx
    vmread rcx, rax
    show  "32-bit read back", rcx
    mov   eax, 0x2800                       ; VMCS link pointer (64-bit)
    mov   rbx, 0x1122334455667788
    vmwrite rax, rbx
    vmread rcx, rax
    show  "64-bit read back", rcx
    mov   eax, 0x2801                       ; its high access encoding
    vmt   "vmread high", vmread rcx, rax
    show  "  high read", rcx
    mov   rbx, 0xaaaaaaaa99887766
    vmt   "vmwrite high", vmwrite rax, rbx
    mov   eax, 0x2800
    vmread rcx, rax
    show  "  full after high write", rcx
    mov   eax, 0x681e                       ; guest RIP (natural width)
    mov   rbx, 0xfedcba9876543210
    vmwrite rax, rbx
    vmread rcx, rax
    show  "natural read back", rcx
    ; memory operands
    mov   eax, 0x6820                       ; guest RFLAGS
    vmt   "vmwrite from memory", vmwrite rax, [rel value]
    vmt   "vmread to memory", vmread [rel scratch], rax
    show  "  memory read back", [rel scratch]
    vmfault "vmread to unmapped memory", vmread [0x40000000], rax
    vmfault "vmwrite from unmapped memory", vmwrite rax, [0x40000008]
    ; unsupported components
    mov   eax, 0x0001                       ; odd encoding of a 16-bit field
    vmt   "vmread 0x0001", vmread rbx, rax
    mov   eax, 0x8800                       ; reserved bit 15
    vmt   "vmread reserved bit 15", vmread rbx, rax
    mov   rax, 0x100000800                  ; bits 63:32 not zero
    vmt   "vmread bit 32", vmread rbx, rax
    mov   eax, 0x281a                       ; guest IA32_FRED_CONFIG: no FRED
    vmt   "vmwrite fred field", vmwrite rax, rbx
    ; VM-exit information fields are writable with IA32_VMX_MISC bit 29
    mov   ecx, 0x485
    rdmsr
    shr   eax, 29
    and   eax, 1
    show  "ia32_vmx_misc[29]", rax
    mov   eax, 0x4402                       ; exit reason
    mov   ebx, 0x1234
    vmt   "vmwrite exit reason", vmwrite rax, rbx
    vmread rcx, rax
    show  "  exit reason", rcx
    ; VMCLEAR of the current VMCS: no current VMCS afterwards; the data stays in memory
    vmt   "vmclear current", vmclear [rel p_vmcs_a]
    vmptrst [rel scratch]
    show  "current-vmcs pointer", [rel scratch]
    mov   eax, 0x681e
    vmt   "vmread after vmclear", vmread rbx, rax
    vmptrld [rel p_vmcs_a]
    xor   ecx, ecx
    vmread rcx, rax
    show  "guest rip after vmclear+vmptrld", rcx
    vmt   "vmcall in root", vmcall
    vmt   "vmxoff", vmxoff
    mov   al, 0
    jmp   exit

    align 8
p_vmxon:     dq VMXON_REGION
p_vmcs_a:    dq VMCS_A
p_vmcs_b:    dq VMCS_B
p_unaligned: dq VMCS_A + 0x10
p_huge:      dq 0x8000000000021000
value:       dq 0x0000000000000202
scratch:     dq 0
%include "include/end.inc"
