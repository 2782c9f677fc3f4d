// Bounds-checked little-endian reads from an image, and writes into a host-side buffer.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vp/platform/load_error.h"

namespace vp::detail {

// True when [offset, offset + n) lies inside a buffer of `size` bytes (no overflow).
inline bool fits(uint64_t size, uint64_t offset, uint64_t n) { return offset <= size && n <= size - offset; }

// Reads an n-byte little-endian value; throws LoadError when it is not inside the image.
inline uint64_t read_le(std::span<const uint8_t> image, uint64_t offset, unsigned n) {
  if (!fits(image.size(), offset, n)) throw LoadError("truncated file: read past the end of the image");
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) v |= uint64_t{image[offset + i]} << (8 * i);
  return v;
}
inline uint16_t le16(std::span<const uint8_t> image, uint64_t offset) {
  return static_cast<uint16_t>(read_le(image, offset, 2));
}
inline uint32_t le32(std::span<const uint8_t> image, uint64_t offset) {
  return static_cast<uint32_t>(read_le(image, offset, 4));
}
inline uint64_t le64(std::span<const uint8_t> image, uint64_t offset) { return read_le(image, offset, 8); }

// Writes an n-byte little-endian value into buf (which must be large enough).
inline void put_le(std::vector<uint8_t>& buf, uint64_t offset, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) buf.at(offset + i) = static_cast<uint8_t>(v >> (8 * i));
}

// "0x1f" style hex for messages.
std::string hex(uint64_t v);
// "[0x100000, 0x102000)" for messages.
std::string range_text(uint64_t begin, uint64_t end);

inline uint64_t align_up(uint64_t v, uint64_t align) {
  // Callers keep v far below 2^64 (guest addresses < 2^52), so this cannot wrap.
  return (v + align - 1) & ~(align - 1);
}

}  // namespace vp::detail
