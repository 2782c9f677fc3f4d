// String instructions MOVS STOS LODS CMPS SCAS INS OUTS with REP/REPE/REPNE
// (SDM Vol. 2; Vol. 1 7.3.9). Address size picks SI/ESI/RSI, DI/EDI/RDI and the counter;
// a fault leaves the registers at the element that faulted, so the instruction restarts.
#include "exec.h"

namespace vp {

Exec check_io_permission(Cpu& c, uint16_t port, unsigned size);  // system.cpp

namespace {

enum class Str { Movs, Stos, Lods, Cmps, Scas, Ins, Outs };

template <Str OP> struct StringOp {
  template <class T> struct H {
    static Exec run(Cpu& c, const Insn& i) {
      const uint64_t am = addr_mask(i.asz);
      const bool rep = i.prefixes & (kPrefixRep | kPrefixRepne);
      const bool repne = i.prefixes & kPrefixRepne;
      const uint8_t src_seg = i.seg_override != kSegNone ? i.seg_override : uint8_t{DS};
      const int64_t step = (c.s.rflags & rf::DF) ? -static_cast<int64_t>(sizeof(T)) : static_cast<int64_t>(sizeof(T));
      uint64_t& rsi = c.s.regs[6];
      uint64_t& rdi = c.s.regs[7];
      uint64_t& rcx = c.s.regs[1];
      auto advance = [&](uint64_t& r) { set_addr_reg(r, r + static_cast<uint64_t>(step), i.asz); };
      if (OP == Str::Ins || OP == Str::Outs) {
        if (Exec r = check_io_permission(c, static_cast<uint16_t>(c.s.regs[2]), sizeof(T)); r != Exec::Ok) return r;
        if (c.vm_intercept(i, Intercept::Io)) return Exec::VmTransition;
      }
      for (;;) {
        if (rep && (rcx & am) == 0) return Exec::Ok;
        // Bulk fast path: REP MOVS/STOS forward within one RAM page on both sides.
        if ((OP == Str::Movs || OP == Str::Stos) && rep && step > 0) {
          uint64_t dla, sla = 0;
          if (linear(c, ES, rdi & am, sizeof(T), Access::Write, dla) == Exec::Ok &&
              (OP == Str::Stos || linear(c, src_seg, rsi & am, sizeof(T), Access::Read, sla) == Exec::Ok)) {
            const TlbEntry& de = tlb_slot(c, dla);
            const TlbEntry& se = tlb_slot(c, sla);
            const bool dst_ok = de.tag_w == tlb_key(c, dla) && de.host_w;
            const bool src_ok = OP == Str::Stos || (se.tag_r == tlb_key(c, sla) && se.host_r);
            if (dst_ok && src_ok) {
              uint64_t n = rcx & am;
              const uint64_t droom = (0x1000 - (dla & 0xFFF)) / sizeof(T);
              const uint64_t sroom = OP == Str::Stos ? droom : (0x1000 - (sla & 0xFFF)) / sizeof(T);
              n = std::min({n, droom, sroom, (am - (rdi & am)) / sizeof(T) + 1});
              if (OP == Str::Movs) n = std::min(n, (am - (rsi & am)) / sizeof(T) + 1);
              if (!c.long64) {
                n = std::min<uint64_t>(n, (c.s.seg[ES].limit - (rdi & am)) / sizeof(T) + 1);
                if (OP == Str::Movs) n = std::min<uint64_t>(n, (c.s.seg[src_seg].limit - (rsi & am)) / sizeof(T) + 1);
              }
              if (n >= 2) {
                uint8_t* dp = de.host_w + (dla & 0xFFF);
                if (OP == Str::Movs) {
                  const uint8_t* sp = se.host_r + (sla & 0xFFF);
                  // Element by element: overlapping copies behave as the instruction does.
                  for (uint64_t k = 0; k < n * sizeof(T); ++k) dp[k] = sp[k];
                } else {
                  const T v = static_cast<T>(c.s.regs[0]);
                  for (uint64_t k = 0; k < n; ++k) std::memcpy(dp + k * sizeof(T), &v, sizeof(T));
                }
                const uint64_t bytes = n * sizeof(T);
                set_addr_reg(rdi, rdi + bytes, i.asz);
                if (OP == Str::Movs) set_addr_reg(rsi, rsi + bytes, i.asz);
                set_addr_reg(rcx, rcx - n, i.asz);
                c.clock += n;
                continue;
              }
            }
          }
        }
        T a = 0, b = 0;
        switch (OP) {
          case Str::Movs:
            if (Exec r = read_mem(c, src_seg, rsi & am, a); r != Exec::Ok) return r;
            if (Exec r = write_mem<T>(c, ES, rdi & am, a); r != Exec::Ok) return r;
            advance(rsi);
            advance(rdi);
            break;
          case Str::Stos:
            if (Exec r = write_mem<T>(c, ES, rdi & am, static_cast<T>(c.s.regs[0])); r != Exec::Ok) return r;
            advance(rdi);
            break;
          case Str::Lods:
            if (Exec r = read_mem(c, src_seg, rsi & am, a); r != Exec::Ok) return r;
            set_reg<T>(c, 0, a);
            advance(rsi);
            break;
          case Str::Cmps:
            if (Exec r = read_mem(c, src_seg, rsi & am, a); r != Exec::Ok) return r;
            if (Exec r = read_mem(c, ES, rdi & am, b); r != Exec::Ok) return r;
            set_arith(c, flags_sub<T>(a, b, static_cast<T>(a - b), a < b));
            advance(rsi);
            advance(rdi);
            break;
          case Str::Scas:
            a = get_reg<T>(c, 0);
            if (Exec r = read_mem(c, ES, rdi & am, b); r != Exec::Ok) return r;
            set_arith(c, flags_sub<T>(a, b, static_cast<T>(a - b), a < b));
            advance(rdi);
            break;
          case Str::Ins: {
            uint64_t la;
            if (Exec r = linear(c, ES, rdi & am, sizeof(T), Access::Write, la); r != Exec::Ok) return r;
            if (Exec r = probe_write(c, la, sizeof(T)); r != Exec::Ok) return r;
            const T v = static_cast<T>(c.io.read(static_cast<uint16_t>(c.s.regs[2]), sizeof(T)));
            if (Exec r = write_lin<T>(c, la, v); r == Exec::Fault) return r;
            advance(rdi);
            break;
          }
          case Str::Outs:
            if (Exec r = read_mem(c, src_seg, rsi & am, a); r != Exec::Ok) return r;
            c.io.write(static_cast<uint16_t>(c.s.regs[2]), sizeof(T), a);
            c.device_stop();
            advance(rsi);
            break;
        }
        if (!rep) return c.stop_requested ? Exec::Stop : Exec::Ok;
        set_addr_reg(rcx, rcx - 1, i.asz);
        c.clock += 1;
        if (c.stop_requested) return Exec::Stop;
        if (OP == Str::Cmps || OP == Str::Scas) {
          const bool zf = c.s.rflags & rf::ZF;
          if (repne ? zf : !zf) return Exec::Ok;
        }
      }
    }
  };
};

unsigned elem_size(const Insn& i) {
  switch (i.mnemonic) {
    case M(MOVSB): case M(STOSB): case M(LODSB): case M(CMPSB): case M(SCASB): case M(INSB): case M(OUTSB): return 1;
    case M(MOVSW): case M(STOSW): case M(LODSW): case M(CMPSW): case M(SCASW): case M(INSW): case M(OUTSW): return 2;
    case M(MOVSD): case M(STOSD): case M(LODSD): case M(CMPSD): case M(SCASD): case M(INSD): case M(OUTSD): return 4;
    default: return 8;
  }
}

}  // namespace

bool bind_string(Insn& i) {
  switch (i.mnemonic) {
    case M(MOVSB): case M(MOVSW): case M(MOVSQ): i.fn = by_size<StringOp<Str::Movs>::H>(elem_size(i)); return true;
    case M(MOVSD):
      if (i.opcode_map != 0) return false;  // F2 0F 10 is the SSE2 MOVSD
      i.fn = by_size<StringOp<Str::Movs>::H>(4);
      return true;
    case M(CMPSD):
      if (i.opcode_map != 0) return false;
      i.fn = by_size<StringOp<Str::Cmps>::H>(4);
      return true;
    case M(STOSB): case M(STOSW): case M(STOSD): case M(STOSQ): i.fn = by_size<StringOp<Str::Stos>::H>(elem_size(i)); return true;
    case M(LODSB): case M(LODSW): case M(LODSD): case M(LODSQ): i.fn = by_size<StringOp<Str::Lods>::H>(elem_size(i)); return true;
    case M(CMPSB): case M(CMPSW): case M(CMPSQ): i.fn = by_size<StringOp<Str::Cmps>::H>(elem_size(i)); return true;
    case M(SCASB): case M(SCASW): case M(SCASD): case M(SCASQ): i.fn = by_size<StringOp<Str::Scas>::H>(elem_size(i)); return true;
    case M(INSB): case M(INSW): case M(INSD): i.fn = by_size<StringOp<Str::Ins>::H>(elem_size(i)); return true;
    case M(OUTSB): case M(OUTSW): case M(OUTSD): i.fn = by_size<StringOp<Str::Outs>::H>(elem_size(i)); return true;
    default: return false;
  }
}

}  // namespace vp
