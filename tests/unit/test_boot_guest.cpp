// The shared benchmark boot sector (real mode -> long mode -> integer loop) must print the
// same checksum as the same loop executed natively on the host CPU.
#include <sys/mman.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>

#include "guest_fixture.h"

using namespace vp;

namespace {

// Runs work(N, array) natively: the bytes are the same as in the guest.
uint64_t native_checksum(const std::vector<uint8_t>& work, uint64_t n) {
  void* mem = mmap(nullptr, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(mem != MAP_FAILED);
  // Wrapper: push rbx; call work; pop rbx; ret  (work clobbers rbx, a callee-saved register)
  auto* p = static_cast<uint8_t*>(mem);
  const uint8_t pre[] = {0x53, 0xE8, 0x02, 0x00, 0x00, 0x00, 0x5B, 0xC3};
  std::memcpy(p, pre, sizeof pre);
  std::memcpy(p + sizeof pre, work.data(), work.size());
  // (the call at offset 1 ends at 6; its rel32 of 2 reaches work at offset 8)
  std::vector<uint64_t> array(64, 0);
  auto fn = reinterpret_cast<uint64_t (*)(uint64_t, uint64_t*)>(p);
  const uint64_t r = fn(n, array.data());
  munmap(mem, 4096);
  return r;
}

}  // namespace

TEST_CASE("benchmark boot sector: real mode to long mode, checksum equals native run", "[guest][boot]") {
  test::GuestFixture g;
  const auto image = test::read_file(VP_BOOT_BIN);
  REQUIRE(image.size() == 512);
  g.load_flat(image, 0x7C00);
  const StopReason why = g.cpu.run(10'000'000);
  INFO("output: " << g.con.out);
  REQUIRE(why == StopReason::Requested);
  CHECK(g.con.exited);
  CHECK(g.con.exit_value == 0);
  char expect[32];
  std::snprintf(expect, sizeof expect, "BL%016llX\n",
                static_cast<unsigned long long>(native_checksum(test::read_file(VP_WORK_BIN), VP_BOOT_ITERS)));
  CHECK(g.con.out == expect);
  CHECK(g.cpu.long64);
  CHECK(g.cpu.icount > 16 * VP_BOOT_ITERS);
}
