// Hardware task switching with 32-bit and 16-bit TSSs (SDM Vol. 3 7.3 "Task Switching", 7.6
// "16-Bit Task-State Segment"): JMP or CALL to a TSS descriptor or task gate, an interrupt or
// exception through a task gate, and IRET with EFLAGS.NT. Legacy protected mode only (IA-32e
// mode has no task switching).
#include "system.h"

namespace vp {
namespace {

constexpr uint32_t kTssMinLimit = 0x67, kTss16MinLimit = 0x2B;
constexpr uint64_t kBusy = 1ull << 41;  // type bit 1 of a TSS descriptor

uint64_t gdt_entry_la(const Cpu& c, uint16_t sel) { return (c.s.gdtr.base + (sel & ~7u)) & 0xFFFFFFFFull; }

Exec write_gdt_type(Cpu& c, uint16_t sel, uint64_t desc) {
  uint64_t pa;
  if (Exec r = translate(c, gdt_entry_la(c, sel) + 5, Access::Write, pa, true); r != Exec::Ok) return r;
  c.mem.write(pa, 1, (desc >> 40) & 0xFF);
  return Exec::Ok;
}

// Linear-address access to a TSS (supervisor-implicit, like descriptor-table accesses).
Exec tss_read(Cpu& c, uint64_t la, unsigned size, uint64_t& v) {
  uint64_t pa;
  if (Exec r = translate(c, la & 0xFFFFFFFFull, Access::Read, pa, true); r != Exec::Ok) return r;
  v = c.mem.read(pa, size);
  return Exec::Ok;
}
Exec tss_write(Cpu& c, uint64_t la, unsigned size, uint64_t v) {
  uint64_t pa;
  if (Exec r = translate(c, la & 0xFFFFFFFFull, Access::Write, pa, true); r != Exec::Ok) return r;
  c.mem.write(pa, size, v);
  return Exec::Ok;
}

}  // namespace

Exec task_switch(Cpu& c, uint16_t sel, uint64_t desc, TaskSource src, bool has_err, uint32_t err) {
  const uint32_t serr = sel & 0xFFFC;
  if (sel & 4) return c.raise(kGP, serr);  // a TSS must be in the GDT
  const SegmentReg tss = descriptor_to_segment(sel, desc);
  const unsigned type = ar::type(tss.ar);
  if (type != 0x9 && type != 0xB && type != 0x1 && type != 0x3)
    return c.raise(src == TaskSource::Iret ? kTS : kGP, serr);
  const bool new16 = !(type & 8);  // a 16-bit TSS (types 1 and 3)
  // Busy rules (SDM 7.3 step 4): IRET returns to a busy task, everything else needs an
  // available one.
  const bool busy = type & 2;
  if (src == TaskSource::Iret ? !busy : busy) return c.raise(src == TaskSource::Iret ? kTS : kGP, serr);
  if (!(tss.ar & ar::P)) return c.raise(kNP, serr);
  if (tss.limit < (new16 ? kTss16MinLimit : kTssMinLimit)) return c.raise(kTS, serr);
  // VMX non-root operation: past these checks a task switch is a VM exit (SDM Vol. 3C 25.4.2).
  if (c.non_root) {
    static constexpr unsigned kSource[] = {2, 0, 1, 3};  // Jmp, Call, Iret, Interrupt
    if (c.vmx->intercept_task_switch(c, sel, kSource[static_cast<unsigned>(src)])) return Exec::VmTransition;
  }

  // Read the new task's state first, so that a page fault on it leaves the old task intact.
  // nt[] in 32-bit TSS order: CR3, EIP, EFLAGS, EAX..EDI, ES CS SS DS FS GS, LDT (index 7 on);
  // a 16-bit TSS (Figure 7-10) has no CR3, FS or GS, and 16-bit fields from offset 0EH.
  uint64_t nt[26] = {};
  if (new16) {
    static constexpr unsigned kFrom16[] = {8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 24};
    for (unsigned k = 0; k < 15; ++k)
      if (Exec r = tss_read(c, tss.base + 0x0E + 2 * k, 2, nt[kFrom16[k]]); r != Exec::Ok) return r;
  } else {
    for (unsigned k = 0; k < 26; ++k)
      if (Exec r = tss_read(c, tss.base + 4 * k, 4, nt[k]); r != Exec::Ok) return r;
  }
  const SegmentReg old_tr = c.s.tr;
  const bool old16 = !(ar::type(old_tr.ar) & 8);
  // Save the old task (SDM 7.3 step 8) in its TSS's format: EIP is the next instruction, or
  // the faulting one. A 16-bit TSS keeps the low halves (7.6).
  uint64_t flags = c.s.rflags;
  if (src == TaskSource::Iret) flags &= ~rf::NT;
  const uint64_t ob = old_tr.base;
  const uint64_t save[16] = {c.s.rip(),        flags,           c.s.regs[0],     c.s.regs[1],
                             c.s.regs[2],      c.s.regs[3],     c.s.regs[4],     c.s.regs[5],
                             c.s.regs[6],      c.s.regs[7],     c.s.seg[ES].sel, c.s.seg[CS].sel,
                             c.s.seg[SS].sel,  c.s.seg[DS].sel, c.s.seg[FS].sel, c.s.seg[GS].sel};
  for (unsigned k = 0; k < (old16 ? 14u : 16u); ++k) {
    const Exec r = old16 ? tss_write(c, ob + 0x0E + 2 * k, 2, save[k])
                         : tss_write(c, ob + 0x20 + 4 * k, k >= 10 ? 2 : 4, save[k]);
    if (r != Exec::Ok) return r;
  }
  // Busy flags and the previous-task link (steps 6, 9, 10).
  if (src == TaskSource::Jmp || src == TaskSource::Iret) {
    uint64_t od;
    if (Exec r = read_descriptor(c, old_tr.sel, od); r != Exec::Ok) return r;
    if (Exec r = write_gdt_type(c, old_tr.sel, od & ~kBusy); r != Exec::Ok) return r;
  }
  if (src != TaskSource::Iret) {
    if (Exec r = write_gdt_type(c, sel, desc | kBusy); r != Exec::Ok) return r;
  }
  uint64_t new_flags = nt[9];
  if (src == TaskSource::Call || src == TaskSource::Interrupt) {
    if (Exec r = tss_write(c, tss.base, 2, old_tr.sel); r != Exec::Ok) return r;
    new_flags |= rf::NT;
  }
  // Switch (step 11): TR, CR0.TS.
  c.s.tr = tss;
  c.s.tr.ar |= 2;  // busy
  c.s.cr0 |= cr0::TS;
  // Load the new task (step 12). Errors from here on belong to the new task: #TS.
  // The new task's CR3, with its PDPTEs under PAE paging (SDM 7.3 step 12, Vol. 3 4.4.1).
  if (!new16 && c.paging && nt[7] != c.s.cr3) {
    if ((c.s.cr4 & cr4::PAE))
      if (Exec r = load_pdptes(c, nt[7] & 0xFFFFFFFFull); r != Exec::Ok) return r;
    c.s.cr3 = nt[7] & 0xFFFFFFFFull;
    c.flush_tlb(false);
  }
  c.s.rip() = nt[8];
  // Past the commit point a fault belongs to the new task, at its first instruction (SDM
  // 7.3 step 12, Table 7-1): that is where the run loop puts RIP back for it.
  c.insn_rip = nt[8];
  c.s.rflags = (new_flags & kEflagsLoadable) | rf::kFixed1;
  // From a 16-bit TSS the upper halves of the registers are "modified and not maintained"
  // (7.6): Vanderpool zero-extends, as it does EIP and EFLAGS (docs/cpu-model.md).
  for (unsigned k = 0; k < 8; ++k) c.s.regs[k] = nt[10 + k] & 0xFFFFFFFFull;
  const uint16_t sels[6] = {static_cast<uint16_t>(nt[18]), static_cast<uint16_t>(nt[19]), static_cast<uint16_t>(nt[20]),
                            static_cast<uint16_t>(nt[21]), static_cast<uint16_t>(nt[22]), static_cast<uint16_t>(nt[23])};
  const uint16_t ldt = static_cast<uint16_t>(nt[24]);
  // LDTR first (segment selectors may point into it).
  if ((ldt & 0xFFFC) == 0) {
    c.s.ldtr = null_segment(ldt);
  } else {
    uint64_t ld;
    if ((ldt & 4) || read_descriptor(c, ldt, ld, kTS) != Exec::Ok) return c.raise(kTS, ldt & 0xFFFC);
    const SegmentReg l = descriptor_to_segment(ldt, ld);
    // A not-present LDT is #TS here, not #NP (SDM "Interrupt 11", Table 7-1).
    if ((l.ar & ar::S) || ar::type(l.ar) != 2 || !(l.ar & ar::P)) return c.raise(kTS, ldt & 0xFFFC);
    c.s.ldtr = l;
  }
  if (!new16 && (c.s.rflags & rf::VM)) {
    // A virtual-8086-mode task: its segment registers are loaded real-mode style, CPL 3
    // (SDM 7.3 step 12, 20.2.5).
    for (uint8_t sr : {ES, CS, SS, DS, FS, GS}) c.s.seg[sr] = v86_segment(sels[sr]);
    c.s.cpl = 3;
    c.update_mode();
    if (c.s.rip() > 0xFFFF) return c.gp(0);
    if (has_err)
      if (Exec r = push_value(c, 4, err); r != Exec::Ok) return r;  // a doubleword: 32-bit TSS
    c.next_check = 0;
    return Exec::Ok;
  }
  // CS decides the new CPL.
  const uint16_t cs_sel = sels[CS];
  uint64_t cd;
  if ((cs_sel & 0xFFFC) == 0 || read_descriptor(c, cs_sel, cd, kTS) != Exec::Ok) return c.raise(kTS, cs_sel & 0xFFFC);
  SegmentReg cs = descriptor_to_segment(cs_sel, cd);
  const unsigned rpl = cs_sel & 3;
  if (!(cs.ar & ar::S) || !(ar::type(cs.ar) & 8)) return c.raise(kTS, cs_sel & 0xFFFC);
  if ((ar::type(cs.ar) & 4) ? ar::dpl(cs.ar) > rpl : ar::dpl(cs.ar) != rpl) return c.raise(kTS, cs_sel & 0xFFFC);
  if (!(cs.ar & ar::P)) return c.raise(kNP, cs_sel & 0xFFFC);
  cs.ar |= 1;
  c.s.seg[CS] = cs;
  c.s.cpl = static_cast<uint8_t>(rpl);
  c.update_mode();
  for (uint8_t sr : {SS, DS, ES, FS, GS}) {
    // A 16-bit TSS has no FS or GS: they become null (as Bochs does; the SDM is silent).
    if (Exec r = load_data_segment(c, sr, sels[sr]); r != Exec::Ok) {
      // A faulting selector of the new task is reported as #TS (or #SS/#NP as loaded).
      if (c.fault.vector == kGP) c.fault.vector = kTS;
      return r;
    }
  }
  if (c.s.rip() > c.s.seg[CS].limit) return c.gp(0);
  // An exception that switched tasks pushes its error code on the new task's stack.
  if (has_err)
    if (Exec r = push_value(c, new16 ? 2 : 4, err); r != Exec::Ok) return r;  // a word for a 16-bit TSS
  c.next_check = 0;
  return Exec::Ok;
}

}  // namespace vp
