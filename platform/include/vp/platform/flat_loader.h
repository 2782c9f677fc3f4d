// Flat binary loader: the image is copied as it is to guest RAM at addr. The whole range must
// be RAM (not beyond ram_size, not in the LAPIC/IOAPIC hole, not MMIO); an empty image is an
// error. Throws LoadError; guest memory is unchanged on error.
#pragma once
#include <cstdint>
#include <span>

#include "vp/memory/phys_memory.h"
#include "vp/platform/load_error.h"
#include "vp/platform/loaded_region.h"

namespace vp {

LoadedRegion load_flat(PhysMemory& mem, std::span<const uint8_t> image, uint64_t addr);

}  // namespace vp
