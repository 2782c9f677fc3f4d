// The x87 control instructions software needs before any floating-point code: FNINIT,
// FNCLEX, FNSTSW, FNSTCW, FLDCW, FWAIT (SDM Vol. 1 chapter 8, Vol. 2 entries). x87
// arithmetic is not implemented: #UD, and the log names the instruction.
#include "exec.h"

namespace vp {
namespace {

// CR0.EM or CR0.TS: #NM (SDM Vol. 3 Table 2-2).
inline Exec x87_gate(Cpu& c) { return (c.s.cr0 & (cr0::EM | cr0::TS)) ? c.raise(kNM) : Exec::Ok; }

Exec exec_fninit(Cpu& c, const Insn&) {
  if (Exec r = x87_gate(c); r != Exec::Ok) return r;
  c.s.fcw = 0x037F;
  c.s.fsw = 0;
  c.s.ftw = 0xFFFF;
  c.s.fop = c.s.fcs = c.s.fds = 0;  // the last-instruction pointers and opcode are cleared
  c.s.fip = c.s.fdp = 0;
  return Exec::Ok;
}

Exec exec_fnclex(Cpu& c, const Insn&) {
  if (Exec r = x87_gate(c); r != Exec::Ok) return r;
  c.s.fsw &= 0x7F00;  // clears PE UE OE ZE DE IE, SF, ES and B
  return Exec::Ok;
}

Exec exec_fnstsw(Cpu& c, const Insn& i) {
  if (Exec r = x87_gate(c); r != Exec::Ok) return r;
  if (i.op[0].kind == OpKind::Gpr) {
    set_reg<uint16_t>(c, i.op[0].reg, c.s.fsw);
    return Exec::Ok;
  }
  return write_mem<uint16_t>(c, i.seg, ea_of(c, i), c.s.fsw);
}

Exec exec_fnstcw(Cpu& c, const Insn& i) {
  if (Exec r = x87_gate(c); r != Exec::Ok) return r;
  return write_mem<uint16_t>(c, i.seg, ea_of(c, i), c.s.fcw);
}

Exec exec_fldcw(Cpu& c, const Insn& i) {
  if (Exec r = x87_gate(c); r != Exec::Ok) return r;
  uint16_t v;
  if (Exec r = read_mem(c, i.seg, ea_of(c, i), v); r != Exec::Ok) return r;
  c.s.fcw = x87_control_word(v);
  return Exec::Ok;
}

// FWAIT: #NM only when both CR0.MP and CR0.TS are set; no exception can be pending.
Exec exec_fwait(Cpu& c, const Insn&) {
  return ((c.s.cr0 & cr0::MP) && (c.s.cr0 & cr0::TS)) ? c.raise(kNM) : Exec::Ok;
}

}  // namespace

bool bind_x87(Insn& i) {
  switch (i.mnemonic) {
    case M(FNINIT): i.fn = exec_fninit; return true;
    case M(FNCLEX): i.fn = exec_fnclex; return true;
    case M(FNSTSW): i.fn = exec_fnstsw; return true;
    case M(FNSTCW): i.fn = exec_fnstcw; return true;
    case M(FLDCW): i.fn = exec_fldcw; return true;
    case M(FWAIT): i.fn = exec_fwait; return true;
    default: return false;
  }
}

}  // namespace vp
