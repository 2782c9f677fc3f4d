; expect-exit: 1
; expect-output: GP 0D 00000000 ok
; expect-output: PF 0E 00000000 00401000 ok
; expect-output: PTE after read 00000023 after write 00000063
; expect-output: PDE 4M after write 000000E3
; expect-output: PF 0E 00000003 00C00004 ok
; expect-output: PAE: read 5A
; expect-output: GP 0D 00000000 ok
; expect-output: DF 08 00000000
;
; 32-bit protected mode (SDM Vol. 3 chapters 3-6): a segment-limit #GP(0); 32-bit paging
; with 4 KiB pages (not-present #PF, accessed and dirty bits set by a read and a write) and
; a PSE 4 MiB page; PAE paging with PDPTE registers, and MOV CR3 with a reserved PDPTE bit
; #GP(0); #DF from a #PF whose gate is not present, through 32-bit gates.
; Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/prot_mode.inc"

PD   equ 0x20000
PT0  equ 0x21000
PT1  equ 0x22000
PDPT equ 0x23000
PAEPD equ 0x24000

main:
    call  install_idt32
    mov   eax, 0x18                  ; data segment with limit 0xFFF
    mov   fs, eax
    expect t1, r1
t1: mov   eax, [fs:0x1000]           ; offset past the limit: #GP(0)
r1: ; 32-bit paging: PD[0] -> PT0 (identity 0-4 MiB), PD[1] -> PT1 (4-8 MiB, page 1 absent),
    ; PD[2] = 4 MiB page at 8 MiB (PSE), PD[3] = 4 MiB page at 12 MiB, read-only
    mov   edi, PD
    mov   ecx, 3 * 1024
    xor   eax, eax
    rep   stosd
    mov   dword [PD], PT0 | 3
    mov   dword [PD + 4], PT1 | 3
    mov   dword [PD + 8], 0x800000 | 0x83
    mov   dword [PD + 12], 0xC00000 | 0x81
    mov   edi, PT0
    mov   eax, 3
    mov   ecx, 1024
.pt0:
    stosd
    add   eax, 0x1000
    loop  .pt0
    mov   dword [PT1], 0x400000 | 3  ; 4 MiB page 0 present, page 1 absent
    mov   eax, PD
    mov   cr3, eax
    mov   eax, cr4
    or    eax, 1 << 4                ; PSE
    mov   cr4, eax
    mov   eax, cr0
    or    eax, 0x80010000            ; PG | WP
    mov   cr0, eax
    expect t2, r2
t2: mov   eax, [0x401000]            ; not present: #PF, error 0
r2: mov   eax, [0x400000]            ; read: PTE.A
    print s_pte
    mov   eax, [PT1]
    and   eax, 0xFFF
    mov   cl, 8
    call  print_hex
    print s_w
    mov   dword [0x400004], 7        ; write: PTE.D
    mov   eax, [PT1]
    and   eax, 0xFFF
    mov   cl, 8
    call  print_hex
    print s_nl
    mov   dword [0x800100], 1        ; 4 MiB page: PDE.A and PDE.D
    print s_pde
    mov   eax, [PD + 8]
    and   eax, 0xFFF
    mov   cl, 8
    call  print_hex
    print s_nl
    expect t3, r3
t3: mov   dword [0xC00004], 1        ; read-only 4 MiB page with CR0.WP: #PF, error P|W = 3
r3:
    ; PAE: PDPT[0] -> PAEPD; PAEPD[0] = 2 MiB page at 0, PAEPD[1] = 2 MiB page at 2 MiB
    mov   eax, cr0
    and   eax, 0x7FFFFFFF
    mov   cr0, eax
    mov   edi, PDPT
    mov   ecx, 2 * 1024
    xor   eax, eax
    rep   stosd
    mov   dword [PDPT], PAEPD | 1
    mov   dword [PAEPD], 0x83
    mov   dword [PAEPD + 8], 0x200000 | 0x83
    mov   byte [0x200010], 0x5A
    mov   eax, cr4
    or    eax, 1 << 5                ; PAE
    mov   cr4, eax
    mov   eax, PDPT
    mov   cr3, eax
    mov   eax, cr0
    or    eax, 0x80000000
    mov   cr0, eax
    print s_pae
    movzx eax, byte [0x200010]
    mov   cl, 2
    call  print_hex
    print s_nl
    mov   dword [PDPT + 8], 0x1000 | 1 | 0x80   ; PDPT[1]: reserved bit 7 set
    mov   eax, PDPT
    expect t4, r4
t4: mov   cr3, eax                   ; loading PDPTEs with a reserved bit: #GP(0)
r4: mov   word [IDT32 + 14*8 + 4], 0x0E00     ; #PF gate not present
    mov   eax, [0x40000000]          ; PDPT[1] absent: #PF -> #NP -> #DF
    jmp   $

s_pte: db "PTE after read ", 0
s_w:   db " after write ", 0
s_pde: db "PDE 4M after write ", 0
s_pae: db "PAE: read ", 0
s_nl:  db 10, 0
%include "include/end.inc"
