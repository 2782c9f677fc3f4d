; expect-exit: 1
; expect-output: task B (CALL): TR 0030 NT 1 link 0028 EAX 0000BBBB
; expect-output: back in A: A 8B B 89 EAX 000000AA NT 0 TS 1
; expect-output: task B resumed (JMP through a task gate): NT 0, A now 89
; expect-output: back in A after JMP: A 8B B 89
; expect-output: #DF task: TR 0038 error 00000000 link 0028
;
; 32-bit hardware task switching (SDM Vol. 3 7.3): CALL to a TSS descriptor saves task A,
; marks B busy, sets NT and the previous-task link, and IRET returns to A and frees B; JMP
; through a task gate resumes B where it stopped (no link, NT clear) and JMP back to A's TSS
; returns; a double fault (#GP whose gate is absent, then #NP) through a task gate runs a
; separate #DF task with the error code on its stack. CR0.TS is set by every task switch. Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/prot_mode.inc"
%include "include/tss32.inc"

TSS_A  equ 0x13000
TSS_B  equ 0x13100
TSS_DF equ 0x13200

%macro tss_init 3                     ; base, EIP, ESP
    tss32_init %1, %2, %3
%endmacro

%macro show_type 1                    ; the access byte of GDT entry %1
    movzx eax, byte [gdt3 + %1 + 5]
    mov   cl, 2
    call  print_hex
%endmacro

main:
    call  install_idt32
    lgdt  [gdtr3]
    tss_init TSS_A, 0, 0
    tss_init TSS_B, task_b, 0x6000
    mov   dword [TSS_B + 0x28], 0xBBBB  ; B's EAX
    tss_init TSS_DF, task_df, 0x5000
    mov   ax, 0x28
    ltr   ax
    mov   eax, 0xAA
    call  0x30:0                        ; CALL to TSS B
    clts
    mov   [val], eax
    print s_back
    show_type 0x28
    print s_b
    show_type 0x30
    print s_eax
    mov   eax, [val]
    mov   cl, 8
    call  print_hex
    print s_nt
    pushfd
    pop   eax
    shr   eax, 14
    and   eax, 1
    mov   cl, 1
    call  print_hex
    print s_ts
    mov   eax, [saved_cr0]
    shr   eax, 3
    and   eax, 1
    mov   cl, 1
    call  print_hex
    print s_nl
    jmp   0x40:0                        ; JMP through the task gate to B
    print s_back2
    show_type 0x28
    print s_b
    show_type 0x30
    print s_nl
    ; #DF through a task gate: IDT[8] -> TSS_DF; a #PF with a not-present gate escalates
    mov   dword [IDT32 + 8*8], 0x00380000
    mov   dword [IDT32 + 8*8 + 4], 0x00008500
    mov   word [IDT32 + 13*8 + 4], 0x0E00   ; #GP and #NP gates not present
    mov   word [IDT32 + 11*8 + 4], 0x0E00
    mov   eax, 0x50
    mov   ds, eax                       ; #GP(50h) -> #NP delivering it -> #DF task
    jmp   $

task_b:                                 ; runs as task B
    mov   [val], eax                    ; (print_hex clobbers EAX-EDX)
    mov   eax, cr0
    mov   [saved_cr0], eax
    print s_tb
    str   ax
    movzx eax, ax
    mov   cl, 4
    call  print_hex
    print s_nt
    pushfd
    pop   eax
    shr   eax, 14
    and   eax, 1
    mov   cl, 1
    call  print_hex
    print s_link
    movzx eax, word [TSS_B]
    mov   cl, 4
    call  print_hex
    print s_eax
    mov   eax, [val]
    mov   cl, 8
    call  print_hex
    print s_nl
    iret                                ; NT = 1: back to task A
    ; resumed here by the JMP through the task gate
    print s_tb2
    pushfd
    pop   eax
    shr   eax, 14
    and   eax, 1
    mov   cl, 1
    call  print_hex
    print s_anow
    show_type 0x28
    print s_nl
    jmp   0x28:0                        ; back to task A

task_df:
    pop   dword [val]                   ; the #DF error code
    print s_df
    str   ax
    movzx eax, ax
    mov   cl, 4
    call  print_hex
    print s_err
    mov   eax, [val]
    mov   cl, 8
    call  print_hex
    print s_link
    movzx eax, word [TSS_DF]
    mov   cl, 4
    call  print_hex
    print s_nl
    xor   eax, eax
    jmp   exit

s_tb:    db "task B (CALL): TR ", 0
s_nt:    db " NT ", 0
s_link:  db " link ", 0
s_eax:   db " EAX ", 0
s_back:  db "back in A: A ", 0
s_b:     db " B ", 0
s_ts:    db " TS ", 0
s_tb2:   db "task B resumed (JMP through a task gate): NT ", 0
s_anow:  db ", A now ", 0
s_back2: db "back in A after JMP: A ", 0
s_df:    db "#DF task: TR ", 0
s_err:   db " error ", 0
s_nl:    db 10, 0
    align 4
saved_cr0: dd 0
val:       dd 0
    align 8
; 0x08 code, 0x10 data, 0x28 TSS A, 0x30 TSS B, 0x38 TSS #DF, 0x40 task gate -> TSS B
gdt3:
    dq 0
    dq 0x00cf9a000000ffff
    dq 0x00cf92000000ffff
    dq 0, 0
    dw 0x67, TSS_A & 0xFFFF
    db (TSS_A >> 16), 0x89, 0, 0
    dw 0x67, TSS_B & 0xFFFF
    db (TSS_B >> 16), 0x89, 0, 0
    dw 0x67, TSS_DF & 0xFFFF
    db (TSS_DF >> 16), 0x89, 0, 0
    dw 0, 0x30
    db 0, 0x85, 0, 0
gdtr3:
    dw gdtr3 - gdt3 - 1
    dd gdt3
%include "include/end.inc"
