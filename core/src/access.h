// Guest memory accesses from semantic handlers: segmentation (SDM Vol. 3 5.3), then the
// software TLB, falling back to the page walker (mmu.cpp) and to PhysMemory for MMIO.
#pragma once
#include <cstring>

#include "vp/core/cpu.h"

namespace vp {

enum class Access : uint8_t { Read = 0, Write = 1, Fetch = 2 };

// Slow paths (mmu.cpp).
// Translates la for `acc` at the current privilege, filling the TLB. On failure records
// #PF (or #GP for non-canonical) in c.fault and returns Exec::Fault.
Exec translate(Cpu& c, uint64_t la, Access acc, uint64_t& pa, bool supervisor_implicit = false);
// The four PAE PDPTEs at guest-physical `base` (through EPT when it is on).
Exec read_pdptes(Cpu& c, uint64_t base, uint64_t (&e)[4]);
Exec read_slow(Cpu& c, uint64_t la, unsigned size, uint64_t& v, Access acc);
Exec write_slow(Cpu& c, uint64_t la, unsigned size, uint64_t v);

// Linear page (bits 47:12; translated addresses are canonical or 32-bit), privilege and the
// translation context id (cpu.h TlbTag, Cpu::refresh_tlb_context).
inline uint64_t tlb_key(const Cpu& c, uint64_t la, bool user) {
  return (linear_page(la) << 1) | (user ? 1 : 0) | c.tlb_key_bits;
}
inline uint64_t tlb_key(const Cpu& c, uint64_t la) { return tlb_key(c, la, c.s.cpl == 3); }
// The slot of la in the current context: PCIDs shift the index (Cpu::refresh_tlb_context), so
// one PCID's translation of an address does not evict another's.
inline TlbEntry& tlb_slot(Cpu& c, uint64_t la) { return c.tlb[((la >> 12) ^ c.tlb_index_salt) & (Cpu::kTlbSize - 1)]; }

inline uint64_t addr_mask(uint8_t asz) { return ~0ull >> (64 - asz * 8); }

inline bool canonical(uint64_t la) { return static_cast<uint64_t>(static_cast<int64_t>(la << 16) >> 16) == la; }

// Segment check and linear address (SDM Vol. 3 5.3 limit checking, 3.4.4 in 64-bit mode).
// `ea` is already truncated to the address size.
Exec seg_fault(Cpu& c, uint8_t seg);
Exec seg_check_legacy(Cpu& c, uint8_t seg, uint64_t ea, unsigned size, Access acc);

inline Exec linear(Cpu& c, uint8_t seg, uint64_t ea, unsigned size, Access acc, uint64_t& la) {
  la = c.seg_base[seg] + ea;
  if (c.long64) {
    if (!canonical(la)) [[unlikely]]
      return seg_fault(c, seg);
    return Exec::Ok;
  }
  la &= 0xFFFFFFFFull;
  return seg_check_legacy(c, seg, ea, size, acc);
}

template <class T>
inline Exec read_lin(Cpu& c, uint64_t la, T& v, Access acc = Access::Read) {
  const TlbEntry& e = tlb_slot(c, la);
  const unsigned off = la & 0xFFF;
  if (e.tag_r == tlb_key(c, la) && e.host_r && off <= 0x1000 - sizeof(T)) [[likely]] {
    std::memcpy(&v, e.host_r + off, sizeof(T));
    return Exec::Ok;
  }
  uint64_t w = 0;
  const Exec r = read_slow(c, la, sizeof(T), w, acc);
  v = static_cast<T>(w);
  return r;
}

template <class T>
inline Exec write_lin(Cpu& c, uint64_t la, T v) {
  const TlbEntry& e = tlb_slot(c, la);
  const unsigned off = la & 0xFFF;
  if (e.tag_w == tlb_key(c, la) && e.host_w && off <= 0x1000 - sizeof(T)) [[likely]] {
    std::memcpy(e.host_w + off, &v, sizeof(T));
    return Exec::Ok;
  }
  return write_slow(c, la, sizeof(T), static_cast<uint64_t>(v));
}

template <class T>
inline Exec read_mem(Cpu& c, uint8_t seg, uint64_t ea, T& v) {
  uint64_t la;
  if (Exec r = linear(c, seg, ea, sizeof(T), Access::Read, la); r != Exec::Ok) return r;
  return read_lin(c, la, v);
}

template <class T>
inline Exec write_mem(Cpu& c, uint8_t seg, uint64_t ea, T v) {
  uint64_t la;
  if (Exec r = linear(c, seg, ea, sizeof(T), Access::Write, la); r != Exec::Ok) return r;
  return write_lin(c, la, v);
}

// Checks that a write to [la, la+size) would succeed without performing it (for
// read-modify-write instructions and multi-part stores that must fault before any effect).
Exec probe_write(Cpu& c, uint64_t la, unsigned size);

// Effective address of the instruction's memory operand (SDM Vol. 1 3.7.5).
inline uint64_t ea_of(const Cpu& c, const DecodedInsn& i) {
  return (c.s.regs[i.base] + (c.s.regs[i.index] << i.scale) + static_cast<uint64_t>(i.disp)) & addr_mask(i.asz);
}

// --- register file -------------------------------------------------------------------
template <class T>
inline T get_reg(const Cpu& c, uint8_t off) {
  T v;
  std::memcpy(&v, reinterpret_cast<const char*>(c.s.regs) + off, sizeof(T));
  return v;
}
template <class T>
inline void set_reg(Cpu& c, uint8_t off, T v) {
  if constexpr (sizeof(T) == 4) {
    c.s.regs[off >> 3] = v;  // 32-bit results zero-extend in 64-bit mode (SDM Vol. 1 3.4.1.1)
  } else {
    std::memcpy(reinterpret_cast<char*>(c.s.regs) + off, &v, sizeof(T));
  }
}

// Accesses whose width (1, 2, 4 or 8 bytes) is only known at run time.
Exec read_lin_sized(Cpu& c, uint64_t la, unsigned size, uint64_t& v);
Exec write_lin_sized(Cpu& c, uint64_t la, unsigned size, uint64_t v);
inline Exec read_mem_sized(Cpu& c, uint8_t seg, uint64_t ea, unsigned size, uint64_t& v) {
  uint64_t la;
  if (Exec r = linear(c, seg, ea, size, Access::Read, la); r != Exec::Ok) return r;
  return read_lin_sized(c, la, size, v);
}
inline Exec write_mem_sized(Cpu& c, uint8_t seg, uint64_t ea, unsigned size, uint64_t v) {
  uint64_t la;
  if (Exec r = linear(c, seg, ea, size, Access::Write, la); r != Exec::Ok) return r;
  return write_lin_sized(c, la, size, v);
}
inline void set_reg_sized(Cpu& c, uint8_t off, unsigned size, uint64_t v) {
  switch (size) {
    case 1: set_reg<uint8_t>(c, off, static_cast<uint8_t>(v)); break;
    case 2: set_reg<uint16_t>(c, off, static_cast<uint16_t>(v)); break;
    case 4: set_reg<uint32_t>(c, off, static_cast<uint32_t>(v)); break;
    default: set_reg<uint64_t>(c, off, v); break;
  }
}
inline uint64_t get_reg_sized(const Cpu& c, uint8_t off, unsigned size) {
  switch (size) {
    case 1: return get_reg<uint8_t>(c, off);
    case 2: return get_reg<uint16_t>(c, off);
    case 4: return get_reg<uint32_t>(c, off);
    default: return get_reg<uint64_t>(c, off);
  }
}

// A register used as an address or counter (SI, DI, CX, ...) takes a new value at the
// address size: 16-bit updates keep the upper bits, 32-bit ones zero-extend.
inline void set_addr_reg(uint64_t& r, uint64_t v, uint8_t asz) {
  const uint64_t m = addr_mask(asz);
  r = asz == 2 ? (r & ~m) | (v & m) : v & m;
}

// --- stack -------------------------------------------------------------------------------
// The stack pointer changes only in its stack-address-size part (SDM Vol. 1 6.2.3).
inline void set_sp(Cpu& c, uint64_t v) {
  const uint64_t m = addr_mask(c.stack_size);
  c.s.regs[4] = (c.s.regs[4] & ~m) | (v & m);
}
// Push/pop of `size` bytes with the stack-address size of the current mode (SDM Vol. 1 6.2.3).
Exec push_value(Cpu& c, unsigned size, uint64_t v);
Exec pop_value(Cpu& c, unsigned size, uint64_t& v);
// Reads the stack at offset `off` above the top without popping.
Exec peek_stack(Cpu& c, unsigned size, uint64_t off, uint64_t& v);

}  // namespace vp
