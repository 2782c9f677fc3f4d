// Multiboot and flat loaders: images are built here, in memory, then loaded into guest RAM.
#include <catch2/catch.hpp>

#include <cstdlib>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "vp/memory/phys_memory.h"
#include "vp/platform/flat_loader.h"
#include "vp/platform/multiboot.h"
#include "vp/platform/pc_layout.h"

using namespace vp;

namespace {
using Bytes = std::vector<uint8_t>;
constexpr uint64_t kRam = 32ull << 20;

void put(Bytes& b, size_t off, uint64_t v, unsigned n) {
  if (b.size() < off + n) b.resize(off + n, 0);
  for (unsigned i = 0; i < n; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
uint8_t pattern(size_t i, unsigned salt) { return static_cast<uint8_t>(i * 7 + salt * 31 + 1); }

void put_mb_header(Bytes& b, size_t off, uint32_t flags) {
  put(b, off, multiboot::kHeaderMagic, 4);
  put(b, off + 4, flags, 4);
  put(b, off + 8, 0u - (multiboot::kHeaderMagic + flags), 4);
}

// An a.out-kludge image: a 0x100-byte foreign header (not loaded), then text whose Multiboot
// header sits 0x20 bytes in. Loads 0x800 bytes at 0x100000, BSS up to 0x103000.
struct Aout {
  uint32_t header_off = 0x120;
  uint32_t flags = multiboot::kHeaderAoutKludge | multiboot::kHeaderPageAlignModules | multiboot::kHeaderMemoryInfo;
  uint32_t header_addr = 0x100020;
  uint32_t load_addr = 0x100000;
  uint32_t load_end_addr = 0x100800;
  uint32_t bss_end_addr = 0x103000;
  uint32_t entry_addr = 0x100040;
  size_t file_size = 0x1000;
  Bytes build() const {
    Bytes b(file_size);
    for (size_t i = 0; i < b.size(); ++i) b[i] = pattern(i, 0);
    put_mb_header(b, header_off, flags);
    put(b, header_off + 12, header_addr, 4);
    put(b, header_off + 16, load_addr, 4);
    put(b, header_off + 20, load_end_addr, 4);
    put(b, header_off + 24, bss_end_addr, 4);
    put(b, header_off + 28, entry_addr, 4);
    b.resize(file_size);
    return b;
  }
};

struct ElfSeg {
  uint32_t type = 1;  // PT_LOAD
  uint64_t offset = 0, vaddr = 0, paddr = 0, filesz = 0, memsz = 0;
};

// An ELF executable: header, program headers at e_phoff, Multiboot header at 0x200, segment
// contents from pattern(). Fields can be patched afterwards.
Bytes build_elf(bool is64, uint64_t entry, const std::vector<ElfSeg>& segs, size_t file_size, uint32_t mb_flags = 0) {
  Bytes b(file_size, 0);
  const uint64_t phoff = is64 ? 64 : 52;
  const unsigned phentsize = is64 ? 56 : 32;
  b[0] = 0x7F, b[1] = 'E', b[2] = 'L', b[3] = 'F';
  b[4] = is64 ? 2 : 1, b[5] = 1, b[6] = 1;
  put(b, 16, 2, 2);               // ET_EXEC
  put(b, 18, is64 ? 62 : 3, 2);   // EM_X86_64 / EM_386
  put(b, 20, 1, 4);               // EV_CURRENT
  if (is64) {
    put(b, 24, entry, 8);
    put(b, 32, phoff, 8);
    put(b, 52, 64, 2);
    put(b, 54, phentsize, 2);
    put(b, 56, segs.size(), 2);
  } else {
    put(b, 24, entry, 4);
    put(b, 28, phoff, 4);
    put(b, 40, 52, 2);
    put(b, 42, phentsize, 2);
    put(b, 44, segs.size(), 2);
  }
  for (size_t i = 0; i < segs.size(); ++i) {
    const ElfSeg& s = segs[i];
    const size_t ph = phoff + i * phentsize;
    put(b, ph, s.type, 4);
    if (is64) {
      put(b, ph + 4, 7, 4);
      put(b, ph + 8, s.offset, 8);
      put(b, ph + 16, s.vaddr, 8);
      put(b, ph + 24, s.paddr, 8);
      put(b, ph + 32, s.filesz, 8);
      put(b, ph + 40, s.memsz, 8);
      put(b, ph + 48, 0x1000, 8);
    } else {
      put(b, ph + 4, s.offset, 4);
      put(b, ph + 8, s.vaddr, 4);
      put(b, ph + 12, s.paddr, 4);
      put(b, ph + 16, s.filesz, 4);
      put(b, ph + 20, s.memsz, 4);
      put(b, ph + 24, 7, 4);
      put(b, ph + 28, 0x1000, 4);
    }
    if (s.type == 1)
      for (uint64_t k = 0; k < s.filesz && s.offset + k < b.size(); ++k) b[s.offset + k] = pattern(k, unsigned(i + 1));
  }
  put_mb_header(b, 0x200, mb_flags);
  b.resize(file_size);
  return b;
}

// Higher-half style 32-bit kernel: text at 0x100000 (linked at 0xC0100000), data + BSS at
// 0x102000, and a PT_NOTE that must be ignored.
const std::vector<ElfSeg> kElf32Segs = {
    {1, 0x1000, 0xC0100000, 0x100000, 0x1800, 0x1800},
    {4, 0x200, 0, 0, 12, 12},
    {1, 0x3000, 0xC0102000, 0x102000, 0x100, 0x3000},
};
Bytes elf32() { return build_elf(false, 0xC0100010, kElf32Segs, 0x3100); }

const std::vector<ElfSeg> kElf64Segs = {{1, 0x1000, 0x200000, 0x200000, 0x100, 0x1000}};
Bytes elf64() { return build_elf(true, 0x200000, kElf64Segs, 0x1100); }

uint32_t rd32(PhysMemory& mem, uint64_t pa) { return static_cast<uint32_t>(mem.read(pa, 4)); }
uint64_t rd64(PhysMemory& mem, uint64_t pa) { return mem.read(pa, 8); }
std::string cstr(PhysMemory& mem, uint64_t pa) {
  std::string s;
  for (char c; (c = static_cast<char>(mem.read(pa + s.size(), 1))) != 0 && s.size() < 4096;) s.push_back(c);
  return s;
}
Bytes guest_bytes(PhysMemory& mem, uint64_t pa, size_t n) {
  Bytes b(n);
  mem.read_block(pa, b.data(), n);
  return b;
}
bool all_equal(const Bytes& b, uint8_t v) {
  for (uint8_t x : b)
    if (x != v) return false;
  return true;
}

std::string load_error(PhysMemory& mem, const Bytes& image, const std::vector<Module>& mods = {}) {
  try {
    load_multiboot(mem, image, "k", "", mods);
  } catch (const LoadError& e) {
    return e.what();
  }
  return "(loaded)";
}
std::string load_error(const Bytes& image) {
  PhysMemory mem(kRam);
  return load_error(mem, image);
}

void check_flat_entry_state(const LoadResult& r) {
  CHECK(r.entry.eax == multiboot::kBootloaderMagic);
  CHECK(r.entry.ebx == r.info_addr);
  CHECK(r.entry.cr0 == 0x11);     // PE | ET, paging off
  CHECK(r.entry.rflags == 0x2);   // IF and VM clear
  CHECK(r.entry.cs.base == 0);
  CHECK(r.entry.cs.limit == 0xFFFFFFFFu);
  CHECK(r.entry.cs.access_rights == 0xC09B);  // G, D, P, S, code execute/read accessed
  for (const SegmentState* s : {&r.entry.ds, &r.entry.es, &r.entry.fs, &r.entry.gs, &r.entry.ss}) {
    CHECK(s->base == 0);
    CHECK(s->limit == 0xFFFFFFFFu);
    CHECK(s->access_rights == 0xC093);  // G, B, P, S, data read/write accessed
    CHECK(s->selector == r.entry.ds.selector);
  }
}
}  // namespace

TEST_CASE("multiboot a.out kludge: image, BSS, entry state and information structure", "[platform]") {
  PhysMemory mem(kRam);
  const Aout a;
  const Bytes image = a.build();
  const Bytes dirt(0x3000, 0xEE);
  mem.write_block(0x100000, dirt.data(), dirt.size());  // BSS must be zeroed, not assumed zero

  Module initrd{"initrd.img", Bytes(0x1234, 0x5A), "root=/dev/ram"};
  Module plain{"plain.bin", {1, 2, 3}, ""};
  const LoadResult r = load_multiboot(mem, image, "/boot/kernel.bin", "console=ttyS0", {initrd, plain});

  CHECK(r.format == KernelFormat::kAoutKludge);
  CHECK(r.header.offset == 0x120);
  CHECK(r.warnings.empty());
  CHECK(r.kernel.begin == 0x100000);
  CHECK(r.kernel.end == 0x103000);
  CHECK(guest_bytes(mem, 0x100000, 0x800) == Bytes(image.begin() + 0x100, image.begin() + 0x900));
  CHECK(all_equal(guest_bytes(mem, 0x100800, 0x2800), 0));
  CHECK(r.entry.eip == 0x100040);
  check_flat_entry_state(r);

  // Information structure at 0x9000 (QEMU's spot), all fields the flags announce.
  const uint64_t mbi = r.info_addr;
  CHECK(mbi == multiboot::kLowInfoBase);
  CHECK(rd32(mem, mbi + 0) == 0x24D);  // mem | cmdline | mods | mmap | boot_loader_name
  CHECK(rd32(mem, mbi + 4) == 639);
  CHECK(rd32(mem, mbi + 8) == (kRam - 0x100000 - 0x20000) / 1024);  // QEMU: top 128 KiB reserved
  CHECK(rd32(mem, mbi + 12) == 0);  // no boot_device
  CHECK(cstr(mem, rd32(mem, mbi + 16)) == "/boot/kernel.bin console=ttyS0");
  CHECK(cstr(mem, rd32(mem, mbi + 64)) == "vanderpool");

  // Modules: page-aligned after the BSS, each with its string.
  REQUIRE(rd32(mem, mbi + 20) == 2);
  const uint64_t mods = rd32(mem, mbi + 24);
  REQUIRE(r.modules.size() == 2);
  CHECK(rd32(mem, mods + 0) == 0x103000);
  CHECK(rd32(mem, mods + 4) == 0x103000 + 0x1234);
  CHECK(cstr(mem, rd32(mem, mods + 8)) == "initrd.img root=/dev/ram");
  CHECK(rd32(mem, mods + 12) == 0);
  CHECK(rd32(mem, mods + 16) == 0x105000);
  CHECK(rd32(mem, mods + 20) == 0x105003);
  CHECK(cstr(mem, rd32(mem, mods + 24)) == "plain.bin");
  CHECK(r.modules[0].begin == 0x103000);
  CHECK(r.modules[1].end == 0x105003);
  CHECK(all_equal(guest_bytes(mem, 0x103000, 0x1234), 0x5A));
  CHECK(guest_bytes(mem, 0x105000, 3) == Bytes{1, 2, 3});

  // Memory map as QEMU 7.2 (SeaBIOS, Intel CPU model) presents it.
  REQUIRE(rd32(mem, mbi + 44) == 6 * 24);
  const uint64_t mm = rd32(mem, mbi + 48);
  struct E {
    uint64_t base, len;
    uint32_t type;
  };
  const E expect[] = {{0, 0x9FC00, 1},
                      {0x9FC00, 0x400, 2},
                      {0xF0000, 0x10000, 2},
                      {0x100000, kRam - 0x100000 - 0x20000, 1},
                      {kRam - 0x20000, 0x20000, 2},
                      {0xFFFC0000, 0x40000, 2}};
  for (size_t i = 0; i < 6; ++i) {
    CHECK(rd32(mem, mm + i * 24) == 20);
    CHECK(rd64(mem, mm + i * 24 + 4) == expect[i].base);
    CHECK(rd64(mem, mm + i * 24 + 12) == expect[i].len);
    CHECK(rd32(mem, mm + i * 24 + 20) == expect[i].type);
  }
  // The whole block lies in low memory, clear of everything loaded.
  CHECK(r.info_block.begin == mbi);
  CHECK(r.info_block.end <= multiboot::kLowInfoLimit);
}

TEST_CASE("multiboot command line: QEMU's \"path cmdline\", with the space even when empty", "[platform]") {
  PhysMemory mem(kRam);
  const LoadResult r = load_multiboot(mem, Aout{}.build(), "kernel.elf", "", {});
  CHECK(cstr(mem, rd32(mem, r.info_addr + 16)) == "kernel.elf ");
  CHECK(rd32(mem, r.info_addr + 20) == 0);
  CHECK(r.modules.empty());
}

TEST_CASE("multiboot a.out kludge: load_end_addr 0 loads the rest of the file, no BSS", "[platform]") {
  PhysMemory mem(kRam);
  Aout a;
  a.load_end_addr = 0;
  a.bss_end_addr = 0;
  const Bytes image = a.build();
  const LoadResult r = load_multiboot(mem, image, "k", "", {});
  CHECK(r.kernel.begin == 0x100000);
  CHECK(r.kernel.end == 0x100000 + 0xF00);
  CHECK(guest_bytes(mem, 0x100000, 0xF00) == Bytes(image.begin() + 0x100, image.end()));
}

TEST_CASE("multiboot information moves above the image when the image covers 0x9000", "[platform]") {
  PhysMemory mem(kRam);
  Aout a;
  a.header_off = 0x20;
  a.header_addr = 0x8020;
  a.load_addr = 0x8000;
  a.load_end_addr = 0x8800;
  a.bss_end_addr = 0x20000;
  a.entry_addr = 0x8040;
  const LoadResult r = load_multiboot(mem, a.build(), "k", "x", {Module{"m", Bytes(10, 1), ""}});
  CHECK(r.modules[0].begin == 0x20000);
  CHECK(r.info_addr == 0x21000);
  CHECK(r.info_block.begin >= r.modules[0].end);
  CHECK(cstr(mem, rd32(mem, r.info_addr + 16)) == "k x");
}

TEST_CASE("multiboot ELF32: PT_LOAD by p_paddr, BSS zeroed, entry translated to physical", "[platform]") {
  PhysMemory mem(kRam);
  const Bytes dirt(0x3000, 0xCC);
  mem.write_block(0x102000, dirt.data(), dirt.size());
  const Bytes image = elf32();
  const LoadResult r = load_multiboot(mem, image, "k32", "a b", {});
  CHECK(r.format == KernelFormat::kElf32);
  CHECK(r.entry.eip == 0x100010);
  check_flat_entry_state(r);
  CHECK(r.kernel.begin == 0x100000);
  CHECK(r.kernel.end == 0x105000);
  CHECK(guest_bytes(mem, 0x100000, 0x1800) == Bytes(image.begin() + 0x1000, image.begin() + 0x2800));
  CHECK(guest_bytes(mem, 0x102000, 0x100) == Bytes(image.begin() + 0x3000, image.begin() + 0x3100));
  CHECK(all_equal(guest_bytes(mem, 0x102100, 0x2F00), 0));
  CHECK(all_equal(guest_bytes(mem, 0x101800, 0x800), 0));  // the gap between segments is untouched
  CHECK(cstr(mem, rd32(mem, r.info_addr + 16)) == "k32 a b");
}

TEST_CASE("multiboot ELF64: PT_LOAD by p_paddr, 32-bit protected-mode entry", "[platform]") {
  PhysMemory mem(kRam);
  const Bytes image = elf64();
  const LoadResult r = load_multiboot(mem, image, "k64", "", {Module{"mod", Bytes(5, 9), "x"}});
  CHECK(r.format == KernelFormat::kElf64);
  CHECK(r.entry.eip == 0x200000);
  check_flat_entry_state(r);
  CHECK(guest_bytes(mem, 0x200000, 0x100) == Bytes(image.begin() + 0x1000, image.begin() + 0x1100));
  CHECK(all_equal(guest_bytes(mem, 0x200100, 0xF00), 0));
  CHECK(r.modules[0].begin == 0x201000);
  CHECK(cstr(mem, rd32(mem, rd32(mem, r.info_addr + 24) + 8)) == "mod x");
}

TEST_CASE("multiboot header: search window, alignment, checksum, flags", "[platform]") {
  CHECK_THAT(load_error(Bytes{}), Catch::Contains("no multiboot header"));
  CHECK_THAT(load_error(Bytes(10000, 0x90)), Catch::Contains("no multiboot header"));

  Bytes late(9000, 0);
  put_mb_header(late, 8192, 0);  // just outside the first 8192 bytes
  CHECK_THAT(load_error(late), Catch::Contains("no multiboot header"));
  Bytes straddling(9000, 0);
  put_mb_header(straddling, 8184, 0);  // checksum at 8192..8195: not completely inside
  CHECK_THAT(load_error(straddling), Catch::Contains("no multiboot header"));
  Bytes unaligned(4096, 0);
  put_mb_header(unaligned, 0x102, 0);
  CHECK_THAT(load_error(unaligned), Catch::Contains("no multiboot header"));
  CHECK_FALSE(find_multiboot_header(unaligned).has_value());

  Bytes bad = Aout{}.build();
  put(bad, 0x128, 0x12345678, 4);
  CHECK_THAT(load_error(bad), Catch::Contains("bad checksum"));

  Aout needs_more;
  needs_more.flags |= 1u << 3;  // a required feature nobody defined for us
  CHECK_THAT(load_error(needs_more.build()), Catch::Contains("requires features"));
  Aout optional_bits;
  optional_bits.flags |= 1u << 20;  // optional bits may be ignored
  CHECK(load_error(optional_bits.build()) == "(loaded)");

  Aout video;
  video.flags |= multiboot::kHeaderVideoMode;
  PhysMemory mem(kRam);
  const LoadResult r = load_multiboot(mem, video.build(), "k", "", {});
  CHECK(r.warnings.size() == 1);

  // With flag 16 the address fields must be in the file and in the 8192-byte window.
  Aout cut;
  cut.file_size = 0x120 + 24;
  CHECK_THAT(load_error(cut.build()), Catch::Contains("truncated multiboot header"));
  CHECK_FALSE(find_multiboot_header(cut.build()).has_value());
  REQUIRE(find_multiboot_header(Aout{}.build()).has_value());
  CHECK(find_multiboot_header(Aout{}.build())->entry_addr == 0x100040);

  Bytes no_format(4096, 0);
  put_mb_header(no_format, 0, 0);
  CHECK_THAT(load_error(no_format), Catch::Contains("not an ELF file"));
}

TEST_CASE("multiboot a.out kludge: inconsistent address fields are errors", "[platform]") {
  Aout a;
  a.load_addr = 0x100030;  // above header_addr
  CHECK_THAT(load_error(a.build()), Catch::Contains("load_addr 0x100030 is above header_addr"));
  a = Aout{};
  a.header_addr = 0x100000 + 0x121;  // text would start before offset 0
  CHECK_THAT(load_error(a.build()), Catch::Contains("before the file"));
  a = Aout{};
  a.load_end_addr = 0x100000 + 0xF01;  // one byte more than the file holds
  CHECK_THAT(load_error(a.build()), Catch::Contains("truncated file"));
  a = Aout{};
  a.load_end_addr = 0xFFFFF;
  CHECK_THAT(load_error(a.build()), Catch::Contains("below load_addr"));
  a = Aout{};
  a.bss_end_addr = 0x1007FF;
  CHECK_THAT(load_error(a.build()), Catch::Contains("bss_end_addr"));
  a = Aout{};
  a.entry_addr = 0x100800;  // first byte past the loaded data
  CHECK_THAT(load_error(a.build()), Catch::Contains("entry_addr 0x100800 is outside"));
}

TEST_CASE("multiboot addresses: beyond RAM, above 4 GiB, in the LAPIC/IOAPIC hole", "[platform]") {
  Aout a;
  a.header_addr = kRam - 0x800 + 0x20;
  a.load_addr = kRam - 0x800;
  a.load_end_addr = kRam;
  a.bss_end_addr = kRam + 1;
  a.entry_addr = a.load_addr + 0x40;
  CHECK_THAT(load_error(a.build()), Catch::Contains("beyond guest RAM"));

  a = Aout{};
  a.header_addr = 0xFFFFF020;
  a.load_addr = 0xFFFFF000;
  a.load_end_addr = 0;  // the whole file: 0xF00 bytes fit below 4 GiB ...
  a.bss_end_addr = 0;
  a.entry_addr = 0xFFFFF040;
  a.file_size = 0x1200;  // ... 0x1100 bytes do not
  CHECK_THAT(load_error(a.build()), Catch::Contains("above 4 GiB"));

  PhysMemory big(kFourGiB);  // reserved, not committed
  a = Aout{};
  a.header_addr = 0xFEBFF020;
  a.load_addr = 0xFEBFF000;
  a.load_end_addr = 0xFEBFF800;
  a.bss_end_addr = 0xFEC00001;
  a.entry_addr = 0xFEBFF040;
  CHECK_THAT(load_error(big, a.build()), Catch::Contains("LAPIC/IOAPIC hole"));

  // Modules that do not fit are errors too, and nothing is written before all checks pass.
  PhysMemory mem(kRam);
  const Bytes dirt(0x100, 0xEE);
  mem.write_block(0x100000, dirt.data(), dirt.size());
  CHECK_THAT(load_error(mem, Aout{}.build(), {Module{"huge", Bytes(kRam, 0), ""}}),
             Catch::Contains("no room for module 'huge'"));
  CHECK(all_equal(guest_bytes(mem, 0x100000, 0x100), 0xEE));
  CHECK(all_equal(guest_bytes(mem, 0x9000, 0x100), 0));
}

TEST_CASE("multiboot ELF: malformed headers, segments and entry points are errors", "[platform]") {
  Bytes b = elf32();
  put(b, 28, 0x10000, 4);  // e_phoff past the end
  CHECK_THAT(load_error(b), Catch::Contains("program header table"));
  b = elf32();
  put(b, 42, 16, 2);  // e_phentsize too small
  CHECK_THAT(load_error(b), Catch::Contains("e_phentsize"));
  b = elf32();
  put(b, 52 + 2 * 32 + 16, 0x200, 4);  // segment 2 p_filesz: runs past the end of the file
  CHECK_THAT(load_error(b), Catch::Contains("ELF program header 2: file range"));
  b = elf32();
  put(b, 52 + 2 * 32 + 4, 0xFFFFFFFF, 4);  // p_offset near 4 GiB
  CHECK_THAT(load_error(b), Catch::Contains("extends past the end of the file"));
  b = elf32();
  put(b, 52 + 0 * 32 + 20, 0x17FF, 4);  // segment 0 p_memsz < p_filesz
  CHECK_THAT(load_error(b), Catch::Contains("exceeds p_memsz"));
  b = elf32();
  put(b, 24, 0xC0200000, 4);  // entry outside every segment
  CHECK_THAT(load_error(b), Catch::Contains("not inside any PT_LOAD"));
  b = elf32();
  put(b, 18, 62, 2);  // ELFCLASS32 with EM_X86_64
  CHECK_THAT(load_error(b), Catch::Contains("expected EM_386"));
  b = elf32();
  b[5] = 2;  // big-endian
  CHECK_THAT(load_error(b), Catch::Contains("little-endian"));
  b = elf32();
  b[4] = 3;
  CHECK_THAT(load_error(b), Catch::Contains("unsupported ELF class"));
  b = elf32();
  put(b, 16, 1, 2);  // ET_REL
  CHECK_THAT(load_error(b), Catch::Contains("not an executable"));
  b = elf32();
  put(b, 44, 0, 2);
  CHECK_THAT(load_error(b), Catch::Contains("no program headers"));
  b = build_elf(false, 0x100000, {{4, 0x200, 0, 0, 12, 12}}, 0x400);
  CHECK_THAT(load_error(b), Catch::Contains("no loadable"));
  b = build_elf(false, 0x7FF000, {{1, 0x1000, 0x7FF000, 0x7FF000, 0x100, 0x2000000}}, 0x1100);
  CHECK_THAT(load_error(b), Catch::Contains("ELF segment 0 [0x7ff000, 0x27ff000) lies beyond guest RAM"));

  b = elf64();
  put(b, 18, 3, 2);  // ELFCLASS64 with EM_386
  CHECK_THAT(load_error(b), Catch::Contains("expected EM_X86_64"));
  b = build_elf(true, 0x1000, {{1, 0x1000, 0x1000, 0xFFFFFFFFFFFFF000ull, 0x100, 0x2000}}, 0x1100);
  CHECK_THAT(load_error(b), Catch::Contains("overflows"));
  b = build_elf(true, 0x100000000ull, {{1, 0x1000, 0x100000000ull, 0x100000000ull, 0x100, 0x1000}}, 0x1100);
  CHECK_THAT(load_error(b), Catch::Contains("does not fit in 32 bits"));
  b = build_elf(true, 0x200000,
                {{1, 0x1000, 0x200000, 0x200000, 0x100, 0x100}, {1, 0x1000, 0x1000, 0x100000000ull, 0x100, 0x1000}},
                0x1100);
  CHECK_THAT(load_error(b), Catch::Contains("ELF segment 1 [0x100000000, 0x100001000) lies above 4 GiB"));

  // A header cut short: ELFCLASS64 needs 64 bytes; the Multiboot header fits in the 60 present.
  Bytes short_hdr = elf64();
  short_hdr.resize(60);
  put_mb_header(short_hdr, 48, 0);
  CHECK_THAT(load_error(short_hdr), Catch::Contains("ELF header is cut off"));
}

TEST_CASE("flat loader: copies the image, rejects empty, out-of-RAM, hole and MMIO ranges", "[platform]") {
  PhysMemory mem(kRam);
  const Bytes image = {0xEB, 0xFE, 0x90};
  const LoadedRegion r = load_flat(mem, image, 0x7C00);
  CHECK(r.begin == 0x7C00);
  CHECK(r.end == 0x7C03);
  CHECK(guest_bytes(mem, 0x7C00, 3) == image);
  CHECK_THROWS_WITH(load_flat(mem, {}, 0x1000), Catch::Contains("empty"));
  CHECK_THROWS_WITH(load_flat(mem, image, kRam - 2), Catch::Contains("beyond guest RAM"));
  CHECK_THROWS_WITH(load_flat(mem, image, ~0ull - 1), Catch::Contains("wraps around"));
  PhysMemory big(kFourGiB);
  CHECK_THROWS_WITH(load_flat(big, image, 0xFEBFFFFE), Catch::Contains("LAPIC/IOAPIC hole"));
  CHECK_NOTHROW(load_flat(big, image, 0xFF000000));

  struct Dummy : MmioDevice {
    int writes = 0;
    uint64_t mmio_read(uint64_t, unsigned) override { return 0; }
    void mmio_write(uint64_t, unsigned, uint64_t) override { ++writes; }
  } dev;
  mem.map_mmio(0x200000, 0x1000, &dev);
  CHECK_THROWS_WITH(load_flat(mem, image, 0x1FFFFF), Catch::Contains("MMIO"));
  CHECK(dev.writes == 0);
}

TEST_CASE("memory map for small and large RAM", "[platform]") {
  const auto small = pc_memory_map(512 << 10);
  REQUIRE(small.size() == 4);
  CHECK(small[0].length == 512 << 10);
  CHECK(small[3].base == kBiosFlashBase);
  const auto big = pc_memory_map(kFourGiB + 0x1000000);
  REQUIRE(big.size() == 8);
  CHECK(big[3].base == 0x100000);
  CHECK(big[3].length == kApicHoleBase - kFirmwareReserve - 0x100000);
  CHECK(big[4].base == kApicHoleBase - kFirmwareReserve);
  CHECK(big[4].type == MemoryType::kReserved);
  CHECK(big[5].base == kApicHoleBase);
  CHECK(big[5].type == MemoryType::kReserved);
  CHECK(big[6].base == kBiosFlashBase);
  // RAM between the hole and 4 GiB is not reported (the BIOS flash sits there under QEMU).
  CHECK(big[7].base == kFourGiB);
  CHECK(big[7].base + big[7].length == kFourGiB + 0x1000000);
}

TEST_CASE("multiboot loader survives random mutations of valid images", "[platform]") {
  // Seeded: the same mutations every run. Every outcome must be success or LoadError; the
  // sanitizer build checks that no mutation makes the loader touch memory it should not.
  // A longer campaign: VP_FUZZ_ITERATIONS=N VP_FUZZ_SEED=S (docs/testing.md).
  const char* env_iters = std::getenv("VP_FUZZ_ITERATIONS");
  const char* env_seed = std::getenv("VP_FUZZ_SEED");
  const long iterations = env_iters ? std::atol(env_iters) : 4500;
  std::mt19937_64 rng(env_seed ? std::strtoull(env_seed, nullptr, 0) : 0x5EEDB007);
  PhysMemory mem(8ull << 20);
  const std::vector<Bytes> bases = {Aout{}.build(), elf32(), elf64()};
  // Offsets where a change matters most: Multiboot header fields and ELF/program header fields.
  const std::vector<std::vector<size_t>> hot = {
      {0x120, 0x124, 0x128, 0x12C, 0x130, 0x134, 0x138, 0x13C},
      {4, 5, 16, 18, 20, 24, 28, 42, 44, 52, 56, 60, 64, 68, 72, 116, 120, 124, 128, 132, 0x200, 0x204, 0x208},
      {4, 5, 16, 18, 24, 32, 54, 56, 64, 72, 80, 88, 96, 104, 0x200, 0x204, 0x208}};
  const uint64_t boundary[] = {0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFF000, 0x100000, 0x7FF000, 0x800000,
                               0xFEC00000, 0x100000000ull, ~0ull};
  int ok = 0, rejected = 0;
  for (long iter = 0; iter < iterations; ++iter) {
    const size_t which = static_cast<size_t>(iter) % bases.size();
    Bytes img = bases[which];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 6) {
        case 0:  // random byte anywhere
          if (!img.empty()) img[rng() % img.size()] = static_cast<uint8_t>(rng());
          break;
        case 1:  // random 32-bit value at a hot offset
        case 2: {
          const size_t off = hot[which][rng() % hot[which].size()];
          if (off + 4 <= img.size()) put(img, off, rng(), 4);
          break;
        }
        case 3: {  // boundary value, 4 or 8 bytes, at a hot offset
          const size_t off = hot[which][rng() % hot[which].size()];
          const unsigned n = (rng() & 1) ? 8 : 4;
          if (off + n <= img.size()) put(img, off, boundary[rng() % std::size(boundary)], n);
          break;
        }
        case 4:  // truncate
          img.resize(rng() % (img.size() + 1));
          break;
        default:  // extend
          img.resize(img.size() + rng() % 0x2000, static_cast<uint8_t>(rng()));
          break;
      }
    }
    // Keep the checksum right half of the time so that the loader gets past the header.
    if ((rng() & 1) && which == 0 && img.size() >= 0x12C) {
      uint32_t flags = 0;
      for (unsigned i = 0; i < 4; ++i) flags |= uint32_t{img[0x124 + i]} << (8 * i);
      put(img, 0x128, 0u - (multiboot::kHeaderMagic + flags), 4);
    }
    std::vector<Module> mods;
    if (rng() & 1) mods.push_back(Module{"m", Bytes(rng() % 0x3000, 0x11), "arg"});
    try {
      const LoadResult r = load_multiboot(mem, img, "fuzz", "x", mods);
      ++ok;
      CHECK(r.info_block.end <= mem.ram_size());
      CHECK(r.kernel.end <= mem.ram_size());
      CHECK(r.entry.ebx == r.info_addr);
      for (const LoadedRegion& m : r.modules) {
        CHECK((m.begin % kPageSize) == 0);
        CHECK((m.begin >= r.kernel.end || m.end <= r.kernel.begin));
        CHECK((r.info_block.begin >= m.end || r.info_block.end <= m.begin));
      }
    } catch (const LoadError&) {
      ++rejected;
    }
  }
  CHECK(ok > 100);
  CHECK(rejected > 100);
}
