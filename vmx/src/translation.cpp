// Memory virtualisation (SDM Vol. 3C chapter 28): guest-physical accesses through EPT, the
// EPT-violation and EPT-misconfiguration VM exits (27.2.1), the translation contexts (VPID,
// EPTRTA) of the guest and the host, and INVEPT / INVVPID (28.3.3). The TLB itself is the
// core's (cpu.h TlbEntry); this file decides what is tagged how and what goes.
#include <optional>

#include "vp/core/operands.h"
#include "vp/vmx/ept.h"
#include "vp/vmx/vmx_controls.h"
#include "vp/vmx/vmx_unit.h"

namespace vp {
namespace {

// IA32_VMX_EPT_VPID_CAP bits (SDM Vol. 3C A.10).
constexpr uint64_t kCapExecuteOnly = 1ull << 0;
constexpr unsigned kCapInveptTypes = 24;   // bit 24 + type: INVEPT type supported (1, 2)
constexpr unsigned kCapInvvpidTypes = 40;  // bit 40 + type: INVVPID type supported (0..3)

bool type_supported(uint64_t cap, unsigned base, uint64_t type) { return type < 4 && ((cap >> (base + type)) & 1); }

bool canonical48(uint64_t a) { return static_cast<uint64_t>(static_cast<int64_t>(a << 16) >> 16) == a; }

// Exit qualification of an EPT violation (Table 27-7): the access (bits 2:0), the rights of
// the translation (5:3), whether a linear address is known (7) and whether the access was to
// its final translation rather than a guest paging-structure entry (8).
// Bit 12: the access was part of an IRET that would have ended (virtual-)NMI blocking.
// A guest paging-structure read that EPT A/D makes a write sets both bits 0 and 1 (a footnote
// to Table 27-7 in SDM editions after 2016; the 2016 text says only "treated as writes").
uint64_t violation_qualification(const Cpu& c, const GuestPhysicalAccess& a, bool write, uint8_t rwx) {
  uint64_t q = write ? 2 : a.access == 2 ? 4 : 1;
  if (write && a.access == 0) q |= 1;
  q |= uint64_t{rwx} << 3;
  if (a.use != GpaUse::Pdpte) q |= 1u << 7;
  if (a.use == GpaUse::Final) q |= 1u << 8;
  if (c.in_iret && c.nmi_blocked) q |= 1u << 12;
  return q;
}

}  // namespace

bool VmxUnit::translate_guest_physical(Cpu& c, const GuestPhysicalAccess& a, uint64_t& hpa, uint8_t& perms) {
  const uint64_t cap = caps_.value(kVmxEptVpidCap);
  // With accessed and dirty flags enabled, the processor's accesses to guest paging
  // structures count as writes (28.2.3.2); PDPTE loads by MOV CR do not.
  const bool ad = gc_.eptp & eptp::kAccessedDirty;
  const bool write = a.access == 1 || (ad && a.use == GpaUse::PagingStructure);
  const uint8_t need = write ? epte::kWrite : a.access == 2 ? epte::kExecute : epte::kRead;
  const EptWalk w = ept_walk(mem_, {gc_.eptp, a.gpa, need, a.dry, c.model.maxphyaddr, (cap & kCapExecuteOnly) != 0});
  if (w.outcome == EptWalk::Ok) {
    hpa = w.hpa;
    perms = w.rwx & 7;
    if ((w.rwx & epte::kWrite) && (!ad || w.dirty)) perms |= gpa_perm::kWriteCached;
    return true;
  }
  if (a.dry) return false;
  VmExitEvent e;
  e.guest_physical = a.gpa;
  e.guest_physical_valid = true;
  if (w.outcome == EptWalk::Misconfiguration) {
    e.reason = static_cast<uint32_t>(ExitReason::EPT_MISCONFIGURATION);  // qualification 0
  } else {
    e.reason = static_cast<uint32_t>(ExitReason::EPT_VIOLATION);
    e.qualification = violation_qualification(c, a, write, w.rwx);
    // The guest-linear address: bits 63:32 clear outside 64-bit mode (27.2.1).
    e.guest_linear_valid = a.use != GpaUse::Pdpte;
    e.guest_linear = c.long64 ? a.linear : a.linear & 0xFFFF'FFFFull;
  }
  pending_exit_ = e;
  c.fault = {kVmExitPending, false, 0};
  return false;
}

void VmxUnit::take_pending_exit(Cpu& c) {
  // A fault-like exit: the access's instruction did not complete, so RIP is its own (or the
  // RIP the interrupted event would have been delivered with).
  pending_exit_.guest_rip = c.s.rip();
  vm_exit(c, pending_exit_);
}

// --- translation contexts -------------------------------------------------------------------

uint8_t VmxUnit::ept_context(Cpu& c, uint64_t eptrta) {
  for (uint8_t k = 1; k < 8; ++k)
    if (ept_contexts_[k] == eptrta) return k;
  // A new EPTRTA takes the next context number; what the TLB held under it goes first
  // (hardware may drop cached translations at any time, 28.3.2).
  const uint8_t k = static_cast<uint8_t>(ept_context_next_);
  ept_context_next_ = ept_context_next_ % 7 + 1;
  c.invalidate_tlb_unless([k](const TlbEntry& e) { return e.ctx.ept != k; });
  ept_contexts_[k] = eptrta;
  return k;
}

// Without VPIDs ("enable VPID" = 0) every VM entry and VM exit invalidates the linear and
// combined mappings of VPID 0000H, for all EPTRTAs (28.3.3.1); with VPIDs nothing goes.
static void invalidate_vpid0_unless_vpids(Cpu& c, const GuestControls& gc) {
  if (gc.proc2 & ctl::PROC2_ENABLE_VPID) return;
  c.invalidate_tlb_unless([](const TlbEntry& e) { return !e.ctx.linear_of(0); });
}

void VmxUnit::enter_guest_context(Cpu& c) {
  invalidate_vpid0_unless_vpids(c, gc_);
  const bool ept = gc_.proc2 & ctl::PROC2_ENABLE_EPT;
  c.ept_active = ept;
  c.set_vmx_context((gc_.proc2 & ctl::PROC2_ENABLE_VPID) ? gc_.vpid : 0,
                    ept ? ept_context(c, eptp::root(gc_.eptp, c.model.maxphyaddr)) : 0);
}

void VmxUnit::enter_host_context(Cpu& c) {
  invalidate_vpid0_unless_vpids(c, gc_);
  c.ept_active = false;
  c.set_vmx_context(0, 0);
}

// --- INVEPT / INVVPID ---------------------------------------------------------------------

// The start both instructions share (SDM INVEPT, INVVPID): #UD outside VMX operation or
// without the control, a VM exit in non-root operation, #GP at CPL > 0, VMfailValid 28 for a
// type IA32_VMX_EPT_VPID_CAP does not list (the whole register in 64-bit mode; Bochs reads
// 32 bits), then the 128-bit descriptor. A value means the instruction ends with it.
std::optional<Exec> VmxUnit::invalidation_operands(Cpu& c, const Insn& i, uint32_t control, unsigned cap_types,
                                                   uint64_t& type, uint64_t (&d)[2]) {
  if (!in_vmx_ || vmx_mode_excluded(c) || !(caps_.proc2_allowed1() & control) || i.op[1].kind != OpKind::Mem)
    return c.ud();
  if (non_root_) return exit_for_instruction(c, i);
  if (c.s.cpl > 0) return c.gp(0);
  read_operand(c, i, 0, c.long64 ? 8 : 4, type);
  if (!type_supported(caps_.value(kVmxEptVpidCap), cap_types, type))
    return fail(c, VmInstructionError::INVEPT_INVVPID_INVALID_OPERAND);
  if (Exec r = read_memory_operand128(c, i, d); r != Exec::Ok) return r;
  return std::nullopt;
}

// INVEPT: type 1 single-context (the descriptor's EPTP), type 2 all-context.
Exec VmxUnit::invept(Cpu& c, const Insn& i) {
  uint64_t type, d[2];
  if (std::optional<Exec> r = invalidation_operands(c, i, ctl::PROC2_ENABLE_EPT, kCapInveptTypes, type, d)) return *r;
  const uint64_t cap = caps_.value(kVmxEptVpidCap);
  if (type == 1) {
    // Single-context: the EPTP must pass the VM-entry checks; guest-physical and combined
    // mappings of its EPTRTA go, for every VPID.
    if (eptp_problem(d[0], cap, c.model.maxphyaddr)) return fail(c, VmInstructionError::INVEPT_INVVPID_INVALID_OPERAND);
    const uint64_t rta = eptp::root(d[0], c.model.maxphyaddr);
    for (uint8_t k = 1; k < 8; ++k)
      if (ept_contexts_[k] == rta)
        c.invalidate_tlb_unless([k](const TlbEntry& e) { return e.ctx.ept != k; });
  } else {
    // All-context: every EPTRTA's mappings.
    c.invalidate_tlb_unless([](const TlbEntry& e) { return e.ctx.ept == 0; });
  }
  return succeed(c);
}

// SDM INVVPID: types 0 individual-address, 1 single-context, 2 all-context, 3 single-context
// retaining globals; linear and combined mappings only (guest-physical ones have no VPID).
Exec VmxUnit::invvpid(Cpu& c, const Insn& i) {
  uint64_t type, d[2];
  if (std::optional<Exec> r = invalidation_operands(c, i, ctl::PROC2_ENABLE_VPID, kCapInvvpidTypes, type, d)) return *r;
  // Bits 63:16 of the descriptor are reserved; bits 15:0 are the VPID, 127:64 the address.
  if (d[0] >> 16) return fail(c, VmInstructionError::INVEPT_INVVPID_INVALID_OPERAND);
  const uint16_t vpid = static_cast<uint16_t>(d[0]);
  if (type != 2 && vpid == 0) return fail(c, VmInstructionError::INVEPT_INVVPID_INVALID_OPERAND);
  switch (type) {
    case 0: {
      if (!canonical48(d[1])) return fail(c, VmInstructionError::INVEPT_INVVPID_INVALID_OPERAND);
      c.invalidate_linear(d[1], vpid);
      break;
    }
    case 1: c.invalidate_tlb_unless([&](const TlbEntry& e) { return !e.ctx.linear_of(vpid); }); break;
    case 2: c.invalidate_tlb_unless([](const TlbEntry& e) { return e.ctx.guest_physical || e.ctx.vpid == 0; }); break;
    default: c.invalidate_tlb_unless([&](const TlbEntry& e) { return !e.ctx.linear_of(vpid) || e.global; }); break;
  }
  return succeed(c);
}

}  // namespace vp
