// SDM Vol. 3C 26.3.1 "Checks on the Guest State Area": a failure is a VM-entry failure, exit
// reason 33 ("VM-entry failure due to invalid guest state") with bit 31 set; the exit
// qualification is 0 except where 26.7 gives another value (2 PDPTEs, 4 VMCS link pointer).
#include "entry_check_util.h"
#include "vp/vmx/vmx_controls.h"

namespace vp {
namespace {
using namespace entry_checks;

bool ia32e_guest(const EntryFields& f) { return f.ctl.entry & ctl::ENTRY_IA32E_MODE_GUEST; }
bool unrestricted(const EntryFields& f) { return f.ctl.proc2 & ctl::PROC2_UNRESTRICTED_GUEST; }
bool v86_guest(const EntryFields& f) { return f.guest.rflags & rf::VM; }
// G must be 0 if any of limit bits 11:0 is 0, and 1 if any of bits 31:20 is 1.
bool granularity_consistent(const VmcsSegment& s) {
  const bool g = s.ar & ar::G;
  if ((s.limit & 0xFFF) != 0xFFF && g) return false;
  if ((s.limit >> 20) && !g) return false;
  return true;
}

inline namespace section_1 {  // each SDM section: its own kSection for RULE
constexpr const char* kSection = "26.3.1.1 Checks on Guest Control Registers, Debug Registers, and MSRs";

bool guest_cr0_fixed_bits(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  uint64_t cr0 = f.guest.cr0;
  // "Unrestricted guest" lifts the PE and PG requirements (SDM 26.3.1.1).
  if (unrestricted(f)) cr0 |= cr0::PE | cr0::PG;
  RULE(env.caps.cr0_allowed(cr0), "guest CR0", f.guest.cr0,
       "must hold the bits IA32_VMX_CR0_FIXED0/FIXED1 fix (PE, NE, PG; PE and PG free with unrestricted guest)");
  RULE(!(f.guest.cr0 & cr0::PG) || (f.guest.cr0 & cr0::PE), "guest CR0", f.guest.cr0, "PG = 1 requires PE = 1");
  return true;
}

bool guest_cr4_fixed_bits(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  RULE(env.caps.cr4_allowed(f.guest.cr4), "guest CR4", f.guest.cr4,
       "must hold the bits IA32_VMX_CR4_FIXED0/FIXED1 fix (VMXE set, unsupported bits clear)");
  return true;
}

bool guest_debugctl_reserved_bits(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  if (!(f.ctl.entry & ctl::ENTRY_LOAD_DEBUG_CONTROLS)) return true;
  // The model's IA32_DEBUGCTL has LBR (bit 0) and BTF (bit 1); WRMSR rejects the rest.
  RULE(!(f.guest.debugctl & ~0x3ull), "guest IA32_DEBUGCTL", f.guest.debugctl,
       "reserved bits must be 0 when \"load debug controls\" is 1 (Bochs skips this check)");
  return true;
}

bool guest_ia32e_mode_paging(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  if (ia32e_guest(f)) {
    RULE(f.guest.cr0 & cr0::PG, "guest CR0", f.guest.cr0, "PG must be 1 when \"IA-32e mode guest\" is 1");
    RULE(f.guest.cr4 & cr4::PAE, "guest CR4", f.guest.cr4, "PAE must be 1 when \"IA-32e mode guest\" is 1");
  } else {
    RULE(!(f.guest.cr4 & cr4::PCIDE), "guest CR4", f.guest.cr4, "PCIDE must be 0 when \"IA-32e mode guest\" is 0");
  }
  return true;
}

bool guest_cr3_within_physical_width(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  RULE(!beyond_phys(f.guest.cr3, env.maxphyaddr), "guest CR3", f.guest.cr3,
       "bits beyond the physical-address width must be 0");
  return true;
}

bool guest_dr7_high_bits(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  if (!(f.ctl.entry & ctl::ENTRY_LOAD_DEBUG_CONTROLS)) return true;
  RULE(!(f.guest.dr7 >> 32), "guest DR7", f.guest.dr7, "bits 63:32 must be 0 when \"load debug controls\" is 1");
  return true;
}

bool guest_sysenter_canonical(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  RULE(canonical48(f.guest.sysenter_esp), "guest IA32_SYSENTER_ESP", f.guest.sysenter_esp, "must be canonical");
  RULE(canonical48(f.guest.sysenter_eip), "guest IA32_SYSENTER_EIP", f.guest.sysenter_eip, "must be canonical");
  return true;
}

bool guest_pat_valid(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  if (!(f.ctl.entry & ctl::ENTRY_LOAD_IA32_PAT)) return true;
  RULE(valid_pat(f.guest.pat), "guest IA32_PAT", f.guest.pat,
       "each byte must be a memory type WRMSR accepts (0, 1, 4, 5, 6, 7) when \"load IA32_PAT\" is 1");
  return true;
}

bool guest_efer_valid(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  if (!(f.ctl.entry & ctl::ENTRY_LOAD_IA32_EFER)) return true;
  const uint64_t e = f.guest.efer;
  RULE(!(e & ~(efer::SCE | efer::LME | efer::LMA | efer::NXE)), "guest IA32_EFER", e,
       "reserved bits must be 0 when \"load IA32_EFER\" is 1");
  RULE(((e & efer::LMA) != 0) == ia32e_guest(f), "guest IA32_EFER", e, "LMA must equal \"IA-32e mode guest\"");
  RULE(!(f.guest.cr0 & cr0::PG) || ((e & efer::LME) != 0) == ia32e_guest(f), "guest IA32_EFER", e,
       "LME must equal \"IA-32e mode guest\" when guest CR0.PG is 1");
  return true;
}

}  // inline namespace
inline namespace section_2 {
constexpr const char* kSection = "26.3.1.2 Checks on Guest Segment Registers";

bool guest_selectors(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  const VmcsSegment* s = f.guest.seg;
  RULE(!(s[kTr].sel & 4), "guest TR selector", s[kTr].sel, "TI (bit 2) must be 0");
  RULE(!s[kLdtr].usable() || !(s[kLdtr].sel & 4), "guest LDTR selector", s[kLdtr].sel,
       "TI (bit 2) must be 0 when LDTR is usable");
  if (!v86_guest(f) && !unrestricted(f))
    RULE((s[kSs].sel & 3) == (s[kCs].sel & 3), "guest SS selector", s[kSs].sel, "RPL must equal the RPL of CS");
  return true;
}

bool guest_segment_bases(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  const VmcsSegment* s = f.guest.seg;
  if (v86_guest(f)) {
    static const char* names[6] = {"guest ES base", "guest CS base", "guest SS base", "guest DS base",
                                   "guest FS base", "guest GS base"};
    for (unsigned k = 0; k < 6; ++k)
      RULE(s[k].base == uint64_t{s[k].sel} << 4, names[k], s[k].base,
           "must be the selector shifted left 4 bits in virtual-8086 mode");
  }
  RULE(canonical48(s[kTr].base), "guest TR base", s[kTr].base, "must be canonical");
  RULE(canonical48(s[kFs].base), "guest FS base", s[kFs].base, "must be canonical");
  RULE(canonical48(s[kGs].base), "guest GS base", s[kGs].base, "must be canonical");
  RULE(!s[kLdtr].usable() || canonical48(s[kLdtr].base), "guest LDTR base", s[kLdtr].base,
       "must be canonical when LDTR is usable");
  RULE(!(s[kCs].base >> 32), "guest CS base", s[kCs].base, "bits 63:32 must be 0");
  RULE(!s[kSs].usable() || !(s[kSs].base >> 32), "guest SS base", s[kSs].base, "bits 63:32 must be 0 when usable");
  RULE(!s[kDs].usable() || !(s[kDs].base >> 32), "guest DS base", s[kDs].base, "bits 63:32 must be 0 when usable");
  RULE(!s[kEs].usable() || !(s[kEs].base >> 32), "guest ES base", s[kEs].base, "bits 63:32 must be 0 when usable");
  return true;
}

bool guest_v86_limits_and_access_rights(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  if (!v86_guest(f)) return true;
  for (unsigned k = 0; k < 6; ++k) {
    RULE(f.guest.seg[k].limit == 0xFFFF, "guest segment limit", f.guest.seg[k].limit,
         "must be 0000FFFFH for ES, CS, SS, DS, FS, GS in virtual-8086 mode");
    RULE(f.guest.seg[k].ar == 0xF3, "guest segment access rights", f.guest.seg[k].ar,
         "must be 000000F3H for ES, CS, SS, DS, FS, GS in virtual-8086 mode");
  }
  return true;
}

bool guest_cs_access_rights(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  if (v86_guest(f)) return true;
  const VmcsSegment& cs = f.guest.seg[kCs];
  const VmcsSegment& ss = f.guest.seg[kSs];
  const unsigned type = ar::type(cs.ar);
  const char* kField = "guest CS access rights";
  RULE(type == 9 || type == 11 || type == 13 || type == 15 || (type == 3 && unrestricted(f)), kField, cs.ar,
       "type must be an accessed code segment (9, 11, 13, 15), or 3 with unrestricted guest");
  RULE(cs.ar & ar::S, kField, cs.ar, "S (bit 4) must be 1");
  if (type == 3) RULE(ar::dpl(cs.ar) == 0, kField, cs.ar, "DPL must be 0 when the type is 3");
  if (type == 9 || type == 11)
    RULE(ar::dpl(cs.ar) == ar::dpl(ss.ar), kField, cs.ar, "DPL of a non-conforming code segment must equal SS.DPL");
  if (type == 13 || type == 15)
    RULE(ar::dpl(cs.ar) <= ar::dpl(ss.ar), kField, cs.ar, "DPL of a conforming code segment must not exceed SS.DPL");
  RULE(cs.ar & ar::P, kField, cs.ar, "P (bit 7) must be 1");
  RULE(!(cs.ar & 0xF00), kField, cs.ar, "bits 11:8 are reserved and must be 0");
  RULE(!(ia32e_guest(f) && (cs.ar & ar::L) && (cs.ar & ar::DB)), kField, cs.ar,
       "L and D/B must not both be 1 when \"IA-32e mode guest\" is 1");
  RULE(granularity_consistent(cs), kField, cs.ar, "G must match the limit (0 if bits 11:0 are not all 1, 1 if bits 31:20 are not 0)");
  RULE(!(cs.ar & 0xFFFE'0000u), kField, cs.ar, "bits 31:17 are reserved and must be 0");
  return true;
}

bool guest_ss_access_rights(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  if (v86_guest(f)) return true;
  const VmcsSegment& ss = f.guest.seg[kSs];
  const char* kField = "guest SS access rights";
  if (ss.usable()) {
    RULE(ar::type(ss.ar) == 3 || ar::type(ss.ar) == 7, kField, ss.ar, "type must be 3 or 7 (read/write, accessed)");
    RULE(ss.ar & ar::S, kField, ss.ar, "S (bit 4) must be 1");
    RULE(ss.ar & ar::P, kField, ss.ar, "P (bit 7) must be 1");
    RULE(!(ss.ar & 0xF00), kField, ss.ar, "bits 11:8 are reserved and must be 0");
    RULE(granularity_consistent(ss), kField, ss.ar, "G must match the limit");
    RULE(!(ss.ar & 0xFFFE'0000u), kField, ss.ar, "bits 31:17 are reserved and must be 0");
  }
  if (!unrestricted(f)) RULE(ar::dpl(ss.ar) == (ss.sel & 3u), kField, ss.ar, "DPL must equal the selector's RPL");
  if (ar::type(f.guest.seg[kCs].ar) == 3 || !(f.guest.cr0 & cr0::PE))
    RULE(ar::dpl(ss.ar) == 0, kField, ss.ar, "DPL must be 0 when CS type is 3 or CR0.PE is 0");
  return true;
}

bool guest_data_segment_access_rights(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  if (v86_guest(f)) return true;
  static const unsigned regs[4] = {kDs, kEs, kFs, kGs};
  static const char* names[4] = {"guest DS access rights", "guest ES access rights", "guest FS access rights",
                                 "guest GS access rights"};
  for (unsigned k = 0; k < 4; ++k) {
    const VmcsSegment& s = f.guest.seg[regs[k]];
    if (!s.usable()) continue;
    const unsigned type = ar::type(s.ar);
    RULE(type & 1, names[k], s.ar, "type must be accessed (bit 0 set)");
    RULE(!(type & 8) || (type & 2), names[k], s.ar, "a code segment must be readable");
    RULE(s.ar & ar::S, names[k], s.ar, "S (bit 4) must be 1");
    if (!unrestricted(f) && type <= 11)
      RULE(ar::dpl(s.ar) >= (s.sel & 3u), names[k], s.ar, "DPL must not be below the selector's RPL");
    RULE(s.ar & ar::P, names[k], s.ar, "P (bit 7) must be 1");
    RULE(!(s.ar & 0xF00), names[k], s.ar, "bits 11:8 are reserved and must be 0");
    RULE(granularity_consistent(s), names[k], s.ar, "G must match the limit");
    RULE(!(s.ar & 0xFFFE'0000u), names[k], s.ar, "bits 31:17 are reserved and must be 0");
  }
  return true;
}

bool guest_tr_access_rights(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  const VmcsSegment& tr = f.guest.seg[kTr];
  const char* kField = "guest TR access rights";
  const unsigned type = ar::type(tr.ar);
  if (ia32e_guest(f)) RULE(type == 11, kField, tr.ar, "type must be 11 (busy 64-bit TSS) when \"IA-32e mode guest\" is 1");
  else RULE(type == 3 || type == 11, kField, tr.ar, "type must be 3 or 11 (busy TSS)");
  RULE(!(tr.ar & ar::S), kField, tr.ar, "S (bit 4) must be 0");
  RULE(tr.ar & ar::P, kField, tr.ar, "P (bit 7) must be 1");
  RULE(!(tr.ar & 0xF00), kField, tr.ar, "bits 11:8 are reserved and must be 0");
  RULE(granularity_consistent(tr), kField, tr.ar, "G must match the limit");
  RULE(tr.usable(), kField, tr.ar, "TR must be usable (bit 16 = 0)");
  RULE(!(tr.ar & 0xFFFE'0000u), kField, tr.ar, "bits 31:17 are reserved and must be 0");
  return true;
}

bool guest_ldtr_access_rights(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  const VmcsSegment& l = f.guest.seg[kLdtr];
  if (!l.usable()) return true;
  const char* kField = "guest LDTR access rights";
  RULE(ar::type(l.ar) == 2, kField, l.ar, "type must be 2 (LDT)");
  RULE(!(l.ar & ar::S), kField, l.ar, "S (bit 4) must be 0");
  RULE(l.ar & ar::P, kField, l.ar, "P (bit 7) must be 1");
  RULE(!(l.ar & 0xF00), kField, l.ar, "bits 11:8 are reserved and must be 0");
  RULE(granularity_consistent(l), kField, l.ar, "G must match the limit");
  RULE(!(l.ar & 0xFFFE'0000u), kField, l.ar, "bits 31:17 are reserved and must be 0");
  return true;
}

}  // inline namespace
inline namespace section_3 {
constexpr const char* kSection = "26.3.1.3 Checks on Guest Descriptor-Table Registers";

bool guest_descriptor_tables(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  RULE(canonical48(f.guest.gdtr_base), "guest GDTR base", f.guest.gdtr_base, "must be canonical");
  RULE(canonical48(f.guest.idtr_base), "guest IDTR base", f.guest.idtr_base, "must be canonical");
  RULE(!(f.guest.gdtr_limit >> 16), "guest GDTR limit", f.guest.gdtr_limit, "bits 31:16 must be 0");
  RULE(!(f.guest.idtr_limit >> 16), "guest IDTR limit", f.guest.idtr_limit, "bits 31:16 must be 0");
  return true;
}

}  // inline namespace
inline namespace section_4 {
constexpr const char* kSection = "26.3.1.4 Checks on Guest RIP and RFLAGS";

bool guest_rip(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  if (ia32e_guest(f) && (f.guest.seg[kCs].ar & ar::L))
    RULE(canonical48(f.guest.rip), "guest RIP", f.guest.rip,
         "must be canonical in 64-bit mode (Bochs skips this check)");
  else
    RULE(!(f.guest.rip >> 32), "guest RIP", f.guest.rip, "bits 63:32 must be 0 outside 64-bit mode");
  return true;
}

bool guest_rflags(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  const uint64_t fl = f.guest.rflags;
  RULE(!(fl & ~0x3F'FFFFull) && !(fl & ((1u << 15) | (1u << 5) | (1u << 3))) && (fl & 2), "guest RFLAGS", fl,
       "bits 63:22, 15, 5 and 3 must be 0 and bit 1 must be 1");
  RULE(!(fl & rf::VM) || (!ia32e_guest(f) && (f.guest.cr0 & cr0::PE)), "guest RFLAGS", fl,
       "VM must be 0 when \"IA-32e mode guest\" is 1 or CR0.PE is 0");
  const uint32_t info = f.ctl.entry_intr_info;
  RULE(!((info >> 31) && ((info >> 8) & 7) == 0) || (fl & rf::IF), "guest RFLAGS", fl,
       "IF must be 1 when an external interrupt is injected");
  return true;
}

}  // inline namespace
inline namespace section_5 {
constexpr const char* kSection = "26.3.1.5 Checks on Guest Non-Register State";

bool guest_activity_state(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  const uint32_t a = f.guest.activity;
  const uint64_t misc = env.caps.value(kVmxMisc);
  RULE(a == 0 || (a <= 3 && ((misc >> (5 + a)) & 1)), "guest activity state", a,
       "must be 0 (active) or a state IA32_VMX_MISC bits 8:6 report (1 HLT, 2 shutdown, 3 wait-for-SIPI)");
  RULE(a != 1 || ar::dpl(f.guest.seg[kSs].ar) == 0, "guest activity state", a, "HLT requires SS.DPL = 0");
  RULE(a == 0 || !(f.guest.interruptibility & 3), "guest activity state", a,
       "must be active when the interruptibility state shows blocking by STI or MOV SS");
  const uint32_t info = f.ctl.entry_intr_info;
  if ((info >> 31) && a != 0) {
    const unsigned type = (info >> 8) & 7, vec = info & 0xFF;
    const bool hw_db_mc = type == 3 && (vec == 1 || vec == 18);
    if (a == 1) RULE(type == 0 || type == 2 || hw_db_mc || type == 7, "guest activity state", a,
                     "in HLT only external interrupts, NMIs, #DB, #MC or an MTF event may be injected");
    if (a == 2) RULE(type == 2 || (type == 3 && vec == 18), "guest activity state", a,
                     "in shutdown only NMIs and #MC may be injected");
    if (a == 3) RULE(false, "guest activity state", a, "nothing may be injected in wait-for-SIPI");
  }
  return true;
}

bool guest_interruptibility_state(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  const uint32_t s = f.guest.interruptibility, info = f.ctl.entry_intr_info;
  const char* kField = "guest interruptibility state";
  RULE(!(s & ~0xFu), kField, s, "bits 31:4 are reserved and must be 0");
  RULE((s & 3) != 3, kField, s, "blocking by STI and by MOV SS must not both be 1");
  RULE((f.guest.rflags & rf::IF) || !(s & 1), kField, s, "blocking by STI must be 0 when RFLAGS.IF is 0");
  const bool inject = info >> 31;
  const unsigned type = (info >> 8) & 7;
  if (inject && (type == 0 || type == 2))
    RULE(!(s & 3), kField, s, "blocking by STI and MOV SS must be 0 when injecting an external interrupt or NMI");
  RULE(!(s & 4), kField, s, "blocking by SMI (bit 2) must be 0 outside SMM");
  if (inject && type == 2 && (f.ctl.pin & ctl::PIN_VIRTUAL_NMIS))
    RULE(!(s & 8), kField, s, "blocking by NMI must be 0 when injecting an NMI with virtual NMIs");
  return true;
}

bool guest_pending_debug_exceptions(const EntryFields& f, const CheckEnv&, CheckFailure& out) {
  const uint64_t p = f.guest.pending_debug;
  RULE(!(p & ~0x500Full), "guest pending debug exceptions", p,
       "bits 11:4, 13, 15 and 63:16 are reserved and must be 0");
  if ((f.guest.interruptibility & 3) || f.guest.activity == 1) {
    const bool tf = f.guest.rflags & rf::TF, btf = f.guest.debugctl & 2, bs = p & (1u << 14);
    RULE(!(tf && !btf) || bs, "guest pending debug exceptions", p,
         "BS (bit 14) must be 1 when RFLAGS.TF = 1 and DEBUGCTL.BTF = 0 under STI/MOV-SS blocking or HLT "
         "(Bochs skips this check)");
    RULE(!(!tf || btf) || !bs, "guest pending debug exceptions", p,
         "BS (bit 14) must be 0 when RFLAGS.TF = 0 or DEBUGCTL.BTF = 1 under STI/MOV-SS blocking or HLT");
  }
  return true;
}

bool guest_vmcs_link_pointer(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  const uint64_t p = f.guest.link_pointer;
  if (p == ~0ull) return true;
  // Without VMCS shadowing, any other value must pass the same checks as a VMCS pointer and
  // name a region with this processor's revision and the shadow bit equal to "VMCS shadowing" (0).
  bool ok = !(p & 0xFFF) && !beyond_phys(p, env.maxphyaddr);
  if (ok) ok = static_cast<uint32_t>(env.mem.read(p, 4)) == env.caps.revision_id();
  if (!ok)
    return fail(out, __func__, "VMCS link pointer", p,
                "must be FFFFFFFF_FFFFFFFFH, or a 4-KiB-aligned address of a region with this revision identifier",
                kSection, 4);
  return true;
}

}  // inline namespace
inline namespace section_6 {
constexpr const char* kSection = "26.3.1.6 Checks on Guest Page-Directory-Pointer-Table Entries";

bool guest_pdptes(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  if (!((f.guest.cr0 & cr0::PG) && (f.guest.cr4 & cr4::PAE) && !ia32e_guest(f))) return true;
  const bool ept = f.ctl.proc2 & ctl::PROC2_ENABLE_EPT;
  const uint64_t rsvd = 0x1E6ull | (~((1ull << env.maxphyaddr) - 1) & ~0xFFFull);
  for (unsigned k = 0; k < 4; ++k) {
    // With EPT the PDPTEs come from the VMCS fields; without, from guest memory at CR3.
    const uint64_t e = ept ? f.guest.pdpte[k] : env.mem.read((f.guest.cr3 & 0xFFFF'FFE0ull) + 8 * k, 8);
    if ((e & 1) && (e & rsvd))
      return fail(out, __func__, ept ? "guest PDPTE" : "PDPTE at guest CR3", e,
                  "a present PDPTE must have bits 2:1, 8:5 and those beyond the physical-address width 0",
                  kSection, 2);
  }
  return true;
}

}  // inline namespace

constexpr Check kChecks[] = {
    guest_cr0_fixed_bits, guest_cr4_fixed_bits, guest_debugctl_reserved_bits, guest_ia32e_mode_paging,
    guest_cr3_within_physical_width, guest_dr7_high_bits, guest_sysenter_canonical, guest_pat_valid,
    guest_efer_valid,
    guest_selectors, guest_segment_bases, guest_v86_limits_and_access_rights, guest_cs_access_rights,
    guest_ss_access_rights, guest_data_segment_access_rights, guest_tr_access_rights, guest_ldtr_access_rights,
    guest_descriptor_tables, guest_rip, guest_rflags,
    guest_activity_state, guest_interruptibility_state, guest_pending_debug_exceptions, guest_vmcs_link_pointer,
    guest_pdptes,
};

}  // namespace

bool check_guest_state(const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  return run_checks(kChecks, f, env, out);
}

}  // namespace vp
