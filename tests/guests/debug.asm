; expect-exit: 1
; expect-output: step 1 at s2 dr6 FFFF4FF0 rf 0
; expect-output: step 2 at s3 dr6 FFFF4FF0 rf 0
; expect-output: step 3 at s4 dr6 FFFF4FF0 rf 0
; expect-output: breakpoint at bp1 dr6 FFFF0FF1 rf 0
; expect-output: resumed past bp1 once
; expect-output: UD pushed rf 1
; expect-output: general detect dr6 FFFF2FF0 dr7 00000400
;
; Debug exceptions (SDM Vol. 3 chapter 17): the TF single-step trap after each instruction
; (none after the POPF that set TF: the first comes after s1, reporting s2), DR6.BS; an instruction breakpoint in DR0 (fault
; before the instruction, DR6.B0, RF pushed as 0) skipped once by setting RF in the image;
; RF pushed as 1 for other faults (#UD); general detect (DR7.GD) on MOV DR with DR6.BD and
; GD cleared for the handler. Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/long_mode.inc"
%include "include/exceptions.inc"

%macro print 1
    lea   rsi, [rel %1]
    call  print_str
%endmacro

main:
    call  install_idt
    set_gate 1, isr_db
    set_gate 6, isr_ud2
    mov   rax, 0xFFFF0FF0
    mov   dr6, rax
    pushfq
    or    qword [rsp], 1 << 8            ; TF
    popfq                                ; traps after the next instruction, not itself
s1: nop
s2: nop
s3: nop
s4: mov   rax, 0xFFFF0FF0                ; the handler cleared TF after three steps
    mov   dr6, rax
    lea   rax, [rel bp1]
    mov   dr0, rax
    mov   eax, 0x401                     ; L0, R/W0 = 00 (execute), LEN0 = 00
    mov   dr7, rax
bp1: inc   dword [bp_runs]
    cmp   dword [bp_runs], 1
    jne   .twice
    print s_once
    jmp   .ud
.twice:
    print s_twice
.ud:
    mov   eax, 0x400
    mov   dr7, rax
    ud2
after_ud:
    mov   rax, 0xFFFF0FF0
    mov   dr6, rax
    mov   eax, 0x2400                    ; GD
    mov   dr7, rax
gd: mov   rax, dr0                       ; #DB fault (general detect)
    xor   eax, eax
    jmp   exit

; #DB: single steps, the breakpoint, general detect
isr_db:
    mov   rax, dr6
    mov   r12, rax
    test  eax, 1 << 13
    jnz   .gd
    test  eax, 1
    jnz   .bp
    inc   dword [steps]
    print s_step
    mov   eax, [steps]
    add   al, '0'
    out   0xe9, al
    print s_at
    mov   rax, [rsp]                     ; saved RIP
    lea   rsi, [rel n_s2]
    lea   rbx, [rel s2]
    cmp   rax, rbx
    je    .pr
    lea   rsi, [rel n_s3]
    lea   rbx, [rel s3]
    cmp   rax, rbx
    je    .pr
    lea   rsi, [rel n_s4]
    lea   rbx, [rel s4]
    cmp   rax, rbx
    je    .pr
    lea   rsi, [rel n_bad]
.pr:
    call  print_str
    call  show_dr6_rf
    cmp   dword [steps], 3
    jne   .ret
    and   qword [rsp + 16], ~(1 << 8)    ; clear TF in the image
.ret:
    mov   rax, 0xFFFF0FF0
    mov   dr6, rax
    iretq
.bp:
    print s_bp
    mov   rax, [rsp]
    lea   rbx, [rel bp1]
    lea   rsi, [rel n_bp1]
    cmp   rax, rbx
    je    .pb
    lea   rsi, [rel n_bad]
.pb:
    call  print_str
    call  show_dr6_rf
    or    qword [rsp + 16], 1 << 16      ; RF: execute bp1 once without re-trapping
    iretq
.gd:
    print s_gd
    mov   eax, r12d
    mov   cl, 8
    call  print_hex
    print s_dr7
    mov   rax, dr7                       ; GD is clear now, so this does not trap
    mov   cl, 8
    call  print_hex
    print s_nl
    xor   eax, eax
    jmp   exit

show_dr6_rf:                             ; " dr6 XXXXXXXX rf N\n" from r12 and [rsp+8+16]
    print s_dr6
    mov   eax, r12d
    mov   cl, 8
    call  print_hex
    print s_rf
    mov   rax, [rsp + 8 + 16]
    shr   rax, 16
    and   eax, 1
    add   al, '0'
    out   0xe9, al
    print s_nl
    ret

isr_ud2:
    print s_ud
    mov   rax, [rsp + 16]
    shr   rax, 16
    and   eax, 1
    add   al, '0'
    out   0xe9, al
    print s_nl
    lea   rax, [rel after_ud]
    mov   [rsp], rax
    and   qword [rsp + 16], ~(1 << 16)
    iretq

steps:   dd 0
bp_runs: dd 0
s_step:  db "step ", 0
s_at:    db " at ", 0
n_s4:    db "s4", 0
n_s2:    db "s2", 0
n_s3:    db "s3", 0
n_bp1:   db "bp1", 0
n_bad:   db "??", 0
s_bp:    db "breakpoint at ", 0
s_dr6:   db " dr6 ", 0
s_rf:    db " rf ", 0
s_once:  db "resumed past bp1 once", 10, 0
s_twice: db "bp1 ran twice", 10, 0
s_ud:    db "UD pushed rf ", 0
s_gd:    db "general detect dr6 ", 0
s_dr7:   db " dr7 ", 0
s_nl:    db 10, 0
%include "include/end.inc"
