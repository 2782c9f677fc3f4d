#include "guest_ram.h"

#include <algorithm>
#include <limits>

#include "image_bytes.h"
#include "vp/platform/load_error.h"
#include "vp/platform/pc_layout.h"

namespace vp::detail {

void check_ram_range(PhysMemory& mem, uint64_t begin, uint64_t size, bool below_4g, const std::string& what) {
  if (size > std::numeric_limits<uint64_t>::max() - begin)
    throw LoadError(what + " at " + hex(begin) + " with size " + hex(size) + " wraps around the address space");
  const uint64_t end = begin + size;
  const std::string where = what + " " + range_text(begin, end);
  if (below_4g && end > kFourGiB) throw LoadError(where + " lies above 4 GiB (Multiboot addresses are 32-bit)");
  if (end > mem.ram_size()) throw LoadError(where + " lies beyond guest RAM (" + hex(mem.ram_size()) + " bytes)");
  if (size == 0) return;
  if (begin < kApicHoleEnd && kApicHoleBase < end)
    throw LoadError(where + " overlaps the LAPIC/IOAPIC hole [0xfec00000, 0xff000000)");
  for (uint64_t pa = begin & ~(kPageSize - 1); pa < end; pa += kPageSize)
    if (mem.ram_page(pa) == nullptr) throw LoadError(where + " overlaps an MMIO region at " + hex(pa));
}

void zero_guest(PhysMemory& mem, uint64_t addr, uint64_t n) {
  static const uint8_t kZeros[kPageSize] = {};
  while (n > 0) {
    const uint64_t chunk = std::min<uint64_t>(n, kPageSize - (addr & (kPageSize - 1)));
    mem.write_block(addr, kZeros, chunk);
    addr += chunk;
    n -= chunk;
  }
}

}  // namespace vp::detail
