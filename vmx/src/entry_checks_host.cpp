// SDM Vol. 3C 26.2.2-26.2.4 "Checks on Host Control Registers and MSRs", "Checks on Host
// Segment and Descriptor-Table Registers", "Checks Related to Address-Space Size": a failure
// is VMfailValid(8), "VM entry with invalid host-state field(s)".
#include "entry_check_util.h"
#include "vp/vmx/vmx_controls.h"

namespace vp {
namespace {
using namespace entry_checks;

inline namespace section_1 {  // each SDM section: its own kSection for RULE
constexpr const char* kSection = "26.2.2 Checks on Host Control Registers and MSRs";

bool host_cr0_fixed_bits(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  RULE(env.caps.cr0_allowed(f.host.cr0), "host CR0", f.host.cr0,
       "must hold the bits IA32_VMX_CR0_FIXED0/FIXED1 fix (PE, NE, PG set)");
  return true;
}

bool host_cr4_fixed_bits(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  RULE(env.caps.cr4_allowed(f.host.cr4), "host CR4", f.host.cr4,
       "must hold the bits IA32_VMX_CR4_FIXED0/FIXED1 fix (VMXE set, unsupported bits clear)");
  return true;
}

bool host_cr3_within_physical_width(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  RULE(!beyond_phys(f.host.cr3, env.maxphyaddr), "host CR3", f.host.cr3,
       "bits beyond the physical-address width must be 0");
  return true;
}

bool host_sysenter_canonical(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  RULE(canonical48(f.host.sysenter_esp), "host IA32_SYSENTER_ESP", f.host.sysenter_esp, "must be canonical");
  RULE(canonical48(f.host.sysenter_eip), "host IA32_SYSENTER_EIP", f.host.sysenter_eip, "must be canonical");
  return true;
}

bool host_pat_valid(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  if (!(f.ctl.exit & ctl::EXIT_LOAD_IA32_PAT)) return true;
  RULE(valid_pat(f.host.pat), "host IA32_PAT", f.host.pat,
       "each byte must be a memory type WRMSR accepts (0, 1, 4, 5, 6, 7) when \"load IA32_PAT\" is 1");
  return true;
}

bool host_efer_valid(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  if (!(f.ctl.exit & ctl::EXIT_LOAD_IA32_EFER)) return true;
  const bool wide = f.ctl.exit & ctl::EXIT_HOST_ADDRESS_SPACE_SIZE;
  RULE(!(f.host.efer & ~(efer::SCE | efer::LME | efer::LMA | efer::NXE)), "host IA32_EFER", f.host.efer,
       "reserved bits must be 0 when \"load IA32_EFER\" is 1");
  RULE(((f.host.efer & efer::LMA) != 0) == wide && ((f.host.efer & efer::LME) != 0) == wide, "host IA32_EFER",
       f.host.efer, "LMA and LME must both equal \"host address-space size\"");
  return true;
}

}  // inline namespace
inline namespace section_2 {
constexpr const char* kSection = "26.2.3 Checks on Host Segment and Descriptor-Table Registers";

bool host_selectors_rpl_ti_zero(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  static const char* names[8] = {"host ES selector", "host CS selector", "host SS selector", "host DS selector",
                                 "host FS selector", "host GS selector", "", "host TR selector"};
  for (unsigned k = 0; k < 8; ++k)
    if (k != kLdtr) RULE(!(f.host.sel[k] & 7), names[k], f.host.sel[k], "RPL (bits 1:0) and TI (bit 2) must be 0");
  return true;
}

bool host_cs_tr_not_null(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  RULE(f.host.sel[kCs] != 0, "host CS selector", 0, "must not be 0000H");
  RULE(f.host.sel[kTr] != 0, "host TR selector", 0, "must not be 0000H");
  return true;
}

bool host_ss_not_null_for_32bit_host(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  RULE(f.host.sel[kSs] != 0 || (f.ctl.exit & ctl::EXIT_HOST_ADDRESS_SPACE_SIZE), "host SS selector", 0,
       "must not be 0000H when \"host address-space size\" is 0");
  return true;
}

bool host_bases_canonical(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  RULE(canonical48(f.host.fs_base), "host FS base", f.host.fs_base, "must be canonical");
  RULE(canonical48(f.host.gs_base), "host GS base", f.host.gs_base, "must be canonical");
  RULE(canonical48(f.host.gdtr_base), "host GDTR base", f.host.gdtr_base, "must be canonical");
  RULE(canonical48(f.host.idtr_base), "host IDTR base", f.host.idtr_base, "must be canonical");
  RULE(canonical48(f.host.tr_base), "host TR base", f.host.tr_base, "must be canonical");
  return true;
}

}  // inline namespace
inline namespace section_3 {
constexpr const char* kSection = "26.2.4 Checks Related to Address-Space Size";

bool host_address_space_size(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  const bool wide = f.ctl.exit & ctl::EXIT_HOST_ADDRESS_SPACE_SIZE;
  if (env.processor_in_ia32e) {
    RULE(wide, "VM-exit controls", f.ctl.exit,
         "\"host address-space size\" must be 1: the processor is in IA-32e mode");
  } else {
    RULE(!(f.ctl.entry & ctl::ENTRY_IA32E_MODE_GUEST), "VM-entry controls", f.ctl.entry,
         "\"IA-32e mode guest\" must be 0 outside IA-32e mode");
    RULE(!wide, "VM-exit controls", f.ctl.exit, "\"host address-space size\" must be 0 outside IA-32e mode");
  }
  if (wide) {
    RULE(f.host.cr4 & cr4::PAE, "host CR4", f.host.cr4, "PAE must be 1 when \"host address-space size\" is 1");
    RULE(canonical48(f.host.rip), "host RIP", f.host.rip, "must be canonical when \"host address-space size\" is 1");
  } else {
    RULE(!(f.host.cr4 & cr4::PCIDE), "host CR4", f.host.cr4, "PCIDE must be 0 when \"host address-space size\" is 0");
    RULE(!(f.host.rip >> 32), "host RIP", f.host.rip, "bits 63:32 must be 0 when \"host address-space size\" is 0");
  }
  return true;
}

}  // inline namespace

constexpr Check kChecks[] = {
    host_cr0_fixed_bits, host_cr4_fixed_bits, host_cr3_within_physical_width, host_sysenter_canonical,
    host_pat_valid, host_efer_valid, host_selectors_rpl_ti_zero, host_cs_tr_not_null,
    host_ss_not_null_for_32bit_host, host_bases_canonical, host_address_space_size,
};

}  // namespace

bool check_host_state(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  return run_checks(kChecks, f, env, out);
}

}  // namespace vp
