#include "vp/platform/system_control_port_a.h"

#include "byte_io.h"

namespace vp {

uint32_t SystemControlPortA::io_read(uint16_t port, unsigned size) {
  return detail::read_bytewise(port, size, [this](uint32_t p) -> uint8_t { return p == kPort ? latch_ : 0xFF; });
}

void SystemControlPortA::io_write(uint16_t port, unsigned size, uint32_t value) {
  detail::write_bytewise(port, size, value, [this](uint32_t p, uint8_t b) {
    if (p != kPort) return;
    latch_ = b & 0x02;
    if (b & 0x01) reset_requested_ = true;
  });
}

}  // namespace vp
