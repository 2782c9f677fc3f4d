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
  if (!(c.s.efer & efer::LMA)) la &= 0xFFFFFFFF;  // descriptor tables have 64-bit bases in IA-32e mode
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

Exec switch_to_inner_stack(Cpu& c, unsigned new_cpl, unsigned ist, uint32_t ext, bool align16) {
  uint64_t pa;
  if (c.s.efer & efer::LMA) {
    // 64-bit TSS: RSPn at 4 + 8n, ISTn at 24H + 8(n-1) (SDM 7.7).
    const uint64_t off = ist ? 0x24 + 8 * (ist - 1) : 4 + 8 * new_cpl;
    if (off + 7 > c.s.tr.limit) return c.raise(kTS, (c.s.tr.sel & 0xFFFC) | ext);
    if (Exec r = translate(c, c.s.tr.base + off, Access::Read, pa, true); r != Exec::Ok) return r;
    const uint64_t nsp = c.mem.read(pa, 8);
    if (!canonical(nsp)) return c.raise(kSS, ext);
    if (new_cpl < c.s.cpl) c.s.seg[SS] = SegmentReg{static_cast<uint16_t>(new_cpl), 0, 0xFFFFFFFF, ar::Unusable | (new_cpl << 5)};
    c.s.regs[4] = align16 ? nsp & ~0xFull : nsp;  // interrupts align it (SDM 6.14.2)
    return Exec::Ok;
  }
  // 32-bit TSS: ESPn at 4 + 8n, SSn at 8 + 8n; 16-bit TSS (types 1, 3): SPn at 2 + 4n, SSn
  // at 4 + 4n (SDM 7.2.1, 7.6; INT n and CALL pseudocode).
  const bool tss16 = !(ar::type(c.s.tr.ar) & 8);
  const unsigned width = tss16 ? 2 : 4;
  const uint32_t o = tss16 ? 2 + 4 * new_cpl : 4 + 8 * new_cpl;
  if (o + width + 1 > c.s.tr.limit) return c.raise(kTS, (c.s.tr.sel & 0xFFFC) | ext);
  if (Exec r = translate(c, c.s.tr.base + o, Access::Read, pa, true); r != Exec::Ok) return r;
  const uint64_t nesp = c.mem.read(pa, width);
  const uint16_t nss = static_cast<uint16_t>(c.mem.read(pa + width, 2));
  const uint8_t save_cpl = c.s.cpl;
  c.s.cpl = static_cast<uint8_t>(new_cpl);
  if (Exec r = load_data_segment(c, SS, nss); r != Exec::Ok) {
    c.s.cpl = save_cpl;
    // A bad new SS is #TS, a not-present one #SS, each with the selector and EXT (SDM CALL
    // and interrupt-delivery pseudocode).
    if (c.fault.vector == kGP || c.fault.vector == kSS)
      c.fault = {c.fault.vector == kGP ? kTS : kSS, true, static_cast<uint32_t>((nss & 0xFFFC) | ext)};
    return r;
  }
  c.s.regs[4] = nesp;
  return Exec::Ok;
}

Exec check_stack_room(Cpu& c, unsigned bytes, uint16_t ss_sel, uint32_t ext) {
  if (c.s.efer & efer::LMA) return Exec::Ok;  // IA-32e: the pushes check canonicality
  const uint64_t mask = (c.s.seg[SS].ar & ar::DB) ? 0xFFFFFFFF : 0xFFFF;
  if (seg_check_legacy(c, SS, (c.s.regs[4] - bytes) & mask, bytes, Access::Write) == Exec::Ok) return Exec::Ok;
  return c.raise(kSS, (ss_sel & 0xFFFC) | ext);
}

Exec load_data_segment(Cpu& c, uint8_t seg, uint16_t sel) {
  if (!(c.s.cr0 & cr0::PE)) {
    // Real mode: only the selector and base change (SDM Vol. 3 20.1.1).
    c.s.seg[seg].sel = sel;
    c.s.seg[seg].base = uint64_t{sel} << 4;
    c.update_mode();
    return Exec::Ok;
  }
  if (c.s.rflags & rf::VM) {
    // Virtual-8086 mode: no descriptor, the whole register is real-mode style (SDM 20.2.1).
    c.s.seg[seg] = v86_segment(sel);
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

// Checks a code-segment descriptor as the target of a direct far JMP/CALL (SDM JMP
// "Operation", protected mode, code segment), returning the CS value to load.
static Exec check_code_target(Cpu& c, uint16_t sel, uint64_t desc, SegmentReg& out) {
  const uint32_t err = sel & 0xFFFC;
  SegmentReg s = descriptor_to_segment(sel, desc);
  const uint32_t t = ar::type(s.ar);
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

static Exec push_return(Cpu& c, unsigned n, uint16_t cs, uint64_t rip) {
  const uint64_t sp = c.s.regs[4];
  if (Exec r = push_value(c, n, cs); r != Exec::Ok) return r;
  if (Exec r = push_value(c, n, rip); r != Exec::Ok) {
    c.s.regs[4] = sp;
    return r;
  }
  return Exec::Ok;
}

// Far CALL/JMP through a call gate (SDM CALL and JMP "Operation", call gates; 5.8.3-5.8.6):
// gate checks, the target code segment, and for a CALL to an inner level the stack switch
// from the TSS with the gate's parameters copied (32-bit/16-bit gates; none in IA-32e mode).
static Exec through_call_gate(Cpu& c, uint16_t gsel, uint64_t g, bool is_call) {
  const uint32_t gerr = gsel & 0xFFFC;
  const bool lm = c.s.efer & efer::LMA;
  const unsigned gdpl = (g >> 45) & 3, cpl = c.s.cpl;
  if (gdpl < cpl || gdpl < (gsel & 3u)) return c.gp(gerr);
  if (!((g >> 47) & 1)) return c.raise(kNP, gerr);
  const bool gate16 = ((g >> 40) & 0xF) == 0x4;
  uint64_t target = (g & 0xFFFF) | (gate16 ? 0 : (g >> 32) & 0xFFFF0000ull);
  if (lm) {
    // A 16-byte gate: bits 63:32 of the offset, and a type field of 0 in the upper half.
    uint64_t pa;
    const uint64_t base = (gsel & 4) ? c.s.ldtr.base : c.s.gdtr.base;
    if (Exec r = translate(c, base + (gsel & ~7u) + 8, Access::Read, pa, true); r != Exec::Ok) return r;
    const uint64_t hi = c.mem.read(pa, 8);
    if ((hi >> 40) & 0x1F) return c.gp(gerr);
    target |= (hi & 0xFFFFFFFF) << 32;
  }
  const unsigned params = lm ? 0 : (g >> 32) & 0x1F;
  const uint16_t csel = static_cast<uint16_t>(g >> 16);
  if ((csel & 0xFFFC) == 0) return c.gp(0);
  uint64_t cdesc;
  if (Exec r = read_descriptor(c, csel, cdesc); r != Exec::Ok) return r;
  SegmentReg cs = descriptor_to_segment(csel, cdesc);
  const uint32_t cerr = csel & 0xFFFC;
  const unsigned dpl = ar::dpl(cs.ar);
  const bool conforming = ar::type(cs.ar) & 4;
  if (!(cs.ar & ar::S) || !(ar::type(cs.ar) & 8) || dpl > cpl) return c.gp(cerr);
  if (!is_call && !conforming && dpl != cpl) return c.gp(cerr);  // JMP: no privilege change
  if (!(cs.ar & ar::P)) return c.raise(kNP, cerr);
  if (lm && (!(cs.ar & ar::L) || (cs.ar & ar::DB))) return c.gp(cerr);
  const unsigned new_cpl = conforming ? cpl : dpl;
  const unsigned n = lm ? 8 : gate16 ? 2 : 4;
  const uint64_t off = lm ? target : target & (gate16 ? 0xFFFF : 0xFFFFFFFF);
  if (lm ? !canonical(off) : off > cs.limit) return c.gp(0);
  const uint16_t old_cs = c.s.seg[CS].sel;
  const uint64_t ret = c.s.rip();
  if (is_call && new_cpl < cpl) {
    const PrivilegeSave saved(c);
    uint64_t p[31];
    for (unsigned k = 0; k < params; ++k)
      if (Exec r = peek_stack(c, n, k * n, p[k]); r != Exec::Ok) return r;
    if (Exec r = switch_to_inner_stack(c, new_cpl, 0, 0, false); r != Exec::Ok) return r;
    c.s.cpl = static_cast<uint8_t>(new_cpl);
    c.update_mode();
    auto undo = [&](Exec r) { return saved.restore(c, r); };
    // The old SS:ESP, the parameters and the return address: "#SS(NewSS)" without room.
    if (Exec r = check_stack_room(c, n * (4 + params), c.s.seg[SS].sel, 0); r != Exec::Ok) return undo(r);
    if (Exec r = push_value(c, n, saved.ss.sel); r != Exec::Ok) return undo(r);
    if (Exec r = push_value(c, n, saved.rsp); r != Exec::Ok) return undo(r);
    for (unsigned k = params; k-- > 0;)
      if (Exec r = push_value(c, n, p[k]); r != Exec::Ok) return undo(r);
    if (Exec r = push_return(c, n, old_cs, ret); r != Exec::Ok) return undo(r);
  } else if (is_call) {
    if (Exec r = push_return(c, n, old_cs, ret); r != Exec::Ok) return r;
  }
  set_accessed(c, csel, cdesc);
  cs.sel = static_cast<uint16_t>(cerr | new_cpl);
  cs.ar |= 1;
  c.s.seg[CS] = cs;
  c.s.cpl = static_cast<uint8_t>(new_cpl);
  c.s.rip() = off;
  c.update_mode();
  return Exec::Ok;
}

Exec far_jump(Cpu& c, uint16_t sel, uint64_t off, unsigned osz, bool is_call) {
  if (osz == 2) off &= 0xFFFF;
  else if (osz == 4) off &= 0xFFFFFFFF;
  const uint16_t old_cs = c.s.seg[CS].sel;
  const uint64_t ret = c.s.rip();
  if (!(c.s.cr0 & cr0::PE) || v86_mode(c)) {
    // Real-address and virtual-8086 mode: CS:IP directly, no descriptor (SDM JMP, CALL).
    if (is_call)
      if (Exec r = push_return(c, osz, old_cs, ret); r != Exec::Ok) return r;
    if (v86_mode(c)) {
      if (off > 0xFFFF) return c.gp(0);
      c.s.seg[CS] = v86_segment(sel);
    } else {
      c.s.seg[CS].sel = sel;
      c.s.seg[CS].base = uint64_t{sel} << 4;
    }
    c.s.rip() = off;
    c.update_mode();
    return Exec::Ok;
  }
  if ((sel & 0xFFFC) == 0) return c.gp(0);
  uint64_t desc;
  if (Exec r = read_descriptor(c, sel, desc); r != Exec::Ok) return r;
  if (!((desc >> 44) & 1)) {
    const unsigned type = (desc >> 40) & 0xF;
    const bool lm = c.s.efer & efer::LMA;
    if (type == 0xC || (!lm && type == 0x4)) return through_call_gate(c, sel, desc, is_call);
    const TaskSource src = is_call ? TaskSource::Call : TaskSource::Jmp;
    const unsigned dpl = (desc >> 45) & 3;
    if (!lm && (type == 0x9 || type == 0xB || type == 0x1 || type == 0x3)) {
      // JMP/CALL to a (32- or 16-bit) TSS descriptor: DPL >= CPL and >= RPL (SDM JMP, task
      // switch); a busy one is refused by task_switch.
      if (dpl < c.s.cpl || dpl < (sel & 3u)) return c.gp(sel & 0xFFFC);
      return task_switch(c, sel, desc, src);
    }
    if (!lm && type == 0x5) {
      // Task gate: its DPL is checked, then the TSS it names.
      if (dpl < c.s.cpl || dpl < (sel & 3u)) return c.gp(sel & 0xFFFC);
      if (!((desc >> 47) & 1)) return c.raise(kNP, sel & 0xFFFC);
      const uint16_t tsel = static_cast<uint16_t>(desc >> 16);
      uint64_t tdesc;
      if ((tsel & 4) || read_descriptor(c, tsel, tdesc) != Exec::Ok) return c.gp(tsel & 0xFFFC);
      return task_switch(c, tsel, tdesc, src);
    }
    return c.gp(sel & 0xFFFC);
  }
  SegmentReg cs;
  if (Exec r = check_code_target(c, sel, desc, cs); r != Exec::Ok) return r;
  const bool target64 = (c.s.efer & efer::LMA) && (cs.ar & ar::L);
  if (!target64 && off > cs.limit) return c.gp(0);
  if (target64 && !canonical(off)) return c.gp(0);
  if (is_call)
    if (Exec r = push_return(c, osz, old_cs, ret); r != Exec::Ok) return r;
  set_accessed(c, sel, desc);
  c.s.seg[CS] = cs;
  c.s.rip() = off;
  c.update_mode();
  return Exec::Ok;
}

}  // namespace vp
