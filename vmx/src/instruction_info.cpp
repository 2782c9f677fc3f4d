#include "vp/vmx/instruction_info.h"

#include <Zydis/Zydis.h>

namespace vp {
namespace {

// Register numbers as the instruction-information field encodes them (RAX = 0 ... R15 = 15).
constexpr uint32_t reg_number(uint8_t byte_offset) { return byte_offset >> 3; }

// The memory-operand part shared by all layouts: scaling 1:0, address size 9:7, segment
// 17:15, index 21:18 (+ invalid 22), base 26:23 (+ invalid 27). RIP-relative addressing has
// no base register: the base is reported invalid.
uint32_t memory_bits(const Insn& i) {
  uint32_t v = i.scale & 3u;
  v |= (i.asz == 2 ? 0u : i.asz == 4 ? 1u : 2u) << 7;
  v |= (i.seg & 7u) << 15;
  if (i.index < 16) v |= static_cast<uint32_t>(i.index) << 18;
  else v |= 1u << 22;
  if (i.base < 16) v |= static_cast<uint32_t>(i.base) << 23;
  else v |= 1u << 27;
  return v;
}

}  // namespace

bool vmx_instruction_exit_info(const Insn& i, InstructionExitInfo& out) {
  out = {};
  out.length = i.len;
  const bool mem0 = i.op[0].kind == OpKind::Mem;
  switch (i.mnemonic) {
    case ZYDIS_MNEMONIC_VMCALL: out.reason = ExitReason::EXECUTE_VMCALL; return true;
    case ZYDIS_MNEMONIC_VMLAUNCH: out.reason = ExitReason::EXECUTE_VMLAUNCH; return true;
    case ZYDIS_MNEMONIC_VMRESUME: out.reason = ExitReason::EXECUTE_VMRESUME; return true;
    case ZYDIS_MNEMONIC_VMXOFF: out.reason = ExitReason::EXECUTE_VMXOFF; return true;
    case ZYDIS_MNEMONIC_VMXON: out.reason = ExitReason::EXECUTE_VMXON; break;
    case ZYDIS_MNEMONIC_VMCLEAR: out.reason = ExitReason::EXECUTE_VMCLEAR; break;
    case ZYDIS_MNEMONIC_VMPTRLD: out.reason = ExitReason::EXECUTE_VMPTRLD; break;
    case ZYDIS_MNEMONIC_VMPTRST: out.reason = ExitReason::EXECUTE_VMPTRST; break;
    case ZYDIS_MNEMONIC_VMREAD:
    case ZYDIS_MNEMONIC_VMWRITE: {
      out.reason = i.mnemonic == ZYDIS_MNEMONIC_VMREAD ? ExitReason::EXECUTE_VMREAD : ExitReason::EXECUTE_VMWRITE;
      // VMREAD r/m, reg; VMWRITE reg, r/m. Reg2 (31:28) is the encoding register; bit 10 says
      // whether the other operand is a register (reg1, 6:3) or memory.
      const Operand& rm = i.op[i.mnemonic == ZYDIS_MNEMONIC_VMREAD ? 0 : 1];
      const Operand& enc = i.op[i.mnemonic == ZYDIS_MNEMONIC_VMREAD ? 1 : 0];
      uint32_t v = reg_number(enc.reg) << 28;
      if (rm.kind == OpKind::Mem) {
        v |= memory_bits(i);
        out.qualification = static_cast<uint64_t>(i.disp);
      } else {
        // Address size and the memory-operand bits are undefined for a register operand: 0.
        v |= (reg_number(rm.reg) << 3) | (1u << 10);
      }
      out.instruction_info = v;
      return true;
    }
    case ZYDIS_MNEMONIC_INVEPT:
    case ZYDIS_MNEMONIC_INVVPID:
    case ZYDIS_MNEMONIC_INVPCID:
      // INVEPT/INVVPID/INVPCID reg, m128: reg2 (31:28) holds the type register.
      out.reason = i.mnemonic == ZYDIS_MNEMONIC_INVEPT    ? ExitReason::EXECUTE_INVEPT
                   : i.mnemonic == ZYDIS_MNEMONIC_INVVPID ? ExitReason::EXECUTE_INVVPID
                                                          : ExitReason::EXECUTE_INVPCID;
      out.instruction_info = memory_bits(i) | (reg_number(i.op[0].reg) << 28);
      out.qualification = static_cast<uint64_t>(i.disp);
      return true;
    default: return false;
  }
  // VMXON, VMCLEAR, VMPTRLD, VMPTRST: one m64 operand; bit 10 is 0 (memory).
  if (mem0) {
    out.instruction_info = memory_bits(i);
    out.qualification = static_cast<uint64_t>(i.disp);
  }
  return true;
}

}  // namespace vp
