#include "placement.h"

#include <algorithm>

#include "image_bytes.h"

namespace vp::detail {

std::optional<uint64_t> find_free(uint64_t size, uint64_t align, uint64_t from, uint64_t limit,
                                  const std::vector<LoadedRegion>& busy) {
  const uint64_t need = std::max<uint64_t>(size, 1);
  if (from > limit) return std::nullopt;
  uint64_t a = align_up(from, align);
  for (;;) {
    if (a > limit || need > limit - a) return std::nullopt;
    bool moved = false;
    for (const LoadedRegion& r : busy) {
      if (r.begin < a + need && a < r.end) {
        a = align_up(r.end, align);  // strictly increases a: the loop terminates
        moved = true;
        if (a > limit) return std::nullopt;
      }
    }
    if (!moved) return a;
  }
}

}  // namespace vp::detail
