; expect-exit: 1
; expect-output: CPUID 7.EBX & SMEP|SMAP: 00100080, 80000001H.EDX & 1GB: 04000000
; expect-output: SMEP off: supervisor call to a user page returns
; expect-output: PF 0E 0000000000000011 0000000000600000 ok
; expect-output: SMAP off: user page reads 5A, MOV DS from an LDT on it works
; expect-output: PF 0E 0000000000000001 0000000000600800 ok
; expect-output: PF 0E 0000000000000003 0000000000600800 ok
; expect-output: SMAP, STAC: user page reads 5A, after a write 5C
; expect-output: PF 0E 0000000000000001 0000000000600800 ok
; expect-output: PF 0E 0000000000000001 0000000000601000 ok
; expect-output: UD 06 ok
; expect-output: back at CPL 0 through INT 80h
; expect-output: 1-GiB page at physical 0: 40300000H reads 31
; expect-output: PF 0E 0000000000000009 0000000040300000 ok
; expect-output: 1-GiB page remapped, no invalidation: 40301000H reads 32; after INVLPG 40300000H: 42
; run-args: --flat 0x7c00 --mem 2048
;
; SMEP, SMAP and 1-GiB pages (SDM Vol. 3 4.5, 4.6, 4.7, 4.10). 600000H-7FFFFFH becomes a
; user 2-MiB page (U/S = 1 in PML4[0], PDPT[0] and PD[3]); everything else the test touches
; (code, stack, IDT, GDT, TSS) stays supervisor (PD[0].U/S = 0).
;  1. CPUID.(7,0):EBX bits 7 (SMEP), 20 (SMAP); CPUID.80000001H:EDX bit 26 (1-GiB pages).
;  2. SMEP off: a supervisor CALL to a RET on the user page returns (4.6.1).
;  3. SMEP on: the same fetch faults: #PF, error P|I/D = 11H (I/D is set for fetches when
;     SMEP = 1 even with NXE = 0, 4.7), CR2 and saved RIP = the target (the return address
;     went to the supervisor stack). MOV to CR4 setting SMEP flushes the TLB (4.10.4.1).
;  4. SMAP off: supervisor read of the user page, and MOV DS through an LDT lying in it, work.
;  5. SMAP on, AC = 0: supervisor read -> #PF error 1 (P), write -> #PF error 3 (P|W).
;  6. STAC: explicit read and write work; CLAC: the read faults again.
;  7. An implicit supervisor access to a user page faults even with AC = 1 (4.6.1: loading
;     a segment descriptor from the LDT is one): STAC, then MOV DS with selector 4 (LDT
;     entry 0, LDT at 601000H) -> #PF error 1 (a descriptor read: W = 0), CR2 = 601000H.
;     The LDT and not the GDT is put on the user page so that delivering the #PF (which
;     reads the CS descriptor of the IDT gate from the GDT) still works.
;  8. STAC at CPL 3 (code on the user page, entered by IRETQ) -> #UD (SDM Vol. 2 STAC);
;     the handler resumes at CPL 3 at an INT 80h through a DPL-3 gate that brings ring 0 back.
;  9. PDPT[1] = 0 | 83H: a 1-GiB page, 40300000H reads physical 300000H; with bit 13
;     (reserved: bits 29:13 of a 1-GiB PDPTE, 4.5 table 4-16) set, #PF error P|RSVD = 9.
; 10. A 1-GiB page is cached in 4-KiB pieces; INVLPG of one address in it must drop the
;     others (4.10.4.1): read 40300000H and 40301000H, point PDPT[1] at physical 40000000H
;     (needs --mem 2048: RAM above 1 GiB, written through PDPT[2]), INVLPG 40300000H and
;     read 40301000H again. The read before the INVLPG may be stale (the test prints it).
; Expected lines written from the SDM. Bochs 2.7 (scripts/bochs-oracle with megs: 2048)
; prints the same except case 7: it has no "PF ... 0000000000601000" line, because its
; SMAP check (cpu/paging.cc: cr4.SMAP && !AC && rw != EXECUTE && !user) does not tell
; implicit supervisor accesses from explicit ones, so AC = 1 lets the LDT read through.
; SDM Vol. 3 4.6.1 names descriptor loads from the LDT as implicit supervisor-mode
; accesses and says "If EFLAGS.AC = 0 or the access is implicit, data may not be read from
; any user-mode address": the #PF is right.
%include "include/long_mode.inc"
%include "include/exceptions.inc"

UPAGE equ 0x600000                      ; the user 2-MiB page
UDATA equ UPAGE + 0x800                 ; data byte on it
LDT   equ UPAGE + 0x1000                ; an LDT on it
USTUB equ UPAGE + 0x100                 ; ring-3 code copied there
TSS   equ 0x11000

%macro print 1
    lea   rsi, [rel %1]
    call  print_str
%endmacro
%macro hex 2                            ; print %1 (a register/operand) as %2 hex digits
    mov   rax, %1
    mov   cl, %2
    call  print_hex
%endmacro

main:
    call  install_idt
    set_gate 0x80, back_to_ring0
    mov   word [IDT + 0x80*16 + 4], 0xEE00      ; DPL 3
    lgdt  [gdtr]
    mov   rdi, TSS
    mov   ecx, 0x68 / 8
    xor   eax, eax
    rep   stosq
    mov   qword [TSS + 4], 0x7000               ; RSP0
    mov   word [TSS + 0x66], 0x68
    mov   ax, 0x28
    ltr   ax
    mov   ax, 0x38
    lldt  ax
    ; the user page: U/S at every level for 600000H only
    or    qword [0x1000], 4
    or    qword [0x2000], 4
    mov   qword [0x3018], UPAGE | 0x87
    mov   rax, cr3
    mov   cr3, rax
    mov   byte [UPAGE], 0xC3                    ; RET
    mov   byte [UDATA], 0x5A
    mov   rax, 0x00CF93000000FFFF               ; LDT[0]: data, accessed
    mov   [LDT], rax
    lea   rsi, [rel ustub]
    mov   rdi, USTUB
    mov   ecx, ustub_end - ustub
    rep   movsb

    ; 1. CPUID
    mov   eax, 7
    xor   ecx, ecx
    cpuid
    and   ebx, (1 << 7) | (1 << 20)
    mov   r8d, ebx
    mov   eax, 0x80000001
    cpuid
    and   edx, 1 << 26
    mov   r9d, edx
    print s_cpuid
    hex   r8, 8
    print s_cpuid2
    hex   r9, 8
    print s_nl

    ; 2. SMEP off: call into the user page
    mov   eax, UPAGE
    call  rax
    print s_smep0

    ; 3. SMEP on
    mov   rax, cr4
    or    eax, 1 << 20
    mov   cr4, rax
    expect UPAGE, t4
    mov   eax, UPAGE
    call  rax

t4: ; 4. SMAP off: explicit read, LDT descriptor read
    movzx r8d, byte [UDATA]
    mov   ax, 4
    mov   ds, ax
    mov   ax, 0x10
    mov   ds, ax
    print s_smap0
    hex   r8, 2
    print s_smap0b

    ; 5. SMAP on, AC = 0
    mov   rax, cr4
    or    eax, 1 << 21
    mov   cr4, rax
    clac
    expect t5r, t5w
t5r:
    movzx eax, byte [UDATA]
t5w:
    expect t5w_i, t6
t5w_i:
    mov   byte [UDATA], 0x5B

t6: ; 6. STAC: read and write; CLAC: read faults
    stac
    movzx r8d, byte [UDATA]
    mov   byte [UDATA], 0x5C
    movzx r9d, byte [UDATA]
    clac
    print s_stac
    hex   r8, 2
    print s_stac2
    hex   r9, 2
    print s_nl
    expect t6c, t7
t6c:
    movzx eax, byte [UDATA]

t7: ; 7. implicit supervisor access (LDT descriptor read) with AC = 1
    stac
    expect t7i, t8
    mov   ax, 4
t7i:
    mov   ds, ax
t8: clac
    mov   ax, 0x10
    mov   ds, ax

    ; 8. STAC at CPL 3
    expect USTUB + (u_stac - ustub), USTUB + (u_back - ustub)
    push  0x1B                                  ; SS
    push  UPAGE + 0x100000                      ; user RSP (on the user page)
    push  0x002                                 ; RFLAGS
    push  0x23                                  ; CS
    push  USTUB
    iretq

t9: ; 9. 1-GiB page
    mov   byte [0x300000], 0x31
    mov   byte [0x301000], 0x32
    mov   qword [0x2008], 0x83                  ; PDPT[1]: 1 GiB at physical 0
    mov   rdi, 0x40300000
    invlpg [rdi]
    movzx r8d, byte [rdi]
    print s_1g
    hex   r8, 2
    print s_nl
    or    qword [0x2008], 1 << 13               ; reserved
    mov   rdi, 0x40300000
    invlpg [rdi]
    expect t9f, t10
t9f:
    movzx eax, byte [rdi]

t10: ; 10. INVLPG of one piece of a 1-GiB page
    mov   qword [0x2008], 0x83
    mov   qword [0x2010], 0x40000000 | 0x83     ; PDPT[2]: 1 GiB at physical 40000000H
    mov   rax, cr3
    mov   cr3, rax
    mov   rdi, 0x80300000
    mov   byte [rdi], 0x41
    mov   byte [rdi + 0x1000], 0x42
    mov   rdi, 0x40300000
    movzx eax, byte [rdi]                       ; caches both pieces
    movzx eax, byte [rdi + 0x1000]
    mov   qword [0x2008], 0x40000000 | 0x83     ; PDPT[1] now maps physical 40000000H
    movzx r8d, byte [rdi + 0x1000]
    invlpg [rdi]
    movzx r9d, byte [rdi + 0x1000]
    print s_inv
    hex   r8, 2
    print s_inv2
    hex   r9, 2
    print s_nl
    xor   eax, eax
    jmp   exit

; ring-3 code, copied to USTUB
ustub:
u_stac:
    stac                                        ; CPL 3: #UD
u_back:
    int   0x80
ustub_end:

back_to_ring0:                                  ; INT 80h from CPL 3
    mov   rsp, 0x7000
    mov   ax, 0x10
    mov   ds, ax
    mov   es, ax
    mov   ss, ax
    print s_back
    jmp   t9

s_cpuid:  db "CPUID 7.EBX & SMEP|SMAP: ", 0
s_cpuid2: db ", 80000001H.EDX & 1GB: ", 0
s_smep0:  db "SMEP off: supervisor call to a user page returns", 10, 0
s_smap0:  db "SMAP off: user page reads ", 0
s_smap0b: db ", MOV DS from an LDT on it works", 10, 0
s_stac:   db "SMAP, STAC: user page reads ", 0
s_stac2:  db ", after a write ", 0
s_back:   db "back at CPL 0 through INT 80h", 10, 0
s_1g:     db "1-GiB page at physical 0: 40300000H reads ", 0
s_inv:    db "1-GiB page remapped, no invalidation: 40301000H reads ", 0
s_inv2:   db "; after INVLPG 40300000H: ", 0
s_nl:     db 10, 0
    align 8
gdt:    dq 0, 0x00AF9A000000FFFF, 0x00CF92000000FFFF       ; 0x08 code, 0x10 data
        dq 0x00CFF2000000FFFF, 0x00AFFA000000FFFF          ; 0x18 user data, 0x20 user code
        dq 0x0000890000000067 | (TSS << 16), 0             ; 0x28 TSS
        dq 0x0000820000000007 | ((LDT & 0xFFFFFF) << 16) | ((LDT >> 24) << 56), 0  ; 0x38 LDT
gdtr:   dw 9*8 - 1
        dq gdt
%include "include/end.inc"
