; expect-exit: 1
; expect-output: segment load in real mode: exit 00000012 qual 0000000000000000 rip 0000930A len 03 info 00000000 intr 00000000
; expect-output:   guest ebx 00000000C0DE1234
; expect-output:   saved DS selector 0000000000001234
; expect-output:   saved DS base 0000000000012340
; expect-output:   saved CR0 0000000060000030
; expect-output: int 40h through the IVT: exit 00000012 qual 0000000000000000 rip 00009315 len 03 info 00000000 intr 00000000
; expect-output:   guest ebx 0000000000004FFA
; expect-output:   IP pushed 0000000000009311
; expect-output:   saved RFLAGS 0000000000000002
; expect-output: enter protected mode: exit 00000012 qual 0000000000000000 rip 00009322 len 03 info 00000000 intr 00000000
; expect-output:   saved CR0 0000000060000031
; expect-output: cpuid: exit 0000000A qual 0000000000000000 rip 00009327 len 02 info 00000000 intr 00000000
; expect-output: read of an unmapped page: exit 00000030 qual 0000000000000181 rip 00009330 len 00 info 00000000 intr 00000000
; expect-output:   gpa 0000000000090000
; expect-output:   guest-linear address 0000000000090000
; expect-output: read, mapped to A: exit 00000012 qual 0000000000000000 rip 00009335 len 03 info 00000000 intr 00000000
; expect-output:   guest ebx 0000000041414141
; expect-output: read after remapping (stale: A): exit 00000012 qual 0000000000000000 rip 00009335 len 03 info 00000000 intr 00000000
; expect-output:   guest ebx 0000000041414141
; expect-output: read after INVVPID (stale: A): exit 00000012 qual 0000000000000000 rip 00009335 len 03 info 00000000 intr 00000000
; expect-output:   guest ebx 0000000041414141
; expect-output: read after INVEPT: exit 00000012 qual 0000000000000000 rip 00009335 len 03 info 00000000 intr 00000000
; expect-output:   guest ebx 0000000042424242
; expect-output: unpaged protected mode, read above 1 MiB: exit 00000012 qual 0000000000000000 rip 00009340 len 03 info 00000000 intr 00000000
; expect-output:   guest ebx 00000000544F5250
; expect-output: unpaged protected mode, unmapped page: exit 00000030 qual 0000000000000181 rip 0000933A len 00 info 00000000 intr 00000000
; expect-output:   gpa 0000000000300000
; expect-output:   guest-linear address 0000000000300000
; expect-output: PE = 0 without unrestricted guest: exit 80000021 qual 0000000000000000 rip 00009327 len 00 info 00000000 intr 00000000
; expect-output: PG = 1 with PE = 0: exit 80000021 qual 0000000000000000 rip 00009327 len 00 info 00000000 intr 00000000
; expect-output: CS type 3: exit 0000000A qual 0000000000000000 rip 00009327 len 02 info 00000000 intr 00000000
;
; "Unrestricted guest" (SDM Vol. 3C 25.6 "Unrestricted Guests", 26.3.1.1 and 26.3.1.2 for the
; entry checks it relaxes): a real-mode guest under EPT loads segments the real-mode way,
; takes INT 40H through its IVT (read through EPT), enters protected mode, exits on CPUID and
; on an EPT violation at a real-mode address; a 32-bit protected-mode guest without paging
; reads above 1 MiB and takes an EPT violation there; the guest-physical mappings it makes with
; paging off are tagged by EPTRTA only, so they survive VM entries and exits without VPIDs
; and INVVPID, and go with INVEPT (28.3.1 "Information That May Be Cached", 28.3.3.1
; "Operations that Invalidate Cached Mappings"). Last, the entry checks: CR0.PE = 0 needs
; unrestricted guest, CR0.PG = 1 needs PE, and CS may then have type 3.
; Bochs 2.7 (scripts/bochs-oracle) agrees except at the two "stale" lines, where it reads B:
; its TLB is flushed at every VM entry. The SDM allows either; Vanderpool keeps the mapping,
; as hardware may, so a hypervisor that forgets INVEPT misbehaves here as it would on
; hardware. (Bochs also writes instruction lengths for the EPT violations and the VM-entry
; failures, where the field is undefined, SDM 27.2.4.) Bochs showed that VM entry keeps the host's CR0.CD and CR0.NW
; (26.3.2.1: never modified by VM entry), which the "saved CR0" lines check.
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"
%include "include/vmguest.inc"
%include "include/ept.inc"

MARK_A equ 0x90000                      ; guest-physical page the cases read, holding "AAAA"
MARK_B equ 0x91000                      ; another host page, holding "BBBB"

%macro field 2                          ; "name", encoding: print a VMCS field
    mov   eax, %2
    vmread rbx, rax
    show  %1, rbx
%endmacro
%macro guest_ebx 0
    mov   eax, [rel vg_guest_rbx]
    show  "  guest ebx", rax
%endmacro

main:
    call  install_idt
    call  vm_setup
    call  ept_setup
    call  real_mode_guest
    mov   dword [0x12350], 0xC0DE1234
    mov   dword [MARK_A], 'AAAA'
    mov   dword [MARK_B], 'BBBB'
    mov   word [0x40 * 4], r_handler    ; IVT entry 40H: 0000:r_handler
    mov   word [0x40 * 4 + 2], 0
    ; --- real mode under EPT
    vmcase "segment load in real mode", r_segments
    guest_ebx
    field "  saved DS selector", 0x0806
    field "  saved DS base", 0x680C
    field "  saved CR0", 0x6800
    vmcase "int 40h through the IVT", r_int
    guest_ebx
    movzx eax, word [0x4FFA]
    show  "  IP pushed", rax
    field "  saved RFLAGS", 0x6820
    vmcase "enter protected mode", r_protected
    field "  saved CR0", 0x6800
    call  real_mode_guest               ; back to real mode for the next cases
    vmcase "cpuid", r_cpuid
    ept_pte MARK_A, 0
    vmcase "read of an unmapped page", r_read_mark
    field "  gpa", 0x2400
    field "  guest-linear address", 0x640A
    ept_map MARK_A
    ; --- guest-physical mappings (paging off) are tagged by EPTRTA only
    vmcase "read, mapped to A", r_read_mark
    guest_ebx
    ept_pte MARK_A, MARK_B | EPT_LEAF   ; remapped to B, nothing invalidated
    vmcase "read after remapping (stale: A)", r_read_mark
    guest_ebx
    mov   eax, 2                        ; INVVPID all-context: linear and combined mappings only
    invvpid rax, [rel vpid_desc]
    vmcase "read after INVVPID (stale: A)", r_read_mark
    guest_ebx
    mov   eax, 1                        ; INVEPT single-context
    invept rax, [rel ept_desc]
    vmcase "read after INVEPT", r_read_mark
    guest_ebx
    ept_map MARK_A
    ; --- a protected-mode guest without paging: flat 32-bit segments, CR0.PE = 1, PG = 0
    vmset 0x6800, 0x31                  ; CR0: PE | NE | ET
    vmset 0x0802, 0x08                  ; CS selector
    vmset 0x4802, 0xFFFFFFFF            ; CS limit
    vmset 0x4816, 0xC09B                ; CS: 32-bit code, 4-KiB granularity
    vmset 0x0806, 0x10                  ; DS selector, base 0, limit 4 GiB
    vmset 0x680C, 0
    vmset 0x4806, 0xFFFFFFFF
    vmset 0x481A, 0xC093                ; DS: 32-bit data
    mov   dword [TEST_PAGE], 'PROT'
    vmcase "unpaged protected mode, read above 1 MiB", p_read
    guest_ebx
    ept_pte TEST_PAGE, 0                ; unmapped, and the cached mapping invalidated
    mov   eax, 1
    invept rax, [rel ept_desc]
    vmcase "unpaged protected mode, unmapped page", p_read
    field "  gpa", 0x2400
    field "  guest-linear address", 0x640A
    ept_map TEST_PAGE
    call  real_mode_guest
    ; --- entry checks that depend on unrestricted guest
    ctl_andn 0x401E, 1 << 7
    vmcase "PE = 0 without unrestricted guest", r_cpuid
    ctl_or 0x401E, 1 << 7
    entry_set "PG = 1 with PE = 0", 0x6800, 0x80000030
    entry_set "CS type 3", 0x4816, 0x93
    mov   al, 0
    jmp   exit

; The VMCS guest state of a real-mode guest at 0000:[guest_entry_rip]: CR0 = NE | ET, every
; segment base 0 and limit FFFFH, IDTR the IVT at 0, "unrestricted guest" on, "IA-32e mode
; guest" off.
real_mode_guest:
    ctl_or   0x401E, 1 << 7             ; unrestricted guest
    ctl_andn 0x4012, 1 << 9             ; IA-32e mode guest
    vmset 0x6800, 0x30                  ; CR0
    vmset 0x6802, 0                     ; CR3
    vmset 0x6804, 0x2000                ; CR4: VMXE (IA32_VMX_CR4_FIXED0)
    xor   r13d, r13d
.seg:
    lea   eax, [0x0800 + r13*2]         ; selector 0
    xor   ebx, ebx
    vmwrite rax, rbx
    lea   eax, [0x4800 + r13*2]         ; limit FFFFH
    mov   ebx, 0xFFFF
    vmwrite rax, rbx
    lea   eax, [0x6806 + r13*2]         ; base 0
    xor   ebx, ebx
    vmwrite rax, rbx
    lea   eax, [0x4814 + r13*2]         ; read/write data, accessed, present (CS below)
    mov   ebx, 0x93
    vmwrite rax, rbx
    inc   r13d
    cmp   r13d, 6
    jb    .seg
    vmset 0x4816, 0x9B                  ; CS: execute/read code, accessed
    vmset 0x6818, 0                     ; IDTR: the IVT
    vmset 0x4812, 0x3FF
    ret

    align 16
ept_desc:  dq EPTP_VALUE, 0
vpid_desc: dq 0, 0

bits 16
r_segments:     mov   ax, 0x1234
                mov   ds, ax
                mov   ebx, [0x10]       ; 12340H + 10H
                vmcall
                jmp   $
r_int:          int   0x40
                jmp   $
r_handler:      mov   bx, sp
                vmcall
                jmp   $
r_protected:    mov   eax, cr0
                or    al, 1
                mov   cr0, eax
                vmcall
                jmp   $
r_cpuid:        cpuid
                jmp   $
r_read_mark:    mov   ax, MARK_A >> 4
                mov   ds, ax
                mov   ebx, [0]
                vmcall
                jmp   $
bits 32
p_read:         mov   ebx, [TEST_PAGE]
                vmcall
                jmp   $
bits 64
%include "include/end.inc"
