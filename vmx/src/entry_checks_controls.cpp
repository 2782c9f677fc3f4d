// SDM Vol. 3C 26.2.1 "Checks on VMX Controls": a failure is VMfailValid(7), "VM entry with
// invalid control field(s)". The checks run in the order the section lists them.
#include "entry_check_util.h"
#include "vp/vmx/ept.h"
#include "vp/vmx/vmx_controls.h"

namespace vp {
namespace {
using namespace entry_checks;

inline namespace section_1 {  // each SDM section: its own kSection for RULE
constexpr const char* kSection = "26.2.1.1 Checks on VM-Execution Control Fields";

uint64_t ctl_msr(const CheckEnv& env, uint32_t plain, uint32_t true_msr) {
  return env.caps.value(env.caps.true_controls() ? true_msr : plain);
}

bool pin_based_reserved_bits(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  RULE(fits(f.ctl.pin, ctl_msr(env, kVmxPinbasedCtls, kVmxTruePinbasedCtls)), "pin-based VM-execution controls",
       f.ctl.pin, "reserved bits must be set as IA32_VMX_TRUE_PINBASED_CTLS allows");
  return true;
}

bool primary_processor_based_reserved_bits(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  RULE(fits(f.ctl.proc, ctl_msr(env, kVmxProcbasedCtls, kVmxTrueProcbasedCtls)),
       "primary processor-based VM-execution controls", f.ctl.proc,
       "reserved bits must be set as IA32_VMX_TRUE_PROCBASED_CTLS allows");
  return true;
}

bool secondary_processor_based_reserved_bits(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  if (!(f.ctl.proc & ctl::PROC_ACTIVATE_SECONDARY_CONTROLS)) return true;
  RULE(fits(f.ctl.proc2_raw, env.caps.value(kVmxProcbasedCtls2)), "secondary processor-based VM-execution controls",
       f.ctl.proc2_raw, "reserved bits must be set as IA32_VMX_PROCBASED_CTLS2 allows");
  return true;
}

bool cr3_target_count_at_most_supported(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  RULE(f.ctl.cr3_target_count <= env.caps.cr3_target_count(), "CR3-target count", f.ctl.cr3_target_count,
       "must not exceed the number IA32_VMX_MISC bits 24:16 report (4)");
  return true;
}

bool io_bitmap_addresses(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  if (!(f.ctl.proc & ctl::PROC_USE_IO_BITMAPS)) return true;
  RULE(!(f.ctl.io_bitmap_a & 0xFFF) && !beyond_phys(f.ctl.io_bitmap_a, env.maxphyaddr), "I/O-bitmap A address",
       f.ctl.io_bitmap_a, "must be 4-KiB aligned and within the physical-address width when \"use I/O bitmaps\" is 1");
  RULE(!(f.ctl.io_bitmap_b & 0xFFF) && !beyond_phys(f.ctl.io_bitmap_b, env.maxphyaddr), "I/O-bitmap B address",
       f.ctl.io_bitmap_b, "must be 4-KiB aligned and within the physical-address width when \"use I/O bitmaps\" is 1");
  return true;
}

bool msr_bitmap_address(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  if (!(f.ctl.proc & ctl::PROC_USE_MSR_BITMAPS)) return true;
  RULE(!(f.ctl.msr_bitmap & 0xFFF) && !beyond_phys(f.ctl.msr_bitmap, env.maxphyaddr), "MSR-bitmap address",
       f.ctl.msr_bitmap, "must be 4-KiB aligned and within the physical-address width when \"use MSR bitmaps\" is 1");
  return true;
}

bool tpr_shadow_fields(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  if (f.ctl.proc & ctl::PROC_USE_TPR_SHADOW) {
    RULE(!(f.ctl.virtual_apic & 0xFFF) && !beyond_phys(f.ctl.virtual_apic, env.maxphyaddr), "virtual-APIC address",
         f.ctl.virtual_apic, "must be 4-KiB aligned and within the physical-address width when \"use TPR shadow\" is 1");
    RULE(!(f.ctl.tpr_threshold & 0xFFFF'FFF0u), "TPR threshold", f.ctl.tpr_threshold,
         "bits 31:4 must be 0 (no virtual-interrupt delivery)");
    const uint32_t vtpr = static_cast<uint32_t>(env.mem.read(f.ctl.virtual_apic + 0x80, 1));
    RULE((f.ctl.tpr_threshold & 0xF) <= ((vtpr >> 4) & 0xF), "TPR threshold", f.ctl.tpr_threshold,
         "bits 3:0 must not exceed bits 7:4 of VTPR (virtual-APIC page offset 80H)");
  } else {
    RULE(!(f.ctl.proc2 & (ctl::PROC2_VIRTUALIZE_X2APIC_MODE | ctl::PROC2_APIC_REGISTER_VIRTUALIZATION |
                          ctl::PROC2_VIRTUAL_INTERRUPT_DELIVERY)),
         "secondary processor-based VM-execution controls", f.ctl.proc2,
         "x2APIC virtualization, APIC-register virtualization and virtual-interrupt delivery need \"use TPR shadow\"");
  }
  return true;
}

bool nmi_controls(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  RULE((f.ctl.pin & ctl::PIN_NMI_EXITING) || !(f.ctl.pin & ctl::PIN_VIRTUAL_NMIS), "pin-based VM-execution controls",
       f.ctl.pin, "\"virtual NMIs\" must be 0 when \"NMI exiting\" is 0");
  RULE((f.ctl.pin & ctl::PIN_VIRTUAL_NMIS) || !(f.ctl.proc & ctl::PROC_NMI_WINDOW_EXITING),
       "primary processor-based VM-execution controls", f.ctl.proc,
       "\"NMI-window exiting\" must be 0 when \"virtual NMIs\" is 0");
  return true;
}

bool vpid_not_zero(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  if (!(f.ctl.proc2 & ctl::PROC2_ENABLE_VPID)) return true;
  RULE(f.ctl.vpid != 0, "virtual-processor identifier (VPID)", f.ctl.vpid, "must not be 0000H when \"enable VPID\" is 1");
  return true;
}

bool ept_pointer(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  if (!(f.ctl.proc2 & ctl::PROC2_ENABLE_EPT)) return true;
  const char* why = eptp_problem(f.ctl.eptp, env.caps.value(kVmxEptVpidCap), env.maxphyaddr);
  RULE(!why, "EPT pointer", f.ctl.eptp, why);
  return true;
}

bool unrestricted_guest_needs_ept(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  RULE(!(f.ctl.proc2 & ctl::PROC2_UNRESTRICTED_GUEST) || (f.ctl.proc2 & ctl::PROC2_ENABLE_EPT),
       "secondary processor-based VM-execution controls", f.ctl.proc2,
       "\"unrestricted guest\" must be 0 when \"enable EPT\" is 0");
  return true;
}

}  // inline namespace
inline namespace section_2 {
constexpr const char* kSection = "26.2.1.2 Checks on VM-Exit Control Fields";

bool exit_controls_reserved_bits(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  RULE(fits(f.ctl.exit, ctl_msr(env, kVmxExitCtls, kVmxTrueExitCtls)), "VM-exit controls", f.ctl.exit,
       "reserved bits must be set as IA32_VMX_TRUE_EXIT_CTLS allows");
  return true;
}

bool save_preemption_timer_needs_timer(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  RULE((f.ctl.pin & ctl::PIN_ACTIVATE_VMX_PREEMPTION_TIMER) || !(f.ctl.exit & ctl::EXIT_SAVE_VMX_PREEMPTION_TIMER_VALUE),
       "VM-exit controls", f.ctl.exit,
       "\"save VMX-preemption timer value\" must be 0 when \"activate VMX-preemption timer\" is 0");
  return true;
}

bool msr_area(uint32_t count, uint64_t addr, unsigned maxphyaddr) {
  if (count == 0) return true;
  return !(addr & 0xF) && !beyond_phys(addr, maxphyaddr) && !beyond_phys(addr + uint64_t{count} * 16 - 1, maxphyaddr);
}

bool exit_msr_areas(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  RULE(msr_area(f.ctl.exit_msr_store_count, f.ctl.exit_msr_store, env.maxphyaddr), "VM-exit MSR-store address",
       f.ctl.exit_msr_store, "must be 16-byte aligned and the whole area within the physical-address width");
  RULE(msr_area(f.ctl.exit_msr_load_count, f.ctl.exit_msr_load, env.maxphyaddr), "VM-exit MSR-load address",
       f.ctl.exit_msr_load, "must be 16-byte aligned and the whole area within the physical-address width");
  return true;
}

}  // inline namespace
inline namespace section_3 {
constexpr const char* kSection = "26.2.1.3 Checks on VM-Entry Control Fields";

bool entry_controls_reserved_bits(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  RULE(fits(f.ctl.entry, ctl_msr(env, kVmxEntryCtls, kVmxTrueEntryCtls)), "VM-entry controls", f.ctl.entry,
       "reserved bits must be set as IA32_VMX_TRUE_ENTRY_CTLS allows");
  return true;
}

bool event_injection_fields(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  const uint32_t info = f.ctl.entry_intr_info;
  if (!(info & (1u << 31))) return true;
  const unsigned type = (info >> 8) & 7, vector = info & 0xFF;
  const char* kField = "VM-entry interruption-information field";
  RULE(type != 1 && (type != 7 || (env.caps.proc_allowed1() & ctl::PROC_MONITOR_TRAP_FLAG)), kField, info,
       "interruption type (bits 10:8) must not be reserved (1)");
  RULE(type != 2 || vector == 2, kField, info, "an NMI (type 2) must have vector 2");
  RULE(type != 3 || vector <= 31, kField, info, "a hardware exception (type 3) must have a vector of at most 31");
  RULE(type != 7 || vector == 0, kField, info, "an other event (type 7) must have vector 0");
  const bool pe = (f.guest.cr0 & cr0::PE) || !(f.ctl.proc2 & ctl::PROC2_UNRESTRICTED_GUEST);
  const bool pushes = type == 3 && (vector == 8 || (vector >= 10 && vector <= 14) || vector == 17);
  RULE(((info >> 11) & 1) == (pe && pushes ? 1u : 0u), kField, info,
       "deliver-error-code (bit 11) must be 1 exactly for hardware exceptions 8, 10-14 and 17 in protected mode");
  RULE(!(info & 0x7FFF'F000u), kField, info, "bits 30:12 are reserved and must be 0");
  if (info & (1u << 11))
    RULE(!(f.ctl.entry_exception_error & 0xFFFF'8000u), "VM-entry exception error code", f.ctl.entry_exception_error,
         "bits 31:15 must be 0");
  if (type == 4 || type == 5 || type == 6) {
    const bool zero_ok = (env.caps.value(kVmxMisc) >> 30) & 1;
    RULE(f.ctl.entry_insn_len <= 15 && (f.ctl.entry_insn_len > 0 || zero_ok), "VM-entry instruction length",
         f.ctl.entry_insn_len, "must be 1-15 (0 allowed by IA32_VMX_MISC bit 30) for software interrupts and exceptions");
  }
  return true;
}

bool entry_msr_load_area(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  RULE(msr_area(f.ctl.entry_msr_load_count, f.ctl.entry_msr_load, env.maxphyaddr), "VM-entry MSR-load address",
       f.ctl.entry_msr_load, "must be 16-byte aligned and the whole area within the physical-address width");
  return true;
}

bool no_smm_entry_outside_smm(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  RULE(!(f.ctl.entry & (ctl::ENTRY_ENTRY_TO_SMM | ctl::ENTRY_DEACTIVATE_DUAL_MONITOR_TREATMENT)), "VM-entry controls",
       f.ctl.entry, "\"entry to SMM\" and \"deactivate dual-monitor treatment\" must be 0 outside SMM");
  return true;
}

}  // inline namespace

constexpr Check kChecks[] = {
    pin_based_reserved_bits, primary_processor_based_reserved_bits, secondary_processor_based_reserved_bits,
    cr3_target_count_at_most_supported, io_bitmap_addresses, msr_bitmap_address, tpr_shadow_fields, nmi_controls,
    vpid_not_zero, ept_pointer, unrestricted_guest_needs_ept,
    exit_controls_reserved_bits, save_preemption_timer_needs_timer, exit_msr_areas,
    entry_controls_reserved_bits, event_injection_fields, entry_msr_load_area, no_smm_entry_outside_smm,
};

}  // namespace

bool check_control_fields(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  return run_checks(kChecks, f, env, out);
}

}  // namespace vp
