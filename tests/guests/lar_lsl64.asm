; expect-exit: 1
; expect-output: CPL 0, LDTR null
; expect-output: null 0000: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: null3 0003: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: code0 0008: lar zf 1 value 0000000000A09B00 lsl zf 1 value 00000000FFFFFFFF verr 1 verw 0
; expect-output: data0 0010: lar zf 1 value 0000000000C09300 lsl zf 1 value 00000000FFFFFFFF verr 1 verw 1
; expect-output: data3 0018: lar zf 1 value 0000000000C0F300 lsl zf 1 value 00000000FFFFFFFF verr 1 verw 1
; expect-output: code3 0020: lar zf 1 value 0000000000A0FA00 lsl zf 1 value 00000000FFFFFFFF verr 1 verw 0
; expect-output: code32 0028: lar zf 1 value 0000000000C09A00 lsl zf 1 value 00000000FFFFFFFF verr 1 verw 0
; expect-output: tss64 0030: lar zf 1 value 0000000000008900 lsl zf 1 value 0000000000000067 verr 0 verw 0
; expect-output: tss64hi 0038: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: tss64b 0040: lar zf 1 value 0000000000008B00 lsl zf 1 value 0000000000000067 verr 0 verw 0
; expect-output: ldt 0050: lar zf 1 value 0000000000008200 lsl zf 1 value 000000000000000F verr 0 verw 0
; expect-output: cg64 0060: lar zf 1 value 0000000000A0EC00 lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: tss16 0070: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: tss16b 0078: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: cg16 0080: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: taskg 0088: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: intg64 0090: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: rsv8 00A0: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: rsvA 00A8: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: rsvD 00B0: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: rsv0 00B8: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: np3 00C0: lar zf 1 value 0000000000C07200 lsl zf 1 value 00000000FFFFFFFF verr 1 verw 1
; expect-output: conf0 00C8: lar zf 1 value 0000000000A09F00 lsl zf 1 value 00000000FFFFFFFF verr 1 verw 0
; expect-output: cutTSS 0100: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: past 0108: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: past2 FFF8: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: ldt0 0004: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: ldt1 000C: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: ldt2 0014: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: CPL 0, LDTR 0050
; expect-output: ldt0 0004: lar zf 1 value 000000000040F200 lsl zf 1 value 0000000000000FFF verr 1 verw 1
; expect-output: ldt1 000C: lar zf 1 value 0000000000A09A00 lsl zf 1 value 00000000FFFFFFFF verr 1 verw 0
; expect-output: ldt2 0014: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: CPL 0, RPL 3
; expect-output: code0 000B: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: data3 001B: lar zf 1 value 0000000000C0F300 lsl zf 1 value 00000000FFFFFFFF verr 1 verw 1
; expect-output: tss64 0033: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: ldt 0053: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: cg64 0063: lar zf 1 value 0000000000A0EC00 lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: conf0 00CB: lar zf 1 value 0000000000A09F00 lsl zf 1 value 00000000FFFFFFFF verr 1 verw 0
; expect-output: ldt1 000F: lar zf 0 value DEADBEEFDEADBEEF lsl zf 0 value DEADBEEFDEADBEEF verr 0 verw 0
; expect-output: lar rdx, 0008: zf 1 value 0000000000A09B00
; expect-output: lar rdx, 0070: zf 0 value DEADBEEFDEADBEEF
; expect-output: lsl rdx, 0030: zf 1 value 0000000000000067
; expect-output: lsl rdx, 0008: zf 1 value 00000000FFFFFFFF
; expect-output: lsl rdx, 0060: zf 0 value DEADBEEFDEADBEEF
; expect-output: lar dx, 0008: zf 1 value DEADBEEFDEAD9B00
; expect-output: lar dx, 0060: zf 1 value DEADBEEFDEADEC00
; expect-output: lsl dx, 0068: zf 0 value DEADBEEFDEADBEEF
; expect-output: lsl dx, 0028: zf 1 value DEADBEEFDEADFFFF
; expect-output: lar edx, m16 0030: zf 1 value 0000000000008900
; expect-output: lsl rdx, m16 0030: zf 1 value 0000000000000067
; expect-output: verw m16 0010: zf 1 value DEADBEEFDEADBEEF
; expect-output: lar edx, FFFFFFFFFFFF0018: zf 1 value 0000000000C0F300
; expect-output: lsl rdx, 0000000100000018: zf 1 value 00000000FFFFFFFF
; expect-output: lsl edx, 00D0 (upper type 9): zf 0 value DEADBEEFDEADBEEF
; expect-output: lsl edx, 00E0 (upper bit 12): zf 0 value DEADBEEFDEADBEEF
; expect-output: compatibility mode
; expect-output: lsl edx, 0100: zf 0 value DEADBEEF
; expect-output: lar edx, 0100: zf 0 value DEADBEEF
; expect-output: lsl edx, 00D0: zf 0 value DEADBEEF
; expect-output: lar edx, 0070: zf 0 value DEADBEEF
; expect-output: lar edx, 0060: zf 1 value 00A0EC00
; expect-output: lsl edx, 0030: zf 1 value 00000067
; expect-output: verr 0008: zf 1 value DEADBEEF
; expect-output: flags lar lsl verr verw: 08D5 0895 08D5 0895
;
; LAR, LSL, VERR and VERW in IA-32e mode (SDM Vol. 2 LAR, LSL, VERR, VERW; Vol. 3 3.5 and
; Table 3-2: system descriptors are 16 bytes; ARPL does not exist, 63H is MOVSXD). Each
; selector goes through all four (ZF preset 1 and 0, RDX preset to DEADBEEFDEADBEEFH, 32-bit
; destinations): of the system types only LDT, available and busy 64-bit TSS and (LAR) the
; 64-bit call gate are valid (the IA-32e columns of the LAR and LSL type tables, 2018 and
; later editions); 16-bit TSSs, the 16-bit call gate, the task gate, types 0 (also an upper
; half's), 8, A, D and the 64-bit interrupt gate are not; a 16-byte descriptor whose upper
; half lies past the GDT limit is not within it (ZF 0). LSL also requires bits 12:8 of the
; upper 4 bytes to be 0 (note 1 of the LSL table). Privilege and P rules as in lar_lsl.asm. A
; 32-bit destination is zero-extended to 64 bits on success and all 64 bits are kept on
; failure, a 16-bit one keeps bits 63:16, a REX.W one is zero-extended; LAR bits 19:16 are
; undefined (printed masked off). Compatibility mode is IA-32e mode too: the same types and
; 16-byte descriptors. Bochs 2.7 (scripts/bochs-oracle) prints the same except in
; compatibility mode, where it reads only 8 bytes of a TSS or LDT descriptor: "lsl edx, 0100"
; and "lar edx, 0100" (upper half past the limit) give ZF 1 with 67h and 8900h, "lsl edx,
; 00D0" (upper type 9) ZF 1 with 67h; the SDM decides for ZF 0 (Vol. 3 3.5; the LSL table's
; note 1 for IA-32e mode).
%include "include/long_mode.inc"
%include "include/exceptions.inc"

TSS_A  equ 0x12000                   ; an available 64-bit TSS
TSS_M  equ 0x12100                   ; the running one (busy)
LDT_B  equ 0x12200                   ; the LDT: 0 data DPL 3, 1 64-bit code DPL 0
MARK   equ 0xDEADBEEFDEADBEEF        ; destination preset

; zrun INSN: INSN with ZF preset 1, then again with ZF preset 0 (RDX = MARK before each);
; CL = '0' or '1', the ZF it leaves, or '?' when that depends on the preset
%macro zrun 1
    mov   rdx, MARK
    cmp   eax, eax
    %1
    setz  cl
    mov   rdx, MARK
    test  esp, esp
    %1
    setz  ch
    call  zmerge
%endmacro
; zrun32 INSN: zrun in compatibility mode (EDX = low half of MARK)
%macro zrun32 1
    mov   edx, MARK & 0xFFFFFFFF
    cmp   eax, eax
    %1
    setz  cl
    mov   edx, MARK & 0xFFFFFFFF
    test  esp, esp
    %1
    setz  ch
    call  zmerge
%endmacro
; cm SELECTOR, INSN: in compatibility mode, store CL (ZF) and EDX at [EDI], EDI += 5
%macro cm 2
    mov   eax, %1
    zrun32 {%2}
    mov   [edi], cl
    mov   [edi + 1], edx
    add   edi, 5
%endmacro
; one LABEL, SELECTOR, INSN[, mask_ar]: INSN (destination RDX/EDX/DX, source RAX/AX or
; [mem] holding SELECTOR), show ZF and RDX
%macro one 3-4
    mov   rax, %2
    mov   [mem], rax
    zrun  {%3}
%if %0 > 3
    call  %4
%endif
    lea   rsi, [rel %1]
    call  show
%endmacro
; flags INSN: INSN with CF PF AF SF OF set and ZF clear; print " FLAGS" (RFLAGS AND 8D5H)
%macro flags 1
    push  0x895
    popfq
    %1
    pushfq
    pop   rax
    and   eax, 0x8D5
    call  pflags
%endmacro

main:
    call  install_idt
    lea   rax, [rel stop]
    mov   [resume], rax                 ; an unexpected exception prints and stops
    lgdt  [gdtr_l]
    mov   rdi, TSS_A
    mov   ecx, 0x200 / 8
    xor   eax, eax
    rep   stosq
    mov   qword [TSS_M + 4], 0x7000     ; RSP0
    mov   word [TSS_A + 0x66], 0x68
    mov   word [TSS_M + 0x66], 0x68
    mov   dword [LDT_B], 0x00000FFF     ; LDT 0 (04): data DPL 3, byte limit FFFh
    mov   dword [LDT_B + 4], 0x0040F200
    mov   dword [LDT_B + 8], 0x0000FFFF ; LDT 1 (0C): 64-bit code DPL 0
    mov   dword [LDT_B + 12], 0x00AF9A00
    mov   ax, 0x40
    ltr   ax                            ; 40: now busy
    xor   eax, eax
    lldt  ax

    lea   rsi, [rel s_h0]
    call  print_str
    lea   rsi, [rel tab]
    call  table
    lea   rsi, [rel tab_ldt]            ; LDTR null
    call  table
    mov   ax, 0x50
    lldt  ax
    lea   rsi, [rel s_h1]
    call  print_str
    lea   rsi, [rel tab_ldt]
    call  table
    lea   rsi, [rel s_h2]
    call  print_str
    lea   rsi, [rel tab_rpl]
    call  table

    ; operand sizes
    one   s_f1, 0x08, {lar rdx, eax}, mask_ar         ; 64 bits: zero-extended
    one   s_f2, 0x70, {lar rdx, eax}                  ; invalid: unchanged
    one   s_f3, 0x30, {lsl rdx, eax}                  ; 67h
    one   s_f4, 0x08, {lsl rdx, eax}                  ; FFFFFFFFh
    one   s_f5, 0x60, {lsl rdx, eax}                  ; gate: unchanged
    one   s_f6, 0x08, {lar dx, ax}                    ; 16 bits: RDX[63:16] kept
    one   s_f7, 0x60, {lar dx, ax}
    one   s_f8, 0x68, {lsl dx, ax}
    one   s_f9, 0x28, {lsl dx, ax}
    one   s_f10, 0xFFFFFFFFFFFF0030, {lar edx, word [mem]}, mask_ar   ; m16 source
    one   s_f11, 0xFFFFFFFFFFFF0030, {lsl rdx, word [mem]}
    one   s_f12, 0xFFFFFFFFFFFF0010, {verw word [mem]}
    one   s_f13, 0xFFFFFFFFFFFF0018, {lar edx, eax}, mask_ar   ; register: bits 63:16 ignored
    one   s_f14, 0x0000000100000018, {lsl rdx, eax}
    one   s_f15, 0xD0, {lsl edx, eax}                 ; upper half type 9: not a 64-bit TSS
    one   s_f16, 0xE0, {lsl edx, eax}                 ; upper half bit 12 set: not an LDT

    ; compatibility mode: also IA-32e mode (16-byte system descriptors, IA-32e types)
    jmp   dword far [rel to_compat]
back64:
    mov   eax, 0x10
    mov   ds, eax
    mov   es, eax
    mov   ss, eax
    lea   rsi, [rel s_h3]
    call  print_str
    lea   rbx, [rel cres]
    lea   rsi, [rel s_c1]
    mov   byte [sh_w], 8                              ; EDX: 32-bit registers here
.c: movzx ecx, byte [rbx]
    mov   edx, [rbx + 1]
    cmp   byte [rsi + 1], 'a'                         ; "lar...": bits 19:16 undefined
    jne   .s
    call  mask_ar
.s: push  rbx
    call  show                                        ; (RSI: past the label's NUL after)
    pop   rbx
    add   rbx, 5
    cmp   byte [rsi], 0
    jne   .c

    lea   rsi, [rel s_fl]
    call  print_str
    mov   eax, 0x08
    flags {lar edx, eax}                ; ZF 1
    mov   eax, 0x70
    flags {lsl edx, eax}                ; ZF 0
    mov   eax, 0x10
    flags {verr ax}                     ; ZF 1
    mov   eax, 0x08
    flags {verw ax}                     ; ZF 0
    mov   al, 10
    out   0xe9, al
stop:
    xor   eax, eax
    jmp   exit

bits 32
compat:
    mov   edi, cres
    cm    0x100, {lsl edx, eax}         ; upper half past the limit: ZF 0
    cm    0x100, {lar edx, eax}
    cm    0xD0, {lsl edx, eax}          ; upper half type 9: ZF 0
    cm    0x70, {lar edx, eax}          ; type 1: reserved in IA-32e mode
    cm    0x60, {lar edx, eax}          ; 64-bit call gate
    cm    0x30, {lsl edx, eax}          ; 64-bit TSS: 67h
    cm    0x08, {verr ax}
    jmp   0x08:back64
bits 64

; table: RSI -> entries (dd selector; 8 bytes of name), ended by dd -1; a line each
table:
    mov   eax, [rsi]
    cmp   eax, -1
    je    .r
    push  rsi
    lea   rbx, [rsi + 4]
    call  check
    pop   rsi
    add   rsi, 12
    jmp   table
.r: ret

; check: EAX selector, RBX name: "NAME SSSS: lar zf X value V lsl zf X value V verr X
; verw X", 32-bit destinations (RDX preset to MARK)
check:
    mov   [c_sel], eax
    mov   rsi, rbx
    call  print_str
    mov   al, ' '
    out   0xe9, al
    mov   eax, [c_sel]
    mov   cl, 4
    call  print_hex
    mov   al, ':'
    out   0xe9, al
    mov   eax, [c_sel]
    zrun  {lar edx, eax}
    mov   [c_larzf], cl
    call  mask_ar
    mov   [c_lar], rdx
    mov   eax, [c_sel]
    zrun  {lsl edx, eax}
    mov   [c_lslzf], cl
    mov   [c_lsl], rdx
    mov   eax, [c_sel]
    zrun  {verr ax}
    mov   [c_verr], cl
    zrun  {verw ax}
    mov   [c_verw], cl
    lea   rsi, [rel s_lar]
    call  print_str
    mov   al, [c_larzf]
    out   0xe9, al
    lea   rsi, [rel s_val]
    call  print_str
    mov   rax, [c_lar]
    mov   cl, 16
    call  print_hex
    lea   rsi, [rel s_lsl]
    call  print_str
    mov   al, [c_lslzf]
    out   0xe9, al
    lea   rsi, [rel s_val]
    call  print_str
    mov   rax, [c_lsl]
    mov   cl, 16
    call  print_hex
    lea   rsi, [rel s_verr]
    call  print_str
    mov   al, [c_verr]
    out   0xe9, al
    lea   rsi, [rel s_verw]
    call  print_str
    mov   al, [c_verw]
    out   0xe9, al
    mov   al, 10
    out   0xe9, al
    ret

; mask_ar: after a 32- or 64-bit LAR that set ZF (CL = '1'), clear RDX bits 19:16 (undefined)
mask_ar:
    cmp   cl, '1'
    jne   .r
    and   rdx, ~0xF0000
.r: ret

; zmerge: CL, CH = ZF after the runs with ZF preset 1 and 0 -> CL '0', '1' or '?'
zmerge:
    cmp   cl, ch
    jne   .q
    add   cl, '0'
    ret
.q: mov   cl, '?'
    ret

pflags:
    push  rax
    mov   al, ' '
    out   0xe9, al
    pop   rax
    mov   cl, 4
    jmp   print_hex

; show: RSI label, CL ZF char, RDX value: "LABEL zf X value V" ([sh_w] digits); RSI is
; left past the label
show:
    mov   [c_lsl], rdx
    mov   [c_lslzf], cl
    call  print_str
    push  rsi                           ; (past the label)
    lea   rsi, [rel s_zf]
    call  print_str
    mov   al, [c_lslzf]
    out   0xe9, al
    lea   rsi, [rel s_val]
    call  print_str
    mov   rax, [c_lsl]
    mov   cl, [sh_w]
    call  print_hex
    mov   al, 10
    out   0xe9, al
    pop   rsi
    ret

%macro ent 2
    dd    %1
%%s: db   %2, 0
    times 8 - ($ - %%s) db 0
%endmacro
tab:
    ent 0x0000, "null"
    ent 0x0003, "null3"
    ent 0x0008, "code0"
    ent 0x0010, "data0"
    ent 0x0018, "data3"
    ent 0x0020, "code3"
    ent 0x0028, "code32"
    ent 0x0030, "tss64"
    ent 0x0038, "tss64hi"
    ent 0x0040, "tss64b"
    ent 0x0050, "ldt"
    ent 0x0060, "cg64"
    ent 0x0070, "tss16"
    ent 0x0078, "tss16b"
    ent 0x0080, "cg16"
    ent 0x0088, "taskg"
    ent 0x0090, "intg64"
    ent 0x00A0, "rsv8"
    ent 0x00A8, "rsvA"
    ent 0x00B0, "rsvD"
    ent 0x00B8, "rsv0"
    ent 0x00C0, "np3"
    ent 0x00C8, "conf0"
    ent 0x0100, "cutTSS"
    ent 0x0108, "past"
    ent 0xFFF8, "past2"
    dd  -1
tab_ldt:
    ent 0x0004, "ldt0"
    ent 0x000C, "ldt1"
    ent 0x0014, "ldt2"
    dd  -1
tab_rpl:
    ent 0x000B, "code0"
    ent 0x001B, "data3"
    ent 0x0033, "tss64"
    ent 0x0053, "ldt"
    ent 0x0063, "cg64"
    ent 0x00CB, "conf0"
    ent 0x000F, "ldt1"
    dd  -1

s_h0:  db "CPL 0, LDTR null", 10, 0
s_h1:  db "CPL 0, LDTR 0050", 10, 0
s_h2:  db "CPL 0, RPL 3", 10, 0
s_lar: db " lar zf ", 0
s_lsl: db " lsl zf ", 0
s_val: db " value ", 0
s_verr: db " verr ", 0
s_verw: db " verw ", 0
s_zf:  db " zf ", 0
s_fl:  db "flags lar lsl verr verw:", 0
s_f1:  db "lar rdx, 0008:", 0
s_f2:  db "lar rdx, 0070:", 0
s_f3:  db "lsl rdx, 0030:", 0
s_f4:  db "lsl rdx, 0008:", 0
s_f5:  db "lsl rdx, 0060:", 0
s_f6:  db "lar dx, 0008:", 0
s_f7:  db "lar dx, 0060:", 0
s_f8:  db "lsl dx, 0068:", 0
s_f9:  db "lsl dx, 0028:", 0
s_f10: db "lar edx, m16 0030:", 0
s_f11: db "lsl rdx, m16 0030:", 0
s_f12: db "verw m16 0010:", 0
s_f13: db "lar edx, FFFFFFFFFFFF0018:", 0
s_f14: db "lsl rdx, 0000000100000018:", 0
s_f15: db "lsl edx, 00D0 (upper type 9):", 0
s_f16: db "lsl edx, 00E0 (upper bit 12):", 0
s_h3:  db "compatibility mode", 10, 0
s_c1:  db "lsl edx, 0100:", 0
       db "lar edx, 0100:", 0
       db "lsl edx, 00D0:", 0
       db "lar edx, 0070:", 0
       db "lar edx, 0060:", 0
       db "lsl edx, 0030:", 0
       db "verr 0008:", 0
       db 0
to_compat: dd compat
       dw 0x28
    align 8
mem:     dq 0
c_lar:   dq 0
c_lsl:   dq 0
c_sel:   dd 0
c_larzf: db 0
c_lslzf: db 0
c_verr:  db 0
c_verw:  db 0
sh_w:    db 16
cres:    times 7*5 db 0
    align 8
gdt_l:
    dq 0                            ; 00
    dq 0x00af9b000000ffff           ; 08 64-bit code DPL 0 (accessed: it is loaded)
    dq 0x00cf93000000ffff           ; 10 data DPL 0
    dq 0x00cff3000000ffff           ; 18 data DPL 3
    dq 0x00affa000000ffff           ; 20 64-bit code DPL 3
    dq 0x00cf9a000000ffff           ; 28 32-bit code DPL 0
    dw 0x67, TSS_A & 0xFFFF         ; 30 available 64-bit TSS DPL 0
    db (TSS_A >> 16), 0x89, 0, 0
    dq 0
    dw 0x67, TSS_M & 0xFFFF         ; 40 64-bit TSS DPL 0, busy after LTR
    db (TSS_M >> 16), 0x89, 0, 0
    dq 0
    dw 0x0F, LDT_B & 0xFFFF         ; 50 LDT DPL 0
    db (LDT_B >> 16), 0x82, 0, 0
    dq 0
    dw 0x1234, 0x0008               ; 60 64-bit call gate DPL 3 -> 08:0000000500AB1234
    db 0, 0xEC
    dw 0x00AB
    dd 5, 0
    dq 0x0000810000A0002B           ; 70 type 1 (16-bit TSS) DPL 0
    dq 0x0000830000A0002B           ; 78 type 3 (busy 16-bit TSS)
    dq 0x0000840000081234           ; 80 type 4 (16-bit call gate)
    dq 0x0000850000300000           ; 88 type 5 (task gate)
    dw 0x1234, 0x0008               ; 90 64-bit interrupt gate DPL 0
    db 0, 0x8E
    dw 0
    dq 0
    dq 0x0000880000001234           ; A0 type 8
    dq 0x00008A0000001234           ; A8 type A
    dq 0x00008D0000001234           ; B0 type D
    dq 0x0000800000001234           ; B8 type 0 (an upper half's type), limit 1234h
    dq 0x00cf72000000ffff           ; C0 data DPL 3, not present
    dq 0x00af9f000000ffff           ; C8 64-bit conforming readable code DPL 0
    dw 0x67, TSS_A & 0xFFFF         ; D0 available 64-bit TSS, upper half type 9
    db (TSS_A >> 16), 0x89, 0, 0
    dd 0, 0x00000900
    dw 0x0F, LDT_B & 0xFFFF         ; E0 LDT, upper half bit 12 set
    db (LDT_B >> 16), 0x82, 0, 0
    dd 0, 0x00001000
    dw 0x1234, 0x0008               ; F0 64-bit call gate DPL 0, upper half type C
    db 0, 0x8C
    dw 0
    dd 0, 0x00000C00
    dw 0x67, TSS_A & 0xFFFF         ; 100 64-bit TSS, its upper half past the limit
    db (TSS_A >> 16), 0x89, 0, 0
gdt_end:
    dq 0
gdtr_l:
    dw gdt_end - gdt_l - 1
    dq gdt_l
%include "include/end.inc"
