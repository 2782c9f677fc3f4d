// Multiboot 0.6.96 loading: plan every byte, check everything, then write guest memory.
#include "vp/platform/multiboot.h"

#include <algorithm>

#include "elf_image.h"
#include "guest_ram.h"
#include "image_bytes.h"
#include "multiboot_info.h"
#include "placement.h"
#include "vp/platform/pc_layout.h"

namespace vp {

namespace {
using detail::hex;

// One piece of the kernel: filesz bytes from the file, then zeros up to memsz.
struct Chunk {
  uint64_t paddr;
  uint64_t offset;
  uint64_t filesz;
  uint64_t memsz;
  std::string name;
};

struct KernelPlan {
  std::vector<Chunk> chunks;
  uint64_t entry = 0;
  KernelFormat format = KernelFormat::kAoutKludge;
};

KernelPlan plan_aout(const MultibootHeader& h, std::span<const uint8_t> image) {
  if (h.load_addr > h.header_addr)
    throw LoadError("a.out kludge: load_addr " + hex(h.load_addr) + " is above header_addr " + hex(h.header_addr));
  const uint64_t back = uint64_t{h.header_addr} - h.load_addr;
  if (back > h.offset)
    throw LoadError("a.out kludge: header_addr - load_addr (" + hex(back) + ") exceeds the header's file offset (" +
                    hex(h.offset) + "), so the text would start before the file");
  const uint64_t text_off = h.offset - back;
  uint64_t load_size = 0;
  if (h.load_end_addr == 0) {
    load_size = image.size() - text_off;  // text_off <= header offset < size
  } else {
    if (h.load_end_addr < h.load_addr)
      throw LoadError("a.out kludge: load_end_addr " + hex(h.load_end_addr) + " is below load_addr " +
                      hex(h.load_addr));
    load_size = uint64_t{h.load_end_addr} - h.load_addr;
    if (!detail::fits(image.size(), text_off, load_size))
      throw LoadError("truncated file: the a.out kludge loads file bytes " +
                      detail::range_text(text_off, text_off + load_size) + " but the file has " +
                      hex(image.size()) + " bytes");
  }
  const uint64_t load_end = uint64_t{h.load_addr} + load_size;
  uint64_t mem_end = load_end;
  if (h.bss_end_addr != 0) {
    if (h.bss_end_addr < load_end)
      throw LoadError("a.out kludge: bss_end_addr " + hex(h.bss_end_addr) + " is below the end of the loaded data " +
                      hex(load_end));
    mem_end = h.bss_end_addr;
  }
  if (h.entry_addr < h.load_addr || h.entry_addr >= load_end)
    throw LoadError("a.out kludge: entry_addr " + hex(h.entry_addr) + " is outside the loaded image " +
                    detail::range_text(h.load_addr, load_end));
  KernelPlan p;
  p.format = KernelFormat::kAoutKludge;
  p.entry = h.entry_addr;
  p.chunks.push_back({h.load_addr, text_off, load_size, mem_end - h.load_addr, "kernel image"});
  return p;
}

KernelPlan plan_elf(std::span<const uint8_t> image) {
  const detail::ElfImage elf = detail::parse_elf(image);
  KernelPlan p;
  p.format = elf.is64 ? KernelFormat::kElf64 : KernelFormat::kElf32;
  p.entry = elf.entry_phys;
  for (const detail::ElfSegment& s : elf.segments)
    p.chunks.push_back({s.paddr, s.offset, s.filesz, s.memsz, "ELF segment " + std::to_string(s.index)});
  return p;
}

std::string module_string(const Module& m) { return m.args.empty() ? m.path : m.path + " " + m.args; }
}  // namespace

LoadResult load_multiboot(PhysMemory& mem, std::span<const uint8_t> image, const std::string& image_path,
                          const std::string& cmdline, const std::vector<Module>& modules) {
  using namespace multiboot;
  LoadResult r;
  r.header = parse_multiboot_header(image);
  const uint32_t flags = r.header.flags;
  const uint32_t unsupported = flags & 0xFFFFu & ~(kHeaderPageAlignModules | kHeaderMemoryInfo | kHeaderVideoMode);
  if (unsupported)
    throw LoadError("multiboot header requires features this loader does not provide (flags bits " + hex(unsupported) +
                    " in the required range 15:0)");
  if (flags & kHeaderVideoMode)
    r.warnings.push_back("the kernel asks for a video mode (header flag 2); ignored: there is no framebuffer");

  KernelPlan plan;
  if (flags & kHeaderAoutKludge)
    plan = plan_aout(r.header, image);
  else if (detail::is_elf(image))
    plan = plan_elf(image);
  else
    throw LoadError("the multiboot header has no a.out kludge (flag 16) and the image is not an ELF file");

  // The kernel.
  r.kernel = {~0ull, 0};
  std::vector<LoadedRegion> busy = {{kLowRamEnd, kHighRamBase}, {kApicHoleBase, kApicHoleEnd}};
  for (const Chunk& c : plan.chunks) {
    detail::check_ram_range(mem, c.paddr, c.memsz, /*below_4g=*/true, c.name);
    r.kernel.begin = std::min(r.kernel.begin, c.paddr);
    r.kernel.end = std::max(r.kernel.end, c.paddr + c.memsz);
    busy.push_back({c.paddr, c.paddr + c.memsz});
  }
  const uint64_t limit = std::min(mem.ram_size(), kFourGiB);

  // Modules, page-aligned after the kernel.
  detail::InfoBlockInput info;
  info.ram_size = mem.ram_size();
  info.cmdline = image_path + " " + cmdline;  // QEMU: "%s %s", even for an empty cmdline
  uint64_t next = r.kernel.end;
  for (const Module& m : modules) {
    const std::string what = "module '" + m.path + "'";
    const std::optional<uint64_t> at = detail::find_free(m.data.size(), kPageSize, next, limit, busy);
    if (!at)
      throw LoadError("no room for " + what + " (" + hex(m.data.size()) + " bytes) in guest RAM after the kernel");
    detail::check_ram_range(mem, *at, m.data.size(), /*below_4g=*/true, what);
    const LoadedRegion region{*at, *at + m.data.size()};
    r.modules.push_back(region);
    busy.push_back({region.begin, std::max(region.end, region.begin + 1)});
    next = region.end;
    info.mod_strings.push_back(module_string(m));
  }
  info.mod_ranges = r.modules;

  // The information block: low memory where QEMU puts it if free, else after everything.
  const uint64_t info_size = detail::info_block_size(info);
  std::optional<uint64_t> base =
      detail::find_free(info_size, 16, kLowInfoBase, std::min(kLowInfoLimit, limit), busy);
  if (base != kLowInfoBase) base = detail::find_free(info_size, kPageSize, std::max(next, r.kernel.end), limit, busy);
  if (!base)
    throw LoadError("no room for the multiboot information structures (" + hex(info_size) + " bytes) in guest RAM");
  detail::check_ram_range(mem, *base, info_size, /*below_4g=*/true, "multiboot information");
  r.info_block = {*base, *base + info_size};
  r.info_addr = static_cast<uint32_t>(*base);
  const std::vector<uint8_t> block = detail::build_info_block(info, r.info_addr);

  // Everything checked: write guest memory.
  for (const Chunk& c : plan.chunks) {
    mem.write_block(c.paddr, image.data() + c.offset, c.filesz);
    detail::zero_guest(mem, c.paddr + c.filesz, c.memsz - c.filesz);
  }
  for (size_t i = 0; i < modules.size(); ++i)
    mem.write_block(r.modules[i].begin, modules[i].data.data(), modules[i].data.size());
  mem.write_block(r.info_block.begin, block.data(), block.size());

  r.format = plan.format;
  r.entry = flat_protected_mode_entry(static_cast<uint32_t>(plan.entry), kBootloaderMagic, r.info_addr);
  return r;
}

}  // namespace vp
