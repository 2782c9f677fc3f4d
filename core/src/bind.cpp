// Handler selection and the per-class cycle cost table.
#include "bind.h"

#include <Zydis/Zydis.h>

#include "vp/decoder/decoder.h"

namespace vp {

Exec exec_unimplemented(Cpu& c, const Insn& i) {
  c.log_msg(std::string("unimplemented instruction '") + mnemonic_name(i.mnemonic) + "' at " + c.describe_at(c.insn_rip) +
            ": #UD");
  return c.ud();
}

namespace {

// Modelled cycles per instruction class (a first approximation of Skylake latencies; the
// cycle-model issue refines it).
uint8_t cost_of(const Insn& i) {
  switch (i.mnemonic) {
    case ZYDIS_MNEMONIC_MUL: case ZYDIS_MNEMONIC_IMUL: case ZYDIS_MNEMONIC_PDEP: case ZYDIS_MNEMONIC_PEXT: return 3;
    case ZYDIS_MNEMONIC_MULX: return 4;
    // The save areas move 512-576 bytes.
    case ZYDIS_MNEMONIC_FXSAVE: case ZYDIS_MNEMONIC_FXSAVE64: case ZYDIS_MNEMONIC_FXRSTOR: case ZYDIS_MNEMONIC_FXRSTOR64:
    case ZYDIS_MNEMONIC_XSAVE: case ZYDIS_MNEMONIC_XSAVE64: case ZYDIS_MNEMONIC_XSAVEOPT: case ZYDIS_MNEMONIC_XSAVEOPT64:
    case ZYDIS_MNEMONIC_XSAVEC: case ZYDIS_MNEMONIC_XSAVEC64: case ZYDIS_MNEMONIC_XRSTOR: case ZYDIS_MNEMONIC_XRSTOR64:
      return 60;
    case ZYDIS_MNEMONIC_DIV: case ZYDIS_MNEMONIC_IDIV: return i.osz == 8 ? 40 : 26;
    case ZYDIS_MNEMONIC_CPUID: return 100;
    case ZYDIS_MNEMONIC_RDMSR: case ZYDIS_MNEMONIC_WRMSR: return 80;
    case ZYDIS_MNEMONIC_IN: case ZYDIS_MNEMONIC_OUT: return 50;
    // VMX instructions that only touch the VMCS (measured costs come with the cycle model).
    case ZYDIS_MNEMONIC_VMREAD: case ZYDIS_MNEMONIC_VMWRITE: return 20;
    case ZYDIS_MNEMONIC_VMXON: case ZYDIS_MNEMONIC_VMXOFF: case ZYDIS_MNEMONIC_VMCLEAR:
    case ZYDIS_MNEMONIC_VMPTRLD: case ZYDIS_MNEMONIC_VMPTRST: return 100;
    default: return 1;
  }
}

}  // namespace

void bind(Insn& i) {
  i.fn = nullptr;
  if (bind_alu(i) || bind_muldiv(i) || bind_shift(i) || bind_bits(i) || bind_bmi(i) || bind_system(i) || bind_descriptor_queries(i) || bind_move(i) ||
      bind_stack(i) || bind_branch(i) || bind_string(i) || bind_sse(i) || bind_x87(i) || bind_xsave(i) ||
      bind_fast_syscall(i) || bind_vmx(i)) {
    i.cost = cost_of(i);
    return;
  }
  i.fn = exec_unimplemented;
  i.cost = 1;
}

}  // namespace vp
