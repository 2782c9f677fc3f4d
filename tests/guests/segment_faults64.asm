; expect-exit: 1
; expect-output: NP 0B 0000000000000018 ok
; expect-output: SS 0C 0000000000000018 ok
; expect-output: mov ss, 0 at CPL 0: no fault, ss 0000
; expect-output: GP 0D 0000000000000000 ok
; expect-output: SS 0C 0000000000000000 ok
; expect-output: SS 0C 0000000000000000 ok
; expect-output: NP 0B 0000000000000020 ok
; expect-output: NP 0B 0000000000000020 ok
; expect-output: NP 0B 0000000000000020 ok
; expect-output: NP 0B 0000000000000020 ok
; expect-output: NP 0B 0000000000000038 ok
; expect-output: NP 0B 0000000000000048 ok
; expect-output: NP 0B 0000000000000202 ok
; expect-output: NP 0B 0000000000000033 ok
; expect-output: NP 0B 0000000000000020 ok
; expect-output: NP 0B 0000000000000021 ok
;
; Segment-related faults in 64-bit mode with their error codes (SDM Vol. 3 6.13, 6.15
; Interrupts 11 and 12; Vol. 2 MOV, JMP, CALL, IRET, RET, LTR, LLDT, INT n): a not-present
; data segment in DS is #NP(sel), in SS #SS(sel); a null SS is allowed at CPL 0 when RPL =
; CPL, else #GP(0); a non-canonical address through RBP or RSP is #SS(0) (the push one taken
; on IST 1); far JMP/CALL, IRETQ and RETFQ to a not-present code segment are #NP(cs); LTR
; and LLDT of not-present descriptors #NP(sel); INT n through a not-present gate
; #NP(vector*8+2: the IDT flag, EXT clear) and a #UD whose gate is not present
; #NP(6*8+2+1, EXT set); a gate whose code segment is not present is #NP(cs) for INT n and
; #NP(cs | EXT) for #UD. Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/long_mode.inc"
%include "include/exceptions.inc"

TSS64 equ 0x12000

main:
    call  install_idt
    set_gate 6, sf_ud
    mov   word [IDT + 6*16 + 4], 0x0E00       ; #UD gate not present
    set_gate 11, sf_np
    set_gate 12, sf_ss
    mov   byte [IDT + 12*16 + 4], 1           ; #SS on IST 1
    set_gate 13, sf_gp
    set_gate 0x40, sf_ud
    mov   word [IDT + 0x40*16 + 4], 0x0E00    ; INT 40h gate not present
    mov   rdi, TSS64
    mov   ecx, 0x68 / 4
    xor   eax, eax
    rep   stosd
    mov   qword [TSS64 + 4], 0x7000           ; RSP0
    mov   qword [TSS64 + 0x24], 0x6000        ; IST1
    mov   word [TSS64 + 0x66], 0x68
    lgdt  [gdtr_sf]
    mov   ax, 0x28
    ltr   ax

    expect f1, f1r
    mov   eax, 0x18
f1: mov   ds, eax                       ; not-present data: #NP(18h)
f1r:
    expect f2, f2r
    mov   eax, 0x18
f2: mov   ss, eax                       ; #SS(18h)
f2r:
    xor   eax, eax
    mov   ss, eax                       ; null SS, RPL 0 = CPL 0: allowed in 64-bit mode
    mov   bx, ss
    mov   eax, 0x10
    mov   ss, eax
    lea   rsi, [rel s_nullss]
    call  print_str
    movzx eax, bx
    mov   cl, 4
    call  print_hex
    lea   rsi, [rel s_nl]
    call  print_str
    expect f3, f3r
    mov   eax, 3
f3: mov   ss, eax                       ; null SS with RPL 3 != CPL 0: #GP(0)
f3r:
    expect f4, f4r
    mov   rbp, 0x8000000000000000
f4: mov   rax, [rbp]                    ; non-canonical, SS segment: #SS(0)
f4r:
    expect f5, f5r
    mov   rsp, 0x8000000000001000
f5: push  rax                           ; non-canonical RSP: #SS(0)
f5r:
    mov   rsp, 0x7000

    expect c1, c1r
c1: jmp   far dword [rel fptr]          ; not-present code: #NP(20h)
c1r:
    expect c2, c2r
c2: call  far dword [rel fptr]          ; #NP(20h)
c2r:
    expect c3, c3r
    mov   rax, rsp
    push  0x10
    push  rax
    pushfq
    push  0x20
    push  0
c3: iretq                               ; #NP(20h)
c3r:
    expect c4, c4r
    push  0x20
    push  0
c4: o64 retf                            ; #NP(20h)
c4r:

    expect l1, l1r
    mov   ax, 0x38
l1: ltr   ax                            ; not-present TSS: #NP(38h)
l1r:
    expect l2, l2r
    mov   ax, 0x48
l2: lldt  ax                            ; not-present LDT: #NP(48h)
l2r:

    expect i1, i1r
i1: int   0x40                          ; not-present gate: #NP(202h)
i1r:
    expect i2, i2r
i2: ud2                                 ; #UD, gate not present: #NP(33h)
i2r:
    set_gate 0x42, sf_ud
    mov   word [IDT + 0x42*16 + 2], 0x20      ; gate -> not-present code segment
    expect i3, i3r
i3: int   0x42                          ; #NP(20h), EXT 0
i3r:
    mov   word [IDT + 6*16 + 2], 0x20         ; #UD gate present, its CS not present
    mov   word [IDT + 6*16 + 4], 0x8E00
    expect i4, i4r
i4: ud2                                 ; #NP(20h | EXT) = #NP(21h)
i4r:
    xor   eax, eax
    jmp   exit

sf_ud:  push 0
        push 6
        jmp  sf_common
sf_np:  push 11
        jmp  sf_common
sf_ss:  push 12
        jmp  sf_common
sf_gp:  push 13
        jmp  sf_common
; [rsp] vector, [rsp+8] error code, [rsp+16] RIP
sf_common:
    mov   eax, 0x10
    mov   ds, eax
    mov   ss, eax
    mov   rax, [rsp]
    lea   rsi, [rel sf_names]
    mov   rsi, [rsi + rax*8]
    call  print_str
    mov   rax, [rsp]
    mov   cl, 2
    call  print_hex
    cmp   qword [rsp], 8
    jb    .rip
    mov   al, ' '
    out   0xe9, al
    mov   rax, [rsp + 8]
    mov   cl, 16
    call  print_hex
.rip:
    mov   rax, [rsp + 16]
    cmp   rax, [exp_rip]
    lea   rsi, [rel s_ok]
    je    .p
    lea   rsi, [rel s_bad]
.p: call  print_str
    mov   rsp, 0x7000
    mov   rax, [resume]
    lea   rbx, [rel sf_stop]
    mov   [resume], rbx                 ; a second fault before the next `expect` stops
    jmp   rax
sf_stop:
    xor   eax, eax
    jmp   exit

sf_names: dq 0, 0, 0, 0, 0, 0, sfn_ud, 0, 0, 0, 0, sfn_np, sfn_ss, sfn_gp
sfn_ud:  db "UD ", 0
sfn_np:  db "NP ", 0
sfn_ss:  db "SS ", 0
sfn_gp:  db "GP ", 0
s_nullss: db "mov ss, 0 at CPL 0: no fault, ss ", 0
s_nl:    db 10, 0
fptr:    dd 0
         dw 0x20
    align 8
; 08 64-bit code, 10 data, 18 data not present, 20 64-bit code not present, 28 TSS,
; 38 TSS not present, 48 LDT not present (16-byte system descriptors)
gdt_sf:
    dq 0
    dq 0x00af9a000000ffff
    dq 0x00cf92000000ffff
    dq 0x00cf12000000ffff
    dq 0x00af1a000000ffff
    dw 0x67, TSS64 & 0xFFFF
    db (TSS64 >> 16), 0x89, 0, 0
    dq 0
    dw 0x67, TSS64 & 0xFFFF
    db (TSS64 >> 16), 0x09, 0, 0
    dq 0
    dw 0x0f, 0x4000
    db 0, 0x02, 0, 0
    dq 0
gdtr_sf:
    dw gdtr_sf - gdt_sf - 1
    dq gdt_sf
%include "include/end.inc"
