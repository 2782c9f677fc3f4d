; expect-exit: 0x55 (debug-exit value 0x2A)
; expect-output: hello
; Real-mode: print through port 0xE9, then write 0x2A to the isa-debug-exit port.
bits 16
org 0x7c00
    cld
    xor ax, ax
    mov ds, ax
    mov si, msg
.next:
    lodsb
    test al, al
    jz .done
    out 0xe9, al
    jmp .next
.done:
    mov al, 0x2a
    out 0xf4, al
    hlt
msg: db "hello", 10, 0
