// A minimal machine for core tests: RAM, a port bus with a port 0xE9 console and the
// isa-debug-exit port, and one CPU.
#pragma once
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "vp/core/cpu.h"
#include "vp/memory/io_bus.h"
#include "vp/memory/phys_memory.h"

namespace vp::test {

struct Console : IoDevice {
  std::string out;
  Cpu* cpu = nullptr;
  bool exited = false;
  uint32_t exit_value = 0;
  uint32_t io_read(uint16_t, unsigned) override { return 0xE9; }
  void io_write(uint16_t port, unsigned, uint32_t v) override {
    if (port == 0xE9) {
      out.push_back(static_cast<char>(v));
    } else {
      exited = true;
      exit_value = v;
      cpu->stop_requested = true;
    }
  }
};

struct GuestFixture {
  PhysMemory mem{64ull << 20};
  IoBus io;
  Console con;
  Cpu cpu{mem, io};
  GuestFixture() {
    con.cpu = &cpu;
    io.map(0xE9, 1, &con);
    io.map(0xF4, 4, &con);
  }
  // Loads a flat image at addr and enters it in real mode at 0000:addr, as firmware would.
  void load_flat(const std::vector<uint8_t>& image, uint64_t addr) {
    mem.write_block(addr, image.data(), image.size());
    cpu.reset();
    cpu.s.seg[CS] = SegmentReg{0, 0, 0xFFFF, 0x9B};
    cpu.s.rip() = addr;
    cpu.state_changed();
  }
};

inline std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

}  // namespace vp::test
