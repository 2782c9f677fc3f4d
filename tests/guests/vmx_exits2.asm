; expect-exit: 1
; expect-output: mov cr8, rax: exit 0000001C qual 0000000000000008 rip 00008CB6 len 04 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: mov rbx, cr8: exit 0000001C qual 0000000000000318 rip 00008CBC len 04 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: vmptrld [rbx + 10h]: exit 00000015 qual 0000000000000010 rip 00008CC7 len 04 info 01C18100 intr 00000000 lin 0000000000000000 rbx 0000000000300000
; expect-output: wrmsr sysenter_cs 55h, then vmcall: exit 00000012 qual 0000000000000000 rip 00008CE0 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000004F4B
; expect-output:   stored by the exit 0000000000000055
; expect-output:   host sysenter_cs after the exit 0000000000000077
; expect-output: guest reads efer: exit 00000012 qual 0000000000000000 rip 00008CEE len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000D00
; expect-output:   saved guest efer 0000000000000D00
; expect-output:   host efer 0000000000000D00
; expect-output: inject an nmi: exit 00000012 qual 0000000000000000 rip 00008CFA len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000008CF3
; expect-output:   saved interruptibility (nmi blocking is bit 3) 0000000000000008
;
; More of SDM Vol. 3C chapters 25-27: CR8-load/store exiting (Table 27-3 qualification),
; VMPTRLD in the guest (instruction information and displacement), the VM-exit MSR-store and
; MSR-load lists (24.7.2, 27.4, 27.6), "load IA32_EFER" on entry and "save IA32_EFER" on exit
; (26.3.2.1, 27.3.1), and NMI injection (26.5.1: NMIs blocked in the guest afterwards, saved
; in the interruptibility state at the exit). Without "load IA32_EFER" on exit the host
; keeps the guest's EFER.NXE (27.5.1: only LMA and LME follow the host address-space size).
; Bochs 2.7 (scripts/bochs-oracle) prints the same, except that it leaves the previous exit's
; instruction information in place where the SDM leaves it undefined (Vanderpool writes 0).
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"
%include "include/vmguest.inc"

main:
    call  install_idt
    call  vm_setup
    mov   byte [rel vg_verbose], 1
    mov   eax, 0x4002
    vmread rax, rax
    mov   [rel base_proc], rax
    ; --- CR8 (64-bit mode only)
    ctl_or   0x4002, 1 << 19            ; CR8-load exiting
    vmcase "mov cr8, rax", g_mov_to_cr8
    ctl_andn 0x4002, 1 << 19
    ctl_or   0x4002, 1 << 20            ; CR8-store exiting
    vmcase "mov rbx, cr8", g_mov_from_cr8
    ctl_andn 0x4002, 1 << 20
    ; --- a VMX instruction with a memory operand
    vmcase "vmptrld [rbx + 10h]", g_vmptrld
    ; --- MSR lists: WRMSR of IA32_SYSENTER_CS in the guest (MSR bitmaps all clear: no exit);
    ;     the exit stores it, then loads 77H into it for the host
    ctl_or   0x4002, 1 << 28
    vmset 0x2004, MSR_BITMAP
    mov   dword [MSR_AREA], 0x174
    mov   dword [MSR_AREA + 4], 0
    mov   qword [MSR_AREA + 8], 0
    mov   dword [MSR_AREA + 16], 0x174
    mov   dword [MSR_AREA + 20], 0
    mov   qword [MSR_AREA + 24], 0x77
    vmset 0x2006, MSR_AREA              ; VM-exit MSR-store list: entry 0
    vmset 0x400E, 1
    vmset 0x2008, MSR_AREA + 16         ; VM-exit MSR-load list: entry 1
    vmset 0x4010, 1
    vmcase "wrmsr sysenter_cs 55h, then vmcall", g_wrmsr
    show  "  stored by the exit", [MSR_AREA + 8]
    mov   ecx, 0x174
    rdmsr
    show  "  host sysenter_cs after the exit", rax
    vmset 0x400E, 0
    vmset 0x4010, 0
    ; --- EFER: loaded on entry (NXE set for the guest), saved on exit
    ctl_or   0x4012, 1 << 15            ; load IA32_EFER
    ctl_or   0x400C, 1 << 20            ; save IA32_EFER
    vmset 0x2806, 0xD00                 ; guest EFER: NXE | LMA | LME
    vmcase "guest reads efer", g_rdmsr_efer
    mov   eax, 0x2806
    vmread rbx, rax
    show  "  saved guest efer", rbx
    mov   ecx, 0xC0000080
    rdmsr
    show  "  host efer", rax
    ctl_andn 0x4012, 1 << 15
    ctl_andn 0x400C, 1 << 20
    ; --- NMI injection through the guest IDT
    guest_idt_clear
    guest_idt_gate 2, g_handler
    vmset 0x6818, GUEST_IDT
    vmset 0x4016, 0x80000202
    vmcase "inject an nmi", g_nop
    mov   eax, 0x4824
    vmread rbx, rax
    show  "  saved interruptibility (nmi blocking is bit 3)", rbx
    mov   al, 0
    jmp   exit


g_mov_to_cr8:   xor   eax, eax
                mov   cr8, rax
                jmp   $
g_mov_from_cr8: mov   rbx, cr8
                jmp   $
g_vmptrld:      mov   ebx, 0x300000
                vmptrld [rbx + 0x10]
                jmp   $
g_wrmsr:        mov   ecx, 0x174
                mov   eax, 0x55
                xor   edx, edx
                wrmsr
                mov   ebx, 0x4F4B
                vmcall
                jmp   $
g_rdmsr_efer:   mov   ecx, 0xC0000080
                rdmsr
                mov   ebx, eax
                vmcall
                jmp   $
g_nop:          nop
                jmp   $
g_handler:      mov   rbx, [rsp]
                vmcall
                jmp   $
    align 8
base_proc: dq 0
%include "include/end.inc"
