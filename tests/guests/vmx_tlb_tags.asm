; expect-exit: 1
; expect-output: vpid 1, page A: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4141414141414141
; expect-output: remapped to B: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4141414141414141
; expect-output: host mov cr3: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4141414141414141
; expect-output: host invlpg: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4141414141414141
; expect-output: invvpid single-context, vpid 2: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4141414141414141
; expect-output: invvpid single-context, vpid 1: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4242424242424242
; expect-output: invept single-context, other eptp: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4242424242424242
; expect-output: invept single-context, this eptp: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4141414141414141
; expect-output: invvpid individual-address, other page: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4141414141414141
; expect-output: invvpid individual-address, vpid 2: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4141414141414141
; expect-output: invvpid individual-address: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4242424242424242
; expect-output: invept all-context: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4141414141414141
; expect-output: invvpid all-context: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4242424242424242
; expect-output: invvpid retaining globals: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4141414141414141
; expect-output: global page: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4242424242424242
; expect-output: invvpid retaining globals, global page: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4242424242424242
; expect-output: invvpid single-context, global page: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4141414141414141
; expect-output: vpid off: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4242424242424242
; expect-output: vpid off, remapped to A: exit 00000012 qual 0000000000000000 rip 00008FA5 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 4141414141414141
;
; What a VPID- and EPTP-tagged TLB may keep across VMX transitions (SDM Vol. 3C 28.3
; "Caching Translation Information": 28.3.3 "Invalidating Cached Translation Information",
; 28.3.3.1 "Operations that Invalidate Cached Mappings"). The guest reads guest-physical
; TEST_PAGE, which EPT maps to host-physical page A or B ('AAAAAAAA' / 'BBBBBBBB'), and
; exits with VMCALL; each line shows what it read (rbx). With "enable VPID" = 1 (VPID 1) the
; host remaps TEST_PAGE: the guest's combined mapping outlives VM exits and entries, a MOV CR3
; or INVLPG in root operation (VPID 0000H only), INVVPID for another VPID or address, INVEPT
; for another EPTP and INVVPID type 3 for a global translation, so the guest reads the old
; page, until INVEPT (its EPTP, or all-context) or INVVPID (types 0-3) drops it. With "enable
; VPID" = 0 every VM exit and entry drops VPID 0000H's mappings: never stale. (An
; invalidation that fails prints its outcome on a line of its own.)
; Bochs 2.7 (scripts/bochs-oracle) flushes its whole untagged TLB on every VM entry and exit,
; which the SDM allows but which hides a hypervisor's missing invalidation: it reads the new
; page where this keeps the old one, rbx 4242424242424242 on "remapped to B", "host mov cr3",
; "host invlpg", "invvpid single-context, vpid 2" and "invvpid individual-address, vpid 2",
; 4141414141414141 on "invept single-context, other eptp", "invvpid individual-address,
; other page" and "invvpid retaining globals, global page"; the other lines agree.
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"
%include "include/vmguest.inc"
%include "include/ept.inc"

PAGE_A equ TEST_PAGE                    ; host-physical pages the guest's TEST_PAGE maps to
PAGE_B equ TEST_PAGE + 0x1000

%macro map 1                            ; map TEST_PAGE to host-physical page %1
    ept_pte TEST_PAGE, (%1) | EPT_LEAF
%endmacro
; inv INSTRUCTION, TYPE, DESCRIPTOR: an invalidation that must succeed (else: its outcome)
%macro inv 3
    mov   rax, %2
    lea   rbx, [rel %3]
    %1    rax, [rbx]
    jnbe  %%ok
    call  report
%%ok:
%endmacro

main:
    call  install_idt
    mov   rax, 'AAAAAAAA'
    mov   [PAGE_A], rax
    mov   rax, 'BBBBBBBB'
    mov   [PAGE_B], rax
    call  vm_setup
    call  ept_setup
    mov   byte [rel vg_verbose], 1
    ; --- "enable VPID", VPID 1
    ctl_or 0x401E, 1 << 5
    vmset 0x0000, 1
    vmcase "vpid 1, page A", g_read
    map   PAGE_B
    vmcase "remapped to B", g_read
    mov   rax, cr3
    mov   cr3, rax
    vmcase "host mov cr3", g_read
    invlpg [TEST_PAGE]
    vmcase "host invlpg", g_read
    inv   invvpid, 1, d_vpid2
    vmcase "invvpid single-context, vpid 2", g_read
    inv   invvpid, 1, d_vpid1
    vmcase "invvpid single-context, vpid 1", g_read
    map   PAGE_A
    inv   invept, 1, d_other_eptp
    vmcase "invept single-context, other eptp", g_read
    inv   invept, 1, d_eptp
    vmcase "invept single-context, this eptp", g_read
    map   PAGE_B
    inv   invvpid, 0, d_vpid1_other
    vmcase "invvpid individual-address, other page", g_read
    inv   invvpid, 0, d_vpid2
    vmcase "invvpid individual-address, vpid 2", g_read
    inv   invvpid, 0, d_vpid1
    vmcase "invvpid individual-address", g_read
    map   PAGE_A
    inv   invept, 2, d_eptp
    vmcase "invept all-context", g_read
    map   PAGE_B
    inv   invvpid, 2, d_vpid0
    vmcase "invvpid all-context", g_read
    map   PAGE_A
    inv   invvpid, 3, d_vpid1
    vmcase "invvpid retaining globals", g_read
    ; --- a global translation: guest CR4.PGE, G in the (shared) PDE of 200000H-3FFFFFH
    ;     (the host, with CR4.PGE = 0, ignores G)
    or    qword [0x3008], 1 << 8
    ctl_or 0x6804, 1 << 7
    map   PAGE_B
    inv   invvpid, 1, d_vpid1
    vmcase "global page", g_read
    map   PAGE_A
    inv   invvpid, 3, d_vpid1
    vmcase "invvpid retaining globals, global page", g_read
    inv   invvpid, 1, d_vpid1
    vmcase "invvpid single-context, global page", g_read
    ctl_andn 0x6804, 1 << 7
    and   qword [0x3008], ~(1 << 8)
    ; --- "enable VPID" = 0
    ctl_andn 0x401E, 1 << 5
    map   PAGE_B
    vmcase "vpid off", g_read
    map   PAGE_A
    vmcase "vpid off, remapped to A", g_read
    mov   al, 0
    jmp   exit

g_read: mov   rbx, [TEST_PAGE]
        vmcall
        jmp   $

    align 16
d_eptp:        dq EPTP_VALUE, 0         ; INVEPT descriptors
d_other_eptp:  dq (EPTP_VALUE & 0xFFF) | 0x40000, 0
d_vpid0:       dq 0, TEST_PAGE          ; INVVPID descriptors: VPID, linear address
d_vpid1:       dq 1, TEST_PAGE
d_vpid1_other: dq 1, 0x400000           ; (outside the guest's 2-MiB page of TEST_PAGE)
d_vpid2:       dq 2, TEST_PAGE
%include "include/end.inc"
