// The EPT walker (vmx/src/ept.cpp) on hand-built EPT paging structures, case by case against
// SDM Vol. 3C 28.2.2 (formats and page sizes), 28.2.3 (misconfigurations, violations) and
// 28.2.4 (accessed and dirty flags).
#include <catch2/catch.hpp>

#include "vp/memory/phys_memory.h"
#include "vp/vmx/ept.h"

using namespace vp;

namespace {

constexpr uint64_t kPml4 = 0x10000, kPdpt = 0x11000, kPd = 0x12000, kPt = 0x13000;
constexpr uint64_t kRwx = 7, kWb = 6 << 3;
constexpr uint64_t kEptp = kPml4 | 6 | (3 << 3);

struct Tree {
  PhysMemory mem{4ull << 20};
  // GPA 0x201000 -> HPA 0x345000 through 4-KiB pages; GPA 0x400000.. a 2-MiB page at HPA
  // 0x600000 (PDE 2); GPA 0x40000000.. a 1-GiB page at HPA 0 (PDPTE 1).
  Tree() {
    mem.write(kPml4, 8, kPdpt | kRwx);
    mem.write(kPdpt, 8, kPd | kRwx);
    mem.write(kPdpt + 8, 8, 0 | kRwx | kWb | epte::kPage);
    mem.write(kPd + 8, 8, kPt | kRwx);
    mem.write(kPd + 16, 8, 0x600000 | kRwx | kWb | epte::kPage);
    mem.write(kPt + 8, 8, 0x345000 | kRwx | kWb);
  }
  EptWalk walk(uint64_t gpa, uint8_t need, uint64_t eptp = kEptp, bool dry = false) {
    return ept_walk(mem, {eptp, gpa, need, dry, 39, true});
  }
};

}  // namespace

TEST_CASE("EPT walks compose the host-physical address for each page size (28.2.2)", "[vmx][ept]") {
  Tree t;
  EptWalk w = t.walk(0x201ABC, epte::kRead);
  CHECK(w.outcome == EptWalk::Ok);
  CHECK(w.hpa == 0x345ABC);
  CHECK(w.rwx == 7);
  w = t.walk(0x5F1234, epte::kWrite);  // 2-MiB page: offset bits 20:0 from the GPA
  CHECK(w.outcome == EptWalk::Ok);
  CHECK(w.hpa == 0x7F1234);
  w = t.walk(0x40123456, epte::kExecute);  // 1-GiB page: offset bits 29:0
  CHECK(w.outcome == EptWalk::Ok);
  CHECK(w.hpa == 0x123456);
}

TEST_CASE("EPT rights are the AND of every level; a missing right is a violation (28.2.3.2)", "[vmx][ept]") {
  Tree t;
  t.mem.write(kPdpt, 8, kPd | 5);  // PDPTE: read + execute only
  EptWalk w = t.walk(0x201000, epte::kRead);
  CHECK(w.outcome == EptWalk::Ok);
  CHECK(w.rwx == 5);
  w = t.walk(0x201000, epte::kWrite);
  CHECK(w.outcome == EptWalk::Violation);
  CHECK(w.rwx == 5);
  t.mem.write(kPt + 8, 8, 0);  // not present: bits 2:0 = 0, the AND is 0
  w = t.walk(0x201000, epte::kRead);
  CHECK(w.outcome == EptWalk::Violation);
  CHECK(w.rwx == 0);
  CHECK(w.level == 1);
}

TEST_CASE("EPT misconfigurations: W without R, execute-only unsupported, reserved bits and types (28.2.3.1)",
          "[vmx][ept]") {
  Tree t;
  const auto leaf = [&](uint64_t e, bool exec_only = true) {
    t.mem.write(kPt + 8, 8, e);
    return ept_walk(t.mem, {kEptp, 0x201000, epte::kRead, false, 39, exec_only}).outcome;
  };
  CHECK(leaf(0x345000 | kWb | 2) == EptWalk::Misconfiguration);
  CHECK(leaf(0x345000 | kWb | 6) == EptWalk::Misconfiguration);
  CHECK(leaf(0x345000 | kWb | 4, false) == EptWalk::Misconfiguration);
  CHECK(leaf(0x345000 | kWb | 4, true) == EptWalk::Violation);  // execute-only: a read violates
  for (uint64_t type : {2, 3, 7}) CHECK(leaf(0x345000 | (type << 3) | 7) == EptWalk::Misconfiguration);
  for (uint64_t type : {0, 1, 4, 5, 6}) CHECK(leaf(0x345000 | (type << 3) | 7) == EptWalk::Ok);
  CHECK(leaf(0x345000 | kWb | 7 | (1ull << 39)) == EptWalk::Misconfiguration);  // beyond MAXPHYADDR 39
  CHECK(leaf(0x345000 | kWb | 7 | (1ull << 62)) == EptWalk::Ok);  // bits 63:52 are ignored
  leaf(0x345000 | kRwx | kWb);
  // Non-leaf entries: bits 7:3 reserved; a large page's low address bits reserved.
  t.mem.write(kPd + 8, 8, kPt | kRwx | (1 << 4));
  CHECK(t.walk(0x201000, epte::kRead).outcome == EptWalk::Misconfiguration);
  t.mem.write(kPd + 8, 8, kPt | kRwx);
  t.mem.write(kPd + 16, 8, 0x600000 | kRwx | kWb | epte::kPage | (1 << 20));
  CHECK(t.walk(0x400000, epte::kRead).outcome == EptWalk::Misconfiguration);
  t.mem.write(kPdpt + 8, 8, kRwx | kWb | epte::kPage | (1 << 29));
  CHECK(t.walk(0x40000000, epte::kRead).outcome == EptWalk::Misconfiguration);
  // A misconfigured upper entry is found before a missing right lower down.
  t.mem.write(kPml4, 8, kPdpt | 2);
  CHECK(t.walk(0x201000, epte::kRead).outcome == EptWalk::Misconfiguration);
}

TEST_CASE("EPT accessed and dirty flags: set only with EPTP bit 6, dirty only for writes (28.2.4)",
          "[vmx][ept]") {
  Tree t;
  t.walk(0x201000, epte::kWrite);  // A/D off: nothing changes
  CHECK(t.mem.read(kPt + 8, 8) == (0x345000 | kRwx | kWb));
  const uint64_t ad = kEptp | eptp::kAccessedDirty;
  t.walk(0x201000, epte::kRead, ad, true);  // dry: nothing changes either
  CHECK(t.mem.read(kPt + 8, 8) == (0x345000 | kRwx | kWb));
  EptWalk w = t.walk(0x201000, epte::kRead, ad);
  CHECK(!w.dirty);
  for (uint64_t e : {kPml4, kPdpt, kPd + 8, kPt + 8}) CHECK((t.mem.read(e, 8) & epte::kAccessed) != 0);
  CHECK((t.mem.read(kPt + 8, 8) & epte::kDirty) == 0);
  w = t.walk(0x201000, epte::kWrite, ad);
  CHECK(w.dirty);
  CHECK((t.mem.read(kPt + 8, 8) & epte::kDirty) != 0);
  CHECK((t.mem.read(kPd + 8, 8) & epte::kDirty) == 0);  // only the leaf
  t.mem.write(kPt + 8, 8, 0x345000 | 5 | kWb);  // a violation sets no flags
  t.walk(0x201000, epte::kWrite, ad);
  CHECK((t.mem.read(kPt + 8, 8) & epte::kAccessed) == 0);
}

TEST_CASE("EPTP checks for VM entry and INVEPT (26.2.1.1)", "[vmx][ept]") {
  const uint64_t cap = 0x0000'0F01'0633'4141ull;  // the model's IA32_VMX_EPT_VPID_CAP
  CHECK(eptp_problem(kEptp, cap, 39) == nullptr);
  CHECK(eptp_problem(kPml4 | 0 | (3 << 3), cap, 39) == nullptr);                   // UC
  CHECK(eptp_problem(kEptp | eptp::kAccessedDirty, cap, 39) == nullptr);           // A/D allowed
  CHECK(eptp_problem(kEptp | eptp::kAccessedDirty, cap & ~(1ull << 21), 39) != nullptr);
  CHECK(eptp_problem(kPml4 | 1 | (3 << 3), cap, 39) != nullptr);                   // WC
  CHECK(eptp_problem(kPml4 | 6 | (4 << 3), cap, 39) != nullptr);                   // 5-level
  CHECK(eptp_problem(kEptp | (1 << 7), cap, 39) != nullptr);
  CHECK(eptp_problem(kEptp | (1ull << 39), cap, 39) != nullptr);
}
