// MUL, IMUL (one-, two- and three-operand forms), DIV, IDIV (SDM Vol. 2).
// Undefined flags: SF, ZF, PF from the low half of the product, AF cleared
// (docs/undefined-flags.md); DIV/IDIV leave all arithmetic flags unchanged.
#include "exec.h"

namespace vp {
namespace {

template <class T> struct Wide;
template <> struct Wide<uint8_t> { using U = uint16_t; using S = int16_t; };
template <> struct Wide<uint16_t> { using U = uint32_t; using S = int32_t; };
template <> struct Wide<uint32_t> { using U = uint64_t; using S = int64_t; };
template <> struct Wide<uint64_t> { using U = unsigned __int128; using S = __int128; };

// Accumulator halves: AL/AH for bytes, (E/R)AX and (E/R)DX otherwise.
template <class T> inline uint8_t hi_slot() { return sizeof(T) == 1 ? 1 : gpr_off(2); }

template <class T> struct Mul {
  static Exec run(Cpu& c, const Insn& i) {
    T b;
    if (Exec r = read_op(c, i, 0, b); r != Exec::Ok) return r;
    using W = typename Wide<T>::U;
    const W p = static_cast<W>(get_reg<T>(c, 0)) * b;
    const T lo = static_cast<T>(p), hi = static_cast<T>(p >> kBits<T>);
    set_reg<T>(c, 0, lo);
    set_reg<T>(c, hi_slot<T>(), hi);
    set_arith(c, (hi ? rf::CF | rf::OF : 0) | (szp(lo) & ~rf::ZF) | (lo == 0 ? rf::ZF : 0));
    return Exec::Ok;
  }
};

template <class T> inline T imul_flags(Cpu& c, typename Wide<T>::S p) {
  using S = typename UInt<sizeof(T)>::S;
  const T lo = static_cast<T>(p);
  const bool overflow = p != static_cast<S>(lo);
  set_arith(c, (overflow ? rf::CF | rf::OF : 0) | szp(lo));
  return lo;
}

template <class T> struct Imul1 {
  static Exec run(Cpu& c, const Insn& i) {
    using S = typename UInt<sizeof(T)>::S;
    using WS = typename Wide<T>::S;
    T b;
    if (Exec r = read_op(c, i, 0, b); r != Exec::Ok) return r;
    const WS p = static_cast<WS>(static_cast<S>(get_reg<T>(c, 0))) * static_cast<S>(b);
    const T lo = imul_flags<T>(c, p);
    set_reg<T>(c, 0, lo);
    set_reg<T>(c, hi_slot<T>(), static_cast<T>(static_cast<typename Wide<T>::U>(p) >> kBits<T>));
    return Exec::Ok;
  }
};

// IMUL r, r/m (two operands) and IMUL r, r/m, imm (three operands).
template <class T> struct ImulN {
  static Exec run(Cpu& c, const Insn& i) {
    using S = typename UInt<sizeof(T)>::S;
    using WS = typename Wide<T>::S;
    T a, b;
    if (i.nops == 3) {
      if (Exec r = read_op(c, i, 1, a); r != Exec::Ok) return r;
      b = static_cast<T>(i.imm);
    } else {
      a = get_reg<T>(c, i.op[0].reg);
      if (Exec r = read_op(c, i, 1, b); r != Exec::Ok) return r;
    }
    set_reg<T>(c, i.op[0].reg, imul_flags<T>(c, static_cast<WS>(static_cast<S>(a)) * static_cast<S>(b)));
    return Exec::Ok;
  }
};

template <class T> struct Div {
  static Exec run(Cpu& c, const Insn& i) {
    using W = typename Wide<T>::U;
    T b;
    if (Exec r = read_op(c, i, 0, b); r != Exec::Ok) return r;
    if (b == 0) return c.raise(kDE);
    const W n = (static_cast<W>(get_reg<T>(c, hi_slot<T>())) << kBits<T>) | get_reg<T>(c, 0);
    const W q = n / b;
    if (q >> kBits<T>) return c.raise(kDE);  // quotient too large (SDM DIV: #DE)
    set_reg<T>(c, 0, static_cast<T>(q));
    set_reg<T>(c, hi_slot<T>(), static_cast<T>(n % b));
    return Exec::Ok;
  }
};

template <class T> struct Idiv {
  static Exec run(Cpu& c, const Insn& i) {
    using S = typename UInt<sizeof(T)>::S;
    using WS = typename Wide<T>::S;
    using W = typename Wide<T>::U;
    T b;
    if (Exec r = read_op(c, i, 0, b); r != Exec::Ok) return r;
    if (b == 0) return c.raise(kDE);
    const W nu = (static_cast<W>(get_reg<T>(c, hi_slot<T>())) << kBits<T>) | get_reg<T>(c, 0);
    const WS n = static_cast<WS>(nu);
    const WS d = static_cast<S>(b);
    // The one quotient that overflows the double width (min / -1) is caught here too.
    if (d == -1 && n == (static_cast<WS>(1) << (2 * kBits<T> - 1))) return c.raise(kDE);
    const WS q = n / d, r = n % d;
    if (q != static_cast<S>(static_cast<T>(q))) return c.raise(kDE);
    set_reg<T>(c, 0, static_cast<T>(q));
    set_reg<T>(c, hi_slot<T>(), static_cast<T>(r));
    return Exec::Ok;
  }
};

}  // namespace

bool bind_muldiv(Insn& i) {
  switch (i.mnemonic) {
    case M(MUL): i.fn = by_size<Mul>(i.op[0].size); return true;
    case M(IMUL): i.fn = i.nops == 1 ? by_size<Imul1>(i.op[0].size) : by_size<ImulN>(i.op[0].size); return true;
    case M(DIV): i.fn = by_size<Div>(i.op[0].size); return true;
    case M(IDIV): i.fn = by_size<Idiv>(i.op[0].size); return true;
    default: return false;
  }
}

}  // namespace vp
