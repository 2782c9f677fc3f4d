; expect-exit: 1
; expect-output: GP 0D 00000000 ok
; expect-output: GP 0D 00000000 ok
; expect-output: task A still running, TR 0028
;
; Virtual-8086 mode is not modelled (docs/cpu-model.md; the issue allows "a clear 'not
; supported'"), and it must never run wrongly: every way into it is refused before anything
; changes, with #GP(0) and a log line that names the missing feature. IRET at CPL 0 with
; EFLAGS.VM = 1 in the popped image (SDM Vol. 2 IRET, "RETURN-TO-VIRTUAL-8086-MODE") and a
; task switch to a TSS whose EFLAGS.VM is 1 (SDM Vol. 3 7.3) both raise #GP(0) at the
; instruction; the old task stays current. (VM entry of a virtual-8086 guest is refused with
; the invalid-guest-state failure: tests/unit/test_vmx_instructions.cpp.)
; Bochs 2.7 models virtual-8086 mode and enters it in both cases; these lines are this
; model's documented limit, not a second opinion.
%include "include/prot_mode.inc"
%include "include/tss32.inc"

TSS_A  equ 0x13000
TSS_V  equ 0x13100

main:
    call  install_idt32
    lgdt  [gdtr_v]
    tss32_init TSS_A, 0, 0
    tss32_init TSS_V, 0x100, 0x1000
    mov   dword [TSS_V + 0x24], 0x20002     ; EFLAGS.VM
    mov   ax, 0x28
    ltr   ax
    ; IRET to virtual-8086 mode: EIP, CS, EFLAGS (VM), ESP, SS, ES, DS, FS, GS
    expect i1, i1r
    push  0                                 ; GS
    push  0                                 ; FS
    push  0                                 ; DS
    push  0                                 ; ES
    push  0x2000                            ; SS
    push  0x1000                            ; ESP
    push  0x20002                           ; EFLAGS: VM
    push  0x1000                            ; CS
    push  0x100                             ; EIP
i1: iret
i1r:
    expect j1, j1r
j1: jmp   0x30:0                            ; task switch to TSS_V (EFLAGS.VM = 1)
j1r:
    print s_still
    str   ax
    movzx eax, ax
    mov   cl, 4
    call  print_hex
    print s_nl
    xor   eax, eax
    jmp   exit

s_still: db "task A still running, TR ", 0
s_nl:    db 10, 0
    align 8
; 0x08 code, 0x10 data, 0x28 TSS A, 0x30 TSS V
gdt_v:
    dq 0
    dq 0x00cf9a000000ffff
    dq 0x00cf92000000ffff
    dq 0, 0
    dw 0x67, TSS_A & 0xFFFF
    db (TSS_A >> 16), 0x89, 0, 0
    dw 0x67, TSS_V & 0xFFFF
    db (TSS_V >> 16), 0x89, 0, 0
gdtr_v:
    dw gdtr_v - gdt_v - 1
    dd gdt_v
%include "include/end.inc"
