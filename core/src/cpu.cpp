// Cpu: construction, reset, derived mode, instruction fetch through the decode cache,
// and the run loop.
#include "vp/core/cpu.h"

#include <Zydis/Zydis.h>

#include <cstdio>
#include <cstring>

#include "access.h"
#include "bind.h"
#include "vp/decoder/decoder.h"

namespace vp {

Cpu::Cpu(PhysMemory& m, IoBus& bus, const CpuModel& cm) : model(cm), mem(m), io(bus) {
  dcache = new DecodeCacheEntry[kDecodeCacheSize];
  reset();
}

Cpu::~Cpu() { delete[] dcache; }

void Cpu::reset() {
  // SDM Vol. 3 9.1.1, Table 9-1 "IA-32 and Intel 64 Processor States Following Power-up".
  s = CpuState{};
  s.regs[2] = model.cpuid(1, 0).eax;  // EDX = processor signature
  s.rflags = rf::kFixed1;
  s.cr0 = cr0::ET | cr0::NW | cr0::CD;  // 60000010H
  for (SegmentReg& r : s.seg) r = SegmentReg{0, 0, 0xFFFF, 0x93};
  s.seg[CS] = SegmentReg{0xF000, 0xFFFF0000ull, 0xFFFF, 0x9B};
  s.rip() = 0xFFF0;
  s.ldtr = SegmentReg{0, 0, 0xFFFF, 0x82};
  s.tr = SegmentReg{0, 0, 0xFFFF, 0x8B};
  s.dr[6] = 0xFFFF0FF0;
  s.dr[7] = 0x400;
  dr7_changed();
  // IA32_FEATURE_CONTROL as our "firmware" leaves it: locked, VMX outside SMX enabled
  // (docs/cpu-model.md).
  s.feature_control = 0x5;
  s.misc_enable = misc::kReset;
  halted = in_shutdown = false;
  halt_kind = HaltKind::Hlt;
  interrupt_shadow = shadow_armed = false;
  fault = {};
  if (vmx) vmx->reset();
  state_changed();
}

void Cpu::state_changed() {
  update_mode();
  flush_tlb();
}

void Cpu::update_mode() {
  ++fetch_epoch;
  const bool pe = s.cr0 & cr0::PE;
  long64 = (s.efer & efer::LMA) && (s.seg[CS].ar & ar::L);
  code_mode = long64 ? CodeMode::Bits64 : (pe && (s.seg[CS].ar & ar::DB)) ? CodeMode::Bits32 : CodeMode::Bits16;
  paging = (s.cr0 & cr0::PG) && pe;
  stack_size = long64 ? 8 : (pe && (s.seg[SS].ar & ar::DB)) ? 4 : 2;
  for (unsigned i = 0; i < 6; ++i) seg_base[i] = (long64 && i < FS) ? 0 : s.seg[i].base;
  if (!pe) s.cpl = 0;
  refresh_tlb_context();
  if (trace) {
    const uint32_t mode = static_cast<uint32_t>(code_mode) | (pe ? 4 : 0) | (paging ? 8 : 0) |
                          ((s.efer & efer::LMA) ? 16 : 0);
    if (mode != traced_mode_) {
      traced_mode_ = mode;
      static const char* names[] = {"16-bit", "32-bit", "64-bit"};
      trace->emit(*this, "mode", std::string("\"mode\":\"") +
                                     (!pe ? "real" : (s.efer & efer::LMA) ? (long64 ? "long" : "compatibility") : "protected") +
                                     "\",\"code\":\"" + names[static_cast<int>(code_mode)] + "\",\"paging\":" +
                                     (paging ? "true" : "false"));
    }
  }
}

namespace {

inline unsigned dcache_index(uint64_t pa) {
  return static_cast<unsigned>((pa ^ (pa >> 14)) & (Cpu::kDecodeCacheSize - 1));
}

}  // namespace

// Fetches and decodes the instruction at CS:RIP. Returns nullptr with c.fault set on a
// fetch fault (#PF, #GP for limit/canonical) or decode failure (#UD, #GP for > 15 bytes).
// Fetch with chaining: when nothing that affects instruction fetch has changed since the
// previous instruction and the new RIP is on the same page, the successor recorded in the
// previous decode-cache entry is used without a TLB lookup or hash probe.
[[gnu::always_inline]] inline const Insn* Cpu::fetch() {
  const uint64_t rip = s.rip();
  DecodeCacheEntry* prev = chain_;
  chain_ = nullptr;
  uint64_t la, pa;
  DecodeCacheEntry* entry;
  if (prev && chain_fetch_epoch_ == fetch_epoch && chain_code_epoch_ == mem.code_write_epoch()) {
    la = long64 ? rip : (seg_base[CS] + rip) & 0xFFFFFFFFull;
    if (((la ^ chain_la_) >> 12) == 0 && (long64 || rip <= s.seg[CS].limit)) {
      const bool seq = la == chain_la_ + prev->insn.len;
      DecodeCacheEntry* c = seq ? prev->next : prev->target;
      pa = (chain_pa_ & ~0xFFFull) | (la & 0xFFF);
      if (c && c->pa == pa && c->mode == code_mode) [[likely]] {
        if (!long64 && rip + c->insn.len - 1 > s.seg[CS].limit) {
          gp(0);
          return nullptr;
        }
        chain_ = c;
        chain_la_ = la;
        chain_pa_ = pa;
        return &c->insn;
      }
      const Insn* in = fetch_lookup(rip, la, pa, entry);
      if (entry) (seq ? prev->next : prev->target) = entry;
      return in;
    }
  }
  return fetch_lookup(rip, la, pa, entry);
}

// Fetch through the TLB and the decode cache; `entry` is the cache entry used, or nullptr
// when the instruction was not cached (page-crossing, MMIO) or the fetch faulted.
const Insn* Cpu::fetch_lookup(uint64_t rip, uint64_t& la, uint64_t& pa, DecodeCacheEntry*& entry) {
  entry = nullptr;
  if (long64) {
    la = rip;
    if (!canonical(la)) {
      gp(0);
      return nullptr;
    }
  } else {
    if (rip > s.seg[CS].limit) {
      gp(0);
      return nullptr;
    }
    la = (seg_base[CS] + rip) & 0xFFFFFFFFull;
  }
  const TlbEntry& e = tlb_slot(*this, la);
  if (e.tag_x == tlb_key(*this, la) && e.host_r) [[likely]] {
    pa = e.pa | (la & 0xFFF);
  } else if (translate(*this, la, Access::Fetch, pa) != Exec::Ok) {
    return nullptr;
  }
  DecodeCacheEntry& d = dcache[dcache_index(pa)];
  const Insn* in;
  if (d.pa == pa && d.mode == code_mode && d.gen == mem.generation(pa)) [[likely]] {
    if (!long64 && rip + d.insn.len - 1 > s.seg[CS].limit) {
      gp(0);
      return nullptr;
    }
    in = &d.insn;
  } else {
    in = fetch_slow(la, pa, d);
  }
  if (in == &d.insn) {
    entry = &d;
    chain_ = &d;
    chain_la_ = la;
    chain_pa_ = pa;
    chain_fetch_epoch_ = fetch_epoch;
    chain_code_epoch_ = mem.code_write_epoch();
  }
  return in;
}

// Decode-cache miss: read up to 15 bytes, possibly from the next page, and decode.
const Insn* Cpu::fetch_slow(uint64_t la, uint64_t pa, DecodeCacheEntry& d) {
  const uint64_t rip = s.rip();
  uint8_t bytes[16] = {};
  const unsigned avail = static_cast<unsigned>(0x1000 - (pa & 0xFFF));
  const unsigned first = avail < 15 ? avail : 15;
  uint8_t* page = mem.ram_page(pa);
  if (page) std::memcpy(bytes, page + (pa & 0xFFF), first);
  else for (unsigned i = 0; i < first; ++i) bytes[i] = static_cast<uint8_t>(mem.read(pa + i, 1));
  Insn* out = page ? &d.insn : &scratch_insn;
  DecodeStatus st = decode(bytes, first, code_mode, *out);
  if (st == DecodeStatus::NeedMoreBytes) {
    // The instruction continues on the next page: fetch it (it may fault) and decode once,
    // without caching (a write to either page must be seen).
    uint64_t pa2;
    if (translate(*this, (la + first) & (long64 ? ~0ull : 0xFFFFFFFFull), Access::Fetch, pa2) != Exec::Ok)
      return nullptr;
    for (unsigned i = first; i < 15; ++i) bytes[i] = static_cast<uint8_t>(mem.read(pa2 + (i - first), 1));
    out = &scratch_insn;
    st = decode(bytes, 15, code_mode, *out);
  }
  if (st != DecodeStatus::Ok) {
    if (st == DecodeStatus::TooLong) gp(0);
    else ud();
    return nullptr;
  }
  bind(*out);
  if (!long64 && rip + out->len - 1 > s.seg[CS].limit) {
    gp(0);
    return nullptr;
  }
  if (out == &d.insn) {
    d.pa = pa;
    d.next = d.target = nullptr;
    d.mode = code_mode;
    const uint64_t epoch = mem.code_mark_epoch();
    mem.mark_code(pa);
    if (mem.code_mark_epoch() != epoch) {
      // The page now holds decoded code: stop writing it through cached host pointers.
      const uint64_t pg = pa & ~0xFFFull;
      for (TlbEntry& t : tlb)
        if (t.pa == pg) t.host_w = nullptr;
    }
    d.gen = mem.generation(pa);
  }
  return out;
}

StopReason Cpu::run(uint64_t max_insns) {
  const uint64_t end = icount + max_insns;
  stop_reason = StopReason::None;
  for (;;) {
    if (halted) [[unlikely]] {
      if (in_shutdown) return stop_reason = StopReason::TripleFault;
      if (!check_events()) return stop_reason;
      continue;
    }
    if (icount >= end) [[unlikely]]
      return StopReason::InsnLimit;
    const uint64_t pre_flags = s.rflags;
    if (dr7_exec && !(pre_flags & rf::RF)) [[unlikely]] {
      if (code_breakpoint()) {
        if (!deliver_exception()) return StopReason::TripleFault;
        continue;
      }
    }
    const Insn* in = fetch();
    if (!in) [[unlikely]] {
      insn_rip = s.rip();
      if (!deliver_exception()) return StopReason::TripleFault;
      continue;
    }
    insn_rip = s.rip();
    s.rip() = long64 ? insn_rip + in->len : (insn_rip + in->len) & 0xFFFFFFFFull;
    const Exec r = in->fn(*this, *in);
    if (r == Exec::Ok) [[likely]] {
      ++icount;
      clock += in->cost;
      if (pre_flags & (rf::TF | rf::RF)) [[unlikely]]
        if (!single_step(pre_flags, *in)) return StopReason::TripleFault;
      if (clock >= next_check) [[unlikely]]
        if (!check_events()) return stop_reason;
      continue;
    }
    switch (r) {
      case Exec::Fault:
        s.rip() = insn_rip;
        db_hits = 0;  // an instruction that faults reports no data breakpoint
        if (!deliver_exception()) return StopReason::TripleFault;
        break;
      case Exec::Stop:
        ++icount;
        clock += in->cost;
        stop_requested = false;
        return StopReason::Requested;
      case Exec::Halt:
        ++icount;
        clock += in->cost;
        if (pre_flags & rf::TF) {  // the single-step trap is the event that ends HLT
          if (!single_step(pre_flags, *in)) return StopReason::TripleFault;
          break;
        }
        halted = true;
        halt_kind = HaltKind::Hlt;
        break;
      case Exec::VmTransition:
        // VM entry or exit: the instruction is done and the state replaced; pending events
        // are looked at again (SDM Vol. 3C 26.6, 27.5).
        ++icount;
        clock += in->cost;
        chain_ = nullptr;
        // Events pending at the transition (an interrupt the guest is open to, a timer) are
        // recognised before the first instruction after it.
        if (!check_events()) return stop_reason;
        break;
      case Exec::Event:
        ++icount;
        clock += in->cost;
        if (!deliver(soft_event.vector, static_cast<EventKind>(soft_event.kind), false, 0))
          return StopReason::TripleFault;
        break;
      case Exec::Ok: break;
    }
  }
}

// Interrupt shadow, external interrupts and HLT wake-up (SDM Vol. 3 6.8.3, 6.9).
// Returns false when the machine must stop (stop_reason says why).
bool Cpu::check_events() {
  if (in_shutdown) [[unlikely]] {
    stop_reason = StopReason::TripleFault;
    return false;
  }
  if (vmx_poll) [[unlikely]] {
    // VMX controls that act between guest instructions (monitor trap flag, preemption
    // timer, interrupt window): asked at every instruction boundary while they are active.
    chain_ = nullptr;
    if (vmx->after_instruction(*this) || vmx->before_instruction(*this)) {
      next_check = 0;
      return true;
    }
    const bool r = check_pending_events();
    next_check = 0;
    return r;
  }
  return check_pending_events();
}

bool Cpu::check_pending_events() {
  next_check = ~0ull;
  if (db_hits && !(shadow_armed && shadow_blocks_debug)) {
    if (!debug_trap()) {
      stop_reason = StopReason::TripleFault;
      return false;
    }
    next_check = 0;
    return true;
  }
  if (shadow_armed) {
    // The instruction that just retired (STI, MOV SS, POP SS) blocks events until the
    // next one retires.
    shadow_armed = false;
    interrupt_shadow = true;
    next_check = 0;
    return true;
  }
  interrupt_shadow = false;
  if (nmi_pending && !nmi_blocked && !(halted && halt_kind == HaltKind::WaitForSipi)) {
    nmi_pending = false;
    nmi_blocked = true;
    insn_rip = s.rip();
    // (Still halted while delivering: a VM exit the NMI causes saves the activity state.)
    const bool delivered = deliver(kNMI, EventKind::Nmi, false, 0);
    halted = false;
    if (!delivered) {
      stop_reason = StopReason::TripleFault;
      return false;
    }
    next_check = 0;
    return true;
  }
  if (halted && halt_kind != HaltKind::Hlt) {
    // Shutdown or wait-for-SIPI activity state (VMX): interrupts do not wake it, and no NMI,
    // INIT, SMI or SIPI can come on this machine.
    log_msg(halt_kind == HaltKind::Shutdown
                ? "the guest is in the shutdown activity state; only an NMI, INIT or SMI would wake it"
                : "the guest is in the wait-for-SIPI activity state; no other processor can send it a SIPI");
    stop_reason = StopReason::Halted;
    return false;
  }
  if (!intc) {
    if (halted) {
      stop_reason = StopReason::Halted;
      return false;
    }
    return true;
  }
  intc->advance(clock);
  if (s.rflags & rf::IF) {
    const int v = intc->pending_vector();
    if (v >= 0 && non_root && vmx->intercept_external_interrupt(*this)) {
      // "External-interrupt exiting": a VM exit instead (SDM Vol. 3C 25.2).
      halted = false;
      next_check = 0;
      return true;
    }
    if (v >= 0) {
      intc->acknowledge(v);
      halted = false;
      insn_rip = s.rip();
      if (!deliver(static_cast<uint8_t>(v), EventKind::External, false, 0)) {
        stop_reason = StopReason::TripleFault;
        return false;
      }
      next_check = 0;  // another may be pending
      return true;
    }
  }
  const uint64_t next = intc->next_event(clock);
  if (halted) {
    if (next == ~0ull || !(s.rflags & rf::IF)) {
      // Nothing can wake the processor (SDM: HLT resumes only on an interrupt, NMI,
      // SMI, INIT or reset; an NMI already pending was taken above): stop cleanly.
      stop_reason = StopReason::Halted;
      return false;
    }
    clock = next > clock ? next : clock;  // sleep until the next timer event
    next_check = 0;
    return true;
  }
  next_check = next;
  return true;
}

void Cpu::dr7_changed() {
  const uint8_t old_data = dr7_data;
  dr7_exec = dr7_data = dr7_io = 0;
  for (unsigned n = 0; n < 4; ++n) {
    if (!((s.dr[7] >> (2 * n)) & 3)) continue;
    const unsigned rw = (s.dr[7] >> (16 + 4 * n)) & 3;
    if (rw == 0) dr7_exec |= 1u << n;
    else if (rw == 2) dr7_io |= (s.cr4 & cr4::DE) ? 1u << n : 0;  // R/W 10 without DE is undefined
    else dr7_data |= 1u << n;
  }
  // Armed data breakpoints need every access on the slow path: translations are then not
  // cached for the fast paths (mmu.cpp), and what was cached goes.
  if (dr7_data && !old_data) flush_tlb();
}

// Data and I/O breakpoints (SDM 17.3.1.2): a trap after the instruction; LEN 00 = 1 byte,
// 01 = 2, 11 = 4, 10 = 8, the address aligned to it.
void Cpu::check_data_breakpoints(uint64_t addr, unsigned size, bool write, bool io) {
  const uint8_t armed = io ? dr7_io : dr7_data;
  for (unsigned n = 0; n < 4; ++n) {
    if (!((armed >> n) & 1)) continue;
    const unsigned rw = (s.dr[7] >> (16 + 4 * n)) & 3;
    if (!io && rw == 1 && !write) continue;  // write-only breakpoint
    static const uint64_t kLen[4] = {1, 2, 8, 4};
    const uint64_t len = kLen[(s.dr[7] >> (18 + 4 * n)) & 3];
    const uint64_t lo = s.dr[n] & ~(len - 1);
    if (addr < lo + len && lo < addr + size) {
      db_hits |= 1u << n;
      next_check = 0;
    }
  }
}

// Instruction breakpoints (SDM 17.3.1.1): checked before the fetch, highest priority.
bool Cpu::code_breakpoint() {
  const uint64_t la = long64 ? s.rip() : (seg_base[CS] + s.rip()) & 0xFFFFFFFFull;
  unsigned hit = 0;
  for (unsigned n = 0; n < 4; ++n)
    if (((dr7_exec >> n) & 1) && s.dr[n] == la) hit |= 1u << n;
  if (!hit) return false;
  s.dr[6] = (s.dr[6] & ~0xFull) | hit;
  insn_rip = s.rip();
  db_class = DbClass::CodeBreakpoint;
  raise(kDB);
  return true;
}

// After an instruction retired: RF is cleared (SDM 17.3.1.1), and an instruction that began
// with TF = 1 ends in a single-step #DB trap with DR6.BS (17.3.1.4), unless MOV SS/POP SS
// holds it back until the next instruction. Returns false on shutdown.
bool Cpu::single_step(uint64_t pre_flags, const Insn& in) {
  if (pre_flags & rf::RF) s.rflags &= ~rf::RF;
  if (!(pre_flags & rf::TF) || (shadow_armed && shadow_blocks_debug)) return true;
  // IA32_DEBUGCTL.BTF: TF traps only after an instruction that branched (SDM Vol. 3 17.4.3):
  // jumps, calls and returns of every kind, and a conditional branch that was taken (one
  // whose target is the next instruction counts as not taken: they cannot be told apart).
  if (s.debugctl & 2) {
    const auto cat = static_cast<ZydisInstructionCategory>(in.category);
    const uint64_t next = long64 ? insn_rip + in.len : (insn_rip + in.len) & 0xFFFFFFFFull;
    const bool branched = cat == ZYDIS_CATEGORY_UNCOND_BR || cat == ZYDIS_CATEGORY_CALL || cat == ZYDIS_CATEGORY_RET ||
                          cat == ZYDIS_CATEGORY_SYSCALL || cat == ZYDIS_CATEGORY_SYSRET ||
                          (cat == ZYDIS_CATEGORY_COND_BR && s.rip() != next);
    if (!branched) return true;
  }
  s.dr[6] |= 1u << 14;
  return debug_trap();
}

// Delivers the #DB trap for this instruction: data/I/O breakpoint hits in DR6.B0-3 (with
// BS already set by single_step when TF caused it too).
bool Cpu::debug_trap() {
  if (db_hits) s.dr[6] = (s.dr[6] & ~0xFull) | db_hits;
  db_hits = 0;
  db_class = DbClass::Trap;
  halted = false;
  return deliver(kDB, EventKind::Exception, false, 0);
}

std::string Cpu::describe_at(uint64_t rip) {
  uint8_t bytes[15] = {};
  for (unsigned i = 0; i < 15; ++i) {
    const uint64_t la = long64 ? rip + i : ((seg_base[CS] + rip + i) & 0xFFFFFFFFull);
    uint64_t v = 0;
    if (read_slow(*this, la, 1, v, Access::Read) != Exec::Ok) break;
    bytes[i] = static_cast<uint8_t>(v);
  }
  fault = {};
  char text[96];
  format_insn(bytes, sizeof bytes, code_mode, rip, text, sizeof text);
  char buf[160];
  std::snprintf(buf, sizeof buf, "%04x:%llx %s", s.seg[CS].sel, static_cast<unsigned long long>(rip), text);
  return buf;
}

}  // namespace vp
