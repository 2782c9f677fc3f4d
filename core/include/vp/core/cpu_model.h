// The modelled processor: CPUID leaves and reset-time MSR values in one table
// (core/src/cpu_model.cpp). Never advertises a feature the emulator does not implement.
#pragma once
#include <cstdint>

namespace vp {

struct CpuidLeaf {
  uint32_t leaf, subleaf;
  uint32_t eax, ebx, ecx, edx;
};

struct CpuModel {
  const char* name;  // the real processor this model mirrors
  const CpuidLeaf* leaves;
  unsigned nleaves;
  uint32_t max_basic, max_extended;
  uint8_t maxphyaddr;  // CPUID.80000008H:EAX[7:0]
  uint8_t linear_bits;
  // CPUID lookup per SDM Vol. 2 CPUID: leaves above the maximum return the highest basic leaf.
  CpuidLeaf cpuid(uint32_t leaf, uint32_t subleaf) const;
};

const CpuModel& default_cpu_model();

}  // namespace vp
