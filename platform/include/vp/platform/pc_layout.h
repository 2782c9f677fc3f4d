// The physical address layout this PC presents to loaded images, and its memory map in the
// form QEMU/SeaBIOS report through INT 15h E820 (which QEMU's Multiboot loader passes on):
//   [0, 0x9FC00)             RAM (type 1)       conventional memory below the EBDA
//   [0x9FC00, 0xA0000)       reserved (type 2)  EBDA
//   [0xF0000, 0x100000)      reserved (type 2)  BIOS
//   [1 MiB, ram end)         RAM (type 1)       clipped at the LAPIC/IOAPIC hole; RAM above the
//                                               hole, if any, is listed after a reserved hole entry
// 0xA0000-0xF0000 (VGA and option ROMs) is not listed, as on a PC.
#pragma once
#include <cstdint>
#include <vector>

namespace vp {

inline constexpr uint64_t kLowRamEnd = 0x9FC00;     // start of the EBDA
inline constexpr uint64_t kEbdaEnd = 0xA0000;
inline constexpr uint64_t kBiosBase = 0xF0000;
inline constexpr uint64_t kHighRamBase = 0x100000;  // 1 MiB
inline constexpr uint64_t kApicHoleBase = 0xFEC00000;  // IOAPIC at 0xFEC00000, LAPIC at 0xFEE00000
inline constexpr uint64_t kApicHoleEnd = 0xFF000000;   // exclusive
inline constexpr uint64_t kFourGiB = 0x100000000ull;

enum class MemoryType : uint32_t { kRam = 1, kReserved = 2 };

struct MemoryMapEntry {
  uint64_t base;
  uint64_t length;
  MemoryType type;
};

// The memory map for a machine with ram_size bytes of RAM at [0, ram_size), sorted by address.
std::vector<MemoryMapEntry> pc_memory_map(uint64_t ram_size);

}  // namespace vp
