// POST code port 0x80: BIOS-style progress codes are recorded (last value and count); reads
// return 0xFF as on QEMU. Commonly used by guests as a short I/O delay.
#pragma once
#include <cstdint>

#include "vp/memory/io_bus.h"

namespace vp {

class PostCodePort final : public IoDevice {
 public:
  static constexpr uint16_t kPort = 0x80;

  uint8_t last_code() const { return last_; }
  uint64_t writes() const { return writes_; }

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

 private:
  uint8_t last_ = 0;
  uint64_t writes_ = 0;
};

}  // namespace vp
