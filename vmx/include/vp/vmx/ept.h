// The EPT page walk (SDM Vol. 3C 28.2 "The Extended Page Table Mechanism"): 4-level
// translation of guest-physical addresses with 2-MiB and 1-GiB pages and execute-only
// entries, EPT misconfigurations (28.2.3.1), EPT violations (28.2.3.2) and the accessed and
// dirty flags (28.2.4).
#pragma once
#include <cstdint>

#include "vp/memory/phys_memory.h"

namespace vp {

// EPTP bits (SDM Vol. 3C 24.6.11): memory type 2:0, page-walk length - 1 in 5:3, A/D enable 6.
namespace eptp {
inline constexpr uint64_t kAccessedDirty = 1u << 6;
inline uint64_t root(uint64_t eptp, unsigned maxphyaddr) { return eptp & ((1ull << maxphyaddr) - 1) & ~0xFFFull; }
}  // namespace eptp

// EPT paging-structure entry bits (Tables 28-1 .. 28-6).
namespace epte {
inline constexpr uint64_t kRead = 1, kWrite = 2, kExecute = 4, kPage = 1u << 7, kAccessed = 1u << 8,
                          kDirty = 1u << 9;
}

struct EptWalk {
  enum Outcome : uint8_t { Ok, Violation, Misconfiguration } outcome = Ok;
  uint64_t hpa = 0;
  uint8_t rwx = 0;       // logical AND of bits 2:0 of the entries used (0 past a not-present one)
  bool dirty = false;    // the leaf's dirty flag is set (after this access)
  unsigned level = 0;    // level of the last entry read (4 = PML4E .. 1 = PTE)
};

struct EptWalkRequest {
  uint64_t eptp = 0;
  uint64_t gpa = 0;
  uint8_t need = 0;      // the rights the access needs: epte::kRead, kWrite and/or kExecute
  bool dry = false;      // leave the accessed and dirty flags alone
  unsigned maxphyaddr = 39;
  bool execute_only = true;  // IA32_VMX_EPT_VPID_CAP bit 0
};

EptWalk ept_walk(PhysMemory& mem, const EptWalkRequest& r);

// Why an EPTP may not be used (VM entry, SDM 26.2.1.1; INVEPT single-context), or nullptr.
// cap is IA32_VMX_EPT_VPID_CAP.
const char* eptp_problem(uint64_t eptp, uint64_t cap, unsigned maxphyaddr);

// Why an entry is an EPT misconfiguration (SDM 28.2.3.1), or nullptr: for explanations.
const char* ept_misconfiguration(uint64_t entry, unsigned level, unsigned maxphyaddr, bool execute_only);

}  // namespace vp
