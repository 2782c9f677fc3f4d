#include "vp/platform/post_code_port.h"

#include "byte_io.h"

namespace vp {

uint32_t PostCodePort::io_read(uint16_t, unsigned size) { return detail::all_ones(size); }

void PostCodePort::io_write(uint16_t port, unsigned size, uint32_t value) {
  detail::write_bytewise(port, size, value, [this](uint32_t p, uint8_t b) {
    if (p != kPort) return;
    last_ = b;
    ++writes_;
  });
}

}  // namespace vp
