; expect-exit: 1
; expect-output: CPL 0, LDTR null
; expect-output: null 0000: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: null3 0003: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: code0 0008: lar zf 1 value 00C09B00 lsl zf 1 value FFFFFFFF verr 1 verw 0
; expect-output: data0 0010: lar zf 1 value 00C09300 lsl zf 1 value FFFFFFFF verr 1 verw 1
; expect-output: code3 0018: lar zf 1 value 00C0FB00 lsl zf 1 value FFFFFFFF verr 1 verw 0
; expect-output: data3 0020: lar zf 1 value 00C0F300 lsl zf 1 value FFFFFFFF verr 1 verw 1
; expect-output: edn0 0028: lar zf 1 value 00509600 lsl zf 1 value 00000FFF verr 1 verw 1
; expect-output: ednro3 0030: lar zf 1 value 00C0F400 lsl zf 1 value 0000FFFF verr 1 verw 0
; expect-output: conf0 0038: lar zf 1 value 00C09E00 lsl zf 1 value FFFFFFFF verr 1 verw 0
; expect-output: xo3 0040: lar zf 1 value 0040F800 lsl zf 1 value 00012345 verr 0 verw 0
; expect-output: tss32 0048: lar zf 1 value 00008900 lsl zf 1 value 00000067 verr 0 verw 0
; expect-output: tss32b 0050: lar zf 1 value 00008B00 lsl zf 1 value 00000067 verr 0 verw 0
; expect-output: tss16 0058: lar zf 1 value 0000E100 lsl zf 1 value 0000002B verr 0 verw 0
; expect-output: tss16b 0060: lar zf 1 value 00908300 lsl zf 1 value 00002FFF verr 0 verw 0
; expect-output: ldt 0068: lar zf 1 value 00008200 lsl zf 1 value 0000000F verr 0 verw 0
; expect-output: cg32 0070: lar zf 1 value 00A0EC00 lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: cg16 0078: lar zf 1 value 00008400 lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: taskg 0080: lar zf 1 value 0000E500 lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: rsv0 0088: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: rsv8 0090: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: rsvA 0098: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: rsvD 00A0: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: intg 00A8: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: np3 00B0: lar zf 1 value 00C07200 lsl zf 1 value FFFFFFFF verr 1 verw 1
; expect-output: ro0 00B8: lar zf 1 value 00C09000 lsl zf 1 value FFFFFFFF verr 1 verw 0
; expect-output: data2 00C0: lar zf 1 value 0000D200 lsl zf 1 value 00000000 verr 1 verw 1
; expect-output: confxo 00C8: lar zf 1 value 00C09C00 lsl zf 1 value FFFFFFFF verr 0 verw 0
; expect-output: past 00D0: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: past3 FFFB: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: ldt0 0004: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: ldt1 000C: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: ldt2 0014: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: CPL 0, LDTR 0068
; expect-output: ldt0 0004: lar zf 1 value 0040F200 lsl zf 1 value 00000FFF verr 1 verw 1
; expect-output: ldt1 000C: lar zf 1 value 00009A00 lsl zf 1 value 0000FFFF verr 1 verw 0
; expect-output: ldt2 0014: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: CPL 0, RPL != 0
; expect-output: code0 000B: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: data3 0023: lar zf 1 value 00C0F300 lsl zf 1 value FFFFFFFF verr 1 verw 1
; expect-output: edn0 002B: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: conf0 003B: lar zf 1 value 00C09E00 lsl zf 1 value FFFFFFFF verr 1 verw 0
; expect-output: tss32 004B: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: cg32 0073: lar zf 1 value 00A0EC00 lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: taskg 0083: lar zf 1 value 0000E500 lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: data2 00C2: lar zf 1 value 0000D200 lsl zf 1 value 00000000 verr 1 verw 1
; expect-output: data2 00C3: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: ldt1 000F: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: CPL 0, GDT limit 00CB
; expect-output: data2 00C0: lar zf 1 value 0000D200 lsl zf 1 value 00000000 verr 1 verw 1
; expect-output: confxo 00C8: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: lar dx, 0008: zf 1 value DEAD9B00
; expect-output: lar dx, 0088: zf 0 value DEADBEEF
; expect-output: lsl dx, 0030: zf 1 value DEADFFFF
; expect-output: lsl dx, 0040: zf 1 value DEAD2345
; expect-output: lsl dx, 0070: zf 0 value DEADBEEF
; expect-output: lar edx, m16 0038: zf 1 value 00C09E00
; expect-output: lsl edx, m16 0038: zf 1 value FFFFFFFF
; expect-output: verr m16 0038: zf 1 value DEADBEEF
; expect-output: verw m16 0038: zf 0 value DEADBEEF
; expect-output: verw m16 0010: zf 1 value DEADBEEF
; expect-output: lar edx, FFFF0010: zf 1 value 00C09300
; expect-output: lsl edx, 00070010: zf 1 value FFFFFFFF
; expect-output: arpl 0008, 0003: zf 1 value 1234000B
; expect-output: arpl 000B, 0001: zf 0 value 1234000B
; expect-output: arpl 0012, FFF2: zf 0 value 12340012
; expect-output: arpl 0011, 8FFE: zf 1 value 12340012
; expect-output: arpl m 0020, 0003: zf 1 value 5A5A0023
; expect-output: arpl m 0023, 0002: zf 0 value 5A5A0023
; expect-output: arpl m read-only 0023, 0001: GP 0D 00000000 ok
; expect-output: flags lar lsl verr verw arpl: 08D5 0895 08D5 0895 08D5
; expect-output: CPL 3
; expect-output: null 0000: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: null3 0003: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: code0 0008: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: data0 0010: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: code3 0018: lar zf 1 value 00C0FB00 lsl zf 1 value FFFFFFFF verr 1 verw 0
; expect-output: data3 0020: lar zf 1 value 00C0F300 lsl zf 1 value FFFFFFFF verr 1 verw 1
; expect-output: edn0 0028: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: ednro3 0030: lar zf 1 value 00C0F400 lsl zf 1 value 0000FFFF verr 1 verw 0
; expect-output: conf0 0038: lar zf 1 value 00C09E00 lsl zf 1 value FFFFFFFF verr 1 verw 0
; expect-output: xo3 0040: lar zf 1 value 0040F800 lsl zf 1 value 00012345 verr 0 verw 0
; expect-output: tss32 0048: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: tss32b 0050: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: tss16 0058: lar zf 1 value 0000E100 lsl zf 1 value 0000002B verr 0 verw 0
; expect-output: tss16b 0060: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: ldt 0068: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: cg32 0070: lar zf 1 value 00A0EC00 lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: cg16 0078: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: taskg 0080: lar zf 1 value 0000E500 lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: rsv0 0088: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: rsv8 0090: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: rsvA 0098: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: rsvD 00A0: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: intg 00A8: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: np3 00B0: lar zf 1 value 00C07200 lsl zf 1 value FFFFFFFF verr 1 verw 1
; expect-output: ro0 00B8: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: data2 00C0: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: confxo 00C8: lar zf 1 value 00C09C00 lsl zf 1 value FFFFFFFF verr 0 verw 0
; expect-output: past 00D0: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: past3 FFFB: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: ldt0 0004: lar zf 1 value 0040F200 lsl zf 1 value 00000FFF verr 1 verw 1
; expect-output: ldt1 000C: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: ldt2 0014: lar zf 0 value DEADBEEF lsl zf 0 value DEADBEEF verr 0 verw 0
; expect-output: cpl 3 arpl 0018, 0003: zf 1 value 0000001B
;
; LAR, LSL, VERR, VERW and ARPL in 32-bit protected mode (SDM Vol. 2 LAR, LSL, VERR, VERW,
; ARPL; Vol. 3 3.4.5 and Tables 3-1/3-2 descriptor types, 5.10 pointer validation). Every
; selector of the table goes through all four at CPL 0 (LDTR null, then 68h), a few with RPL
; != 0, and again at CPL 3; each instruction runs twice, with ZF preset 1 and 0 ('?' would
; mean ZF kept), and with EDX preset to DEADBEEFH. A null selector (0-3), a descriptor not
; wholly within the GDT or LDT limit (GDT limit CBh cuts the one at C8h) and an LDT selector
; while LDTR is null give ZF 0. Code and data descriptors are valid for LAR and LSL; of the
; system types LAR takes 1, 2, 3, 4, 5, 9, B and C (TSSs, LDT, call gates, task gate), LSL 1,
; 2, 3, 9 and B; types 0, 8, A, D and interrupt gates never pass. Anything but a conforming
; code segment needs DPL >= CPL and DPL >= RPL. P is not checked: a not-present segment
; passes all four. ZF 0 leaves the destination unchanged. LAR loads descriptor dword 2 AND
; 00FxFF00H (bits 19:16 undefined: printed masked off; Bochs returns the limit's bits 19:16
; there, Vanderpool zero), or AND FF00H into DX only (EDX[31:16] kept); of a call gate that
; is offset bits 23:16 without the parameter count. LSL loads the limit, G-scaled (2FFFh for
; a page-granular 16-bit TSS), truncated to DX for 16 bits. VERR wants data or readable code
; (a readable conforming segment at any CPL; execute-only code never, conforming or not),
; VERW writable data. Only the low 16 bits of a register or m16 source count. Only ZF changes
; (CF PF AF SF OF kept). ARPL: if the destination's RPL is below the source's, ZF 1 and it is
; raised (only the RPL bits, only the destination word), else ZF 0; a destination in a
; read-only segment is #GP(0) even when no write is needed (ARPL protected-mode exceptions).
; Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/prot_mode.inc"
%include "include/tss32.inc"

TSS_M  equ 0x12000                   ; the running task (busy)
TSS_A  equ 0x12100                   ; an available 32-bit TSS
TSS_16 equ 0x12200                   ; 16-bit TSSs
LDT_B  equ 0x12300                   ; the LDT: 0 data DPL 3, 1 16-bit code DPL 0
MARK   equ 0xDEADBEEF                ; destination preset

; zrun INSN: INSN with ZF preset 1, then again with ZF preset 0 (EDX = MARK before each);
; CL = '0' or '1', the ZF it leaves, or '?' when that depends on the preset
%macro zrun 1
    mov   edx, MARK
    cmp   eax, eax
    %1
    setz  cl
    mov   edx, MARK
    test  esp, esp
    %1
    setz  ch
    call  zmerge
%endmacro
; arpl_r LABEL, EAX, BX: ARPL AX, BX (both presets), show ZF and EAX
%macro arpl_r 3
    mov   ebx, %3
    mov   eax, %2
    cmp   eax, eax
    arpl  ax, bx
    setz  cl
    mov   eax, %2
    test  esp, esp
    arpl  ax, bx
    setz  ch
    mov   edx, eax
    call  zmerge
    mov   esi, %1
    call  show
%endmacro
; arpl_m LABEL, DWORD, BX: ARPL [m16], BX, show ZF and the dword there
%macro arpl_m 3
    mov   ebx, %3
    mov   dword [mem], %2
    cmp   eax, eax
    arpl  [mem], bx
    setz  cl
    mov   dword [mem], %2
    test  esp, esp
    arpl  [mem], bx
    setz  ch
    mov   edx, [mem]
    call  zmerge
    mov   esi, %1
    call  show
%endmacro
; one LABEL, SELECTOR, INSN[, mask_ar]: INSN (destination EDX/DX, source EAX/AX or [mem]
; holding SELECTOR), show ZF and EDX
%macro one 3-4
    mov   eax, %2
    mov   [mem], eax
    zrun  {%3}
%if %0 > 3
    call  %4
%endif
    mov   esi, %1
    call  show
%endmacro

; flags INSN: INSN with CF PF AF SF OF set and ZF clear; print " FLAGS" (EFLAGS AND 8D5H)
%macro flags 1
    push  0x895
    popf
    %1
    pushf
    pop   eax
    and   eax, 0x8D5
    call  pflags
%endmacro

main:
    call  install_idt32
    set_gate32 6, f_ud
    set_gate32 11, f_np
    set_gate32 12, f_ss
    set_gate32 13, f_gp
    set_gate32 14, f_pf
    set_gate32 0x40, back0
    mov   word [IDT32 + 0x40*8 + 4], 0xEE00   ; DPL 3: the way back from CPL 3
    lgdt  [gdtr_l]
    tss32_init TSS_M, 0, 0x7000
    mov   dword [TSS_M + 0x04], 0x7000        ; ESP0
    mov   dword [TSS_M + 0x08], 0x10          ; SS0
    tss32_init TSS_A, 0, 0x7000
    mov   dword [LDT_B], 0x00000FFF           ; LDT 0 (04): data DPL 3, byte limit FFFh
    mov   dword [LDT_B + 4], 0x0040F200
    mov   dword [LDT_B + 8], 0x0000FFFF       ; LDT 1 (0C): 16-bit code DPL 0, limit FFFFh
    mov   dword [LDT_B + 12], 0x00009A00
    mov   ax, 0x50
    ltr   ax                                  ; 50: now busy
    xor   eax, eax
    lldt  ax

    print s_h0
    mov   esi, tab
    call  table
    mov   esi, tab_ldt                        ; LDTR null
    call  table
    mov   ax, 0x68
    lldt  ax
    print s_h1
    mov   esi, tab_ldt
    call  table
    print s_h2
    mov   esi, tab_rpl
    call  table
    mov   word [gdtr_l], 0xCB                 ; GDT limit inside descriptor C8
    lgdt  [gdtr_l]
    print s_h4
    mov   esi, tab_cut
    call  table
    mov   word [gdtr_l], gdtr_l - gdt_l - 1
    lgdt  [gdtr_l]

    ; operand forms (CPL 0)
    one   s_f1, 0x0008, {lar dx, ax}          ; 16 bits: DX = AR AND FF00H, EDX[31:16] kept
    one   s_f2, 0x0088, {lar dx, ax}          ; invalid: DX unchanged
    one   s_f3, 0x0030, {lsl dx, ax}          ; FFFFh
    one   s_f4, 0x0040, {lsl dx, ax}          ; 12345h truncated: 2345h
    one   s_f5, 0x0070, {lsl dx, ax}          ; gate: unchanged
    one   s_f6, 0xFFFF0038, {lar edx, word [mem]}, mask_ar   ; m16 source: 16 bits
    one   s_f7, 0xFFFF0038, {lsl edx, word [mem]}
    one   s_f8, 0xFFFF0038, {verr word [mem]}
    one   s_f9, 0xFFFF0038, {verw word [mem]}
    one   s_f10, 0xFFFF0010, {verw word [mem]}
    one   s_f11, 0xFFFF0010, {lar edx, eax}, mask_ar   ; register: bits 31:16 ignored
    one   s_f12, 0x00070010, {lsl edx, eax}

    ; ARPL r/m16, r16: if RPL(dest) < RPL(src): ZF 1, RPL(dest) := RPL(src); else ZF 0
    arpl_r s_a1, 0x12340008, 0x0003           ; 0 < 3: ZF 1, AX 000Bh (EAX[31:16] kept)
    arpl_r s_a2, 0x1234000B, 0x0001           ; 3 > 1: ZF 0, unchanged
    arpl_r s_a3, 0x12340012, 0xFFF2           ; equal: ZF 0
    arpl_r s_a4, 0x12340011, 0x8FFE           ; 1 < 2: only the RPL bits of BX move
    arpl_m s_a5, 0x5A5A0020, 0x0003           ; memory: the word only
    arpl_m s_a6, 0x5A5A0023, 0x0002
    ; a destination in a read-only segment is #GP(0), even when no write is needed
    set_gate32 13, isr_gp                     ; prints "GP 0D 00000000 ok", resumes
    mov   eax, 0xB8
    mov   fs, eax
    mov   dword [mem], 0x0023
    mov   ebx, 0x0001
    print s_a8
    expect a8, a8r
a8: arpl  [fs:mem], bx
a8r:
    set_gate32 13, f_gp

    ; only ZF changes: CF PF AF SF OF (8D5H less ZF) set before each, EFLAGS AND 8D5H after
    print s_fl
    mov   eax, 0x08
    flags {lar edx, eax}                      ; ZF 1
    mov   eax, 0x88
    flags {lsl edx, eax}                      ; ZF 0
    mov   eax, 0x10
    flags {verr ax}                           ; ZF 1
    mov   eax, 0x08
    flags {verw ax}                           ; ZF 0
    mov   eax, 0x08
    mov   ebx, 3
    flags {arpl ax, bx}                       ; ZF 1
    mov   al, 10
    out   0xe9, al

    ; CPL 3 (IOPL 3 for the output port)
    print s_h3
    push  0x23
    push  0x6000
    push  0x3002
    push  0x1B
    push  user
    iret
user:
    mov   eax, 0x23
    mov   ds, eax
    mov   es, eax
    mov   esi, tab
    call  table
    mov   esi, tab_ldt
    call  table
    arpl_r s_a7, 0x00000018, 0x0003
    int   0x40
back0:                                        ; CPL 0 again
    mov   eax, 0x10
    mov   ds, eax
    mov   es, eax
    xor   eax, eax
    jmp   exit

; table: ESI -> entries (dd selector; 8 bytes of name), ended by dd -1; a line each
table:
    mov   eax, [esi]
    cmp   eax, -1
    je    .r
    push  esi
    lea   ebx, [esi + 4]
    call  check
    pop   esi
    add   esi, 12
    jmp   table
.r: ret

; check: EAX selector, EBX name: "NAME SSSS: lar zf X value V lsl zf X value V verr X verw X"
check:
    mov   [c_sel], eax
    mov   esi, ebx
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
    mov   [c_lar], edx
    call  mask_ar
    mov   [c_lar], edx
    mov   eax, [c_sel]
    zrun  {lsl edx, eax}
    mov   [c_lslzf], cl
    mov   [c_lsl], edx
    mov   eax, [c_sel]
    zrun  {verr ax}
    mov   [c_verr], cl
    zrun  {verw ax}
    mov   [c_verw], cl
    print s_lar
    mov   al, [c_larzf]
    out   0xe9, al
    print s_val
    mov   eax, [c_lar]
    mov   cl, 8
    call  print_hex
    print s_lsl
    mov   al, [c_lslzf]
    out   0xe9, al
    print s_val
    mov   eax, [c_lsl]
    mov   cl, 8
    call  print_hex
    print s_verr
    mov   al, [c_verr]
    out   0xe9, al
    print s_verw
    mov   al, [c_verw]
    out   0xe9, al
    mov   al, 10
    out   0xe9, al
    ret

; mask_ar: after a 32-bit LAR that set ZF (CL = '1'), clear EDX bits 19:16 (undefined)
mask_ar:
    cmp   cl, '1'
    jne   .r
    and   edx, 0xFFF0FFFF
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
    push  eax
    mov   al, ' '
    out   0xe9, al
    pop   eax
    mov   cl, 4
    jmp   print_hex

; show: ESI label, CL ZF char, EDX value: "LABEL zf X value V"
show:
    mov   [c_lsl], edx
    mov   [c_lslzf], cl
    call  print_str
    print s_zf
    mov   al, [c_lslzf]
    out   0xe9, al
    print s_val
    mov   eax, [c_lsl]
    mov   cl, 8
    call  print_hex
    mov   al, 10
    out   0xe9, al
    ret

; unexpected exceptions: "FAULT VV at EIP" (the word after an error code if any) and stop
f_ud: push 0
      push 6
      jmp  f_common
f_np: push 11
      jmp  f_common
f_ss: push 12
      jmp  f_common
f_gp: push 13
      jmp  f_common
f_pf: push 14
      jmp  f_common
f_common:
    mov   eax, 0x10
    mov   ds, eax
    print s_fault
    mov   eax, [esp]
    mov   cl, 2
    call  print_hex
    print s_at
    mov   eax, [esp + 8]
    mov   cl, 8
    call  print_hex
    mov   al, ' '
    out   0xe9, al
    mov   eax, [esp + 4]
    mov   cl, 8
    call  print_hex
    mov   al, 10
    out   0xe9, al
    xor   eax, eax
    jmp   exit

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
    ent 0x0018, "code3"
    ent 0x0020, "data3"
    ent 0x0028, "edn0"
    ent 0x0030, "ednro3"
    ent 0x0038, "conf0"
    ent 0x0040, "xo3"
    ent 0x0048, "tss32"
    ent 0x0050, "tss32b"
    ent 0x0058, "tss16"
    ent 0x0060, "tss16b"
    ent 0x0068, "ldt"
    ent 0x0070, "cg32"
    ent 0x0078, "cg16"
    ent 0x0080, "taskg"
    ent 0x0088, "rsv0"
    ent 0x0090, "rsv8"
    ent 0x0098, "rsvA"
    ent 0x00A0, "rsvD"
    ent 0x00A8, "intg"
    ent 0x00B0, "np3"
    ent 0x00B8, "ro0"
    ent 0x00C0, "data2"
    ent 0x00C8, "confxo"
    ent 0x00D0, "past"
    ent 0xFFFB, "past3"
    dd  -1
tab_ldt:
    ent 0x0004, "ldt0"
    ent 0x000C, "ldt1"
    ent 0x0014, "ldt2"
    dd  -1
tab_rpl:
    ent 0x000B, "code0"
    ent 0x0023, "data3"
    ent 0x002B, "edn0"
    ent 0x003B, "conf0"
    ent 0x004B, "tss32"
    ent 0x0073, "cg32"
    ent 0x0083, "taskg"
    ent 0x00C2, "data2"
    ent 0x00C3, "data2"
    ent 0x000F, "ldt1"
    dd  -1
tab_cut:
    ent 0x00C0, "data2"
    ent 0x00C8, "confxo"
    dd  -1

s_h0:  db "CPL 0, LDTR null", 10, 0
s_h1:  db "CPL 0, LDTR 0068", 10, 0
s_h2:  db "CPL 0, RPL != 0", 10, 0
s_h3:  db "CPL 3", 10, 0
s_h4:  db "CPL 0, GDT limit 00CB", 10, 0
s_lar: db " lar zf ", 0
s_lsl: db " lsl zf ", 0
s_val: db " value ", 0
s_verr: db " verr ", 0
s_verw: db " verw ", 0
s_zf:  db " zf ", 0
s_fault: db "FAULT ", 0
s_fl:  db "flags lar lsl verr verw arpl:", 0
s_at:  db " at ", 0
s_f1:  db "lar dx, 0008:", 0
s_f2:  db "lar dx, 0088:", 0
s_f3:  db "lsl dx, 0030:", 0
s_f4:  db "lsl dx, 0040:", 0
s_f5:  db "lsl dx, 0070:", 0
s_f6:  db "lar edx, m16 0038:", 0
s_f7:  db "lsl edx, m16 0038:", 0
s_f8:  db "verr m16 0038:", 0
s_f9:  db "verw m16 0038:", 0
s_f10: db "verw m16 0010:", 0
s_f11: db "lar edx, FFFF0010:", 0
s_f12: db "lsl edx, 00070010:", 0
s_a1:  db "arpl 0008, 0003:", 0
s_a2:  db "arpl 000B, 0001:", 0
s_a3:  db "arpl 0012, FFF2:", 0
s_a4:  db "arpl 0011, 8FFE:", 0
s_a5:  db "arpl m 0020, 0003:", 0
s_a6:  db "arpl m 0023, 0002:", 0
s_a7:  db "cpl 3 arpl 0018, 0003:", 0
s_a8:  db "arpl m read-only 0023, 0001: ", 0
    align 4
mem:     dd 0
c_sel:   dd 0
c_lar:   dd 0
c_lsl:   dd 0
c_larzf: db 0
c_lslzf: db 0
c_verr:  db 0
c_verw:  db 0
    align 8
gdt_l:
    dq 0                            ; 00
    dq 0x00cf9b000000ffff           ; 08 code DPL 0 (accessed: it is loaded)
    dq 0x00cf93000000ffff           ; 10 data DPL 0
    dq 0x00cffb000000ffff           ; 18 code DPL 3
    dq 0x00cff3000000ffff           ; 20 data DPL 3
    dq 0xAB5096CD00000fff           ; 28 data DPL 0 RW expand-down, limit FFFh, AVL
    dq 0x00C0F4000000000F           ; 30 data DPL 3 RO expand-down, page limit Fh (FFFFh)
    dq 0x00cf9e000000ffff           ; 38 conforming readable code DPL 0
    dq 0x0041f80000002345           ; 40 execute-only code DPL 3, byte limit 12345h
    dw 0x67, TSS_A & 0xFFFF         ; 48 available 32-bit TSS DPL 0
    db (TSS_A >> 16), 0x89, 0, 0
    dw 0x67, TSS_M & 0xFFFF         ; 50 32-bit TSS DPL 0, busy after LTR
    db (TSS_M >> 16), 0x89, 0, 0
    dw 0x2B, TSS_16 & 0xFFFF        ; 58 available 16-bit TSS DPL 3
    db (TSS_16 >> 16), 0xE1, 0, 0
    dw 0x0002, TSS_16 & 0xFFFF      ; 60 busy 16-bit TSS DPL 0, G, AVL: limit 2FFFh
    db (TSS_16 >> 16), 0x83, 0x90, 0
    dw 0x0F, LDT_B & 0xFFFF         ; 68 LDT DPL 0
    db (LDT_B >> 16), 0x82, 0, 0
    dw 0x1234, 0x0008               ; 70 32-bit call gate DPL 3 -> 08:00AB1234, 5 params
    db 5, 0xEC
    dw 0x00AB
    dw 0x5678, 0x0008               ; 78 16-bit call gate DPL 0, 2 params
    db 2, 0x84
    dw 0
    dw 0, 0x0048                    ; 80 task gate DPL 3 -> 48
    db 0, 0xE5
    dw 0
    dq 0x0000E00000001234           ; 88 type 0 DPL 3
    dq 0x0000E80000001234           ; 90 type 8 DPL 3
    dq 0x0000EA0000001234           ; 98 type A DPL 3
    dq 0x0000ED0000001234           ; A0 type D DPL 3
    dw 0x1234, 0x0008               ; A8 32-bit interrupt gate DPL 3
    db 0, 0xEE
    dw 0
    dq 0x00cf72000000ffff           ; B0 data DPL 3 RW, not present
    dq 0x00cf90000000ffff           ; B8 data DPL 0 read-only
    dq 0x0000D20000000000           ; C0 data DPL 2 RW, 16-bit, byte limit 0
    dq 0x00cf9c000000ffff           ; C8 conforming execute-only code DPL 0
gdtr_l:
    dw gdtr_l - gdt_l - 1
    dd gdt_l
%include "include/end.inc"
