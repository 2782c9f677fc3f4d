// CPU state a loader hands over, as plain data for whoever programs the vCPU.
//
// Segment access rights use the VMX access-rights format (SDM Vol. 3C 24.4.1): type bits 3:0,
// S bit 4, DPL bits 6:5, P bit 7, AVL bit 12, L bit 13, D/B bit 14, G bit 15. limit is the
// byte-granular effective limit (0xFFFFFFFF with G = 1 for a flat 4 GiB segment).
#pragma once
#include <cstdint>

namespace vp {

namespace seg_ar {
inline constexpr uint32_t kTypeMask = 0xF;
inline constexpr uint32_t kTypeDataRwAccessed = 0x3;
inline constexpr uint32_t kTypeCodeExecReadAccessed = 0xB;
inline constexpr uint32_t kS = 1u << 4;  // code/data (not system)
inline constexpr unsigned kDplShift = 5;
inline constexpr uint32_t kP = 1u << 7;
inline constexpr uint32_t kAvl = 1u << 12;
inline constexpr uint32_t kL = 1u << 13;
inline constexpr uint32_t kDb = 1u << 14;
inline constexpr uint32_t kG = 1u << 15;
// Flat 32-bit ring-0 segments: 0xC09B (code, execute/read) and 0xC093 (data, read/write).
inline constexpr uint32_t kFlatCode32 = kTypeCodeExecReadAccessed | kS | kP | kDb | kG;
inline constexpr uint32_t kFlatData32 = kTypeDataRwAccessed | kS | kP | kDb | kG;
}  // namespace seg_ar

struct SegmentState {
  uint16_t selector = 0;
  uint64_t base = 0;
  uint32_t limit = 0;
  uint32_t access_rights = 0;
};

inline constexpr uint64_t kCr0Pe = 1u << 0;
inline constexpr uint64_t kCr0Et = 1u << 4;
inline constexpr uint64_t kRflagsFixed1 = 1u << 1;

// 32-bit protected mode, paging off, flat segments.
struct EntryState {
  uint32_t eax = 0;
  uint32_t ebx = 0;
  uint32_t eip = 0;
  uint64_t cr0 = kCr0Pe | kCr0Et;
  uint64_t rflags = kRflagsFixed1;  // IF and VM clear
  SegmentState cs, ds, es, fs, gs, ss;
};

// Selectors of the flat state (the Multiboot spec leaves the values undefined; these are the
// conventional GDT slots 1 and 2, and no GDT is built: the guest must load its own).
inline constexpr uint16_t kFlatCodeSelector = 0x08;
inline constexpr uint16_t kFlatDataSelector = 0x10;

// CS = flat code (base 0, limit 4 GiB, execute/read), DS/ES/FS/GS/SS = flat data (read/write),
// CR0 = PE | ET, RFLAGS = 0x2, and the given EIP, EAX, EBX.
EntryState flat_protected_mode_entry(uint32_t eip, uint32_t eax, uint32_t ebx);

}  // namespace vp
