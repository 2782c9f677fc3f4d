// Shared pieces of the semantic handlers: operand access, flag computation, templates.
#pragma once
#include <cstdint>
#include <type_traits>

#include <Zydis/Zydis.h>

#include "../access.h"
#include "../bind.h"

namespace vp {

// Mnemonic shorthand for binders.
#define M(x) ZYDIS_MNEMONIC_##x

template <unsigned N> struct UInt;
template <> struct UInt<1> { using T = uint8_t; using S = int8_t; };
template <> struct UInt<2> { using T = uint16_t; using S = int16_t; };
template <> struct UInt<4> { using T = uint32_t; using S = int32_t; };
template <> struct UInt<8> { using T = uint64_t; using S = int64_t; };

template <class T> constexpr unsigned kBits = sizeof(T) * 8;
template <class T> constexpr T msb(T v) { return static_cast<T>(v >> (kBits<T> - 1)); }

// PF: set when the low byte of the result has an even number of ones.
inline uint64_t parity_flag(uint64_t r) {
  const unsigned b = static_cast<unsigned>(r & 0xFF);
  return ((0x9669u >> ((b ^ (b >> 4)) & 0xF)) & 1u) << 2;
}

template <class T> inline uint64_t szp(T r) {
  return (r == 0 ? rf::ZF : 0) | (msb(r) ? rf::SF : 0) | parity_flag(r);
}

inline void set_arith(Cpu& c, uint64_t f) { c.s.rflags = (c.s.rflags & ~rf::kArith) | f; }

template <class T> inline uint64_t flags_add(T a, T b, T r, bool carry) {
  return szp(r) | (carry ? rf::CF : 0) | ((a ^ b ^ r) & 0x10) |
         (msb(static_cast<T>((a ^ r) & (b ^ r))) ? rf::OF : 0);
}
template <class T> inline uint64_t flags_sub(T a, T b, T r, bool borrow) {
  return szp(r) | (borrow ? rf::CF : 0) | ((a ^ b ^ r) & 0x10) |
         (msb(static_cast<T>((a ^ b) & (a ^ r))) ? rf::OF : 0);
}
// AND/OR/XOR/TEST: CF = OF = 0; AF is undefined, we clear it as Intel processors do
// (docs/undefined-flags.md).
template <class T> inline uint64_t flags_logic(T r) { return szp(r); }

// x87 control and status words as loaded (FLDCW, FXRSTOR, XRSTOR): FCW bits 7 and 15:13 are
// reserved (read as 0) and bit 6 reads as 1 (SDM Vol. 1 8.1.5); FSW.ES (bit 7), the summary of
// unmasked exceptions, and B (bit 15), its copy, follow the exception flags and masks (8.1.3),
// as on the host CPU and Bochs.
inline uint16_t x87_control_word(uint16_t v) { return static_cast<uint16_t>((v & ~0xE0C0u) | 0x40); }
inline uint16_t x87_status_word(uint16_t v, uint16_t fcw) {
  return static_cast<uint16_t>((v & 0x7F7F) | ((v & ~fcw & 0x3F) ? 0x8080 : 0));
}

// --- operands --------------------------------------------------------------------------

// Reads operand k (register, memory or immediate) of width T.
template <class T> inline Exec read_op(Cpu& c, const Insn& i, unsigned k, T& v) {
  const Operand& o = i.op[k];
  switch (o.kind) {
    case OpKind::Gpr: v = get_reg<T>(c, o.reg); return Exec::Ok;
    case OpKind::Mem: return read_mem(c, i.seg, ea_of(c, i), v);
    default: v = static_cast<T>(i.imm); return Exec::Ok;
  }
}

// A resolved destination: a register slot, or a memory location already checked for write.
template <class T> struct Dest {
  bool mem = false;
  uint8_t reg = 0;
  uint64_t la = 0;
};

// Resolves operand k as a read-modify-write destination: checks that the write can succeed
// (so the instruction faults before it changes anything) and returns the current value.
template <class T> inline Exec rmw_begin(Cpu& c, const Insn& i, unsigned k, Dest<T>& d, T& v) {
  const Operand& o = i.op[k];
  if (o.kind == OpKind::Gpr) {
    d.mem = false;
    d.reg = o.reg;
    v = get_reg<T>(c, o.reg);
    return Exec::Ok;
  }
  d.mem = true;
  if (Exec r = linear(c, i.seg, ea_of(c, i), sizeof(T), Access::Write, d.la); r != Exec::Ok) return r;
  if (Exec r = read_lin(c, d.la, v, Access::Write); r != Exec::Ok) return r;
  return probe_write(c, d.la, sizeof(T));
}

template <class T> inline Exec rmw_end(Cpu& c, const Dest<T>& d, T v) {
  if (!d.mem) {
    set_reg<T>(c, d.reg, v);
    return Exec::Ok;
  }
  return write_lin<T>(c, d.la, v);
}

// Ends a read-modify-write that leaves the value as it was (a shift or rotate by a masked
// count of 0): memory is not written, but a register destination is, so a 32-bit one is
// zero-extended in 64-bit mode like any 32-bit result (SDM Vol. 1 3.4.1.1).
template <class T> inline Exec rmw_unchanged(Cpu& c, const Dest<T>& d, T v) {
  if (!d.mem) set_reg<T>(c, d.reg, v);
  return Exec::Ok;
}

// Writes operand k (register or memory) without reading it first.
template <class T> inline Exec write_op(Cpu& c, const Insn& i, unsigned k, T v) {
  const Operand& o = i.op[k];
  if (o.kind == OpKind::Gpr) {
    set_reg<T>(c, o.reg, v);
    return Exec::Ok;
  }
  return write_mem<T>(c, i.seg, ea_of(c, i), v);
}

// Calls F<T> for the operand size given in bytes.
template <template <class> class F> inline Handler by_size(unsigned bytes) {
  switch (bytes) {
    case 1: return &F<uint8_t>::run;
    case 2: return &F<uint16_t>::run;
    case 4: return &F<uint32_t>::run;
    default: return &F<uint64_t>::run;
  }
}

// Condition codes (SDM Vol. 1 Appendix B): cc is the low nibble of the Jcc/SETcc opcode.
inline bool cond(uint64_t f, unsigned cc) {
  bool r;
  switch (cc >> 1) {
    case 0: r = f & rf::OF; break;
    case 1: r = f & rf::CF; break;
    case 2: r = f & rf::ZF; break;
    case 3: r = f & (rf::CF | rf::ZF); break;
    case 4: r = f & rf::SF; break;
    case 5: r = f & rf::PF; break;
    case 6: r = ((f & rf::SF) != 0) != ((f & rf::OF) != 0); break;
    default: r = (f & rf::ZF) || (((f & rf::SF) != 0) != ((f & rf::OF) != 0)); break;
  }
  return (cc & 1) ? !r : r;
}

// Branch to `target` (already the new RIP/EIP/IP) with the operand size's truncation
// (SDM Vol. 2 JMP: the target is truncated to 16 bits with a 16-bit operand size).
inline Exec branch_to(Cpu& c, uint64_t target, unsigned osz) {
  if (osz == 2) target &= 0xFFFF;
  else if (osz == 4) target &= 0xFFFFFFFF;
  if (c.long64) {
    if (!canonical(target)) return c.gp(0);
  } else if (target > c.s.seg[CS].limit) {
    return c.gp(0);
  }
  c.s.rip() = target;
  return Exec::Ok;
}

}  // namespace vp
