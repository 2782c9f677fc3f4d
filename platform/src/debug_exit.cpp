#include "vp/platform/debug_exit.h"

#include "byte_io.h"

namespace vp {

DebugExit::DebugExit(uint16_t base, uint16_t size) : base_(base), size_(size) {}

int DebugExit::status() const { return static_cast<int>(static_cast<uint32_t>((value_ << 1) | 1u)); }

void DebugExit::clear() {
  requested_ = false;
  value_ = 0;
}

uint32_t DebugExit::io_read(uint16_t, unsigned size) { return detail::all_ones(size); }

void DebugExit::io_write(uint16_t, unsigned size, uint32_t value) {
  if (requested_) return;
  requested_ = true;
  value_ = size >= 4 ? value : (value & detail::all_ones(size));
}

}  // namespace vp
