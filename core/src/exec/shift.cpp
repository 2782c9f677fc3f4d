// Shifts and rotates: SHL/SAL SHR SAR ROL ROR RCL RCR SHLD SHRD (SDM Vol. 2).
// The count is masked to 5 bits (6 with a 64-bit operand); a masked count of 0 changes no
// flags. OF is defined for 1-bit counts only; for larger counts we compute it with the
// same formula, AF is cleared (docs/undefined-flags.md).
#include "exec.h"

namespace vp {
namespace {

enum class Sh { Shl, Shr, Sar, Rol, Ror, Rcl, Rcr };

template <class T> inline unsigned count_of(Cpu& c, const Insn& i) {
  unsigned n;
  if (i.nops < 2) n = 1;
  else if (i.op[1].kind == OpKind::Gpr) n = static_cast<unsigned>(c.s.regs[1] & 0xFF);  // CL
  else n = static_cast<unsigned>(i.imm);
  return n & (sizeof(T) == 8 ? 63 : 31);
}

template <Sh OP> struct Shift {
  template <class T> struct H {
    static Exec run(Cpu& c, const Insn& i) {
      const unsigned n = count_of<T>(c, i);
      Dest<T> d;
      T a;
      if (Exec r = rmw_begin(c, i, 0, d, a); r != Exec::Ok) return r;
      if (n == 0) return rmw_unchanged(c, d, a);  // no flags change; memory was still checked
      constexpr unsigned W = kBits<T>;
      uint64_t f = c.s.rflags & rf::kArith;
      const bool cf_in = f & rf::CF;
      T v;
      bool cf;
      bool of;
      switch (OP) {
        case Sh::Shl: {
          v = n >= W ? 0 : static_cast<T>(a << n);
          cf = n <= W ? (a >> (W - n)) & 1 : 0;
          of = msb(v) ^ cf;
          f = szp(v);
          break;
        }
        case Sh::Shr: {
          v = n >= W ? 0 : static_cast<T>(a >> n);
          cf = n <= W ? (a >> (n - 1)) & 1 : 0;
          of = msb(a);
          f = szp(v);
          break;
        }
        case Sh::Sar: {
          using S = typename UInt<sizeof(T)>::S;
          const unsigned k = n >= W ? W - 1 : n;
          v = static_cast<T>(static_cast<S>(a) >> k);
          cf = (static_cast<S>(a) >> (n >= W ? W - 1 : n - 1)) & 1;
          of = false;
          f = szp(v);
          break;
        }
        case Sh::Rol: {
          const unsigned k = n % W;
          v = k ? static_cast<T>((a << k) | (a >> (W - k))) : a;
          cf = v & 1;
          of = msb(v) ^ cf;
          f &= ~(rf::CF | rf::OF);
          break;
        }
        case Sh::Ror: {
          const unsigned k = n % W;
          v = k ? static_cast<T>((a >> k) | (a << (W - k))) : a;
          cf = msb(v);
          of = msb(v) ^ ((v >> (W - 2)) & 1);
          f &= ~(rf::CF | rf::OF);
          break;
        }
        case Sh::Rcl: {
          // Rotate through CF: a (W+1)-bit rotation (count mod 9 / 17 for byte and word).
          const unsigned k = sizeof(T) < 4 ? n % (W + 1) : n;
          v = a;
          cf = cf_in;
          for (unsigned s = 0; s < k; ++s) {
            const bool out = msb(v);
            v = static_cast<T>((v << 1) | (cf ? 1 : 0));
            cf = out;
          }
          of = msb(v) ^ cf;
          f &= ~(rf::CF | rf::OF);
          break;
        }
        default: {  // RCR
          const unsigned k = sizeof(T) < 4 ? n % (W + 1) : n;
          v = a;
          cf = cf_in;
          of = msb(a) ^ cf_in;
          for (unsigned s = 0; s < k; ++s) {
            const bool out = v & 1;
            v = static_cast<T>((v >> 1) | (static_cast<T>(cf ? 1 : 0) << (W - 1)));
            cf = out;
          }
          if (k != 1) of = msb(v) ^ ((v >> (W - 2)) & 1);
          f &= ~(rf::CF | rf::OF);
          break;
        }
      }
      set_arith(c, f | (cf ? rf::CF : 0) | (of ? rf::OF : 0));
      return rmw_end(c, d, v);
    }
  };
};

// SHLD/SHRD r/m, r, imm8/CL. With a count above the operand size (16-bit only) the
// result and flags are undefined: we shift through the 32-bit concatenation as Intel
// processors do (docs/undefined-flags.md).
template <bool LEFT> struct DoubleShift {
  template <class T> struct H {
    static Exec run(Cpu& c, const Insn& i) {
      unsigned n = i.op[2].kind == OpKind::Gpr ? static_cast<unsigned>(c.s.regs[1] & 0xFF) : static_cast<unsigned>(i.imm);
      n &= sizeof(T) == 8 ? 63 : 31;
      Dest<T> d;
      T a;
      if (Exec r = rmw_begin(c, i, 0, d, a); r != Exec::Ok) return r;
      if (n == 0) return rmw_unchanged(c, d, a);
      const T b = get_reg<T>(c, i.op[1].reg);
      constexpr unsigned W = kBits<T>;
      T v;
      bool cf;
      if constexpr (sizeof(T) == 2) {
        // 16-bit: shift through the 48-bit pattern a:b:a, so counts 17..31 keep rotating in.
        const uint64_t pat = (uint64_t{a} << 32) | (uint64_t{b} << 16) | a;
        if (LEFT) {
          v = static_cast<T>(pat >> (32 - n));
          cf = (pat >> (48 - n)) & 1;
        } else {
          v = static_cast<T>(pat >> n);
          cf = (pat >> (n - 1)) & 1;
        }
      } else {
        if (LEFT) {
          v = static_cast<T>((a << n) | (b >> (W - n)));
          cf = (a >> (W - n)) & 1;
        } else {
          v = static_cast<T>((a >> n) | (b << (W - n)));
          cf = (a >> (n - 1)) & 1;
        }
      }
      const bool of = msb(static_cast<T>(v ^ a));
      set_arith(c, szp(v) | (cf ? rf::CF : 0) | (of ? rf::OF : 0));
      return rmw_end(c, d, v);
    }
  };
};

}  // namespace

bool bind_shift(Insn& i) {
  const unsigned s = i.op[0].size;
  switch (i.mnemonic) {
    case M(SHL): i.fn = by_size<Shift<Sh::Shl>::H>(s); return true;
    case M(SHR): i.fn = by_size<Shift<Sh::Shr>::H>(s); return true;
    case M(SAR): i.fn = by_size<Shift<Sh::Sar>::H>(s); return true;
    case M(ROL): i.fn = by_size<Shift<Sh::Rol>::H>(s); return true;
    case M(ROR): i.fn = by_size<Shift<Sh::Ror>::H>(s); return true;
    case M(RCL): i.fn = by_size<Shift<Sh::Rcl>::H>(s); return true;
    case M(RCR): i.fn = by_size<Shift<Sh::Rcr>::H>(s); return true;
    case M(SHLD): i.fn = by_size<DoubleShift<true>::H>(s); return true;
    case M(SHRD): i.fn = by_size<DoubleShift<false>::H>(s); return true;
    default: return false;
  }
}

}  // namespace vp
