; expect-exit: 1
; expect-output: UD 06 ok
; expect-output: syscall: cs 0008 ss 0010 rcx ok r11 00040002 rflags&(AC|IF) 00000000
; expect-output: GP 0D 0000000000000000 ok
; expect-output: sysenter: cs 0008 ss 0010 rsp 0000000000006000 rflags&(AC|IF) 00040000
; expect-output: user again: cs 002B ss 0033
; expect-output: GP 0D 0000000000000000 ok
;
; SYSCALL/SYSRET and SYSENTER/SYSEXIT in 64-bit mode (SDM Vol. 2 entries): SYSCALL with
; EFER.SCE = 0 is #UD; with SCE it saves RIP in RCX and RFLAGS in R11, masks RFLAGS with
; IA32_FMASK and loads CS/SS from IA32_STAR; SYSRETQ returns to CPL 3 (CS = STAR[63:48]+16,
; SS = STAR[63:48]+8); SYSRET at CPL 3 is #GP(0); SYSENTER/SYSEXITQ use IA32_SYSENTER_*
; (CS+32 and CS+40 on the way out); SYSRETQ with a non-canonical RCX is #GP(0) at CPL 0
; on Intel. Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/long_mode.inc"
%include "include/exceptions.inc"

TSS equ 0x11000

%macro print 1
    lea   rsi, [rel %1]
    call  print_str
%endmacro
%macro wrmsr64 2                         ; MSR, value
    mov   ecx, %1
    mov   rax, %2
    mov   rdx, rax
    shr   rdx, 32
    wrmsr
%endmacro

main:
    call  install_idt
    or    qword [0x1000], 4              ; user pages: the first 2 MiB
    or    qword [0x2000], 4
    or    qword [0x3000], 4
    mov   rax, cr3
    mov   cr3, rax
    lgdt  [gdtr64]
    mov   rax, 0x0000890000000067 | (TSS << 16)
    mov   [gdt + 0x38], rax
    mov   qword [gdt + 0x40], 0
    mov   rdi, TSS
    mov   ecx, 0x68 / 8
    xor   eax, eax
    rep   stosq
    mov   qword [TSS + 4], 0x7000
    mov   ax, 0x38
    ltr   ax
    expect t1, r1                        ; EFER.SCE = 0: #UD
t1: syscall
r1: mov   ecx, 0xC0000080
    rdmsr
    or    eax, 1                         ; SCE
    wrmsr
    wrmsr64 0xC0000081, (0x0018 << 48) | (0x0008 << 32)   ; STAR
    wrmsr64 0xC0000082, kernel_entry     ; LSTAR
    wrmsr64 0xC0000084, 0x40200          ; FMASK: AC, IF
    wrmsr64 0x174, 0x08                  ; SYSENTER_CS
    wrmsr64 0x175, 0x6000                ; SYSENTER_ESP
    wrmsr64 0x176, sysenter_entry        ; SYSENTER_EIP
    mov   rcx, user
    mov   r11, 0x002
    mov   rsp, 0x5000
    o64 sysret                           ; to CPL 3

user:
    pushfq
    or    qword [rsp], 1 << 18           ; AC (a user can set it)
    popfq
ret_here:
    syscall                              ; -> kernel_entry
    expect u1, u1r
u1: o64 sysret                           ; at CPL 3: #GP(0)
u1r:
    mov   rcx, 0x5000                    ; user stack for SYSEXIT
    mov   rdx, user2
    sysenter
user2:
    mov   r13w, cs
    mov   r14w, ss
    syscall                              ; second call: report and test the canonical check

kernel_entry:
    cmp   byte [calls], 0
    jne   .second
    inc   byte [calls]
    mov   r12, rcx
    mov   r13, r11
    print s_sc
    mov   ax, cs
    movzx eax, ax
    mov   cl, 4
    call  print_hex
    print s_ss
    mov   ax, ss
    movzx eax, ax
    mov   cl, 4
    call  print_hex
    print s_rcx
    lea   rax, [rel ret_here + 2]        ; SYSCALL is 2 bytes
    cmp   r12, rax
    lea   rsi, [rel s_yes]
    je    .p
    lea   rsi, [rel s_no]
.p: call  print_str
    print s_r11
    mov   rax, r13
    mov   cl, 8
    call  print_hex
    print s_fl
    pushfq
    pop   rax
    and   eax, 0x40200                   ; AC and IF: FMASK cleared them
    mov   cl, 8
    call  print_hex
    print s_nl
    mov   rcx, r12
    mov   r11, r13
    mov   rsp, 0x5000
    o64 sysret
.second:
    print s_again
    movzx eax, r13w
    mov   cl, 4
    call  print_hex
    print s_ss
    movzx eax, r14w
    mov   cl, 4
    call  print_hex
    print s_nl
    expect kr1, kr1r
    mov   rcx, 0x8000000000000000        ; non-canonical return address
kr1: o64 sysret                           ; Intel: #GP(0) at CPL 0
kr1r:
    xor   eax, eax
    jmp   exit

sysenter_entry:
    mov   r12, rsp
    print s_se
    mov   ax, cs
    movzx eax, ax
    mov   cl, 4
    call  print_hex
    print s_ss
    mov   ax, ss
    movzx eax, ax
    mov   cl, 4
    call  print_hex
    print s_rsp
    mov   rax, r12
    mov   cl, 16
    call  print_hex
    print s_fl
    pushfq
    pop   rax
    and   eax, 0x40200                   ; SYSENTER clears IF, keeps AC
    mov   cl, 8
    call  print_hex
    print s_nl
    mov   rcx, 0x5000
    mov   rdx, user2
    db    0x48, 0x0F, 0x35               ; SYSEXITQ (REX.W SYSEXIT)

calls:   db 0
s_yes:   db "ok", 0
s_no:    db "bad", 0
s_sc:    db "syscall: cs ", 0
s_se:    db "sysenter: cs ", 0
s_ss:    db " ss ", 0
s_rcx:   db " rcx ", 0
s_r11:   db " r11 ", 0
s_fl:    db " rflags&(AC|IF) ", 0
s_rsp:   db " rsp ", 0
s_again: db "user again: cs ", 0
s_nl:    db 10, 0
    align 8
; 0x08 kernel code64, 0x10 kernel data, 0x18 user code32, 0x20 user data, 0x28 user code64,
; 0x30 user data (SYSEXIT's SS = SYSENTER_CS + 40), 0x38 TSS
gdt:    dq 0, 0x00AF9A000000FFFF, 0x00CF92000000FFFF, 0x00CFFA000000FFFF, 0x00CFF2000000FFFF
        dq 0x00AFFA000000FFFF, 0x00CFF2000000FFFF, 0, 0
gdtr64: dw 9*8 - 1
        dq gdt
%include "include/end.inc"
