// Bochs/QEMU debug console on port 0xE9: every byte written goes to the sink; reads return 0xE9
// so that guests can detect the port. Wider accesses are split into bytes at consecutive ports;
// only the byte at 0xE9 is the console (others read 0xFF and are dropped).
#pragma once
#include <cstdint>

#include "vp/memory/io_bus.h"
#include "vp/platform/byte_sink.h"

namespace vp {

class DebugConsoleE9 final : public IoDevice {
 public:
  static constexpr uint16_t kPort = 0xE9;
  static constexpr uint8_t kReadback = 0xE9;

  explicit DebugConsoleE9(ByteSink sink, uint16_t port = kPort);

  uint16_t port() const { return port_; }

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

 private:
  ByteSink sink_;
  uint16_t port_;
};

}  // namespace vp
