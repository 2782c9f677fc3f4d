; expect-exit: 1
; expect-output: andn: #UD at 7C29 ok
; expect-output: shlx: #UD at 7C46 ok
; expect-output: cpuid.7:ebx bmi1 bmi2 0108
;
; VEX-encoded GPR instructions "are not supported in real and virtual 8086 modes" (SDM
; Vol. 2A 2.5 "VEX-Encoded GPR Instructions"; ANDN, SHLX "Real-Address Mode Exceptions":
; #UD). In 16-bit code C4 with ModRM.mod = 11 is the VEX prefix, not LES (which has no
; register form). CPUID.7:EBX reports BMI1 (bit 3) and BMI2 (bit 8), whose results the
; differential host oracle (tests/unit/test_diff_host.cpp) checks in 64-bit code.
; Bochs 2.7 (scripts/bochs-oracle) prints "no fault" for both: it executes the BMI
; instructions in real mode. The SDM decides (and Linux KVM's emulator was fixed to raise
; #UD here "to be consistent with real hardware"); the CPUID line agrees.
bits 16
org 0x7c00
    cli
    xor   ax, ax
    mov   ds, ax
    mov   ss, ax
    mov   sp, 0x7c00
    cld
    mov   word [6*4], isr_ud
    mov   word [6*4 + 2], 0
    mov   si, s_andn
    call  puts
    mov   word [want], t1
    mov   word [next], t2
t1: db 0xC4, 0xE2, 0x78, 0xF2, 0xC1       ; andn eax, eax, ecx
    mov   si, s_nofault                   ; (not reached when #UD is raised)
    call  puts
t2: mov   si, s_shlx
    call  puts
    mov   word [want], u2
    mov   word [next], t3
u2: db 0xC4, 0xE2, 0x79, 0xF7, 0xC1       ; shlx eax, ecx, eax
    mov   si, s_nofault
    call  puts
t3: mov   si, s_cpuid
    call  puts
    mov   eax, 7
    xor   ecx, ecx
    cpuid
    mov   ax, bx
    and   ax, 0x0108
    call  hex16
    mov   al, 10
    out   0xe9, al
    xor   al, al
    out   0xf4, al
    mov   dx, 0x8900
    mov   si, s_shut
    mov   cx, 8
    rep   outsb
    hlt

isr_ud:                                   ; "#UD at IP ok" (IP = [want]), resume at [next]
    push  bp
    mov   bp, sp
    mov   si, s_at
    call  puts
    mov   ax, [bp + 2]
    mov   si, s_ok
    cmp   ax, [want]
    je    .p
    mov   si, s_bad
.p: call  hex16
    call  puts
    mov   ax, [next]
    mov   [bp + 2], ax
    pop   bp
    iret

%include "include/real16.inc"

next:    dw 0
want:    dw 0
s_andn:  db "andn: ", 0
s_shlx:  db "shlx: ", 0
s_cpuid: db "cpuid.7:ebx bmi1 bmi2 ", 0
s_at:    db "#UD at ", 0
s_ok:    db " ok", 10, 0
s_bad:   db " bad", 10, 0
s_nofault: db "no fault", 10, 0
s_shut:  db "Shutdown"
    times 510 - ($ - $$) db 0
    dw 0xAA55
