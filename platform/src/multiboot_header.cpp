#include <algorithm>

#include "image_bytes.h"
#include "vp/platform/multiboot.h"

namespace vp {

namespace {
constexpr uint64_t kMagicFields = 12;   // magic, flags, checksum
constexpr uint64_t kAddressFields = 32; // ... through entry_addr

struct Scan {
  std::optional<MultibootHeader> found;
  std::optional<uint32_t> bad_checksum_at;
};

Scan scan(std::span<const uint8_t> image) {
  Scan s;
  const uint64_t window = std::min<uint64_t>(image.size(), multiboot::kSearchBytes);
  for (uint64_t off = 0; off + kMagicFields <= window; off += 4) {
    if (detail::le32(image, off) != multiboot::kHeaderMagic) continue;
    const uint32_t flags = detail::le32(image, off + 4);
    const uint32_t checksum = detail::le32(image, off + 8);
    if (static_cast<uint32_t>(multiboot::kHeaderMagic + flags + checksum) != 0) {
      if (!s.bad_checksum_at) s.bad_checksum_at = static_cast<uint32_t>(off);
      continue;
    }
    MultibootHeader h;
    h.offset = static_cast<uint32_t>(off);
    h.flags = flags;
    if ((flags & multiboot::kHeaderAoutKludge) && off + kAddressFields <= window) {
      h.header_addr = detail::le32(image, off + 12);
      h.load_addr = detail::le32(image, off + 16);
      h.load_end_addr = detail::le32(image, off + 20);
      h.bss_end_addr = detail::le32(image, off + 24);
      h.entry_addr = detail::le32(image, off + 28);
    }
    s.found = h;
    return s;
  }
  return s;
}
}  // namespace

std::optional<MultibootHeader> find_multiboot_header(std::span<const uint8_t> image) {
  Scan s = scan(image);
  if (s.found && (s.found->flags & multiboot::kHeaderAoutKludge) &&
      uint64_t{s.found->offset} + kAddressFields > std::min<uint64_t>(image.size(), multiboot::kSearchBytes))
    return std::nullopt;
  return s.found;
}

MultibootHeader parse_multiboot_header(std::span<const uint8_t> image) {
  Scan s = scan(image);
  if (!s.found) {
    if (s.bad_checksum_at)
      throw LoadError("multiboot header at offset " + detail::hex(*s.bad_checksum_at) +
                      " has a bad checksum (magic + flags + checksum != 0)");
    throw LoadError("no multiboot header (magic 0x1badb002) in the first 8192 bytes of the image");
  }
  const MultibootHeader& h = *s.found;
  if ((h.flags & multiboot::kHeaderAoutKludge) &&
      uint64_t{h.offset} + kAddressFields > std::min<uint64_t>(image.size(), multiboot::kSearchBytes)) {
    throw LoadError("truncated multiboot header at offset " + detail::hex(h.offset) +
                    ": the a.out address fields (flag 16) extend past " +
                    (image.size() < multiboot::kSearchBytes ? "the end of the file" : "the first 8192 bytes"));
  }
  return h;
}

}  // namespace vp
