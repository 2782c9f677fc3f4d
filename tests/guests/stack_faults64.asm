; expect-exit: 1
; expect-output: SS 0C 0000000000000000 ok
; expect-output: SS 0C 0000000000000001 ok
; expect-output: SS 0C 0000000000000000 ok
; expect-output: SS 0C 0000000000000001 ok
; expect-output: SS 0C 0000000000000000 ok
; expect-output: SS 0C 0000000000000001 ok
; expect-output: PF 0E 0000000000000002 00000000003FFFF8 ok
; expect-output: PF 0E 0000000000000002 00000000003FFFF8 ok
; expect-output: PF 0E 0000000000000002 00000000003FFFF8 ok
; expect-output: TS 0A 0000000000000038 ok
; expect-output: TS 0A 0000000000000039 ok
;
; Stack faults of IA-32e interrupt delivery (SDM Vol. 3 6.13 "Error Code", 6.14.4 and 6.14.5
; stack switching and the IST, 6.15 Interrupts 10, 12 and 14; Vol. 2 INT n pseudocode). The
; new RSP -- from TSS.ISTn (a, b; no privilege change), from TSS.RSP0 (c; CPL 3 -> 0) or the
; current RSP (f; no IST, no privilege change) -- is checked for canonical form: "IF NewRSP
; contains a non-canonical address THEN #SS(EXT); (* Error code contains NULL selector *)",
; and for the stack switch "IF StackAddress is non-canonical THEN #SS(EXT); FI; (* Error
; code contains NULL selector *)": #SS(0) for INT n, #SS(1) for #UD (EXT, 6.13). A canonical
; IST pointer (aligned down to 16 first) whose frame reaches a not-present page is #PF with
; W set and CR2 the faulting push (e; only the RIP push at 3FFFF8h is in the page, so the
; order of the pushes does not matter; #UD then #PF is no #DF, Table 6-5). An IST slot past
; the TSS limit (IST7 at 54h-5Bh, limit 57h) is "#TS(error_code(current TSS selector,0,EXT))"
; (d): #TS(38h) for INT n, #TS(39h) for #UD. #TS, #SS and #PF are taken on IST 2.
; Bochs 2.7 (scripts/bochs-oracle) prints the same except for cases a-c, where it prints
; #SS(10h), #SS(11h), #SS(20h), #SS(21h): its get_RSP_from_TSS raises #SS with the current
; (old) SS selector, 10h at CPL 0 and 23h at CPL 3, as the error code. The pseudocode above
; (the null selector plus EXT) decides; Interrupt 12's selector rule names "the segment that
; caused the exception", and the new SS is the null selector in IA-32e mode (6.14.4).
%include "include/long_mode.inc"
%include "include/exceptions.inc"

TSS64 equ 0x12000
NONCANON equ 0x8000000000000000

%macro print 1
    lea   rsi, [rel %1]
    call  print_str
%endmacro
%macro to_user 1                      ; IRETQ to CPL 3 at %1 (SS 23h, RSP 6000h)
    push  0x23
    push  0x6000
    push  0x2
    push  0x1B
    lea   rax, [rel %1]
    push  rax
    iretq
%endmacro

main:
    call  install_idt
    set_gate 6, sf_ud
    set_gate 8, sf_df
    set_gate 10, sf_ts
    set_gate 12, sf_ss
    set_gate 13, sf_gp
    set_gate 14, sf_pf
    mov   byte [IDT + 8*16 + 4], 2            ; #DF, #TS, #SS, #GP, #PF on IST 2 (a good stack)
    mov   byte [IDT + 10*16 + 4], 2
    mov   byte [IDT + 12*16 + 4], 2
    mov   byte [IDT + 13*16 + 4], 2
    mov   byte [IDT + 14*16 + 4], 2
    set_gate 0x50, sf_int
    mov   byte [IDT + 0x50*16 + 4], 1         ; INT 50h: IST 1
    set_gate 0x51, sf_int
    mov   word [IDT + 0x51*16 + 4], 0xEE00    ; INT 51h: DPL 3, no IST
    set_gate 0x57, sf_int
    mov   byte [IDT + 0x57*16 + 4], 7         ; INT 57h: IST 7
    mov   rdi, TSS64
    mov   ecx, 0x68 / 4
    xor   eax, eax
    rep   stosd
    mov   qword [TSS64 + 4], 0x7000           ; RSP0
    mov   qword [TSS64 + 0x2C], 0x9000        ; IST2
    mov   qword [TSS64 + 0x54], 0x8000        ; IST7
    mov   word [TSS64 + 0x66], 0x68
    lgdt  [gdtr_sf]
    mov   ax, 0x28
    ltr   ax
    or    qword [0x1000], 4                   ; the first 2 MiB user-accessible (for CPL 3)
    or    qword [0x2000], 4
    or    qword [0x3000], 4
    mov   rax, cr3
    mov   cr3, rax

    ; --- a, b. a non-canonical IST pointer, without a privilege change ---
    mov   rax, NONCANON
    mov   [TSS64 + 0x24], rax                 ; IST1
    expect a1, a1r
a1: int   0x50                          ; #SS(0): EXT 0 for INT n
a1r:
    mov   byte [IDT + 6*16 + 4], 1            ; #UD on IST 1
    expect b1, b1r
b1: ud2                                 ; #SS(EXT) = #SS(1)
b1r:
    mov   byte [IDT + 6*16 + 4], 0

    ; --- c. a non-canonical RSP0 for a change to CPL 0 ---
    mov   rax, NONCANON
    mov   [TSS64 + 4], rax                    ; RSP0
    expect c1, c1r
    to_user c1
c1: int   0x51                          ; #SS(0)
c1r:
    mov   rax, NONCANON
    mov   [TSS64 + 4], rax
    expect c2, c2r
    to_user c2
c2: ud2                                 ; #SS(1)
c2r:
    mov   qword [TSS64 + 4], 0x7000

    ; --- f. no IST, no privilege change: a non-canonical current RSP ---
    expect f1, f1r
    mov   rsp, NONCANON + 0x1000
f1: int   0x51                          ; #SS(0)
f1r:
    expect f2, f2r
    mov   rsp, NONCANON + 0x1000
f2: ud2                                 ; #SS(1)
f2r:

    ; --- e. a canonical IST pointer whose frame reaches a not-present page ---
    and   dword [0x3000 + 8], ~1              ; 2 MiB page 200000h..3FFFFFh not present
    invlpg [0x3FFFF8]
    mov   qword [TSS64 + 0x24], 0x400020      ; IST1: only the last push (RIP) at 3FFFF8h
    expect e1, e1r
e1: int   0x50                          ; #PF(W) at 3FFFF8h
e1r:
    mov   byte [IDT + 6*16 + 4], 1            ; #UD on IST 1
    expect e2, e2r
e2: ud2                                 ; #PF(W) at 3FFFF8h (#UD is benign: no #DF)
e2r:
    mov   byte [IDT + 6*16 + 4], 0
    mov   qword [TSS64 + 0x24], 0x400028      ; aligned down to 400020h: the same frame
    expect e3, e3r
e3: int   0x50                          ; #PF(W) at 3FFFF8h
e3r:
    or    dword [0x3000 + 8], 1
    invlpg [0x3FFFF8]

    ; --- d. an IST slot beyond the TSS limit: a descriptor of the same TSS, limit 57h ---
    mov   ax, 0x38
    ltr   ax
    expect d1, d1r
d1: int   0x57                          ; IST7 at 54h..5Bh > 57h: #TS(38h)
d1r:
    mov   byte [IDT + 6*16 + 4], 7            ; #UD on IST 7
    expect d2, d2r
d2: ud2                                 ; #TS(38h | EXT) = #TS(39h)
d2r:
    xor   eax, eax
    jmp   exit

sf_int:                                 ; INT 50h/51h/57h delivered: not expected
    push  0
    push  0x50
    jmp   sf_common
sf_ud:  push 0
        push 6
        jmp  sf_common
sf_df:  push 8
        jmp  sf_common
sf_ts:  push 10
        jmp  sf_common
sf_ss:  push 12
        jmp  sf_common
sf_gp:  push 13
        jmp  sf_common
sf_pf:  push 14
        jmp  sf_common
; [rsp] vector, [rsp+8] error code, [rsp+16] RIP
sf_common:
    mov   eax, 0x10
    mov   ds, eax
    mov   es, eax
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
    cmp   qword [rsp], 14
    jne   .rip
    mov   al, ' '
    out   0xe9, al
    mov   rax, cr2
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

sf_names: dq 0, 0, 0, 0, 0, 0, sfn_ud, 0, sfn_df, 0, sfn_ts, 0, sfn_ss, sfn_gp, sfn_pf
          times 0x50 - 15 dq 0
          dq sfn_int
sfn_ud:  db "UD ", 0
sfn_df:  db "DF ", 0
sfn_ts:  db "TS ", 0
sfn_ss:  db "SS ", 0
sfn_gp:  db "GP ", 0
sfn_pf:  db "PF ", 0
sfn_int: db "INT ", 0
    align 8
; 08 64-bit code DPL 0, 10 data DPL 0, 18 64-bit code DPL 3, 20 data DPL 3, 28 TSS (limit
; 67h), 38 the same TSS with limit 57h (16-byte system descriptors)
gdt_sf:
    dq 0
    dq 0x00af9a000000ffff
    dq 0x00cf92000000ffff
    dq 0x00affa000000ffff
    dq 0x00cff2000000ffff
    dw 0x67, TSS64 & 0xFFFF
    db (TSS64 >> 16), 0x89, 0, 0
    dq 0
    dw 0x57, TSS64 & 0xFFFF
    db (TSS64 >> 16), 0x89, 0, 0
    dq 0
gdtr_sf:
    dw gdtr_sf - gdt_sf - 1
    dq gdt_sf
%include "include/end.inc"
