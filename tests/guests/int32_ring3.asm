; expect-exit: 1
; expect-output: int 80h from ring 3: esp 00006FEC eip ok cs 001B eflags 00003202 esp 00005000 ss 0023
; expect-output: UD 06 ok
;
; 32-bit interrupt delivery with a privilege change (SDM Vol. 3 6.12.1): INT n at CPL 3
; through a DPL-3 32-bit interrupt gate loads SS0:ESP0 from the TSS and pushes the old SS,
; ESP, EFLAGS, CS and EIP (five dwords); IF is cleared for the handler. Exceptions at CPL 3
; take the same path (#UD resumed through IRET). Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/prot_mode.inc"

TSS32 equ 0x12000

main:
    call  install_idt32
    set_gate32 6, isr_ud32
    set_gate32 0x80, isr_80
    mov   word [IDT32 + 0x80*8 + 4], 0xEE00   ; DPL 3
    lgdt  [gdtr2]
    mov   edi, TSS32
    mov   ecx, 0x68 / 4
    xor   eax, eax
    rep   stosd
    mov   dword [TSS32 + 4], 0x7000
    mov   dword [TSS32 + 8], 0x10
    mov   word [TSS32 + 0x66], 0x68
    mov   ax, 0x28
    ltr   ax
    push  0x23                    ; SS
    push  0x5000                  ; ESP
    push  0x3202                  ; EFLAGS: IOPL 3, IF
    push  0x1B                    ; CS
    push  user
    iret

user:
    mov   eax, 0x23
    mov   ds, eax
    mov   es, eax
    int   0x80
after_int:
    ud2
after_ud:
    xor   eax, eax
    jmp   exit

isr_80:                           ; [esp] EIP, +4 CS, +8 EFLAGS, +12 ESP, +16 SS
    mov   ebp, esp
    print s_80
    mov   eax, ebp
    mov   cl, 8
    call  print_hex
    print s_eip
    cmp   dword [ebp], after_int
    mov   esi, s_okw
    je    .p
    mov   esi, s_badw
.p: call  print_str
    print s_cs
    mov   eax, [ebp + 4]
    mov   cl, 4
    call  print_hex
    print s_fl
    mov   eax, [ebp + 8]
    mov   cl, 8
    call  print_hex
    print s_esp
    mov   eax, [ebp + 12]
    mov   cl, 8
    call  print_hex
    print s_ss
    mov   eax, [ebp + 16]
    mov   cl, 4
    call  print_hex
    print s_nl
    iret

isr_ud32:                         ; #UD from ring 3: report, resume after the UD2
    print s_ud
    mov   dword [esp], after_ud
    iret

s_80:   db "int 80h from ring 3: esp ", 0
s_eip:  db " eip ", 0
s_cs:   db " cs ", 0
s_fl:   db " eflags ", 0
s_esp:  db " esp ", 0
s_ss:   db " ss ", 0
s_okw:  db "ok", 0
s_badw: db "bad", 0
s_ud:   db "UD 06 ok", 10, 0
s_nl:   db 10, 0
    align 8
; 0x08/0x10 ring 0, 0x18 ring-3 code, 0x20 ring-3 data, 0x28 TSS
gdt2:
    dq 0
    dq 0x00cf9a000000ffff
    dq 0x00cf92000000ffff
    dq 0x00cffa000000ffff
    dq 0x00cff2000000ffff
    dw 0x67, TSS32 & 0xFFFF
    db (TSS32 >> 16), 0x89, 0x00, 0x00
gdtr2:
    dw gdtr2 - gdt2 - 1
    dd gdt2
%include "include/end.inc"
