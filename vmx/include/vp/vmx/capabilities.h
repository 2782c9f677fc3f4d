// The VMX capability MSRs of the CPU model (SDM Vol. 3D Appendix A, "VMX Capability Reporting
// Facility"). One table (src/capabilities.cpp) holds every MSR with the value the real
// processor reports and the value the model reports; `vanderpool vmx caps` and
// docs/vmx-capabilities.md show it. Everything else (VMXON, VMREAD/VMWRITE field support,
// the VM-entry checks) asks this struct.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "vp/vmx/vmcs_fields.h"

namespace vp {

enum VmxMsr : uint32_t {
  kVmxBasic = 0x480, kVmxPinbasedCtls = 0x481, kVmxProcbasedCtls = 0x482, kVmxExitCtls = 0x483,
  kVmxEntryCtls = 0x484, kVmxMisc = 0x485, kVmxCr0Fixed0 = 0x486, kVmxCr0Fixed1 = 0x487,
  kVmxCr4Fixed0 = 0x488, kVmxCr4Fixed1 = 0x489, kVmxVmcsEnum = 0x48A, kVmxProcbasedCtls2 = 0x48B,
  kVmxEptVpidCap = 0x48C, kVmxTruePinbasedCtls = 0x48D, kVmxTrueProcbasedCtls = 0x48E,
  kVmxTrueExitCtls = 0x48F, kVmxTrueEntryCtls = 0x490, kVmxVmfunc = 0x491, kVmxProcbasedCtls3 = 0x492,
  kVmxExitCtls2 = 0x493,
};

// One row of the table: an MSR as the named processor reports it and as the model does.
struct VmxCapabilityRow {
  uint32_t msr;
  std::string_view name;
  bool exists;        // false: RDMSR raises #GP(0) on the model
  uint64_t hardware;  // the real processor's value
  uint64_t model;     // what RDMSR returns here
  std::string_view note;  // why the two differ, if they do
};

struct VmxCapabilities {
  std::string_view processor;
  std::span<const VmxCapabilityRow> rows;

  const VmxCapabilityRow* row(uint32_t msr) const;
  // RDMSR of a capability MSR: false (#GP) if it does not exist on the model.
  bool read_msr(uint32_t msr, uint64_t& value) const;
  uint64_t value(uint32_t msr) const;  // 0 if absent

  uint32_t revision_id() const { return static_cast<uint32_t>(value(kVmxBasic)) & 0x7FFF'FFFFu; }
  uint32_t region_bytes() const { return (value(kVmxBasic) >> 32) & 0x1FFF; }
  unsigned maxphyaddr_limit_32() const { return (value(kVmxBasic) >> 48) & 1; }
  bool true_controls() const { return (value(kVmxBasic) >> 55) & 1; }
  // IA32_VMX_MISC bit 29: VMWRITE may write the VM-exit information fields.
  bool vmwrite_exit_info() const { return (value(kVmxMisc) >> 29) & 1; }
  unsigned cr3_target_count() const { return (value(kVmxMisc) >> 16) & 0x1FF; }

  // Allowed-1 settings (bits 63:32 of a control MSR; the secondary controls only when the
  // primary "activate secondary controls" may be 1).
  uint32_t pin_allowed1() const { return value(kVmxPinbasedCtls) >> 32; }
  uint32_t proc_allowed1() const { return value(kVmxProcbasedCtls) >> 32; }
  uint32_t proc2_allowed1() const { return value(kVmxProcbasedCtls2) >> 32; }
  uint64_t proc3_allowed1() const { return value(kVmxProcbasedCtls3); }
  uint32_t exit_allowed1() const { return value(kVmxExitCtls) >> 32; }
  uint32_t entry_allowed1() const { return value(kVmxEntryCtls) >> 32; }

  // CR0/CR4 in VMX operation (SDM Vol. 3D A.7, A.8): bits set in FIXED0 must be 1, bits clear
  // in FIXED1 must be 0.
  bool cr0_allowed(uint64_t cr0) const;
  bool cr4_allowed(uint64_t cr4) const;

  // Whether a VMCS field exists on the model: fields of a feature the model does not support
  // are "unsupported components" to VMREAD and VMWRITE (SDM Vol. 3D Appendix B).
  bool field_supported(VmcsField f) const;
  // The highest field index of any supported field (what IA32_VMX_VMCS_ENUM bits 9:1 report).
  unsigned highest_supported_index() const;
};

// The model's processor: Intel Core i7-6700K (Skylake-S), reduced to what is implemented.
const VmxCapabilities& default_vmx_capabilities();

}  // namespace vp
