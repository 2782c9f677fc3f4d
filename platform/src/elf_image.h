// Just enough of ELF (System V gABI; i386 and x86-64 psABI) to load an executable by its
// program headers. Every offset and size is checked against the file and for overflow.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace vp::detail {

struct ElfSegment {
  unsigned index;  // program header index, for messages
  uint64_t paddr;
  uint64_t vaddr;
  uint64_t offset;
  uint64_t filesz;
  uint64_t memsz;  // > 0 and >= filesz
};

struct ElfImage {
  bool is64 = false;
  uint64_t entry_phys = 0;            // e_entry translated through the PT_LOAD containing it
  std::vector<ElfSegment> segments;   // PT_LOAD segments with p_memsz > 0, in file order
};

// True when the image starts with the ELF magic.
bool is_elf(std::span<const uint8_t> image);

// Parses an ELFCLASS32/EM_386 or ELFCLASS64/EM_X86_64 little-endian executable; throws
// LoadError for anything malformed, unsupported or outside the file.
ElfImage parse_elf(std::span<const uint8_t> image);

}  // namespace vp::detail
