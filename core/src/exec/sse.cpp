// The SSE/SSE2 integer and move subset that compiled freestanding C uses (copies, zeroing,
// byte compares and masks, shuffles, shifts) and MXCSR access (SDM Vol. 1 chapters 10-11,
// Vol. 2 entries; FXSAVE/FXRSTOR are in xsave.cpp). Floating-point arithmetic is not implemented: those
// instructions raise #UD and the log names them. MMX-register forms are not implemented.
#include <cstring>

#include "exec.h"

namespace vp {
namespace {

struct V {
  uint8_t b[16];
};
inline V get_x(const Cpu& c, unsigned n) {
  V v;
  std::memcpy(v.b, &c.s.xmm[n], 16);
  return v;
}
inline void set_x(Cpu& c, unsigned n, const V& v) { std::memcpy(&c.s.xmm[n], v.b, 16); }
template <class L> inline L lane(const V& v, unsigned k) {
  L x;
  std::memcpy(&x, v.b + k * sizeof(L), sizeof(L));
  return x;
}
template <class L> inline void set_lane(V& v, unsigned k, L x) { std::memcpy(v.b + k * sizeof(L), &x, sizeof(L)); }

// SSE availability (SDM Vol. 3 13.1, Vol. 2 "SIMD floating-point exceptions" tables):
// CR0.EM or CR4.OSFXSR clear -> #UD; CR0.TS -> #NM.
inline Exec sse_gate(Cpu& c) {
  if ((c.s.cr0 & cr0::EM) || !(c.s.cr4 & cr4::OSFXSR)) return c.ud();
  if (c.s.cr0 & cr0::TS) return c.raise(kNM);
  return Exec::Ok;
}

// 128-bit memory operands: legacy SSE requires 16-byte alignment (#GP(0)) except for the
// explicitly unaligned moves.
Exec read128(Cpu& c, const Insn& i, V& v, bool aligned) {
  uint64_t la;
  if (Exec r = linear(c, i.seg, ea_of(c, i), 16, Access::Read, la); r != Exec::Ok) return r;
  if (aligned && (la & 15)) return c.gp(0);
  uint64_t lo, hi;
  if (Exec r = read_lin(c, la, lo); r != Exec::Ok) return r;
  if (Exec r = read_lin(c, la + 8, hi); r != Exec::Ok) return r;
  std::memcpy(v.b, &lo, 8);
  std::memcpy(v.b + 8, &hi, 8);
  return Exec::Ok;
}
Exec write128(Cpu& c, const Insn& i, const V& v, bool aligned) {
  uint64_t la;
  if (Exec r = linear(c, i.seg, ea_of(c, i), 16, Access::Write, la); r != Exec::Ok) return r;
  if (aligned && (la & 15)) return c.gp(0);
  if (Exec r = probe_write(c, la, 16); r != Exec::Ok) return r;
  uint64_t lo, hi;
  std::memcpy(&lo, v.b, 8);
  std::memcpy(&hi, v.b + 8, 8);
  if (Exec r = write_lin<uint64_t>(c, la, lo); r == Exec::Fault) return r;
  return write_lin<uint64_t>(c, la + 8, hi);
}
// Source operand k: an XMM register or m128.
inline Exec src128(Cpu& c, const Insn& i, unsigned k, V& v, bool aligned = true) {
  if (i.op[k].kind == OpKind::Xmm) {
    v = get_x(c, i.op[k].reg);
    return Exec::Ok;
  }
  return read128(c, i, v, aligned);
}

template <bool ALIGNED> Exec exec_mov128(Cpu& c, const Insn& i) {
  if (Exec r = sse_gate(c); r != Exec::Ok) return r;
  V v;
  if (Exec r = src128(c, i, 1, v, ALIGNED); r != Exec::Ok) return r;
  if (i.op[0].kind == OpKind::Xmm) {
    set_x(c, i.op[0].reg, v);
    return Exec::Ok;
  }
  return write128(c, i, v, ALIGNED);
}

// MOVD/MOVQ between XMM and r/m32/64, and MOVQ xmm, xmm/m64 (upper half cleared).
Exec exec_movd_q(Cpu& c, const Insn& i) {
  if (Exec r = sse_gate(c); r != Exec::Ok) return r;
  const Operand &d = i.op[0], &s = i.op[1];
  if (d.kind == OpKind::Xmm) {
    uint64_t v = 0;
    const unsigned n = s.kind == OpKind::Xmm ? 8 : s.size;
    if (s.kind == OpKind::Xmm) v = c.s.xmm[s.reg].lo;
    else if (s.kind == OpKind::Gpr) v = get_reg_sized(c, s.reg, n);
    else if (Exec r = read_mem_sized(c, i.seg, ea_of(c, i), n, v); r != Exec::Ok) return r;
    c.s.xmm[d.reg] = Xmm{v, 0};
    return Exec::Ok;
  }
  const uint64_t v = c.s.xmm[s.reg].lo;
  if (d.kind == OpKind::Gpr) {
    set_reg_sized(c, d.reg, d.size, v);  // a 32-bit destination zero-extends
    return Exec::Ok;
  }
  return write_mem_sized(c, i.seg, ea_of(c, i), d.size, v);
}

// MOVLPS/MOVHPS/MOVLPD/MOVHPD (m64 <-> one half), MOVHLPS/MOVLHPS (register halves).
template <bool HIGH> Exec exec_movhalf(Cpu& c, const Insn& i) {
  if (Exec r = sse_gate(c); r != Exec::Ok) return r;
  const Operand &d = i.op[0], &s = i.op[1];
  if (d.kind == OpKind::Xmm) {
    uint64_t v;
    if (s.kind == OpKind::Xmm) v = HIGH ? c.s.xmm[s.reg].lo : c.s.xmm[s.reg].hi;  // MOVLHPS / MOVHLPS
    else if (Exec r = read_mem(c, i.seg, ea_of(c, i), v); r != Exec::Ok) return r;
    (HIGH ? c.s.xmm[d.reg].hi : c.s.xmm[d.reg].lo) = v;
    return Exec::Ok;
  }
  return write_mem<uint64_t>(c, i.seg, ea_of(c, i), HIGH ? c.s.xmm[s.reg].hi : c.s.xmm[s.reg].lo);
}

// dst = f(dst, src) over lanes of type L.
template <class L, class F> Exec lanewise(Cpu& c, const Insn& i, F f) {
  if (Exec r = sse_gate(c); r != Exec::Ok) return r;
  V b;
  if (Exec r = src128(c, i, 1, b); r != Exec::Ok) return r;
  V a = get_x(c, i.op[0].reg);
  for (unsigned k = 0; k < 16 / sizeof(L); ++k) set_lane<L>(a, k, static_cast<L>(f(lane<L>(a, k), lane<L>(b, k))));
  set_x(c, i.op[0].reg, a);
  return Exec::Ok;
}

#define LANE_OP(name, L, expr) \
  Exec name(Cpu& c, const Insn& i) { return lanewise<L>(c, i, [](L a, L b) { return expr; }); }
LANE_OP(exec_pxor, uint64_t, a ^ b)
LANE_OP(exec_pand, uint64_t, a & b)
LANE_OP(exec_pandn, uint64_t, ~a & b)
LANE_OP(exec_por, uint64_t, a | b)
LANE_OP(exec_pcmpeqb, uint8_t, a == b ? 0xFF : 0)
LANE_OP(exec_pcmpeqw, uint16_t, a == b ? 0xFFFF : 0)
LANE_OP(exec_pcmpeqd, uint32_t, a == b ? 0xFFFFFFFFu : 0)
LANE_OP(exec_pcmpgtb, int8_t, a > b ? -1 : 0)
LANE_OP(exec_pcmpgtw, int16_t, a > b ? -1 : 0)
LANE_OP(exec_pcmpgtd, int32_t, a > b ? -1 : 0)
LANE_OP(exec_paddb, uint8_t, a + b)
LANE_OP(exec_paddw, uint16_t, a + b)
LANE_OP(exec_paddd, uint32_t, a + b)
LANE_OP(exec_paddq, uint64_t, a + b)
LANE_OP(exec_psubb, uint8_t, a - b)
LANE_OP(exec_psubw, uint16_t, a - b)
LANE_OP(exec_psubd, uint32_t, a - b)
LANE_OP(exec_psubq, uint64_t, a - b)
LANE_OP(exec_pminub, uint8_t, a < b ? a : b)
LANE_OP(exec_pmaxub, uint8_t, a > b ? a : b)
#undef LANE_OP

Exec exec_pmovmskb(Cpu& c, const Insn& i) {
  if (Exec r = sse_gate(c); r != Exec::Ok) return r;
  const V v = get_x(c, i.op[1].reg);
  uint32_t m = 0;
  for (unsigned k = 0; k < 16; ++k) m |= static_cast<uint32_t>(v.b[k] >> 7) << k;
  set_reg_sized(c, i.op[0].reg, i.op[0].size, m);
  return Exec::Ok;
}

Exec exec_movmskps(Cpu& c, const Insn& i) {
  if (Exec r = sse_gate(c); r != Exec::Ok) return r;
  const V v = get_x(c, i.op[1].reg);
  uint32_t m = 0;
  for (unsigned k = 0; k < 4; ++k) m |= (lane<uint32_t>(v, k) >> 31) << k;
  set_reg_sized(c, i.op[0].reg, i.op[0].size, m);
  return Exec::Ok;
}

Exec exec_pshufd(Cpu& c, const Insn& i) {
  if (Exec r = sse_gate(c); r != Exec::Ok) return r;
  V s, d;
  if (Exec r = src128(c, i, 1, s); r != Exec::Ok) return r;
  for (unsigned k = 0; k < 4; ++k) set_lane<uint32_t>(d, k, lane<uint32_t>(s, (i.imm >> (2 * k)) & 3));
  set_x(c, i.op[0].reg, d);
  return Exec::Ok;
}

// PUNPCKL*/PUNPCKH*: interleave lanes of the low or high halves of dst and src.
template <class L, bool HIGH> Exec exec_punpck(Cpu& c, const Insn& i) {
  if (Exec r = sse_gate(c); r != Exec::Ok) return r;
  V b;
  if (Exec r = src128(c, i, 1, b); r != Exec::Ok) return r;
  const V a = get_x(c, i.op[0].reg);
  constexpr unsigned n = 16 / sizeof(L) / 2;
  V d;
  for (unsigned k = 0; k < n; ++k) {
    set_lane<L>(d, 2 * k, lane<L>(a, k + (HIGH ? n : 0)));
    set_lane<L>(d, 2 * k + 1, lane<L>(b, k + (HIGH ? n : 0)));
  }
  set_x(c, i.op[0].reg, d);
  return Exec::Ok;
}

// PSLLDQ/PSRLDQ: byte shifts of the whole register; counts above 15 clear it.
template <bool LEFT> Exec exec_pshift_dq(Cpu& c, const Insn& i) {
  if (Exec r = sse_gate(c); r != Exec::Ok) return r;
  const unsigned n = static_cast<unsigned>(i.imm & 0xFF);
  const V a = get_x(c, i.op[0].reg);
  V d{};
  for (unsigned k = 0; k < 16; ++k) {
    const int from = LEFT ? static_cast<int>(k) - static_cast<int>(n) : static_cast<int>(k + n);
    d.b[k] = (n < 16 && from >= 0 && from < 16) ? a.b[from] : 0;
  }
  set_x(c, i.op[0].reg, d);
  return Exec::Ok;
}

// PSLL/PSRL/PSRA W/D/Q by imm8 or by the low 64 bits of xmm/m128 (SDM: a count above the
// lane width clears the lane, or fills it with the sign for PSRA).
enum class Sh { Left, Right, Arith };
template <class L, Sh K> Exec exec_pshift(Cpu& c, const Insn& i) {
  if (Exec r = sse_gate(c); r != Exec::Ok) return r;
  uint64_t n;
  if (i.op[1].kind == OpKind::Imm) {
    n = i.imm & 0xFF;
  } else {
    V s;
    if (Exec r = src128(c, i, 1, s); r != Exec::Ok) return r;
    n = lane<uint64_t>(s, 0);
  }
  constexpr unsigned W = sizeof(L) * 8;
  V a = get_x(c, i.op[0].reg);
  for (unsigned k = 0; k < 16 / sizeof(L); ++k) {
    const L x = lane<L>(a, k);
    L r;
    if (K == Sh::Arith) {
      using S = std::make_signed_t<L>;
      r = static_cast<L>(static_cast<S>(x) >> (n >= W ? W - 1 : n));
    } else if (n >= W) {
      r = 0;
    } else {
      r = K == Sh::Left ? static_cast<L>(x << n) : static_cast<L>(x >> n);
    }
    set_lane<L>(a, k, r);
  }
  set_x(c, i.op[0].reg, a);
  return Exec::Ok;
}

// MXCSR: bits 15:0 are defined (MXCSR_MASK = FFFFH); setting a reserved bit is #GP(0).
constexpr uint32_t kMxcsrMask = 0xFFFF;

Exec exec_ldmxcsr(Cpu& c, const Insn& i) {
  if (Exec r = sse_gate(c); r != Exec::Ok) return r;
  uint32_t v;
  if (Exec r = read_mem(c, i.seg, ea_of(c, i), v); r != Exec::Ok) return r;
  if (v & ~kMxcsrMask) return c.gp(0);
  c.s.mxcsr = v;
  return Exec::Ok;
}

Exec exec_stmxcsr(Cpu& c, const Insn& i) {
  if (Exec r = sse_gate(c); r != Exec::Ok) return r;
  return write_mem<uint32_t>(c, i.seg, ea_of(c, i), c.s.mxcsr);
}

bool all_xmm(const Insn& i) {
  for (unsigned k = 0; k < i.nops; ++k)
    if (i.op[k].kind == OpKind::Mmx) return false;
  return true;
}

}  // namespace

bool bind_sse(Insn& i) {
  if (!all_xmm(i)) return false;  // MMX-register forms: not implemented
  switch (i.mnemonic) {
    case M(MOVAPS): case M(MOVAPD): case M(MOVDQA): case M(MOVNTDQ): case M(MOVNTPS): case M(MOVNTPD):
      i.fn = exec_mov128<true>;
      return true;
    case M(MOVUPS): case M(MOVUPD): case M(MOVDQU): i.fn = exec_mov128<false>; return true;
    case M(MOVD): case M(MOVQ): i.fn = exec_movd_q; return true;
    case M(MOVLPS): case M(MOVLPD): case M(MOVHLPS): i.fn = exec_movhalf<false>; return true;
    case M(MOVHPS): case M(MOVHPD): case M(MOVLHPS): i.fn = exec_movhalf<true>; return true;
    case M(PXOR): case M(XORPS): case M(XORPD): i.fn = exec_pxor; return true;
    case M(PAND): case M(ANDPS): case M(ANDPD): i.fn = exec_pand; return true;
    case M(PANDN): case M(ANDNPS): case M(ANDNPD): i.fn = exec_pandn; return true;
    case M(POR): case M(ORPS): case M(ORPD): i.fn = exec_por; return true;
    case M(PCMPEQB): i.fn = exec_pcmpeqb; return true;
    case M(PCMPEQW): i.fn = exec_pcmpeqw; return true;
    case M(PCMPEQD): i.fn = exec_pcmpeqd; return true;
    case M(PCMPGTB): i.fn = exec_pcmpgtb; return true;
    case M(PCMPGTW): i.fn = exec_pcmpgtw; return true;
    case M(PCMPGTD): i.fn = exec_pcmpgtd; return true;
    case M(PADDB): i.fn = exec_paddb; return true;
    case M(PADDW): i.fn = exec_paddw; return true;
    case M(PADDD): i.fn = exec_paddd; return true;
    case M(PADDQ): i.fn = exec_paddq; return true;
    case M(PSUBB): i.fn = exec_psubb; return true;
    case M(PSUBW): i.fn = exec_psubw; return true;
    case M(PSUBD): i.fn = exec_psubd; return true;
    case M(PSUBQ): i.fn = exec_psubq; return true;
    case M(PMINUB): i.fn = exec_pminub; return true;
    case M(PMAXUB): i.fn = exec_pmaxub; return true;
    case M(PMOVMSKB): i.fn = exec_pmovmskb; return true;
    case M(MOVMSKPS): i.fn = exec_movmskps; return true;
    case M(PSHUFD): i.fn = exec_pshufd; return true;
    case M(PUNPCKLBW): i.fn = exec_punpck<uint8_t, false>; return true;
    case M(PUNPCKLWD): i.fn = exec_punpck<uint16_t, false>; return true;
    case M(PUNPCKLDQ): i.fn = exec_punpck<uint32_t, false>; return true;
    case M(PUNPCKLQDQ): i.fn = exec_punpck<uint64_t, false>; return true;
    case M(PUNPCKHBW): i.fn = exec_punpck<uint8_t, true>; return true;
    case M(PUNPCKHWD): i.fn = exec_punpck<uint16_t, true>; return true;
    case M(PUNPCKHDQ): i.fn = exec_punpck<uint32_t, true>; return true;
    case M(PUNPCKHQDQ): i.fn = exec_punpck<uint64_t, true>; return true;
    case M(PSLLDQ): i.fn = exec_pshift_dq<true>; return true;
    case M(PSRLDQ): i.fn = exec_pshift_dq<false>; return true;
    case M(PSLLW): i.fn = exec_pshift<uint16_t, Sh::Left>; return true;
    case M(PSLLD): i.fn = exec_pshift<uint32_t, Sh::Left>; return true;
    case M(PSLLQ): i.fn = exec_pshift<uint64_t, Sh::Left>; return true;
    case M(PSRLW): i.fn = exec_pshift<uint16_t, Sh::Right>; return true;
    case M(PSRLD): i.fn = exec_pshift<uint32_t, Sh::Right>; return true;
    case M(PSRLQ): i.fn = exec_pshift<uint64_t, Sh::Right>; return true;
    case M(PSRAW): i.fn = exec_pshift<uint16_t, Sh::Arith>; return true;
    case M(PSRAD): i.fn = exec_pshift<uint32_t, Sh::Arith>; return true;
    case M(LDMXCSR): i.fn = exec_ldmxcsr; return true;
    case M(STMXCSR): i.fn = exec_stmxcsr; return true;
    default: return false;
  }
}

}  // namespace vp
