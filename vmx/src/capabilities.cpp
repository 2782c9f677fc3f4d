// The VMX capability MSRs of the CPU model: Intel Core i7-6700K (Skylake-S). The "hardware"
// column is what that processor reports (published vmxcap dumps of Skylake client parts; not
// read off a processor here); the "model" column is that value reduced to the features
// Vanderpool implements or is building (docs/vmx-capabilities.md explains every difference).
#include "vp/vmx/capabilities.h"

#include <algorithm>

#include "vp/core/state.h"
#include "vp/vmx/vmx_controls.h"

namespace vp {
namespace {

constexpr uint64_t hi(uint64_t bits) { return bits << 32; }

// IA32_VMX_BASIC (SDM Vol. 3D A.1): revision 4, region size bits 44:32, WB (6) bits 53:50,
// INS/OUTS instruction information bit 54, TRUE controls bit 55.
constexpr uint64_t kBasicHw = 0x00DA'0400'0000'0004ull;  // 1 KiB regions, dual-monitor SMM
constexpr uint64_t kBasicModel = 4 | (0x1000ull << 32) | (6ull << 50) | (1ull << 54) | (1ull << 55);

// Exit and entry controls the model removes: it has no performance counters, MPX or PT.
constexpr uint64_t kExitRemoved = ctl::EXIT_LOAD_IA32_PERF_GLOBAL_CTRL | ctl::EXIT_CLEAR_IA32_BNDCFGS |
                                  ctl::EXIT_CONCEAL_VMX_FROM_PT;
constexpr uint64_t kEntryRemoved = ctl::ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL | ctl::ENTRY_LOAD_IA32_BNDCFGS |
                                   ctl::ENTRY_CONCEAL_VMX_FROM_PT;
constexpr uint64_t kExitHw = 0x01FF'FFFF'0003'6DFFull, kEntryHw = 0x0003'FFFF'0000'11FFull;

// Secondary controls: Skylake client has everything below except APIC-register
// virtualization, virtual-interrupt delivery, posted interrupts and mode-based EPT execute.
constexpr uint64_t kProc2Hw = hi(0x021F'FCFFull);
// The model: EPT, VPID, unrestricted guest (vmx/src/translation.cpp, ept.cpp), enable RDTSCP,
// enable INVPCID, descriptor-table, WBINVD and PAUSE-loop exiting. Not modelled: APIC-access
// virtualization, x2APIC mode, VM functions, VMCS shadowing, RDRAND/RDSEED exiting, PML, EPT-violation #VE, XSAVES.
constexpr uint64_t kProc2Model =
    hi(ctl::PROC2_ENABLE_EPT | ctl::PROC2_ENABLE_RDTSCP | ctl::PROC2_ENABLE_VPID | ctl::PROC2_UNRESTRICTED_GUEST |
       ctl::PROC2_ENABLE_INVPCID |
       ctl::PROC2_DESCRIPTOR_TABLE_EXITING | ctl::PROC2_WBINVD_EXITING | ctl::PROC2_PAUSE_LOOP_EXITING);

// IA32_VMX_EPT_VPID_CAP (A.10): execute-only pages, 4-level walks, UC/WB, 2-MiB and 1-GiB
// pages, INVEPT (single, all), EPT accessed/dirty flags, INVVPID (all four types). The model
// leaves out bit 22, "advanced VM-exit information for EPT violations" (qualification 11:9).
constexpr uint64_t kEptVpidCapHw = 0x0000'0F01'0673'4141ull;
constexpr uint64_t kEptVpidCapModel = kEptVpidCapHw & ~(1ull << 22);

// IA32_VMX_MISC (A.6): preemption-timer rate 7, "store LMA" (bit 5), HLT/shutdown/wait-for-SIPI
// (bits 8:6), 4 CR3-target values, 512 MSRs per list, VMWRITE to exit information (bit 29),
// injection with instruction length 0 (bit 30). The hardware also sets bits 14 (PT in VMX),
// 15 (RDMSR IA32_SMBASE in SMM) and 28 (SMM monitor control bit 2).
constexpr uint64_t kMiscHw = 0x7004'C1E7ull;
// All three activity states are modelled (HLT, shutdown, wait-for-SIPI: Cpu::HaltKind).
constexpr uint64_t kMiscModel = kMiscHw & ~((1ull << 14) | (1ull << 15) | (1ull << 28));

constexpr VmxCapabilityRow kRows[] = {
    {kVmxBasic, "IA32_VMX_BASIC", true, kBasicHw, kBasicModel,
     "VMCS region 4 KiB (the model's layout, docs/vmcs-layout.md, needs 3728 bytes); no dual-monitor SMM"},
    {kVmxPinbasedCtls, "IA32_VMX_PINBASED_CTLS", true, 0x0000'007F'0000'0016ull, 0x0000'007F'0000'0016ull, ""},
    {kVmxProcbasedCtls, "IA32_VMX_PROCBASED_CTLS", true, 0xFFF9'FFFE'0401'E172ull, 0xFFF9'FFFE'0401'E172ull, ""},
    {kVmxExitCtls, "IA32_VMX_EXIT_CTLS", true, kExitHw, kExitHw & ~hi(kExitRemoved),
     "no IA32_PERF_GLOBAL_CTRL load, BNDCFGS clear or PT concealment"},
    {kVmxEntryCtls, "IA32_VMX_ENTRY_CTLS", true, kEntryHw, kEntryHw & ~hi(kEntryRemoved),
     "no IA32_PERF_GLOBAL_CTRL or BNDCFGS load, no PT concealment"},
    {kVmxMisc, "IA32_VMX_MISC", true, kMiscHw, kMiscModel, "no Intel PT and no SMM (bits 14, 15, 28)"},
    {kVmxCr0Fixed0, "IA32_VMX_CR0_FIXED0", true, 0x8000'0021ull, 0x8000'0021ull, ""},
    {kVmxCr0Fixed1, "IA32_VMX_CR0_FIXED1", true, 0xFFFF'FFFFull, 0xFFFF'FFFFull, ""},
    {kVmxCr4Fixed0, "IA32_VMX_CR4_FIXED0", true, 0x2000ull, 0x2000ull, ""},
    {kVmxCr4Fixed1, "IA32_VMX_CR4_FIXED1", true, 0x0037'67FFull, cr4::kModelled | cr4::VMXE,
     "only the CR4 bits the CPU model implements"},
    {kVmxVmcsEnum, "IA32_VMX_VMCS_ENUM", true, 0x2Eull, 0x2Eull, ""},
    {kVmxProcbasedCtls2, "IA32_VMX_PROCBASED_CTLS2", true, kProc2Hw, kProc2Model,
     "EPT, RDTSCP, VPID, unrestricted guest, INVPCID, descriptor-table, WBINVD and PAUSE-loop exiting only"},
    {kVmxEptVpidCap, "IA32_VMX_EPT_VPID_CAP", true, kEptVpidCapHw, kEptVpidCapModel,
     "no advanced VM-exit information for EPT violations (bit 22)"},
    {kVmxTruePinbasedCtls, "IA32_VMX_TRUE_PINBASED_CTLS", true, 0x0000'007F'0000'0016ull,
     0x0000'007F'0000'0016ull, ""},
    {kVmxTrueProcbasedCtls, "IA32_VMX_TRUE_PROCBASED_CTLS", true, 0xFFF9'FFFE'0400'6172ull,
     0xFFF9'FFFE'0400'6172ull, ""},
    {kVmxTrueExitCtls, "IA32_VMX_TRUE_EXIT_CTLS", true, 0x01FF'FFFF'0003'6DFBull,
     0x01FF'FFFF'0003'6DFBull & ~hi(kExitRemoved), "as IA32_VMX_EXIT_CTLS"},
    {kVmxTrueEntryCtls, "IA32_VMX_TRUE_ENTRY_CTLS", true, 0x0003'FFFF'0000'11FBull,
     0x0003'FFFF'0000'11FBull & ~hi(kEntryRemoved), "as IA32_VMX_ENTRY_CTLS"},
    {kVmxVmfunc, "IA32_VMX_VMFUNC", false, 0x1ull, 0, "absent: \"enable VM functions\" is not supported"},
    {kVmxProcbasedCtls3, "IA32_VMX_PROCBASED_CTLS3", false, 0, 0, "absent on Skylake (no tertiary controls)"},
    {kVmxExitCtls2, "IA32_VMX_EXIT_CTLS2", false, 0, 0, "absent on Skylake (no secondary exit controls)"},
};

constexpr VmxCapabilities kModel{"Intel Core i7-6700K (Skylake-S)", kRows};

}  // namespace

const VmxCapabilityRow* VmxCapabilities::row(uint32_t msr) const {
  for (const auto& r : rows)
    if (r.msr == msr) return &r;
  return nullptr;
}

bool VmxCapabilities::read_msr(uint32_t msr, uint64_t& v) const {
  const VmxCapabilityRow* r = row(msr);
  if (!r || !r->exists) return false;
  v = r->model;
  return true;
}

uint64_t VmxCapabilities::value(uint32_t msr) const {
  uint64_t v = 0;
  return read_msr(msr, v) ? v : 0;
}

bool VmxCapabilities::cr0_allowed(uint64_t cr0) const {
  const uint64_t f0 = value(kVmxCr0Fixed0), f1 = value(kVmxCr0Fixed1);
  return (cr0 & f0) == f0 && (cr0 & ~f1 & 0xFFFF'FFFFull) == 0;
}

bool VmxCapabilities::cr4_allowed(uint64_t cr4) const {
  const uint64_t f0 = value(kVmxCr4Fixed0), f1 = value(kVmxCr4Fixed1);
  return (cr4 & f0) == f0 && (cr4 & ~f1) == 0;
}

bool VmxCapabilities::field_supported(VmcsField f) const {
  const auto pin = [&](uint64_t b) { return (pin_allowed1() & b) != 0; };
  const auto proc = [&](uint64_t b) { return (proc_allowed1() & b) != 0; };
  const auto proc2 = [&](uint64_t b) {
    return proc(ctl::PROC_ACTIVATE_SECONDARY_CONTROLS) && (proc2_allowed1() & b) != 0;
  };
  const auto proc3 = [&](uint64_t b) {
    return proc(ctl::PROC_ACTIVATE_TERTIARY_CONTROLS) && (proc3_allowed1() & b) != 0;
  };
  const auto exit = [&](uint64_t b) { return (exit_allowed1() & b) != 0; };
  const auto entry = [&](uint64_t b) { return (entry_allowed1() & b) != 0; };
  using F = VmcsField;
  // Each field of Appendix B that exists only with a feature, and the control(s) naming it.
  switch (f) {
    case F::CTRL_VIRTUAL_PROCESSOR_IDENTIFIER: return proc2(ctl::PROC2_ENABLE_VPID);
    case F::CTRL_POSTED_INTERRUPT_NOTIFICATION_VECTOR:
    case F::CTRL_POSTED_INTERRUPT_DESCRIPTOR_ADDRESS: return pin(ctl::PIN_PROCESS_POSTED_INTERRUPTS);
    case F::CTRL_EPTP_INDEX:
    case F::CTRL_VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS: return proc2(ctl::PROC2_EPT_VIOLATION);
    case F::CTRL_HLAT_PREFIX_SIZE:
    case F::CTRL_HLAT_POINTER: return proc3(ctl::PROC3_ENABLE_HLAT);
    case F::CTRL_LAST_PID_POINTER_INDEX:
    case F::CTRL_PID_POINTER_TABLE_ADDRESS: return proc3(ctl::PROC3_ENABLE_IPI_VIRTUALIZATION);
    case F::GUEST_INTERRUPT_STATUS:
    case F::CTRL_EOI_EXIT_BITMAP_0: case F::CTRL_EOI_EXIT_BITMAP_1:
    case F::CTRL_EOI_EXIT_BITMAP_2: case F::CTRL_EOI_EXIT_BITMAP_3:
      return proc2(ctl::PROC2_VIRTUAL_INTERRUPT_DELIVERY);
    case F::GUEST_PML_INDEX:
    case F::CTRL_PML_ADDRESS: return proc2(ctl::PROC2_ENABLE_PML);
    case F::GUEST_UINV: return exit(ctl::EXIT_CLEAR_UINV) || entry(ctl::ENTRY_LOAD_UINV);
    case F::CTRL_MSR_BITMAP_ADDRESS: return proc(ctl::PROC_USE_MSR_BITMAPS);
    case F::CTRL_VIRTUAL_APIC_ADDRESS:
    case F::CTRL_TPR_THRESHOLD: return proc(ctl::PROC_USE_TPR_SHADOW);
    case F::CTRL_APIC_ACCESS_ADDRESS: return proc2(ctl::PROC2_VIRTUALIZE_APIC_ACCESSES);
    case F::CTRL_VMFUNC_CONTROLS:
    case F::CTRL_EPT_POINTER_LIST_ADDRESS: return proc2(ctl::PROC2_ENABLE_VM_FUNCTIONS);
    case F::CTRL_EPT_POINTER: case F::GUEST_PHYSICAL_ADDRESS:
    case F::GUEST_PDPTE0: case F::GUEST_PDPTE1: case F::GUEST_PDPTE2: case F::GUEST_PDPTE3:
      return proc2(ctl::PROC2_ENABLE_EPT);
    case F::CTRL_VMREAD_BITMAP_ADDRESS:
    case F::CTRL_VMWRITE_BITMAP_ADDRESS: return proc2(ctl::PROC2_VMCS_SHADOWING);
    case F::CTRL_XSS_EXITING_BITMAP: return proc2(ctl::PROC2_ENABLE_XSAVES);
    case F::CTRL_ENCLS_EXITING_BITMAP: return proc2(ctl::PROC2_ENABLE_ENCLS_EXITING);
    case F::CTRL_SUB_PAGE_PERMISSION_TABLE_POINTER: return proc2(ctl::PROC2_SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT);
    case F::CTRL_TSC_MULTIPLIER: return proc2(ctl::PROC2_USE_TSC_SCALING);
    case F::CTRL_TERTIARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS: return proc(ctl::PROC_ACTIVATE_TERTIARY_CONTROLS);
    case F::CTRL_ENCLV_EXITING_BITMAP: return proc2(ctl::PROC2_ENABLE_ENCLV_EXITING);
    case F::CTRL_LOW_PASID_DIRECTORY_ADDRESS:
    case F::CTRL_HIGH_PASID_DIRECTORY_ADDRESS: return proc2(ctl::PROC2_ENABLE_PASID_TRANSLATION);
    case F::CTRL_PCONFIG_EXITING_BITMAP: return proc2(ctl::PROC2_ENABLE_PCONFIG);
    case F::CTRL_SECONDARY_VMEXIT_CONTROLS: return exit(ctl::EXIT_ACTIVATE_SECONDARY_CONTROLS);
    case F::CTRL_IA32_SPEC_CTRL_MASK:
    case F::CTRL_IA32_SPEC_CTRL_SHADOW: return proc3(ctl::PROC3_VIRTUALIZE_IA32_SPEC_CTRL);
    case F::CTRL_SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS: return proc(ctl::PROC_ACTIVATE_SECONDARY_CONTROLS);
    case F::CTRL_PLE_GAP:
    case F::CTRL_PLE_WINDOW: return proc2(ctl::PROC2_PAUSE_LOOP_EXITING);
    case F::CTRL_INSTRUCTION_TIMEOUT_CONTROL: return proc2(ctl::PROC2_ENABLE_INSTRUCTION_TIMEOUT_EXIT);
    case F::GUEST_PAT: return entry(ctl::ENTRY_LOAD_IA32_PAT) || exit(ctl::EXIT_SAVE_IA32_PAT);
    case F::HOST_PAT: return exit(ctl::EXIT_LOAD_IA32_PAT);
    case F::GUEST_EFER: return entry(ctl::ENTRY_LOAD_IA32_EFER) || exit(ctl::EXIT_SAVE_IA32_EFER);
    case F::HOST_EFER: return exit(ctl::EXIT_LOAD_IA32_EFER);
    case F::GUEST_PERF_GLOBAL_CTRL:
      return entry(ctl::ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL) || exit(ctl::EXIT_SAVE_IA32_PERF_GLOBAL_CTL);
    case F::HOST_PERF_GLOBAL_CTRL: return exit(ctl::EXIT_LOAD_IA32_PERF_GLOBAL_CTRL);
    case F::GUEST_BNDCFGS: return entry(ctl::ENTRY_LOAD_IA32_BNDCFGS) || exit(ctl::EXIT_CLEAR_IA32_BNDCFGS);
    case F::GUEST_RTIT_CTL: return entry(ctl::ENTRY_LOAD_IA32_RTIT_CTL) || exit(ctl::EXIT_CLEAR_IA32_RTIT_CTL);
    case F::GUEST_LBR_CTL: return entry(ctl::ENTRY_LOAD_IA32_LBR_CTL) || exit(ctl::EXIT_CLEAR_IA32_LBR_CTL);
    case F::GUEST_PKRS: return entry(ctl::ENTRY_LOAD_IA32_PKRS);
    case F::HOST_PKRS: return exit(ctl::EXIT_LOAD_IA32_PKRS);
    case F::GUEST_VMX_PREEMPTION_TIMER_VALUE: return pin(ctl::PIN_ACTIVATE_VMX_PREEMPTION_TIMER);
    case F::GUEST_S_CET: case F::GUEST_SSP: case F::GUEST_INTERRUPT_SSP_TABLE_ADDR:
      return entry(ctl::ENTRY_LOAD_CET_STATE);
    case F::HOST_S_CET: case F::HOST_SSP: case F::HOST_INTERRUPT_SSP_TABLE_ADDR:
      return exit(ctl::EXIT_LOAD_IA32_CET_STATE);
    case F::CTRL_CR3_TARGET_VALUE_0: return cr3_target_count() > 0;
    case F::CTRL_CR3_TARGET_VALUE_1: return cr3_target_count() > 1;
    case F::CTRL_CR3_TARGET_VALUE_2: return cr3_target_count() > 2;
    case F::CTRL_CR3_TARGET_VALUE_3: return cr3_target_count() > 3;
    // FRED, TDX (shared EPTP) and FRED event data: no Skylake has them, and no control of the
    // model's tables names them.
    case F::CTRL_SHARED_EPT_POINTER: case F::CTRL_INJECTED_EVENT_DATA: case F::ORIGINAL_EVENT_DATA:
    case F::GUEST_FRED_CONFIG: case F::GUEST_FRED_RSP1: case F::GUEST_FRED_RSP2: case F::GUEST_FRED_RSP3:
    case F::GUEST_FRED_STKLVLS: case F::GUEST_FRED_SSP1: case F::GUEST_FRED_SSP2: case F::GUEST_FRED_SSP3:
    case F::HOST_FRED_CONFIG: case F::HOST_FRED_RSP1: case F::HOST_FRED_RSP2: case F::HOST_FRED_RSP3:
    case F::HOST_FRED_STKLVLS: case F::HOST_FRED_SSP1: case F::HOST_FRED_SSP2: case F::HOST_FRED_SSP3:
      return false;
    default: return true;
  }
}

unsigned VmxCapabilities::highest_supported_index() const {
  unsigned hi_index = 0;
  for (const auto& f : all_vmcs_fields())
    if (field_supported(f.field)) hi_index = std::max(hi_index, vmcs_encoding_index(f.encoding));
  return hi_index;
}

const VmxCapabilities& default_vmx_capabilities() { return kModel; }

}  // namespace vp
