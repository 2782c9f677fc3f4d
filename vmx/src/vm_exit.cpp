// VM exits (SDM Vol. 3C chapter 27): recording the exit information (27.2), saving guest
// state (27.3), the MSR-store list (27.4), loading host state (27.5) and the MSR-load list
// (27.6). VM-entry failures (26.7) share load_host_state.
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "vp/core/operands.h"
#include "vp/vmx/vmx_controls.h"
#include "vp/vmx/vmx_unit.h"

namespace vp {

void VmxUnit::vm_exit(Cpu& c, const VmExitEvent& e) {
  using F = VmcsField;
  const auto wr = [&](VmcsSlot slot, uint64_t v) { write_slot(current_vmcs_, slot, v); };
  // A fault or EPT violation in IRET: the (virtual-)NMI blocking IRET would have ended is
  // cleared before the exit (27.1), and an exception exit says so in bit 12 of the VM-exit
  // interruption information (27.2.2; the EPT qualification has it already, 27.2.1).
  uint32_t intr_info = e.intr_info;
  if (c.in_iret && c.nmi_blocked &&
      (!(gc_.pin & ctl::PIN_NMI_EXITING) || (gc_.pin & ctl::PIN_VIRTUAL_NMIS))) {
    c.nmi_blocked = false;
    if ((intr_info >> 31) && ((intr_info >> 8) & 7) == 3 && (intr_info & 0xFF) != 8) intr_info |= 1u << 12;
  }
  wr(vmcs_slot(F::EXIT_REASON), e.reason);
  wr(vmcs_slot(F::EXIT_QUALIFICATION), e.qualification);
  wr(vmcs_slot(F::EXIT_GUEST_LINEAR_ADDRESS), e.guest_linear_valid ? e.guest_linear : 0);
  if (e.guest_physical_valid) wr(vmcs_slot(F::GUEST_PHYSICAL_ADDRESS), e.guest_physical);
  wr(vmcs_slot(F::VMEXIT_INTERRUPTION_INFORMATION), intr_info);
  wr(vmcs_slot(F::VMEXIT_INTERRUPTION_ERROR_CODE), e.intr_error);
  // An exit during delivery of a software interrupt or exception reports its length (27.2.4).
  wr(vmcs_slot(F::VMEXIT_INSTRUCTION_LENGTH),
     e.insn_len ? e.insn_len : (c.vectoring.valid ? c.vectoring.insn_len : 0));
  wr(vmcs_slot(F::VMEXIT_INSTRUCTION_INFO), e.insn_info);
  // IDT-vectoring information: the event whose delivery the exit interrupted (27.2.4).
  uint32_t idt = 0, idt_error = 0;
  if (c.vectoring.valid) {  // also the event VM entry injected (27.2.4)
    static const uint8_t kTypes[] = {3, 0, 4, 2, 5};  // EventKind -> interruption type
    uint8_t type = kTypes[c.vectoring.kind];
    if (c.vectoring.kind == static_cast<uint8_t>(Cpu::EventKind::Software) &&
        (c.vectoring.vector == 3 || c.vectoring.vector == 4))
      type = 6;  // INT3 / INTO: software exception
    idt = c.vectoring.vector | (uint32_t{type} << 8) | (c.vectoring.has_error ? 1u << 11 : 0) | (1u << 31);
    idt_error = c.vectoring.error;
  }
  c.vectoring = {};
  wr(vmcs_slot(F::IDT_VECTORING_INFORMATION), idt);
  wr(vmcs_slot(F::IDT_VECTORING_ERROR_CODE), idt_error);
  // The valid bit of the VM-entry interruption-information field is cleared (27.2).
  constexpr VmcsSlot entry_info = vmcs_slot(F::CTRL_VMENTRY_INTERRUPTION_INFORMATION_FIELD);
  write_slot(current_vmcs_, entry_info, read_slot(current_vmcs_, entry_info) & 0x7FFF'FFFFu);

  save_guest_state(c, e);
  if (gc_.exit & ctl::EXIT_SAVE_VMX_PREEMPTION_TIMER_VALUE)
    wr(vmcs_slot(F::GUEST_VMX_PREEMPTION_TIMER_VALUE), e.reason == static_cast<uint32_t>(ExitReason::VMX_PREEMPTION_TIMER_EXPIRED)
                                                ? 0
                                                : timer_remaining(c));
  c.vmx_poll = false;
  store_msr_list(c, read_slot(current_vmcs_, vmcs_slot(F::CTRL_VMEXIT_MSR_STORE_ADDRESS)),
                 static_cast<uint32_t>(read_slot(current_vmcs_, vmcs_slot(F::CTRL_VMEXIT_MSR_STORE_COUNT))));
  non_root_ = c.non_root = false;
  c.vmx_tsc_offset = 0;
  load_host_state(c);
  if (gc_.pin & ctl::PIN_VIRTUAL_NMIS) c.nmi_blocked = host_nmi_blocked_;  // blocking was virtual
  if (e.nmi) c.nmi_blocked = true;  // an NMI that caused the exit leaves NMIs blocked (27.5.5)
  ++exits;
  if (!on_transition && !c.trace) return;
  const uint32_t basic = e.reason & 0xFFFF;
  // EPT exits also name the guest-physical (and guest-linear) address.
  char where[96] = "";
  char where_json[96] = "";
  if (e.guest_physical_valid) {
    std::snprintf(where, sizeof where, ", guest-physical 0x%" PRIx64, e.guest_physical);
    std::snprintf(where_json, sizeof where_json, ",\"guest_physical\":\"0x%" PRIx64 "\"", e.guest_physical);
    if (e.guest_linear_valid) {
      const size_t n = std::strlen(where), nj = std::strlen(where_json);
      std::snprintf(where + n, sizeof where - n, ", guest-linear 0x%" PRIx64, e.guest_linear);
      std::snprintf(where_json + nj, sizeof where_json - nj, ",\"guest_linear\":\"0x%" PRIx64 "\"", e.guest_linear);
    }
  }
  char line[256];
  std::snprintf(line, sizeof line, "vmexit %s (%u): qualification 0x%" PRIx64 ", guest rip 0x%" PRIx64 "%s%s",
                std::string(exit_reason_name(basic)).c_str(), basic, e.qualification, e.guest_rip,
                e.insn_len ? (", instruction length " + std::to_string(e.insn_len)).c_str() : "", where);
  char json[300];
  std::snprintf(json, sizeof json,
                "\"reason\":%u,\"name\":\"%s\",\"qualification\":\"0x%" PRIx64 "\",\"guest_rip\":\"0x%" PRIx64
                "\",\"insn_len\":%u,\"intr_info\":\"0x%x\"%s",
                basic, std::string(exit_reason_name(basic)).c_str(), e.qualification, e.guest_rip, e.insn_len,
                intr_info, where_json);
  announce(c, "vmexit", json, line);
}

void VmxUnit::save_guest_state(Cpu& c, const VmExitEvent& e) {
  using F = VmcsField;
  const auto wr = [&](VmcsSlot slot, uint64_t v) { write_slot(current_vmcs_, slot, v); };
  wr(vmcs_slot(F::GUEST_CR0), c.s.cr0);
  wr(vmcs_slot(F::GUEST_CR3), c.s.cr3);
  wr(vmcs_slot(F::GUEST_CR4), c.s.cr4);
  if (gc_.exit & ctl::EXIT_SAVE_DEBUG_CONTROLS) {
    wr(vmcs_slot(F::GUEST_DR7), c.s.dr[7]);
    wr(vmcs_slot(F::GUEST_DEBUGCTL), c.s.debugctl);
  }
  wr(vmcs_slot(F::GUEST_RSP), c.s.regs[4]);
  wr(vmcs_slot(F::GUEST_RIP), e.guest_rip);
  wr(vmcs_slot(F::GUEST_RFLAGS), c.s.rflags);
  const SegmentReg* regs[8] = {&c.s.seg[ES], &c.s.seg[CS], &c.s.seg[SS], &c.s.seg[DS],
                               &c.s.seg[FS], &c.s.seg[GS], &c.s.ldtr, &c.s.tr};
  for (unsigned k = 0; k < 8; ++k) {
    const VmcsSegmentSlots& sl = kGuestSegmentSlots[k];
    write_slot(current_vmcs_, sl.sel, regs[k]->sel);
    write_slot(current_vmcs_, sl.limit, regs[k]->limit);
    write_slot(current_vmcs_, sl.ar, regs[k]->ar);
    write_slot(current_vmcs_, sl.base, regs[k]->base);
  }
  wr(vmcs_slot(F::GUEST_GDTR_BASE), c.s.gdtr.base);
  wr(vmcs_slot(F::GUEST_GDTR_LIMIT), c.s.gdtr.limit);
  wr(vmcs_slot(F::GUEST_IDTR_BASE), c.s.idtr.base);
  wr(vmcs_slot(F::GUEST_IDTR_LIMIT), c.s.idtr.limit);
  wr(vmcs_slot(F::GUEST_SYSENTER_CS), c.s.sysenter_cs);
  wr(vmcs_slot(F::GUEST_SYSENTER_ESP), c.s.sysenter_esp);
  wr(vmcs_slot(F::GUEST_SYSENTER_EIP), c.s.sysenter_eip);
  if (gc_.exit & ctl::EXIT_SAVE_IA32_PAT) wr(vmcs_slot(F::GUEST_PAT), c.s.pat);
  if (gc_.exit & ctl::EXIT_SAVE_IA32_EFER) wr(vmcs_slot(F::GUEST_EFER), c.s.efer);
  // Activity state: the state the guest was in (27.3.4): an exit that wakes it (an
  // interrupt, an NMI, the preemption timer) saves HLT, shutdown or wait-for-SIPI.
  static constexpr uint32_t kActivity[3] = {1, 2, 3};  // Cpu::HaltKind
  wr(vmcs_slot(F::GUEST_ACTIVITY_STATE), c.halted ? kActivity[static_cast<int>(c.halt_kind)] : 0);
  uint32_t intr = 0;
  // Blocking by STI / MOV SS of the instruction the exit interrupted, or, at a boundary, of
  // the next one (the shadow the last instruction armed).
  if (e.boundary ? c.shadow_armed : c.interrupt_shadow) intr |= c.shadow_blocks_debug ? 2 : 1;
  if (c.nmi_blocked) intr |= 8;
  wr(vmcs_slot(F::GUEST_INTERRUPTIBILITY_STATE), intr);
  wr(vmcs_slot(F::GUEST_PENDING_DEBUG_EXCEPTIONS), 0);
  if (gc_.proc2 & ctl::PROC2_ENABLE_EPT) {
    wr(vmcs_slot(F::GUEST_PDPTE0), c.pdpte[0]);
    wr(vmcs_slot(F::GUEST_PDPTE1), c.pdpte[1]);
    wr(vmcs_slot(F::GUEST_PDPTE2), c.pdpte[2]);
    wr(vmcs_slot(F::GUEST_PDPTE3), c.pdpte[3]);
  }
}

void VmxUnit::load_host_state(Cpu& c) {
  using F = VmcsField;
  const auto rd = [&](VmcsSlot slot) { return read_slot(current_vmcs_, slot); };
  const uint32_t exit_ctls = static_cast<uint32_t>(rd(vmcs_slot(F::CTRL_PRIMARY_VMEXIT_CONTROLS)));
  const bool wide = exit_ctls & ctl::EXIT_HOST_ADDRESS_SPACE_SIZE;
  // CR0: PE, MP, EM, TS, NE, WP, AM, PG from the field; ET, CD, NW keep their values (27.5.1).
  constexpr uint64_t kLoaded = cr0::PE | cr0::MP | cr0::EM | cr0::TS | cr0::NE | cr0::WP | cr0::AM | cr0::PG;
  c.s.cr0 = (c.s.cr0 & ~kLoaded) | (rd(vmcs_slot(F::HOST_CR0)) & kLoaded) | cr0::ET;
  c.s.cr3 = rd(vmcs_slot(F::HOST_CR3));
  c.s.cr4 = rd(vmcs_slot(F::HOST_CR4));
  c.s.dr[7] = 0x400;
  c.s.debugctl = 0;
  c.dr7_changed();
  c.s.sysenter_cs = rd(vmcs_slot(F::HOST_SYSENTER_CS));
  c.s.sysenter_esp = rd(vmcs_slot(F::HOST_SYSENTER_ESP));
  c.s.sysenter_eip = rd(vmcs_slot(F::HOST_SYSENTER_EIP));
  if (exit_ctls & ctl::EXIT_LOAD_IA32_PAT) c.s.pat = rd(vmcs_slot(F::HOST_PAT));
  if (exit_ctls & ctl::EXIT_LOAD_IA32_EFER) {
    c.s.efer = rd(vmcs_slot(F::HOST_EFER));
  } else {
    c.s.efer = wide ? (c.s.efer | efer::LMA | efer::LME) : (c.s.efer & ~(efer::LMA | efer::LME));
  }
  // Segments (27.5.2): CS a flat code segment (64-bit if the host is), others flat data
  // segments or unusable when their selector is null; TR a busy TSS with limit 67H.
  c.s.seg[CS] = SegmentReg{static_cast<uint16_t>(rd(vmcs_slot(F::HOST_CS_SELECTOR))), 0, 0xFFFF'FFFF,
                           0xB | ar::S | ar::P | ar::G | (wide ? ar::L : ar::DB)};
  constexpr VmcsSlot sels[5] = {vmcs_slot(F::HOST_ES_SELECTOR), vmcs_slot(F::HOST_SS_SELECTOR),
                                vmcs_slot(F::HOST_DS_SELECTOR), vmcs_slot(F::HOST_FS_SELECTOR),
                                vmcs_slot(F::HOST_GS_SELECTOR)};
  const unsigned idx[5] = {ES, SS, DS, FS, GS};
  for (unsigned k = 0; k < 5; ++k) {
    const uint16_t sel = static_cast<uint16_t>(rd(sels[k]));
    uint32_t a = 0x3 | ar::S | ar::P | ar::DB | ar::G;
    if (sel == 0 && idx[k] != SS) a |= ar::Unusable;
    c.s.seg[idx[k]] = SegmentReg{sel, 0, 0xFFFF'FFFF, a};
  }
  c.s.seg[FS].base = rd(vmcs_slot(F::HOST_FS_BASE));
  c.s.seg[GS].base = rd(vmcs_slot(F::HOST_GS_BASE));
  c.s.tr = SegmentReg{static_cast<uint16_t>(rd(vmcs_slot(F::HOST_TR_SELECTOR))), rd(vmcs_slot(F::HOST_TR_BASE)), 0x67, 0xB | ar::P};
  c.s.ldtr = SegmentReg{0, 0, 0, ar::Unusable};
  c.s.gdtr = TableReg{rd(vmcs_slot(F::HOST_GDTR_BASE)), 0xFFFF};
  c.s.idtr = TableReg{rd(vmcs_slot(F::HOST_IDTR_BASE)), 0xFFFF};
  c.s.regs[4] = rd(vmcs_slot(F::HOST_RSP));
  c.s.rip() = rd(vmcs_slot(F::HOST_RIP));
  c.s.rflags = rf::kFixed1;
  c.s.cpl = 0;
  c.halted = false;
  c.halt_kind = Cpu::HaltKind::Hlt;
  c.interrupt_shadow = c.shadow_armed = false;
  if ((c.s.cr0 & cr0::PG) && (c.s.cr4 & cr4::PAE) && !wide)
    for (unsigned k = 0; k < 4; ++k) c.pdpte[k] = mem_.read((c.s.cr3 & 0xFFFF'FFE0ull) + 8 * k, 8);
  enter_host_context(c);
  // The VM-exit MSR-load list; a failure there is a VMX abort (27.7): the abort indicator is
  // written and the processor shuts down.
  const long bad = load_msr_list(c, rd(vmcs_slot(F::CTRL_VMEXIT_MSR_LOAD_ADDRESS)),
                                 static_cast<uint32_t>(rd(vmcs_slot(F::CTRL_VMEXIT_MSR_LOAD_COUNT))));
  if (bad >= 0) {
    mem_.write(current_vmcs_ + kVmcsAbortOffset, 4, 1);  // 1: failure loading an MSR on VM exit
    c.log_msg("VMX abort 1: VM-exit MSR-load entry " + std::to_string(bad) + " failed; shutdown");
    c.halted = c.in_shutdown = true;
  }
}

}  // namespace vp
