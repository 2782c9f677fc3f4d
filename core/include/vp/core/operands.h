// Operand access for code outside core/ (the VMX instructions in vmx/): reads and writes a
// decoded instruction's register or memory operand with the full segmentation, paging and
// fault rules of the interpreter. A fault is recorded in Cpu::fault (Exec::Fault returned).
#pragma once
#include <cstdint>

#include "vp/core/cpu.h"

namespace vp {

// Operand k as `size` bytes (1, 2, 4, 8); a register of another width is read zero-extended.
Exec read_operand(Cpu& c, const Insn& i, unsigned k, unsigned size, uint64_t& value);
// A register destination of 4 bytes is zero-extended to 64 bits, as every 32-bit write.
Exec write_operand(Cpu& c, const Insn& i, unsigned k, unsigned size, uint64_t value);
// The 128-bit memory operand (the descriptor of INVEPT, INVVPID, INVPCID): bits 63:0 in
// d[0], 127:64 in d[1].
Exec read_memory_operand128(Cpu& c, const Insn& i, uint64_t (&d)[2]);
// The memory operand's effective address (offset within its segment, address-size masked).
uint64_t effective_address(const Cpu& c, const Insn& i);
// The linear address of the memory operand (segment base added, truncated outside 64-bit mode).
uint64_t operand_linear_address(const Cpu& c, const Insn& i);

// RDMSR / WRMSR semantics at CPL 0, without the instruction (VMX MSR-load and MSR-store
// lists use them): Exec::Fault with #GP(0) recorded when the MSR or value is not allowed.
Exec msr_read(Cpu& c, uint32_t msr, uint64_t& value);
Exec msr_write(Cpu& c, uint32_t msr, uint64_t value);

}  // namespace vp
