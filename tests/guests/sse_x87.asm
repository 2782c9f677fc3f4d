; expect-exit: 1
; expect-output: UD 06 ok
; expect-output: NM 07 ok
; expect-output: GP 0D 0000000000000000 ok
; expect-output: movups unaligned: 0706050403020100
; expect-output: GP 0D 0000000000000000 ok
; expect-output: GP 0D 0000000000000000 ok
; expect-output: fxsave: mxcsr 00001FA0 mask 0000FFFF xmm5 ok
; expect-output: fxrstor: xmm5 ok mxcsr 00001FA0
; expect-output: fcw 037F 027F fsw 0000
; expect-output: NM 07 ok
; expect-output: UD 06 ok
;
; SSE and x87 availability and the FXSAVE image (SDM Vol. 3 13.1-13.4, Vol. 2 FXSAVE,
; LDMXCSR, MOVAPS): SSE with CR4.OSFXSR = 0 is #UD, with CR0.TS #NM, an unaligned MOVAPS or
; FXSAVE area #GP(0), a reserved MXCSR bit #GP(0); FXSAVE/FXRSTOR round-trip XMM and MXCSR;
; x87 control words after FNINIT and FLDCW; with CR0.EM x87 is #NM and SSE #UD.
; Expected lines from the SDM; Bochs 2.7 (scripts/bochs-oracle) prints exactly the same.
%include "include/long_mode.inc"
%include "include/exceptions.inc"

DATA equ 0x20000
FXA  equ 0x30000

%macro print 1
    lea   rsi, [rel %1]
    call  print_str
%endmacro

main:
    call  install_idt
    mov   rdi, DATA                  ; bytes 0, 1, 2 ... at DATA
    xor   eax, eax
.fill:
    mov   [rdi + rax], al
    inc   eax
    cmp   eax, 64
    jb    .fill

    expect t1, r1                    ; CR4.OSFXSR = 0: #UD
t1: pxor  xmm0, xmm0
r1: mov   rax, cr4
    or    eax, 1 << 9                ; OSFXSR
    mov   cr4, rax
    mov   rax, cr0
    or    eax, 1 << 3                ; TS
    mov   cr0, rax
    expect t2, r2                    ; CR0.TS: #NM
t2: movdqa xmm0, xmm1
r2: clts
    expect t3, r3                    ; MOVAPS from an address not 16-byte aligned: #GP(0)
t3: movaps xmm0, [DATA + 1]
r3: movups xmm1, [DATA + 1]          ; MOVUPS: fine
    print s_movups
    movq  rax, xmm1
    sub   rax, [rel one_bytes]       ; bytes 1..8 minus 01 01 .. 01 = 0..7
    mov   cl, 16
    call  print_hex
    print s_nl
    mov   dword [DATA + 0x30], 0x10000
    expect t4, r4                    ; LDMXCSR with reserved bit 16: #GP(0)
t4: ldmxcsr [DATA + 0x30]
r4: expect t5, r5                    ; FXSAVE area not 16-byte aligned: #GP(0)
t5: fxsave [FXA + 8]
r5: mov   dword [DATA + 0x30], 0x1FA0 ; all masks, round to -inf
    ldmxcsr [DATA + 0x30]
    movdqu xmm5, [DATA]
    fxsave [FXA]
    print s_fx1
    mov   eax, [FXA + 24]
    mov   cl, 8
    call  print_hex
    print s_mask
    mov   eax, [FXA + 28]
    mov   cl, 8
    call  print_hex
    print s_xmm5
    mov   rax, [FXA + 160 + 5*16]
    cmp   rax, [DATA]
    jne   .bad1
    mov   rax, [FXA + 160 + 5*16 + 8]
    cmp   rax, [DATA + 8]
    jne   .bad1
    print s_okl
    jmp   .fx2
.bad1:
    print s_badl
.fx2:
    pxor  xmm5, xmm5
    mov   dword [DATA + 0x30], 0x1F80
    ldmxcsr [DATA + 0x30]
    fxrstor [FXA]
    print s_fx2
    movdqu [DATA + 0x20], xmm5
    mov   rax, [DATA + 0x20]
    cmp   rax, [DATA]
    lea   rsi, [rel s_okm]
    je    .p
    lea   rsi, [rel s_badm]
.p: call  print_str
    stmxcsr [DATA + 0x30]
    mov   eax, [DATA + 0x30]
    mov   cl, 8
    call  print_hex
    print s_nl

    fninit
    fnstcw [DATA + 0x30]
    print s_fcw
    movzx eax, word [DATA + 0x30]
    mov   cl, 4
    call  print_hex
    mov   al, ' '
    out   0xe9, al
    mov   word [DATA + 0x30], 0x027F
    fldcw [DATA + 0x30]
    fnstcw [DATA + 0x32]
    movzx eax, word [DATA + 0x32]
    mov   cl, 4
    call  print_hex
    print s_fsw
    fnstsw ax
    movzx eax, ax
    mov   cl, 4
    call  print_hex
    print s_nl

    mov   rax, cr0
    or    eax, 1 << 2                ; EM
    mov   cr0, rax
    expect t6, r6                    ; x87 with CR0.EM: #NM
t6: fninit
r6: expect t7, r7                    ; SSE with CR0.EM: #UD
t7: pxor  xmm0, xmm0
r7: xor   eax, eax
    jmp   exit

    align 8
one_bytes: dq 0x0101010101010101
s_movups: db "movups unaligned: ", 0
s_fx1:    db "fxsave: mxcsr ", 0
s_mask:   db " mask ", 0
s_xmm5:   db " xmm5 ", 0
s_okl:    db "ok", 10, 0
s_badl:   db "bad", 10, 0
s_fx2:    db "fxrstor: xmm5 ", 0
s_okm:    db "ok mxcsr ", 0
s_badm:   db "bad mxcsr ", 0
s_fcw:    db "fcw ", 0
s_fsw:    db " fsw ", 0
s_nl:     db 10, 0
%include "include/end.inc"
