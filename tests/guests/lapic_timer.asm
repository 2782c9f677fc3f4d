; expect-exit: 1
; expect-output: version 00060015
; expect-output: tick.tick.tick.
; expect-output: count ok
; expect-output: TPR 50 blocks vector 41: 0
; expect-output: TPR 00 delivers vector 41: 1
; expect-output: x2APIC id 00000000 version 00060015
; expect-output: self IPI 42: 1 ISR clear: 1
;
; The local APIC from 64-bit code (SDM Vol. 3 chapter 10): xAPIC MMIO registers, a periodic
; LVT timer waking HLT, EOI, TPR masking of a fixed self-IPI and its delivery once TPR
; drops, then x2APIC mode through IA32_APIC_BASE with MSR access and the SELF IPI register.
; Bochs 2.7 (scripts/bochs-oracle) prints the same lines except the version register: it
; models version 14H with five LVT entries after the timer (00050014); ours reports the
; Skylake value, version 15H with the CMCI LVT (00060015).
%include "include/long_mode.inc"

IDT  equ 0x10000
APIC equ 0xFEE00000

%macro set_gate 2
    mov   rax, %2
    mov   word [IDT + %1*16], ax
    mov   word [IDT + %1*16 + 2], 0x08
    mov   word [IDT + %1*16 + 4], 0x8E00
    shr   rax, 16
    mov   word [IDT + %1*16 + 6], ax
    mov   dword [IDT + %1*16 + 8], 0
    mov   dword [IDT + %1*16 + 12], 0
%endmacro

%macro print 1
    lea   rsi, [rel %1]
    call  print_str
%endmacro

main:
    ; map the APIC page: PDPT entry 3 -> a PD whose last 2 MiB page covers 0xFEE00000, uncached
    mov   qword [0x2018], 0x4003
    mov   rdi, 0x4000
    mov   ecx, 512
    xor   eax, eax
    rep   stosq
    mov   rax, 0xFEE00000 | 0x9B              ; PS, PCD, PWT, RW, P
    mov   [0x4000 + 503*8], rax
    mov   r8, APIC                            ; r8 = APIC base in all of this test
    mov   rax, cr3
    mov   cr3, rax
    mov   rdi, IDT
    mov   ecx, 512
    xor   eax, eax
    rep   stosq
    set_gate 0x40, isr_timer
    set_gate 0x41, isr_41
    set_gate 0x42, isr_42
    lidt  [idtr]

    print s_version
    mov   eax, [r8 + 0x30]
    mov   cl, 8
    call  print_hex
    print s_nl

    mov   dword [r8 + 0xF0], 0x1FF          ; SVR: software enable, spurious vector FF
    mov   dword [r8 + 0x3E0], 0xB           ; divide by 1
    mov   dword [r8 + 0x320], 0x20040       ; periodic, vector 40
    mov   dword [r8 + 0x380], 20000         ; initial count
    sti
.wait:
    hlt
    cmp   dword [ticks], 3
    jb    .wait
    mov   dword [r8 + 0x320], 0x10040       ; mask the timer
    print s_nl
    mov   eax, [r8 + 0x390]                 ; current count counts down from the initial
    cmp   eax, 20000
    jae   .c1
    print s_count_ok
.c1:
    ; TPR 50h blocks vector 41h (class 4 <= 5)
    mov   dword [r8 + 0x80], 0x50
    mov   dword [r8 + 0x300], 0x40041       ; fixed, self
    nop
    nop
    print s_tpr50
    mov   eax, [got41]
    mov   cl, 1
    call  print_hex
    print s_nl
    mov   dword [r8 + 0x80], 0
    nop
    print s_tpr0
    mov   eax, [got41]
    mov   cl, 1
    call  print_hex
    print s_nl

    ; x2APIC: set IA32_APIC_BASE.EXTD (bit 10) with EN (bit 11)
    mov   ecx, 0x1B
    rdmsr
    or    eax, 1 << 10
    wrmsr
    print s_x2
    mov   ecx, 0x802
    rdmsr
    mov   cl, 8
    call  print_hex
    print s_x2v
    mov   ecx, 0x803
    rdmsr
    mov   cl, 8
    call  print_hex
    print s_nl
    mov   ecx, 0x83F                          ; SELF IPI
    mov   eax, 0x42
    xor   edx, edx
    wrmsr
    nop
    print s_self
    mov   eax, [got42]
    mov   cl, 1
    call  print_hex
    print s_isr
    mov   ecx, 0x814                          ; ISR bits 159:128 (vector 42h is bit 66 -> ISR2)
    rdmsr
    mov   ecx, 0x812
    rdmsr
    test  eax, 4                              ; vector 42h = 66 = ISR2 bit 2
    setz  al
    movzx eax, al
    mov   cl, 1
    call  print_hex
    print s_nl
    cli
    xor   eax, eax
    jmp   exit

isr_timer:
    push  rax
    push  rbx
    push  rcx
    push  rdx
    push  rsi
    inc   dword [ticks]
    print s_tick
    mov   dword [r8 + 0xB0], 0              ; EOI
    pop   rsi
    pop   rdx
    pop   rcx
    pop   rbx
    pop   rax
    iretq
isr_41:
    mov   dword [got41], 1
    mov   dword [r8 + 0xB0], 0
    iretq
isr_42:
    push  rax
    push  rcx
    push  rdx
    mov   dword [got42], 1
    mov   ecx, 0x80B                          ; x2APIC EOI
    xor   eax, eax
    xor   edx, edx
    wrmsr
    pop   rdx
    pop   rcx
    pop   rax
    iretq

s_version:   db "version ", 0
s_tick:      db "tick.", 0
s_space:     db " ", 0
s_nl:        db 10, 0
s_count_ok:  db "count ok", 10, 0
s_tpr50:     db "TPR 50 blocks vector 41: ", 0
s_tpr0:      db "TPR 00 delivers vector 41: ", 0
s_x2:        db "x2APIC id ", 0
s_x2v:       db " version ", 0
s_self:      db "self IPI 42: ", 0
s_isr:       db " ISR clear: ", 0
    align 8
ticks:  dd 0
got41:  dd 0
got42:  dd 0
idtr:   dw 256*16 - 1
        dq IDT
%include "include/end.inc"
