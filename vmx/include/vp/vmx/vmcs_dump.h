// Prints a VMCS region field by field, grouped as SDM Vol. 3D Appendix B groups them
// (16-bit control fields, 16-bit guest-state fields, ...). Used by `vanderpool vmcs dump`
// and by `vanderpool run --dump-vmcs`.
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "vp/vmx/capabilities.h"

namespace vp {

struct VmcsDumpOptions {
  bool nonzero_only = false;  // omit fields whose value is 0
};

// `region` holds the VMCS region's bytes (kVmcsLayoutBytes or more); `address` is only
// printed. Fields the capabilities do not support are not shown (they do not exist).
std::string format_vmcs(std::span<const uint8_t> region, uint64_t address, const VmxCapabilities& caps,
                        const VmcsDumpOptions& options = {});

}  // namespace vp
