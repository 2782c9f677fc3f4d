; expect-exit: 1
; expect-output: v86: linear 12350h, sp 5A 1000
; expect-output: GP 0000 ok vm 1 iopl 0 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: GP 0000 ok vm 1 iopl 0 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: GP 0000 ok vm 1 iopl 0 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: GP 0000 ok vm 1 iopl 0 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: GP 0000 ok vm 1 iopl 0 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: GP 0000 ok vm 1 iopl 0 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: BP  ok vm 1 iopl 0 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: GP 0000 ok vm 1 iopl 0 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: GP 0000 ok vm 1 iopl 0 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: GP 0000 ok vm 1 iopl 0 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: UD  ok vm 1 iopl 0 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: UD  ok vm 1 iopl 0 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: GP 0000 ok vm 1 iopl 0 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: GP 0000 ok vm 1 iopl 0 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: GP 0000 ok vm 1 iopl 3 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: 3000 3000 0200
; expect-output: INT 40h  ok vm 1 iopl 3 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: GP 0020 ok vm 1 iopl 3 cs esp ss es ds fs gs 0000 1000 0500 1234 0000 2000 3000 null segs 00000000
; expect-output: iret within v86 ok
; expect-output: far jmp, call, retf: cs 0000
; expect-output: task switch to a v86 task
; expect-output: v86 task: int 43h vm 1 cs esp ss es ds fs gs 0000 0800 0700 0700 0700 0700 0700 tr 0030
;
; Virtual-8086 mode without the virtual-mode extensions (SDM Vol. 3 chapter 20 "8086
; Emulation"; Vol. 2 IRET "RETURN-TO-VIRTUAL-8086-MODE", INT n "INTERRUPT-FROM-VIRTUAL-8086-
; MODE", PUSHF, POPF, CLI, STI, IN, OUT; Vol. 1 18.5.2 I/O permission bit map). A 32-bit
; IRET at CPL 0 with EFLAGS.VM = 1 pops EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS and runs
; 16-bit code at CPL 3 with real-mode segments (base = selector * 16: a read at 1234:0010
; sees linear 12350H). With IOPL = 0, PUSHF, POPF, CLI, STI, INT n and IRET are #GP(0); INT3
; is not IOPL-sensitive and goes to its DPL-3 gate; HLT and MOV from CR0 are #GP(0) (CPL 3),
; LLDT/SLDT are #UD; OUT to a port whose bit in the TSS's I/O bitmap is set is #GP(0) whatever
; the IOPL, to a port whose bit is clear it is done. Every interrupt or exception goes
; through the IDT to the CPL-0 handler on the TSS's SS0:ESP0 stack, which finds the
; virtual-8086 frame (EIP CS EFLAGS ESP SS ES DS FS GS, EFLAGS.VM = 1) and DS, ES, FS and GS
; null; its IRET returns to virtual-8086 mode. With IOPL = 3 (set by the handler in the
; saved EFLAGS) PUSHF, POPF, CLI and STI work, POPF cannot change IOPL, INT n reaches its
; DPL-3 gate, and IRET returns within virtual-8086 mode. Far JMP, CALL and RETF load CS
; real-mode style. A gate to a DPL-3 code segment is #GP(selector) from virtual-8086 mode.
; Finally a task switch to a TSS whose EFLAGS.VM = 1 starts a virtual-8086 task at CPL 3.
; Bochs 2.7 (scripts/bochs-oracle) prints the same.
%include "include/prot_mode.inc"
%include "include/tss32.inc"

TSS_M equ 0x13000                      ; the running task (I/O bitmap at +68H)
TSS_V equ 0x13200                      ; a virtual-8086-mode task

%macro gate3 2                          ; an interrupt gate, DPL 3
    set_gate32 %1, %2
    mov   word [IDT32 + %1*8 + 4], 0xEE00
%endmacro

main:
    call  install_idt32
    lgdt  [gdtr_v]
    set_gate32 6, h_ud
    set_gate32 13, h_gp
    gate3 3, h_bp
    gate3 0x40, h_int40
    gate3 0x41, h_int41                  ; -> a DPL-3 code segment: #GP(20h) from v86
    mov   word [IDT32 + 0x41*8 + 2], 0x20
    gate3 0x42, h_done
    gate3 0x43, h_task_done
    ; the running task: SS0:ESP0 10h:7000h, an I/O bitmap at +68H allowing only port E9h
    tss32_init TSS_M, 0, 0x7000
    mov   dword [TSS_M + 0x04], 0x7000
    mov   dword [TSS_M + 0x08], 0x10
    mov   word [TSS_M + 0x66], 0x68
    mov   edi, TSS_M + 0x68
    mov   ecx, 0x21
    mov   al, 0xFF
    rep   stosb
    and   byte [TSS_M + 0x68 + 0xE9 / 8], ~(1 << (0xE9 & 7))
    mov   ax, 0x28
    ltr   ax
    mov   byte [0x12350], 0x5A
    ; IRET to virtual-8086 mode: EIP CS EFLAGS ESP SS ES DS FS GS
    push  dword 0x3000                  ; GS
    push  dword 0x2000                  ; FS
    push  dword 0                       ; DS
    push  dword 0                       ; ES
    push  dword 0x0500                  ; SS (linear 5000h + SP)
    push  dword 0x1000                  ; ESP
    push  dword 0x20002                 ; EFLAGS: VM, IOPL 0
    push  dword 0                       ; CS
    push  dword v86_code                ; EIP
    iret

; ---- the CPL-0 side -------------------------------------------------------------------
h_ud:   push 0
        push 6
        jmp  v86_trap
h_gp:   push 13
        jmp  v86_trap
h_bp:   push 0
        push 3
        jmp  v86_trap
h_int40: push 0
        push 0x40
        jmp  v86_trap
h_int41: push 0
        push 0x41
        jmp  v86_trap
; [esp] vector, [esp+4] error, then the virtual-8086 frame: +8 EIP, +12 CS, +16 EFLAGS,
; +20 ESP, +24 SS, +28 ES, +32 DS, +36 FS, +40 GS. Prints it, resumes at [resume16].
v86_trap:
    mov   [ss:seg_in], ds               ; (null on entry from virtual-8086 mode: SS addresses)
    mov   [ss:seg_in + 2], es
    mov   [ss:seg_in + 4], fs
    mov   [ss:seg_in + 6], gs
    mov   eax, 0x10
    mov   ds, eax
    mov   es, eax
    mov   eax, [esp]
    mov   esi, [names_v + eax*4]
    call  print_str
    mov   eax, [esp]
    cmp   eax, 6
    je    .noerr
    cmp   eax, 13
    jne   .noerr
    mov   eax, [esp + 4]
    mov   cl, 4
    call  print_hex
.noerr:
    movzx eax, word [fault16]
    cmp   [esp + 8], eax
    mov   esi, sv_ok
    je    .p
    mov   esi, sv_bad
.p: call  print_str
    print s_vm
    mov   eax, [esp + 16]
    shr   eax, 17
    and   eax, 1
    mov   cl, 1
    call  print_hex
    print s_iopl
    mov   eax, [esp + 16]
    shr   eax, 12
    and   eax, 3
    mov   cl, 1
    call  print_hex
    print s_frame
    mov   edi, 12                       ; CS, then ESP SS ES DS FS GS (print_hex clobbers EBX)
.f: mov   eax, [esp + edi]
    mov   cl, 4
    call  print_hex
    mov   al, ' '
    out   0xe9, al
    add   edi, 4
    cmp   edi, 16
    jne   .g
    add   edi, 4                        ; (skip EFLAGS)
.g: cmp   edi, 44
    jb    .f
    print s_null
    mov   eax, [seg_in]
    or    eax, [seg_in + 4]
    mov   cl, 8
    call  print_hex
    print s_nl
    cmp   byte [set_iopl3], 0
    je    .r
    or    dword [esp + 16], 0x3000      ; the monitor gives the task IOPL 3
    mov   byte [set_iopl3], 0
.r: movzx eax, word [resume16]
    mov   [esp + 8], eax
    add   esp, 8
    iret

h_done:                                 ; from virtual-8086 mode: on to the task switch
    mov   eax, 0x10
    mov   ds, eax
    mov   es, eax
    print s_part2
    tss32_init TSS_V, v86_task, 0x0800
    mov   dword [TSS_V + 0x24], 0x23002 ; EFLAGS: VM, IOPL 3
    mov   eax, 0x0700
    mov   [TSS_V + 0x48], eax           ; ES
    mov   dword [TSS_V + 0x4C], 0       ; CS
    mov   [TSS_V + 0x50], eax           ; SS
    mov   [TSS_V + 0x54], eax           ; DS
    mov   [TSS_V + 0x58], eax           ; FS
    mov   [TSS_V + 0x5C], eax           ; GS
    mov   dword [TSS_V + 0x04], 0x6800  ; ESP0
    mov   dword [TSS_V + 0x08], 0x10    ; SS0
    jmp   0x30:0                        ; task switch into the virtual-8086 task

h_task_done:                            ; INT 43h from the virtual-8086 task
    mov   eax, 0x10
    mov   ds, eax
    print s_task
    mov   eax, [esp + 8]                ; EFLAGS
    shr   eax, 17
    and   eax, 1
    mov   cl, 1
    call  print_hex
    print s_frame
    mov   edi, 4                        ; CS, then ESP SS ES DS FS GS
.f: mov   eax, [esp + edi]
    mov   cl, 4
    call  print_hex
    mov   al, ' '
    out   0xe9, al
    add   edi, 4
    cmp   edi, 8
    jne   .g
    add   edi, 4
.g: cmp   edi, 36
    jb    .f
    print s_tr
    str   ax
    movzx eax, ax
    mov   cl, 4
    call  print_hex
    print s_nl
    xor   eax, eax
    jmp   exit

; ---- the virtual-8086 side (CS = 0: IP = linear address) -------------------------------
bits 16
%macro vtrap 1                          ; the next instruction traps; resume after it
    mov   word [fault16], %%i
    mov   word [resume16], %%n
%%i: %1
%%n:
%endmacro
%macro vtrap_after 1                    ; a trap (INT n): the saved IP is the next one
    mov   word [fault16], %%n
    mov   word [resume16], %%n
    %1
%%n:
%endmacro

v86_code:
    mov   si, s_v86
    call  puts
    mov   ax, 0x1234
    mov   es, ax
    mov   al, [es:0x0010]               ; linear 12350h
    call  hex8
    mov   al, ' '
    out   0xe9, al
    mov   ax, sp
    call  hex16
    mov   al, 10
    out   0xe9, al
    ; IOPL 0: the IOPL-sensitive instructions fault
    vtrap pushf
    vtrap popf
    vtrap cli
    vtrap sti
    vtrap {int 0x40}
    vtrap iret
    vtrap_after int3                    ; (not IOPL-sensitive: through gate 3)
    vtrap hlt
    vtrap {mov eax, cr0}
    vtrap {out 0x80, al}                ; bitmap bit set
    vtrap ud2
    vtrap {sldt ax}
    vtrap {int 0x41}                    ; (IOPL 0: #GP(0) before the gate)
    mov   byte [set_iopl3], 1           ; the next trap's handler sets IOPL 3
    vtrap {out 0x80, al}                ; bitmap bit set: #GP(0) at IOPL 3 too
    ; IOPL 3
    vtrap {out 0x80, al}
    pushf
    pop   ax
    and   ax, 0x7200
    call  hex16                         ; FLAGS: IOPL 3 (NT, IOPL and IF shown)
    mov   al, ' '
    out   0xe9, al
    pushf
    pop   ax
    and   ax, 0x0FFF                    ; POPF cannot clear IOPL here
    push  ax
    popf
    pushf
    pop   ax
    and   ax, 0x7200
    call  hex16
    mov   al, ' '
    out   0xe9, al
    cli
    sti
    pushf
    pop   ax
    and   ax, 0x0200
    call  hex16                         ; IF set again
    mov   al, 10
    out   0xe9, al
    vtrap_after {int 0x40}              ; to the CPL-0 handler through its DPL-3 gate
    vtrap {int 0x41}                    ; gate -> DPL-3 code segment: #GP(20h)
    ; IRET within virtual-8086 mode (IOPL 3): FLAGS, CS, IP from the v86 stack
    pushf
    push  cs
    push  word .after_iret
    iret
.after_iret:
    mov   si, s_iret
    call  puts
    ; far JMP, CALL, RETF: real-mode style
    jmp   0x0000:.far1
.far1:
    call  0x0000:far_sub
    mov   si, s_far
    call  puts
    mov   ax, cs
    call  hex16
    mov   al, 10
    out   0xe9, al
    int   0x42                          ; done: the CPL-0 side goes on

far_sub:
    retf

v86_task:                               ; CS 0, SS = DS = ES = FS = GS = 0700h, SP 0800h
    int   0x43

; 16-bit output (DS = 0): puts SI, hex8 AL, hex16 AX
%include "include/real16.inc"
bits 32

s_v86:   db "v86: linear 12350h, sp ", 0
s_iret:  db "iret within v86 ok", 10, 0
s_far:   db "far jmp, call, retf: cs ", 0
s_part2: db "task switch to a v86 task", 10, 0
s_task:  db "v86 task: int 43h vm ", 0
sv_ok:   db " ok", 0
sv_bad:  db " bad", 0
s_vm:    db " vm ", 0
s_iopl:  db " iopl ", 0
s_frame: db " cs esp ss es ds fs gs ", 0
s_null:  db "null segs ", 0
s_tr:    db "tr ", 0
s_nl:    db 10, 0
names_v: dd 0, 0, 0, n_bp3, 0, 0, n_ud6, 0, 0, 0, 0, 0, 0, n_gp13
         times 0x40 - 14 dd 0
         dd n_int40, n_int41
n_bp3:   db "BP ", 0
n_ud6:   db "UD ", 0
n_gp13:  db "GP ", 0
n_int40: db "INT 40h ", 0
n_int41: db "INT 41h ", 0
    align 4
fault16:  dw 0
resume16: dw 0
seg_in:   dw 0, 0, 0, 0
set_iopl3: db 0
    align 8
; 08/10 code/data DPL 0, 20 code DPL 3, 28 TSS M, 30 TSS V
gdt_v:
    dq 0
    dq 0x00cf9a000000ffff
    dq 0x00cf92000000ffff
    dq 0
    dq 0x00cffa000000ffff
    dw 0x68 + 0x21, TSS_M & 0xFFFF
    db (TSS_M >> 16), 0x89, 0, 0
    dw 0x67, TSS_V & 0xFFFF
    db (TSS_V >> 16), 0x89, 0, 0
gdtr_v:
    dw gdtr_v - gdt_v - 1
    dd gdt_v
%include "include/end.inc"
