; expect-exit: 1
; expect-output: AB
;
; A PCID switch that keeps translations (MOV to CR3 with bit 63, SDM Vol. 3 4.10.4.1) still
; changes the address space at once: the instruction after the MOV CR3 is fetched through the
; new paging structures. Linear 300000H holds the same code in two address spaces (PCID 1:
; physical 300000H, PCID 2: 380000H); only the instruction after the MOV CR3 differs. It runs
; twice: reloading the same space (A), then switching (B, the code of the new space, even
; though the same linear instruction just ran). Bochs 2.7 prints the same.
%include "include/long_mode.inc"

PML4B equ 0x30000                       ; the second address space: PML4, PDPT, PD, PT
PDPTB equ 0x31000
PDB   equ 0x32000
PTB   equ 0x33000
PTA   equ 0x34000                       ; 4-KiB pages of 200000H-3FFFFFH, first space

main:
    ; first space: PD[1] -> PTA, identity
    mov   rdi, PTA
    mov   eax, 0x200003
    mov   ecx, 512
.pta:
    mov   [rdi], rax
    add   rax, 0x1000
    add   rdi, 8
    loop  .pta
    mov   qword [0x3008], PTA | 3
    ; second space: copies, PD[1] -> PTB, identity except 300000H -> 380000H
    mov   rsi, 0x1000
    mov   rdi, PML4B
    mov   ecx, 3 * 512
    rep   movsq
    mov   qword [PML4B], PDPTB | 3
    mov   qword [PDPTB], PDB | 3
    mov   rsi, PTA
    mov   rdi, PTB
    mov   ecx, 512
    rep   movsq
    mov   qword [PTB + 0x100 * 8], 0x380000 | 3
    mov   qword [PDB + 8], PTB | 3
    ; the code: the same bytes in both frames but for the MOV AL after the MOV CR3
    lea   rsi, [rel blob]
    mov   rdi, 0x300000
    mov   ecx, blob_end - blob
    rep   movsb
    lea   rsi, [rel blob]
    mov   rdi, 0x380000
    mov   ecx, blob_end - blob
    rep   movsb
    mov   byte [0x380000 + (blob_al - blob) + 1], 'B'
    ; PCIDs on, the first space as PCID 1
    mov   rax, cr4
    or    eax, 1 << 17
    mov   cr4, rax
    mov   rax, 0x1001
    mov   cr3, rax
    ; first run: the MOV CR3 reloads the same space (A), which the decoder remembers as the
    ; instruction that follows; second run: it switches to the second space (B)
    mov   rbx, 0x8000000000000000 | 0x1001
    lea   r12, [rel back1]
    mov   eax, 0x300000
    jmp   rax
back1:
    out   0xe9, al
    mov   rbx, 0x8000000000000000 | PML4B | 2 ; the second space as PCID 2, keeping translations
    lea   r12, [rel back2]
    mov   eax, 0x300000
    jmp   rax
back2:
    out   0xe9, al
    mov   al, 10
    out   0xe9, al
    xor   eax, eax
    jmp   exit

blob:
    nop
    nop
    mov   cr3, rbx
blob_al:
    mov   al, 'A'
    jmp   r12
blob_end:
%include "include/end.inc"
