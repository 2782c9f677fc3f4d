#include "vp/platform/pc_layout.h"

#include <algorithm>

namespace vp {

std::vector<MemoryMapEntry> pc_memory_map(uint64_t ram_size) {
  std::vector<MemoryMapEntry> map;
  map.push_back({0, std::min(ram_size, kLowRamEnd), MemoryType::kRam});
  map.push_back({kLowRamEnd, kEbdaEnd - kLowRamEnd, MemoryType::kReserved});
  map.push_back({kBiosBase, kHighRamBase - kBiosBase, MemoryType::kReserved});
  if (ram_size > kHighRamBase) {
    map.push_back({kHighRamBase, std::min(ram_size, kApicHoleBase) - kHighRamBase, MemoryType::kRam});
    if (ram_size > kApicHoleBase) {
      map.push_back({kApicHoleBase, kApicHoleEnd - kApicHoleBase, MemoryType::kReserved});
      if (ram_size > kApicHoleEnd) map.push_back({kApicHoleEnd, ram_size - kApicHoleEnd, MemoryType::kRam});
    }
  }
  return map;
}

}  // namespace vp
