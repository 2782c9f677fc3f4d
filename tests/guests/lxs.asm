; expect-exit: 1
; expect-output: lds: ds 00000018
; expect-output:     ebp 12345678
; expect-output: lfs (16-bit): ebp 11115678
; expect-output:     fs 00000018
; expect-output: lss: esp 00006000
; expect-output: lgs, not present: NP 0B 00000020 ok
; expect-output:     ebp unchanged 22222222
; expect-output: lss, not present: SS 0C 00000020 ok
; expect-output:     ebp unchanged 22222222
;
; LDS, LES, LFS, LGS, LSS (SDM Vol. 2 "LDS/LES/LFS/LGS/LSS—Load Far Pointer"): the offset of
; the far pointer goes to the register and the selector to the segment register, with the
; checks of a segment load; a not-present segment is #NP (#SS for LSS) and leaves the register
; unchanged. 32-bit protected mode, 32- and 16-bit operand sizes. Bochs 2.7
; (scripts/bochs-oracle) prints the same.
%include "include/prot_mode.inc"

%macro show 2                           ; "text VVVVVVVV" (32-bit value)
    print %%s
    mov   eax, %2
    mov   cl, 8
    call  print_hex
    print s_nl
    jmp   %%e
%%s: db %1, " ", 0
%%e:
%endmacro

main:
    call  install_idt32
    set_gate32 11, isr_np
    set_gate32 12, isr_ss
    lgdt  [gdtr5]
    mov   dword [names + 11 * 4], n_np  ; names for vectors 11, 12 in isr_common
    mov   dword [names + 12 * 4], n_ss
    mov   ebp, 0x11111111
    lds   ebp, [fp32]                   ; DS = 18h (base 10000H), EBP = 12345678H
    mov   di, ds
    mov   ax, 0x10                      ; DS back (the strings are DS-relative)
    mov   ds, ax
    movzx edi, di
    show  "lds: ds", edi
    show  "    ebp", ebp
    mov   ebp, 0x11111111
    lfs   bp, [fp16]                    ; 16-bit operand: BP = 5678H, FS = 18H
    show  "lfs (16-bit): ebp", ebp
    mov   di, fs
    movzx edi, di
    show  "    fs", edi
    mov   ecx, esp
    lss   esp, [fp_stack]               ; SS = 10H, ESP = 6000H
    mov   edx, esp
    mov   esp, ecx
    show  "lss: esp", edx
    mov   ebp, 0x22222222
    print s_np
    expect np1, np1r
np1: lgs  ebp, [fp_notpresent]          ; GS selector 20H not present: #NP(20H)
np1r:
    show  "    ebp unchanged", ebp
    print s_ss
    expect ss1, ss1r
ss1: lss  ebp, [fp_notpresent]          ; #SS(20H)
ss1r:
    show  "    ebp unchanged", ebp
    xor   eax, eax
    jmp   exit

isr_np: push 11
        jmp  isr_common
isr_ss: push 12
        jmp  isr_common

n_np: db "NP ", 0
n_ss: db "SS ", 0
s_np: db "lgs, not present: ", 0
s_ss: db "lss, not present: ", 0
s_nl: db 10, 0
    align 8
fp32:          dd 0x12345678
               dw 0x18
fp16:          dw 0x5678, 0x18
fp_stack:      dd 0x6000
               dw 0x10
fp_notpresent: dd 0x33333333
               dw 0x20
    align 8
gdt5:
    dq 0
    dq 0x00cf9a000000ffff               ; 08 code
    dq 0x00cf92000000ffff               ; 10 data
    dq 0x00cf92010000ffff               ; 18 data, base 10000H
    dq 0x00cf12000000ffff               ; 20 data, not present
gdtr5:
    dw gdtr5 - gdt5 - 1
    dd gdt5
%include "include/end.inc"
