; expect-exit: 1
; expect-output: expand-down SS B=1: push and reads above the limit fine, esp 00001000
; expect-output: SS 0C 00000000 ok
; expect-output: SS 0C 00000000 ok
; expect-output: SS 0C 00000000 ok
; expect-output: SS 0C 00000000 ok
; expect-output: expand-down SS B=0: push at SP 1000h and read at FFFCh fine, esp 12341000
; expect-output: SS 0C 00000000 ok
; expect-output: SS 0C 00000000 ok
; expect-output: SS 0C 00000000 ok
; expect-output: GP 0D 00000000 ok
; expect-output: GP 0D 00000000 ok
; expect-output: expand-down DS: write above the limit fine: 11223344
; expect-output: int 44h from CPL 3: ss 0040 esp 00000000
; expect-output: SS 0C 00000040 ok
; expect-output: SS 0C 00000041 ok
; expect-output: SS 0C 00000040 ok
; expect-output: SS 0C 00000041 ok
; expect-output: DF 08 00000000
; expect-output: int 44h from CPL 3: ss 0030 esp 00001000
; expect-output: SS 0C 00000030 ok
; expect-output: call gate from CPL 3: ss 0040 esp 00000000 params 11111111 22222222
; expect-output: SS 0C 00000040 ok
; expect-output: SS 0C 00000000 ok
; expect-output: SS 0C 00000001 ok
;
; Stack faults in 32-bit protected mode with their error codes (SDM Vol. 3 3.4.5 B flag, 5.3
; expand-down limits, 6.13 "Error Code", 6.15 Interrupt 12 and Interrupt 13; Vol. 2 PUSH,
; INT n/INT3/INT1, CALL). (a) With an expand-down stack segment (type 6) the valid
; offsets are limit+1 to FFFFFFFFh when B = 1: a PUSH or an access through EBP that touches
; an offset <= the limit, or runs past FFFFFFFFh, is #SS(0). (b) With B = 0 the upper bound
; is FFFFh and PUSH uses SP (ESP[31:16] kept): an offset above FFFFh is #SS(0). (c) The same
; violation through DS is #GP(0). (d-g) Interrupt 12: "If the exception is caused by a
; not-present stack segment or by overflow of the new stack during an inter-privilege-level
; call, the error code contains a segment selector for the segment that caused the
; exception", and INT n's pseudocode checks room first: "IF new stack does not have room for
; 24 bytes (error code pushed) or 20 bytes (no error code pushed) THEN
; #SS(error_code(NewSS,0,EXT))" -- INT 44h from CPL 3 with SS0:ESP0 = 40h:10h is #SS(40h)
; (ESP0 14h fits exactly); EXT (6.13: set unless the event is INT n, INT3 or INTO) makes a
; #UD and an INT1 (ICEBP) #SS(41h) but INT3 #SS(40h); a #GP whose delivery overflows the new
; stack is #GP then #SS, two contributory exceptions: #DF(0) (Table 6-5); an expand-down SS0
; (30h, limit FFFh) with ESP0 1010h is #SS(30h) (1014h fits, the handler sees ESP 1000h);
; CALL through a call gate copying 2 parameters needs 16 + 8 bytes ("IF new stack does not
; have room for parameters plus 16 bytes THEN #SS(NewSS)"), so ESP0 14h is #SS(40h) and 18h
; fits. (h) Without a privilege change the pseudocode's check is "#SS(EXT)": INT 44h onto
; a too-small current stack is #SS(0), a #UD #SS(1). Faults from the small stacks go to an
; #SS (and #DF) handler task, which repairs SS0:ESP0 and resumes the old task at CPL 0.
; Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/prot_mode.inc"
%include "include/tss32.inc"

TSS_M equ 0x12000                    ; the running task
TSS_SH equ 0x12100                   ; the #SS handler task
TSS_DH equ 0x12200                   ; the #DF handler task
STK equ 0x20000                      ; base of the small stack segments 30h, 38h, 40h

%macro to_user 1                      ; IRET to CPL 3 at %1 (SS 2Bh, ESP 6000h, IOPL 0)
    push  0x2B
    push  0x6000
    push  0x2
    push  0x23
    push  %1
    iret
%endmacro
%macro ring0_stack 2                  ; the TSS's SS0:ESP0
    mov   dword [TSS_M + 8], %1
    mov   dword [TSS_M + 4], %2
%endmacro
%macro flat 0                         ; back to the flat CPL-0 data and stack segments
    mov   eax, 0x10
    mov   ds, eax
    mov   es, eax
    mov   ss, eax
    mov   esp, 0x7000
%endmacro

main:
    call  install_idt32
    set_gate32 1, sf_db
    set_gate32 3, sf_bp
    mov   word [IDT32 + 3*8 + 4], 0xEE00      ; INT3 allowed at CPL 3
    set_gate32 6, sf_ud
    set_gate32 10, sf_ts
    set_gate32 11, sf_np
    set_gate32 13, sf_gp
    mov   dword [IDT32 + 8*8], 0x00500000     ; #DF: task gate -> 50h
    mov   dword [IDT32 + 8*8 + 4], 0x00008500
    mov   dword [IDT32 + 12*8], 0x00480000    ; #SS: task gate -> 48h
    mov   dword [IDT32 + 12*8 + 4], 0x00008500
    set_gate32 0x44, int44
    mov   word [IDT32 + 0x44*8 + 4], 0xEE00   ; DPL 3
    lgdt  [gdtr_sf]
    tss32_init TSS_M, 0, 0x7000
    ring0_stack 0x10, 0x7000
    tss32_init TSS_SH, ss_task, 0x4000
    tss32_init TSS_DH, df_task, 0x3000
    mov   ax, 0x18
    ltr   ax

    ; --- a. expand-down SS, B = 1, limit FFFh: offsets 1000h..FFFFFFFFh ---
    expect 0, sf_stop
    mov   eax, 0x30
    mov   ss, eax
    mov   esp, 0x1004
    push  eax                           ; bytes 1000h..1003h: fine
    mov   ebx, esp
    mov   ebp, 0x1000
    mov   eax, [ebp]
    mov   ebp, 0xFFFFFFFC
    mov   eax, [ebp]                    ; the last dword below the 4 GiB upper bound
    flat
    print s_a1
    mov   eax, ebx
    mov   cl, 8
    call  print_hex
    print s_nl
    expect a2, a2r
    mov   eax, 0x30
    mov   ss, eax
    mov   esp, 0x1000
a2: push  eax                           ; bytes FFCh..FFFh <= limit: #SS(0)
a2r:
    expect a3, a3r
    mov   eax, 0x30
    mov   ss, eax
    mov   ebp, 0xFFD
a3: mov   eax, [ebp]                    ; dword FFDh..1000h: #SS(0)
a3r:
    expect a4, a4r
    mov   eax, 0x30
    mov   ss, eax
    xor   ebp, ebp
a4: mov   [ebp], eax                    ; offset 0: #SS(0)
a4r:
    expect a5, a5r
    mov   eax, 0x30
    mov   ss, eax
    mov   ebp, 0xFFFFFFFE
a5: mov   eax, [ebp]                    ; past the upper bound FFFFFFFFh: #SS(0)
a5r:

    ; --- b. expand-down SS, B = 0: offsets 1000h..FFFFh, and the stack pointer is SP ---
    expect 0, sf_stop
    mov   eax, 0x38
    mov   ss, eax
    mov   esp, 0x12341004
    push  eax                           ; at SP 1000h; ESP[31:16] unchanged
    mov   ebx, esp
    mov   ebp, 0xFFFC
    mov   eax, [ebp]
    flat
    print s_b1
    mov   eax, ebx
    mov   cl, 8
    call  print_hex
    print s_nl
    expect b2, b2r
    mov   eax, 0x38
    mov   ss, eax
    mov   ebp, 0x10000
b2: mov   eax, [ebp]                    ; above the upper bound FFFFh: #SS(0)
b2r:
    expect b3, b3r
    mov   eax, 0x38
    mov   ss, eax
    mov   ebp, 0xFFFE
b3: mov   eax, [ebp]                    ; dword FFFEh..10001h: #SS(0)
b3r:
    expect b4, b4r
    mov   eax, 0x38
    mov   ss, eax
    mov   esp, 0x00011000               ; SP 1000h
b4: push  eax                           ; SP - 4 = FFCh <= limit: #SS(0)
b4r:

    ; --- c. expand-down data segment in DS: #GP(0), not #SS ---
    expect c1, c1r
    mov   eax, 0x30
    mov   ds, eax
c1: mov   eax, [0x800]                  ; offset <= limit: #GP(0)
c1r:
    expect c2, c2r
    mov   eax, 0x30
    mov   ds, eax
c2: mov   eax, [0xFFE]                  ; dword FFEh..1001h: #GP(0)
c2r:
    mov   eax, 0x30
    mov   ds, eax
    mov   dword [0x1000], 0x11223344    ; above the limit: fine (linear 21000h)
    flat
    print s_c3
    mov   eax, [STK + 0x1000]
    mov   cl, 8
    call  print_hex
    print s_nl

    ; --- d. INT n from CPL 3, ring-0 stack 40h (expand-up, byte limit FFFFh) too small ---
    ring0_stack 0x40, 0x14              ; room for the 20-byte frame exactly
    expect 0, d1r
    to_user d1
d1: int   0x44                          ; handler runs with ESP 0
d1r:
    flat
    ring0_stack 0x40, 0x10              ; 16 bytes: no room for 20
    expect d2, d2r
    to_user d2
d2: int   0x44                          ; #SS(40h), EXT 0
d2r:

    ; --- e. exceptions and INT3/INT1 from CPL 3 with the same too-small ring-0 stack ---
    ring0_stack 0x40, 0x10
    expect e1, e1r
    to_user e1
e1: ud2                                 ; #UD -> #SS(40h | EXT) = #SS(41h)
e1r:
    ring0_stack 0x40, 0x10
    expect e2, e2r
    to_user e2
e2: int3                                ; a software interrupt: #SS(40h), EXT 0
e2r:
    ring0_stack 0x40, 0x10
    expect e3, e3r
    to_user e3
e3: db    0xF1                          ; INT1 (ICEBP): EXT 1, #SS(41h)
e3r:
    ring0_stack 0x40, 0x10
    expect e4, e4r
    to_user e4
e4: cli                                 ; #GP(0) at IOPL 0, then #SS(41h): #DF(0)
e4r:

    ; --- f. expand-down ring-0 stack 30h (limit FFFh) ---
    ring0_stack 0x30, 0x1014
    expect 0, f1r
    to_user f1
f1: int   0x44                          ; frame at 1000h..1013h: fine, ESP 1000h
f1r:
    flat
    ring0_stack 0x30, 0x1010
    expect f2, f2r
    to_user f2
f2: int   0x44                          ; frame would reach FFCh: #SS(30h)
f2r:

    ; --- g. CALL through a DPL-3 call gate with 2 parameters: needs 24 bytes ---
    ring0_stack 0x40, 0x18
    expect 0, g1r
    to_user g1
g1: push  0x11111111
    push  0x22222222
    call  0x5B:0                        ; fine: ESP 0, parameters copied
g1r:
    flat
    ring0_stack 0x40, 0x14
    expect g2, g2r
    to_user g2s
g2s: push  0x11111111
    push  0x22222222
g2: call  0x5B:0                        ; 20 bytes of room: #SS(40h)
g2r:

    ; --- h. delivery without a privilege change onto a too-small current stack ---
    expect h1, h1r
    mov   eax, 0x40
    mov   ss, eax
    mov   esp, 8                        ; room for 8 of the 12 bytes
h1: int   0x44                          ; #SS(0), EXT 0
h1r:
    expect h2, h2r
    mov   eax, 0x40
    mov   ss, eax
    mov   esp, 8
h2: ud2                                 ; #SS(EXT) = #SS(1)
h2r:
    xor   eax, eax
    jmp   exit

int44:                                  ; INT 44h at CPL 0: print the new SS:ESP
    mov   ebx, esp
    mov   ecx, ss
    flat                                ; (the new stack may have no room left)
    print s_int44
    call  show_stack
    print s_nl
    ring0_stack 0x10, 0x7000
    jmp   [resume]
gate_target:                            ; through the call gate: [esp+8], [esp+12] parameters
    mov   ebx, esp
    mov   ecx, ss
    mov   edx, [esp + 8]
    mov   edi, [esp + 12]
    flat
    mov   [sf_val], edx
    mov   [sf_vec], edi
    print s_gate
    call  show_stack
    print s_params
    mov   eax, [sf_vec]
    mov   cl, 8
    call  print_hex
    mov   al, ' '
    out   0xe9, al
    mov   eax, [sf_val]
    mov   cl, 8
    call  print_hex
    print s_nl
    ring0_stack 0x10, 0x7000
    jmp   [resume]
show_stack:                             ; "ss SSSS esp EEEEEEEE" from ECX, EBX
    push  ebx
    push  ecx
    print s_ss
    pop   eax
    movzx eax, ax
    mov   cl, 4
    call  print_hex
    print s_esp
    pop   eax
    mov   cl, 8
    call  print_hex
    ret

; The #SS and #DF handler tasks: print the vector, error code and (#SS) whether the old
; task's saved EIP is the faulting instruction, then resume the old task at `resume` at CPL 0
; on the flat stack, with the ring-0 stack in its TSS repaired.
ss_task:
    pop   dword [sf_val]
    mov   dword [sf_vec], 12
    call  task_fault
    iret
    jmp   ss_task
df_task:
    pop   dword [sf_val]
    mov   dword [sf_vec], 8
    call  task_fault
    iret
    jmp   df_task
task_fault:
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
    cmp   dword [sf_vec], 8             ; #DF: the saved EIP is undefined
    je    .nl
    mov   eax, [TSS_M + 0x20]
    cmp   eax, [exp_eip]
    mov   esi, sf_ok
    je    .p
    mov   esi, sf_bad
.p: call  print_str
.nl:
    print s_nl
    mov   eax, [resume]
    mov   [TSS_M + 0x20], eax           ; EIP
    mov   dword [TSS_M + 0x24], 0x2     ; EFLAGS
    mov   dword [TSS_M + 0x38], 0x7000  ; ESP
    mov   dword [TSS_M + 0x4C], 0x08    ; CS
    mov   eax, 0x10
    mov   [TSS_M + 0x48], eax           ; ES SS DS FS GS
    mov   [TSS_M + 0x50], eax
    mov   [TSS_M + 0x54], eax
    mov   [TSS_M + 0x58], eax
    mov   [TSS_M + 0x5C], eax
    ring0_stack 0x10, 0x7000
    mov   dword [resume], sf_stop       ; a second fault before the next `expect` stops
    ret

; handlers on a good stack: vector and error code, "ok" if the saved EIP is `exp_eip`
sf_db:  push 0
        push 1
        jmp  sf_common
sf_bp:  push 0
        push 3
        jmp  sf_common
sf_ud:  push 0
        push 6
        jmp  sf_common
sf_ts:  push 10
        jmp  sf_common
sf_np:  push 11
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
    mov   ebx, [resume]
    mov   dword [resume], sf_stop
    flat
    ring0_stack 0x10, 0x7000
    jmp   ebx
sf_stop:
    xor   eax, eax
    jmp   exit

sf_names: dd 0, sfn_db, 0, sfn_bp, 0, 0, sfn_ud, 0, sfn_df, 0, sfn_ts, sfn_np, sfn_ss, sfn_gp
sfn_db:  db "DB ", 0
sfn_bp:  db "BP ", 0
sfn_ud:  db "UD ", 0
sfn_df:  db "DF ", 0
sfn_ts:  db "TS ", 0
sfn_np:  db "NP ", 0
sfn_ss:  db "SS ", 0
sfn_gp:  db "GP ", 0
sf_ok:   db " ok", 0
sf_bad:  db " bad", 0
s_a1:    db "expand-down SS B=1: push and reads above the limit fine, esp ", 0
s_b1:    db "expand-down SS B=0: push at SP 1000h and read at FFFCh fine, esp ", 0
s_c3:    db "expand-down DS: write above the limit fine: ", 0
s_int44: db "int 44h from CPL 3: ", 0
s_gate:  db "call gate from CPL 3: ", 0
s_ss:    db "ss ", 0
s_esp:   db " esp ", 0
s_params: db " params ", 0
s_nl:    db 10, 0
    align 4
sf_val:  dd 0
sf_vec:  dd 0
    align 8
; 08/10 code/data DPL 0, 18 TSS (running), 20/28 code/data DPL 3, 30 expand-down data DPL
; 0 B=1 base 20000h byte limit FFFh, 38 the same with B=0, 40 expand-up data DPL 0 base
; 20000h byte limit FFFFh, 48 TSS of the #SS task, 50 TSS of the #DF task, 58 32-bit call
; gate DPL 3 -> 08:gate_target with 2 parameters
gdt_sf:
    dq 0
    dq 0x00cf9a000000ffff
    dq 0x00cf92000000ffff
    dw 0x67, TSS_M & 0xFFFF
    db (TSS_M >> 16), 0x89, 0, 0
    dq 0x00cffa000000ffff
    dq 0x00cff2000000ffff
    dq 0x0040960200000fff
    dq 0x0000960200000fff
    dq 0x004092020000ffff
    dw 0x67, TSS_SH & 0xFFFF
    db (TSS_SH >> 16), 0x89, 0, 0
    dw 0x67, TSS_DH & 0xFFFF
    db (TSS_DH >> 16), 0x89, 0, 0
    dw gate_target - $$ + 0x7c00, 0x08
    db 2, 0xEC
    dw 0
gdtr_sf:
    dw gdtr_sf - gdt_sf - 1
    dd gdt_sf
%include "include/end.inc"
