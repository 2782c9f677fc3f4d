// Multiboot (version 1, specification 0.6.96) kernel loader.
//
// Image: the Multiboot header is searched in the first 8192 bytes at 4-byte alignment (magic
// 0x1BADB002, magic + flags + checksum == 0). Header flags bits 15:0 are requirements: bit 0
// (page-aligned modules; always done) and bit 1 (memory information; always given) are honoured,
// bit 2 (video mode) is ignored with a warning as QEMU does; any other required bit is an error.
// With flag bit 16 (a.out kludge) the header's header_addr, load_addr, load_end_addr,
// bss_end_addr and entry_addr place the image; otherwise the file must be an ELF: ELFCLASS32 with
// EM_386 or ELFCLASS64 with EM_X86_64 (which QEMU refuses and GRUB accepts), little-endian,
// ET_EXEC or ET_DYN. PT_LOAD segments are loaded at p_paddr, p_memsz beyond p_filesz is zeroed.
// The entry point is e_entry translated from p_vaddr to p_paddr through the PT_LOAD segment that
// contains it (as GRUB does; the identity when p_vaddr == p_paddr); it must lie in a segment and,
// for ELF64, fit in 32 bits. Everything loaded must lie in guest RAM below 4 GiB, outside the
// LAPIC/IOAPIC hole 0xFEC00000-0xFEFFFFFF and outside MMIO regions. For the a.out kludge the entry
// point must lie in the loaded text/data.
//
// Boot information: flags = mem_lower/mem_upper (bit 0) | cmdline (bit 2) | mods (bit 3) |
// mmap (bit 6) | boot_loader_name (bit 9, "vanderpool"); boot_device (bit 1) is not given, as
// the image did not come from a BIOS disk. The memory map is pc_memory_map(ram size). The
// kernel command line is "<image_path> <cmdline>", exactly as QEMU builds it (so an empty cmdline
// leaves a trailing space). Modules are loaded page-aligned after the kernel's last byte
// (BSS included), skipping reserved areas; each module's string is "<path> <args>", or just
// "<path>" when args is empty (QEMU's string is the -initrd item as typed: "file args" or "file").
// The information structure, memory map, module list and strings form one block, placed at
// 0x9000 (where QEMU puts them) when that low memory is free of the image, else page-aligned after
// the last module. Nothing placed overlaps the image, the modules or the reserved areas.
//
// Entry state (Machine state, spec 3.2): EAX = 0x2BADB002, EBX = info address, EIP = entry,
// flat_protected_mode_entry() for the rest.
//
// Errors: LoadError (see load_error.h); guest memory is only written once all checks passed.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vp/memory/phys_memory.h"
#include "vp/platform/entry_state.h"
#include "vp/platform/load_error.h"
#include "vp/platform/loaded_region.h"

namespace vp {

namespace multiboot {
inline constexpr uint32_t kHeaderMagic = 0x1BADB002;
inline constexpr uint32_t kBootloaderMagic = 0x2BADB002;
inline constexpr uint32_t kSearchBytes = 8192;

// Header flags.
inline constexpr uint32_t kHeaderPageAlignModules = 1u << 0;
inline constexpr uint32_t kHeaderMemoryInfo = 1u << 1;
inline constexpr uint32_t kHeaderVideoMode = 1u << 2;
inline constexpr uint32_t kHeaderAoutKludge = 1u << 16;

// Information structure flags and offsets.
inline constexpr uint32_t kInfoMemory = 1u << 0;
inline constexpr uint32_t kInfoBootDevice = 1u << 1;
inline constexpr uint32_t kInfoCmdline = 1u << 2;
inline constexpr uint32_t kInfoMods = 1u << 3;
inline constexpr uint32_t kInfoMmap = 1u << 6;
inline constexpr uint32_t kInfoBootLoaderName = 1u << 9;

inline constexpr uint32_t kInfoOffFlags = 0;
inline constexpr uint32_t kInfoOffMemLower = 4;
inline constexpr uint32_t kInfoOffMemUpper = 8;
inline constexpr uint32_t kInfoOffCmdline = 16;
inline constexpr uint32_t kInfoOffModsCount = 20;
inline constexpr uint32_t kInfoOffModsAddr = 24;
inline constexpr uint32_t kInfoOffMmapLength = 44;
inline constexpr uint32_t kInfoOffMmapAddr = 48;
inline constexpr uint32_t kInfoOffBootLoaderName = 64;
inline constexpr uint32_t kInfoSize = 116;  // through the framebuffer fields, all zero here

inline constexpr uint32_t kModuleEntrySize = 16;  // mod_start, mod_end (exclusive), string, 0
inline constexpr uint32_t kMmapEntrySize = 24;    // size (= 20), base_addr, length, type
inline constexpr uint64_t kLowInfoBase = 0x9000;
inline constexpr uint64_t kLowInfoLimit = 0x9F000;
inline constexpr const char* kBootLoaderName = "vanderpool";
}  // namespace multiboot

struct MultibootHeader {
  uint32_t offset = 0;  // file offset of the magic
  uint32_t flags = 0;
  // Valid with kHeaderAoutKludge.
  uint32_t header_addr = 0;
  uint32_t load_addr = 0;
  uint32_t load_end_addr = 0;
  uint32_t bss_end_addr = 0;
  uint32_t entry_addr = 0;
};

// The first valid header in the first 8192 bytes, or nullopt when there is none (never throws).
std::optional<MultibootHeader> find_multiboot_header(std::span<const uint8_t> image);
// Like find_multiboot_header() but throws LoadError: no header, only bad checksums, or the
// a.out address fields cut off by the 8192-byte window or the end of the file.
MultibootHeader parse_multiboot_header(std::span<const uint8_t> image);

struct Module {
  std::string path;           // names the module in its string
  std::vector<uint8_t> data;  // contents, loaded as they are
  std::string args;           // appended after a space when not empty
};

enum class KernelFormat { kAoutKludge, kElf32, kElf64 };

struct LoadResult {
  EntryState entry;
  KernelFormat format = KernelFormat::kAoutKludge;
  MultibootHeader header;
  uint32_t info_addr = 0;
  LoadedRegion kernel;                // lowest to highest byte loaded, BSS included
  std::vector<LoadedRegion> modules;  // [mod_start, mod_end) of each module
  LoadedRegion info_block;            // info structure, memory map, module list and strings
  std::vector<std::string> warnings;  // requests that were accepted but not honoured
};

LoadResult load_multiboot(PhysMemory& mem, std::span<const uint8_t> image, const std::string& image_path,
                          const std::string& cmdline, const std::vector<Module>& modules);

}  // namespace vp
