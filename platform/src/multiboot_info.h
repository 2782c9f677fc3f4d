// The Multiboot information block: information structure, memory map, module list and strings,
// laid out contiguously so that it can be placed with one address.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "vp/platform/loaded_region.h"

namespace vp::detail {

struct InfoBlockInput {
  uint64_t ram_size = 0;
  std::string cmdline;                   // the complete kernel command line
  std::vector<std::string> mod_strings;  // one per module
  std::vector<LoadedRegion> mod_ranges;  // one per module, below 4 GiB
};

uint64_t info_block_size(const InfoBlockInput& in);

// The block as it must appear at guest address base (base + size below 4 GiB). The information
// structure is at offset 0, so base is the address to pass in EBX.
std::vector<uint8_t> build_info_block(const InfoBlockInput& in, uint32_t base);

}  // namespace vp::detail
