// Local APIC rules not visible from a single guest run: IA32_APIC_BASE transitions
// (SDM Vol. 3 10.12.5 Figure 10-27), the divide configuration (Figure 10-10), one-shot vs
// periodic counting, priority (10.8.3.1) and x2APIC MSR access rules (Table 10-6).
#include <catch2/catch.hpp>

#include "vp/platform/machine.h"

using namespace vp;

namespace {
struct Fixture {
  Machine m{MachineConfig{16ull << 20, nullptr, nullptr}};
  LocalApic& apic = m.apic;
  uint32_t rd(unsigned off) { return static_cast<uint32_t>(apic.mmio_read(off, 4)); }
  void wr(unsigned off, uint32_t v) { apic.mmio_write(off, 4, v); }
};
constexpr uint64_t kBase = LocalApic::kDefaultBase;
}  // namespace

TEST_CASE("IA32_APIC_BASE: reset value and the legal mode transitions", "[platform][lapic]") {
  Fixture f;
  uint64_t v = 0;
  REQUIRE(f.apic.read_msr(0x1B, v));
  CHECK(v == (kBase | LocalApic::kBaseBsp | LocalApic::kBaseEnable));
  // xAPIC -> x2APIC is allowed; x2APIC -> xAPIC directly is not; EXTD without EN is invalid.
  CHECK(f.apic.write_msr(0x1B, kBase | LocalApic::kBaseEnable | LocalApic::kBaseX2apic));
  CHECK_FALSE(f.apic.write_msr(0x1B, kBase | LocalApic::kBaseEnable));
  CHECK_FALSE(f.apic.write_msr(0x1B, kBase | LocalApic::kBaseX2apic));
  // x2APIC -> disabled -> x2APIC directly is not allowed; via xAPIC it is.
  CHECK(f.apic.write_msr(0x1B, kBase));
  CHECK_FALSE(f.apic.write_msr(0x1B, kBase | LocalApic::kBaseEnable | LocalApic::kBaseX2apic));
  CHECK(f.apic.write_msr(0x1B, kBase | LocalApic::kBaseEnable));
  CHECK_FALSE(f.apic.write_msr(0x1B, kBase | LocalApic::kBaseEnable | (1ull << 40)));  // above MAXPHYADDR
  CHECK_FALSE(f.apic.write_msr(0x1B, 0xFED00000 | LocalApic::kBaseEnable));          // relocation: unsupported
}

TEST_CASE("disabling the APIC resets it; MMIO then reads all ones", "[platform][lapic]") {
  Fixture f;
  f.wr(0xF0, 0x1FF);
  f.wr(0x80, 0x30);
  CHECK(f.rd(0x80) == 0x30);
  REQUIRE(f.apic.write_msr(0x1B, kBase));
  CHECK(f.rd(0x80) == 0xFFFFFFFFu);
  REQUIRE(f.apic.write_msr(0x1B, kBase | LocalApic::kBaseEnable));
  CHECK(f.rd(0x80) == 0);
  CHECK(f.rd(0xF0) == 0xFF);
  CHECK(f.rd(0x320) == 0x10000);  // LVT timer masked after reset
}

TEST_CASE("timer: divide configuration, one-shot and periodic counts", "[platform][lapic]") {
  Fixture f;
  f.wr(0xF0, 0x100);
  const struct {
    uint32_t cfg;
    uint64_t div;
  } divs[] = {{0x0, 2}, {0x1, 4}, {0x2, 8}, {0x3, 16}, {0x8, 32}, {0x9, 64}, {0xA, 128}, {0xB, 1}};
  for (const auto& d : divs) {
    f.m.cpu.clock = 1000;
    f.wr(0x3E0, d.cfg);
    f.wr(0x320, 0x30);  // one-shot, vector 30
    f.wr(0x380, 100);
    f.m.cpu.clock = 1000 + 10 * d.div;
    CHECK(f.rd(0x390) == 90);
    f.m.cpu.clock = 1000 + 100 * d.div;
    f.apic.advance(f.m.cpu.clock);
    CHECK(f.rd(0x390) == 0);
    CHECK(f.apic.pending_vector() == 0x30);
    f.apic.acknowledge(0x30);
    f.wr(0xB0, 0);
    f.m.cpu.clock += 1000 * d.div;
    f.apic.advance(f.m.cpu.clock);
    CHECK(f.apic.pending_vector() == -1);  // one-shot: stays at 0, no second interrupt
  }
  f.m.cpu.clock = 0;
  f.wr(0x3E0, 0xB);
  f.wr(0x320, 0x20031);  // periodic, vector 31
  f.wr(0x380, 50);
  f.m.cpu.clock = 120;
  f.apic.advance(f.m.cpu.clock);
  CHECK(f.rd(0x390) == 30);  // reloaded at 100, 20 cycles into the second period
  CHECK(f.apic.pending_vector() == 0x31);
  CHECK(f.apic.next_event(f.m.cpu.clock) == 150);
  f.wr(0x320, 0x30031);  // masked: nothing can wake a halted CPU
  CHECK(f.apic.next_event(f.m.cpu.clock) == ~0ull);
}

TEST_CASE("priority: TPR and in-service class gate delivery; EOI clears the highest ISR bit", "[platform][lapic]") {
  Fixture f;
  f.wr(0xF0, 0x100);
  f.wr(0x300, 0x40045);  // self IPI 45h
  CHECK(f.apic.pending_vector() == 0x45);
  f.wr(0x80, 0x40);  // TPR class 4 blocks class 4
  CHECK(f.apic.pending_vector() == -1);
  CHECK(f.rd(0xA0) == 0x40);  // PPR
  f.wr(0x80, 0);
  f.apic.acknowledge(0x45);
  f.wr(0x300, 0x40043);  // same class as the one in service: held
  CHECK(f.apic.pending_vector() == -1);
  f.wr(0x300, 0x40051);  // higher class: delivered
  CHECK(f.apic.pending_vector() == 0x51);
  f.wr(0xB0, 0);  // EOI of 45h
  CHECK(f.rd(0x100 + 0x20) == 0);  // ISR bits 95:64 clear
  CHECK(f.apic.pending_vector() == 0x51);
  f.wr(0x300, 0x40005);  // vectors 0-15 are illegal: ESR bit 6, visible after an ESR write
  CHECK(f.rd(0x280) == 0);
  f.wr(0x280, 0);
  CHECK(f.rd(0x280) == (1u << 6));
  f.wr(0x280, 0);
  CHECK(f.rd(0x280) == 0);
}

TEST_CASE("x2APIC MSRs: read-only, write-only and absent registers raise #GP", "[platform][lapic]") {
  Fixture f;
  uint64_t v;
  CHECK_FALSE(f.apic.read_msr(0x802, v));  // not in x2APIC mode yet
  REQUIRE(f.apic.write_msr(0x1B, kBase | LocalApic::kBaseEnable | LocalApic::kBaseX2apic));
  CHECK(f.apic.read_msr(0x803, v));
  CHECK(v == 0x00060015);
  CHECK_FALSE(f.apic.write_msr(0x802, 1));  // ID is read-only
  CHECK_FALSE(f.apic.read_msr(0x80B, v));   // EOI is write-only
  CHECK_FALSE(f.apic.write_msr(0x80B, 1));  // non-zero EOI
  CHECK(f.apic.write_msr(0x80B, 0));
  CHECK_FALSE(f.apic.read_msr(0x80E, v));   // DFR does not exist in x2APIC mode
  CHECK_FALSE(f.apic.read_msr(0x83F, v));   // SELF IPI is write-only
  CHECK(f.apic.read_msr(0x80D, v));
  CHECK(v == 1);                            // LDR derived from the ID
  CHECK(f.rd(0x30) == 0xFFFFFFFFu);         // the xAPIC window is off in x2APIC mode
}
