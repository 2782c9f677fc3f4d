; expect-exit: 1
; expect-output: ia32_feature_control 0000000000000005
; expect-output: ia32_apic_base 00000000FEE00900
; expect-output: ia32_pat 0007040600070406
; expect-output: ia32_efer 0000000000000500
; expect-output: rdmsr rcx[63:32] set: rax 0000000000070406
; expect-output: rdx 0000000000070406
; expect-output: wrmsr feature_control 5 (locked): GP 0D 0000000000000000 ok
; expect-output: wrmsr feature_control 0 (locked): GP 0D 0000000000000000 ok
; expect-output: ia32_feature_control 0000000000000005
; expect-output: rdmsr 12345678h: GP 0D 0000000000000000 ok
; expect-output: wrmsr 12345678h: GP 0D 0000000000000000 ok
; expect-output: rdmsr c0000200h: GP 0D 0000000000000000 ok
; expect-output: wrmsr c0000200h: GP 0D 0000000000000000 ok
; expect-output: ia32_time_stamp_counter = cpuid.1:edx.tsc 0000000000000001
; expect-output: ia32_apic_base = cpuid.1:edx.apic 0000000000000001
; expect-output: ia32_tsc_adjust = cpuid.7:ebx.tsc_adjust 0000000000000001
; expect-output: ia32_spec_ctrl = cpuid.7:edx.ibrs 0000000000000001
; expect-output: ia32_arch_capabilities = cpuid.7:edx[29] 0000000000000001
; expect-output: ia32_mtrrcap = cpuid.1:edx.mtrr 0000000000000001
; expect-output: ia32_sysenter_cs = cpuid.1:edx.sep 0000000000000001
; expect-output: ia32_mcg_cap = cpuid.1:edx.mca 0000000000000001
; expect-output: ia32_pat = cpuid.1:edx.pat 0000000000000001
; expect-output: ia32_vmx_basic = cpuid.1:ecx.vmx 0000000000000001
; expect-output: ia32_tsc_deadline = cpuid.1:ecx[24] 0000000000000001
; expect-output: ia32_mperf = cpuid.6:ecx[0] 0000000000000001
; expect-output: ia32_u_cet = cpuid.7:ecx.cet_ss 0000000000000001
; expect-output: ia32_pkrs = cpuid.7:ecx.pks 0000000000000001
; expect-output: ia32_xss = cpuid.(0dh,1):eax.xsaves 0000000000000001
; expect-output: ia32_efer = cpuid.80000001h:edx.lm 0000000000000001
; expect-output: ia32_tsc_aux = cpuid.80000001h:edx.rdtscp 0000000000000001
; expect-output: apic_base bit 9: GP 0D 0000000000000000 ok
; expect-output: apic_base bit 40: GP 0D 0000000000000000 ok
; expect-output: apic_base bit 63: GP 0D 0000000000000000 ok
; expect-output: apic_base bsp clear: no fault
; expect-output: ia32_apic_base 00000000FEE00800
; expect-output: ia32_apic_base 00000000FEE00900
; expect-output: efer bit 1: GP 0D 0000000000000000 ok
; expect-output: efer bit 9: GP 0D 0000000000000000 ok
; expect-output: efer bit 12 (svme): GP 0D 0000000000000000 ok
; expect-output: efer bit 63: GP 0D 0000000000000000 ok
; expect-output: efer lme clear while paging: GP 0D 0000000000000000 ok
; expect-output: efer lma clear: no fault
; expect-output: ia32_efer (lma kept) 0000000000000500
; expect-output: efer sce nxe: no fault
; expect-output: ia32_efer 0000000000000D01
; expect-output: pat pa0 = 2: GP 0D 0000000000000000 ok
; expect-output: pat pa3 = 3: GP 0D 0000000000000000 ok
; expect-output: pat pa7 = 8: GP 0D 0000000000000000 ok
; expect-output: pat pa5 = 80h: GP 0D 0000000000000000 ok
; expect-output: pat wc wp: no fault
; expect-output: ia32_pat 0007010500070406
; expect-output: lstar non-canonical: GP 0D 0000000000000000 ok
; expect-output: lstar canonical: no fault
; expect-output: lstar FFFF800000001000
; expect-output: cstar non-canonical: GP 0D 0000000000000000 ok
; expect-output: cstar canonical: no fault
; expect-output: cstar FFFF800000001000
; expect-output: kernel_gs_base non-canonical: GP 0D 0000000000000000 ok
; expect-output: kernel_gs_base canonical: no fault
; expect-output: kernel_gs_base FFFF800000001000
; expect-output: fs_base non-canonical: GP 0D 0000000000000000 ok
; expect-output: fs_base canonical: no fault
; expect-output: fs_base FFFF800000001000
; expect-output: gs_base non-canonical: GP 0D 0000000000000000 ok
; expect-output: gs_base canonical: no fault
; expect-output: gs_base FFFF800000001000
; expect-output: sysenter_eip non-canonical: GP 0D 0000000000000000 ok
; expect-output: sysenter_eip canonical: no fault
; expect-output: sysenter_eip FFFF800000001000
; expect-output: sysenter_esp non-canonical: GP 0D 0000000000000000 ok
; expect-output: sysenter_esp canonical: no fault
; expect-output: sysenter_esp FFFF800000001000
; expect-output: sysenter_cs: no fault
; expect-output: sysenter_cs 0000000012340008
; expect-output: star: no fault
; expect-output: star 0023001000080000
; expect-output: tsc_aux bit 32: GP 0D 0000000000000000 ok
; expect-output: tsc_aux 89abcdefh: no fault
; expect-output: tsc_aux 0000000089ABCDEF
; expect-output: rdtscp ecx 0000000089ABCDEF
; expect-output: debugctl bit 2: GP 0D 0000000000000000 ok
; expect-output: debugctl bit 5: GP 0D 0000000000000000 ok
; expect-output: debugctl bit 32: GP 0D 0000000000000000 ok
; expect-output: debugctl btf: no fault
; expect-output: btf: single-step #db rip - branch target 0000000000000000
; expect-output: debugctl 0: no fault
; expect-output: misc_enable.monitor_fsm = cpuid.1:ecx.monitor 0000000000000001
; expect-output: misc_enable limit cpuid maxval honoured 0000000000000001
; expect-output: misc_enable xd bit disable honoured 0000000000000001
; expect-output: tsc 12345600000000h: no fault
; expect-output: rdtsc edx 0000000000123456
; expect-output: rdmsr tsc edx 0000000000123456
; expect-output: rdmsr at cpl 3: GP 0D 0000000000000000 ok
; expect-output: wrmsr at cpl 3: GP 0D 0000000000000000 ok
; expect-output: rdmsr unimplemented msr at cpl 3: GP 0D 0000000000000000 ok
;
; MSRs outside VMX operation (SDM Vol. 2 RDMSR, WRMSR; Vol. 3 2.2.1 "Extended Feature
; Enable Register", 5.8.8, 10.4.4, 11.12.2, 17.4.1-17.4.3, 17.17; Vol. 4 Table 2-2). As the
; firmware leaves them: IA32_FEATURE_CONTROL 5 (locked, VMX outside SMX; locked, so WRMSR
; is #GP(0)), IA32_APIC_BASE FEE00900H (enabled, BSP), IA32_PAT 0007040600070406H, EFER
; LME|LMA. RDMSR ignores RCX[63:32] and zero-extends into RAX and RDX. Unimplemented MSRs
; are #GP(0) on RDMSR and WRMSR, and which MSRs exist follows CPUID (each "msr = cpuid..."
; line prints 1 when RDMSR faulted iff the flag is 0). IA32_APIC_BASE: bits 7:0, 9 and
; MAXPHYADDR and up are reserved; BSP is "(R/W)" in Vol. 4 Table 2-2. EFER: bits other
; than SCE, LME, LMA, NXE are reserved, LME cannot change with paging on, a write to LMA
; (read-only) is ignored. PAT entries of type 2, 3 or 8-FFH are #GP(0). LSTAR, CSTAR,
; KERNEL_GS_BASE, FS_BASE, GS_BASE, SYSENTER_EIP and SYSENTER_ESP must be canonical (the
; WRMSR list omits IA32_CSTAR, but processors check it as well: kvm-unit-tests x86/msr.c
; expects #GP on Intel and AMD). IA32_TSC_AUX bits 63:32 and IA32_DEBUGCTL bits 5:2 and
; 63:16 are reserved (this model has no DS/BTS, perfmon or RTM, so bits 15:6 are too); with
; DEBUGCTL.BTF and TF the single-step #DB comes only after the taken branch (17.4.3), i.e.
; at the branch target. IA32_MISC_ENABLE: bit 18 (ENABLE MONITOR FSM) reads 1 when
; CPUID.1:ECX.MONITOR is 1; setting bit 22 (Limit CPUID Maxval) makes CPUID.0:EAX 2 and
; setting bit 34 (XD Bit Disable) clears CPUID.80000001H:EDX.NX, unless the write is #GP
; (each line prints 1 in either case). A TSC write moves RDTSC and RDMSR to the value
; written. RDMSR and WRMSR at CPL 3 are #GP(0), before the MSR number is looked at.
; Bochs 2.7 (scripts/bochs-oracle; BOCHS_IGNORE_BAD_MSRS=0 for its real MSR faults) prints the
; same except:
; - the four unimplemented-MSR lines and the DEBUGCTL reserved-bit lines print "no fault",
;   and "ia32_pkrs" 0: Bochs's option ignore_bad_msrs defaults to 1 (unknown MSRs read 0
;   and ignore writes), and Bochs has no IA32_DEBUGCTL. With ignore_bad_msrs=0 it raises
;   #GP(0) for them, as expected, and also for "debugctl btf" and "debugctl 0".
; - nothing on "apic_base bsp clear": Bochs clears BSP (FEE00800H), as this model now does
;   (it kept BSP set before this test).
; - "tsc_aux bit 32": no fault in Bochs (a 32-bit register there); Vol. 4 Table 2-2 marks
;   bits 63:32 reserved, so #GP(0).
; - "btf": Bochs (no IA32_DEBUGCTL) traps after the first NOP, 4 bytes before the target
;   (FFFFFFFFFFFFFFFC); this model traps at the target (it accepted BTF without
;   implementing it before this test).
; - the IA32_MISC_ENABLE lines: Bochs has no IA32_MISC_ENABLE. With ignore_bad_msrs=1 it
;   prints 0 0 0, with ignore_bad_msrs=0 0 1 1. This model resets it to 41809H (fast
;   strings, TCC, BTS and PEBS unavailable, MONITOR FSM) and honours bits 18, 22 and 34.
; - with ignore_bad_msrs=0, "ia32_mcg_cap" and "ia32_mperf" print 0: Bochs's Tiger Lake
;   reports MCA and CPUID.6:ECX[0] without implementing IA32_MCG_CAP or IA32_MPERF.
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"

TSS equ 0x11000
NONCANON equ 0x0000800000000000
CANON    equ 0xFFFF800000001000

; wr "name", msr, value: "name: " and what WRMSR does with ECX = msr, EDX:EAX = value
%macro wr 3
    mov   ecx, %2
    mov   rax, %3
    lea   rsi, [rel %%name]
    lea   r15, [rel %%next]
    jmp   wr_sub
%%name: db %1, ": ", 0
%%next:
%endmacro

; rd "name", msr: "name: " and whether RDMSR faults
%macro rd 2
    mov   ecx, %2
    lea   rsi, [rel %%name]
    lea   r15, [rel %%next]
    jmp   rd_sub
%%name: db %1, ": ", 0
%%next:
%endmacro

; shw "name", msr: "name VVVVVVVVVVVVVVVV", the MSR's value
%macro shw 2
    mov   ecx, %2
    lea   rsi, [rel %%name]
    call  show_msr
    jmp   %%next
%%name: db %1, " ", 0
%%next:
%endmacro

; wrq msr, value: a WRMSR that must succeed
%macro wrq 2
    mov   ecx, %1
    mov   rax, %2
    mov   rdx, rax
    shr   rdx, 32
    wrmsr
%endmacro

; canonical "name", msr: a non-canonical and a canonical write, the value read back
%macro canonical 2
    %strcat %%nc %1, " non-canonical"
    %strcat %%c %1, " canonical"
    wr    %%nc, %2, NONCANON
    wr    %%c, %2, CANON
    shw   %1, %2
    wrq   %2, 0
%endmacro

main:
    call  install_idt

    ; --- values as the firmware leaves them
    shw   "ia32_feature_control", 0x3A
    shw   "ia32_apic_base", 0x1B
    shw   "ia32_pat", 0x277
    shw   "ia32_efer", 0xC0000080
    mov   rcx, 0xFFFFFFFF00000277       ; RDMSR ignores RCX[63:32] and clears RAX/RDX[63:32]
    mov   rax, -1
    mov   rdx, -1
    rdmsr
    mov   [t1], rdx
    show  "rdmsr rcx[63:32] set: rax", rax
    show  "rdx", [t1]

    ; --- IA32_FEATURE_CONTROL is locked
    wr    "wrmsr feature_control 5 (locked)", 0x3A, 5
    wr    "wrmsr feature_control 0 (locked)", 0x3A, 0
    shw   "ia32_feature_control", 0x3A

    ; --- unimplemented MSRs
    rd    "rdmsr 12345678h", 0x12345678
    wr    "wrmsr 12345678h", 0x12345678, 0
    rd    "rdmsr c0000200h", 0xC0000200
    wr    "wrmsr c0000200h", 0xC0000200, 0

    ; --- which MSRs exist follows CPUID
    set_gate 13, quiet_gp
    lea   r12, [rel msr_features]
    call  msr_features_run
    set_gate 13, isr_gp

    ; --- IA32_APIC_BASE
    wr    "apic_base bit 9", 0x1B, 0xFEE00900 | (1 << 9)
    wr    "apic_base bit 40", 0x1B, 0xFEE00900 | (1 << 40)
    wr    "apic_base bit 63", 0x1B, 0xFEE00900 | (1 << 63)
    wr    "apic_base bsp clear", 0x1B, 0xFEE00800
    shw   "ia32_apic_base", 0x1B
    wrq   0x1B, 0xFEE00900
    shw   "ia32_apic_base", 0x1B

    ; --- IA32_EFER
    wr    "efer bit 1", 0xC0000080, 0x502
    wr    "efer bit 9", 0xC0000080, 0x700
    wr    "efer bit 12 (svme)", 0xC0000080, 0x1500
    wr    "efer bit 63", 0xC0000080, (1 << 63) | 0x500
    wr    "efer lme clear while paging", 0xC0000080, 0x400
    wr    "efer lma clear", 0xC0000080, 0x100
    shw   "ia32_efer (lma kept)", 0xC0000080
    wr    "efer sce nxe", 0xC0000080, 0xD01
    shw   "ia32_efer", 0xC0000080
    wrq   0xC0000080, 0x500

    ; --- IA32_PAT: memory types 2, 3 and 8-FFH are reserved
    wr    "pat pa0 = 2", 0x277, 0x0007040600070402
    wr    "pat pa3 = 3", 0x277, 0x0007040603070406
    wr    "pat pa7 = 8", 0x277, 0x0807040600070406
    wr    "pat pa5 = 80h", 0x277, 0x0007800600070406
    wr    "pat wc wp", 0x277, 0x0007010500070406
    shw   "ia32_pat", 0x277
    wrq   0x277, 0x0007040600070406

    ; --- addresses that must be canonical
    canonical "lstar", 0xC0000082
    canonical "cstar", 0xC0000083
    canonical "kernel_gs_base", 0xC0000102
    canonical "fs_base", 0xC0000100
    canonical "gs_base", 0xC0000101
    canonical "sysenter_eip", 0x176
    canonical "sysenter_esp", 0x175
    wr    "sysenter_cs", 0x174, 0x12340008
    shw   "sysenter_cs", 0x174
    wrq   0x174, 0
    wr    "star", 0xC0000081, 0x0023001000080000
    shw   "star", 0xC0000081
    wrq   0xC0000081, 0

    ; --- IA32_TSC_AUX: bits 63:32 reserved
    wr    "tsc_aux bit 32", 0xC0000103, 1 << 32
    wr    "tsc_aux 89abcdefh", 0xC0000103, 0x89ABCDEF
    shw   "tsc_aux", 0xC0000103
    rdtscp
    show  "rdtscp ecx", rcx

    ; --- IA32_DEBUGCTL: bits 5:2 and 63:16 reserved; BTF makes TF trap on branches only
    wr    "debugctl bit 2", 0x1D9, 1 << 2
    wr    "debugctl bit 5", 0x1D9, 1 << 5
    wr    "debugctl bit 32", 0x1D9, 1 << 32
    wr    "debugctl btf", 0x1D9, 2
    set_gate 1, isr_db
    pushfq
    or    qword [rsp], 0x100            ; TF
    popfq
    nop
    nop
    jmp   btf_target
    nop
btf_target:
    nop
    mov   rax, [db_rip]
    lea   rcx, [rel btf_target]
    sub   rax, rcx
    show  "btf: single-step #db rip - branch target", rax
    wr    "debugctl 0", 0x1D9, 0

    ; --- IA32_MISC_ENABLE: bits that CPUID reflects (the value is restored after)
    set_gate 13, quiet_gp
    mov   qword [resume], .read_done
    xor   eax, eax
    xor   edx, edx
    mov   ecx, 0x1A0
    rdmsr
.read_done:
    mov   [t1], eax
    mov   [t1 + 4], edx
    bt    eax, 18                       ; ENABLE MONITOR FSM
    setc  r10b
    mov   eax, 1
    cpuid
    bt    ecx, 3                        ; MONITOR/MWAIT
    setc  al
    cmp   al, r10b
    sete  al
    movzx eax, al
    show  "misc_enable.monitor_fsm = cpuid.1:ecx.monitor", rax
    mov   r9d, 1
    mov   qword [resume], .limit_done
    mov   ecx, 0x1A0
    mov   eax, [t1]
    mov   edx, [t1 + 4]
    bts   eax, 22                       ; Limit CPUID Maxval
    wrmsr
.limit_done:
    xor   eax, eax
    cpuid
    cmp   eax, 2                        ; accepted: CPUID.0:EAX[7:0] <= 2
    setbe r10b
    mov   r11d, r9d
    mov   r9d, 1
    mov   qword [resume], .xd_done
    mov   ecx, 0x1A0
    mov   eax, [t1]
    mov   edx, [t1 + 4]
    bts   edx, 34 - 32                  ; XD Bit Disable
    wrmsr
.xd_done:
    mov   eax, 0x80000001
    cpuid
    bt    edx, 20                       ; accepted: CPUID.80000001H:EDX.NX = 0
    setnc r8b
    mov   qword [resume], .restored
    mov   ecx, 0x1A0
    mov   eax, [t1]
    mov   edx, [t1 + 4]
    wrmsr
.restored:
    set_gate 13, isr_gp
    xor   r11d, 1                       ; not accepted, or CPUID limited
    or    r10d, r11d
    and   r10d, 1
    show  "misc_enable limit cpuid maxval honoured", r10
    xor   r9d, 1
    or    r8d, r9d
    and   r8d, 1
    show  "misc_enable xd bit disable honoured", r8

    ; --- IA32_TIME_STAMP_COUNTER: RDTSC continues from the value written
    wr    "tsc 12345600000000h", 0x10, 0x0012345600000000
    rdtsc
    show  "rdtsc edx", rdx
    mov   ecx, 0x10
    rdmsr
    show  "rdmsr tsc edx", rdx

    ; --- CPL 3: RDMSR and WRMSR are #GP(0)
    or    qword [0x1000], 4             ; user pages: the first 2 MiB
    or    qword [0x2000], 4
    or    qword [0x3000], 4
    mov   rax, cr3
    mov   cr3, rax
    lgdt  [gdtr64]
    mov   rdi, TSS
    mov   ecx, 0x68 / 8
    xor   eax, eax
    rep   stosq
    mov   qword [TSS + 4], 0x7000       ; RSP0
    mov   word [TSS + 0x66], 0x68
    mov   ax, 0x28
    ltr   ax
    set_gate 0x80, back_to_ring0
    mov   word [IDT + 0x80*16 + 4], 0xEE00  ; DPL 3
    push  0x1B                          ; SS
    push  0x5000                        ; RSP
    push  0x3002                        ; RFLAGS: IOPL 3 (OUT to the debug port)
    push  0x23                          ; CS
    push  user
    iretq
user:
    rd    "rdmsr at cpl 3", 0x277
    wr    "wrmsr at cpl 3", 0x277, 0x0007040600070406
    rd    "rdmsr unimplemented msr at cpl 3", 0x12345678
    int   0x80
back_to_ring0:
    mov   rsp, 0x7000
    mov   al, 0
    jmp   exit

; wr_sub / rd_sub: print the name at RSI, run WRMSR (ECX, RAX split into EDX:EAX) or
; RDMSR, print "no fault" unless it faults; continue at R15 (the fault handlers reset RSP
; to 7000H, so these are jumped to from the base of the stack, not called)
wr_sub:
    call  print_label
    mov   rdx, rax
    shr   rdx, 32
    mov   qword [exp_rip], .insn
    mov   qword [resume], .next
.insn:
    wrmsr
    lea   rsi, [rel s_nofault]
    call  print_str
.next:
    jmp   r15
rd_sub:
    call  print_label
    mov   qword [exp_rip], .insn
    mov   qword [resume], .next
.insn:
    rdmsr
    lea   rsi, [rel s_nofault]
    call  print_str
.next:
    jmp   r15

; show_msr: "name VVVVVVVVVVVVVVVV" for the name at RSI and the MSR in ECX
show_msr:
    rdmsr
    shl   rdx, 32
    or    rax, rdx
    push  rax
    call  print_str
    pop   rax
    mov   cl, 16
    call  print_hex
    mov   al, 10
    out   0xe9, al
    ret

; msr_features_run: for each entry at R12 (MSR, CPUID leaf, subleaf, register 0-3 =
; EAX-EDX, flag bit, name; MSR 0 ends the table) prints "name 1" when RDMSR of the MSR
; raised #GP exactly when the CPUID flag is 0 (quiet_gp is the #GP handler meanwhile)
msr_features_run:
    mov   eax, [r12 + 4]
    test  dword [r12], -1
    jz    .done
    movzx ecx, byte [r12 + 8]
    cpuid
    mov   [cpuid_out], eax
    mov   [cpuid_out + 4], ebx
    mov   [cpuid_out + 8], ecx
    mov   [cpuid_out + 12], edx
    movzx eax, byte [r12 + 9]
    mov   r10d, [cpuid_out + rax*4]
    movzx ecx, byte [r12 + 10]
    shr   r10d, cl
    and   r10d, 1                       ; r10 = the CPUID flag
    mov   r9d, 1                        ; r9 = 1 unless RDMSR faults
    mov   qword [resume], .after
    mov   ecx, [r12]
    rdmsr
.after:
    xor   r9, r10
    xor   r9, 1
    lea   rsi, [r12 + 11]
    call  print_str
    mov   r12, rsi                      ; the next entry
    mov   al, ' '
    out   0xe9, al
    mov   rax, r9
    mov   cl, 16
    call  print_hex
    mov   al, 10
    out   0xe9, al
    jmp   msr_features_run
.done:
    ret

; #GP handler while probing: no output, r9 = 0, resume at [resume] on the same stack
quiet_gp:
    xor   r9d, r9d
    add   rsp, 8                        ; the error code
    push  rax
    mov   rax, [resume]
    mov   [rsp + 8], rax                ; the saved RIP
    pop   rax
    iretq

; #DB: records the saved RIP and clears TF
isr_db:
    push  rax
    mov   rax, [rsp + 8]
    mov   [db_rip], rax
    and   qword [rsp + 24], ~0x100
    pop   rax
    iretq

%macro msr_feature 6                    ; msr, leaf, subleaf, register, bit, name
    dd %1, %2
    db %3, %4, %5, %6, 0
%endmacro
msr_features:
    msr_feature 0x10, 1, 0, 3, 4, "ia32_time_stamp_counter = cpuid.1:edx.tsc"
    msr_feature 0x1B, 1, 0, 3, 9, "ia32_apic_base = cpuid.1:edx.apic"
    msr_feature 0x3B, 7, 0, 1, 1, "ia32_tsc_adjust = cpuid.7:ebx.tsc_adjust"
    msr_feature 0x48, 7, 0, 3, 26, "ia32_spec_ctrl = cpuid.7:edx.ibrs"
    msr_feature 0x10A, 7, 0, 3, 29, "ia32_arch_capabilities = cpuid.7:edx[29]"
    msr_feature 0xFE, 1, 0, 3, 12, "ia32_mtrrcap = cpuid.1:edx.mtrr"
    msr_feature 0x174, 1, 0, 3, 11, "ia32_sysenter_cs = cpuid.1:edx.sep"
    msr_feature 0x179, 1, 0, 3, 14, "ia32_mcg_cap = cpuid.1:edx.mca"
    msr_feature 0x277, 1, 0, 3, 16, "ia32_pat = cpuid.1:edx.pat"
    msr_feature 0x480, 1, 0, 2, 5, "ia32_vmx_basic = cpuid.1:ecx.vmx"
    msr_feature 0x6E0, 1, 0, 2, 24, "ia32_tsc_deadline = cpuid.1:ecx[24]"
    msr_feature 0xE7, 6, 0, 2, 0, "ia32_mperf = cpuid.6:ecx[0]"
    msr_feature 0x6A0, 7, 0, 2, 7, "ia32_u_cet = cpuid.7:ecx.cet_ss"
    msr_feature 0x6E1, 7, 0, 2, 31, "ia32_pkrs = cpuid.7:ecx.pks"
    msr_feature 0xDA0, 0xD, 1, 0, 3, "ia32_xss = cpuid.(0dh,1):eax.xsaves"
    msr_feature 0xC0000080, 0x80000001, 0, 3, 29, "ia32_efer = cpuid.80000001h:edx.lm"
    msr_feature 0xC0000103, 0x80000001, 0, 3, 27, "ia32_tsc_aux = cpuid.80000001h:edx.rdtscp"
    dd 0, 0

    align 8
t1:        dq 0
db_rip:    dq 0
cpuid_out: dd 0, 0, 0, 0
gdt:    dq 0, 0x00AF9A000000FFFF, 0x00CF92000000FFFF
        dq 0x00CFF2000000FFFF           ; 0x18 user data
        dq 0x00AFFA000000FFFF           ; 0x20 user code
        dq 0x0000890000000067 | (TSS << 16), 0  ; 0x28 64-bit TSS
gdtr64: dw 7*8 - 1
        dq gdt
%include "include/end.inc"
