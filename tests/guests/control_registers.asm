; expect-exit: 1
; expect-output: cpuid.80000008h:eax[7:0] maxphyaddr 0000000000000027
; expect-output: cr0 0000000080000011
; expect-output: cr0 et clear: no fault
; expect-output: cr0 0000000080000011
; expect-output: cr0 reserved bit 6: no fault
; expect-output: cr0 0000000080000011
; expect-output: cr0 reserved bit 15: no fault
; expect-output: cr0 0000000080000011
; expect-output: cr0 bit 32: GP 0D 0000000000000000 ok
; expect-output: cr0 bit 63: GP 0D 0000000000000000 ok
; expect-output: cr0 pg without pe: GP 0D 0000000000000000 ok
; expect-output: cr0 nw without cd: GP 0D 0000000000000000 ok
; expect-output: cr0 pg clear in 64-bit mode: GP 0D 0000000000000000 ok
; expect-output: cr0 0000000080000011
; expect-output: cr0 cd nw: no fault
; expect-output: cr0 00000000E0000011
; expect-output: cr0 wp ne am: no fault
; expect-output: cr0 0000000080050031
; expect-output: smsw r64 0000000080000011
; expect-output: smsw r32 0000000080000011
; expect-output: smsw m16 FFFFFFFFFFFF0011
; expect-output: lmsw mp em ts: no fault
; expect-output: cr0 000000008000001F
; expect-output: lmsw 0: no fault
; expect-output: cr0 (pe stays set) 0000000080000011
; expect-output: lmsw fff0: no fault
; expect-output: cr0 (bits 15:4 not loaded) 0000000080000011
; expect-output: cr2 non-canonical: no fault
; expect-output: cr2 DEADBEEFCAFEF00D
; expect-output: mov rax, cr2 (66h prefix) DEADBEEFCAFEF00D
; expect-output: mov rax, cr2 (mod 00) DEADBEEFCAFEF00D
; expect-output: cr3 0000000000001000
; expect-output: cr3 pwt pcd: no fault
; expect-output: cr3 0000000000001018
; expect-output: cr3 ignored bits: no fault
; expect-output: cr3 0000000000001FE7
; expect-output: cr3 bit maxphyaddr: GP 0D 0000000000000000 ok
; expect-output: cr3 bit 51: GP 0D 0000000000000000 ok
; expect-output: cr3 bit 63, pcide 0: GP 0D 0000000000000000 ok
; expect-output: cr3 0000000000001FE7
; expect-output: cr4 0000000000000020
; expect-output: cr4 pae clear in ia-32e mode: GP 0D 0000000000000000 ok
; expect-output: cr4 la57 in ia-32e mode: GP 0D 0000000000000000 ok
; expect-output: cr4 bit 15: GP 0D 0000000000000000 ok
; expect-output: cr4 bit 32: GP 0D 0000000000000000 ok
; expect-output: cr4 bit 63: GP 0D 0000000000000000 ok
; expect-output: cr4.vme = cpuid.1:edx.vme 0000000000000001
; expect-output: cr4.pvi = cpuid.1:edx.vme 0000000000000001
; expect-output: cr4.tsd = cpuid.1:edx.tsc 0000000000000001
; expect-output: cr4.de = cpuid.1:edx.de 0000000000000001
; expect-output: cr4.pse = cpuid.1:edx.pse 0000000000000001
; expect-output: cr4.mce = cpuid.1:edx.mce 0000000000000001
; expect-output: cr4.pge = cpuid.1:edx.pge 0000000000000001
; expect-output: cr4.osfxsr = cpuid.1:edx.fxsr 0000000000000001
; expect-output: cr4.osxmmexcpt = cpuid.1:edx.sse 0000000000000001
; expect-output: cr4.umip = cpuid.7:ecx.umip 0000000000000001
; expect-output: cr4.vmxe = cpuid.1:ecx.vmx 0000000000000001
; expect-output: cr4.smxe = cpuid.1:ecx.smx 0000000000000001
; expect-output: cr4.fsgsbase = cpuid.7:ebx.fsgsbase 0000000000000001
; expect-output: cr4.pcide = cpuid.1:ecx.pcid 0000000000000001
; expect-output: cr4.osxsave = cpuid.1:ecx.xsave 0000000000000001
; expect-output: cr4.kl = cpuid.7:ecx.kl 0000000000000001
; expect-output: cr4.smep = cpuid.7:ebx.smep 0000000000000001
; expect-output: cr4.smap = cpuid.7:ebx.smap 0000000000000001
; expect-output: cr4.pke = cpuid.7:ecx.pku 0000000000000001
; expect-output: cr4.cet = cpuid.7:ecx.cet_ss 0000000000000001
; expect-output: cr4.pks = cpuid.7:ecx.pks 0000000000000001
; expect-output: cr4 0000000000000020
; expect-output: cr4 pcide with cr3[11:0] 008: GP 0D 0000000000000000 ok
; expect-output: cr4 pcide with cr3[11:0] 0: no fault
; expect-output: cr4 0000000000020020
; expect-output: cr3 pcid 1, bit 63: no fault
; expect-output: cr3 (bit 63 not stored) 0000000000001001
; expect-output: cr4 pcide clear: no fault
; expect-output: cr4 0000000000000020
; expect-output: cr8 0000000000000000
; expect-output: cr8 0ah: no fault
; expect-output: cr8 000000000000000A
; expect-output: apic tpr 00000000000000A0
; expect-output: cr8 after apic tpr 5ch 0000000000000005
; expect-output: apic tpr 000000000000005C
; expect-output: cr8 bit 4: GP 0D 0000000000000000 ok
; expect-output: cr8 bit 63: GP 0D 0000000000000000 ok
; expect-output: cr8 0000000000000005
; expect-output: cr8 0: no fault
; expect-output: apic tpr 0000000000000000
; expect-output: mov cr1, rax: UD 06 ok
; expect-output: mov rax, cr1: UD 06 ok
; expect-output: mov cr5, rax: UD 06 ok
; expect-output: mov rax, cr6: UD 06 ok
; expect-output: mov cr7, rax: UD 06 ok
; expect-output: mov cr9, rax: UD 06 ok
; expect-output: mov rax, cr9: UD 06 ok
; expect-output: mov rax, cr15: UD 06 ok
; expect-output: lock mov rax, cr0: UD 06 ok
;
; Control registers outside VMX operation (SDM Vol. 3 2.5 "Control Registers", 2.8.1, 4.5,
; 4.10.1, 10.8.6 "Task Priority in IA-32e Mode"; Vol. 2 MOV—Move to/from Control
; Registers, SMSW, LMSW), from 64-bit mode. CR0: ET reads 1 whatever is written, reserved
; bits 31:0 are ignored (read 0), bits 63:32 are #GP(0), as are PG without PE, NW without
; CD and clearing PG in 64-bit mode. SMSW stores all of CR0 to a register and its low word
; to memory; LMSW loads PE MP EM TS only and cannot clear PE. CR2 takes any value. CR3
; keeps PWT, PCD and the ignored low bits; bit MAXPHYADDR and up, and bit 63 with
; CR4.PCIDE = 0, are #GP(0); with PCIDE = 1 bit 63 only keeps the PCID's translations
; and reads 0. CR4: PAE cannot be cleared and LA57 not changed in IA-32e mode; bits 15 and
; 63:32 are reserved; every other bit is settable exactly when its CPUID feature flag is
; 1 (each "cr4.X = cpuid..." line prints 1 when MOV CR4 accepted the bit iff the flag is
; set); PCIDE needs CR3[11:0] = 0. CR8 writes TPR[7:4] (TPR[3:0] = 0), reads TPR[7:4],
; follows a TPR written at FEE00080H, and bits 63:4 are #GP(0). CR1, CR5-CR7, CR9-CR15
; and LOCK MOV CR0 are #UD; in 64-bit mode MOV CR ignores 66H and the mod field.
; Bochs 2.7 (scripts/bochs-oracle) prints the same except:
; - maxphyaddr 28H (40 bits) where this model has 27H (39): model difference, Bochs's
;   Tiger Lake vs our Skylake i7-6700K. Each model faults at its own MAXPHYADDR bit.
; - nothing else: "cr4.de" and "cr4.mce" print 1 in both since the model reports DE and MCE
;   in CPUID.1:EDX (before this test it accepted both bits without reporting them).
; Bochs accepts VME, PVI, UMIP, FSGSBASE, PKE and CET, which its CPU reports and this
; model does not (model difference); both lines print 1.
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"

APIC equ 0xFEE00000
CR0_BASE equ 0x80000011                 ; PG | ET | PE

; movcr "name", n, value: "name: " and what MOV CRn, RAX does with RAX = value
%macro movcr 3
    mov   rax, %3
    vmfault %1, mov cr%2, rax
%endmacro

main:
    call  install_idt
    ; map the APIC page like lapic_timer.asm: PDPT entry 3 -> a PD whose entry 503 is the
    ; 2 MiB page at FEE00000H, uncached
    mov   qword [0x2018], 0x4003
    mov   rdi, 0x4000
    mov   ecx, 512
    xor   eax, eax
    rep   stosq
    mov   rax, 0xFEE00000 | 0x9B
    mov   [0x4000 + 503*8], rax
    mov   r8, APIC                      ; r8 = the APIC base in all of this test
    mov   rax, cr3
    mov   cr3, rax
    mov   eax, 0x80000008
    cpuid
    and   eax, 0xFF
    show  "cpuid.80000008h:eax[7:0] maxphyaddr", rax

    ; --- CR0
    mov   eax, CR0_BASE
    mov   cr0, rax
    show  "cr0", cr0
    movcr "cr0 et clear", 0, 0x80000001
    show  "cr0", cr0
    movcr "cr0 reserved bit 6", 0, CR0_BASE | (1 << 6)
    show  "cr0", cr0
    movcr "cr0 reserved bit 15", 0, CR0_BASE | (1 << 15)
    show  "cr0", cr0
    mov   eax, CR0_BASE
    mov   cr0, rax
    movcr "cr0 bit 32", 0, (1 << 32) | CR0_BASE
    movcr "cr0 bit 63", 0, (1 << 63) | CR0_BASE
    movcr "cr0 pg without pe", 0, 0x80000010
    movcr "cr0 nw without cd", 0, CR0_BASE | (1 << 29)
    movcr "cr0 pg clear in 64-bit mode", 0, 0x00000011
    show  "cr0", cr0
    movcr "cr0 cd nw", 0, CR0_BASE | (3 << 29)
    show  "cr0", cr0
    movcr "cr0 wp ne am", 0, CR0_BASE | (1 << 16) | (1 << 5) | (1 << 18)
    show  "cr0", cr0
    mov   eax, CR0_BASE
    mov   cr0, rax

    ; --- SMSW / LMSW
    mov   rax, -1
    smsw  rax
    show  "smsw r64", rax
    mov   rax, -1
    smsw  eax
    show  "smsw r32", rax
    mov   qword [t1], -1
    smsw  [t1]
    show  "smsw m16", [t1]
    mov   eax, 0xE
    vmfault "lmsw mp em ts", lmsw ax
    show  "cr0", cr0
    mov   eax, 0
    vmfault "lmsw 0", lmsw ax
    show  "cr0 (pe stays set)", cr0
    mov   eax, 0xFFF0
    vmfault "lmsw fff0", lmsw ax
    show  "cr0 (bits 15:4 not loaded)", cr0
    mov   eax, CR0_BASE
    mov   cr0, rax

    ; --- CR2
    movcr "cr2 non-canonical", 2, 0xDEADBEEFCAFEF00D
    show  "cr2", cr2
    xor   eax, eax
    db    0x66, 0x0F, 0x20, 0xD0        ; mov rax, cr2 with 66H: still 64 bits
    show  "mov rax, cr2 (66h prefix)", rax
    xor   eax, eax
    db    0x0F, 0x20, 0x10              ; mod = 00: the mod field is ignored
    show  "mov rax, cr2 (mod 00)", rax

    ; --- CR3
    show  "cr3", cr3
    movcr "cr3 pwt pcd", 3, 0x1018
    show  "cr3", cr3
    movcr "cr3 ignored bits", 3, 0x1FE7
    show  "cr3", cr3
    mov   eax, 0x80000008
    cpuid
    mov   ecx, eax
    mov   eax, 1
    shl   rax, cl                       ; bit MAXPHYADDR (39 here, 40 in Bochs)
    or    rax, 0x1000
    vmfault "cr3 bit maxphyaddr", mov cr3, rax
    movcr "cr3 bit 51", 3, (1 << 51) | 0x1000
    movcr "cr3 bit 63, pcide 0", 3, (1 << 63) | 0x1000
    show  "cr3", cr3
    mov   eax, 0x1000
    mov   cr3, rax

    ; --- CR4: bits reserved on every model, then the bits whose CPUID flag says whether
    ; they exist (settable = 1 exactly when the flag is 1)
    show  "cr4", cr4
    movcr "cr4 pae clear in ia-32e mode", 4, 0
    movcr "cr4 la57 in ia-32e mode", 4, 0x20 | (1 << 12)
    movcr "cr4 bit 15", 4, 0x20 | (1 << 15)
    movcr "cr4 bit 32", 4, 0x20 | (1 << 32)
    movcr "cr4 bit 63", 4, 0x20 | (1 << 63)
    mov   eax, CR0_BASE | (1 << 16)     ; WP (CR4.CET needs it)
    mov   cr0, rax
    set_gate 13, quiet_gp
    lea   r12, [rel features]
    call  cr4_features
    set_gate 13, isr_gp
    mov   eax, CR0_BASE
    mov   cr0, rax
    show  "cr4", cr4
    mov   eax, 0x1008
    mov   cr3, rax
    movcr "cr4 pcide with cr3[11:0] 008", 4, 0x20 | (1 << 17)
    mov   eax, 0x1000
    mov   cr3, rax
    movcr "cr4 pcide with cr3[11:0] 0", 4, 0x20 | (1 << 17)
    show  "cr4", cr4
    movcr "cr3 pcid 1, bit 63", 3, (1 << 63) | 0x1001
    show  "cr3 (bit 63 not stored)", cr3
    mov   eax, 0x1000
    mov   cr3, rax
    movcr "cr4 pcide clear", 4, 0x20
    show  "cr4", cr4

    ; --- CR8 and the APIC TPR (FEE00080H)
    show  "cr8", cr8
    movcr "cr8 0ah", 8, 0xA
    show  "cr8", cr8
    mov   eax, [r8 + 0x80]
    show  "apic tpr", rax
    mov   dword [r8 + 0x80], 0x5C
    show  "cr8 after apic tpr 5ch", cr8
    mov   eax, [r8 + 0x80]
    show  "apic tpr", rax
    movcr "cr8 bit 4", 8, 0x10
    movcr "cr8 bit 63", 8, (1 << 63) | 1
    show  "cr8", cr8
    movcr "cr8 0", 8, 0
    mov   eax, [r8 + 0x80]
    show  "apic tpr", rax

    ; --- CR1, CR5-CR7, CR9 and LOCK MOV CR0 are #UD
    vmfault "mov cr1, rax", db 0x0F, 0x22, 0xC8
    vmfault "mov rax, cr1", db 0x0F, 0x20, 0xC8
    vmfault "mov cr5, rax", db 0x0F, 0x22, 0xE8
    vmfault "mov rax, cr6", db 0x0F, 0x20, 0xF0
    vmfault "mov cr7, rax", db 0x0F, 0x22, 0xF8
    vmfault "mov cr9, rax", db 0x44, 0x0F, 0x22, 0xC8
    vmfault "mov rax, cr9", db 0x44, 0x0F, 0x20, 0xC8
    vmfault "mov rax, cr15", db 0x44, 0x0F, 0x20, 0xF8
    vmfault "lock mov rax, cr0", db 0xF0, 0x0F, 0x20, 0xC0
    mov   al, 0
    jmp   exit

; cr4_features: for each entry at R12 (CR4 bit, CPUID leaf, register 0-3 = EAX-EDX, flag
; bit, name; a bit of FFH ends the table) sets the CR4 bit (with quiet_gp as the #GP
; handler) and prints "name 1" when MOV CR4 accepted it exactly when the CPUID flag is 1.
; CR4 is restored after each.
cr4_features:
    movzx r15d, byte [r12]
    cmp   r15d, 0xFF
    je    .done
    movzx eax, byte [r12 + 1]
    xor   ecx, ecx
    cpuid
    mov   [cpuid_out], eax
    mov   [cpuid_out + 4], ebx
    mov   [cpuid_out + 8], ecx
    mov   [cpuid_out + 12], edx
    movzx eax, byte [r12 + 2]
    mov   r10d, [cpuid_out + rax*4]
    movzx ecx, byte [r12 + 3]
    shr   r10d, cl
    and   r10d, 1                       ; r10 = the CPUID flag
    mov   r11, cr4
    mov   r9d, 1                        ; r9 = 1 unless MOV CR4 faults
    mov   qword [resume], .after
    mov   rax, r11
    bts   rax, r15
    mov   cr4, rax
.after:
    mov   cr4, r11
    xor   r9, r10
    xor   r9, 1
    lea   rsi, [r12 + 4]
    call  print_str
    mov   r12, rsi                      ; the next entry
    mov   al, ' '
    out   0xe9, al
    mov   rax, r9
    mov   cl, 16
    call  print_hex
    mov   al, 10
    out   0xe9, al
    jmp   cr4_features
.done:
    ret

; #GP handler for cr4_features: no output, r9 = 0, resume at [resume] on the same stack
quiet_gp:
    xor   r9d, r9d
    add   rsp, 8                        ; the error code
    push  rax
    mov   rax, [resume]
    mov   [rsp + 8], rax                ; the saved RIP
    pop   rax
    iretq

%macro feature 5
    db %1, %2, %3, %4, %5, 0
%endmacro
features:
    feature 0, 1, 3, 1, "cr4.vme = cpuid.1:edx.vme"
    feature 1, 1, 3, 1, "cr4.pvi = cpuid.1:edx.vme"
    feature 2, 1, 3, 4, "cr4.tsd = cpuid.1:edx.tsc"
    feature 3, 1, 3, 2, "cr4.de = cpuid.1:edx.de"
    feature 4, 1, 3, 3, "cr4.pse = cpuid.1:edx.pse"
    feature 6, 1, 3, 7, "cr4.mce = cpuid.1:edx.mce"
    feature 7, 1, 3, 13, "cr4.pge = cpuid.1:edx.pge"
    feature 9, 1, 3, 24, "cr4.osfxsr = cpuid.1:edx.fxsr"
    feature 10, 1, 3, 25, "cr4.osxmmexcpt = cpuid.1:edx.sse"
    feature 11, 7, 2, 2, "cr4.umip = cpuid.7:ecx.umip"
    feature 13, 1, 2, 5, "cr4.vmxe = cpuid.1:ecx.vmx"
    feature 14, 1, 2, 6, "cr4.smxe = cpuid.1:ecx.smx"
    feature 16, 7, 1, 0, "cr4.fsgsbase = cpuid.7:ebx.fsgsbase"
    feature 17, 1, 2, 17, "cr4.pcide = cpuid.1:ecx.pcid"
    feature 18, 1, 2, 26, "cr4.osxsave = cpuid.1:ecx.xsave"
    feature 19, 7, 2, 23, "cr4.kl = cpuid.7:ecx.kl"
    feature 20, 7, 1, 7, "cr4.smep = cpuid.7:ebx.smep"
    feature 21, 7, 1, 20, "cr4.smap = cpuid.7:ebx.smap"
    feature 22, 7, 2, 3, "cr4.pke = cpuid.7:ecx.pku"
    feature 23, 7, 2, 7, "cr4.cet = cpuid.7:ecx.cet_ss"
    feature 24, 7, 2, 31, "cr4.pks = cpuid.7:ecx.pks"
    db 0xFF

    align 8
t1: dq 0
cpuid_out: dd 0, 0, 0, 0
%include "include/end.inc"
