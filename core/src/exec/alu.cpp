// Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP TEST INC DEC NEG NOT,
// sign extensions CBW..CQO, and the BCD adjustments (SDM Vol. 2, one entry each).
#include "exec.h"

namespace vp {
namespace {

enum class Op { Add, Or, Adc, Sbb, And, Sub, Xor, Cmp, Test };

template <Op OP, class T> inline T alu(Cpu& c, T a, T b) {
  T r;
  uint64_t f;
  const bool cf = c.s.rflags & rf::CF;
  switch (OP) {
    case Op::Add: r = static_cast<T>(a + b); f = flags_add<T>(a, b, r, r < a); break;
    case Op::Adc: r = static_cast<T>(a + b + cf); f = flags_add<T>(a, b, r, cf ? r <= a : r < a); break;
    case Op::Sub:
    case Op::Cmp: r = static_cast<T>(a - b); f = flags_sub<T>(a, b, r, a < b); break;
    case Op::Sbb: r = static_cast<T>(a - b - cf); f = flags_sub<T>(a, b, r, cf ? a <= b : a < b); break;
    case Op::And:
    case Op::Test: r = a & b; f = flags_logic(r); break;
    case Op::Or: r = a | b; f = flags_logic(r); break;
    default: r = a ^ b; f = flags_logic(r); break;
  }
  set_arith(c, f);
  return r;
}

// Operand forms bound to their own handlers, so the common register forms test no operand
// kinds at run time.
enum class Form { Any, RegReg, RegImm };

template <Op OP, Form F = Form::Any> struct Binary {
  template <class T> struct H {
    static Exec run(Cpu& c, const Insn& i) {
      if constexpr (F != Form::Any) {
        const T b = F == Form::RegReg ? get_reg<T>(c, i.op[1].reg) : static_cast<T>(i.imm);
        const T v = alu<OP, T>(c, get_reg<T>(c, i.op[0].reg), b);
        if (OP != Op::Cmp && OP != Op::Test) set_reg<T>(c, i.op[0].reg, v);
        return Exec::Ok;
      }
      T b;
      if (Exec r = read_op(c, i, 1, b); r != Exec::Ok) return r;
      if (i.op[0].kind == OpKind::Gpr) {
        const T v = alu<OP, T>(c, get_reg<T>(c, i.op[0].reg), b);
        if (OP != Op::Cmp && OP != Op::Test) set_reg<T>(c, i.op[0].reg, v);
        return Exec::Ok;
      }
      if (OP == Op::Cmp || OP == Op::Test) {
        T a;
        if (Exec r = read_mem(c, i.seg, ea_of(c, i), a); r != Exec::Ok) return r;
        alu<OP, T>(c, a, b);
        return Exec::Ok;
      }
      Dest<T> d;
      T a;
      if (Exec r = rmw_begin(c, i, 0, d, a); r != Exec::Ok) return r;
      return rmw_end(c, d, alu<OP, T>(c, a, b));
    }
  };
};

enum class Un { Inc, Dec, Neg, Not };

template <Un OP> struct Unary {
  template <class T> struct H {
    static Exec run(Cpu& c, const Insn& i) {
      Dest<T> d;
      T a;
      if (Exec r = rmw_begin(c, i, 0, d, a); r != Exec::Ok) return r;
      T v;
      const uint64_t cf = c.s.rflags & rf::CF;
      switch (OP) {
        case Un::Inc: v = static_cast<T>(a + 1); set_arith(c, (flags_add<T>(a, 1, v, false) & ~rf::CF) | cf); break;
        case Un::Dec: v = static_cast<T>(a - 1); set_arith(c, (flags_sub<T>(a, 1, v, false) & ~rf::CF) | cf); break;
        case Un::Neg: v = static_cast<T>(0 - a); set_arith(c, flags_sub<T>(0, a, v, a != 0)); break;
        default: v = static_cast<T>(~a); break;
      }
      return rmw_end(c, d, v);
    }
  };
};

// CBW/CWDE/CDQE: sign-extend the lower half of the accumulator into all of it.
Exec exec_cbw(Cpu& c, const Insn& i) {
  uint64_t& a = c.s.regs[0];
  switch (i.osz) {
    case 2: set_reg<uint16_t>(c, 0, static_cast<uint16_t>(static_cast<int8_t>(a))); break;
    case 4: set_reg<uint32_t>(c, 0, static_cast<uint32_t>(static_cast<int16_t>(a))); break;
    default: a = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a))); break;
  }
  return Exec::Ok;
}

// CWD/CDQ/CQO: DX:AX etc. = sign extension of the accumulator.
Exec exec_cwd(Cpu& c, const Insn& i) {
  const uint64_t a = c.s.regs[0];
  switch (i.osz) {
    case 2: set_reg<uint16_t>(c, gpr_off(2), (a & 0x8000) ? 0xFFFF : 0); break;
    case 4: set_reg<uint32_t>(c, gpr_off(2), (a & 0x80000000u) ? 0xFFFFFFFFu : 0); break;
    default: c.s.regs[2] = (a >> 63) ? ~0ull : 0; break;
  }
  return Exec::Ok;
}

// Decimal and ASCII adjustments (SDM Vol. 2 DAA, DAS, AAA, AAS, AAM, AAD); invalid in
// 64-bit mode, which the decoder already rejects.
Exec exec_daa(Cpu& c, const Insn&) {
  uint8_t al = static_cast<uint8_t>(c.s.regs[0]);
  const uint8_t old_al = al;
  const bool old_cf = c.s.rflags & rf::CF;
  uint64_t f = 0;
  if ((al & 0xF) > 9 || (c.s.rflags & rf::AF)) {
    al = static_cast<uint8_t>(al + 6);
    f |= rf::AF;
  }
  if (old_al > 0x99 || old_cf) {
    al = static_cast<uint8_t>(al + 0x60);
    f |= rf::CF;
  }
  set_reg<uint8_t>(c, 0, al);
  // OF is undefined: Intel processors leave it computed as for the additions (docs).
  set_arith(c, f | szp(al) | ((~old_al & al & 0x80) ? rf::OF : 0));
  return Exec::Ok;
}

Exec exec_das(Cpu& c, const Insn&) {
  uint8_t al = static_cast<uint8_t>(c.s.regs[0]);
  const uint8_t old_al = al;
  const bool old_cf = c.s.rflags & rf::CF;
  uint64_t f = 0;
  if ((al & 0xF) > 9 || (c.s.rflags & rf::AF)) {
    if (al < 6) f |= rf::CF;  // CF := old CF or the borrow of AL - 6 (SDM DAS)
    al = static_cast<uint8_t>(al - 6);
    f |= rf::AF;
  }
  if (old_al > 0x99 || old_cf) {
    al = static_cast<uint8_t>(al - 0x60);
    f |= rf::CF;
  }
  set_reg<uint8_t>(c, 0, al);
  set_arith(c, f | szp(al) | ((old_al & ~al & 0x80) ? rf::OF : 0));
  return Exec::Ok;
}

template <bool ADD> Exec exec_aaa_aas(Cpu& c, const Insn&) {
  uint16_t ax = static_cast<uint16_t>(c.s.regs[0]);
  uint64_t f = 0;
  if ((ax & 0xF) > 9 || (c.s.rflags & rf::AF)) {
    ax = ADD ? static_cast<uint16_t>(ax + 0x106) : static_cast<uint16_t>(ax - 6);
    if (!ADD) ax = static_cast<uint16_t>((ax & 0xFF) | (((ax >> 8) - 1) & 0xFF) << 8);
    f = rf::AF | rf::CF;
  }
  ax &= 0xFF0F;
  set_reg<uint16_t>(c, 0, ax);
  // SF, ZF, PF, OF undefined: computed from AL (docs/undefined-flags.md).
  set_arith(c, f | szp(static_cast<uint8_t>(ax)));
  return Exec::Ok;
}

Exec exec_aam(Cpu& c, const Insn& i) {
  const uint8_t base = static_cast<uint8_t>(i.imm);
  if (base == 0) return c.raise(kDE);
  const uint8_t al = static_cast<uint8_t>(c.s.regs[0]);
  const uint8_t q = al / base, r = al % base;
  set_reg<uint16_t>(c, 0, static_cast<uint16_t>((q << 8) | r));
  set_arith(c, szp(r));  // CF, OF, AF undefined: cleared
  return Exec::Ok;
}

Exec exec_aad(Cpu& c, const Insn& i) {
  const uint8_t base = static_cast<uint8_t>(i.imm);
  const uint16_t ax = static_cast<uint16_t>(c.s.regs[0]);
  const uint8_t al = static_cast<uint8_t>((ax & 0xFF) + (ax >> 8) * base);
  set_reg<uint16_t>(c, 0, al);
  set_arith(c, szp(al));
  return Exec::Ok;
}

template <Op OP> Handler binary(const Insn& i) {
  const unsigned s = i.op[0].size;
  if (i.op[0].kind == OpKind::Gpr && i.op[1].kind == OpKind::Gpr) return by_size<Binary<OP, Form::RegReg>::template H>(s);
  if (i.op[0].kind == OpKind::Gpr && i.op[1].kind == OpKind::Imm) return by_size<Binary<OP, Form::RegImm>::template H>(s);
  return by_size<Binary<OP>::template H>(s);
}

}  // namespace

bool bind_alu(Insn& i) {
  switch (i.mnemonic) {
    case M(ADD): i.fn = binary<Op::Add>(i); return true;
    case M(OR): i.fn = binary<Op::Or>(i); return true;
    case M(ADC): i.fn = binary<Op::Adc>(i); return true;
    case M(SBB): i.fn = binary<Op::Sbb>(i); return true;
    case M(AND): i.fn = binary<Op::And>(i); return true;
    case M(SUB): i.fn = binary<Op::Sub>(i); return true;
    case M(XOR): i.fn = binary<Op::Xor>(i); return true;
    case M(CMP): i.fn = binary<Op::Cmp>(i); return true;
    case M(TEST): i.fn = binary<Op::Test>(i); return true;
    case M(INC): i.fn = by_size<Unary<Un::Inc>::H>(i.op[0].size); return true;
    case M(DEC): i.fn = by_size<Unary<Un::Dec>::H>(i.op[0].size); return true;
    case M(NEG): i.fn = by_size<Unary<Un::Neg>::H>(i.op[0].size); return true;
    case M(NOT): i.fn = by_size<Unary<Un::Not>::H>(i.op[0].size); return true;
    case M(CBW): case M(CWDE): case M(CDQE): i.fn = exec_cbw; return true;
    case M(CWD): case M(CDQ): case M(CQO): i.fn = exec_cwd; return true;
    case M(DAA): i.fn = exec_daa; return true;
    case M(DAS): i.fn = exec_das; return true;
    case M(AAA): i.fn = exec_aaa_aas<true>; return true;
    case M(AAS): i.fn = exec_aaa_aas<false>; return true;
    case M(AAM): i.fn = exec_aam; return true;
    case M(AAD): i.fn = exec_aad; return true;
    default: return false;
  }
}

}  // namespace vp
