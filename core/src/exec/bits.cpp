// Bit operations: BT BTS BTR BTC, BSF BSR, LZCNT TZCNT POPCNT, BSWAP (SDM Vol. 2).
#include <bit>

#include "exec.h"

namespace vp {
namespace {

enum class Bt { Test, Set, Reset, Complement };

// BT* with a register bit offset and a memory operand address the whole bit string:
// the offset is signed and selects an operand-sized word relative to the address.
template <Bt OP> struct BitTest {
  template <class T> struct H {
    static Exec run(Cpu& c, const Insn& i) {
      using S = typename UInt<sizeof(T)>::S;
      constexpr unsigned W = kBits<T>;
      const bool reg_off = i.op[1].kind == OpKind::Gpr;
      const T off = reg_off ? get_reg<T>(c, i.op[1].reg) : static_cast<T>(i.imm);
      T a;
      Dest<T> d;
      uint64_t ea = 0;
      if (i.op[0].kind == OpKind::Mem) {
        ea = ea_of(c, i);
        if (reg_off) {
          const int64_t word = static_cast<int64_t>(static_cast<S>(off)) >> (sizeof(T) == 8 ? 6 : sizeof(T) == 4 ? 5 : 4);
          ea = (ea + static_cast<uint64_t>(word) * sizeof(T)) & addr_mask(i.asz);
        }
      }
      const unsigned bit = static_cast<unsigned>(off & (W - 1));
      if (OP == Bt::Test) {
        if (i.op[0].kind == OpKind::Mem) {
          if (Exec r = read_mem(c, i.seg, ea, a); r != Exec::Ok) return r;
        } else {
          a = get_reg<T>(c, i.op[0].reg);
        }
      } else if (i.op[0].kind == OpKind::Mem) {
        d.mem = true;
        if (Exec r = linear(c, i.seg, ea, sizeof(T), Access::Write, d.la); r != Exec::Ok) return r;
        if (Exec r = read_lin(c, d.la, a, Access::Write); r != Exec::Ok) return r;
        if (Exec r = probe_write(c, d.la, sizeof(T)); r != Exec::Ok) return r;
      } else {
        d.reg = i.op[0].reg;
        a = get_reg<T>(c, d.reg);
      }
      const bool was = (a >> bit) & 1;
      // CF = the bit; OF, SF, AF, PF undefined: left unchanged (docs/undefined-flags.md).
      c.s.rflags = (c.s.rflags & ~rf::CF) | (was ? rf::CF : 0);
      if (OP == Bt::Test) return Exec::Ok;
      const T m = static_cast<T>(T{1} << bit);
      const T v = OP == Bt::Set ? static_cast<T>(a | m) : OP == Bt::Reset ? static_cast<T>(a & ~m) : static_cast<T>(a ^ m);
      return rmw_end(c, d, v);
    }
  };
};

enum class Scan { Bsf, Bsr, Tzcnt, Lzcnt, Popcnt };

template <Scan OP> struct BitScan {
  template <class T> struct H {
    static Exec run(Cpu& c, const Insn& i) {
      T s;
      if (Exec r = read_op(c, i, 1, s); r != Exec::Ok) return r;
      constexpr unsigned W = kBits<T>;
      uint64_t f = c.s.rflags & rf::kArith;
      switch (OP) {
        case Scan::Bsf:
        case Scan::Bsr:
          // Source 0: ZF = 1 and the destination is left unchanged (what Intel processors
          // do; the SDM says undefined). Other flags undefined: CF, OF, SF, AF, PF cleared.
          if (s == 0) {
            set_arith(c, rf::ZF | parity_flag(0));
            return Exec::Ok;
          }
          set_reg<T>(c, i.op[0].reg, static_cast<T>(OP == Scan::Bsf ? std::countr_zero(s) : W - 1 - std::countl_zero(s)));
          set_arith(c, 0);
          return Exec::Ok;
        case Scan::Tzcnt:
        case Scan::Lzcnt: {
          const unsigned n = OP == Scan::Tzcnt ? std::countr_zero(s) : std::countl_zero(s);
          set_reg<T>(c, i.op[0].reg, static_cast<T>(n));
          // CF = source was zero, ZF = result is zero; OF, SF, PF, AF undefined: kept.
          f &= ~(rf::CF | rf::ZF);
          set_arith(c, f | (s == 0 ? rf::CF : 0) | (n == 0 ? rf::ZF : 0));
          return Exec::Ok;
        }
        default:
          set_reg<T>(c, i.op[0].reg, static_cast<T>(std::popcount(s)));
          set_arith(c, s == 0 ? rf::ZF : 0);  // OF SF AF CF PF cleared (SDM POPCNT)
          return Exec::Ok;
      }
    }
  };
};

Exec exec_bswap(Cpu& c, const Insn& i) {
  const uint8_t r = i.op[0].reg;
  if (i.osz == 8) set_reg<uint64_t>(c, r, __builtin_bswap64(get_reg<uint64_t>(c, r)));
  else if (i.osz == 4) set_reg<uint32_t>(c, r, __builtin_bswap32(get_reg<uint32_t>(c, r)));
  else set_reg<uint16_t>(c, r, 0);  // 16-bit BSWAP is undefined; Intel processors write 0
  return Exec::Ok;
}

}  // namespace

bool bind_bits(Insn& i) {
  const unsigned s = i.op[0].size;
  switch (i.mnemonic) {
    case M(BT): i.fn = by_size<BitTest<Bt::Test>::H>(s); return true;
    case M(BTS): i.fn = by_size<BitTest<Bt::Set>::H>(s); return true;
    case M(BTR): i.fn = by_size<BitTest<Bt::Reset>::H>(s); return true;
    case M(BTC): i.fn = by_size<BitTest<Bt::Complement>::H>(s); return true;
    case M(BSF): i.fn = by_size<BitScan<Scan::Bsf>::H>(s); return true;
    case M(BSR): i.fn = by_size<BitScan<Scan::Bsr>::H>(s); return true;
    case M(TZCNT): i.fn = by_size<BitScan<Scan::Tzcnt>::H>(s); return true;
    case M(LZCNT): i.fn = by_size<BitScan<Scan::Lzcnt>::H>(s); return true;
    case M(POPCNT): i.fn = by_size<BitScan<Scan::Popcnt>::H>(s); return true;
    case M(BSWAP): i.fn = exec_bswap; return true;
    default: return false;
  }
}

}  // namespace vp
