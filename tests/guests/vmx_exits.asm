; expect-exit: 1
; expect-output: cpuid: exit 0000000A qual 0000000000000000 rip 000092A2 len 02 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: vmcall: exit 00000012 qual 0000000000000000 rip 000092AB len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000001234
; expect-output: vmread in the guest: exit 00000017 qual 0000000000000000 rip 000092B5 len 03 info 00000418 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: hlt exiting: exit 0000000C qual 0000000000000000 rip 000092BA len 01 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: rdmsr without msr bitmaps: exit 0000001F qual 0000000000000000 rip 000092CA len 02 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: rdmsr 10h, bitmap bit clear: exit 00000012 qual 0000000000000000 rip 000092D1 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000004F4B
; expect-output: rdmsr 10h, bitmap bit set: exit 0000001F qual 0000000000000000 rip 000092CA len 02 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: wrmsr 174h, write bitmap bit set: exit 00000020 qual 0000000000000000 rip 000092EE len 02 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: rdmsr c0000080h (read-high clear): exit 00000012 qual 0000000000000000 rip 000092E2 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000004F4B
; expect-output: out dx, al: exit 0000001E qual 0000000000800000 rip 000092F6 len 01 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: in al, 71h: exit 0000001E qual 0000000000710048 rip 00009301 len 02 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: rep outsb: exit 0000001E qual 0000000000800030 rip 00009315 len 02 info 00018100 intr 00000000 lin 00000000000093A7 rbx 0000000000000002
; expect-output: out dx, al with port 80h set: exit 0000001E qual 0000000000800000 rip 000092F6 len 01 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: out 81h, al with port 81h clear: exit 00000012 qual 0000000000000000 rip 00009320 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000004F4B
; expect-output: out dx, ax at port ffffh (wraps): exit 0000001E qual 00000000FFFF0001 rip 00009329 len 02 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: mov cr3, rax: exit 0000001C qual 0000000000000003 rip 00009330 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: mov cr3 to a target value: exit 00000012 qual 0000000000000000 rip 00009338 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000004F4B
; expect-output: mov rax, cr3: exit 0000001C qual 0000000000000013 rip 0000932D len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: mov rbx, cr0 reads the shadow: exit 00000012 qual 0000000000000000 rip 00009340 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 00000000E0000039
; expect-output: clts with ts owned, shadow 1: exit 0000001C qual 0000000000000020 rip 00009345 len 02 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: mov cr0 setting owned ts: exit 0000001C qual 0000000000000000 rip 00009350 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: mov rax, dr7: exit 0000001D qual 0000000000000017 rip 00009355 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: invlpg [123456h]: exit 0000000E qual 0000000000123456 rip 0000935A len 08 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: rdtsc: exit 00000010 qual 0000000000000000 rip 00009364 len 02 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: pause: exit 00000028 qual 0000000000000000 rip 00009368 len 02 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: wbinvd: exit 00000036 qual 0000000000000000 rip 0000936C len 02 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: sgdt [rbx + 8]: exit 0000002E qual 0000000000000008 rip 00009375 len 04 info 01C18100 intr 00000000 lin 0000000000000000 rbx 0000000000300000
; expect-output: lldt ax: exit 0000002F qual 0000000000000000 rip 0000937D len 03 info 20000400 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: ud2 with #ud in the bitmap: exit 00000000 qual 0000000000000000 rip 00009382 len 00 info 00000000 intr 80000306 lin 0000000000000000 rbx 0000000000000002
; expect-output: int3 with #bp in the bitmap: exit 00000000 qual 0000000000000000 rip 00009386 len 01 info 00000000 intr 80000603 lin 0000000000000000 rbx 0000000000000002
; expect-output: #pf in the bitmap: exit 00000000 qual 0000000040000000 rip 00009389 len 00 info 00000000 intr 80000B0E lin 0000000000000000 rbx 0000000000000002
; expect-output: #pf by mask/match, bit 14 clear: exit 00000000 qual 0000000040000000 rip 00009389 len 00 info 00000000 intr 80000B0E lin 0000000000000000 rbx 0000000000000002
; expect-output: triple fault: exit 00000002 qual 0000000000000000 rip 0000939A len 00 info 00000000 intr 00000000 lin 0000000000000000 rbx 0000000000000002
; expect-output: inject #ud: exit 00000012 qual 0000000000000000 rip 000093A2 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 00000000000092A6
; expect-output: inject int 30h: exit 00000012 qual 0000000000000000 rip 000093A2 len 03 info 00000000 intr 00000000 lin 0000000000000000 rbx 00000000000092A8
;
; VM exits (SDM Vol. 3C 25.1-25.3 when each instruction or event exits, 27.2 the exit
; information): each case sets one control, starts the guest at a snippet, and prints the
; exit reason, qualification, guest RIP saved, instruction length, instruction information,
; interruption information, guest-linear address and the guest's RBX at the exit.
;
; Bochs 2.7 (scripts/bochs-oracle) prints the same reason, qualification, guest RIP,
; interruption information and RBX for every case. It differs only in fields the SDM leaves
; undefined for that exit (27.2.4):
; - Bochs leaves the previous exit's instruction information and guest-linear address in
;   place; Vanderpool writes 0.
; - Bochs reports an instruction length for exceptions (ud2: 2, the faulting mov: 8); the SDM
;   defines the length only for software exceptions and instruction exits, and Vanderpool
;   writes 0.
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"
%include "include/vmguest.inc"



main:
    call  install_idt
    call  vm_setup
    mov   byte [rel vg_verbose], 1
    mov   eax, 0x4002
    vmread rax, rax
    mov   [rel base_proc], rax
    ; --- unconditional
    vmcase  "cpuid", g_cpuid
    vmcase  "vmcall", g_vmcall
    vmcase  "vmread in the guest", g_vmread
    ; --- processor-based controls
    call  reset
    ctl_or   0x4002, 1 << 7
    vmcase  "hlt exiting", g_hlt_then_vmcall
    call  reset
    vmcase  "rdmsr without msr bitmaps", g_rdmsr
    ctl_or   0x4002, 1 << 28               ; use MSR bitmaps (all clear)
    vmset 0x2004, MSR_BITMAP
    vmcase  "rdmsr 10h, bitmap bit clear", g_rdmsr
    or    byte [MSR_BITMAP + 0x10 / 8], 1 << (0x10 & 7)
    vmcase  "rdmsr 10h, bitmap bit set", g_rdmsr
    or    byte [MSR_BITMAP + 2048 + 0x174 / 8], 1 << (0x174 & 7)
    vmcase  "wrmsr 174h, write bitmap bit set", g_wrmsr
    vmcase  "rdmsr c0000080h (read-high clear)", g_rdmsr_efer
    call  reset
    ctl_or   0x4002, 1 << 24               ; unconditional I/O exiting
    vmcase  "out dx, al", g_out_dx
    vmcase  "in al, 71h", g_in_imm
    vmcase  "rep outsb", g_rep_outsb
    call  reset
    ctl_or   0x4002, 1 << 25               ; use I/O bitmaps
    vmset 0x2000, IO_BITMAP_A
    vmset 0x2002, IO_BITMAP_B
    or    byte [IO_BITMAP_A + 0x80 / 8], 1
    vmcase  "out dx, al with port 80h set", g_out_dx
    vmcase  "out 81h, al with port 81h clear", g_out_81
    vmcase  "out dx, ax at port ffffh (wraps)", g_out_ffff
    call  reset
    ctl_or   0x4002, 1 << 15               ; CR3-load exiting
    vmcase  "mov cr3, rax", g_mov_cr3
    mov   rax, cr3
    vmset 0x6008, rax                   ; CR3-target value 0 = the current CR3
    vmset 0x400A, 1
    vmcase  "mov cr3 to a target value", g_mov_cr3
    vmset 0x400A, 0
    call  reset
    ctl_or   0x4002, 1 << 16               ; CR3-store exiting
    vmcase  "mov rax, cr3", g_mov_cr3
    call  reset
    vmset 0x6000, 8                     ; CR0 guest/host mask: the host owns TS
    vmset 0x6004, 8                     ; read shadow: TS = 1
    vmcase  "mov rbx, cr0 reads the shadow", g_read_cr0
    vmcase  "clts with ts owned, shadow 1", g_clts
    vmset 0x6004, 0
    vmcase  "mov cr0 setting owned ts", g_set_ts
    vmset 0x6000, 0
    vmset 0x6004, 0
    ctl_or   0x4002, 1 << 23               ; MOV-DR exiting
    vmcase  "mov rax, dr7", g_mov_dr7
    call  reset
    ctl_or   0x4002, 1 << 9                ; INVLPG exiting
    vmcase  "invlpg [123456h]", g_invlpg
    call  reset
    ctl_or   0x4002, 1 << 12               ; RDTSC exiting
    vmcase  "rdtsc", g_rdtsc
    call  reset
    ctl_or   0x4002, 1 << 30               ; PAUSE exiting
    vmcase  "pause", g_pause
    call  reset
    ctl_or   0x4002, 1 << 31               ; secondary controls: WBINVD and descriptor-table exiting
    vmset 0x401E, (1 << 6) | (1 << 2)
    vmcase  "wbinvd", g_wbinvd
    vmcase  "sgdt [rbx + 8]", g_sgdt
    vmcase  "lldt ax", g_lldt
    call  reset
    ; --- exceptions
    vmset 0x4004, 1 << 6
    vmcase  "ud2 with #ud in the bitmap", g_ud2
    vmset 0x4004, 1 << 3
    vmcase  "int3 with #bp in the bitmap", g_int3
    vmset 0x4004, 1 << 14
    vmcase  "#pf in the bitmap", g_pf
    vmset 0x4004, 0                     ; bit 14 clear, but PFEC & 1 (= 0) != match (1)
    vmset 0x4006, 1
    vmset 0x4008, 1
    vmcase  "#pf by mask/match, bit 14 clear", g_pf
    vmset 0x4006, 0
    vmset 0x4008, 0
    vmcase  "triple fault", g_triple
    ; --- event injection through the guest's own IDT
    guest_idt_clear
    guest_idt_gate 6, g_handler
    guest_idt_gate 0x30, g_handler
    vmset 0x6818, GUEST_IDT             ; (the triple-fault case left a null IDTR saved)
    vmset 0x4812, 256*16 - 1
    vmset 0x4016, 0x80000306            ; hardware exception #UD
    vmcase  "inject #ud", g_vmcall
    vmset 0x4016, 0x80000430            ; software interrupt 30h, instruction length 2
    vmset 0x401A, 2
    vmcase  "inject int 30h", g_vmcall
    vmset 0x4016, 0
    vmset 0x6818, IDT
    mov   al, 0
    jmp   exit

; reset: primary controls back to the baseline, no secondary controls, empty bitmaps
reset:
    mov   rbx, [rel base_proc]
    mov   eax, 0x4002
    vmwrite rax, rbx
    vmset 0x401E, 0
    vmset 0x4004, 0
    ret


; --- guest snippets (64-bit, CPL 0, non-root)
g_cpuid:    xor eax, eax
            cpuid
            jmp   $
g_vmcall:   mov   ebx, 0x1234
            vmcall
            jmp   $
g_vmread:   mov   eax, 0x681E
            vmread rbx, rax
            jmp   $
g_hlt_then_vmcall:
            hlt
            mov   ebx, 0x4C48               ; "HL": reached after HLT resumed
            vmcall
            jmp   $
g_rdmsr:    mov   ecx, 0x10
            rdmsr
            mov   ebx, 0x4F4B
            vmcall
            jmp   $
g_rdmsr_efer:
            mov   ecx, 0xC0000080
            rdmsr
            mov   ebx, 0x4F4B
            vmcall
            jmp   $
g_wrmsr:    mov   ecx, 0x174
            rdmsr
            wrmsr
            jmp   $
g_out_dx:   mov   dx, 0x80
            out   dx, al
            mov   ebx, 0x4F4B
            vmcall
            jmp   $
g_in_imm:   in    al, 0x71
            jmp   $
g_rep_outsb:
            mov   dx, 0x80
            mov   ecx, 3
            lea   rsi, [rel g_bytes]
            rep   outsb
            jmp   $
g_out_81:   out   0x81, al
            mov   ebx, 0x4F4B
            vmcall
            jmp   $
g_out_ffff: mov   dx, 0xFFFF
            out   dx, ax
            jmp   $
g_mov_cr3:  mov   rax, cr3
            mov   cr3, rax
            mov   ebx, 0x4F4B
            vmcall
            jmp   $
g_read_cr0: mov   rbx, cr0
            vmcall
            jmp   $
g_clts:     clts
            jmp   $
g_set_ts:   mov   rax, cr0
            or    rax, 8
            mov   cr0, rax
            jmp   $
g_mov_dr7:  mov   rax, dr7
            jmp   $
g_invlpg:   invlpg [0x123456]
            jmp   $
g_rdtsc:    rdtsc
            jmp   $
g_pause:    pause
            jmp   $
g_wbinvd:   wbinvd
            jmp   $
g_sgdt:     mov   ebx, 0x300000
            sgdt  [rbx + 8]
            jmp   $
g_lldt:     xor   eax, eax
            lldt  ax
            jmp   $
g_ud2:      ud2
            jmp   $
g_int3:     int3
            jmp   $
g_pf:       mov   rax, [0x40000000]
            jmp   $
g_triple:   lidt  [rel g_null_idtr]
            ud2
            jmp   $
g_handler:  mov   rbx, [rsp]                ; the RIP the event pushed
            vmcall
            jmp   $
g_bytes:    db 1, 2, 3
    align 8
g_null_idtr: dw 0
             dq 0
base_proc:  dq 0
%include "include/end.inc"
