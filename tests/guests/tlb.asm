; expect-exit: 1
; expect-output: PTE changed, no invalidation: reads 11 (stale translation kept)
; expect-output: after INVLPG: reads 22
; expect-output: global page after MOV CR3: reads 33 (kept); after INVLPG: 44
; expect-output: non-global page after MOV CR3: reads 66
;
; Translation caching (SDM Vol. 3 4.10): a changed PTE is not seen until the translation is
; invalidated - Vanderpool keeps it, as processors may (docs/cpu-model.md); INVLPG drops it;
; MOV CR3 flushes non-global translations but keeps global ones when CR4.PGE = 1.
; Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/long_mode.inc"

PT equ 0x20000                          ; a 4 KiB page table for 2-4 MiB

%macro print 1
    lea   rsi, [rel %1]
    call  print_str
%endmacro
%macro show 0                           ; the byte at 0x300000 as two hex digits
    movzx eax, byte [0x300000]
    mov   cl, 2
    call  print_hex
%endmacro

main:
    ; PD[1] -> PT: 0x300000 maps to frame 0x400000 (holds 11h) ...
    mov   rdi, PT
    mov   ecx, 512
    xor   eax, eax
    rep   stosq
    mov   qword [0x3008], PT | 3
    mov   byte [0x400000], 0x11
    mov   byte [0x401000], 0x22
    mov   byte [0x402000], 0x33
    mov   byte [0x403000], 0x44
    mov   byte [0x404000], 0x55
    mov   byte [0x405000], 0x66
    mov   qword [PT + 0x100*8], 0x400000 | 3
    mov   rax, cr3
    mov   cr3, rax
    movzx eax, byte [0x300000]          ; caches the translation
    mov   qword [PT + 0x100*8], 0x401000 | 3
    print s_1
    show
    print s_1b
    invlpg [0x300000]
    print s_2
    show
    print s_nl
    ; global page: CR4.PGE, PTE.G
    mov   rax, cr4
    or    eax, 1 << 7
    mov   cr4, rax
    mov   qword [PT + 0x100*8], 0x402000 | 0x103
    invlpg [0x300000]
    movzx eax, byte [0x300000]          ; caches a global translation
    mov   qword [PT + 0x100*8], 0x403000 | 0x103
    mov   rax, cr3
    mov   cr3, rax
    print s_3
    show
    print s_3b
    invlpg [0x300000]
    show
    print s_nl
    ; non-global: MOV CR3 drops it
    mov   qword [PT + 0x100*8], 0x404000 | 3
    invlpg [0x300000]
    movzx eax, byte [0x300000]
    mov   qword [PT + 0x100*8], 0x405000 | 3
    mov   rax, cr3
    mov   cr3, rax
    print s_4
    show
    print s_nl
    xor   eax, eax
    jmp   exit

s_1:  db "PTE changed, no invalidation: reads ", 0
s_1b: db " (stale translation kept)", 10, 0
s_2:  db "after INVLPG: reads ", 0
s_3:  db "global page after MOV CR3: reads ", 0
s_3b: db " (kept); after INVLPG: ", 0
s_4:  db "non-global page after MOV CR3: reads ", 0
s_nl: db 10, 0
%include "include/end.inc"
