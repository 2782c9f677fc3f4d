// Shared by the benchmarks: loading a guest image and a port device that stops the CPU on a
// write to the isa-debug-exit port (0xF4) and ignores port 0xE9.
#pragma once
#include <fstream>
#include <iterator>
#include <vector>

#include "vp/core/cpu.h"

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

}  // namespace vp::bench
