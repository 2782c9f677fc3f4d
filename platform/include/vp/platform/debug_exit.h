// QEMU isa-debug-exit (here at iobase 0xF4, iosize 4, the values test harnesses pass to QEMU).
//
// A write of any size (1, 2 or 4) to any of its ports requests an exit with status (v << 1) | 1,
// v being the written value (QEMU calls exit((val << 1) | 1)). The first write is recorded and
// later ones are ignored, as QEMU has exited by then. A process exit status keeps only the low
// 8 bits of status(), as with QEMU. Reads return all ones (the device has no read side).
#pragma once
#include <cstdint>

#include "vp/memory/io_bus.h"

namespace vp {

class DebugExit final : public IoDevice {
 public:
  static constexpr uint16_t kDefaultBase = 0xF4;
  static constexpr uint16_t kDefaultSize = 4;

  explicit DebugExit(uint16_t base = kDefaultBase, uint16_t size = kDefaultSize);

  uint16_t base() const { return base_; }
  uint16_t size() const { return size_; }

  bool requested() const { return requested_; }
  // (value << 1) | 1, computed modulo 2^32 and converted to int.
  int status() const;
  // The written value (zero-extended from the access size).
  uint32_t value() const { return value_; }
  // Forget a recorded request (for a machine reset).
  void clear();

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

 private:
  uint16_t base_;
  uint16_t size_;
  bool requested_ = false;
  uint32_t value_ = 0;
};

}  // namespace vp
