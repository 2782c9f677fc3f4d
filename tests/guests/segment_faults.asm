; expect-exit: 1
; expect-output: NP 0B 00000030 ok
; expect-output: NP 0B 00000058 ok
; expect-output: GP 0D 00000090 ok
; expect-output: GP 0D 0000000C ok
; expect-output: mov ds, 0: no fault, ds 0000
; expect-output: GP 0D 00000000 ok
; expect-output: SS 0C 00000030 ok
; expect-output: GP 0D 00000028 ok
; expect-output: GP 0D 00000028 ok
; expect-output: NP 0B 00000030 ok
; expect-output: SS 0C 00000000 ok
; expect-output: NP 0B 00000038 ok
; expect-output: NP 0B 00000038 ok
; expect-output: NP 0B 00000070 ok
; expect-output: NP 0B 00000070 ok
; expect-output: NP 0B 00000038 ok
; expect-output: NP 0B 00000038 ok
; expect-output: SS 0C 00000058 ok
; expect-output: SS 0C 00000030 ok
; expect-output: SS 0C 00000030 ok
; expect-output: NP 0B 00000060 ok
; expect-output: NP 0B 00000068 ok
; expect-output: NP 0B 00000202 ok
; expect-output: NP 0B 00000033 ok
; expect-output: NP 0B 00000038 ok
; expect-output: NP 0B 00000039 ok
; expect-output: TS 0A 00000078 ok
; expect-output: TS 0A 00000068 ok
; expect-output: #TS task: TR 0088 link 0080
;
; Segment-related faults in 32-bit protected mode with their error codes (SDM Vol. 3 6.13
; "Error Code", 6.15 Interrupts 10, 11, 12; Vol. 2 MOV, POP, CALL, JMP, RET, IRET, LTR, LLDT,
; INT n). A selector error code is the selector with its RPL bits replaced by EXT (bit 0) and
; IDT (bit 1): a not-present data segment in DS/ES (MOV, POP) is #NP(sel), in SS #SS(sel); a
; selector past the GDT limit or into a null LDTR is #GP(sel); a null selector is fine in DS
; but #GP(0) in SS, as is SS with RPL or DPL != CPL (#GP(sel)); a push beyond an expand-up SS
; limit is #SS(0); far JMP/CALL to a not-present code segment, directly or through a call
; gate, is #NP(code sel); IRET/RETF to a not-present CS is #NP(cs); RETF to an outer level
; with a not-present SS is #SS(ss); a CALL through a gate or an INT n from CPL 3 whose new
; stack segment (the TSS's SS0) is not present is #SS(SS0), not #TS (CALL: "IF IA32_EFER.LMA
; = 0 and new stack segment not present THEN #SS(NewSS)"; taken by a handler task); LTR and
; LLDT of a not-present descriptor are #NP(sel); INT n through a not-present gate is
; #NP(vector*8+2) (IDT bit set, EXT clear), a #UD whose gate is not present #NP(6*8+2+1) (EXT
; set); a gate whose code segment is not present is #NP(cs) for INT n, #NP(cs | EXT) for #UD;
; a task switch to a TSS with a limit below 67H is #TS(tss sel) before the commit point, and
; one whose LDT descriptor is not present #TS(ldt sel) in the new task (Interrupt 11: "a
; not-present LDT while loading the LDTR during a task switch operation causes #TS"; taken
; through a task gate). Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/prot_mode.inc"
%include "include/tss32.inc"

TSS_M equ 0x12000                    ; the running task
TSS_S equ 0x12100                    ; limit 60H: too short
TSS_N equ 0x12200                    ; LDT field -> a not-present LDT descriptor
TSS_H equ 0x12300                    ; the #TS handler task
TSS_SH equ 0x12400                   ; an #SS handler task
TSS_TH equ 0x12500                   ; a #TS handler task (for the same section)

%macro tss_init 3                     ; base, EIP, ESP; and ESP0 7000H, SS0 10H
    tss32_init %1, %2, %3
    mov   dword [%1 + 0x04], 0x7000     ; ESP0
    mov   dword [%1 + 0x08], 0x10       ; SS0
%endmacro

main:
    call  install_idt32
    set_gate32 6, sf_ud
    mov   word [IDT32 + 6*8 + 4], 0x0E00      ; #UD gate not present
    set_gate32 10, sf_ts
    set_gate32 11, sf_np
    set_gate32 12, sf_ss
    set_gate32 13, sf_gp
    set_gate32 0x40, sf_ud
    mov   word [IDT32 + 0x40*8 + 4], 0x0E00   ; INT 40h gate not present
    lgdt  [gdtr_sf]
    tss_init TSS_M, 0, 0x7000
    tss_init TSS_S, 0, 0x7000
    tss_init TSS_N, task_n, 0x6000
    mov   word [TSS_N + 0x60], 0x68       ; LDT: not present
    tss_init TSS_H, ts_task, 0x5000
    tss_init TSS_SH, ss_task, 0x4000
    tss_init TSS_TH, ts2_task, 0x3000
    mov   ax, 0x40
    ltr   ax

    ; --- MOV Sreg ---
    expect f1, f1r
    mov   eax, 0x30
f1: mov   ds, eax                       ; not-present data: #NP(30h)
f1r:
    expect f2, f2r
    mov   eax, 0x5B
f2: mov   es, eax                       ; not-present DPL-3 data, RPL 3: #NP(58h)
f2r:
    expect f3, f3r
    mov   eax, 0x93
f3: mov   fs, eax                       ; past the GDT limit: #GP(90h)
f3r:
    xor   eax, eax
    lldt  ax                            ; LDTR null (its reset value has limit FFFFh)
    expect f4, f4r
    mov   eax, 0x0C
f4: mov   gs, eax                       ; LDT selector, LDTR null: #GP(0Ch)
f4r:
    xor   eax, eax
    mov   ds, eax                       ; null DS: no fault
    mov   bx, ds
    mov   eax, 0x10
    mov   ds, eax
    print s_nullds
    movzx eax, bx
    mov   cl, 4
    call  print_hex
    print s_nl
    expect f5, f5r
    xor   eax, eax
f5: mov   ss, eax                       ; null SS: #GP(0)
f5r:
    expect f6, f6r
    mov   eax, 0x30
f6: mov   ss, eax                       ; not-present writable data: #SS(30h)
f6r:
    expect f7, f7r
    mov   eax, 0x2B
f7: mov   ss, eax                       ; RPL 3 != CPL 0: #GP(28h)
f7r:
    expect f8, f8r
    mov   eax, 0x28
f8: mov   ss, eax                       ; DPL 3 != CPL 0: #GP(28h)
f8r:
    expect f9, f9r
    mov   eax, 0x30
    push  eax
f9: pop   ds                            ; POP DS, not present: #NP(30h)
f9r:

    ; --- stack limit: at CPL 3 (the #SS handler then runs on the TSS's ring-0 stack) ---
    expect u1, u1r
    push  0x2B
    push  0x6000
    push  0x2
    push  0x23
    push  user1
    iret
user1:
    mov   eax, 0x53                     ; DPL 3 data, base B000h, byte limit FFFh
    mov   ss, eax
    mov   esp, 0x2000
u1: push  eax                           ; beyond the SS limit: #SS(0)
u1r:

    ; --- far JMP/CALL, IRET, RETF ---
    expect c1, c1r
c1: jmp   0x38:0                        ; not-present code: #NP(38h)
c1r:
    expect c2, c2r
c2: call  0x38:0                        ; #NP(38h)
c2r:
    expect c3, c3r
c3: call  0x48:0                        ; call gate -> not-present 70h: #NP(70h)
c3r:
    expect c4, c4r
c4: jmp   0x48:0                        ; #NP(70h)
c4r:
    expect c5, c5r
    push  0x2
    push  0x38
    push  0
c5: iret                                ; to a not-present CS: #NP(38h)
c5r:
    expect c6, c6r
    push  0x38
    push  0
c6: retf                                ; #NP(38h)
c6r:
    expect c7, c7r
    push  0x5B                          ; SS: DPL-3 data, not present
    push  0x6000
    push  0x23
    push  0
c7: retf                                ; to CPL 3 with a not-present SS: #SS(58h)
c7r:

    ; --- a stack switch whose new SS (the TSS's SS0) is not present: #SS(SS0), not #TS; the
    ; #SS handler is a task (its stack switch would fault again), which fixes SS0 and IRETs
    ; back to the faulting instruction at CPL 3 ---
    mov   dword [IDT32 + 12*8], 0x00900000
    mov   dword [IDT32 + 12*8 + 4], 0x00008500
    mov   dword [IDT32 + 10*8], 0x00A00000    ; (a #TS here would not be delivered either)
    mov   dword [IDT32 + 10*8 + 4], 0x00008500
    set_gate32 0x44, back1
    mov   word [IDT32 + 0x44*8 + 4], 0xEE00   ; DPL 3
    mov   dword [TSS_M + 8], 0x30             ; SS0: not present
    expect g1, 0
    push  0x2B
    push  0x6000
    push  0x2
    push  0x23
    push  g1
    iret
g1: call  0x9B:0                        ; call gate DPL 3 -> CPL 0: #SS(30h)
back0:                                  ; CPL 0 through the gate once SS0 was fixed
    mov   eax, 0x10
    mov   ds, eax
    mov   es, eax
    mov   esp, 0x7000
    mov   dword [TSS_M + 8], 0x30
    expect g2, 0
    push  0x2B
    push  0x6000
    push  0x2
    push  0x23
    push  g2
    iret
g2: int   0x44                          ; INT n from CPL 3: #SS(30h), EXT 0
back1:
    mov   eax, 0x10
    mov   ds, eax
    mov   es, eax
    mov   esp, 0x7000
    set_gate32 12, sf_ss
    set_gate32 10, sf_ts

    ; --- LTR, LLDT ---
    expect l1, l1r
    mov   ax, 0x60
l1: ltr   ax                            ; not-present TSS: #NP(60h)
l1r:
    expect l2, l2r
    mov   ax, 0x68
l2: lldt  ax                            ; not-present LDT: #NP(68h)
l2r:

    ; --- interrupt gates ---
    expect i1, i1r
i1: int   0x40                          ; not-present gate: #NP(202h), EXT 0
i1r:
    expect i2, i2r
i2: ud2                                 ; #UD, its gate not present: #NP(33h), EXT 1
i2r:
    set_gate32 0x42, sf_ud
    mov   word [IDT32 + 0x42*8 + 2], 0x38     ; gate -> not-present code segment
    expect i3, i3r
i3: int   0x42                          ; #NP(38h), EXT 0
i3r:
    mov   word [IDT32 + 6*8 + 2], 0x38        ; #UD gate present, its CS not present
    mov   word [IDT32 + 6*8 + 4], 0x8E00
    expect i4, i4r
i4: ud2                                 ; #NP(38h | EXT) = #NP(39h)
i4r:

    ; --- task switches ---
    expect t1, t1r
t1: jmp   0x78:0                        ; TSS limit 60h < 67h: #TS(78h)
t1r:
    ; #TS through a task gate to TSS_H for the fault after the commit point
    mov   dword [IDT32 + 10*8], 0x00880000
    mov   dword [IDT32 + 10*8 + 4], 0x00008500
    expect t2, t2r                      ; (the #TS task exits; anything else stops here)
t2: jmp   0x80:0                        ; new task's LDT not present: #TS(68h)
t2r:
    print s_nots
    xor   eax, eax
    jmp   exit

task_n:
    print s_taskn                       ; not reached
    xor   eax, eax
    jmp   exit

ts_task:                                ; the #TS task: the error code on its stack
    pop   dword [sf_val]
    print sfn_ts
    mov   eax, 10
    mov   cl, 2
    call  print_hex
    mov   al, ' '
    out   0xe9, al
    mov   eax, [sf_val]
    mov   cl, 8
    call  print_hex
    cmp   dword [TSS_N + 0x20], task_n  ; the new task's first instruction
    mov   esi, sf_ok
    je    .p
    mov   esi, sf_bad
.p: call  print_str
    print s_nl
    print s_tstask
    str   ax
    movzx eax, ax
    mov   cl, 4
    call  print_hex
    print s_link
    movzx eax, word [TSS_H]
    mov   cl, 4
    call  print_hex
    print s_nl
    xor   eax, eax
    jmp   exit

ss_task:                                ; the #SS task (and a #TS one): print, fix SS0, IRET
    pop   dword [sf_val]
    mov   dword [sf_vec], 12
    call  stack_task
    iret
    jmp   ss_task
ts2_task:
    pop   dword [sf_val]
    mov   dword [sf_vec], 10
    call  stack_task
    iret
    jmp   ts2_task
stack_task:
    mov   eax, [sf_vec]
    mov   esi, [sf_names + eax*4]
    call  print_str
    mov   eax, [sf_vec]
    mov   cl, 2
    call  print_hex
    mov   al, ' '
    out   0xe9, al
    mov   eax, [sf_val]
    mov   cl, 8
    call  print_hex
    mov   eax, [TSS_M + 0x20]           ; the faulting EIP, saved in the old task's TSS
    cmp   eax, [exp_eip]
    mov   esi, sf_ok
    je    .p
    mov   esi, sf_bad
.p: call  print_str
    print s_nl
    mov   dword [TSS_M + 8], 0x10
    ret

; handlers: vector and error code, print like prot_mode.inc's, resume at CPL 0
sf_ud:  push 0
        push 6
        jmp  sf_common
sf_ts:  push 10
        jmp  sf_common
sf_np:  push 11
        jmp  sf_common
sf_ss:  push 12
        jmp  sf_common
sf_gp:  push 13
        jmp  sf_common
; [esp] vector, [esp+4] error code, [esp+8] EIP
sf_common:
    mov   eax, 0x10
    mov   ds, eax
    mov   es, eax
    mov   eax, [esp]
    mov   esi, [sf_names + eax*4]
    call  print_str
    mov   eax, [esp]
    mov   cl, 2
    call  print_hex
    cmp   dword [esp], 8
    jb    .eip
    mov   al, ' '
    out   0xe9, al
    mov   eax, [esp + 4]
    mov   cl, 8
    call  print_hex
.eip:
    mov   eax, [esp + 8]
    cmp   eax, [exp_eip]
    mov   esi, sf_ok
    je    .p
    mov   esi, sf_bad
.p: call  print_str
    print s_nl
    mov   esp, 0x7000
    mov   eax, [resume]
    mov   dword [resume], sf_stop       ; a second fault before the next `expect` stops
    jmp   eax
sf_stop:
    xor   eax, eax
    jmp   exit

sf_names: dd 0, 0, 0, 0, 0, 0, sfn_ud, 0, 0, 0, sfn_ts, sfn_np, sfn_ss, sfn_gp
sfn_ud:  db "UD ", 0
sfn_ts:  db "TS ", 0
sfn_np:  db "NP ", 0
sfn_ss:  db "SS ", 0
sfn_gp:  db "GP ", 0
sf_ok:   db " ok", 0
sf_bad:  db " bad", 0
s_nullds: db "mov ds, 0: no fault, ds ", 0
s_nots:  db "task switch with a bad LDT: no #TS through the task gate", 10, 0
s_taskn: db "new task ran despite its bad LDT", 10, 0
s_tstask: db "#TS task: TR ", 0
s_link:  db " link ", 0
s_nl:    db 10, 0
    align 4
sf_val:  dd 0
sf_vec:  dd 0
    align 8
; 08/10 code/data DPL 0, 20/28 code/data DPL 3, 30 data DPL 0 not present, 38 code DPL 0
; not present, 40 TSS (running), 48 call gate DPL 0 -> 70:0, 50 data DPL 3 base B000h limit
; FFFh, 58 data DPL 3 not present, 60 TSS not present, 68 LDT not present, 70 code DPL 0 not
; present, 78 TSS limit 60h, 80 TSS with LDT 68h, 88 TSS of the #TS task, 90 TSS of the #SS
; task, 98 call gate DPL 3 -> 08:back0, A0 TSS of a #TS task
gdt_sf:
    dq 0
    dq 0x00cf9a000000ffff
    dq 0x00cf92000000ffff
    dq 0
    dq 0x00cffa000000ffff
    dq 0x00cff2000000ffff
    dq 0x00cf12000000ffff
    dq 0x00cf1a000000ffff
    dw 0x67, TSS_M & 0xFFFF
    db (TSS_M >> 16), 0x89, 0, 0
    dw 0, 0x70
    db 0, 0x8C
    dw 0
    dq 0x0040f200b0000fff
    dq 0x00cf72000000ffff
    dw 0x67, TSS_S & 0xFFFF
    db (TSS_S >> 16), 0x09, 0, 0
    dw 0x0f, 0x4000
    db 0, 0x02, 0, 0
    dq 0x00cf1a000000ffff
    dw 0x60, TSS_S & 0xFFFF
    db (TSS_S >> 16), 0x89, 0, 0
    dw 0x67, TSS_N & 0xFFFF
    db (TSS_N >> 16), 0x89, 0, 0
    dw 0x67, TSS_H & 0xFFFF
    db (TSS_H >> 16), 0x89, 0, 0
    dw 0x67, TSS_SH & 0xFFFF
    db (TSS_SH >> 16), 0x89, 0, 0
    dw back0 - $$ + 0x7c00, 0x08
    db 0, 0xEC
    dw 0
    dw 0x67, TSS_TH & 0xFFFF
    db (TSS_TH >> 16), 0x89, 0, 0
gdtr_sf:
    dw gdtr_sf - gdt_sf - 1
    dd gdt_sf
%include "include/end.inc"
