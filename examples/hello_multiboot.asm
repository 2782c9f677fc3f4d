; hello_multiboot.asm -- the smallest complete guest: a Multiboot (v1, a.out kludge) kernel
; that starts in 32-bit protected mode, enters 64-bit long mode, programs the COM1 UART and
; the local APIC timer, takes three timer interrupts, prints over the UART and exits through
; the isa-debug-exit port with value 0x10 (exit status 0x21 = 33, under QEMU too:
;   qemu-system-x86_64 -kernel hello_multiboot.bin -device isa-debug-exit,iobase=0xf4,iosize=4
;                      -serial stdio -display none).
bits 32
org 0x100000

MB_MAGIC  equ 0x1BADB002
MB_FLAGS  equ (1 << 1) | (1 << 16)   ; memory information; load addresses in the header
COM1      equ 0x3F8
APIC      equ 0xFEE00000
PML4      equ 0x200000
IDT       equ 0x204000
STACK_TOP equ 0x280000

mb_header:
    dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
    dd mb_header, mb_header, load_end, bss_end, entry32

entry32:
    cmp   eax, 0x2BADB002
    jne   .bad
    mov   [mbi], ebx
    mov   esp, STACK_TOP
    ; Mask both 8259 PICs: firmware leaves the PIT running on IRQ 0 (vector 8 after the
    ; BIOS's PIC set-up), and a PC delivers it through LINT0 once interrupts are enabled.
    mov   al, 0xFF
    out   0x21, al
    out   0xA1, al
    ; page tables: PML4 -> PDPT -> PD0 (first GiB, 2 MiB pages) and PD3 (the APIC page)
    mov   edi, PML4
    mov   ecx, 4 * 4096 / 4
    xor   eax, eax
    rep   stosd
    mov   dword [PML4], PML4 + 0x1003
    mov   dword [PML4 + 0x1000], PML4 + 0x2003        ; PDPT[0] -> PD0
    mov   dword [PML4 + 0x1000 + 3*8], PML4 + 0x3003  ; PDPT[3] -> PD3
    mov   edi, PML4 + 0x2000
    mov   eax, 0x83
    mov   ecx, 512
.pd:
    mov   [edi], eax
    add   eax, 0x200000
    add   edi, 8
    loop  .pd
    mov   dword [PML4 + 0x3000 + 503*8], APIC | 0x9B  ; 2 MiB at 0xFEE00000, uncached
    mov   eax, cr4
    or    eax, 1 << 5
    mov   cr4, eax
    mov   eax, PML4
    mov   cr3, eax
    mov   ecx, 0xC0000080
    rdmsr
    or    eax, 1 << 8
    wrmsr
    mov   eax, cr0
    or    eax, 0x80000000
    mov   cr0, eax
    lgdt  [gdtr]
    jmp   0x08:entry64
.bad:
    hlt
    jmp   .bad

bits 64
entry64:
    mov   eax, 0x10
    mov   ds, eax
    mov   es, eax
    mov   ss, eax
    mov   rsp, STACK_TOP
    call  uart_init
    lea   rsi, [rel s_hello]
    call  puts
    ; Multiboot information: memory above 1 MiB, in KiB
    mov   ebx, [mbi]
    lea   rsi, [rel s_mem]
    call  puts
    mov   eax, [rbx + 8]                ; mem_upper
    call  put_dec
    lea   rsi, [rel s_kib]
    call  puts
    ; the memory map (flags bit 6): entries of size, base, length, type
    test  dword [rbx], 1 << 6
    jz    .no_mmap
    mov   r9d, [rbx + 48]               ; mmap_addr
    mov   r10d, [rbx + 44]              ; mmap_length
    add   r10, r9
.entry:
    cmp   r9, r10
    jae   .no_mmap
    lea   rsi, [rel s_map]
    call  puts
    mov   rax, [r9 + 4]
    call  put_hex
    mov   al, ' '
    call  putc
    mov   rax, [r9 + 12]
    call  put_hex
    mov   al, ' '
    call  putc
    mov   eax, [r9 + 20]
    add   al, '0'
    call  putc
    lea   rsi, [rel s_crlf]
    call  puts
    mov   eax, [r9]
    lea   r9, [r9 + rax + 4]
    jmp   .entry
.no_mmap:

    ; IDT: vectors 0-31 report an unexpected exception, 0x40 is the timer, 0xFF the APIC's
    ; spurious vector
    xor   ecx, ecx
.gates:
    lea   rax, [rel exc_stubs]
    lea   rax, [rax + rcx*8]
    call  set_gate
    inc   ecx
    cmp   ecx, 32
    jb    .gates
    mov   ecx, 0x40
    lea   rax, [rel isr_timer]
    call  set_gate
    mov   ecx, 0xFF
    lea   rax, [rel isr_spurious]
    call  set_gate
    lidt  [idtr]

    mov   r8, APIC
    mov   dword [r8 + 0xF0], 0x1FF      ; software-enable, spurious vector 0xFF
    mov   dword [r8 + 0x3E0], 0x3       ; divide by 16
    mov   dword [r8 + 0x320], 0x20040   ; periodic, vector 0x40
    mov   dword [r8 + 0x380], 100000    ; initial count
    sti
.wait:
    hlt
    cmp   dword [ticks], 3
    jb    .wait
    cli
    mov   dword [r8 + 0x320], 0x10040   ; mask the timer
    lea   rsi, [rel s_done]
    call  puts
    mov   dx, 0xF4
    mov   al, 0x10
    out   dx, al                        ; exit status (0x10 << 1) | 1 = 33
.halt:
    hlt
    jmp   .halt

isr_timer:
    push  rax
    push  rdx
    push  rsi
    inc   dword [ticks]
    lea   rsi, [rel s_tick]
    call  puts
    mov   dword [r8 + 0xB0], 0          ; EOI
    pop   rsi
    pop   rdx
    pop   rax
    iretq

; set_gate: IDT[ECX] = 64-bit interrupt gate to RAX (selector 0x08, DPL 0).
set_gate:
    mov   rdx, rcx
    shl   rdx, 4
    add   rdx, IDT
    mov   [rdx], ax
    mov   word [rdx + 2], 0x08
    mov   word [rdx + 4], 0x8E00
    shr   rax, 16
    mov   [rdx + 6], ax
    shr   rax, 16
    mov   [rdx + 8], eax
    mov   dword [rdx + 12], 0
    ret

isr_spurious:                           ; no EOI for the spurious vector (SDM 10.9)
    iretq

; exc_stubs: eight bytes per vector: push the vector number, jump to the report.
    align 8
exc_stubs:
%assign v 0
%rep 32
    push  v                             ; 2 bytes
    jmp   near exc_report               ; 5 bytes
    nop
%assign v v + 1
%endrep
exc_report:
    lea   rsi, [rel s_exc]
    call  puts
    pop   rax
    call  put_dec
    lea   rsi, [rel s_crlf]
    call  puts
    mov   dx, 0xF4
    mov   al, 0x7F                      ; exit status 0xFF: an unexpected exception
    out   dx, al
.h: hlt
    jmp   .h

%include "uart.inc"

s_hello: db "Hello from 64-bit long mode", 13, 10, 0
s_mem:   db "Multiboot: ", 0
s_kib:   db " KiB above 1 MiB", 13, 10, 0
s_tick:  db "tick", 13, 10, 0
s_map:   db "  map ", 0
s_exc:   db "unexpected exception ", 0
s_crlf:  db 13, 10, 0
s_done:  db "three LAPIC timer interrupts taken; exiting", 13, 10, 0
    align 8
gdt:     dq 0, 0x00AF9A000000FFFF, 0x00CF92000000FFFF
gdtr:    dw gdtr - gdt - 1
         dq gdt
idtr:    dw 256*16 - 1
         dq IDT
load_end:
absolute load_end                       ; BSS: zeroed by the loader (bss_end_addr)
mbi:     resd 1
ticks:   resd 1
numbuf:  resb 12
onechar: resb 2
bss_end:
