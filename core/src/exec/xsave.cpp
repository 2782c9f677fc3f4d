// The processor-state save areas: FXSAVE/FXRSTOR, and the XSAVE feature set — XSAVE,
// XSAVEOPT, XSAVEC, XRSTOR (standard and compacted forms), XGETBV, XSETBV (SDM Vol. 1
// chapter 13, Vol. 2 entries). The model's XCR0 can enable x87 (bit 0) and SSE (bit 1), both
// in the 512-byte legacy region (Vol. 1 Table 13-1), so every XSAVE area is the legacy region
// and the 64-byte header: 576 bytes (CPUID.(EAX=0DH)). XSAVES/XRSTORS are not advertised.
#include <cstring>

#include "exec.h"
#include "system.h"

namespace vp {
namespace {

constexpr uint32_t kMxcsrMask = 0xFFFF;     // MXCSR_MASK: DAZ and bits 15:0 (Vol. 1 11.6.6)
constexpr uint64_t kXcr0Supported = 3;      // x87 | SSE (CPUID.(EAX=0DH,ECX=0):EDX:EAX)
constexpr unsigned kHeader = 512, kAreaSize = 576;
constexpr uint64_t kCompacted = 1ull << 63;  // XCOMP_BV[63]

// Byte ranges of the legacy region (Vol. 1 Table 13-1, Vol. 2 FXSAVE Table 3-53): the x87
// state is bytes 23:0 and 159:32; MXCSR and MXCSR_MASK 31:24; XMM0-15 at 160 + 16n. Bytes
// 463:416 are reserved and 511:464 free for software: no instruction here writes them.
struct Range {
  unsigned off, len;
};
constexpr Range kX87Lo{0, 24}, kX87Hi{32, 128}, kMxcsr{24, 8};
inline Range xmm_range(const Cpu& c) { return {160, c.long64 ? 256u : 128u}; }

// The area's linear address of byte `off` (it wraps at 4 GiB outside 64-bit mode).
inline uint64_t at(const Cpu& c, uint64_t la, unsigned off) { return c.long64 ? la + off : (la + off) & 0xFFFFFFFF; }

Exec probe(Cpu& c, uint64_t la, Range r) { return probe_write(c, at(c, la, r.off), r.len); }

Exec store(Cpu& c, uint64_t la, const uint8_t* area, Range r) {
  for (unsigned k = r.off; k < r.off + r.len; k += 8) {
    uint64_t q;
    std::memcpy(&q, area + k, 8);
    if (Exec e = write_lin<uint64_t>(c, at(c, la, k), q); e == Exec::Fault) return e;
  }
  return Exec::Ok;
}

// The ranges an instruction writes, checked all before the first is written, so a fault
// leaves the area unchanged.
struct Parts {
  Range r[5];
  unsigned n = 0;
  void add(Range x) { r[n++] = x; }
};
Exec store_parts(Cpu& c, uint64_t la, const uint8_t* area, const Parts& p) {
  for (unsigned k = 0; k < p.n; ++k)
    if (Exec e = probe(c, la, p.r[k]); e != Exec::Ok) return e;
  for (unsigned k = 0; k < p.n; ++k)
    if (Exec e = store(c, la, area, p.r[k]); e != Exec::Ok) return e;
  return Exec::Ok;
}

Exec load(Cpu& c, uint64_t la, uint8_t* area, Range r) {
  for (unsigned k = r.off; k < r.off + r.len; k += 8) {
    uint64_t q;
    if (Exec e = read_lin(c, at(c, la, k), q); e != Exec::Ok) return e;
    std::memcpy(area + k, &q, 8);
  }
  return Exec::Ok;
}

// --- the state components ------------------------------------------------------------------

// x87 state into bytes 23:0 and 159:32. `wide` is the 64-bit format (REX.W: FXSAVE64,
// XSAVE64 ...): 64-bit FIP and FDP instead of FIP/FCS and FDP/FDS.
void put_x87(const Cpu& c, uint8_t* a, bool wide) {
  std::memset(a, 0, 24);
  std::memcpy(a + 0, &c.s.fcw, 2);
  std::memcpy(a + 2, &c.s.fsw, 2);
  // The abridged tag word: one bit per register, 1 = not empty (Vol. 1 10.5.1.1).
  for (unsigned k = 0; k < 8; ++k)
    if (((c.s.ftw >> (2 * k)) & 3) != 3) a[4] |= static_cast<uint8_t>(1u << k);
  std::memcpy(a + 6, &c.s.fop, 2);
  if (wide) {
    std::memcpy(a + 8, &c.s.fip, 8);
    std::memcpy(a + 16, &c.s.fdp, 8);
  } else {
    std::memcpy(a + 8, &c.s.fip, 4);
    std::memcpy(a + 12, &c.s.fcs, 2);
    std::memcpy(a + 16, &c.s.fdp, 4);
    std::memcpy(a + 20, &c.s.fds, 2);
  }
  std::memset(a + 32, 0, 128);
  for (unsigned k = 0; k < 8; ++k) std::memcpy(a + 32 + 16 * k, c.s.fpr[k], 10);
}

void get_x87(Cpu& c, const uint8_t* a, bool wide) {
  uint16_t fcw, fsw;
  std::memcpy(&fcw, a + 0, 2);
  std::memcpy(&fsw, a + 2, 2);
  c.s.fcw = x87_control_word(fcw);
  c.s.fsw = x87_status_word(fsw, c.s.fcw);
  // A register marked valid by the abridged tag gets the tag its contents imply (Vol. 1
  // 10.5.1.1); the data registers are only stored, so "valid" stands for all three.
  c.s.ftw = 0;
  for (unsigned k = 0; k < 8; ++k)
    if (!((a[4] >> k) & 1)) c.s.ftw |= static_cast<uint16_t>(3u << (2 * k));
  std::memcpy(&c.s.fop, a + 6, 2);
  c.s.fop &= 0x7FF;
  c.s.fip = c.s.fdp = 0;
  c.s.fcs = c.s.fds = 0;
  if (wide) {
    std::memcpy(&c.s.fip, a + 8, 8);
    std::memcpy(&c.s.fdp, a + 16, 8);
  } else {
    std::memcpy(&c.s.fip, a + 8, 4);
    std::memcpy(&c.s.fcs, a + 12, 2);
    std::memcpy(&c.s.fdp, a + 16, 4);
    std::memcpy(&c.s.fds, a + 20, 2);
  }
  for (unsigned k = 0; k < 8; ++k) std::memcpy(c.s.fpr[k], a + 32 + 16 * k, 10);
}

// The initial configurations (Vol. 1 13.6): FCW 037FH, FSW 0, every tag empty, pointers,
// opcode and data registers 0; XMM registers 0 (MXCSR is not part of SSE's).
void init_x87(Cpu& c) {
  c.s.fcw = 0x037F;
  c.s.fsw = 0;
  c.s.ftw = 0xFFFF;
  c.s.fop = c.s.fcs = c.s.fds = 0;
  c.s.fip = c.s.fdp = 0;
  std::memset(c.s.fpr, 0, sizeof c.s.fpr);
}
bool x87_initial(const Cpu& c) {
  static constexpr uint8_t zero[sizeof c.s.fpr] = {};
  return c.s.fcw == 0x037F && c.s.fsw == 0 && c.s.ftw == 0xFFFF && c.s.fop == 0 && c.s.fcs == 0 && c.s.fds == 0 &&
         c.s.fip == 0 && c.s.fdp == 0 && std::memcmp(c.s.fpr, zero, sizeof zero) == 0;
}

void put_xmm(const Cpu& c, uint8_t* a) {
  const Range r = xmm_range(c);
  std::memcpy(a + r.off, c.s.xmm, r.len);
}
void get_xmm(Cpu& c, const uint8_t* a) {
  const Range r = xmm_range(c);
  std::memcpy(c.s.xmm, a + r.off, r.len);
}
// XMM0-7 outside 64-bit mode, XMM0-15 in it, as XRSTOR loads them (Vol. 1 13.5.2).
void init_xmm(Cpu& c) {
  for (unsigned k = 0; k < xmm_range(c).len / 16; ++k) c.s.xmm[k] = {};
}
bool sse_initial(const Cpu& c) {
  for (const Xmm& x : c.s.xmm)
    if (x.lo | x.hi) return false;
  return true;
}

void put_mxcsr(const Cpu& c, uint8_t* a) {
  std::memcpy(a + 24, &c.s.mxcsr, 4);
  std::memcpy(a + 28, &kMxcsrMask, 4);
}

// XINUSE (Vol. 1 13.6): bit i may be 1 even when component i is in its initial configuration,
// and must be 1 when it is not. XRSTOR sets the bits it loads and clears the ones it
// initialises, as its pseudocode says; any other change of the state shows as "not initial".
uint64_t xinuse(const Cpu& c) {
  return c.s.xinuse | (x87_initial(c) ? 0 : 1) | (sse_initial(c) ? 0 : 2);
}

// --- the instructions ----------------------------------------------------------------------

// #UD without CR4.OSXSAVE (CPUID.1:ECX.XSAVE is always reported), #NM with CR0.TS.
Exec xsave_gate(Cpu& c) {
  if (!(c.s.cr4 & cr4::OSXSAVE)) return c.ud();
  if (c.s.cr0 & cr0::TS) return c.raise(kNM);
  return Exec::Ok;
}

// The area's linear address: the segment check covers all 576 bytes, and it must be 64-byte
// aligned, whatever CR0.AM and RFLAGS.AC say (#GP(0): XSAVE "#AC" note, Vol. 2).
Exec area_address(Cpu& c, const Insn& i, Access acc, uint64_t& la) {
  if (Exec r = linear(c, i.seg, ea_of(c, i), kAreaSize, acc, la); r != Exec::Ok) return r;
  return (la & 63) ? c.gp(0) : Exec::Ok;
}

bool wide_format(const Insn& i) {
  switch (i.mnemonic) {
    case M(FXSAVE64): case M(FXRSTOR64): case M(XSAVE64): case M(XSAVEOPT64): case M(XSAVEC64): case M(XRSTOR64):
      return true;
    default: return false;
  }
}

inline uint64_t rfbm(const Cpu& c) { return c.s.xcr0 & ((c.s.regs[2] << 32) | (c.s.regs[0] & 0xFFFFFFFF)); }

// FXSAVE/FXRSTOR (Vol. 2 FXSAVE): the legacy region, 16-byte aligned. XMM registers and MXCSR
// are saved and loaded only with CR4.OSFXSR (the SDM leaves it to the implementation).
Exec exec_fxsave_fxrstor(Cpu& c, const Insn& i) {
  if (c.s.cr0 & (cr0::EM | cr0::TS)) return c.raise((c.s.cr0 & cr0::EM) ? kUD : kNM);
  const bool save = i.mnemonic == M(FXSAVE) || i.mnemonic == M(FXSAVE64);
  uint64_t la;
  if (Exec r = linear(c, i.seg, ea_of(c, i), 512, save ? Access::Write : Access::Read, la); r != Exec::Ok) return r;
  if (la & 15) return c.gp(0);
  const bool sse = c.s.cr4 & cr4::OSFXSR;
  const bool wide = wide_format(i);
  uint8_t a[512];
  if (save) {
    for (Range r : {kX87Lo, kX87Hi, kMxcsr, xmm_range(c)})
      if (Exec e = probe(c, la, r); e != Exec::Ok) return e;
    put_x87(c, a, wide);
    if (Exec e = store(c, la, a, kX87Lo); e != Exec::Ok) return e;
    if (Exec e = store(c, la, a, kX87Hi); e != Exec::Ok) return e;
    if (!sse) return Exec::Ok;
    put_mxcsr(c, a);
    put_xmm(c, a);
    if (Exec e = store(c, la, a, kMxcsr); e != Exec::Ok) return e;
    return store(c, la, a, xmm_range(c));
  }
  for (Range r : {kX87Lo, kX87Hi, kMxcsr, xmm_range(c)})
    if (Exec e = load(c, la, a, r); e != Exec::Ok) return e;
  uint32_t mxcsr;
  std::memcpy(&mxcsr, a + 24, 4);
  if (sse && (mxcsr & ~kMxcsrMask)) return c.gp(0);
  get_x87(c, a, wide);
  if (sse) {
    c.s.mxcsr = mxcsr;
    get_xmm(c, a);
  }
  return Exec::Ok;
}

// XSAVE, XSAVEOPT, XSAVEC (Vol. 2 entries, Vol. 1 13.7, 13.9, 13.10). RFBM = XCR0 AND EDX:EAX.
// XSAVE saves every requested component; XSAVEOPT and XSAVEC use the init optimization and
// leave a component in its initial configuration unwritten (XSAVEOPT's modified optimization
// is not used: writing is always allowed). XSAVE and XSAVEOPT update XSTATE_BV only in the
// RFBM bits; XSAVEC writes XSTATE_BV and XCOMP_BV whole.
Exec exec_xsave(Cpu& c, const Insn& i) {
  if (Exec r = xsave_gate(c); r != Exec::Ok) return r;
  uint64_t la;
  if (Exec r = area_address(c, i, Access::Write, la); r != Exec::Ok) return r;
  const bool compact = i.mnemonic == M(XSAVEC) || i.mnemonic == M(XSAVEC64);
  const bool opt = compact || i.mnemonic == M(XSAVEOPT) || i.mnemonic == M(XSAVEOPT64);
  const uint64_t rfbm_ = rfbm(c), inuse = xinuse(c) & rfbm_;
  uint64_t saved = opt ? inuse : rfbm_;  // components written
  bool mxcsr = rfbm_ & 2;
  if (compact) {
    // XSAVEC writes MXCSR only with the rest of SSE state, which it saves when MXCSR is not
    // 1F80H even if XINUSE[1] = 0 (Vol. 2 XSAVEC Operation).
    if ((rfbm_ & 2) && c.s.mxcsr != 0x1F80) saved |= 2;
    mxcsr = saved & 2;
  }
  uint8_t a[kAreaSize] = {};
  uint64_t header[2] = {0, 0};
  if (Exec r = load(c, la, a, {kHeader, 8}); r != Exec::Ok) return r;  // XSTATE_BV
  std::memcpy(&header[0], a + kHeader, 8);
  header[0] = compact ? saved : (header[0] & ~rfbm_) | inuse;
  header[1] = rfbm_ | kCompacted;
  std::memcpy(a + kHeader, header, 16);
  Parts parts;
  parts.add({kHeader, compact ? 16u : 8u});
  if (saved & 1) {
    put_x87(c, a, wide_format(i));
    parts.add(kX87Lo);
    parts.add(kX87Hi);
  }
  if (mxcsr) {
    put_mxcsr(c, a);
    parts.add(kMxcsr);
  }
  if (saved & 2) {
    put_xmm(c, a);
    parts.add(xmm_range(c));
  }
  return store_parts(c, la, a, parts);
}

// XRSTOR (Vol. 2 XRSTOR, Vol. 1 13.8): the header decides the form (XCOMP_BV[63]); every #GP
// check of the header and of MXCSR comes before any state changes.
Exec exec_xrstor(Cpu& c, const Insn& i) {
  if (Exec r = xsave_gate(c); r != Exec::Ok) return r;
  uint64_t la;
  if (Exec r = area_address(c, i, Access::Read, la); r != Exec::Ok) return r;
  uint8_t a[kAreaSize];
  if (Exec r = load(c, la, a, {kHeader, 24}); r != Exec::Ok) return r;
  uint64_t h[8] = {};
  std::memcpy(h, a + kHeader, 24);
  const uint64_t xstate_bv = h[0], xcomp_bv = h[1];
  const bool compact = xcomp_bv & kCompacted;
  const uint64_t rfbm_ = rfbm(c);
  uint64_t restore, initialise;
  bool load_mxcsr;
  if (!compact) {
    // Standard form: XSTATE_BV within XCR0, header bytes 23:8 zero.
    if ((xstate_bv & ~c.s.xcr0) || xcomp_bv || h[2]) return c.gp(0);
    restore = rfbm_ & xstate_bv;
    initialise = rfbm_ & ~xstate_bv;
    load_mxcsr = rfbm_ & 6;  // with RFBM[1] or RFBM[2], whatever XSTATE_BV[1] says
  } else {
    // Compacted form: XCOMP_BV[62:0] within XCR0, XSTATE_BV within XCOMP_BV, bytes 63:16 zero.
    if (Exec r = load(c, la, a, {kHeader + 24, 40}); r != Exec::Ok) return r;
    std::memcpy(h + 3, a + kHeader + 24, 40);
    const uint64_t format = xcomp_bv & ~kCompacted;
    if ((format & ~c.s.xcr0) || (xstate_bv & ~xcomp_bv) || (h[2] | h[3] | h[4] | h[5] | h[6] | h[7])) return c.gp(0);
    restore = format & rfbm_ & xstate_bv;
    initialise = (rfbm_ & ~xstate_bv) | (rfbm_ & ~format);
    load_mxcsr = restore & 2;  // MXCSR goes with SSE state; initialising SSE sets it to 1F80H
  }
  if (restore & 1) {
    if (Exec r = load(c, la, a, kX87Lo); r != Exec::Ok) return r;
    if (Exec r = load(c, la, a, kX87Hi); r != Exec::Ok) return r;
  }
  uint32_t mxcsr = c.s.mxcsr;
  if (load_mxcsr) {
    if (Exec r = load(c, la, a, kMxcsr); r != Exec::Ok) return r;
    std::memcpy(&mxcsr, a + 24, 4);
    if (mxcsr & ~kMxcsrMask) return c.gp(0);
  }
  if (restore & 2)
    if (Exec r = load(c, la, a, xmm_range(c)); r != Exec::Ok) return r;
  // Commit.
  if (restore & 1) get_x87(c, a, wide_format(i));
  else if (initialise & 1) init_x87(c);
  if (restore & 2) get_xmm(c, a);
  else if (initialise & 2) init_xmm(c);
  if (load_mxcsr) c.s.mxcsr = mxcsr;
  else if (compact && (initialise & 2)) c.s.mxcsr = 0x1F80;
  c.s.xinuse = static_cast<uint8_t>((c.s.xinuse | restore) & ~initialise);
  return Exec::Ok;
}

// XGETBV (Vol. 2): ECX = 0 reads XCR0, ECX = 1 XCR0 AND XINUSE (CPUID.(EAX=0DH,ECX=1):EAX[2]);
// anything else #GP(0). Any CPL; it never exits.
Exec exec_xgetbv(Cpu& c, const Insn&) {
  if (!(c.s.cr4 & cr4::OSXSAVE)) return c.ud();
  const uint32_t n = static_cast<uint32_t>(c.s.regs[1]);
  if (n > 1) return c.gp(0);
  const uint64_t v = n == 0 ? c.s.xcr0 : c.s.xcr0 & xinuse(c);
  c.s.regs[0] = v & 0xFFFFFFFF;
  c.s.regs[2] = v >> 32;
  return Exec::Ok;
}

// XSETBV (Vol. 2): CPL 0 only; in VMX non-root operation it exits unconditionally, after that
// privilege check (Vol. 3C 25.1.1, 25.1.2) and before the checks of ECX and the value: only
// XCR0 (ECX = 0) is writable, bit 0 must stay 1, unsupported bits are reserved. (The rule
// that AVX needs SSE cannot arise: AVX is not supported.)
Exec exec_xsetbv(Cpu& c, const Insn& i) {
  if (!(c.s.cr4 & cr4::OSXSAVE)) return c.ud();
  if (c.s.cpl > 0) return c.gp(0);
  if (c.vm_intercept(i, Intercept::Xsetbv)) return Exec::VmTransition;
  const uint64_t v = (c.s.regs[2] << 32) | (c.s.regs[0] & 0xFFFFFFFF);
  if (static_cast<uint32_t>(c.s.regs[1]) != 0 || !(v & 1) || (v & ~kXcr0Supported)) return c.gp(0);
  c.s.xcr0 = v;
  return Exec::Ok;
}

}  // namespace

bool bind_xsave(Insn& i) {
  switch (i.mnemonic) {
    case M(FXSAVE): case M(FXSAVE64): case M(FXRSTOR): case M(FXRSTOR64): i.fn = exec_fxsave_fxrstor; return true;
    case M(XSAVE): case M(XSAVE64): case M(XSAVEOPT): case M(XSAVEOPT64): case M(XSAVEC): case M(XSAVEC64):
      i.fn = exec_xsave;
      return true;
    case M(XRSTOR): case M(XRSTOR64): i.fn = exec_xrstor; return true;
    case M(XGETBV): i.fn = exec_xgetbv; return true;
    case M(XSETBV): i.fn = exec_xsetbv; return true;
    default: return false;
  }
}

}  // namespace vp
