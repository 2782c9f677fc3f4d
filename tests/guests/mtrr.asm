; expect-exit: 1
; expect-output: cpuid.1:edx mtrr 0000000000001000
; expect-output: mtrrcap 000000000000050A
; expect-output: write mtrrcap: GP 0D 0000000000000000 ok
; expect-output: def_type wb, e, fe: no fault
; expect-output:   reads 0000000000000C06
; expect-output: def_type type 2: GP 0D 0000000000000000 ok
; expect-output: def_type type 7: GP 0D 0000000000000000 ok
; expect-output: def_type bit 9: GP 0D 0000000000000000 ok
; expect-output: physbase0 wb at 40000000h: no fault
; expect-output:   reads 0000000040000006
; expect-output: physmask0 1 gib, valid: no fault
; expect-output:   reads 0000007FC0000800
; expect-output: physbase0 type 3: GP 0D 0000000000000000 ok
; expect-output: physbase0 bit 8: GP 0D 0000000000000000 ok
; expect-output: physbase0 bit 39 (maxphyaddr 39): GP 0D 0000000000000000 ok
; expect-output: physmask0 bit 0: GP 0D 0000000000000000 ok
; expect-output: physmask9 (the last): no fault
; expect-output: physbase10 (beyond vcnt): GP 0D 0000000000000000 ok
; expect-output: fix64k wb, wt, uc...: no fault
; expect-output:   reads 0006040506040506
; expect-output: fix4k_f8000 a byte of 2: GP 0D 0000000000000000 ok
;
; The MTRRs as registers (SDM Vol. 3 11.11 "Memory Type Range Registers"): CPUID.1:EDX.MTRR,
; IA32_MTRRCAP (FEH, read-only: 10 variable ranges, fixed ranges, write-combining), and the
; #GP(0) rules for IA32_MTRR_DEF_TYPE, the variable ranges (PHYSBASEn, PHYSMASKn) and the
; fixed ranges: reserved memory types (2, 3, 7 and above), reserved bits, bits beyond the
; physical-address width, a variable range beyond VCNT. Values read back as written.
; Bochs 2.7 (scripts/bochs-oracle, Tiger Lake model) differs where the models differ: it has
; 8 variable ranges (MTRRCAP 508H) and a wider physical address, and it accepts a write to
; PHYSBASE10 (beyond its VCNT), which the SDM reserves (11.11.2.3).
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"                ; (vmfault, show)

%macro wr 3                               ; "name", MSR, value: WRMSR, print the outcome
    mov   ecx, %2
    mov   rax, %3
    mov   rdx, rax
    shr   rdx, 32
    vmfault %1, wrmsr
%endmacro
%macro rd 2                               ; "name", MSR
    mov   ecx, %2
    rdmsr
    shl   rdx, 32
    or    rax, rdx
    show  %1, rax
%endmacro

main:
    call  install_idt
    mov   eax, 1
    cpuid
    and   edx, 1 << 12
    show  "cpuid.1:edx mtrr", rdx
    rd    "mtrrcap", 0xFE
    wr    "write mtrrcap", 0xFE, 0x50A
    wr    "def_type wb, e, fe", 0x2FF, 0xC06
    rd    "  reads", 0x2FF
    wr    "def_type type 2", 0x2FF, 0xC02
    wr    "def_type type 7", 0x2FF, 0xC07
    wr    "def_type bit 9", 0x2FF, 0xE06
    wr    "physbase0 wb at 40000000h", 0x200, 0x40000006
    rd    "  reads", 0x200
    wr    "physmask0 1 gib, valid", 0x201, 0x7FC0000800
    rd    "  reads", 0x201
    wr    "physbase0 type 3", 0x200, 0x40000003
    wr    "physbase0 bit 8", 0x200, 0x40000106
    wr    "physbase0 bit 39 (maxphyaddr 39)", 0x200, 0x8000000006
    wr    "physmask0 bit 0", 0x201, 0x7FC0000801
    wr    "physmask9 (the last)", 0x213, 0x800
    wr    "physbase10 (beyond vcnt)", 0x214, 6
    wr    "fix64k wb, wt, uc...", 0x250, 0x0006040506040506
    rd    "  reads", 0x250
    wr    "fix4k_f8000 a byte of 2", 0x26F, 0x0606060606020606
    mov   al, 0
    jmp   exit
%include "include/end.inc"
