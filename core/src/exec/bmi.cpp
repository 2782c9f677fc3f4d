// BMI1 and BMI2: the VEX-encoded general-purpose instructions ANDN BEXTR BLSI BLSMSK BLSR
// (BMI1) and BZHI MULX PDEP PEXT RORX SARX SHLX SHRX (BMI2), 32- or 64-bit (VEX.W, ignored
// outside 64-bit mode). TZCNT, the other BMI1 instruction, is in bits.cpp. SDM Vol. 2 entries;
// the flags they leave undefined are in docs/undefined-flags.md.
#include "exec.h"

namespace vp {
namespace {

// VEX-encoded instructions are #UD in real-address and virtual-8086 mode (SDM Vol. 2 2.3).
inline bool vex_allowed(const Cpu& c) { return (c.s.cr0 & cr0::PE) && !(c.s.rflags & rf::VM); }

inline void set_dst(Cpu& c, const Insn& i, unsigned k, uint64_t v) { set_reg_sized(c, i.op[k].reg, i.osz, v); }

// Flags: `zs` sets ZF and SF from the result; CF as given; OF cleared. AF and PF, undefined,
// are cleared (docs/undefined-flags.md).
template <class T> inline void set_flags(Cpu& c, T r, bool cf, bool zs = true) {
  uint64_t f = cf ? rf::CF : 0;
  if (zs) f |= (r == 0 ? rf::ZF : 0) | (msb(r) ? rf::SF : 0);
  set_arith(c, f);
}

enum class Op { Andn, Bextr, Blsi, Blsmsk, Blsr, Bzhi, Pdep, Pext, Sarx, Shlx, Shrx, Rorx, Mulx };

template <Op OP> struct Bmi {
  template <class T> struct H {
    static Exec run(Cpu& c, const Insn& i) {
      if (!vex_allowed(c)) return c.ud();
      constexpr unsigned W = kBits<T>;
      T a, b = 0;
      // Operand order as the SDM writes them: ANDN, PDEP, PEXT, MULX r, vvvv, r/m; BEXTR,
      // BZHI, SARX/SHLX/SHRX r, r/m, vvvv; BLS* vvvv, r/m; RORX r, r/m, imm8.
      switch (OP) {
        case Op::Blsi: case Op::Blsmsk: case Op::Blsr:
          if (Exec r = read_op(c, i, 1, a); r != Exec::Ok) return r;
          break;
        case Op::Rorx:
          if (Exec r = read_op(c, i, 1, a); r != Exec::Ok) return r;
          b = static_cast<T>(i.imm);
          break;
        default:
          if (Exec r = read_op(c, i, 1, a); r != Exec::Ok) return r;
          if (Exec r = read_op(c, i, 2, b); r != Exec::Ok) return r;
          break;
      }
      T r = 0;
      switch (OP) {
        case Op::Andn:
          r = static_cast<T>(~a & b);
          set_flags(c, r, false);
          break;
        case Op::Bextr: {
          // a = source, b = control: start b[7:0], length b[15:8] (SDM BEXTR).
          const unsigned start = b & 0xFF, len = (b >> 8) & 0xFF;
          const T shifted = start < W ? static_cast<T>(a >> start) : 0;
          r = len < W ? static_cast<T>(shifted & ((T{1} << len) - 1)) : shifted;
          set_arith(c, r == 0 ? rf::ZF : 0);  // CF OF cleared; AF SF PF undefined: cleared
          break;
        }
        case Op::Blsi:
          r = static_cast<T>(a & (T{0} - a));
          set_flags(c, r, a != 0);
          break;
        case Op::Blsmsk:
          r = static_cast<T>(a ^ (a - 1));
          set_arith(c, (msb(r) ? rf::SF : 0) | (a == 0 ? rf::CF : 0));  // ZF OF cleared
          break;
        case Op::Blsr:
          r = static_cast<T>(a & (a - 1));
          set_flags(c, r, a == 0);
          break;
        case Op::Bzhi: {
          // a = source, b[7:0] = the index of the first bit cleared; CF when it is past the top.
          const unsigned n = b & 0xFF;
          r = n < W ? static_cast<T>(a & ((T{1} << n) - 1)) : a;
          set_flags(c, r, n > W - 1);
          break;
        }
        case Op::Pdep:  // a = source, b = mask: the low bits of a go to the set bits of b
          for (T m = b, k = 1; m; m &= m - 1, k = static_cast<T>(k << 1))
            if (a & k) r |= static_cast<T>(m & (T{0} - m));
          break;
        case Op::Pext:  // the bits of a under the mask b, packed at the bottom
          for (T m = b, k = 1; m; m &= m - 1, k = static_cast<T>(k << 1))
            if (a & m & (T{0} - m)) r |= k;
          break;
        case Op::Sarx:
          r = static_cast<T>(static_cast<typename UInt<sizeof(T)>::S>(a) >> (b & (W - 1)));
          break;
        case Op::Shlx: r = static_cast<T>(a << (b & (W - 1))); break;
        case Op::Shrx: r = static_cast<T>(a >> (b & (W - 1))); break;
        case Op::Rorx: {
          const unsigned n = b & (W - 1);
          r = n ? static_cast<T>((a >> n) | (a << (W - n))) : a;
          break;
        }
        case Op::Mulx: {
          // op0 = high half, op1 = low half, of EDX/RDX * source; no flags. The high half is
          // written last, so it wins when both destinations are one register (SDM MULX).
          const T d = get_reg<T>(c, gpr_off(2));
          T hi, lo;
          if constexpr (sizeof(T) == 8) {
            const unsigned __int128 p = static_cast<unsigned __int128>(d) * b;
            hi = static_cast<T>(p >> 64);
            lo = static_cast<T>(p);
          } else {
            const uint64_t p = static_cast<uint64_t>(d) * b;
            hi = static_cast<T>(p >> 32);
            lo = static_cast<T>(p);
          }
          set_dst(c, i, 1, lo);
          set_dst(c, i, 0, hi);
          return Exec::Ok;
        }
      }
      set_dst(c, i, 0, r);
      return Exec::Ok;
    }
  };
};

template <Op OP> Handler pick(const Insn& i) { return i.osz == 8 ? &Bmi<OP>::template H<uint64_t>::run : &Bmi<OP>::template H<uint32_t>::run; }

}  // namespace

bool bind_bmi(Insn& i) {
  switch (i.mnemonic) {
    case M(ANDN): i.fn = pick<Op::Andn>(i); return true;
    case M(BEXTR): i.fn = pick<Op::Bextr>(i); return true;
    case M(BLSI): i.fn = pick<Op::Blsi>(i); return true;
    case M(BLSMSK): i.fn = pick<Op::Blsmsk>(i); return true;
    case M(BLSR): i.fn = pick<Op::Blsr>(i); return true;
    case M(BZHI): i.fn = pick<Op::Bzhi>(i); return true;
    case M(PDEP): i.fn = pick<Op::Pdep>(i); return true;
    case M(PEXT): i.fn = pick<Op::Pext>(i); return true;
    case M(SARX): i.fn = pick<Op::Sarx>(i); return true;
    case M(SHLX): i.fn = pick<Op::Shlx>(i); return true;
    case M(SHRX): i.fn = pick<Op::Shrx>(i); return true;
    case M(RORX): i.fn = pick<Op::Rorx>(i); return true;
    case M(MULX): i.fn = pick<Op::Mulx>(i); return true;
    default: return false;
  }
}

}  // namespace vp
