// Binding: chooses the semantic handler (and cycle cost) for a decoded instruction.
#pragma once
#include "vp/core/cpu.h"

namespace vp {

void bind(Insn& insn);

// Per-family binders (core/src/exec/*.cpp): each returns true if it took the mnemonic.
bool bind_alu(Insn& i);
bool bind_muldiv(Insn& i);
bool bind_shift(Insn& i);
bool bind_bits(Insn& i);
bool bind_bmi(Insn& i);
bool bind_descriptor_queries(Insn& i);
bool bind_move(Insn& i);
bool bind_stack(Insn& i);
bool bind_branch(Insn& i);
bool bind_string(Insn& i);
bool bind_system(Insn& i);
bool bind_sse(Insn& i);
bool bind_x87(Insn& i);
bool bind_xsave(Insn& i);
bool bind_fast_syscall(Insn& i);
bool bind_vmx(Insn& i);

// Used when no handler exists: #UD, and the log names the instruction and its address.
Exec exec_unimplemented(Cpu& c, const Insn& i);

}  // namespace vp
