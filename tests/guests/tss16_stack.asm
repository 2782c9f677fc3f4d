; expect-exit: 1
; expect-output: int 40h from cpl 3: ss 0010 esp 000067EC tss access byte 83
;
; A privilege change while the current task's TSS is a 16-bit one takes the new stack from
; its SP0 (offset 2) and SS0 (offset 4) fields, not the 32-bit TSS's ESP0/SS0 at 4 and 8 (SDM
; Vol. 3 7.6 "16-Bit Task-State Segment (TSS)", Figure 7-10; INT n pseudocode: "TSSstackAddress
; <- (new code-segment DPL << 2) + 2" for a 16-bit TSS). INT 40h from CPL 3 through a 32-bit
; interrupt gate lands at CPL 0 with SS = SS0 and ESP = SP0 minus the 20-byte frame. LTR
; takes the available 16-bit TSS (type 1; "an available TSS", SDM LTR) and marks it busy.
; Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/prot_mode.inc"

TSS16 equ 0x13000

main:
    call  install_idt32
    lgdt  [gdtr_t]
    set_gate32 0x40, h_int40
    mov   word [IDT32 + 0x40*8 + 4], 0xEE00   ; DPL 3
    mov   edi, TSS16
    mov   ecx, 0x2C / 2
    xor   eax, eax
    rep   stosw
    mov   word [TSS16 + 2], 0x6800       ; SP0
    mov   word [TSS16 + 4], 0x10         ; SS0
    mov   word [TSS16 + 6], 0x5555       ; SP1: a 32-bit reading of ESP0 would see 55556800h
    mov   word [TSS16 + 8], 0x18         ; SS1: a 32-bit reading of SS0 would see 18h
    mov   ax, 0x28
    ltr   ax
    push  0x23                           ; SS (DPL-3 data)
    push  0x6000                         ; ESP
    push  0x2
    push  0x1B                           ; CS (DPL-3 code)
    push  user
    iret
user:
    int   0x40
    jmp   $

h_int40:
    mov   ebx, esp
    mov   ecx, ss
    mov   eax, 0x10
    mov   ds, eax
    mov   [v_esp], ebx
    mov   [v_ss], ecx
    print s_int
    mov   eax, [v_ss]
    mov   cl, 4
    call  print_hex
    print s_esp
    mov   eax, [v_esp]
    mov   cl, 8
    call  print_hex
    print s_type
    movzx eax, byte [gdt_t + 0x28 + 5]
    mov   cl, 2
    call  print_hex
    print s_nl
    xor   eax, eax
    jmp   exit

s_int: db "int 40h from cpl 3: ss ", 0
s_esp: db " esp ", 0
s_type: db " tss access byte ", 0
s_nl:  db 10, 0
    align 4
v_esp: dd 0
v_ss:  dd 0
    align 8
; 08 code 0, 10 data 0, 18 code 3, 20 data 3, 28 16-bit TSS
gdt_t:
    dq 0
    dq 0x00cf9a000000ffff
    dq 0x00cf92000000ffff
    dq 0x00cffa000000ffff
    dq 0x00cff2000000ffff
    dw 0x2B, TSS16 & 0xFFFF
    db (TSS16 >> 16), 0x81, 0, 0
gdtr_t:
    dw gdtr_t - gdt_t - 1
    dd gdt_t
%include "include/end.inc"
