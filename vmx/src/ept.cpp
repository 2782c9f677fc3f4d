// The EPT page walk (SDM Vol. 3C 28.2.2, 28.2.3, 28.2.4).
#include "vp/vmx/ept.h"

namespace vp {

const char* eptp_problem(uint64_t eptp, uint64_t cap, unsigned maxphyaddr) {
  const unsigned type = eptp & 7;
  if (!((type == 0 && (cap & (1u << 8))) || (type == 6 && (cap & (1u << 14)))))
    return "bits 2:0 (memory type) must be UC (0) or WB (6) as IA32_VMX_EPT_VPID_CAP allows";
  if (((eptp >> 3) & 7) != 3) return "bits 5:3 must be 3 (a 4-level page walk)";
  if ((eptp & eptp::kAccessedDirty) && !(cap & (1u << 21)))
    return "bit 6 (accessed and dirty flags) must be 0 unless IA32_VMX_EPT_VPID_CAP bit 21 is 1";
  if ((eptp & 0xF80) || (eptp >> maxphyaddr)) return "bits 11:7 and bits beyond the physical-address width must be 0";
  return nullptr;
}

const char* ept_misconfiguration(uint64_t e, unsigned level, unsigned maxphyaddr, bool execute_only) {
  // Bits 2:0 = 010b or 110b: writable but not readable; 100b without execute-only support.
  if ((e & 3) == 2) return "write access without read access (bits 2:0)";
  if ((e & 7) == 4 && !execute_only) return "execute-only, which IA32_VMX_EPT_VPID_CAP does not allow";
  const uint64_t above = 0x000F'FFFF'FFFF'F000ull & ~((1ull << maxphyaddr) - 1);
  if (e & above) return "address bits beyond the physical-address width set";
  const bool page = level == 1 || ((level == 2 || level == 3) && (e & epte::kPage));
  if (!page && (e & 0xF8)) return "reserved bits 7:3 of a non-leaf entry set";
  if (level == 3 && page && (e & 0x3FFF'F000ull)) return "reserved bits 29:12 of a 1-GiB page set";
  if (level == 2 && page && (e & 0x1F'F000ull)) return "reserved bits 20:12 of a 2-MiB page set";
  const unsigned type = (e >> 3) & 7;
  if (page && (type == 2 || type == 3 || type == 7)) return "reserved memory type (bits 5:3 = 2, 3 or 7)";
  return nullptr;
}

EptWalk ept_walk(PhysMemory& mem, const EptWalkRequest& r) {
  EptWalk w;
  const uint64_t addr_mask = ((1ull << r.maxphyaddr) - 1) & ~0xFFFull;
  uint64_t table = eptp::root(r.eptp, r.maxphyaddr);
  uint64_t entry_pa[4] = {};
  uint8_t rwx = 7;
  unsigned n = 0;
  uint64_t page_mask = 0;
  for (unsigned level = 4;; --level) {
    const unsigned shift = 12 + 9 * (level - 1);
    const uint64_t epa = table | (((r.gpa >> shift) & 0x1FF) << 3);
    const uint64_t e = mem.read(epa, 8);
    entry_pa[n++] = epa;
    w.level = level;
    if (!(e & 7)) {  // not present: bits 62:3 are ignored (28.2.2)
      w.outcome = EptWalk::Violation;
      w.rwx = 0;
      return w;
    }
    if (ept_misconfiguration(e, level, r.maxphyaddr, r.execute_only)) {
      w.outcome = EptWalk::Misconfiguration;
      return w;
    }
    rwx &= e & 7;
    if (level == 1 || ((level == 2 || level == 3) && (e & epte::kPage))) {
      page_mask = (1ull << shift) - 1;
      w.hpa = (e & addr_mask & ~page_mask) | (r.gpa & page_mask);
      w.dirty = e & epte::kDirty;
      break;
    }
    table = e & addr_mask;
  }
  w.rwx = rwx;
  if ((rwx & r.need) != r.need) {
    w.outcome = EptWalk::Violation;
    return w;
  }
  // Accessed flags in every entry used, the dirty flag in the leaf for a write (28.2.4).
  if ((r.eptp & eptp::kAccessedDirty) && !r.dry) {
    for (unsigned k = 0; k < n; ++k) {
      const uint64_t e = mem.read(entry_pa[k], 8);
      uint64_t ne = e | epte::kAccessed;
      if (k + 1 == n && (r.need & epte::kWrite)) ne |= epte::kDirty;
      if (ne != e) mem.write(entry_pa[k], 8, ne);
    }
    if (r.need & epte::kWrite) w.dirty = true;
  }
  return w;
}

}  // namespace vp
