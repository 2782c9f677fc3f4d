#include <catch2/catch.hpp>

#include "vp/memory/phys_memory.h"

using namespace vp;

namespace {
struct RecordingMmio : MmioDevice {
  uint64_t last_off = 0, last_val = 0;
  unsigned last_size = 0, reads = 0, writes = 0;
  uint64_t mmio_read(uint64_t off, unsigned size) override {
    ++reads;
    last_off = off;
    last_size = size;
    return 0x1122334455667788ull;
  }
  void mmio_write(uint64_t off, unsigned size, uint64_t v) override {
    ++writes;
    last_off = off;
    last_size = size;
    last_val = v;
  }
};
}  // namespace

TEST_CASE("RAM reads back what was written, little-endian, at every size", "[memory]") {
  PhysMemory m(1 << 20);
  m.write(0x1000, 8, 0x0102030405060708ull);
  CHECK(m.read(0x1000, 1) == 0x08);
  CHECK(m.read(0x1001, 2) == 0x0607);
  CHECK(m.read(0x1004, 4) == 0x01020304);
  CHECK(m.read(0x1000, 8) == 0x0102030405060708ull);
  CHECK(m.read(0, 4) == 0);  // page 0 is RAM and starts zeroed
}

TEST_CASE("addresses beyond RAM read as all ones and ignore writes", "[memory]") {
  PhysMemory m(64 * 1024);
  CHECK(m.ram_size() == 64 * 1024);
  m.write(64 * 1024, 4, 0);
  CHECK(m.read(64 * 1024, 4) == 0xFFFFFFFFu);
  CHECK(m.read(0xFFFF'FFFF'F000ull, 8) == ~0ull);
  CHECK(m.read(64 * 1024 - 2, 4) == 0xFFFFFFFFu);  // straddles the end: not RAM as a whole
  CHECK(m.ram_page(64 * 1024) == nullptr);
  CHECK(m.ram_page(64 * 1024 - 1) != nullptr);
}

TEST_CASE("RAM is sparse: a large guest costs no host memory until touched", "[memory]") {
  // 16 GiB of guest RAM must be reservable on a 24 GiB host without committing it.
  PhysMemory m(16ull << 30);
  m.write(15ull << 30, 4, 0xdeadbeef);
  CHECK(m.read(15ull << 30, 4) == 0xdeadbeef);
}

TEST_CASE("MMIO regions shadow RAM and receive offset and size", "[memory]") {
  PhysMemory m(1 << 20);
  RecordingMmio dev;
  m.map_mmio(0x8000, 0x1000, &dev);
  CHECK(m.ram_page(0x8000) == nullptr);
  CHECK(m.read(0x8010, 4) == 0x1122334455667788ull);
  CHECK(dev.last_off == 0x10);
  CHECK(dev.last_size == 4);
  m.write(0x8ff8, 8, 42);
  CHECK(dev.writes == 1);
  CHECK(dev.last_off == 0xff8);
  CHECK(dev.last_val == 42);
  RecordingMmio other;
  CHECK_THROWS(m.map_mmio(0x8800, 0x1000, &other));
}

TEST_CASE("writing a code page bumps its generation exactly once per marking", "[memory]") {
  PhysMemory m(1 << 20);
  const uint32_t g0 = m.generation(0x3000);
  m.write(0x3000, 1, 1);  // not code yet: no change
  CHECK(m.generation(0x3000) == g0);
  const uint64_t mark0 = m.code_mark_epoch();
  m.mark_code(0x3123);
  CHECK(m.code_mark_epoch() == mark0 + 1);
  CHECK(m.is_code(0x3000));
  m.write(0x3fff, 1, 2);
  CHECK(m.generation(0x3000) == g0 + 1);
  CHECK_FALSE(m.is_code(0x3000));
  m.write(0x3fff, 1, 3);  // no longer code
  CHECK(m.generation(0x3000) == g0 + 1);
  CHECK(m.generation(0x4000) == 0);
}

TEST_CASE("block copies cross pages and skip non-RAM", "[memory]") {
  PhysMemory m(3 * kPageSize);
  uint8_t buf[6000];
  for (size_t i = 0; i < sizeof buf; ++i) buf[i] = static_cast<uint8_t>(i * 7);
  m.write_block(0x800, buf, sizeof buf);
  uint8_t back[6000] = {};
  m.read_block(0x800, back, sizeof back);
  CHECK(std::equal(buf, buf + sizeof buf, back));
  uint8_t tail[4];
  m.write_block(3 * kPageSize - 2, buf, 4);  // last two bytes fall outside RAM
  m.read_block(3 * kPageSize - 2, tail, 4);
  CHECK(tail[0] == buf[0]);
  CHECK(tail[1] == buf[1]);
  CHECK(tail[2] == 0xFF);
  CHECK(tail[3] == 0xFF);
}
