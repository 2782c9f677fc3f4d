; expect-exit: 1
; expect-output: task B reads 400000H: B
; expect-output: back in task A: A
;
; A task switch under PAE paging loads the new task's CR3 and, with it, the PDPTE registers
; (SDM Vol. 3 7.3 "Task Switching" step 12, 4.4.1 "PDPTE Registers"). Task A's PDPT maps
; linear 400000H to the page holding "A", task B's to the page holding "B"; each task prints
; the byte it reads there. (CR3 is not saved into the old TSS, so task A's CR3 field is set
; up front.) Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/prot_mode.inc"
%include "include/tss32.inc"

TSS_A  equ 0x13000
TSS_B  equ 0x13100
PDPT_A equ 0x20000
PD_A   equ 0x21000
PDPT_B equ 0x22000
PD_B   equ 0x23000

%macro tss_init 4                     ; base, EIP, ESP, CR3
    tss32_init %1, %2, %3
    mov   dword [%1 + 0x1C], %4
%endmacro

main:
    call  install_idt32
    lgdt  [gdtr4]
    ; two PAE address spaces: the first GiB by 2-MiB pages, but 400000H -> 400000H or 600000H
    mov   edi, PDPT_A
    mov   ecx, 0x4000 / 4
    xor   eax, eax
    rep   stosd
    mov   dword [PDPT_A], PD_A | 1
    mov   dword [PDPT_B], PD_B | 1
    mov   edi, PD_A
    mov   eax, 0x83
    mov   ecx, 512
.pd:
    mov   [edi], eax
    mov   [edi + (PD_B - PD_A)], eax
    add   eax, 0x200000
    add   edi, 8
    loop  .pd
    mov   dword [PD_B + 2 * 8], 0x600000 | 0x83
    mov   byte [0x400000], 'A'
    mov   byte [0x600000], 'B'
    mov   eax, cr4
    or    eax, 1 << 5                   ; PAE
    mov   cr4, eax
    mov   eax, PDPT_A
    mov   cr3, eax
    mov   eax, cr0
    or    eax, 1 << 31
    mov   cr0, eax
    tss_init TSS_A, 0, 0, PDPT_A
    tss_init TSS_B, task_b, 0x6000, PDPT_B
    mov   ax, 0x28
    ltr   ax
    jmp   0x30:0                        ; to task B
back_in_a:
    print s_a
    mov   al, [0x400000]
    out   0xe9, al
    print s_nl
    xor   eax, eax
    jmp   exit

task_b:
    print s_b
    mov   al, [0x400000]
    out   0xe9, al
    print s_nl
    jmp   0x28:0                        ; back to task A (resumes after its JMP)

s_b:  db "task B reads 400000H: ", 0
s_a:  db "back in task A: ", 0
s_nl: db 10, 0
    align 8
gdt4:
    dq 0
    dq 0x00cf9a000000ffff
    dq 0x00cf92000000ffff
    dq 0, 0
    dw 0x67, TSS_A & 0xFFFF
    db (TSS_A >> 16), 0x89, 0, 0
    dw 0x67, TSS_B & 0xFFFF
    db (TSS_B >> 16), 0x89, 0, 0
gdtr4:
    dw gdtr4 - gdt4 - 1
    dd gdt4
%include "include/end.inc"
