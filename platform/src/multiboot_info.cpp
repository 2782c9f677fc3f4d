#include "multiboot_info.h"

#include <algorithm>
#include <cstring>

#include "image_bytes.h"
#include "vp/platform/multiboot.h"
#include "vp/platform/pc_layout.h"

namespace vp::detail {

namespace {
using namespace multiboot;

constexpr uint64_t kMmapOffset = 120;  // kInfoSize rounded up to 8

struct Layout {
  std::vector<MemoryMapEntry> mmap;
  uint64_t mods = 0;     // module list offset
  uint64_t strings = 0;  // strings offset
  uint64_t size = 0;
};

Layout layout(const InfoBlockInput& in) {
  Layout l;
  l.mmap = pc_memory_map(in.ram_size);
  l.mods = kMmapOffset + l.mmap.size() * kMmapEntrySize;
  l.strings = l.mods + in.mod_ranges.size() * kModuleEntrySize;
  uint64_t strings = in.cmdline.size() + 1 + std::strlen(kBootLoaderName) + 1;
  for (const std::string& s : in.mod_strings) strings += s.size() + 1;
  l.size = l.strings + strings;
  return l;
}

void put_string(std::vector<uint8_t>& buf, uint64_t& at, const std::string& s) {
  std::copy(s.begin(), s.end(), buf.begin() + static_cast<std::ptrdiff_t>(at));
  at += s.size();
  buf.at(at++) = 0;
}
}  // namespace

uint64_t info_block_size(const InfoBlockInput& in) { return layout(in).size; }

std::vector<uint8_t> build_info_block(const InfoBlockInput& in, uint32_t base) {
  const Layout l = layout(in);
  std::vector<uint8_t> b(l.size, 0);

  // Memory map.
  for (size_t i = 0; i < l.mmap.size(); ++i) {
    const uint64_t e = kMmapOffset + i * kMmapEntrySize;
    put_le(b, e, kMmapEntrySize - 4, 4);  // size of the entry after this field
    put_le(b, e + 4, l.mmap[i].base, 8);
    put_le(b, e + 12, l.mmap[i].length, 8);
    put_le(b, e + 20, static_cast<uint32_t>(l.mmap[i].type), 4);
  }

  // Strings: kernel command line, module strings, boot loader name.
  uint64_t at = l.strings;
  const uint64_t cmdline_addr = base + at;
  put_string(b, at, in.cmdline);
  for (size_t i = 0; i < in.mod_ranges.size(); ++i) {
    const uint64_t e = l.mods + i * kModuleEntrySize;
    put_le(b, e, in.mod_ranges[i].begin, 4);
    put_le(b, e + 4, in.mod_ranges[i].end, 4);
    put_le(b, e + 8, base + at, 4);
    put_le(b, e + 12, 0, 4);
    put_string(b, at, i < in.mod_strings.size() ? in.mod_strings[i] : std::string());
  }
  const uint64_t loader_name_addr = base + at;
  put_string(b, at, kBootLoaderName);

  // Information structure.
  const uint64_t low = std::min(in.ram_size, kLowRamEnd);
  const uint64_t upper = upper_memory_end(in.ram_size) - kHighRamBase;
  put_le(b, kInfoOffFlags, kInfoMemory | kInfoCmdline | kInfoMods | kInfoMmap | kInfoBootLoaderName, 4);
  put_le(b, kInfoOffMemLower, low / 1024, 4);
  put_le(b, kInfoOffMemUpper, upper / 1024, 4);
  put_le(b, kInfoOffCmdline, cmdline_addr, 4);
  put_le(b, kInfoOffModsCount, in.mod_ranges.size(), 4);
  put_le(b, kInfoOffModsAddr, base + l.mods, 4);
  put_le(b, kInfoOffMmapLength, l.mmap.size() * kMmapEntrySize, 4);
  put_le(b, kInfoOffMmapAddr, base + kMmapOffset, 4);
  put_le(b, kInfoOffBootLoaderName, loader_name_addr, 4);
  return b;
}

}  // namespace vp::detail
