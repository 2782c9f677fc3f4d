// The instructions that ask about a selector without loading it: LAR, LSL, VERR, VERW, and
// ARPL (SDM Vol. 2 entries; Vol. 3 3.4.5 descriptor types, 5.10.4 "Checking Access Rights
// (LAR Instruction)", 5.10.5 "Checking Read/Write Rights (VERR and VERW)", 5.10.6 "Checking
// That the Pointer Offset Is Within Limits (LSL Instruction)"). They report through ZF and
// never fault on the selector itself; only reading the descriptor can (#PF). #UD in real-
// address and virtual-8086 mode.
#include "exec.h"
#include "system.h"

namespace vp {
namespace {

inline bool queries_allowed(const Cpu& c) { return (c.s.cr0 & cr0::PE) && !(c.s.rflags & rf::VM); }

inline void set_zf(Cpu& c, bool z) { c.s.rflags = (c.s.rflags & ~rf::ZF) | (z ? rf::ZF : 0); }

// The descriptor of sel, if there is one to look at: not a null selector, within its
// table's limit (all 16 bytes of a system descriptor in IA-32e mode), an LDT selector only
// with a usable LDTR. `found` false means ZF = 0.
Exec find_descriptor(Cpu& c, uint16_t sel, bool& found, uint64_t& d) {
  found = false;
  if ((sel & 0xFFFC) == 0) return Exec::Ok;
  const bool ldt = sel & 4;
  if (ldt && (c.s.ldtr.ar & ar::Unusable)) return Exec::Ok;
  const uint64_t base = ldt ? c.s.ldtr.base : c.s.gdtr.base;
  const uint32_t limit = ldt ? c.s.ldtr.limit : c.s.gdtr.limit;
  if ((sel | 7u) > limit) return Exec::Ok;
  uint64_t la = base + (sel & ~7u), pa;
  if (!(c.s.efer & efer::LMA)) la &= 0xFFFFFFFF;  // descriptor tables have 64-bit bases in IA-32e mode
  if (Exec r = translate(c, la, Access::Read, pa, true); r != Exec::Ok) return r;  // implicit supervisor
  d = c.mem.read(pa, 8);
  if ((c.s.efer & efer::LMA) && !((d >> 44) & 1)) {
    // A 16-byte system descriptor: its upper half must be within the limit, with bits 12:8
    // of its upper doubleword (where a type would be) 0 (SDM 3.5, LSL's IA-32e type table).
    if ((sel | 7u) + 8 > limit) return Exec::Ok;
    if (Exec r = translate(c, la + 8, Access::Read, pa, true); r != Exec::Ok) return r;
    if ((c.mem.read(pa, 8) >> 40) & 0x1F) return Exec::Ok;
  }
  found = true;
  return Exec::Ok;
}

// The selector in operand k and its descriptor: the start of all four. #UD outside protected
// mode and in virtual-8086 mode.
Exec query(Cpu& c, const Insn& i, unsigned k, uint16_t& sel, bool& found, uint64_t& d) {
  if (!queries_allowed(c)) return c.ud();
  if (Exec r = read_op(c, i, k, sel); r != Exec::Ok) return r;
  return find_descriptor(c, sel, found, d);
}

// The privilege rule of all four: a conforming code segment passes; anything else needs
// DPL >= CPL and DPL >= RPL.
inline bool privilege_ok(const Cpu& c, uint16_t sel, uint64_t d) {
  const bool conforming_code = ((d >> 44) & 1) && ((d >> 43) & 1) && ((d >> 42) & 1);
  const unsigned dpl = (d >> 45) & 3;
  return conforming_code || (dpl >= c.s.cpl && dpl >= (sel & 3u));
}

// System types LAR and LSL accept (LAR also gates), outside and in IA-32e mode.
bool lar_type_ok(const Cpu& c, unsigned type, bool lsl) {
  if (c.s.efer & efer::LMA) return type == 2 || type == 9 || type == 0xB || (!lsl && type == 0xC);
  switch (type) {
    case 1: case 2: case 3: case 9: case 0xB: return true;
    case 4: case 5: case 0xC: return !lsl;
    default: return false;
  }
}

// LAR: access rights (the descriptor's second doubleword AND 00F0FF00H; FF00H for a 16-bit
// destination). LSL: the limit in bytes (expanded by G). The destination changes only when
// ZF = 1; a 32-bit one is then zero-extended.
template <bool LSL> Exec exec_lar_lsl(Cpu& c, const Insn& i) {
  uint16_t sel;
  bool found;
  uint64_t d = 0;
  if (Exec r = query(c, i, 1, sel, found, d); r != Exec::Ok) return r;
  const bool system = !((d >> 44) & 1);
  const bool ok = found && privilege_ok(c, sel, d) && (!system || lar_type_ok(c, (d >> 40) & 0xF, LSL));
  set_zf(c, ok);
  if (!ok) return Exec::Ok;
  uint64_t v;
  if (LSL) {
    v = (d & 0xFFFF) | (((d >> 48) & 0xF) << 16);
    if ((d >> 55) & 1) v = (v << 12) | 0xFFF;
  } else {
    v = (d >> 32) & (i.osz == 2 ? 0xFF00 : 0x00F0FF00);
  }
  set_reg_sized(c, i.op[0].reg, i.osz, v);
  return Exec::Ok;
}

// VERR / VERW: ZF = 1 when the segment could be read (a data segment or a readable code
// segment) or written (a writable data segment) at this CPL and RPL.
template <bool WRITE> Exec exec_verr_verw(Cpu& c, const Insn& i) {
  uint16_t sel;
  bool found;
  uint64_t d = 0;
  if (Exec r = query(c, i, 0, sel, found, d); r != Exec::Ok) return r;
  const bool segment = (d >> 44) & 1, code = (d >> 43) & 1, rw = (d >> 41) & 1;
  const bool usable = WRITE ? !code && rw : !code || rw;
  set_zf(c, found && segment && usable && privilege_ok(c, sel, d));
  return Exec::Ok;
}

// ARPL (legacy modes only: 63H is MOVSXD in 64-bit mode): raise the destination's RPL to the
// source's, ZF = 1 if it had to.
Exec exec_arpl(Cpu& c, const Insn& i) {
  if (!queries_allowed(c)) return c.ud();
  Dest<uint16_t> d;
  uint16_t dst;
  if (Exec r = rmw_begin(c, i, 0, d, dst); r != Exec::Ok) return r;
  const uint16_t src = get_reg<uint16_t>(c, i.op[1].reg);
  const bool raise = (dst & 3) < (src & 3);
  set_zf(c, raise);
  if (!raise) return Exec::Ok;
  return rmw_end(c, d, static_cast<uint16_t>((dst & ~3u) | (src & 3u)));
}

}  // namespace

bool bind_descriptor_queries(Insn& i) {
  switch (i.mnemonic) {
    case M(LAR): i.fn = exec_lar_lsl<false>; return true;
    case M(LSL): i.fn = exec_lar_lsl<true>; return true;
    case M(VERR): i.fn = exec_verr_verw<false>; return true;
    case M(VERW): i.fn = exec_verr_verw<true>; return true;
    case M(ARPL): i.fn = exec_arpl; return true;
    default: return false;
  }
}

}  // namespace vp
