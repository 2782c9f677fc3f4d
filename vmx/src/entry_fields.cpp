#include "entry_fields.h"

#include "vp/vmx/vmx_controls.h"

namespace vp {

EntryFields read_entry_fields(const VmxUnit& vmx, uint64_t vmcs) {
  using F = VmcsField;
  const auto rd = [&](VmcsSlot slot) { return vmx.read_slot(vmcs, slot); };
  const auto rd32 = [&](VmcsSlot slot) { return static_cast<uint32_t>(rd(slot)); };
  EntryFields e;
  EntryControls& c = e.ctl;
  c.pin = rd32(vmcs_slot(F::CTRL_PIN_BASED_VM_EXECUTION_CONTROLS));
  c.proc = rd32(vmcs_slot(F::CTRL_PROCESSOR_BASED_VM_EXECUTION_CONTROLS));
  c.proc2_raw = rd32(vmcs_slot(F::CTRL_SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS));
  c.proc2 = (c.proc & ctl::PROC_ACTIVATE_SECONDARY_CONTROLS) ? c.proc2_raw : 0;
  c.exit = rd32(vmcs_slot(F::CTRL_PRIMARY_VMEXIT_CONTROLS));
  c.entry = rd32(vmcs_slot(F::CTRL_VMENTRY_CONTROLS));
  c.exception_bitmap = rd32(vmcs_slot(F::CTRL_EXCEPTION_BITMAP));
  c.pf_mask = rd32(vmcs_slot(F::CTRL_PAGEFAULT_ERROR_CODE_MASK));
  c.pf_match = rd32(vmcs_slot(F::CTRL_PAGEFAULT_ERROR_CODE_MATCH));
  c.cr3_target_count = rd32(vmcs_slot(F::CTRL_CR3_TARGET_COUNT));
  c.cr3_targets[0] = rd(vmcs_slot(F::CTRL_CR3_TARGET_VALUE_0));
  c.cr3_targets[1] = rd(vmcs_slot(F::CTRL_CR3_TARGET_VALUE_1));
  c.cr3_targets[2] = rd(vmcs_slot(F::CTRL_CR3_TARGET_VALUE_2));
  c.cr3_targets[3] = rd(vmcs_slot(F::CTRL_CR3_TARGET_VALUE_3));
  c.io_bitmap_a = rd(vmcs_slot(F::CTRL_IO_BITMAP_A_ADDRESS));
  c.io_bitmap_b = rd(vmcs_slot(F::CTRL_IO_BITMAP_B_ADDRESS));
  c.msr_bitmap = rd(vmcs_slot(F::CTRL_MSR_BITMAP_ADDRESS));
  c.tsc_offset = rd(vmcs_slot(F::CTRL_TSC_OFFSET));
  c.cr0_mask = rd(vmcs_slot(F::CTRL_CR0_GUEST_HOST_MASK));
  c.cr4_mask = rd(vmcs_slot(F::CTRL_CR4_GUEST_HOST_MASK));
  c.cr0_shadow = rd(vmcs_slot(F::CTRL_CR0_READ_SHADOW));
  c.cr4_shadow = rd(vmcs_slot(F::CTRL_CR4_READ_SHADOW));
  c.virtual_apic = rd(vmcs_slot(F::CTRL_VIRTUAL_APIC_ADDRESS));
  c.tpr_threshold = rd32(vmcs_slot(F::CTRL_TPR_THRESHOLD));
  c.vpid = static_cast<uint16_t>(rd(vmcs_slot(F::CTRL_VIRTUAL_PROCESSOR_IDENTIFIER)));
  c.eptp = rd(vmcs_slot(F::CTRL_EPT_POINTER));
  c.exit_msr_store_count = rd32(vmcs_slot(F::CTRL_VMEXIT_MSR_STORE_COUNT));
  c.exit_msr_load_count = rd32(vmcs_slot(F::CTRL_VMEXIT_MSR_LOAD_COUNT));
  c.entry_msr_load_count = rd32(vmcs_slot(F::CTRL_VMENTRY_MSR_LOAD_COUNT));
  c.exit_msr_store = rd(vmcs_slot(F::CTRL_VMEXIT_MSR_STORE_ADDRESS));
  c.exit_msr_load = rd(vmcs_slot(F::CTRL_VMEXIT_MSR_LOAD_ADDRESS));
  c.entry_msr_load = rd(vmcs_slot(F::CTRL_VMENTRY_MSR_LOAD_ADDRESS));
  c.entry_intr_info = rd32(vmcs_slot(F::CTRL_VMENTRY_INTERRUPTION_INFORMATION_FIELD));
  c.entry_exception_error = rd32(vmcs_slot(F::CTRL_VMENTRY_EXCEPTION_ERROR_CODE));
  c.entry_insn_len = rd32(vmcs_slot(F::CTRL_VMENTRY_INSTRUCTION_LENGTH));
  c.ple_gap = rd32(vmcs_slot(F::CTRL_PLE_GAP));
  c.ple_window = rd32(vmcs_slot(F::CTRL_PLE_WINDOW));

  HostState& h = e.host;
  h.cr0 = rd(vmcs_slot(F::HOST_CR0));
  h.cr3 = rd(vmcs_slot(F::HOST_CR3));
  h.cr4 = rd(vmcs_slot(F::HOST_CR4));
  constexpr VmcsSlot host_sel[8] = {vmcs_slot(F::HOST_ES_SELECTOR), vmcs_slot(F::HOST_CS_SELECTOR),
                                    vmcs_slot(F::HOST_SS_SELECTOR), vmcs_slot(F::HOST_DS_SELECTOR),
                                    vmcs_slot(F::HOST_FS_SELECTOR), vmcs_slot(F::HOST_GS_SELECTOR),
                                    vmcs_slot(F::HOST_TR_SELECTOR), vmcs_slot(F::HOST_TR_SELECTOR)};
  for (unsigned k = 0; k < 8; ++k) h.sel[k] = k == kLdtr ? 0 : static_cast<uint16_t>(rd(host_sel[k]));
  h.fs_base = rd(vmcs_slot(F::HOST_FS_BASE));
  h.gs_base = rd(vmcs_slot(F::HOST_GS_BASE));
  h.tr_base = rd(vmcs_slot(F::HOST_TR_BASE));
  h.gdtr_base = rd(vmcs_slot(F::HOST_GDTR_BASE));
  h.idtr_base = rd(vmcs_slot(F::HOST_IDTR_BASE));
  h.sysenter_cs = rd32(vmcs_slot(F::HOST_SYSENTER_CS));
  h.sysenter_esp = rd(vmcs_slot(F::HOST_SYSENTER_ESP));
  h.sysenter_eip = rd(vmcs_slot(F::HOST_SYSENTER_EIP));
  h.rsp = rd(vmcs_slot(F::HOST_RSP));
  h.rip = rd(vmcs_slot(F::HOST_RIP));
  h.pat = rd(vmcs_slot(F::HOST_PAT));
  h.efer = rd(vmcs_slot(F::HOST_EFER));

  GuestState& g = e.guest;
  g.cr0 = rd(vmcs_slot(F::GUEST_CR0));
  g.cr3 = rd(vmcs_slot(F::GUEST_CR3));
  g.cr4 = rd(vmcs_slot(F::GUEST_CR4));
  g.dr7 = rd(vmcs_slot(F::GUEST_DR7));
  g.rsp = rd(vmcs_slot(F::GUEST_RSP));
  g.rip = rd(vmcs_slot(F::GUEST_RIP));
  g.rflags = rd(vmcs_slot(F::GUEST_RFLAGS));
  for (unsigned k = 0; k < 8; ++k) {
    // Encodings of the eight segment registers follow each other in index order.
    const VmcsSegmentSlots& sl = kGuestSegmentSlots[k];
    g.seg[k].sel = static_cast<uint16_t>(rd(sl.sel));
    g.seg[k].limit = rd32(sl.limit);
    g.seg[k].ar = rd32(sl.ar);
    g.seg[k].base = rd(sl.base);
  }
  g.gdtr_base = rd(vmcs_slot(F::GUEST_GDTR_BASE));
  g.idtr_base = rd(vmcs_slot(F::GUEST_IDTR_BASE));
  g.gdtr_limit = rd32(vmcs_slot(F::GUEST_GDTR_LIMIT));
  g.idtr_limit = rd32(vmcs_slot(F::GUEST_IDTR_LIMIT));
  g.debugctl = rd(vmcs_slot(F::GUEST_DEBUGCTL));
  g.pat = rd(vmcs_slot(F::GUEST_PAT));
  g.efer = rd(vmcs_slot(F::GUEST_EFER));
  g.sysenter_cs = rd32(vmcs_slot(F::GUEST_SYSENTER_CS));
  g.sysenter_esp = rd(vmcs_slot(F::GUEST_SYSENTER_ESP));
  g.sysenter_eip = rd(vmcs_slot(F::GUEST_SYSENTER_EIP));
  g.activity = rd32(vmcs_slot(F::GUEST_ACTIVITY_STATE));
  g.interruptibility = rd32(vmcs_slot(F::GUEST_INTERRUPTIBILITY_STATE));
  g.pending_debug = rd(vmcs_slot(F::GUEST_PENDING_DEBUG_EXCEPTIONS));
  g.link_pointer = rd(vmcs_slot(F::GUEST_VMCS_LINK_POINTER));
  g.pdpte[0] = rd(vmcs_slot(F::GUEST_PDPTE0));
  g.pdpte[1] = rd(vmcs_slot(F::GUEST_PDPTE1));
  g.pdpte[2] = rd(vmcs_slot(F::GUEST_PDPTE2));
  g.pdpte[3] = rd(vmcs_slot(F::GUEST_PDPTE3));
  g.preemption_timer = rd32(vmcs_slot(F::GUEST_VMX_PREEMPTION_TIMER_VALUE));
  return e;
}

}  // namespace vp
