; expect-exit: 6 (triple fault)
; An IDT with limit 0 makes INT3 raise #GP, whose delivery faults again (#DF), whose
; delivery faults once more: shutdown (SDM Vol. 3 6.15, interrupt 8).
bits 16
org 0x7c00
    cli
    lidt [cs:idtr]
    int3
    hlt
idtr: dw 0
      dd 0
