// System control port A (port 0x92, "fast A20"). Bit 1 (A20 enable) reads back as last written;
// the other bits read 0. The A20 gate itself is always on in this machine (addresses are never
// masked), whatever the guest writes. Writing bit 0 = 1 (fast reset) records a reset request.
#pragma once
#include <cstdint>

#include "vp/memory/io_bus.h"

namespace vp {

class SystemControlPortA final : public IoDevice {
 public:
  static constexpr uint16_t kPort = 0x92;

  // Always true: A20 is never masked.
  bool a20_enabled() const { return true; }
  bool reset_requested() const { return reset_requested_; }
  void clear_reset_request() { reset_requested_ = false; }

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

 private:
  uint8_t latch_ = 0;  // bit 1 only
  bool reset_requested_ = false;
};

}  // namespace vp
