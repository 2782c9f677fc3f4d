#pragma once
#include <cstdint>

namespace vp {

// A half-open guest-physical range [begin, end).
struct LoadedRegion {
  uint64_t begin = 0;
  uint64_t end = 0;
  uint64_t size() const { return end - begin; }
};

}  // namespace vp
