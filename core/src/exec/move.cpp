// Data movement: MOV MOVZX MOVSX MOVSXD XCHG XADD CMPXCHG CMPXCHG8B/16B LEA CMOVcc SETcc
// LAHF SAHF XLAT, flag-bit instructions, NOP forms and hints (SDM Vol. 2).
#include "exec.h"

namespace vp {
namespace {

template <class T> struct Mov {
  static Exec run(Cpu& c, const Insn& i) {
    T v;
    if (Exec r = read_op(c, i, 1, v); r != Exec::Ok) return r;
    return write_op<T>(c, i, 0, v);
  }
};
// The common forms, bound to their own handlers: load, store, register copy.
template <class T> struct MovLoad {
  static Exec run(Cpu& c, const Insn& i) {
    T v;
    if (Exec r = read_mem(c, i.seg, ea_of(c, i), v); r != Exec::Ok) return r;
    set_reg<T>(c, i.op[0].reg, v);
    return Exec::Ok;
  }
};
template <class T> struct MovStore {
  static Exec run(Cpu& c, const Insn& i) { return write_mem<T>(c, i.seg, ea_of(c, i), get_reg<T>(c, i.op[1].reg)); }
};
template <class T> struct MovReg {
  static Exec run(Cpu& c, const Insn& i) {
    set_reg<T>(c, i.op[0].reg, get_reg<T>(c, i.op[1].reg));
    return Exec::Ok;
  }
};

// MOVZX/MOVSX/MOVSXD: source width from op[1], destination width T.
template <bool SIGNED> struct Extend {
  template <class T> struct H {
    static Exec run(Cpu& c, const Insn& i) {
      uint64_t v;
      switch (i.op[1].size) {
        case 1: {
          uint8_t x;
          if (Exec r = read_op(c, i, 1, x); r != Exec::Ok) return r;
          v = SIGNED ? static_cast<uint64_t>(static_cast<int8_t>(x)) : x;
          break;
        }
        case 2: {
          uint16_t x;
          if (Exec r = read_op(c, i, 1, x); r != Exec::Ok) return r;
          v = SIGNED ? static_cast<uint64_t>(static_cast<int16_t>(x)) : x;
          break;
        }
        default: {
          uint32_t x;
          if (Exec r = read_op(c, i, 1, x); r != Exec::Ok) return r;
          v = SIGNED ? static_cast<uint64_t>(static_cast<int32_t>(x)) : x;
          break;
        }
      }
      set_reg<T>(c, i.op[0].reg, static_cast<T>(v));
      return Exec::Ok;
    }
  };
};

template <class T> struct Xchg {
  static Exec run(Cpu& c, const Insn& i) {
    // One operand may be memory; it is always op[0] or op[1]. LOCK is implied.
    const unsigned m = i.op[1].kind == OpKind::Mem ? 1 : 0;
    const unsigned r = 1 - m;
    Dest<T> d;
    T a;
    if (Exec e = rmw_begin(c, i, m, d, a); e != Exec::Ok) return e;
    const T b = get_reg<T>(c, i.op[r].reg);
    if (Exec e = rmw_end(c, d, b); e != Exec::Ok) return e;
    set_reg<T>(c, i.op[r].reg, a);
    return Exec::Ok;
  }
};

template <class T> struct Xadd {
  static Exec run(Cpu& c, const Insn& i) {
    Dest<T> d;
    T a;
    if (Exec e = rmw_begin(c, i, 0, d, a); e != Exec::Ok) return e;
    const T b = get_reg<T>(c, i.op[1].reg);
    const T sum = static_cast<T>(a + b);
    set_arith(c, flags_add<T>(a, b, sum, sum < a));
    set_reg<T>(c, i.op[1].reg, a);
    return rmw_end(c, d, sum);
  }
};

template <class T> struct Cmpxchg {
  static Exec run(Cpu& c, const Insn& i) {
    Dest<T> d;
    T dst;
    if (Exec e = rmw_begin(c, i, 0, d, dst); e != Exec::Ok) return e;
    const T acc = get_reg<T>(c, 0);
    const T r = static_cast<T>(acc - dst);
    set_arith(c, flags_sub<T>(acc, dst, r, acc < dst));
    if (acc == dst) return rmw_end(c, d, get_reg<T>(c, i.op[1].reg));
    // Not equal: the accumulator gets the destination; a memory destination is written
    // back with its own value (SDM CMPXCHG: "the destination operand is written back").
    if (d.mem)
      if (Exec e = rmw_end(c, d, dst); e != Exec::Ok) return e;
    set_reg<T>(c, 0, dst);
    return Exec::Ok;
  }
};

// CMPXCHG8B m64 / CMPXCHG16B m128 (REX.W; m128 must be 16-byte aligned, else #GP(0)).
Exec exec_cmpxchg8b16b(Cpu& c, const Insn& i) {
  const bool wide = i.mnemonic == ZYDIS_MNEMONIC_CMPXCHG16B;
  const unsigned half = wide ? 8 : 4;
  uint64_t la;
  if (Exec r = linear(c, i.seg, ea_of(c, i), 2 * half, Access::Write, la); r != Exec::Ok) return r;
  if (wide && (la & 15)) return c.gp(0);
  uint64_t lo, hi;
  if (wide) {
    if (Exec r = read_lin(c, la, lo, Access::Write); r != Exec::Ok) return r;
    if (Exec r = read_lin(c, la + 8, hi, Access::Write); r != Exec::Ok) return r;
  } else {
    uint64_t q;
    if (Exec r = read_lin(c, la, q, Access::Write); r != Exec::Ok) return r;
    lo = q & 0xFFFFFFFF;
    hi = q >> 32;
  }
  if (Exec r = probe_write(c, la, 2 * half); r != Exec::Ok) return r;
  const uint64_t m = wide ? ~0ull : 0xFFFFFFFFull;
  const bool eq = lo == (c.s.regs[0] & m) && hi == (c.s.regs[2] & m);
  uint64_t nlo = lo, nhi = hi;
  if (eq) {
    nlo = c.s.regs[3] & m;
    nhi = c.s.regs[1] & m;
  }
  Exec r = wide ? write_lin<uint64_t>(c, la, nlo) : write_lin<uint64_t>(c, la, nlo | (nhi << 32));
  if (wide && r == Exec::Ok) r = write_lin<uint64_t>(c, la + 8, nhi);
  if (r == Exec::Fault) return r;
  c.s.rflags = (c.s.rflags & ~rf::ZF) | (eq ? rf::ZF : 0);
  if (!eq) {
    c.s.regs[0] = lo;  // 32-bit form zero-extends into RAX/RDX
    c.s.regs[2] = hi;
  }
  return Exec::Ok;
}

template <class T> struct Lea {
  static Exec run(Cpu& c, const Insn& i) {
    set_reg<T>(c, i.op[0].reg, static_cast<T>(ea_of(c, i)));
    return Exec::Ok;
  }
};

template <class T> struct Cmov {
  static Exec run(Cpu& c, const Insn& i) {
    T v;
    if (Exec r = read_op(c, i, 1, v); r != Exec::Ok) return r;  // the source is read (and may fault) anyway
    // In 64-bit mode a 32-bit CMOV zero-extends its destination even when false.
    if (cond(c.s.rflags, i.opcode & 0xF)) set_reg<T>(c, i.op[0].reg, v);
    else if (sizeof(T) == 4) set_reg<T>(c, i.op[0].reg, get_reg<T>(c, i.op[0].reg));
    return Exec::Ok;
  }
};

Exec exec_setcc(Cpu& c, const Insn& i) {
  return write_op<uint8_t>(c, i, 0, cond(c.s.rflags, i.opcode & 0xF) ? 1 : 0);
}

Exec exec_lahf(Cpu& c, const Insn&) {
  set_reg<uint8_t>(c, 1, static_cast<uint8_t>(c.s.rflags & (rf::kArith & 0xFF)) | 2);
  return Exec::Ok;
}

Exec exec_sahf(Cpu& c, const Insn&) {
  const uint64_t ah = (c.s.regs[0] >> 8) & (rf::SF | rf::ZF | rf::AF | rf::PF | rf::CF);
  c.s.rflags = (c.s.rflags & ~(rf::SF | rf::ZF | rf::AF | rf::PF | rf::CF)) | ah;
  return Exec::Ok;
}

Exec exec_xlat(Cpu& c, const Insn& i) {
  const uint64_t ea = (c.s.regs[3] + (c.s.regs[0] & 0xFF)) & addr_mask(i.asz);
  uint8_t v;
  if (Exec r = read_mem(c, i.seg_override != kSegNone ? i.seg_override : uint8_t{DS}, ea, v); r != Exec::Ok) return r;
  set_reg<uint8_t>(c, 0, v);
  return Exec::Ok;
}

template <uint64_t CLEAR, uint64_t SET, bool TOGGLE = false> Exec exec_flagop(Cpu& c, const Insn&) {
  if (TOGGLE) c.s.rflags ^= SET;
  else c.s.rflags = (c.s.rflags & ~CLEAR) | SET;
  return Exec::Ok;
}

Exec exec_nop(Cpu&, const Insn&) { return Exec::Ok; }

}  // namespace

// PAUSE: a NOP, except that "PAUSE exiting" makes it a VM exit (SDM Vol. 3C 25.1.3).
Exec exec_pause(Cpu& c, const Insn& i) {
  if (c.vm_intercept(i, Intercept::Pause)) return Exec::VmTransition;
  return Exec::Ok;
}

bool bind_move(Insn& i) {
  const unsigned s = i.op[0].size;
  switch (i.mnemonic) {
    case M(MOV):
      for (unsigned k = 0; k < i.nops; ++k)
        if (i.op[k].kind == OpKind::Seg || i.op[k].kind == OpKind::Cr || i.op[k].kind == OpKind::Dr) return false;
      if (i.op[0].kind == OpKind::Gpr && i.op[1].kind == OpKind::Mem) i.fn = by_size<MovLoad>(s);
      else if (i.op[0].kind == OpKind::Mem && i.op[1].kind == OpKind::Gpr) i.fn = by_size<MovStore>(s);
      else if (i.op[0].kind == OpKind::Gpr && i.op[1].kind == OpKind::Gpr) i.fn = by_size<MovReg>(s);
      else i.fn = by_size<Mov>(s);
      return true;
    case M(MOVZX): i.fn = by_size<Extend<false>::H>(s); return true;
    case M(MOVSX): case M(MOVSXD): i.fn = by_size<Extend<true>::H>(s); return true;
    case M(XCHG): i.fn = by_size<Xchg>(s); return true;
    case M(XADD): i.fn = by_size<Xadd>(s); return true;
    case M(CMPXCHG): i.fn = by_size<Cmpxchg>(s); return true;
    case M(CMPXCHG8B): case M(CMPXCHG16B): i.fn = exec_cmpxchg8b16b; return true;
    case M(LEA): i.fn = by_size<Lea>(s); return true;
    case M(CMOVO): case M(CMOVNO): case M(CMOVB): case M(CMOVNB): case M(CMOVZ): case M(CMOVNZ):
    case M(CMOVBE): case M(CMOVNBE): case M(CMOVS): case M(CMOVNS): case M(CMOVP): case M(CMOVNP):
    case M(CMOVL): case M(CMOVNL): case M(CMOVLE): case M(CMOVNLE):
      i.fn = by_size<Cmov>(s);
      return true;
    case M(SETO): case M(SETNO): case M(SETB): case M(SETNB): case M(SETZ): case M(SETNZ):
    case M(SETBE): case M(SETNBE): case M(SETS): case M(SETNS): case M(SETP): case M(SETNP):
    case M(SETL): case M(SETNL): case M(SETLE): case M(SETNLE):
      i.fn = exec_setcc;
      return true;
    case M(LAHF): i.fn = exec_lahf; return true;
    case M(SAHF): i.fn = exec_sahf; return true;
    case M(XLAT): i.fn = exec_xlat; return true;
    case M(CLC): i.fn = exec_flagop<rf::CF, 0>; return true;
    case M(STC): i.fn = exec_flagop<0, rf::CF>; return true;
    case M(CMC): i.fn = exec_flagop<0, rf::CF, true>; return true;
    case M(CLD): i.fn = exec_flagop<rf::DF, 0>; return true;
    case M(STD): i.fn = exec_flagop<0, rf::DF>; return true;
    // NOP forms, PAUSE, fences and cache hints have no architectural effect here.
    case M(PAUSE): i.fn = exec_pause; return true;
    case M(NOP): case M(LFENCE): case M(MFENCE): case M(SFENCE):
    case M(PREFETCHNTA): case M(PREFETCHT0): case M(PREFETCHT1): case M(PREFETCHT2): case M(PREFETCHW):
      i.fn = exec_nop;
      return true;
    default: return false;
  }
}

}  // namespace vp
