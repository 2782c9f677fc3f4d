// Splitting wide port accesses into byte accesses at consecutive ports, as the ISA bus does for
// 8-bit devices. The callbacks receive the port as uint32_t (port + i may pass 0xFFFF); a device
// returns 0xFF for ports it does not decode and ignores writes to them.
#pragma once
#include <cstdint>

namespace vp::detail {

template <class Read8>
uint32_t read_bytewise(uint16_t port, unsigned size, Read8&& read8) {
  uint32_t value = 0;
  for (unsigned i = 0; i < size && i < 4; ++i) value |= uint32_t{read8(uint32_t{port} + i)} << (8 * i);
  return value;
}

template <class Write8>
void write_bytewise(uint16_t port, unsigned size, uint32_t value, Write8&& write8) {
  for (unsigned i = 0; i < size && i < 4; ++i) write8(uint32_t{port} + i, static_cast<uint8_t>(value >> (8 * i)));
}

// All ones for an access of size bytes (1, 2 or 4).
inline uint32_t all_ones(unsigned size) { return size >= 4 ? 0xFFFFFFFFu : ((1u << (size * 8)) - 1); }

}  // namespace vp::detail
