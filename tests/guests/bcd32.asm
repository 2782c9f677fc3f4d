; expect-exit: 1
; expect-output: daa 5EA3B830
; expect-output: das 8326EE48
; expect-output: aaa A3DAA100
; expect-output: aas 78762500
; expect-output: aam 71DCA0C0
; expect-output: aad C7F52C00
; expect-output: aam7 6FC634E0
; expect-output: aad7 2868AC00
;
; The BCD adjustments (valid only outside 64-bit mode, so the host CPU cannot check them in
; tests/unit/test_diff_host.cpp): each runs on 4,096 inputs (AL 0-255, CF, AF, four AH
; values) and a hash of AX and the defined flags (SDM Vol. 2: DAA/DAS CF PF AF ZF SF;
; AAA/AAS CF AF; AAM/AAD SF ZF PF) is printed. The expected hashes are Bochs 2.7's
; (scripts/bochs-oracle), recorded at development time.
%include "include/prot_mode.inc"

%macro bcd 3                          ; label string, instruction, defined-flags mask
    xor   ebp, ebp
    xor   edi, edi
%%loop:
    mov   eax, edi
    and   eax, 0xFF                   ; AL
    mov   ebx, edi
    shr   ebx, 10
    imul  ebx, ebx, 0x35
    mov   ah, bl                      ; AH: 00, 35, 6A, 9F
    mov   ecx, edi
    shr   ecx, 8
    and   ecx, 3                      ; bit 0 -> CF, bit 1 -> AF
    mov   edx, ecx
    and   edx, 1
    shl   ecx, 3                      ; bit 1 -> bit 4
    and   ecx, 0x10
    or    edx, ecx
    pushfd
    and   dword [esp], ~0x8D5
    or    [esp], edx
    popfd
    %2
    pushfd
    pop   edx
    and   edx, %3
    movzx eax, ax
    imul  ebp, ebp, 31
    add   ebp, eax
    imul  ebp, ebp, 31
    add   ebp, edx
    inc   edi
    cmp   edi, 4096
    jb    %%loop
    print %1
    mov   eax, ebp
    mov   cl, 8
    call  print_hex
    print s_nl
%endmacro

main:
    bcd   s_daa, daa, 0xD5
    bcd   s_das, das, 0xD5
    bcd   s_aaa, aaa, 0x11
    bcd   s_aas, aas, 0x11
    bcd   s_aam, aam, 0xC4
    bcd   s_aad, aad, 0xC4
    bcd   s_aam7, {db 0xD4, 7}, 0xC4
    bcd   s_aad7, {db 0xD5, 7}, 0xC4
    xor   eax, eax
    jmp   exit

s_daa:  db "daa ", 0
s_das:  db "das ", 0
s_aaa:  db "aaa ", 0
s_aas:  db "aas ", 0
s_aam:  db "aam ", 0
s_aad:  db "aad ", 0
s_aam7: db "aam7 ", 0
s_aad7: db "aad7 ", 0
s_nl:   db 10, 0
%include "include/end.inc"
