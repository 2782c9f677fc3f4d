; The benchmark kernel alone, as position-independent 64-bit code, for running natively
; on the host (the oracle for the checksum). Entry at offset 0: rdi = N, rsi = array.
bits 64
%include "work.inc"
