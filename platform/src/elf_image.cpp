#include "elf_image.h"

#include <limits>
#include <string>

#include "image_bytes.h"
#include "vp/platform/load_error.h"

namespace vp::detail {

namespace {
constexpr uint8_t kElfClass32 = 1, kElfClass64 = 2, kElfDataLsb = 1;
constexpr uint16_t kEtExec = 2, kEtDyn = 3;
constexpr uint16_t kEm386 = 3, kEmX86_64 = 62;
constexpr uint32_t kEvCurrent = 1;
constexpr uint32_t kPtLoad = 1;
constexpr uint64_t kEhdrSize32 = 52, kEhdrSize64 = 64;
constexpr uint64_t kPhdrSize32 = 32, kPhdrSize64 = 56;

std::string seg_name(unsigned i) { return "ELF program header " + std::to_string(i); }
}  // namespace

bool is_elf(std::span<const uint8_t> image) {
  return image.size() >= 4 && image[0] == 0x7F && image[1] == 'E' && image[2] == 'L' && image[3] == 'F';
}

ElfImage parse_elf(std::span<const uint8_t> image) {
  if (!is_elf(image)) throw LoadError("not an ELF file");
  if (image.size() < 16) throw LoadError("truncated file: ELF identification is cut off");
  const uint8_t cls = image[4];
  if (cls != kElfClass32 && cls != kElfClass64)
    throw LoadError("unsupported ELF class " + std::to_string(cls) + " (expected ELFCLASS32 or ELFCLASS64)");
  if (image[5] != kElfDataLsb) throw LoadError("ELF file is not little-endian (EI_DATA != ELFDATA2LSB)");

  ElfImage elf;
  elf.is64 = cls == kElfClass64;
  if (image.size() < (elf.is64 ? kEhdrSize64 : kEhdrSize32)) throw LoadError("truncated file: ELF header is cut off");

  const uint16_t type = le16(image, 16);
  const uint16_t machine = le16(image, 18);
  const uint32_t version = le32(image, 20);
  const uint64_t entry = elf.is64 ? le64(image, 24) : le32(image, 24);
  const uint64_t phoff = elf.is64 ? le64(image, 32) : le32(image, 28);
  const uint16_t phentsize = le16(image, elf.is64 ? 54 : 42);
  const uint16_t phnum = le16(image, elf.is64 ? 56 : 44);

  if (elf.is64 && machine != kEmX86_64)
    throw LoadError("ELFCLASS64 file is for machine " + std::to_string(machine) + ", expected EM_X86_64 (62)");
  if (!elf.is64 && machine != kEm386)
    throw LoadError("ELFCLASS32 file is for machine " + std::to_string(machine) + ", expected EM_386 (3)");
  if (type != kEtExec && type != kEtDyn)
    throw LoadError("ELF type " + std::to_string(type) + " is not an executable (ET_EXEC or ET_DYN)");
  if (version != kEvCurrent) throw LoadError("ELF version " + std::to_string(version) + " is not EV_CURRENT");
  if (phnum == 0) throw LoadError("ELF file has no program headers");
  const uint64_t min_entsize = elf.is64 ? kPhdrSize64 : kPhdrSize32;
  if (phentsize < min_entsize)
    throw LoadError("ELF e_phentsize " + std::to_string(phentsize) + " is smaller than a program header (" +
                    std::to_string(min_entsize) + ")");
  const uint64_t table_size = uint64_t{phnum} * phentsize;  // < 2^32, no overflow
  if (!fits(image.size(), phoff, table_size))
    throw LoadError("truncated file: ELF program header table " + range_text(phoff, phoff + table_size) +
                    " extends past the end of the file (" + hex(image.size()) + " bytes)");

  for (unsigned i = 0; i < phnum; ++i) {
    const uint64_t ph = phoff + uint64_t{i} * phentsize;
    if (le32(image, ph) != kPtLoad) continue;
    ElfSegment s{};
    s.index = i;
    if (elf.is64) {
      s.offset = le64(image, ph + 8);
      s.vaddr = le64(image, ph + 16);
      s.paddr = le64(image, ph + 24);
      s.filesz = le64(image, ph + 32);
      s.memsz = le64(image, ph + 40);
    } else {
      s.offset = le32(image, ph + 4);
      s.vaddr = le32(image, ph + 8);
      s.paddr = le32(image, ph + 12);
      s.filesz = le32(image, ph + 16);
      s.memsz = le32(image, ph + 20);
    }
    if (s.filesz > s.memsz)
      throw LoadError(seg_name(i) + ": p_filesz " + hex(s.filesz) + " exceeds p_memsz " + hex(s.memsz));
    if (!fits(image.size(), s.offset, s.filesz))
      throw LoadError(seg_name(i) + ": file range " + range_text(s.offset, s.offset + s.filesz) +
                      " extends past the end of the file (" + hex(image.size()) + " bytes)");
    if (s.memsz == 0) continue;
    if (s.memsz > std::numeric_limits<uint64_t>::max() - s.paddr)
      throw LoadError(seg_name(i) + ": p_paddr " + hex(s.paddr) + " + p_memsz " + hex(s.memsz) + " overflows");
    elf.segments.push_back(s);
  }
  if (elf.segments.empty()) throw LoadError("ELF file has no loadable (PT_LOAD) segments");

  const ElfSegment* home = nullptr;
  for (const ElfSegment& s : elf.segments) {
    if (entry >= s.vaddr && entry - s.vaddr < s.memsz) {
      home = &s;
      break;
    }
  }
  if (!home) throw LoadError("ELF entry point " + hex(entry) + " is not inside any PT_LOAD segment");
  elf.entry_phys = home->paddr + (entry - home->vaddr);  // <= paddr + memsz, no overflow
  if (elf.entry_phys > 0xFFFFFFFFu)
    throw LoadError("ELF entry point " + hex(entry) + " (physical " + hex(elf.entry_phys) +
                    ") does not fit in 32 bits; Multiboot enters in 32-bit protected mode");
  return elf;
}

}  // namespace vp::detail
