// Platform devices: 16550 UART, port 0xE9, isa-debug-exit, fw_cfg, 8259 sink, ports 0x92/0x80.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "vp/memory/io_bus.h"
#include "vp/platform/devices.h"

using namespace vp;

namespace {
constexpr uint16_t kCom1 = Uart16550::kCom1Base;
constexpr uint16_t kThr = kCom1 + 0, kIer = kCom1 + 1, kIir = kCom1 + 2, kLcr = kCom1 + 3, kMcr = kCom1 + 4,
                   kLsr = kCom1 + 5, kMsr = kCom1 + 6, kScr = kCom1 + 7;

struct Machine {
  std::string serial;
  std::string debugcon;
  IoBus bus;
  Devices dev;
  explicit Machine(uint64_t ram = 64ull << 20, uint16_t cpus = 2)
      : dev(DeviceConfig{[this](uint8_t b) { serial.push_back(static_cast<char>(b)); },
                         [this](uint8_t b) { debugcon.push_back(static_cast<char>(b)); }, ram, cpus}) {
    dev.map_on(bus);
  }
  uint8_t in8(uint16_t port) { return static_cast<uint8_t>(bus.read(port, 1)); }
  void out8(uint16_t port, uint8_t v) { bus.write(port, 1, v); }
  // Linux early_serial / SeaBIOS style: wait for THRE, then write THR.
  bool putc_polling(char c) {
    for (int spin = 0; spin < 1000; ++spin) {
      if (in8(kLsr) & 0x20) {
        out8(kThr, static_cast<uint8_t>(c));
        return true;
      }
    }
    return false;
  }
  std::vector<uint8_t> fw_cfg_read(uint16_t key, size_t n) {
    bus.write(FwCfg::kSelectorPort, 2, key);
    std::vector<uint8_t> out;
    for (size_t i = 0; i < n; ++i) out.push_back(in8(FwCfg::kDataPort));
    return out;
  }
};
}  // namespace

TEST_CASE("UART: divisor latch round-trips and is separate from THR/IER", "[platform]") {
  Machine m;
  m.out8(kIer, 0x05);
  m.out8(kLcr, 0x83);  // DLAB | 8N1
  m.out8(kThr, 0x01);  // DLL: 115200 baud
  m.out8(kIer, 0x02);  // DLM
  CHECK(m.in8(kThr) == 0x01);
  CHECK(m.in8(kIer) == 0x02);
  CHECK(m.dev.com1.divisor() == 0x0201);
  CHECK(m.serial.empty());  // writing DLL sends nothing
  m.out8(kLcr, 0x03);
  CHECK(m.in8(kLcr) == 0x03);
  CHECK(m.in8(kIer) == 0x05);  // IER kept its value under the latch
  m.out8(kLcr, 0x83);
  CHECK(m.in8(kThr) == 0x01);
  CHECK(m.in8(kIer) == 0x02);
}

TEST_CASE("UART: LSR says THRE and TEMT always, DR only with queued input", "[platform]") {
  Machine m;
  CHECK(m.in8(kLsr) == 0x60);
  m.out8(kThr, 'x');
  CHECK(m.in8(kLsr) == 0x60);  // transmission is instantaneous
  REQUIRE(m.dev.com1.push_input('a'));
  CHECK(m.in8(kLsr) == 0x61);
  CHECK(m.in8(kThr) == 'a');
  CHECK(m.in8(kLsr) == 0x60);
  // Without FIFOs only one byte is held; a second is an overrun, reported once by LSR.
  REQUIRE(m.dev.com1.push_input('b'));
  CHECK_FALSE(m.dev.com1.push_input('c'));
  CHECK(m.in8(kLsr) == 0x63);
  CHECK(m.in8(kLsr) == 0x61);
  CHECK(m.in8(kThr) == 'b');
  // With FIFOs enabled, 16 bytes fit.
  m.out8(kIir, 0x07);
  CHECK(m.dev.com1.rx_free() == Uart16550::kFifoDepth);
  for (int i = 0; i < 16; ++i) CHECK(m.dev.com1.push_input(static_cast<uint8_t>(i)));
  CHECK_FALSE(m.dev.com1.push_input(0xFF));
  m.out8(kIir, 0x03);  // clear the receive FIFO
  CHECK((m.in8(kLsr) & 0x01) == 0);
}

TEST_CASE("UART: polled bytes reach the sink; MSR, SCR, IIR and loopback", "[platform]") {
  Machine m;
  for (char c : std::string("Hello, world\n")) REQUIRE(m.putc_polling(c));
  CHECK(m.serial == "Hello, world\n");

  m.out8(kScr, 0x5A);
  CHECK(m.in8(kScr) == 0x5A);
  CHECK(m.in8(kMsr) == 0xB0);  // DCD, DSR, CTS

  CHECK(m.in8(kIir) == 0x01);  // no interrupt
  m.out8(kIer, 0x02);          // THR empty interrupt: raised at once
  CHECK(m.in8(kIir) == 0x02);
  CHECK(m.in8(kIir) == 0x01);  // cleared by the IIR read that reported it
  m.out8(kThr, '!');           // sent; THR empty again
  m.out8(kMcr, 0x08);          // OUT2 gates INTR on a PC
  CHECK(m.dev.com1.irq_asserted());
  CHECK(m.in8(kIir) == 0x02);
  CHECK_FALSE(m.dev.com1.irq_asserted());
  m.out8(kIer, 0x03);
  m.dev.com1.push_input('z');
  CHECK(m.in8(kIir) == 0x04);  // received data outranks THR empty
  m.out8(kIir, 0x01);          // FIFOs on: IIR bits 7:6 set (and the FIFO is cleared)
  CHECK((m.in8(kIir) & 0xC0) == 0xC0);
  m.out8(kIer, 0x00);

  // Linux's loopback probe: MCR = LOOP | OUT2 | RTS must read MSR[7:4] = DCD | CTS.
  m.out8(kMcr, 0x1A);
  CHECK((m.in8(kMsr) & 0xF0) == 0x90);
  m.serial.clear();
  m.out8(kThr, 'L');
  CHECK(m.serial.empty());
  CHECK((m.in8(kLsr) & 0x01) == 0x01);
  CHECK(m.in8(kThr) == 'L');
  m.out8(kMcr, 0x03);
  m.out8(kThr, 'N');
  CHECK(m.serial == "N");
}

TEST_CASE("UART: 16-bit accesses split into byte accesses", "[platform]") {
  Machine m;
  m.bus.write(kLcr, 2, 0x0083);  // LCR = 0x83, MCR = 0x00
  m.bus.write(kThr, 2, 0x0C01);  // DLL = 1, DLM = 0x0C
  CHECK(m.dev.com1.divisor() == 0x0C01);
  CHECK(m.bus.read(kThr, 2) == 0x0C01);
  CHECK(m.bus.read(kScr, 2) == 0xFF00);  // SCR, then port 0x400 which no device decodes
}

TEST_CASE("port 0xE9 debug console: writes reach the sink, reads return 0xE9", "[platform]") {
  Machine m;
  for (char c : std::string("e9!")) m.out8(0xE9, static_cast<uint8_t>(c));
  CHECK(m.debugcon == "e9!");
  CHECK(m.in8(0xE9) == 0xE9);
  CHECK(m.serial.empty());
}

TEST_CASE("isa-debug-exit: status is (value << 1) | 1 for writes of any size", "[platform]") {
  struct Case {
    unsigned size;
    uint32_t value;
    int status;
  };
  for (const Case& c : {Case{1, 0, 1}, Case{1, 1, 3}, Case{1, 0x10, 0x21}, Case{2, 0x10, 0x21}, Case{4, 0x10, 0x21},
                        Case{2, 0x1234, 0x2469}, Case{4, 0x7FFFFFFF, -1}}) {
    Machine m;
    CHECK_FALSE(m.dev.debug_exit.requested());
    m.bus.write(DebugExit::kDefaultBase, c.size, c.value);
    CHECK(m.dev.debug_exit.requested());
    CHECK(m.dev.debug_exit.value() == c.value);
    CHECK(m.dev.debug_exit.status() == c.status);
  }
  Machine m;
  m.bus.write(0xF5, 1, 0x1FF);  // any port of the range; value masked to the access size
  CHECK(m.dev.debug_exit.status() == 0x1FF);
  m.bus.write(0xF4, 1, 7);  // the first request wins
  CHECK(m.dev.debug_exit.value() == 0xFF);
  m.dev.debug_exit.clear();
  CHECK_FALSE(m.dev.debug_exit.requested());
  CHECK(m.bus.read(0xF4, 1) == 0xFF);
}

TEST_CASE("fw_cfg: signature, ID, RAM size, CPUs, unknown keys read as zeros", "[platform]") {
  Machine m(0x12345678000ull, 3);
  CHECK(m.fw_cfg_read(FwCfg::kSignature, 6) == std::vector<uint8_t>{'Q', 'E', 'M', 'U', 0, 0});
  CHECK(m.fw_cfg_read(FwCfg::kId, 4) == std::vector<uint8_t>{1, 0, 0, 0});
  CHECK(m.fw_cfg_read(FwCfg::kRamSize, 8) == std::vector<uint8_t>{0x00, 0x80, 0x67, 0x45, 0x23, 0x01, 0, 0});
  CHECK(m.fw_cfg_read(FwCfg::kNbCpus, 2) == std::vector<uint8_t>{3, 0});
  CHECK(m.fw_cfg_read(FwCfg::kMaxCpus, 2) == std::vector<uint8_t>{3, 0});
  CHECK(m.fw_cfg_read(0x1234, 4) == std::vector<uint8_t>{0, 0, 0, 0});
  CHECK(m.fw_cfg_read(FwCfg::kArchLocal | FwCfg::kSignature, 4) == std::vector<uint8_t>{0, 0, 0, 0});
  CHECK(m.fw_cfg_read(FwCfg::kWriteChannel | FwCfg::kSignature, 4) == std::vector<uint8_t>{'Q', 'E', 'M', 'U'});
  // Selecting again resets the offset; byte writes to the data port change nothing.
  m.bus.write(FwCfg::kSelectorPort, 2, FwCfg::kSignature);
  CHECK(m.in8(FwCfg::kDataPort) == 'Q');
  m.out8(FwCfg::kDataPort, 'X');
  CHECK(m.in8(FwCfg::kDataPort) == 'E');
  m.bus.write(FwCfg::kSelectorPort, 2, FwCfg::kSignature);
  CHECK(m.in8(FwCfg::kDataPort) == 'Q');
  CHECK(m.dev.fw_cfg.selected() == FwCfg::kSignature);
  m.dev.fw_cfg.set_item(0x20, {9, 8});
  CHECK(m.fw_cfg_read(0x20, 3) == std::vector<uint8_t>{9, 8, 0});
}

TEST_CASE("8259 sink: IMR reads back, init sequence consumed, command ports read 0", "[platform]") {
  Machine m;
  CHECK(m.in8(0x21) == 0x00);
  m.out8(0x21, 0xFF);  // Linux's PIC probe: mask all, read back
  m.out8(0xA1, 0xFF);
  CHECK(m.in8(0x21) == 0xFF);
  CHECK(m.in8(0xA1) == 0xFF);
  // ICW1 (edge, cascade, ICW4), ICW2 vector base, ICW3 wiring, ICW4 8086 mode; then OCW1.
  for (uint16_t base : {uint16_t{0x20}, uint16_t{0xA0}}) {
    m.out8(base, 0x11);
    CHECK(m.in8(static_cast<uint16_t>(base + 1)) == 0x00);  // ICW1 clears the IMR
    m.out8(static_cast<uint16_t>(base + 1), base == 0x20 ? 0x20 : 0x28);
    m.out8(static_cast<uint16_t>(base + 1), base == 0x20 ? 0x04 : 0x02);
    m.out8(static_cast<uint16_t>(base + 1), 0x01);
    m.out8(static_cast<uint16_t>(base + 1), 0xFB);
    CHECK(m.in8(static_cast<uint16_t>(base + 1)) == 0xFB);
  }
  CHECK(m.dev.pic.vector_base(false) == 0x20);
  CHECK(m.dev.pic.vector_base(true) == 0x28);
  CHECK(m.dev.pic.imr(true) == 0xFB);
  m.out8(0x20, 0x0B);  // OCW3: read ISR
  CHECK(m.in8(0x20) == 0x00);
  m.out8(0x20, 0x20);  // EOI
  CHECK(m.in8(0xA0) == 0x00);
  // Single mode without ICW4: only ICW2 follows.
  m.out8(0x20, 0x12);
  m.out8(0x21, 0x40);
  m.out8(0x21, 0x0F);
  CHECK(m.dev.pic.vector_base(false) == 0x40);
  CHECK(m.in8(0x21) == 0x0F);
}

TEST_CASE("port 0x92 keeps bit 1 with A20 always on; port 0x80 records POST codes", "[platform]") {
  Machine m;
  CHECK(m.in8(0x92) == 0x00);
  m.out8(0x92, 0x02);
  CHECK(m.in8(0x92) == 0x02);
  CHECK(m.dev.port_a.a20_enabled());
  m.out8(0x92, 0x00);
  CHECK(m.in8(0x92) == 0x00);
  CHECK(m.dev.port_a.a20_enabled());
  CHECK_FALSE(m.dev.port_a.reset_requested());
  m.out8(0x92, 0x03);
  CHECK(m.in8(0x92) == 0x02);
  CHECK(m.dev.port_a.reset_requested());

  m.out8(0x80, 0x55);
  m.out8(0x80, 0xAA);
  CHECK(m.dev.post.last_code() == 0xAA);
  CHECK(m.dev.post.writes() == 2);
  CHECK(m.in8(0x80) == 0xFF);
}

TEST_CASE("Devices map at their standard ports and leave neighbours unclaimed", "[platform]") {
  Machine m;
  int unclaimed = 0;
  m.bus.on_unclaimed = [&](uint16_t, unsigned, bool, uint32_t) { ++unclaimed; };
  for (uint16_t p : {uint16_t{0x1F}, uint16_t{0x22}, uint16_t{0x9F}, uint16_t{0xA2}, uint16_t{0x7F}, uint16_t{0x81},
                     uint16_t{0x91}, uint16_t{0x93}, uint16_t{0xE8}, uint16_t{0xEA}, uint16_t{0xF3}, uint16_t{0xF8},
                     uint16_t{0x3F7}, uint16_t{0x400}, uint16_t{0x50F}, uint16_t{0x512}})
    CHECK(m.in8(p) == 0xFF);
  CHECK(unclaimed == 16);
  IoBus other;
  m.dev.map_on(other);
  CHECK_THROWS(m.dev.map_on(other));  // the ports are taken
}
