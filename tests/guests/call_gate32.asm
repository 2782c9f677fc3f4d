; expect-exit: 1
; expect-output: GP 0D 00000050 ok
; expect-output: GP 0D 00000008 ok
; expect-output: ring 0 via gate: cs 0008 params 11111111 22222222 old ss 002B esp ok
; expect-output: back in ring 3: cs 0023 ss 002B esp ok eax 33333333
;
; Call gates in 32-bit protected mode (SDM Vol. 3 5.8.3-5.8.6, CALL/JMP/RET): a gate whose
; DPL is below CPL is #GP(gate selector); a JMP through a gate cannot raise privilege
; (#GP(code selector)); a CALL from ring 3 through a DPL-3 gate to ring-0 code switches to
; the TSS's SS0:ESP0, copies the gate's two parameters and pushes the old SS:ESP; RETF 8
; returns to ring 3 and releases the parameters on both stacks.
; Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/prot_mode.inc"

TSS32 equ 0x12000

main:
    call  install_idt32
    lgdt  [gdtr2]
    ; 32-bit TSS: ESP0 = 0x7000, SS0 = 0x10, no I/O bitmap
    mov   edi, TSS32
    mov   ecx, 0x68 / 4
    xor   eax, eax
    rep   stosd
    mov   dword [TSS32 + 4], 0x7000
    mov   dword [TSS32 + 8], 0x10
    mov   word [TSS32 + 0x66], 0x68
    mov   ax, 0x38
    ltr   ax
    ; iret to ring 3 with IOPL 3 (so the user code may print)
    push  0x2B                    ; SS
    push  0x6000                  ; ESP
    push  0x3002                  ; EFLAGS: IOPL 3
    push  0x23                    ; CS
    push  user
    iret

user:
    mov   eax, 0x2B                  ; IRET to ring 3 nulled DS/ES (their DPL was 0)
    mov   ds, eax
    mov   es, eax
    expect u1, u1r
u1: call  0x50:0                  ; gate DPL 0 < CPL 3: #GP(50h)
u1r:
    expect u2, u2r
u2: jmp   0x48:0                  ; JMP through a gate to ring 0: #GP(08h)
u2r:
    mov   esp, 0x6000
    push  0x11111111
    push  0x22222222
    call  0x48:0                  ; gate DPL 3 -> ring 0 with 2 parameters
    ; RETF 8 released the parameters: ESP is back to 0x6000
    print s_back
    mov   ax, cs
    movzx eax, ax
    mov   cl, 4
    call  print_hex
    print s_ss
    mov   ax, ss
    movzx eax, ax
    mov   cl, 4
    call  print_hex
    print s_esp
    cmp   esp, 0x6000
    mov   esi, s_okw
    je    .p
    mov   esi, s_badw
.p: call  print_str
    print s_eax
    mov   eax, [result]
    mov   cl, 8
    call  print_hex
    print s_nl
    xor   eax, eax
    jmp   exit

ring0:                            ; [esp] EIP, +4 CS, +8 param 2, +12 param 1, +16 ESP, +20 SS
    mov   ebp, esp
    print s_r0
    mov   ax, cs
    movzx eax, ax
    mov   cl, 4
    call  print_hex
    print s_par
    mov   eax, [ebp + 12]
    mov   cl, 8
    call  print_hex
    mov   al, ' '
    out   0xe9, al
    mov   eax, [ebp + 8]
    mov   cl, 8
    call  print_hex
    print s_oss
    mov   eax, [ebp + 20]
    mov   cl, 4
    call  print_hex
    print s_esp
    cmp   dword [ebp + 16], 0x6000 - 8
    mov   esi, s_okw
    je    .p
    mov   esi, s_badw
.p: call  print_str
    print s_nl
    mov   eax, [ebp + 8]
    add   eax, [ebp + 12]
    mov   [result], eax
    retf  8

s_r0:   db "ring 0 via gate: cs ", 0
s_par:  db " params ", 0
s_oss:  db " old ss ", 0
s_esp:  db " esp ", 0
s_back: db "back in ring 3: cs ", 0
s_ss:   db " ss ", 0
s_eax:  db " eax ", 0
s_okw:  db "ok", 0
s_badw: db "bad", 0
s_nl:   db 10, 0
    align 8
result: dd 0
; 0x08/0x10 ring-0 code/data, 0x18 (unused), 0x20 ring-3 code, 0x28 ring-3 data,
; 0x38 TSS, 0x48 call gate DPL 3 -> 0x08:ring0 with 2 dword parameters, 0x50 same with DPL 0
gdt2:
    dq 0
    dq 0x00cf9a000000ffff
    dq 0x00cf92000000ffff
    dq 0
    dq 0x00cffa000000ffff
    dq 0x00cff2000000ffff
    dq 0
    dw 0x67, TSS32 & 0xFFFF
    db (TSS32 >> 16) & 0xFF, 0x89, 0x00, 0x00
    dq 0
    dw ring0 - $$ + 0x7c00, 0x08
    db 2, 0xEC
    dw 0
    dw ring0 - $$ + 0x7c00, 0x08
    db 2, 0x8C
    dw 0
gdtr2:
    dw gdtr2 - gdt2 - 1
    dd gdt2
%include "include/end.inc"
