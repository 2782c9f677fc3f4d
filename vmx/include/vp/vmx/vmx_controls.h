// VMX control bits as masks, from vmx_controls.def (generated from ia32-doc): ctl::PIN_NMI_EXITING,
// ctl::PROC_HLT_EXITING, ctl::PROC2_ENABLE_EPT, ctl::EXIT_HOST_ADDRESS_SPACE_SIZE, ...
#pragma once
#include <cstdint>

namespace vp::ctl {

#define X(group, name, bit) inline constexpr uint64_t group##_##name = 1ull << (bit);
#include "vp/vmx/vmx_controls.def"
#undef X

}  // namespace vp::ctl
