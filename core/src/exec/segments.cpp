// Segment loads and far transfers (SDM Vol. 2 MOV/POP Sreg, JMP/CALL/RET far, IRET;
// SDM Vol. 3 3.4.5 descriptor format, 5.6–5.8 privilege checks).
#include "system.h"

namespace vp {

SegmentReg descriptor_to_segment(uint16_t sel, uint64_t d, uint64_t hi) {
  SegmentReg s;
  s.sel = sel;
  s.base = ((d >> 16) & 0xFFFFFF) | (((d >> 56) & 0xFF) << 24);
  const bool system = !((d >> 44) & 1);
  if (system) s.base |= (hi & 0xFFFFFFFF) << 32;  // 16-byte system descriptors in IA-32e mode
  uint32_t limit = static_cast<uint32_t>((d & 0xFFFF) | (((d >> 48) & 0xF) << 16));
  s.ar = static_cast<uint32_t>((d >> 40) & 0xFF) | static_cast<uint32_t>(((d >> 52) & 0xF) << 12);
  if (s.ar & ar::G) limit = (limit << 12) | 0xFFF;
  s.limit = limit;
  return s;
}

Exec read_descriptor(Cpu& c, uint16_t sel, uint64_t& desc, uint8_t fault_vec) {
  const bool ldt = sel & 4;
  const uint64_t base = ldt ? c.s.ldtr.base : c.s.gdtr.base;
  const uint32_t limit = ldt ? c.s.ldtr.limit : c.s.gdtr.limit;
  if ((ldt && (c.s.ldtr.ar & ar::Unusable)) || (sel | 7u) > limit) return c.raise(fault_vec, sel & 0xFFFC);
  uint64_t la = base + (sel & ~7u);
  if (!c.long64) la &= 0xFFFFFFFF;
  // Descriptor-table reads are implicit supervisor accesses (SDM Vol. 3 4.6.1).
  uint64_t pa;
  if (Exec r = translate(c, la, Access::Read, pa, true); r != Exec::Ok) return r;
  desc = c.mem.read(pa, 8);
  return Exec::Ok;
}

void set_accessed(Cpu& c, uint16_t sel, uint64_t desc) {
  if (desc & (1ull << 40)) return;
  const uint64_t base = (sel & 4) ? c.s.ldtr.base : c.s.gdtr.base;
  uint64_t pa;
  if (translate(c, base + (sel & ~7u) + 5, Access::Write, pa, true) == Exec::Ok)
    c.mem.write(pa, 1, ((desc >> 40) & 0xFF) | 1);
}

static SegmentReg null_segment(uint16_t sel) { return SegmentReg{sel, 0, 0, ar::Unusable}; }

Exec load_data_segment(Cpu& c, uint8_t seg, uint16_t sel) {
  if (!(c.s.cr0 & cr0::PE)) {
    // Real mode: only the selector and base change (SDM Vol. 3 20.1.1).
    c.s.seg[seg].sel = sel;
    c.s.seg[seg].base = uint64_t{sel} << 4;
    c.update_mode();
    return Exec::Ok;
  }
  const unsigned rpl = sel & 3, cpl = c.s.cpl;
  if ((sel & 0xFFFC) == 0) {
    // A null selector: allowed for DS ES FS GS; for SS only in 64-bit mode at CPL < 3
    // with RPL = CPL.
    if (seg == SS && !(c.long64 && cpl < 3 && rpl == cpl)) return c.gp(0);
    c.s.seg[seg] = null_segment(sel);
    c.update_mode();
    return Exec::Ok;
  }
  uint64_t d;
  if (Exec r = read_descriptor(c, sel, d); r != Exec::Ok) return r;
  SegmentReg s = descriptor_to_segment(sel, d);
  const uint32_t t = ar::type(s.ar);
  const unsigned dpl = ar::dpl(s.ar);
  const bool code = t & 8, readable = code ? (t & 2) : true, writable = !code && (t & 2);
  const uint32_t err = sel & 0xFFFC;
  if (!(s.ar & ar::S)) return c.gp(err);
  if (seg == SS) {
    if (rpl != cpl || !writable || dpl != cpl) return c.gp(err);
    if (!(s.ar & ar::P)) return c.raise(kSS, err);
  } else {
    if (!readable) return c.gp(err);
    const bool conforming_code = code && (t & 4);
    if (!conforming_code && (rpl > dpl || cpl > dpl)) return c.gp(err);
    if (!(s.ar & ar::P)) return c.raise(kNP, err);
  }
  set_accessed(c, sel, d);
  s.ar |= 1;
  c.s.seg[seg] = s;
  c.update_mode();
  return Exec::Ok;
}

Exec pop_segment(Cpu& c, const Insn& i) {
  uint64_t v;
  if (Exec r = peek_stack(c, i.osz, 0, v); r != Exec::Ok) return r;
  if (Exec r = load_data_segment(c, i.op[0].reg, static_cast<uint16_t>(v)); r != Exec::Ok) return r;
  set_sp(c, c.s.regs[4] + i.osz);
  if (i.op[0].reg == SS) c.arm_interrupt_shadow(true);
  return Exec::Ok;
}

// Checks a code-segment descriptor as the target of a far JMP/CALL (SDM JMP "Operation",
// protected mode, code segment), returning the CS value to load.
static Exec check_code_target(Cpu& c, uint16_t sel, SegmentReg& out, uint64_t& desc) {
  const uint32_t err = sel & 0xFFFC;
  if (err == 0) return c.gp(0);
  if (Exec r = read_descriptor(c, sel, desc); r != Exec::Ok) return r;
  SegmentReg s = descriptor_to_segment(sel, desc);
  const uint32_t t = ar::type(s.ar);
  if (!(s.ar & ar::S)) {
    c.log_msg("far transfer through a call gate or task gate/TSS is not supported yet");
    return c.gp(err);
  }
  if (!(t & 8)) return c.gp(err);
  const unsigned dpl = ar::dpl(s.ar), rpl = sel & 3, cpl = c.s.cpl;
  if (t & 4) {
    if (dpl > cpl) return c.gp(err);  // conforming
  } else if (rpl > cpl || dpl != cpl) {
    return c.gp(err);
  }
  if (!(s.ar & ar::P)) return c.raise(kNP, err);
  if ((c.s.efer & efer::LMA) && (s.ar & ar::L) && (s.ar & ar::DB)) return c.gp(err);
  s.sel = static_cast<uint16_t>((sel & 0xFFFC) | cpl);  // RPL := CPL
  s.ar |= 1;
  out = s;
  return Exec::Ok;
}

Exec far_jump(Cpu& c, uint16_t sel, uint64_t off, unsigned osz, bool is_call) {
  if (osz == 2) off &= 0xFFFF;
  else if (osz == 4) off &= 0xFFFFFFFF;
  const uint16_t old_cs = c.s.seg[CS].sel;
  const uint64_t ret = c.s.rip();
  const uint64_t old_sp = c.s.regs[4];
  if (!(c.s.cr0 & cr0::PE)) {
    if (is_call) {
      if (Exec r = push_value(c, osz, old_cs); r != Exec::Ok) return r;
      if (Exec r = push_value(c, osz, ret); r != Exec::Ok) {
        c.s.regs[4] = old_sp;
        return r;
      }
    }
    c.s.seg[CS].sel = sel;
    c.s.seg[CS].base = uint64_t{sel} << 4;
    c.s.rip() = off;
    c.update_mode();
    return Exec::Ok;
  }
  SegmentReg cs;
  uint64_t desc;
  if (Exec r = check_code_target(c, sel, cs, desc); r != Exec::Ok) return r;
  const bool target64 = (c.s.efer & efer::LMA) && (cs.ar & ar::L);
  if (!target64 && off > cs.limit) return c.gp(0);
  if (target64 && !canonical(off)) return c.gp(0);
  if (is_call) {
    if (Exec r = push_value(c, osz, old_cs); r != Exec::Ok) return r;
    if (Exec r = push_value(c, osz, ret); r != Exec::Ok) {
      c.s.regs[4] = old_sp;
      return r;
    }
  }
  set_accessed(c, sel, desc);
  c.s.seg[CS] = cs;
  c.s.rip() = off;
  c.update_mode();
  return Exec::Ok;
}

}  // namespace vp
