#include <catch2/catch.hpp>

#include "vp/memory/io_bus.h"

using namespace vp;

namespace {
struct Latch : IoDevice {
  uint32_t value = 0;
  uint16_t last_port = 0;
  uint32_t io_read(uint16_t port, unsigned) override {
    last_port = port;
    return value;
  }
  void io_write(uint16_t port, unsigned, uint32_t v) override {
    last_port = port;
    value = v;
  }
};
}  // namespace

TEST_CASE("I/O ports dispatch to their owner; unclaimed ports read all ones", "[io]") {
  IoBus bus;
  Latch dev;
  bus.map(0x3F8, 8, &dev);
  bus.write(0x3FA, 1, 0x5A);
  CHECK(dev.last_port == 0x3FA);
  CHECK(bus.read(0x3F8, 1) == 0x5A);
  CHECK(bus.read(0x3F7, 1) == 0xFF);
  CHECK(bus.read(0x400, 2) == 0xFFFF);
  CHECK(bus.read(0xFFFF, 4) == 0xFFFFFFFFu);
  int seen = 0;
  bus.on_unclaimed = [&](uint16_t port, unsigned size, bool write, uint32_t v) {
    ++seen;
    CHECK(port == 0x80);
    CHECK(size == 1);
    CHECK(write);
    CHECK(v == 7);
  };
  bus.write(0x80, 1, 7);
  CHECK(seen == 1);
  Latch other;
  CHECK_THROWS(bus.map(0x3FF, 2, &other));
  CHECK_THROWS(bus.map(0xFFFF, 2, &other));
}
