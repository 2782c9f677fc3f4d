// Local APIC (SDM Vol. 3 chapter 10): xAPIC registers at the MMIO base and x2APIC through
// MSRs 800H–8FFH; TPR/PPR, EOI, spurious-vector register, ISR/IRR/TMR, ESR, the LVT timer
// (one-shot and periodic, with the divide register) driven by the CPU clock, ICR self-IPIs,
// and IA32_APIC_BASE. One vCPU: IPIs to other destinations (INIT, SIPI ...) are accepted
// and dropped. The timer counts CPU clock cycles divided by the divide configuration
// (docs/devices.md).
#pragma once
#include <cstdint>

#include "vp/core/cpu.h"
#include "vp/memory/phys_memory.h"

namespace vp {

class LocalApic final : public MmioDevice, public InterruptController {
 public:
  static constexpr uint64_t kDefaultBase = 0xFEE00000;
  static constexpr uint32_t kMsrApicBase = 0x1B;
  static constexpr uint64_t kBaseBsp = 1u << 8, kBaseX2apic = 1u << 10, kBaseEnable = 1u << 11;

  explicit LocalApic(Cpu& cpu);
  void reset();  // power-up state (SDM 10.4.7.1)

  // MmioDevice (xAPIC mode; reads all ones and ignores writes otherwise).
  uint64_t mmio_read(uint64_t offset, unsigned size) override;
  void mmio_write(uint64_t offset, unsigned size, uint64_t value) override;
  // MSR access for IA32_APIC_BASE and the x2APIC range; false = the access raises #GP(0).
  bool read_msr(uint32_t msr, uint64_t& value);
  bool write_msr(uint32_t msr, uint64_t value);

  // InterruptController
  int pending_vector() override;
  void acknowledge(int vector) override;
  uint64_t next_event(uint64_t now) override;
  void advance(uint64_t now) override;
  uint8_t read_tpr() override { return static_cast<uint8_t>(tpr_); }
  void write_tpr(uint8_t v) override;

  uint64_t apic_base() const { return base_msr_; }
  bool mmio_enabled() const { return (base_msr_ & kBaseEnable) && !(base_msr_ & kBaseX2apic); }

 private:
  // Register file indexed by (offset >> 4) as in the xAPIC page (x2APIC MSR = 800H + index).
  uint32_t read_reg(unsigned index);
  // Returns false for a write the register does not accept (read-only / reserved).
  bool write_reg(unsigned index, uint64_t value, bool x2apic);
  void set_irr(uint8_t vector);
  int highest(const uint32_t* bits) const;
  uint32_t ppr() const;
  void eoi();
  uint64_t divisor() const;
  void start_timer(uint64_t now);
  uint32_t current_count(uint64_t now) const;
  bool software_enabled() const { return svr_ & 0x100; }
  void changed() { cpu_.next_check = 0; }

  Cpu& cpu_;
  uint64_t base_msr_ = 0;
  uint32_t id_ = 0, tpr_ = 0, ldr_ = 0, dfr_ = 0xFFFFFFFF, svr_ = 0xFF, esr_ = 0, esr_pending_ = 0, icr_hi_ = 0, icr_lo_ = 0;
  uint32_t isr_[8] = {}, irr_[8] = {}, tmr_[8] = {};
  uint32_t lvt_[7] = {};  // CMCI, timer, thermal, perf, LINT0, LINT1, error
  uint32_t initial_count_ = 0, divide_ = 0;
  uint64_t timer_start_ = 0;     // clock when the count was (re)loaded
  uint64_t timer_deadline_ = ~0ull;  // clock at which the count reaches 0, or none
};

}  // namespace vp
