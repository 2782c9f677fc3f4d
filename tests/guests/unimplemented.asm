; expect-exit: 1
; expect-output: UD 06 ok
;
; An instruction the emulator does not implement (here the SSE2 floating-point ADDSD) raises
; #UD in the guest, and the log names it with its address (checked by the CTest
; "run: an unimplemented instruction is named in the log").
%include "include/long_mode.inc"
%include "include/exceptions.inc"

main:
    call  install_idt
    mov   rax, cr4
    or    eax, 1 << 9                  ; OSFXSR: SSE is enabled, ADDSD just is not modelled
    mov   cr4, rax
    expect t1, r1
t1: addsd xmm0, xmm1
r1: xor   eax, eax
    jmp   exit
%include "include/end.inc"
