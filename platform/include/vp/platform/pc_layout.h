// The physical address layout this PC presents to loaded images, and its memory map in the
// form QEMU/SeaBIOS report through INT 15h E820 (which QEMU's Multiboot loader passes on):
//   [0, 0x9FC00)             RAM (type 1)       conventional memory below the EBDA
//   [0x9FC00, 0xA0000)       reserved (type 2)  EBDA
//   [0xF0000, 0x100000)      reserved (type 2)  BIOS
//   [1 MiB, top - 128 KiB)   RAM (type 1)       top = RAM end, clipped at the LAPIC/IOAPIC hole
//   [top - 128 KiB, top)     reserved (type 2)  where SeaBIOS keeps its tables under QEMU
//   [hole), [above the hole) reserved, RAM      only when RAM reaches the LAPIC/IOAPIC hole
//   [0xFFFC0000, 4 GiB)      reserved (type 2)  the BIOS flash
// These match what a QEMU 7.2 PC with an Intel CPU model reports (AMD models add a reserved
// HyperTransport range at 0xFD00000000), so a Multiboot kernel sees the same map in both.
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
inline constexpr uint64_t kFirmwareReserve = 0x20000;  // top 128 KiB of RAM below the hole
inline constexpr uint64_t kBiosFlashBase = 0xFFFC0000;

// The end of the RAM entry that starts at 1 MiB (what Multiboot calls mem_upper's end).
uint64_t upper_memory_end(uint64_t ram_size);

enum class MemoryType : uint32_t { kRam = 1, kReserved = 2 };

struct MemoryMapEntry {
  uint64_t base;
  uint64_t length;
  MemoryType type;
};

// The memory map for a machine with ram_size bytes of RAM at [0, ram_size), sorted by address.
std::vector<MemoryMapEntry> pc_memory_map(uint64_t ram_size);

}  // namespace vp
