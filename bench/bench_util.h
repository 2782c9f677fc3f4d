// Shared by the benchmarks: loading a guest image and a port device that stops the CPU on a
// write to the isa-debug-exit port (0xF4) and ignores port 0xE9.
#pragma once
#include <fstream>
#include <iterator>
#include <vector>

#include "vp/core/cpu.h"
#include "vp/memory/io_bus.h"
#include "vp/memory/phys_memory.h"

namespace vp::bench {

struct ExitPort : IoDevice {
  Cpu* cpu = nullptr;
  uint32_t io_read(uint16_t, unsigned) override { return 0; }
  void io_write(uint16_t port, unsigned, uint32_t) override {
    if (port == 0xF4) cpu->stop_requested = true;
  }
};

inline std::vector<uint8_t> load(const char* path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// A fresh machine (64 MiB, the exit port) with a flat image at 0000:7C00, entered in real
// mode as the guest tests and Bochs enter it. Attach a VT-x model to `cpu` before run().
struct BootMachine {
  PhysMemory mem{64ull << 20};
  IoBus io;
  ExitPort dev;
  Cpu cpu{mem, io};

  explicit BootMachine(const std::vector<uint8_t>& img) {
    io.map(0xE9, 1, &dev);
    io.map(0xF4, 4, &dev);
    dev.cpu = &cpu;
    mem.write_block(0x7C00, img.data(), img.size());
    cpu.s.seg[CS] = SegmentReg{0, 0, 0xFFFF, 0x9B};
    cpu.s.rip() = 0x7C00;
    cpu.state_changed();
  }
  // Runs to the debug-exit write; returns the number of retired instructions.
  uint64_t run() {
    cpu.run(~0ull);
    return cpu.icount;
  }
};

}  // namespace vp::bench
