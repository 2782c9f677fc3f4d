#include "vp/platform/local_apic.h"

namespace vp {
namespace {

// Register indices: xAPIC offset >> 4, x2APIC MSR - 800H (SDM Vol. 3 Table 10-1, 10-6).
enum Reg : unsigned {
  kId = 0x02, kVersion = 0x03, kTpr = 0x08, kApr = 0x09, kPpr = 0x0A, kEoi = 0x0B, kLdr = 0x0D, kDfr = 0x0E,
  kSvr = 0x0F, kIsr = 0x10, kTmr = 0x18, kIrr = 0x20, kEsr = 0x28, kLvtCmci = 0x2F, kIcrLo = 0x30, kIcrHi = 0x31,
  kLvtTimer = 0x32, kLvtError = 0x37, kInitialCount = 0x38, kCurrentCount = 0x39, kDivide = 0x3E, kSelfIpi = 0x3F,
};
// Version: 15H, six LVT entries after the first (CMCI ... error), as Skylake client parts report.
constexpr uint32_t kVersionValue = 0x00060015;
constexpr uint32_t kMasked = 1u << 16;
constexpr uint32_t kTimerPeriodic = 1u << 17;

unsigned lvt_slot(unsigned index) { return index == kLvtCmci ? 0 : index - kLvtTimer + 1; }
uint32_t lvt_writable(unsigned index) {
  switch (index) {
    case kLvtTimer: return 0x300FF;     // vector, mask, periodic (TSC-deadline not advertised)
    case 0x35: case 0x36: return 0x1A7FF;  // LINT0/1: vector, mode, polarity, trigger, mask
    case kLvtError: return 0x100FF;
    default: return 0x107FF;
  }
}

}  // namespace

LocalApic::LocalApic(Cpu& cpu) : cpu_(cpu) { reset(); }

void LocalApic::reset() {
  base_msr_ = kDefaultBase | kBaseBsp | kBaseEnable;
  tpr_ = ldr_ = esr_ = esr_pending_ = icr_hi_ = icr_lo_ = 0;
  dfr_ = 0xFFFFFFFF;
  svr_ = 0xFF;
  for (unsigned k = 0; k < 8; ++k) isr_[k] = irr_[k] = tmr_[k] = 0;
  for (uint32_t& l : lvt_) l = kMasked;
  initial_count_ = divide_ = 0;
  timer_deadline_ = ~0ull;
}

void LocalApic::set_irr(uint8_t v) {
  if (v < 16) {
    esr_pending_ |= 1u << 6;  // received illegal vector
    return;
  }
  irr_[v >> 5] |= 1u << (v & 31);
  changed();
}

int LocalApic::highest(const uint32_t* bits) const {
  for (int k = 7; k >= 0; --k)
    if (bits[k]) return k * 32 + 31 - __builtin_clz(bits[k]);
  return -1;
}

// Processor priority (SDM 10.8.3.1).
uint32_t LocalApic::ppr() const {
  const int isrv = highest(isr_);
  const uint32_t isr_class = isrv < 0 ? 0 : static_cast<uint32_t>(isrv) & 0xF0;
  return (tpr_ & 0xF0) >= isr_class ? tpr_ : isr_class;
}

int LocalApic::pending_vector() {
  if (!(base_msr_ & kBaseEnable) || !software_enabled()) return -1;
  const int v = highest(irr_);
  if (v < 0 || static_cast<uint32_t>(v & 0xF0) <= (ppr() & 0xF0)) return -1;
  return v;
}

void LocalApic::acknowledge(int v) {
  irr_[v >> 5] &= ~(1u << (v & 31));
  isr_[v >> 5] |= 1u << (v & 31);
}

void LocalApic::eoi() {
  const int v = highest(isr_);
  if (v >= 0) isr_[v >> 5] &= ~(1u << (v & 31));
  changed();
}

void LocalApic::write_tpr(uint8_t v) {
  tpr_ = v;
  changed();
}

// Divide configuration bits 3, 1:0 (SDM Figure 10-10): 000 = 2 ... 110 = 128, 111 = 1.
uint64_t LocalApic::divisor() const {
  const unsigned d = (divide_ & 3) | ((divide_ >> 1) & 4);
  return d == 7 ? 1 : 2ull << d;
}

void LocalApic::start_timer(uint64_t now) {
  timer_start_ = now;
  timer_deadline_ = initial_count_ ? now + uint64_t{initial_count_} * divisor() : ~0ull;
  changed();
}

uint32_t LocalApic::current_count(uint64_t now) const {
  if (timer_deadline_ == ~0ull || now >= timer_deadline_) return 0;
  return static_cast<uint32_t>((timer_deadline_ - now + divisor() - 1) / divisor());
}

void LocalApic::advance(uint64_t now) {
  if (timer_deadline_ > now) return;
  const uint32_t lvt = lvt_[1];
  if (!(lvt & kMasked)) set_irr(static_cast<uint8_t>(lvt));
  if ((lvt & kTimerPeriodic) && initial_count_) {
    // Periodic: reload; periods that passed while nobody looked raise one interrupt (IRR is a bit).
    const uint64_t period = uint64_t{initial_count_} * divisor();
    const uint64_t missed = (now - timer_deadline_) / period;
    timer_start_ = timer_deadline_ + missed * period;
    timer_deadline_ = timer_start_ + period;
  } else {
    timer_deadline_ = ~0ull;  // one-shot: the count stays at 0
  }
}

uint64_t LocalApic::next_event(uint64_t) {
  // Only an expiry that raises an interrupt can wake the CPU.
  if ((lvt_[1] & kMasked) || !software_enabled() || !(base_msr_ & kBaseEnable)) return ~0ull;
  return timer_deadline_;
}

uint32_t LocalApic::read_reg(unsigned index) {
  const bool x2 = base_msr_ & kBaseX2apic;
  switch (index) {
    case kId: return x2 ? id_ : id_ << 24;
    case kVersion: return kVersionValue;
    case kTpr: return tpr_;
    case kApr: return 0;
    case kPpr: return ppr();
    case kLdr: return x2 ? ((id_ >> 4) << 16) | (1u << (id_ & 15)) : ldr_;
    case kDfr: return dfr_;
    case kSvr: return svr_;
    case kEsr: return esr_;
    case kIcrLo: return icr_lo_ & ~(1u << 12);  // delivery status: idle
    case kIcrHi: return icr_hi_;
    case kInitialCount: return initial_count_;
    case kCurrentCount: return current_count(cpu_.clock);
    case kDivide: return divide_;
    default:
      if (index >= kIsr && index < kIsr + 8) return isr_[index - kIsr];
      if (index >= kTmr && index < kTmr + 8) return tmr_[index - kTmr];
      if (index >= kIrr && index < kIrr + 8) return irr_[index - kIrr];
      if (index == kLvtCmci || (index >= kLvtTimer && index <= kLvtError)) return lvt_[lvt_slot(index)];
      return 0;
  }
}

bool LocalApic::write_reg(unsigned index, uint64_t value, bool x2) {
  const uint32_t v = static_cast<uint32_t>(value);
  switch (index) {
    case kTpr: write_tpr(static_cast<uint8_t>(v)); return true;
    case kEoi:
      if (x2 && v) return false;  // x2APIC: a non-zero EOI write is #GP (SDM 10.12.1.2)
      eoi();
      return true;
    case kLdr:
      if (x2) return false;
      ldr_ = v & 0xFF000000;
      return true;
    case kDfr:
      if (x2) return false;
      dfr_ = v | 0x0FFFFFFF;
      return true;
    case kSvr:
      svr_ = v & 0x11FF;
      if (!software_enabled())
        for (uint32_t& l : lvt_) l |= kMasked;  // SDM 10.4.7.2
      changed();
      return true;
    case kEsr:
      // A write latches the errors seen since the last write (SDM 10.5.3).
      esr_ = esr_pending_;
      esr_pending_ = 0;
      return true;
    case kIcrLo: {
      icr_lo_ = v & 0xCFFFF;
      if (x2) icr_hi_ = static_cast<uint32_t>(value >> 32);
      const unsigned mode = (v >> 8) & 7, shorthand = (v >> 18) & 3;
      const uint32_t dest = x2 ? icr_hi_ : icr_hi_ >> 24;
      const bool to_self = shorthand == 1 || shorthand == 2 || (shorthand == 0 && dest == id_);
      // Fixed interrupts and NMIs to this CPU are delivered; INIT, SIPI and IPIs to other
      // CPUs are accepted and dropped (one vCPU).
      if (mode == 0 && to_self) set_irr(static_cast<uint8_t>(v));
      // NMI delivery mode (vector ignored): the self shorthand is valid only with fixed
      // delivery (SDM Table 10-3), so an NMI reaches this CPU through its own ID.
      if (mode == 4 && shorthand == 0 && dest == id_) cpu_.raise_nmi();
      return true;
    }
    case kIcrHi:
      if (x2) return false;
      icr_hi_ = v & 0xFF000000;
      return true;
    case kInitialCount:
      initial_count_ = v;
      start_timer(cpu_.clock);
      return true;
    case kDivide:
      divide_ = v & 0xB;
      start_timer(cpu_.clock);  // the remaining count restarts at the new rate (model choice)
      return true;
    case kSelfIpi:
      if (!x2) return false;
      set_irr(static_cast<uint8_t>(v));
      return true;
    default:
      if (index == kLvtCmci || (index >= kLvtTimer && index <= kLvtError)) {
        uint32_t nv = v & lvt_writable(index);
        if (!software_enabled()) nv |= kMasked;
        lvt_[lvt_slot(index)] = nv;
        changed();
        return true;
      }
      return false;  // read-only or reserved
  }
}

uint64_t LocalApic::mmio_read(uint64_t offset, unsigned size) {
  if (!mmio_enabled()) return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
  if ((offset & 0xF) >= 4) return 0;
  const uint64_t v = read_reg(static_cast<unsigned>(offset >> 4) & 0xFF) >> (8 * (offset & 3));
  return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
}

void LocalApic::mmio_write(uint64_t offset, unsigned size, uint64_t value) {
  // Registers are written with aligned 32-bit stores (SDM 10.4.1); other writes are dropped.
  if (!mmio_enabled() || (offset & 0xF) || size < 4) return;
  write_reg(static_cast<unsigned>(offset >> 4) & 0xFF, value & 0xFFFFFFFF, false);
}

bool LocalApic::read_msr(uint32_t msr, uint64_t& value) {
  if (msr == kMsrApicBase) {
    value = base_msr_;
    return true;
  }
  if (msr < 0x800 || msr > 0x8FF || !(base_msr_ & kBaseX2apic)) return false;
  const unsigned index = msr - 0x800;
  // Write-only or absent in x2APIC mode (SDM Table 10-6).
  if (index == kEoi || index == kSelfIpi || index == kDfr || index == kIcrHi || index == 0x0C) return false;
  const bool known = index == kId || index == kVersion || index == kTpr || index == kPpr || index == kLdr ||
                     index == kSvr || (index >= kIsr && index < kIrr + 8) || index == kEsr || index == kLvtCmci ||
                     index == kIcrLo || (index >= kLvtTimer && index <= kCurrentCount) || index == kDivide;
  if (!known) return false;
  value = index == kIcrLo ? (uint64_t{icr_hi_} << 32) | read_reg(kIcrLo) : read_reg(index);
  return true;
}

bool LocalApic::write_msr(uint32_t msr, uint64_t value) {
  if (msr == kMsrApicBase) {
    // IA32_APIC_BASE (SDM 10.4.4, 10.12.5; Vol. 4 Table 2-2, where BSP is "R/W"): the base
    // must stay at the MMIO window this machine maps; the xAPIC/x2APIC/disabled transitions
    // are checked.
    const uint64_t phys = (1ull << cpu_.model.maxphyaddr) - 1;
    if (value & ~(phys & ~0xFFFull) & ~(kBaseBsp | kBaseX2apic | kBaseEnable)) return false;
    if ((value & ~0xFFFull) != kDefaultBase) {
      cpu_.log_msg("relocating the local APIC (IA32_APIC_BASE) is not supported: #GP(0)");
      return false;
    }
    const bool en = value & kBaseEnable, x2 = value & kBaseX2apic;
    const bool was_en = base_msr_ & kBaseEnable, was_x2 = base_msr_ & kBaseX2apic;
    if (x2 && !en) return false;                 // invalid state
    if (was_x2 && en && !x2) return false;       // x2APIC -> xAPIC must go through disabled
    if (!was_en && en && x2) return false;       // disabled -> x2APIC must go through xAPIC
    if (was_en && !en) {
      reset();  // disabling resets the APIC (SDM 10.4.3)
      base_msr_ = value & ~kBaseEnable;
      changed();
      return true;
    }
    base_msr_ = value;
    changed();
    return true;
  }
  if (msr < 0x800 || msr > 0x8FF || !(base_msr_ & kBaseX2apic)) return false;
  const unsigned index = msr - 0x800;
  if (index != kIcrLo && (value >> 32)) return false;  // reserved upper half
  return write_reg(index, value, true);
}

}  // namespace vp
