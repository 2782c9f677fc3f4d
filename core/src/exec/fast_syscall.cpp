// SYSCALL/SYSRET and SYSENTER/SYSEXIT (SDM Vol. 2 entries; Vol. 3 5.8.7-5.8.8). These load
// CS and SS with fixed descriptor-cache values computed from the MSRs, without reading the
// GDT, exactly as the "Operation" sections specify.
#include "exec.h"

namespace vp {
namespace {

// Flat segments as the instructions load them (access rights in VMX layout).
SegmentReg flat_code(uint16_t sel, unsigned dpl, bool long_mode) {
  // type 11 (execute/read, accessed), S, DPL, P, G; L for 64-bit, D/B otherwise
  const uint32_t a = 0xB | ar::S | (dpl << 5) | ar::P | ar::G | (long_mode ? ar::L : ar::DB);
  return SegmentReg{sel, 0, 0xFFFFFFFF, a};
}
SegmentReg flat_stack(uint16_t sel, unsigned dpl) {
  return SegmentReg{sel, 0, 0xFFFFFFFF, 0x3 | ar::S | (dpl << 5) | ar::P | ar::DB | ar::G};
}

void enter(Cpu& c, const SegmentReg& cs, const SegmentReg& ss, unsigned cpl) {
  c.s.seg[CS] = cs;
  c.s.seg[SS] = ss;
  c.s.cpl = static_cast<uint8_t>(cpl);
  c.update_mode();
}

Exec exec_syscall(Cpu& c, const Insn&) {
  // Intel: #UD outside 64-bit mode (compatibility and legacy modes) or with EFER.SCE = 0.
  if (!c.long64 || !(c.s.efer & efer::SCE)) return c.ud();
  const uint16_t sel = static_cast<uint16_t>(c.s.star >> 32);
  c.s.regs[1] = c.s.rip();
  c.s.regs[11] = c.s.rflags & ~rf::RF;
  c.s.rflags = (c.s.rflags & ~(c.s.fmask | rf::RF)) | rf::kFixed1;
  enter(c, flat_code(sel & 0xFFFC, 0, true), flat_stack(static_cast<uint16_t>((sel + 8) & 0xFFFC), 0), 0);
  c.s.rip() = c.s.lstar;
  return Exec::Ok;
}

Exec exec_sysret(Cpu& c, const Insn& i) {
  if (!c.long64 || !(c.s.efer & efer::SCE)) return c.ud();
  if (c.s.cpl != 0) return c.gp(0);
  const bool to64 = i.osz == 8;  // SYSRETQ (REX.W)
  const uint64_t rip = to64 ? c.s.regs[1] : (c.s.regs[1] & 0xFFFFFFFF);
  // Intel raises #GP(0) at CPL 0 for a non-canonical RCX (SDM SYSRET "Operation").
  if (to64 && !canonical(rip)) return c.gp(0);
  const uint16_t base = static_cast<uint16_t>(c.s.star >> 48);
  const uint16_t cs = static_cast<uint16_t>((to64 ? base + 16 : base) | 3);
  c.s.rflags = (c.s.regs[11] & 0x3C7FD7) | rf::kFixed1;
  enter(c, flat_code(cs, 3, to64), flat_stack(static_cast<uint16_t>((base + 8) | 3), 3), 3);
  c.s.rip() = rip;
  if (c.s.rflags & rf::IF) c.next_check = 0;
  return Exec::Ok;
}

Exec exec_sysenter(Cpu& c, const Insn&) {
  if (!(c.s.cr0 & cr0::PE) || (c.s.sysenter_cs & 0xFFFC) == 0) return c.gp(0);
  const bool lm = c.s.efer & efer::LMA;
  const uint16_t sel = static_cast<uint16_t>(c.s.sysenter_cs & 0xFFFC);
  c.s.rflags &= ~(rf::VM | rf::IF | rf::RF);
  enter(c, flat_code(sel, 0, lm), flat_stack(static_cast<uint16_t>(sel + 8), 0), 0);
  c.s.regs[4] = lm ? c.s.sysenter_esp : (c.s.sysenter_esp & 0xFFFFFFFF);
  c.s.rip() = lm ? c.s.sysenter_eip : (c.s.sysenter_eip & 0xFFFFFFFF);
  return Exec::Ok;
}

Exec exec_sysexit(Cpu& c, const Insn& i) {
  if (!(c.s.cr0 & cr0::PE) || c.s.cpl != 0 || (c.s.sysenter_cs & 0xFFFC) == 0) return c.gp(0);
  const bool to64 = i.osz == 8;  // SYSEXITQ (REX.W)
  const uint64_t rip = to64 ? c.s.regs[2] : (c.s.regs[2] & 0xFFFFFFFF);
  const uint64_t rsp = to64 ? c.s.regs[1] : (c.s.regs[1] & 0xFFFFFFFF);
  if (to64 && (!canonical(rip) || !canonical(rsp))) return c.gp(0);
  const uint16_t base = static_cast<uint16_t>(c.s.sysenter_cs);
  const uint16_t cs = static_cast<uint16_t>((base + (to64 ? 32 : 16)) | 3);
  const uint16_t ss = static_cast<uint16_t>((base + (to64 ? 40 : 24)) | 3);
  enter(c, flat_code(cs, 3, to64), flat_stack(ss, 3), 3);
  c.s.regs[4] = rsp;
  c.s.rip() = rip;
  return Exec::Ok;
}

}  // namespace

bool bind_fast_syscall(Insn& i) {
  switch (i.mnemonic) {
    case M(SYSCALL): i.fn = exec_syscall; return true;
    case M(SYSRET): i.fn = exec_sysret; return true;
    case M(SYSENTER): i.fn = exec_sysenter; return true;
    case M(SYSEXIT): i.fn = exec_sysexit; return true;
    default: return false;
  }
}

}  // namespace vp
