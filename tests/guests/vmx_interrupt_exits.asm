; expect-exit: 1
; expect-output: external interrupt, acknowledged on exit: exit 00000001 qual 0000000000000000 rip 000089D0 len 00 info 00000000 intr 80000040 lin 0000000000000000 rbx 0000000000000202
; expect-output:   isr[95:64] 0000000000000001
; expect-output: external interrupt, not acknowledged: exit 00000001 qual 0000000000000000 rip 000089D0 len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000202
; expect-output:   irr[95:64] 0000000000000002
;
; External-interrupt exiting (SDM Vol. 3C 25.2) with and without "acknowledge interrupt on
; exit" (27.2.2: the vector in the VM-exit interruption information, and the interrupt
; accepted by the local APIC). The host sends itself an IPI with RFLAGS.IF = 0, so it stays
; pending until the guest (IF = 1) would take it. Bochs 2.7 (scripts/bochs-oracle) prints the
; same.
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"
%include "include/vmguest.inc"

APIC    equ 0xFEE00000
APIC_PD equ 0x1A000


main:
    call  install_idt
    ; map the local APIC: PDPT[3] -> a PD whose entry 503 is the 2-MiB page at FEE00000H (UC)
    mov   rdi, APIC_PD
    mov   ecx, 512
    xor   eax, eax
    rep   stosq
    mov   eax, APIC | 0x9B              ; (32-bit moves: APIC sign-extends as an imm32)
    mov   [APIC_PD + 503 * 8], rax
    mov   qword [0x2000 + 3 * 8], APIC_PD | 3
    mov   rax, cr3
    mov   cr3, rax
    mov   r8d, APIC
    mov   dword [r8 + 0xF0], 0x1FF      ; software-enable, spurious vector FFH
    call  vm_setup
    mov   byte [rel vg_verbose], 1
    mov   qword [rel guest_rflags], 0x202
    mov   eax, 0x4000                   ; external-interrupt exiting
    vmread rbx, rax
    or    rbx, 1
    vmwrite rax, rbx
    mov   eax, 0x400C                   ; acknowledge interrupt on exit
    vmread rbx, rax
    or    rbx, 1 << 15
    vmwrite rax, rbx
    mov   dword [r8 + 0x300], 0x40040 ; self IPI, fixed, vector 40H
    vmcase  "external interrupt, acknowledged on exit", g_loop
    mov   eax, [r8 + 0x120]             ; ISR bits 95:64: vector 40H in service
    show  "  isr[95:64]", rax
    mov   dword [r8 + 0xB0], 0        ; EOI
    mov   eax, 0x400C
    vmread rbx, rax
    and   rbx, ~(1 << 15)
    vmwrite rax, rbx
    mov   dword [r8 + 0x300], 0x40041 ; vector 41H
    vmcase  "external interrupt, not acknowledged", g_loop
    mov   eax, [r8 + 0x220]             ; IRR bits 95:64: vector 41H still requested
    show  "  irr[95:64]", rax
    mov   al, 0
    jmp   exit

g_loop:     nop
            jmp   g_loop
%include "include/end.inc"
