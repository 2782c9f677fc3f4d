// VM-exit information for instructions that exit in VMX non-root operation: the exit
// reason, the exit qualification and the VM-exit instruction-information field (SDM Vol. 3C
// "Exit Qualification for VMX instructions"-style displacement, and the tables
// "VM-Exit Instruction-Information Field as Used for VMCLEAR, VMPTRLD, VMPTRST, VMXON,
// XRSTORS, and XSAVES", "... for VMREAD and VMWRITE", "... for INVEPT, INVPCID, and INVVPID").
#pragma once
#include <cstdint>

#include "vp/core/cpu.h"
#include "vp/vmx/exit_reasons.h"

namespace vp {

struct InstructionExitInfo {
  ExitReason reason{};
  uint64_t qualification = 0;  // the memory operand's displacement, sign-extended; else 0
  uint32_t instruction_info = 0;
  uint8_t length = 0;          // VM-exit instruction length
};

// Fills `out` for a VMX instruction (VMXON ... VMCALL, INVEPT, INVVPID); false for any other
// instruction. Bits the SDM leaves undefined are 0 (docs/vmx-instructions.md).
bool vmx_instruction_exit_info(const Insn& i, InstructionExitInfo& out);

}  // namespace vp
