#include "vp/core/operands.h"

#include "access.h"

namespace vp {

Exec read_operand(Cpu& c, const Insn& i, unsigned k, unsigned size, uint64_t& value) {
  const Operand& o = i.op[k];
  if (o.kind == OpKind::Gpr) {
    value = get_reg_sized(c, o.reg, size);
    return Exec::Ok;
  }
  return read_mem_sized(c, i.seg, ea_of(c, i), size, value);
}

Exec write_operand(Cpu& c, const Insn& i, unsigned k, unsigned size, uint64_t value) {
  const Operand& o = i.op[k];
  if (o.kind == OpKind::Gpr) {
    set_reg_sized(c, o.reg, size, value);
    return Exec::Ok;
  }
  return write_mem_sized(c, i.seg, ea_of(c, i), size, value);
}

Exec read_memory_operand128(Cpu& c, const Insn& i, uint64_t (&d)[2]) {
  const uint64_t ea = ea_of(c, i);
  if (Exec r = read_mem_sized(c, i.seg, ea, 8, d[0]); r != Exec::Ok) return r;
  return read_mem_sized(c, i.seg, (ea + 8) & addr_mask(i.asz), 8, d[1]);
}

uint64_t effective_address(const Cpu& c, const Insn& i) { return ea_of(c, i); }

uint64_t operand_linear_address(const Cpu& c, const Insn& i) {
  const uint64_t la = c.seg_base[i.seg] + ea_of(c, i);
  return c.long64 ? la : la & 0xFFFF'FFFFull;
}

}  // namespace vp
