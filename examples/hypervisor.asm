; hypervisor.asm -- a small, complete hypervisor: a Multiboot kernel that enters long mode,
; turns on VMX, builds a VMCS for a 64-bit guest that shares its page tables, launches it, and
; handles the guest's VM exits until the guest asks to stop:
;
;   guest: OUT to the UART (each byte exits; the hypervisor performs the OUT), CPUID (the
;          hypervisor adds a "VanderpoolHV" leaf 40000000H), RDMSR IA32_APIC_BASE, HLT,
;          VMCALL 1 (print RBX), VMCALL 0 (stop)
;   host:  VM-exit handler that saves the guest's registers, dispatches on the exit reason,
;          advances the guest RIP by the VM-exit instruction length, and VMRESUMEs.
;   EPT:   the guest's physical memory starts unmapped. Each first touch of a 4-KiB page
;          (an instruction fetch, a data access, or the processor reading the guest's page
;          tables) is an EPT violation; the handler maps that page to the same host-physical
;          page and resumes the guest at the same instruction, which now succeeds. VPID 1
;          tags the guest's translations, so VM exits and entries need not flush them.
;
; It exits through isa-debug-exit with 0x10 (status 33) when the guest stops, or with 0x7F
; (status 255) on any failure, after printing why. `vanderpool run --show-vmx` shows each VM
; entry and exit as the model sees it. SDM references: Vol. 3C chapters 23 (VMX operation),
; 24 (the VMCS), 26 (VM entries), 27 (VM exits), 31.5 (VMM setup).
bits 32
org 0x100000

MB_MAGIC  equ 0x1BADB002
MB_FLAGS  equ (1 << 1) | (1 << 16)   ; memory information; load addresses in the header
COM1      equ 0x3F8
PML4      equ 0x200000
IDT       equ 0x204000
VMXON_REGION equ 0x206000
VMCS_REGION  equ 0x207000
TSS       equ 0x208000
STACK_TOP equ 0x280000               ; the hypervisor's stack before VMLAUNCH
EXIT_STACK equ 0x288000              ; HOST_RSP: where each VM exit starts
GUEST_STACK equ 0x290000
EPT_PML4  equ 0x210000               ; EPT paging structures (SDM 28.2.2): PML4, PDPT, PD for
EPT_PDPT  equ 0x211000               ; the first GiB of guest-physical space, then page
EPT_PD    equ 0x212000               ; tables taken from a pool as pages are mapped
EPT_PT_POOL equ 0x213000
EPT_PT_POOL_END equ 0x223000
EPT_LEAF  equ 7 | (6 << 3)           ; read, write, execute; write-back memory type

; VMCS field encodings (SDM Vol. 3D Appendix B)
VPID               equ 0x0000
EPT_POINTER        equ 0x201A
GUEST_PHYSICAL_ADDRESS equ 0x2400
VMCS_LINK_POINTER  equ 0x2800
PIN_CONTROLS       equ 0x4000
PROC_CONTROLS      equ 0x4002
PROC2_CONTROLS     equ 0x401E
EXCEPTION_BITMAP   equ 0x4004
EXIT_CONTROLS      equ 0x400C
ENTRY_CONTROLS     equ 0x4012
VM_INSN_ERROR      equ 0x4400
EXIT_REASON        equ 0x4402
EXIT_INSN_LENGTH   equ 0x440C
EXIT_QUALIFICATION equ 0x6400
GUEST_ES_SEL       equ 0x0800       ; ES CS SS DS FS GS LDTR TR: + 2 each
GUEST_ES_LIMIT     equ 0x4800
GUEST_ES_AR        equ 0x4814
GUEST_ES_BASE      equ 0x6806
GUEST_GDTR_LIMIT   equ 0x4810
GUEST_IDTR_LIMIT   equ 0x4812
GUEST_GDTR_BASE    equ 0x6816
GUEST_IDTR_BASE    equ 0x6818
GUEST_CR0          equ 0x6800
GUEST_CR3          equ 0x6802
GUEST_CR4          equ 0x6804
GUEST_DR7          equ 0x681A
GUEST_RSP          equ 0x681C
GUEST_RIP          equ 0x681E
GUEST_RFLAGS       equ 0x6820
HOST_ES_SEL        equ 0x0C00       ; ES CS SS DS FS GS TR: + 2 each
HOST_CR0           equ 0x6C00
HOST_CR3           equ 0x6C02
HOST_CR4           equ 0x6C04
HOST_FS_BASE       equ 0x6C06
HOST_GS_BASE       equ 0x6C08
HOST_TR_BASE       equ 0x6C0A
HOST_GDTR_BASE     equ 0x6C0C
HOST_IDTR_BASE     equ 0x6C0E
HOST_RSP           equ 0x6C14
HOST_RIP           equ 0x6C16

; vmw FIELD, VALUE: VMWRITE, stopping with a message if it fails.
%macro vmw 2
    mov   rbx, %2
    mov   eax, %1
    vmwrite rax, rbx
    call  check_vm
%endmacro

mb_header:
    dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
    dd mb_header, mb_header, load_end, bss_end, entry32

entry32:
    cmp   eax, 0x2BADB002
    jne   .bad
    mov   esp, STACK_TOP
    ; page tables: PML4 -> PDPT -> PD (first GiB, 2 MiB pages), shared by host and guest
    mov   edi, PML4
    mov   ecx, 3 * 4096 / 4
    xor   eax, eax
    rep   stosd
    mov   dword [PML4], PML4 + 0x1003
    mov   dword [PML4 + 0x1000], PML4 + 0x2003
    mov   edi, PML4 + 0x2000
    mov   eax, 0x83
    mov   ecx, 512
.pd:
    mov   [edi], eax
    add   eax, 0x200000
    add   edi, 8
    loop  .pd
    mov   eax, cr4
    or    eax, 1 << 5                   ; PAE
    mov   cr4, eax
    mov   eax, PML4
    mov   cr3, eax
    mov   ecx, 0xC0000080
    rdmsr
    or    eax, 1 << 8                   ; EFER.LME
    wrmsr
    mov   eax, cr0
    or    eax, 0x80000000 | (1 << 5)    ; PG, and NE (required in VMX operation)
    mov   cr0, eax
    lgdt  [gdtr]
    jmp   0x08:entry64
.bad:
    hlt
    jmp   .bad

bits 64
entry64:
    mov   eax, 0x10
    mov   ds, eax
    mov   es, eax
    mov   ss, eax
    mov   rsp, STACK_TOP
    call  uart_init
    lea   rsi, [rel s_hello]
    call  puts
    ; A TSS: VM entry needs a usable TR in the guest and a non-null TR selector in the host.
    mov   rax, TSS
    mov   rdx, 0x0000890000000067       ; present, type 9 (available 64-bit TSS), limit 67H
    mov   rcx, rax
    and   rcx, 0xFFFFFF
    shl   rcx, 16
    or    rdx, rcx
    mov   rcx, rax
    shr   rcx, 24
    shl   rcx, 56
    or    rdx, rcx
    mov   [gdt + 0x18], rdx
    mov   qword [gdt + 0x20], 0
    mov   ax, 0x18
    ltr   ax
    call  install_idt

    ; --- 1. Is VMX there, and may we use it? (SDM 23.6, 23.7)
    mov   eax, 1
    cpuid
    bt    ecx, 5                        ; CPUID.1:ECX.VMX
    lea   rsi, [rel s_no_vmx]
    jnc   fatal
    mov   ecx, 0x3A                     ; IA32_FEATURE_CONTROL: locked, VMX outside SMX
    rdmsr
    test  eax, 1
    jnz   .locked
    or    eax, 5
    wrmsr
    jmp   .fc_ok
.locked:
    test  eax, 4
    lea   rsi, [rel s_vmx_off]
    jz    fatal
.fc_ok:
    mov   rax, cr4
    or    rax, 1 << 13                  ; CR4.VMXE
    mov   cr4, rax

    ; --- 2. VMXON and a current VMCS, both stamped with the revision identifier (24.2)
    mov   ecx, 0x480                    ; IA32_VMX_BASIC
    rdmsr
    and   eax, 0x7FFFFFFF
    mov   [VMXON_REGION], eax
    mov   [VMCS_REGION], eax
    vmxon [rel p_vmxon]
    call  check_vm
    vmclear [rel p_vmcs]
    call  check_vm
    vmptrld [rel p_vmcs]
    call  check_vm
    lea   rsi, [rel s_vmxon]
    call  puts

    ; --- 3. Controls, adjusted to what the capability MSRs allow (Appendix A.3-A.5)
    mov   ecx, 0x48D                    ; IA32_VMX_TRUE_PINBASED_CTLS
    xor   esi, esi
    call  adjust
    vmw   PIN_CONTROLS, rax
    mov   ecx, 0x48E                    ; IA32_VMX_TRUE_PROCBASED_CTLS
    mov   esi, (1 << 7) | (1 << 24) | (1 << 31) ; HLT exiting, unconditional I/O exiting,
    call  adjust                        ; activate secondary controls
    vmw   PROC_CONTROLS, rax
    mov   ecx, 0x48B                    ; IA32_VMX_PROCBASED_CTLS2
    mov   esi, (1 << 1) | (1 << 5)      ; enable EPT, enable VPID
    call  adjust
    and   eax, (1 << 1) | (1 << 5)
    cmp   eax, (1 << 1) | (1 << 5)
    lea   rsi, [rel s_no_ept]
    jne   fatal
    vmw   PROC2_CONTROLS, rax
    vmw   VPID, 1
    ; The EPT: a PML4 entry and a PDPT entry for the first GiB, an empty PD (25.x, 28.2.2).
    mov   edi, EPT_PML4
    mov   ecx, (EPT_PT_POOL_END - EPT_PML4) / 8
    xor   eax, eax
    rep   stosq
    mov   qword [EPT_PML4], EPT_PDPT | 7
    mov   qword [EPT_PDPT], EPT_PD | 7
    mov   qword [ept_next_pt], EPT_PT_POOL
    vmw   EPT_POINTER, EPT_PML4 | 6 | (3 << 3) ; write-back structures, 4-level walk
    mov   ecx, 0x48F                    ; IA32_VMX_TRUE_EXIT_CTLS
    mov   esi, 1 << 9                   ; host address-space size (64-bit host)
    call  adjust
    vmw   EXIT_CONTROLS, rax
    mov   ecx, 0x490                    ; IA32_VMX_TRUE_ENTRY_CTLS
    mov   esi, 1 << 9                   ; IA-32e mode guest
    call  adjust
    vmw   ENTRY_CONTROLS, rax
    vmw   EXCEPTION_BITMAP, 0
    vmw   VMCS_LINK_POINTER, -1

    ; --- 4. Host state: where each VM exit lands (24.5)
    mov   rax, cr0
    vmw   HOST_CR0, rax
    mov   rax, cr3
    vmw   HOST_CR3, rax
    mov   rax, cr4
    vmw   HOST_CR4, rax
    vmw   HOST_ES_SEL, 0x10
    vmw   HOST_ES_SEL + 2, 0x08         ; CS
    vmw   HOST_ES_SEL + 4, 0x10         ; SS
    vmw   HOST_ES_SEL + 6, 0x10         ; DS
    vmw   HOST_ES_SEL + 8, 0            ; FS
    vmw   HOST_ES_SEL + 10, 0           ; GS
    vmw   HOST_ES_SEL + 12, 0x18        ; TR
    vmw   HOST_FS_BASE, 0
    vmw   HOST_GS_BASE, 0
    vmw   HOST_TR_BASE, TSS
    vmw   HOST_GDTR_BASE, gdt
    vmw   HOST_IDTR_BASE, IDT
    vmw   HOST_RSP, EXIT_STACK
    lea   rax, [rel vm_exit_handler]
    vmw   HOST_RIP, rax

    ; --- 5. Guest state: a 64-bit guest sharing the page tables and the GDT (24.4)
    mov   rax, cr0
    vmw   GUEST_CR0, rax
    mov   rax, cr3
    vmw   GUEST_CR3, rax
    mov   rax, cr4
    vmw   GUEST_CR4, rax
    vmw   GUEST_DR7, 0x400
    vmw   GUEST_RSP, GUEST_STACK
    lea   rax, [rel guest_entry]
    vmw   GUEST_RIP, rax
    vmw   GUEST_RFLAGS, 2
    ; segments: selector, limit, access rights (VMX format, 24.4.1), base
    xor   r12d, r12d
.seg:
    movzx eax, word [seg_sel + r12*2]
    mov   ebx, GUEST_ES_SEL
    lea   rbx, [rbx + r12*2]
    xchg  rax, rbx
    vmwrite rax, rbx
    call  check_vm
    mov   eax, GUEST_ES_LIMIT
    lea   rax, [rax + r12*2]
    mov   ebx, [seg_limit + r12*4]
    vmwrite rax, rbx
    call  check_vm
    mov   eax, GUEST_ES_AR
    lea   rax, [rax + r12*2]
    mov   ebx, [seg_ar + r12*4]
    vmwrite rax, rbx
    call  check_vm
    mov   eax, GUEST_ES_BASE
    lea   rax, [rax + r12*2]
    mov   rbx, [seg_base + r12*8]
    vmwrite rax, rbx
    call  check_vm
    inc   r12d
    cmp   r12d, 8
    jb    .seg
    vmw   GUEST_GDTR_LIMIT, gdtr - gdt - 1
    vmw   GUEST_GDTR_BASE, gdt
    vmw   GUEST_IDTR_LIMIT, 256*16 - 1
    vmw   GUEST_IDTR_BASE, IDT

    ; --- 6. VMLAUNCH (26): on success execution continues in the guest
    lea   rsi, [rel s_launch]
    call  puts
    vmlaunch
    call  check_vm                      ; only reached if VMLAUNCH failed
    lea   rsi, [rel s_no_entry]
    jmp   fatal

; --- The VM-exit handler: HOST_RIP. The guest's general registers are still live.
vm_exit_handler:
    push  r15
    push  r14
    push  r13
    push  r12
    push  r11
    push  r10
    push  r9
    push  r8
    push  rbp
    push  rdi
    push  rsi
    push  rdx
    push  rcx
    push  rbx
    push  rax                           ; frame: [rsp] RAX, +8 RBX, +16 RCX, +24 RDX ...
    mov   rbp, rsp
    inc   qword [exits]
    mov   eax, EXIT_REASON
    vmread rbx, rax
    and   ebx, 0xFFFF
    cmp   ebx, 10
    je    .cpuid
    cmp   ebx, 30
    je    .io
    cmp   ebx, 31
    je    .rdmsr
    cmp   ebx, 12
    je    .hlt
    cmp   ebx, 18
    je    .vmcall
    cmp   ebx, 48
    je    .ept_violation
    lea   rsi, [rel s_unexpected]
    call  puts
    mov   rax, rbx
    call  put_dec
    lea   rsi, [rel s_crlf]
    jmp   fatal

.cpuid:                                 ; run CPUID for the guest, adding a hypervisor leaf
    mov   eax, [rbp]
    mov   ecx, [rbp + 16]
    cmp   eax, 0x40000000
    je    .hv_leaf
    cpuid
    jmp   .cpuid_done
.hv_leaf:
    mov   eax, 0x40000000
    mov   ebx, 'Vand'
    mov   ecx, 'erpo'
    mov   edx, 'olHV'
.cpuid_done:
    mov   [rbp], rax
    mov   [rbp + 8], rbx
    mov   [rbp + 16], rcx
    mov   [rbp + 24], rdx
    jmp   .next

.io:                                    ; exit qualification: size 2:0, IN 3, port 31:16 (27.2.1)
    mov   eax, EXIT_QUALIFICATION
    vmread rbx, rax
    mov   rdx, rbx
    shr   rdx, 16                       ; port
    test  ebx, 1 << 3
    jnz   .in
    mov   eax, [rbp]
    out   dx, al                        ; perform the guest's byte OUT
    jmp   .next
.in:
    in    al, dx
    mov   [rbp], al
    jmp   .next

.rdmsr:                                 ; let the guest read the MSR it asked for
    mov   ecx, [rbp + 16]
    rdmsr
    mov   [rbp], rax
    mov   [rbp + 24], rdx
    jmp   .next

.hlt:                                   ; nothing to wait for: resume after the HLT
    lea   rsi, [rel s_guest_hlt]
    call  puts
    jmp   .next

.vmcall:                                ; RAX 1: print RBX; RAX 0: the guest is done
    mov   rax, [rbp]
    cmp   rax, 1
    jne   .done
    lea   rsi, [rel s_hypercall]
    call  puts
    mov   rax, [rbp + 8]
    call  put_hex
    lea   rsi, [rel s_crlf]
    call  puts
    jmp   .next
.done:
    lea   rsi, [rel s_stop]
    call  puts
    mov   rax, [exits]
    call  put_dec
    lea   rsi, [rel s_exits]
    call  puts
    mov   rax, [ept_maps]
    call  put_dec
    lea   rsi, [rel s_ept_count]
    call  puts
    mov   al, 0x10                      ; exit status (0x10 << 1) | 1 = 33
    jmp   exit

.ept_violation:                         ; map the page and retry the access (28.2.3.2)
    mov   eax, GUEST_PHYSICAL_ADDRESS
    vmread r12, rax
    mov   eax, EXIT_QUALIFICATION
    vmread r13, rax
    lea   rsi, [rel s_ept]
    call  puts
    mov   rax, r12
    call  put_hex
    mov   eax, r13d                     ; bit 7: linear address valid, bit 8: its translation
    and   eax, (1 << 7) | (1 << 8)
    lea   rsi, [rel s_ept_data]
    cmp   eax, (1 << 7) | (1 << 8)
    je    .ept_kind
    lea   rsi, [rel s_ept_table]
.ept_kind:
    call  puts
    cmp   r12, 0x40000000               ; only the first GiB has a PD
    lea   rsi, [rel s_ept_range]
    jae   fatal
    mov   rax, r12
    shr   rax, 21
    lea   rdi, [EPT_PD + rax*8]         ; the PDE for the 2-MiB region
    mov   rdx, [rdi]
    test  edx, 7
    jnz   .have_pt
    mov   rdx, [ept_next_pt]            ; a new page table (zeroed above)
    cmp   rdx, EPT_PT_POOL_END
    lea   rsi, [rel s_ept_pool]
    jae   fatal
    add   qword [ept_next_pt], 0x1000
    or    rdx, 7
    mov   [rdi], rdx
.have_pt:
    and   rdx, ~0xFFF
    mov   rax, r12
    shr   rax, 12
    and   eax, 511
    mov   rcx, r12
    and   rcx, ~0xFFF
    or    rcx, EPT_LEAF                 ; identity: guest-physical = host-physical
    mov   [rdx + rax*8], rcx
    inc   qword [ept_maps]
    ; No INVEPT: a translation that caused an EPT violation is never cached (28.3.3.1), and
    ; the guest retries the same instruction (the exit saved its RIP, not the next one).
    jmp   .resume

.next:                                  ; skip the instruction that exited, then VMRESUME
    mov   eax, GUEST_RIP
    vmread rbx, rax
    mov   ecx, EXIT_INSN_LENGTH
    vmread rdx, rcx
    add   rbx, rdx
    vmwrite rax, rbx
.resume:
    pop   rax
    pop   rbx
    pop   rcx
    pop   rdx
    pop   rsi
    pop   rdi
    pop   rbp
    pop   r8
    pop   r9
    pop   r10
    pop   r11
    pop   r12
    pop   r13
    pop   r14
    pop   r15
    vmresume
    call  check_vm
    lea   rsi, [rel s_no_entry]
    jmp   fatal

; --- The guest: 64-bit code at CPL 0 in VMX non-root operation.
guest_entry:
    lea   rsi, [rel g_hello]
.print:
    lodsb
    test  al, al
    jz    .printed
    mov   dx, COM1
    out   dx, al                        ; I/O exit: the hypervisor writes the byte
    jmp   .print
.printed:
    mov   eax, 0x40000000               ; CPUID exit: who is the hypervisor?
    cpuid
    mov   [g_vendor], ebx
    mov   [g_vendor + 4], ecx
    mov   [g_vendor + 8], edx
    mov   ecx, 0x1B                     ; RDMSR exit: IA32_APIC_BASE
    rdmsr
    shl   rdx, 32
    or    rax, rdx
    mov   rbx, rax
    mov   eax, 1                        ; VMCALL 1: print RBX
    vmcall
    lea   rbx, [rel g_vendor]
    mov   rbx, [rbx]
    mov   eax, 1
    vmcall                              ; the first 8 bytes of the vendor string, as a number
    hlt                                 ; HLT exit
    xor   eax, eax                      ; VMCALL 0: stop
    vmcall
.spin:
    jmp   .spin

; --- helpers

; adjust: ECX = a TRUE capability MSR, ESI = the controls wanted -> EAX = the controls with
; every must-be-1 bit set and every must-be-0 bit clear (SDM A.3).
adjust:
    rdmsr
    or    esi, eax
    and   esi, edx
    mov   eax, esi
    ret

; check_vm: after a VMX instruction: stop with the reason if it failed (VMfailInvalid: CF,
; VMfailValid: ZF and the VM-instruction error field).
check_vm:
    jc    .invalid
    jz    .valid
    ret
.invalid:
    lea   rsi, [rel s_fail_invalid]
    jmp   fatal
.valid:
    lea   rsi, [rel s_fail_valid]
    call  puts
    mov   eax, VM_INSN_ERROR
    vmread rax, rax
    call  put_dec
    lea   rsi, [rel s_crlf]
    jmp   fatal

; fatal: print RSI and exit with status 255.
fatal:
    call  puts
    mov   al, 0x7F
    ; fall through
; exit: AL to isa-debug-exit (Vanderpool, QEMU); then "Shutdown" to port 8900H, which stops
; Bochs (it has no debug-exit device).
exit:
    mov   dx, 0xF4
    out   dx, al
    mov   dx, 0x8900
    lea   rsi, [rel s_shutdown]
    mov   ecx, 8
    rep   outsb
.h: hlt
    jmp   .h

install_idt:
    xor   ecx, ecx
.gates:
    lea   rax, [rel exc_stubs]
    lea   rax, [rax + rcx*8]
    mov   rdx, rcx
    shl   rdx, 4
    add   rdx, IDT
    mov   [rdx], ax
    mov   word [rdx + 2], 0x08
    mov   word [rdx + 4], 0x8E00
    shr   rax, 16
    mov   [rdx + 6], ax
    shr   rax, 16
    mov   [rdx + 8], eax
    mov   dword [rdx + 12], 0
    inc   ecx
    cmp   ecx, 32
    jb    .gates
    lidt  [idtr]
    ret

    align 8
exc_stubs:
%assign v 0
%rep 32
    push  v
    jmp   near exc_report
    nop
%assign v v + 1
%endrep
exc_report:
    lea   rsi, [rel s_exc]
    call  puts
    pop   rax
    call  put_dec
    lea   rsi, [rel s_crlf]
    jmp   fatal

%include "uart.inc"

s_hello:    db "hypervisor: long mode, enabling VMX", 13, 10, 0
s_no_vmx:   db "hypervisor: no VMX (CPUID.1:ECX.VMX = 0)", 13, 10, 0
s_vmx_off:  db "hypervisor: VMX disabled by IA32_FEATURE_CONTROL", 13, 10, 0
s_vmxon:    db "hypervisor: VMXON done, VMCS current", 13, 10, 0
s_launch:   db "hypervisor: VMLAUNCH", 13, 10, 0
s_no_entry: db "hypervisor: VM entry failed", 13, 10, 0
s_fail_invalid: db "hypervisor: VMfailInvalid", 13, 10, 0
s_fail_valid:   db "hypervisor: VMfailValid, error ", 0
s_unexpected:   db "hypervisor: unexpected VM exit, reason ", 0
s_guest_hlt:    db "hypervisor: the guest executed HLT", 13, 10, 0
s_hypercall:    db "hypervisor: VMCALL 1 from the guest, RBX = ", 0
s_stop:     db "hypervisor: the guest asked to stop after ", 0
s_exits:    db " VM exits", 13, 10, "hypervisor: ", 0
s_ept_count: db " guest pages mapped on demand", 13, 10, 0
s_no_ept:   db "hypervisor: no EPT or VPID (IA32_VMX_PROCBASED_CTLS2)", 13, 10, 0
s_ept:      db "hypervisor: EPT violation at guest-physical ", 0
s_ept_data: db ": mapped the page", 13, 10, 0
s_ept_table: db " (the guest's page tables): mapped the page", 13, 10, 0
s_ept_range: db "hypervisor: guest-physical address beyond the first GiB", 13, 10, 0
s_ept_pool: db "hypervisor: out of EPT page tables", 13, 10, 0
s_exc:      db "hypervisor: unexpected exception ", 0
s_crlf:     db 13, 10, 0
s_shutdown: db "Shutdown"
g_hello:    db "guest: hello", 13, 10, 0
    align 8
p_vmxon:    dq VMXON_REGION
p_vmcs:     dq VMCS_REGION
gdt:        dq 0, 0x00AF9A000000FFFF, 0x00CF92000000FFFF, 0, 0
gdtr:       dw gdtr - gdt - 1
            dq gdt
idtr:       dw 256*16 - 1
            dq IDT
; guest segments ES CS SS DS FS GS LDTR TR: selector, limit, access rights, base
seg_sel:    dw 0x10, 0x08, 0x10, 0x10, 0x10, 0x10, 0, 0x18
    align 4
seg_limit:  dd 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0x67
seg_ar:     dd 0xC093, 0xA09B, 0xC093, 0xC093, 0xC093, 0xC093, 0x10000, 0x8B
    align 8
seg_base:   dq 0, 0, 0, 0, 0, 0, 0, TSS
load_end:
absolute load_end                       ; BSS: zeroed by the loader
exits:      resq 1
ept_maps:   resq 1
ept_next_pt: resq 1
g_vendor:   resb 16
numbuf:     resb 12
onechar:    resb 2
bss_end:
