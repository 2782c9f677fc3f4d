#include "vp/platform/flat_loader.h"

#include "guest_ram.h"

namespace vp {

LoadedRegion load_flat(PhysMemory& mem, std::span<const uint8_t> image, uint64_t addr) {
  if (image.empty()) throw LoadError("flat image is empty");
  detail::check_ram_range(mem, addr, image.size(), /*below_4g=*/false, "flat image");
  mem.write_block(addr, image.data(), image.size());
  return {addr, addr + image.size()};
}

}  // namespace vp
