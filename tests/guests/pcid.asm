; expect-exit: 1
; expect-output: cpuid.1:ecx pcid | cpuid.7:ebx invpcid: 00020400
; expect-output: cr4.pcide with cr3[11:0] = 1: GP 0D 0000000000000000 ok
; expect-output: cr4.pcide with cr3[11:0] = 0: no fault
; expect-output: pcid 1, pte changed, no invalidation (stale): 11
; expect-output: pcid 2 (its own translation): 22
; expect-output: back to pcid 1 with bit 63 (kept: stale): 11
; expect-output: mov cr3 pcid 1 without bit 63: 33
; expect-output: pte changed again (stale): 33
; expect-output: invpcid individual-address, pcid 2: 33
; expect-output: invpcid individual-address, pcid 1: 44
; expect-output: invpcid single-context, pcid 1: 55
; expect-output: invpcid all-context except globals: 66
; expect-output: global page, invpcid all-context except globals (kept): 66
; expect-output: global page, invpcid individual-address (kept): 66
; expect-output: global page, invpcid all-context: 77
; expect-output: invpcid type 4: GP 0D 0000000000000000 ok
; expect-output: invpcid, descriptor bit 12: GP 0D 0000000000000000 ok
; expect-output: invpcid individual-address 0000800000000000: GP 0D 0000000000000000 ok
; expect-output: cr0.pg = 0 with cr4.pcide: GP 0D 0000000000000000 ok
;
; PCIDs and INVPCID (SDM Vol. 3 4.10.1 "Process-Context Identifiers", 4.10.4.1 "Operations
; that Invalidate TLBs and Paging-Structure Caches", Vol. 2 MOV CR and INVPCID). Linear
; 300000H maps through a 4-KiB PTE that the test points at one of two frames (holding 11H and
; 22H...) without invalidating; each line shows what the read returns, so a stale value shows
; a translation the operation kept. CR3 = PML4 | PCID; bit 63 of a MOV to CR3 keeps the new
; PCID's translations.
; Bochs 2.7 (scripts/bochs-oracle) prints the same except on two lines where its untagged
; TLB shows the new frame: "back to pcid 1 with bit 63" (33: PCID 2's read replaced PCID 1's
; entry) and "invpcid individual-address, pcid 2" (44: it dropped PCID 1's entry too). The
; SDM lets a processor keep both (4.10.2, 4.10.4.1); Vanderpool keeps them, so software
; that forgets a PCID invalidation sees it.
%include "include/long_mode.inc"
%include "include/exceptions.inc"

PT equ 0x20000                          ; a page table for 200000H-3FFFFFH

%macro print 1
    lea   rsi, [rel %1]
    call  print_str
%endmacro
%macro show_read 1                      ; "text: XX" for the byte at 300000H
    print %%s
    movzx eax, byte [0x300000]
    mov   cl, 2
    call  print_hex
    mov   al, 10
    out   0xe9, al
    jmp   %%e
%%s: db %1, ": ", 0
%%e:
%endmacro
%macro frame 1                          ; point 300000H at frame 400000H + %1 * 1000H (no invalidation)
    mov   qword [PT + 0x100*8], (0x400000 + (%1) * 0x1000) | 3
%endmacro
%macro set_cr3 1
    mov   rax, %1
    mov   cr3, rax
%endmacro
%macro do_invpcid 3                     ; type, pcid, linear address
    mov   qword [rel desc], %2
    mov   rax, %3
    mov   [rel desc + 8], rax
    mov   eax, %1
    invpcid rax, [rel desc]
%endmacro

main:
    call  install_idt
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
    mov   byte [0x406000], 0x77
    frame 0
    set_cr3 0x1000
    ; --- CPUID and the CR4.PCIDE rules
    mov   eax, 1
    cpuid
    and   ecx, 1 << 17
    mov   eax, 7
    xor   ebx, ebx
    push  rcx
    xor   ecx, ecx
    cpuid
    pop   rcx
    and   ebx, 1 << 10
    or    ecx, ebx
    print s_cpuid
    mov   eax, ecx
    mov   cl, 8
    call  print_hex
    mov   al, 10
    out   0xe9, al
    set_cr3 0x1001                      ; CR3[11:0] = 1 while PCIDE = 0: PWT-style bits, fine
    print s_pcide_bad
    expect .pcide1, .pcide1_done
    mov   rax, cr4
    or    eax, 1 << 17
.pcide1:
    mov   cr4, rax                      ; #GP: CR3[11:0] is not 0
.pcide1_done:
    set_cr3 0x1000
    mov   rax, cr4
    or    eax, 1 << 17
    mov   cr4, rax                      ; PCIDE = 1, PCID 0
    print s_pcide_ok
    ; --- PCID 1 caches the translation; PCID 2 does not see it
    set_cr3 0x1001
    movzx eax, byte [0x300000]          ; PCID 1: frame 0 (11) cached
    frame 1
    show_read "pcid 1, pte changed, no invalidation (stale)"
    mov   rax, 0x8000000000001002       ; PCID 2, keep
    mov   cr3, rax
    show_read "pcid 2 (its own translation)"
    frame 2
    mov   rax, 0x8000000000001001       ; back to PCID 1, keep
    mov   cr3, rax
    show_read "back to pcid 1 with bit 63 (kept: stale)"
    set_cr3 0x1001                      ; PCID 1, no bit 63: its translations go
    show_read "mov cr3 pcid 1 without bit 63"
    ; --- INVPCID
    frame 3
    show_read "pte changed again (stale)"
    do_invpcid 0, 2, 0x300000           ; another PCID: nothing here
    show_read "invpcid individual-address, pcid 2"
    do_invpcid 0, 1, 0x300000
    show_read "invpcid individual-address, pcid 1"
    frame 4
    do_invpcid 1, 1, 0
    show_read "invpcid single-context, pcid 1"
    frame 5
    do_invpcid 3, 0, 0
    show_read "invpcid all-context except globals"
    ; global translation: survives types 0, 1, 3, not type 2
    mov   rax, cr4
    or    eax, 1 << 7                   ; PGE
    mov   cr4, rax
    mov   qword [PT + 0x100*8], 0x405000 | 0x103
    movzx eax, byte [0x300000]          ; a global translation of frame 5 (66)
    mov   qword [PT + 0x100*8], 0x406000 | 0x103
    do_invpcid 3, 0, 0
    show_read "global page, invpcid all-context except globals (kept)"
    do_invpcid 0, 1, 0x300000
    show_read "global page, invpcid individual-address (kept)"
    do_invpcid 2, 0, 0
    show_read "global page, invpcid all-context"
    ; --- the #GP cases
    print s_type4
    expect .t4, .t4_done
    mov   qword [rel desc], 0
    mov   eax, 4
.t4: invpcid rax, [rel desc]
.t4_done:
    print s_rsvd
    expect .rs, .rs_done
    mov   qword [rel desc], 0x1000
    mov   eax, 1
.rs: invpcid rax, [rel desc]
.rs_done:
    print s_noncanon
    expect .nc, .nc_done
    mov   qword [rel desc], 1
    mov   rax, 0x0000800000000000
    mov   [rel desc + 8], rax
    xor   eax, eax
.nc: invpcid rax, [rel desc]
.nc_done:
    print s_pg_off
    expect .pg, .pg_done
    mov   rax, cr0
    btr   rax, 31
.pg: mov   cr0, rax                      ; #GP: PCIDE = 1 (and 64-bit mode)
.pg_done:
    xor   eax, eax
    jmp   exit

s_cpuid:     db "cpuid.1:ecx pcid | cpuid.7:ebx invpcid: ", 0
s_pcide_bad: db "cr4.pcide with cr3[11:0] = 1: ", 0
s_pcide_ok:  db "cr4.pcide with cr3[11:0] = 0: no fault", 10, 0
s_type4:     db "invpcid type 4: ", 0
s_rsvd:      db "invpcid, descriptor bit 12: ", 0
s_noncanon:  db "invpcid individual-address 0000800000000000: ", 0
s_pg_off:    db "cr0.pg = 0 with cr4.pcide: ", 0
    align 16
desc: dq 0, 0
%include "include/end.inc"
