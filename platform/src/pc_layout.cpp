#include "vp/platform/pc_layout.h"

#include <algorithm>

namespace vp {

uint64_t upper_memory_end(uint64_t ram_size) {
  const uint64_t top = std::min(ram_size, kApicHoleBase);
  return top > kHighRamBase + kFirmwareReserve ? top - kFirmwareReserve : kHighRamBase;
}

std::vector<MemoryMapEntry> pc_memory_map(uint64_t ram_size) {
  std::vector<MemoryMapEntry> map;
  map.push_back({0, std::min(ram_size, kLowRamEnd), MemoryType::kRam});
  map.push_back({kLowRamEnd, kEbdaEnd - kLowRamEnd, MemoryType::kReserved});
  map.push_back({kBiosBase, kHighRamBase - kBiosBase, MemoryType::kReserved});
  const uint64_t upper_end = upper_memory_end(ram_size);
  if (upper_end > kHighRamBase) {
    map.push_back({kHighRamBase, upper_end - kHighRamBase, MemoryType::kRam});
    map.push_back({upper_end, kFirmwareReserve, MemoryType::kReserved});
  }
  if (ram_size > kApicHoleBase) {
    map.push_back({kApicHoleBase, kApicHoleEnd - kApicHoleBase, MemoryType::kReserved});
    map.push_back({kBiosFlashBase, kFourGiB - kBiosFlashBase, MemoryType::kReserved});
    if (ram_size > kFourGiB) map.push_back({kFourGiB, ram_size - kFourGiB, MemoryType::kRam});
  } else {
    map.push_back({kBiosFlashBase, kFourGiB - kBiosFlashBase, MemoryType::kReserved});
  }
  return map;
}

}  // namespace vp
