// First-fit placement of loader-chosen data (modules, boot information) in guest RAM.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "vp/platform/loaded_region.h"

namespace vp::detail {

// The lowest address a >= from, a multiple of align (a power of two), with [a, a + size) inside
// [0, limit) and overlapping no busy region. A zero size is treated as one byte, so that even an
// empty module gets an address of its own that lies in no busy region.
std::optional<uint64_t> find_free(uint64_t size, uint64_t align, uint64_t from, uint64_t limit,
                                  const std::vector<LoadedRegion>& busy);

}  // namespace vp::detail
