// Stack instructions: PUSH POP (register, memory, immediate, segment), PUSHF POPF,
// PUSHA POPA, ENTER LEAVE (SDM Vol. 2).
#include "exec.h"
#include "system.h"

namespace vp {
namespace {

Exec exec_push(Cpu& c, const Insn& i) {
  const Operand& o = i.op[0];
  uint64_t v;
  switch (o.kind) {
    case OpKind::Gpr: v = get_reg_sized(c, o.reg, i.osz); break;
    case OpKind::Seg: {
      // A segment register pushed with a 32/64-bit operand size: recent Intel processors
      // write only the 16-bit selector and leave the rest of the slot unchanged.
      const uint64_t nsp = (c.s.regs[4] - i.osz) & addr_mask(c.stack_size);
      if (Exec r = write_mem<uint16_t>(c, SS, nsp, c.s.seg[o.reg].sel); r != Exec::Ok) return r;
      set_sp(c, nsp);
      return Exec::Ok;
    }
    case OpKind::Mem:
      if (Exec r = read_mem_sized(c, i.seg, ea_of(c, i), i.osz, v); r != Exec::Ok) return r;
      break;
    default: v = i.imm; break;
  }
  return push_value(c, i.osz, v);
}

Exec exec_pop(Cpu& c, const Insn& i) {
  const Operand& o = i.op[0];
  uint64_t v;
  if (o.kind == OpKind::Seg) return pop_segment(c, i);
  if (Exec r = peek_stack(c, i.osz, 0, v); r != Exec::Ok) return r;
  const uint64_t old_rsp = c.s.regs[4];
  set_sp(c, old_rsp + i.osz);
  if (o.kind == OpKind::Gpr) {
    set_reg_sized(c, o.reg, i.osz, v);
    return Exec::Ok;
  }
  // POP m: the address is computed after RSP is incremented (SDM POP).
  const Exec r = write_mem_sized(c, i.seg, ea_of(c, i), i.osz, v);
  if (r == Exec::Fault) c.s.regs[4] = old_rsp;
  return r;
}

Exec exec_pushf(Cpu& c, const Insn& i) {
  if (v86_iopl_fault(c)) return c.gp(0);
  // VM and RF are stored as 0 (SDM PUSHF).
  return push_value(c, i.osz, c.s.rflags & ~(rf::VM | rf::RF));
}

Exec exec_popf(Cpu& c, const Insn& i) {
  if (v86_iopl_fault(c)) return c.gp(0);
  uint64_t v;
  if (Exec r = pop_value(c, i.osz, v); r != Exec::Ok) return r;
  write_flags(c, v, i.osz);
  return Exec::Ok;
}

Exec exec_pusha(Cpu& c, const Insn& i) {
  const unsigned n = i.osz;
  const uint64_t sp = c.s.regs[4];
  const uint64_t mask = addr_mask(c.stack_size);
  // Check the whole 8-slot area first so a fault leaves no partial pushes.
  uint64_t la;
  if (Exec r = linear(c, SS, (sp - 8 * n) & mask, 8 * n, Access::Write, la); r != Exec::Ok) return r;
  for (unsigned k = 0; k < 8; ++k) {
    const uint64_t v = k == 4 ? sp : c.s.regs[k];
    if (Exec r = write_mem_sized(c, SS, (sp - (k + 1) * n) & mask, n, v); r == Exec::Fault) return r;
  }
  set_sp(c, sp - 8 * n);
  return Exec::Ok;
}

Exec exec_popa(Cpu& c, const Insn& i) {
  const unsigned n = i.osz;
  uint64_t v[8];
  for (unsigned k = 0; k < 8; ++k)
    if (Exec r = peek_stack(c, n, k * n, v[k]); r != Exec::Ok) return r;
  for (unsigned k = 0; k < 8; ++k)
    if (k != 3) set_reg_sized(c, gpr_off(7 - k), n, v[k]);  // the stored SP is skipped
  set_sp(c, c.s.regs[4] + 8 * n);
  return Exec::Ok;
}

// ENTER imm16, imm8 (SDM ENTER, including nesting levels 1..31).
Exec exec_enter(Cpu& c, const Insn& i) {
  const unsigned n = i.osz;
  const uint64_t size = i.imm & 0xFFFF;
  const unsigned level = i.imm2 & 31;
  const uint64_t mask = addr_mask(c.stack_size);
  const uint64_t saved[2] = {c.s.regs[4], c.s.regs[5]};
  uint64_t bp = c.s.regs[5];
  auto fail = [&](Exec r) {
    c.s.regs[4] = saved[0];
    c.s.regs[5] = saved[1];
    return r;
  };
  if (Exec r = push_value(c, n, bp); r != Exec::Ok) return fail(r);
  const uint64_t frame = c.s.regs[4] & mask;
  for (unsigned k = 1; k < level; ++k) {
    bp = (bp - n) & mask;
    uint64_t v;
    if (Exec r = read_mem_sized(c, SS, bp, n, v); r != Exec::Ok) return fail(r);
    if (Exec r = push_value(c, n, v); r != Exec::Ok) return fail(r);
  }
  if (level > 0)
    if (Exec r = push_value(c, n, frame); r != Exec::Ok) return fail(r);
  const uint64_t nsp = (c.s.regs[4] - size) & mask;
  // The final stack pointer must be writable (SDM ENTER: #SS if it would fault).
  uint64_t la;
  if (size)
    if (Exec r = linear(c, SS, nsp, 1, Access::Write, la); r != Exec::Ok) return fail(r);
  set_reg_sized(c, gpr_off(5), n, frame);
  set_sp(c, nsp);
  return Exec::Ok;
}

Exec exec_leave(Cpu& c, const Insn& i) {
  const uint64_t old = c.s.regs[4];
  set_sp(c, c.s.regs[5]);
  uint64_t v;
  if (Exec r = pop_value(c, i.osz, v); r != Exec::Ok) {
    c.s.regs[4] = old;
    return r;
  }
  set_reg_sized(c, gpr_off(5), i.osz, v);
  return Exec::Ok;
}

}  // namespace

bool bind_stack(Insn& i) {
  switch (i.mnemonic) {
    case M(PUSH): i.fn = exec_push; return true;
    case M(POP): i.fn = exec_pop; return true;
    case M(PUSHF): case M(PUSHFD): case M(PUSHFQ): i.fn = exec_pushf; return true;
    case M(POPF): case M(POPFD): case M(POPFQ): i.fn = exec_popf; return true;
    case M(PUSHA): case M(PUSHAD): i.fn = exec_pusha; return true;
    case M(POPA): case M(POPAD): i.fn = exec_popa; return true;
    case M(ENTER): i.fn = exec_enter; return true;
    case M(LEAVE): i.fn = exec_leave; return true;
    default: return false;
  }
}

}  // namespace vp
