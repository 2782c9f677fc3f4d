// Checks and bulk writes on guest RAM shared by the loaders.
#pragma once
#include <cstdint>
#include <string>

#include "vp/memory/phys_memory.h"

namespace vp::detail {

// Throws LoadError unless [begin, begin + size) is plain guest RAM: no wrap-around, inside
// ram_size, below 4 GiB when below_4g, outside the LAPIC/IOAPIC hole, and not shadowed by MMIO.
// what names the range in the message ("kernel segment 1", "module 'initrd'").
void check_ram_range(PhysMemory& mem, uint64_t begin, uint64_t size, bool below_4g, const std::string& what);

// Writes n zero bytes at addr (a range check_ram_range accepted).
void zero_guest(PhysMemory& mem, uint64_t addr, uint64_t n);

}  // namespace vp::detail
