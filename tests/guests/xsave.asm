; expect-exit: 1
; expect-output: cpuid.1:ecx xsave osxsave 0000000004000000
; expect-output: xgetbv without cr4.osxsave: UD 06 ok
; expect-output: xsave without cr4.osxsave: UD 06 ok
; expect-output: cpuid.1:ecx xsave osxsave 000000000C000000
; expect-output: cpuid.0dh.0 eax 0000000000000003
; expect-output: cpuid.0dh.0 ebx 0000000000000240
; expect-output: cpuid.0dh.0 ecx 0000000000000240
; expect-output: cpuid.0dh.1 eax 0000000000000007
; expect-output: xcr0 at reset 0000000000000001
; expect-output: xsetbv ecx 1: GP 0D 0000000000000000 ok
; expect-output: xsetbv bit 0 clear: GP 0D 0000000000000000 ok
; expect-output: xsetbv x87 avx: GP 0D 0000000000000000 ok
; expect-output: xsetbv bit 63: GP 0D 0000000000000000 ok
; expect-output: xsetbv x87 sse: no fault
; expect-output: xcr0 0000000000000003
; expect-output: xgetbv ecx 2: GP 0D 0000000000000000 ok
; expect-output: xsave misaligned: GP 0D 0000000000000000 ok
; expect-output: xsave cr0.ts: NM 07 ok
; expect-output: xgetbv cr0.ts: no fault
; expect-output: xsave all: no fault
; expect-output: xstate_bv AAAAAAAAAAAAAAAB
; expect-output: xcomp_bv AAAAAAAAAAAAAAAA
; expect-output: fcw ftw 000000000000027F
; expect-output: mxcsr mask 0000FFFF00001FA0
; expect-output: xmm0 1111111111111111
; expect-output: xmm15 FFFFFFFFFFFFFFFF
; expect-output: byte 416 AAAAAAAAAAAAAAAA
; expect-output: byte 464 AAAAAAAAAAAAAAAA
; expect-output: xsave sse only: no fault
; expect-output: xstate_bv 0000000000000002
; expect-output: fcw ftw AAAAAAAAAAAAAAAA
; expect-output: xmm5 5555555555555555
; expect-output: xsave x87 only: no fault
; expect-output: mxcsr mask AAAAAAAAAAAAAAAA
; expect-output: xmm5 AAAAAAAAAAAAAAAA
; expect-output: xsavec all: no fault
; expect-output: xstate_bv 0000000000000003
; expect-output: xcomp_bv 8000000000000003
; expect-output: header 16-23 AAAAAAAAAAAAAAAA
; expect-output: xmm5 5555555555555555
; expect-output: xrstor standard x87 init: no fault
; expect-output: fcw 000000000000037F
; expect-output: xmm5 0123456789ABCDEF
; expect-output: mxcsr 0000000000003F80
; expect-output: xgetbv 1 (sse loaded, x87 initialised) 0000000000000002
; expect-output: xsaveopt init state: no fault
; expect-output: xstate_bv AAAAAAAAAAAAAAA8
; expect-output: fcw ftw AAAAAAAAAAAAAAAA
; expect-output: xmm5 AAAAAAAAAAAAAAAA
; expect-output: mxcsr mask 0000FFFF00001F80
; expect-output: xsavec init state, mxcsr 1fa0: no fault
; expect-output: xstate_bv 0000000000000002
; expect-output: mxcsr mask 0000FFFF00001FA0
; expect-output: xmm5 0000000000000000
; expect-output: xrstor xstate_bv bit 2: GP 0D 0000000000000000 ok
; expect-output: xrstor header byte 16: GP 0D 0000000000000000 ok
; expect-output: xrstor xcomp_bv without bit 63: GP 0D 0000000000000000 ok
; expect-output: xrstor mxcsr reserved bit: GP 0D 0000000000000000 ok
; expect-output: xmm5 after the faults 0000000000000000
; expect-output: xrstor compacted, xstate_bv not in xcomp_bv: GP 0D 0000000000000000 ok
; expect-output: xrstor compacted, header byte 40: GP 0D 0000000000000000 ok
; expect-output: xrstor compacted, sse format, sse init: no fault
; expect-output: xmm5 0000000000000000
; expect-output: mxcsr 0000000000001F80
; expect-output: xrstor compacted, sse restored: no fault
; expect-output: xmm5 0123456789ABCDEF
; expect-output: mxcsr 0000000000003F80
; expect-output: xrstor compacted, x87 not in format: no fault
; expect-output: fcw 000000000000037F
; expect-output: xmm5 0123456789ABCDEF
; expect-output: xcr0 x87 only, xsave all: no fault
; expect-output: xstate_bv AAAAAAAAAAAAAAAB
; expect-output: xmm5 AAAAAAAAAAAAAAAA
;
; The XSAVE feature set (SDM Vol. 1 chapter 13 "Managing State Using the XSAVE Feature Set",
; Vol. 2 XSAVE, XSAVEOPT, XSAVEC, XRSTOR, XGETBV, XSETBV; CPUID leaf 0DH). CPUID.1:ECX.OSXSAVE
; follows CR4.OSXSAVE; without it XGETBV and XSAVE are #UD. XCR0 is 1 at reset; XSETBV
; rejects ECX != 0, a clear bit 0, unsupported bits and AVX without SSE. The area must be
; 64-byte aligned; CR0.TS makes XSAVE #NM but not XGETBV. XSAVE writes the components in
; RFBM = XCR0 AND EDX:EAX and only the RFBM bits of XSTATE_BV (the area is filled with AAH
; first, so untouched bytes show as AA); MXCSR goes with SSE. XSAVEC writes XSTATE_BV =
; RFBM AND XINUSE and XCOMP_BV = RFBM | bit 63, nothing of bytes 23:16 of the header, and
; saves SSE state when MXCSR is not 1F80H although the XMM registers are 0. The standard
; form of XRSTOR initialises a component whose XSTATE_BV bit is 0 and loads MXCSR whenever
; RFBM[1] = 1; XGETBV(1) then reports SSE (loaded) but not x87 (initialised). XSAVEOPT leaves
; components in their initial configuration unwritten and clears their XSTATE_BV bits.
; XRSTOR's header checks: XSTATE_BV within XCR0, bytes 23:8 zero (standard); XSTATE_BV
; within XCOMP_BV, bytes 63:16 zero (compacted); a reserved MXCSR bit is #GP(0), and a
; faulting XRSTOR changes nothing. The compacted form initialises SSE with MXCSR = 1F80H, and
; a component missing from XCOMP_BV is initialised.
; Bochs 2.7 (scripts/bochs-oracle) prints the same except in two places. Its Tiger Lake
; model reports AVX, AVX-512 and PKRU state, a larger area and XSAVES in CPUID leaf 0DH (the
; Skylake modelled here has only x87 and SSE state: docs/cpu-model.md); XCR0 = 5 is #GP in
; both, for different reasons (an unsupported bit here, AVX without SSE there). And after
; "xrstor compacted, sse format, sse init" Bochs loads MXCSR from the area (3F80H) where the
; XRSTOR pseudocode of the compacted form initialises SSE state with MXCSR = 1F80H: the SDM
; wins, the line says 1F80.
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"

XA equ 0x30000                         ; the XSAVE area (64-byte aligned)

; fill_area: 576 bytes of AAH at XA
%macro fill_area 0
    mov   rdi, XA
    mov   rax, 0xAAAAAAAAAAAAAAAA
    mov   ecx, 72
    rep   stosq
%endmacro

; set_xmm n, qword: both halves of XMMn
%macro set_xmm 2
    mov   rax, %2
    movq  xmm%1, rax
    punpcklqdq xmm%1, xmm%1
%endmacro

; with_regs ecx, edx, eax: set them right before an instruction (the fault handlers clobber
; RAX, RBX, RCX and RDX)
%macro with_regs 3
    mov   ecx, %1
    mov   edx, %2
    mov   eax, %3
%endmacro

main:
    call  install_idt
    fninit                              ; (the x87 state the firmware left is not the point)
    mov   rax, cr4
    or    eax, 1 << 9                   ; OSFXSR (SSE)
    mov   cr4, rax
    mov   eax, 1
    cpuid
    and   ecx, 3 << 26
    show  "cpuid.1:ecx xsave osxsave", rcx
    with_regs 0, 0, 0
    vmfault "xgetbv without cr4.osxsave", xgetbv
    with_regs 0, -1, -1
    vmfault "xsave without cr4.osxsave", xsave [XA]
    mov   rax, cr4
    or    eax, 1 << 18                  ; OSXSAVE
    mov   cr4, rax
    mov   eax, 1
    cpuid
    and   ecx, 3 << 26
    show  "cpuid.1:ecx xsave osxsave", rcx
    mov   eax, 0xD
    xor   ecx, ecx
    cpuid
    mov   [t1], rbx
    mov   [t2], rcx
    show  "cpuid.0dh.0 eax", rax
    show  "cpuid.0dh.0 ebx", [t1]
    show  "cpuid.0dh.0 ecx", [t2]
    mov   eax, 0xD
    mov   ecx, 1
    cpuid
    show  "cpuid.0dh.1 eax", rax

    ; --- XGETBV / XSETBV
    xor   ecx, ecx
    xgetbv
    show  "xcr0 at reset", rax
    with_regs 1, 0, 3
    vmfault "xsetbv ecx 1", xsetbv
    with_regs 0, 0, 2
    vmfault "xsetbv bit 0 clear", xsetbv
    with_regs 0, 0, 5
    vmfault "xsetbv x87 avx", xsetbv
    with_regs 0, 0x80000000, 3
    vmfault "xsetbv bit 63", xsetbv
    with_regs 0, 0, 3
    vmfault "xsetbv x87 sse", xsetbv
    xor   ecx, ecx
    xgetbv
    show  "xcr0", rax
    with_regs 2, 0, 0
    vmfault "xgetbv ecx 2", xgetbv

    ; --- alignment, CR0.TS
    with_regs 0, -1, -1
    vmfault "xsave misaligned", xsave [XA + 32]
    clts
    mov   rax, cr0
    or    eax, 1 << 3                   ; TS
    mov   cr0, rax
    with_regs 0, -1, -1
    vmfault "xsave cr0.ts", xsave [XA]
    with_regs 0, 0, 0
    vmfault "xgetbv cr0.ts", xgetbv
    clts

    ; --- XSAVE: every component, then SSE only, then x87 only
    mov   word [t1], 0x027F
    fldcw [t1]
    mov   dword [t1], 0x1FA0
    ldmxcsr [t1]
    set_xmm 0, 0x1111111111111111
    set_xmm 5, 0x5555555555555555
    set_xmm 15, -1
    fill_area
    with_regs 0, -1, -1
    vmfault "xsave all", xsave [XA]
    show  "xstate_bv", [XA + 512]
    show  "xcomp_bv", [XA + 520]
    show  "fcw ftw", [XA]
    show  "mxcsr mask", [XA + 24]
    show  "xmm0", [XA + 160]
    show  "xmm15", [XA + 160 + 15*16 + 8]
    show  "byte 416", [XA + 416]
    show  "byte 464", [XA + 464]
    fill_area
    mov   qword [XA + 512], 0
    with_regs 0, 0, 2
    vmfault "xsave sse only", xsave [XA]
    show  "xstate_bv", [XA + 512]
    show  "fcw ftw", [XA]
    show  "xmm5", [XA + 160 + 5*16]
    fill_area
    with_regs 0, 0, 1
    vmfault "xsave x87 only", xsave [XA]
    show  "mxcsr mask", [XA + 24]
    show  "xmm5", [XA + 160 + 5*16]

    ; --- XSAVEC
    fill_area
    with_regs 0, -1, -1
    vmfault "xsavec all", xsavec [XA]
    show  "xstate_bv", [XA + 512]
    show  "xcomp_bv", [XA + 520]
    show  "header 16-23", [XA + 528]
    show  "xmm5", [XA + 160 + 5*16]

    ; --- XRSTOR, standard form: XSTATE_BV = 2 initialises x87 and loads the XMM registers
    mov   rdi, XA
    xor   eax, eax
    mov   ecx, 72
    rep   stosq
    mov   qword [XA + 512], 2
    mov   rax, 0x0123456789ABCDEF
    mov   [XA + 160 + 5*16], rax
    mov   dword [XA + 24], 0x3F80
    with_regs 0, 0, 3
    vmfault "xrstor standard x87 init", xrstor [XA]
    fnstcw [t1]
    movzx eax, word [t1]
    show  "fcw", rax
    movq  rax, xmm5
    show  "xmm5", rax
    stmxcsr [t1]
    mov   eax, [t1]
    show  "mxcsr", rax
    mov   ecx, 1
    xgetbv
    show  "xgetbv 1 (sse loaded, x87 initialised)", rax

    ; --- XSAVEOPT with both components in their initial configuration
    mov   dword [XA + 24], 0x1F80           ; (the standard form loads MXCSR)
    mov   qword [XA + 512], 0               ; XRSTOR: initialise everything
    mov   eax, 3
    xor   edx, edx
    xrstor [XA]
    fill_area
    with_regs 0, 0, 3
    vmfault "xsaveopt init state", xsaveopt [XA]
    show  "xstate_bv", [XA + 512]
    show  "fcw ftw", [XA]
    show  "xmm5", [XA + 160 + 5*16]
    show  "mxcsr mask", [XA + 24]
    ; XSAVEC saves SSE state when MXCSR is not 1F80H, though XINUSE[1] may be 0
    mov   dword [t1], 0x1FA0
    ldmxcsr [t1]
    fill_area
    with_regs 0, 0, 3
    vmfault "xsavec init state, mxcsr 1fa0", xsavec [XA]
    show  "xstate_bv", [XA + 512]
    show  "mxcsr mask", [XA + 24]
    show  "xmm5", [XA + 160 + 5*16]

    ; --- XRSTOR faults (XMM5 is 0 and must stay so)
    mov   rdi, XA
    xor   eax, eax
    mov   ecx, 72
    rep   stosq
    mov   rax, 0x0123456789ABCDEF
    mov   [XA + 160 + 5*16], rax
    mov   dword [XA + 24], 0x3F80
    mov   eax, 3
    xor   edx, edx
    mov   qword [XA + 512], 6
    with_regs 0, 0, 3
    vmfault "xrstor xstate_bv bit 2", xrstor [XA]
    mov   qword [XA + 512], 2
    mov   byte [XA + 528], 1
    with_regs 0, 0, 3
    vmfault "xrstor header byte 16", xrstor [XA]
    mov   byte [XA + 528], 0
    mov   qword [XA + 520], 2
    with_regs 0, 0, 3
    vmfault "xrstor xcomp_bv without bit 63", xrstor [XA]
    mov   qword [XA + 520], 0
    mov   dword [XA + 24], 0x10000
    with_regs 0, 0, 3
    vmfault "xrstor mxcsr reserved bit", xrstor [XA]
    movq  rax, xmm5
    show  "xmm5 after the faults", rax
    mov   dword [XA + 24], 0x3F80
    ; compacted form
    mov   rax, 0x8000000000000002
    mov   [XA + 520], rax
    mov   qword [XA + 512], 3
    with_regs 0, 0, 3
    vmfault "xrstor compacted, xstate_bv not in xcomp_bv", xrstor [XA]
    mov   qword [XA + 512], 2
    mov   byte [XA + 552], 1
    with_regs 0, 0, 3
    vmfault "xrstor compacted, header byte 40", xrstor [XA]
    mov   byte [XA + 552], 0
    mov   qword [XA + 512], 0
    set_xmm 5, -1
    with_regs 0, 0, 3
    vmfault "xrstor compacted, sse format, sse init", xrstor [XA]
    movq  rax, xmm5
    show  "xmm5", rax
    stmxcsr [t1]
    mov   eax, [t1]
    show  "mxcsr", rax
    mov   qword [XA + 512], 2
    with_regs 0, 0, 3
    vmfault "xrstor compacted, sse restored", xrstor [XA]
    movq  rax, xmm5
    show  "xmm5", rax
    stmxcsr [t1]
    mov   eax, [t1]
    show  "mxcsr", rax
    mov   word [t1], 0x027F
    fldcw [t1]
    mov   qword [XA + 512], 2               ; XCOMP_BV = SSE only: x87 (in RFBM) initialised
    with_regs 0, 0, 3
    vmfault "xrstor compacted, x87 not in format", xrstor [XA]
    fnstcw [t1]
    movzx eax, word [t1]
    show  "fcw", rax
    movq  rax, xmm5
    show  "xmm5", rax

    ; --- XCR0 limits RFBM
    xor   ecx, ecx
    xor   edx, edx
    mov   eax, 1
    xsetbv
    mov   word [t1], 0x027F
    fldcw [t1]
    fill_area
    with_regs 0, -1, -1
    vmfault "xcr0 x87 only, xsave all", xsave [XA]
    show  "xstate_bv", [XA + 512]
    show  "xmm5", [XA + 160 + 5*16]
    mov   al, 0
    jmp   exit

    align 8
t1: dq 0
t2: dq 0
%include "include/end.inc"
