// The CPU model: Intel Core i7-6700K (Skylake-S, family 6, model 94, stepping 3).
// Leaves mirror that processor, with every feature bit the emulator does not implement
// cleared (docs/cpu-model.md lists what was removed and why).
#include "vp/core/cpu_model.h"

namespace vp {
namespace {

// CPUID.1:EDX / ECX bits we implement (SDM Vol. 2 CPUID, Table 3-10/3-11).
constexpr uint32_t kEdx1 = (1u << 0)     // FPU (x87 control/status only: docs/cpu-model.md)
                           | (1u << 2)   // DE: CR4.DE, I/O breakpoints
                           | (1u << 3)   // PSE
                           | (1u << 4)   // TSC
                           | (1u << 5)   // MSR
                           | (1u << 6)   // PAE
                           | (1u << 7)   // MCE: #MC and CR4.MCE (nothing here signals a machine check)
                           | (1u << 8)   // CX8
                           | (1u << 9)   // APIC (the platform's local APIC)
                           | (1u << 12)  // MTRR (registers only: nothing is cached)
                           | (1u << 11)  // SEP: SYSENTER/SYSEXIT
                           | (1u << 13)  // PGE
                           | (1u << 15)  // CMOV
                           | (1u << 16)  // PAT
                           | (1u << 19)  // CLFSH
                           | (1u << 24)  // FXSR
                           | (1u << 25)  // SSE
                           | (1u << 26);  // SSE2
constexpr uint32_t kEcx1 = (1u << 3)      // MONITOR/MWAIT (MWAIT returns at once: cpu-model.md)
                           | (1u << 5)    // VMX (when the machine has the VT-x model)
                           | (1u << 13)   // CMPXCHG16B
                           | (1u << 17)   // PCID
                           | (1u << 21)   // x2APIC
                           | (1u << 23)   // POPCNT
                           | (1u << 26);  // XSAVE (bit 27, OSXSAVE, is CR4.OSXSAVE: exec_cpuid)

constexpr CpuidLeaf kLeaves[] = {
    // leaf 0: max basic leaf, "GenuineIntel"
    {0x0, 0, 0xD, 0x756e6547, 0x6c65746e, 0x49656e69},
    // leaf 1: signature 0x506E3, CLFLUSH line 8*8 = 64 bytes, 1 logical processor, APIC ID 0
    {0x1, 0, 0x000506E3, 0x00010800, kEcx1, kEdx1},
    // leaf 5 (MONITOR/MWAIT): 64-byte monitor lines, MWAIT extensions and interrupts as
    // break events; no C-state sub-states are enumerated (MWAIT hints are not modelled)
    {0x5, 0, 64, 64, 3, 0},
    // leaf 7: BMI1 (EBX bit 3), SMEP (bit 7), BMI2 (bit 8), INVPCID (bit 10), SMAP (bit 20)
    {0x7, 0, 0, (1u << 3) | (1u << 7) | (1u << 8) | (1u << 10) | (1u << 20), 0, 0},
    // leaf 0DH (XSAVE): XCR0 may enable x87 and SSE, whose area is the legacy region and the
    // header, 576 bytes; subleaf 1: XSAVEOPT, XSAVEC, XGETBV with ECX = 1 (no XSAVES); the
    // other subleaves (components 2-62) are all 0
    {0xD, 0, 0x3, 576, 576, 0},
    {0xD, 1, 0x7, 576, 0, 0},
    {0x80000000, 0, 0x80000008, 0, 0, 0},
    // LAHF/SAHF in 64-bit mode, LZCNT; SYSCALL/SYSRET, NX, 1-GiB pages, RDTSCP, long mode
    {0x80000001, 0, 0, 0, (1u << 0) | (1u << 5), (1u << 11) | (1u << 20) | (1u << 26) | (1u << 27) | (1u << 29)},
    // "Intel(R) Core(TM) i7-6700K CPU @ 4.00GHz"
    {0x80000002, 0, 0x65746e49, 0x2952286c, 0x726f4320, 0x4d542865},
    {0x80000003, 0, 0x37692029, 0x3037362d, 0x43204b30, 0x40205550},
    {0x80000004, 0, 0x302e3420, 0x7a484730, 0, 0},
    // 39 physical, 48 linear address bits (Skylake client)
    {0x80000008, 0, 0x00003027, 0, 0, 0},
};

}  // namespace

CpuidLeaf CpuModel::cpuid(uint32_t leaf, uint32_t subleaf) const {
  // SDM Vol. 2 CPUID: an input above the highest basic leaf (in either range) returns the
  // data of the highest basic leaf (Intel behaviour).
  const bool ext = leaf >= 0x80000000u;
  if ((!ext && leaf > max_basic) || (ext && leaf > max_extended)) leaf = max_basic;
  for (unsigned i = 0; i < nleaves; ++i) {
    const CpuidLeaf& l = leaves[i];
    if (l.leaf == leaf && (l.subleaf == subleaf || (leaf != 0x7 && leaf != 0xD))) return l;
  }
  return {leaf, subleaf, 0, 0, 0, 0};
}

const CpuModel& default_cpu_model() {
  static const CpuModel m{"Intel Core i7-6700K (Skylake-S)", kLeaves, sizeof kLeaves / sizeof kLeaves[0], 0xD,
                          0x80000008, 39, 48};
  return m;
}

}  // namespace vp
