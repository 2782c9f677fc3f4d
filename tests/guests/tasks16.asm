; expect-exit: 1
; expect-output: task B saw AX 1234
; expect-output: task B saw CX 5678
; expect-output: task B saw FS (null: no FS in a 16-bit TSS) 0000
; expect-output: task B saw its link 0028
; expect-output: B's TSS after its IRET: IP 82CB
; expect-output:                         AX BBBB
; expect-output: back in A: AX AAAA
; expect-output: 16-bit TSS, limit 2AH: TS 0A 00000048 ok
;
; Task switches to and from a 16-bit TSS (SDM Vol. 3 7.6 "16-Bit Task-State Segment", Figure
; 7-10, and 7.3): CALL from a 32-bit task to a 16-bit TSS loads IP, FLAGS, the 16-bit
; registers and ES, CS, SS, DS (a 16-bit TSS has no CR3, FS or GS) and links back; the 16-bit
; task's IRET saves it in the 16-bit format and returns to the 32-bit task. A 16-bit TSS below
; the 2BH minimum limit is #TS. The upper halves of registers loaded from a 16-bit TSS are
; "modified and not maintained" (7.6); the test prints only low halves. FS and GS, which a
; 16-bit TSS lacks, become null (docs/cpu-model.md). Bochs 2.7 (scripts/bochs-oracle) prints
; the same.
%include "include/prot_mode.inc"

TSS_A  equ 0x13000
TSS_B  equ 0x13100                     ; 16-bit
SCRATCH equ 0x500

%macro show 2                           ; "text VVVV" (16-bit value at %2)
    print %%s
    movzx eax, word [%2]
    mov   cl, 4
    call  print_hex
    print s_nl
    jmp   %%e
%%s: db %1, " ", 0
%%e:
%endmacro

main:
    call  install_idt32
    set_gate32 10, isr_ts
    mov   dword [names + 10 * 4], n_ts
    lgdt  [gdtr6]
    ; task A: a 32-bit TSS, current
    mov   edi, TSS_A
    mov   ecx, 0x68 / 4
    xor   eax, eax
    rep   stosd
    mov   word [TSS_A + 0x66], 0x68
    ; task B: a 16-bit TSS
    mov   edi, TSS_B
    mov   ecx, 0x2C / 2
    xor   eax, eax
    rep   stosw
    mov   word [TSS_B + 0x0E], task_b   ; IP
    mov   word [TSS_B + 0x10], 0x2      ; FLAGS
    mov   word [TSS_B + 0x12], 0x1234   ; AX
    mov   word [TSS_B + 0x14], 0x5678   ; CX
    mov   word [TSS_B + 0x1A], 0x6000   ; SP
    mov   word [TSS_B + 0x22], 0x10     ; ES
    mov   word [TSS_B + 0x24], 0x38     ; CS: 16-bit code
    mov   word [TSS_B + 0x26], 0x10     ; SS
    mov   word [TSS_B + 0x28], 0x10     ; DS
    mov   ax, 0x28
    ltr   ax
    mov   ax, 0x40
    mov   fs, ax                        ; FS = 40H in task A
    mov   eax, 0xAAAA
    call  0x30:0                        ; to the 16-bit task B
    mov   [SCRATCH + 16], ax            ; A's AX after the return
    show  "task B saw AX", SCRATCH
    show  "task B saw CX", SCRATCH + 2
    show  "task B saw FS (null: no FS in a 16-bit TSS)", SCRATCH + 4
    show  "task B saw its link", SCRATCH + 6
    show  "B's TSS after its IRET: IP", TSS_B + 0x0E
    show  "                        AX", TSS_B + 0x12
    show  "back in A: AX", SCRATCH + 16
    print s_lim
    expect t1, t1r
t1: jmp   0x48:0                        ; 16-bit TSS with limit 2AH: #TS(48H)
t1r:
    xor   eax, eax
    jmp   exit

isr_ts: push 10
        jmp  isr_common

bits 16
task_b:
    mov   [SCRATCH], ax
    mov   [SCRATCH + 2], cx
    mov   ax, fs
    mov   [SCRATCH + 4], ax
    mov   ax, [dword TSS_B]             ; the previous-task link (a 32-bit address)
    mov   [SCRATCH + 6], ax
    mov   ax, 0xBBBB                    ; saved into B's TSS by the IRET
    iret                                ; NT = 1: back to task A
bits 32

n_ts:  db "TS ", 0
s_lim: db "16-bit TSS, limit 2AH: ", 0
s_nl:  db 10, 0
    align 8
gdt6:
    dq 0
    dq 0x00cf9a000000ffff               ; 08 code
    dq 0x00cf92000000ffff               ; 10 data
    dq 0, 0
    dw 0x67, TSS_A & 0xFFFF             ; 28 32-bit TSS A
    db (TSS_A >> 16), 0x89, 0, 0
    dw 0x2B, TSS_B & 0xFFFF             ; 30 16-bit TSS B
    db (TSS_B >> 16), 0x81, 0, 0
    dq 0x00009a000000ffff               ; 38 16-bit code
    dq 0x00cf92000000ffff               ; 40 data (for FS)
    dw 0x2A, TSS_B & 0xFFFF             ; 48 16-bit TSS, limit too small
    db (TSS_B >> 16), 0x81, 0, 0
gdtr6:
    dw gdtr6 - gdt6 - 1
    dd gdt6
%include "include/end.inc"
