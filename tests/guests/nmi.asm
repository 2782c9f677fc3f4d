; expect-exit: 1
; expect-output: NMI 1 with IF=0, a second self-NMI sent from the handler
; expect-output: NMI 2 after the IRET
; expect-output: back from IRET, count 2
; expect-output: self-shorthand NMI ignored, count 2
;
; NMI (SDM Vol. 3 6.7.1, 10.6.1): an NMI sent through the local APIC's ICR to its own APIC
; ID (delivery mode 100b) is taken with RFLAGS.IF = 0; while its handler runs, a second NMI
; is held until the IRET, then delivered at once; the self shorthand with NMI delivery is
; not a valid combination (SDM Table 10-3) and delivers nothing. Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/long_mode.inc"
%include "include/exceptions.inc"

APIC equ 0xFEE00000

%macro print 1
    lea   rsi, [rel %1]
    call  print_str
%endmacro

main:
    call  install_idt
    set_gate 2, isr_nmi
    mov   qword [0x2018], 0x4003          ; map the APIC page (PD for 3-4 GiB)
    mov   rdi, 0x4000
    mov   ecx, 512
    xor   eax, eax
    rep   stosq
    mov   rax, APIC | 0x9B
    mov   [0x4000 + 503*8], rax
    mov   rax, cr3
    mov   cr3, rax
    mov   r8, APIC
    mov   dword [r8 + 0xF0], 0x1FF        ; software-enable the APIC
    cli
    mov   dword [r8 + 0x310], 0           ; destination APIC ID 0 (ours)
    mov   dword [r8 + 0x300], 0x4400      ; no shorthand, delivery mode NMI, assert
    nop
    nop
    print s_back
    mov   eax, [count]
    add   al, '0'
    out   0xe9, al
    print s_nl
    mov   dword [r8 + 0x300], 0x44400     ; self shorthand + NMI: invalid, ignored
    nop
    nop
    print s_ign
    mov   eax, [count]
    add   al, '0'
    out   0xe9, al
    print s_nl
    xor   eax, eax
    jmp   exit

isr_nmi:
    push  rax
    push  rsi
    inc   dword [count]
    cmp   dword [count], 1
    jne   .second
    print s_first
    mov   dword [r8 + 0x300], 0x4400      ; another NMI: held until IRET
    nop
    nop
    cmp   dword [count], 1                ; not re-entered
    jne   .bad
    print s_sent
    jmp   .out
.second:
    print s_second
    jmp   .out
.bad:
    print s_nested
.out:
    pop   rsi
    pop   rax
    iretq

count:    dd 0
s_first:  db "NMI 1 with IF=0,", 0
s_sent:   db " a second self-NMI sent from the handler", 10, 0
s_nested: db " nested NMI (wrong)", 10, 0
s_second: db "NMI 2 after the IRET", 10, 0
s_back:   db "back from IRET, count ", 0
s_ign:    db "self-shorthand NMI ignored, count ", 0
s_nl:     db 10, 0
%include "include/end.inc"
