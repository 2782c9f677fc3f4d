// Control transfer: JMP CALL RET (near; far through system helpers), Jcc, LOOP/LOOPcc,
// JCXZ/JECXZ/JRCXZ, INT3 INT n INTO INT1 UD2 (SDM Vol. 2).
#include "exec.h"
#include "system.h"

namespace vp {
namespace {

Exec exec_jmp_rel(Cpu& c, const Insn& i) { return branch_to(c, c.s.rip() + static_cast<uint64_t>(i.disp), i.osz); }

Exec exec_jcc(Cpu& c, const Insn& i) {
  if (!cond(c.s.rflags, i.opcode & 0xF)) return Exec::Ok;
  return branch_to(c, c.s.rip() + static_cast<uint64_t>(i.disp), i.osz);
}

inline Exec read_target(Cpu& c, const Insn& i, uint64_t& t) {
  if (i.op[0].kind == OpKind::Gpr) {
    t = get_reg_sized(c, i.op[0].reg, i.osz);
    return Exec::Ok;
  }
  return read_mem_sized(c, i.seg, ea_of(c, i), i.osz, t);
}

Exec exec_jmp_ind(Cpu& c, const Insn& i) {
  uint64_t t;
  if (Exec r = read_target(c, i, t); r != Exec::Ok) return r;
  return branch_to(c, t, i.osz);
}

Exec exec_call(Cpu& c, const Insn& i) {
  uint64_t t;
  if (i.op[0].kind == OpKind::Imm) t = c.s.rip() + static_cast<uint64_t>(i.disp);
  else if (Exec r = read_target(c, i, t); r != Exec::Ok) return r;
  const uint64_t ret = c.s.rip();
  const uint64_t sp = c.s.regs[4];
  if (Exec r = push_value(c, i.osz, ret); r != Exec::Ok) return r;
  if (Exec r = branch_to(c, t, i.osz); r != Exec::Ok) {
    c.s.regs[4] = sp;  // the target check faults before anything is committed
    return r;
  }
  return Exec::Ok;
}

Exec exec_ret(Cpu& c, const Insn& i) {
  uint64_t t;
  if (Exec r = peek_stack(c, i.osz, 0, t); r != Exec::Ok) return r;
  const uint64_t sp = c.s.regs[4];
  if (Exec r = branch_to(c, t, i.osz); r != Exec::Ok) return r;
  set_sp(c, sp + i.osz + (i.imm & 0xFFFF));
  return Exec::Ok;
}

// LOOP/LOOPE/LOOPNE/JrCXZ: the counter is CX, ECX or RCX by address size.
template <int KIND> Exec exec_loop(Cpu& c, const Insn& i) {
  const uint64_t m = addr_mask(i.asz);
  uint64_t cnt = c.s.regs[1] & m;
  bool take;
  if (KIND == 3) {
    take = cnt == 0;  // JCXZ family: no decrement
  } else {
    cnt = (cnt - 1) & m;
    set_addr_reg(c.s.regs[1], cnt, i.asz);
    const bool zf = c.s.rflags & rf::ZF;
    take = cnt != 0 && (KIND == 0 || (KIND == 1 ? zf : !zf));
  }
  if (!take) return Exec::Ok;
  return branch_to(c, c.s.rip() + static_cast<uint64_t>(i.disp), i.osz);
}

// INT n, INT3, INTO are software interrupts and INT1 a privileged software exception
// (SDM Vol. 3 6.4.2); the run loop delivers them with RIP already past the instruction.
Exec soft(Cpu& c, uint8_t vector, Cpu::EventKind kind) {
  c.soft_event = {vector, static_cast<uint8_t>(kind)};
  return Exec::Event;
}
Exec exec_int(Cpu& c, const Insn& i) {
  // INT n (not INT3, INTO or INT1) is IOPL-sensitive in virtual-8086 mode (SDM INT n).
  if (v86_iopl_fault(c)) return c.gp(0);
  return soft(c, static_cast<uint8_t>(i.imm), Cpu::EventKind::Software);
}
Exec exec_int3(Cpu& c, const Insn&) { return soft(c, kBP, Cpu::EventKind::Software); }
Exec exec_into(Cpu& c, const Insn&) {
  return (c.s.rflags & rf::OF) ? soft(c, kOF, Cpu::EventKind::Software) : Exec::Ok;
}
Exec exec_int1(Cpu& c, const Insn&) { return soft(c, kDB, Cpu::EventKind::Icebp); }
Exec exec_ud(Cpu& c, const Insn&) { return c.ud(); }

Exec exec_far(Cpu& c, const Insn& i) {
  uint16_t sel;
  uint64_t off;
  if (i.op[0].kind == OpKind::Ptr) {
    sel = i.imm2;
    off = i.imm;
  } else {
    // m16:16, m16:32 or m16:64: offset first, then the selector.
    const uint64_t ea = ea_of(c, i);
    if (Exec r = read_mem_sized(c, i.seg, ea, i.osz, off); r != Exec::Ok) return r;
    if (Exec r = read_mem(c, i.seg, (ea + i.osz) & addr_mask(i.asz), sel); r != Exec::Ok) return r;
  }
  return far_jump(c, sel, off, i.osz, i.mnemonic == ZYDIS_MNEMONIC_CALL);
}

}  // namespace

Exec exec_far_ret(Cpu& c, const Insn& i);  // system.cpp
Exec exec_iret(Cpu& c, const Insn& i);     // system.cpp

bool bind_branch(Insn& i) {
  switch (i.mnemonic) {
    case M(JMP):
      i.fn = i.far ? exec_far : i.op[0].kind == OpKind::Imm ? exec_jmp_rel : exec_jmp_ind;
      return true;
    case M(CALL): i.fn = i.far ? exec_far : exec_call; return true;
    case M(RET): i.fn = i.far ? exec_far_ret : exec_ret; return true;
    case M(IRET): case M(IRETD): case M(IRETQ): i.fn = exec_iret; return true;
    case M(JO): case M(JNO): case M(JB): case M(JNB): case M(JZ): case M(JNZ): case M(JBE): case M(JNBE):
    case M(JS): case M(JNS): case M(JP): case M(JNP): case M(JL): case M(JNL): case M(JLE): case M(JNLE):
      i.fn = exec_jcc;
      return true;
    case M(LOOP): i.fn = exec_loop<0>; return true;
    case M(LOOPE): i.fn = exec_loop<1>; return true;
    case M(LOOPNE): i.fn = exec_loop<2>; return true;
    case M(JCXZ): case M(JECXZ): case M(JRCXZ): i.fn = exec_loop<3>; return true;
    case M(INT): i.fn = exec_int; return true;
    case M(INT3): i.fn = exec_int3; return true;
    case M(INTO): i.fn = exec_into; return true;
    case M(INT1): i.fn = exec_int1; return true;
    case M(UD0): case M(UD1): case M(UD2): i.fn = exec_ud; return true;
    default: return false;
  }
}

}  // namespace vp
