; expect-exit: 1
; expect-output: int 40h through a short idt: exit 00000000 qual 0000000000000000 rip 00008C2B len 02 info 00000000 intr 80000B0D lin 0000000000000000 rbx 0000000000000002
; expect-output:   exit error code 0000000000000202
; expect-output:   idt-vectoring info 0000000080000440
; expect-output:   idt-vectoring error 0000000000000000
; expect-output: injected #ud through a short idt: exit 00000000 qual 0000000000000000 rip 00008C2F len 00 info 00000000 intr 80000B0D lin 0000000000000000 rbx 0000000000000002
; expect-output:   exit error code 0000000000000033
; expect-output:   idt-vectoring info 0000000080000306
; expect-output:   idt-vectoring error 0000000000000000
; expect-output: injected #gp through a short idt: exit 00000000 qual 0000000000000000 rip 00008C2F len 00 info 00000000 intr 80000B0D lin 0000000000000000 rbx 0000000000000002
; expect-output:   exit error code 000000000000006B
; expect-output:   idt-vectoring info 0000000080000B0D
; expect-output:   idt-vectoring error 0000000000001234
; expect-output:   entry interruption info (valid bit cleared) 0000000000000B0D
;
; VM exits during event delivery (SDM Vol. 3C 27.2.4): the IDT-vectoring information and
; error code name the event being delivered, and for a software interrupt the VM-exit
; instruction length is its length. The guest IDT is too short (limit 0FH), so delivery
; raises #GP(vector * 8 + 2 | EXT), which the exception bitmap turns into a VM exit:
; - for the guest's own INT 40H (type 4, length 2, EXT = 0);
; - for an injected hardware exception #UD (type 3, EXT = 1);
; - for an injected #GP with error code 1234H: the second #GP exits before the pair could
;   become #DF (25.2), and the vectoring error code is 1234H.
; Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/long_mode.inc"
%include "include/exceptions.inc"
%include "include/vmx.inc"
%include "include/vmguest.inc"

%macro vectoring 0
    mov   eax, 0x4406
    vmread rbx, rax
    show  "  exit error code", rbx
    mov   eax, 0x4408
    vmread rbx, rax
    show  "  idt-vectoring info", rbx
    mov   eax, 0x440A
    vmread rbx, rax
    show  "  idt-vectoring error", rbx
%endmacro

main:
    call  install_idt
    call  vm_setup
    mov   byte [rel vg_verbose], 1
    vmset 0x4812, 0x0F                  ; guest IDT limit: vectors 0 only
    vmset 0x4004, 1 << 13               ; #GP in the exception bitmap
    vmcase "int 40h through a short idt", g_int40
    vectoring
    vmset 0x4016, 0x80000306            ; inject #UD
    vmcase "injected #ud through a short idt", g_nop
    vectoring
    vmset 0x4016, 0x80000B0D            ; inject #GP(1234H): the injected event is delivered,
    vmset 0x4018, 0x1234                ; and its delivery's own #GP exits
    vmcase "injected #gp through a short idt", g_nop
    vectoring
    mov   eax, 0x4016
    vmread rbx, rax
    show  "  entry interruption info (valid bit cleared)", rbx
    mov   al, 0
    jmp   exit

g_int40:    int   0x40
            jmp   $
g_nop:      nop
            jmp   $
%include "include/end.inc"
