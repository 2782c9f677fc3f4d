#include "vp/platform/debug_console_e9.h"

#include <utility>

#include "byte_io.h"

namespace vp {

DebugConsoleE9::DebugConsoleE9(ByteSink sink, uint16_t port) : sink_(std::move(sink)), port_(port) {}

uint32_t DebugConsoleE9::io_read(uint16_t port, unsigned size) {
  return detail::read_bytewise(port, size, [this](uint32_t p) -> uint8_t { return p == port_ ? kReadback : 0xFF; });
}

void DebugConsoleE9::io_write(uint16_t port, unsigned size, uint32_t value) {
  detail::write_bytewise(port, size, value, [this](uint32_t p, uint8_t b) {
    if (p == port_ && sink_) sink_(b);
  });
}

}  // namespace vp
