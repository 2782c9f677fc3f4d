// The VMCS fields a VM entry looks at, read once from the current VMCS (SDM Vol. 3C chapter
// 26). The entry checks are pure functions of this struct, so each can be tested alone.
#pragma once
#include <cstdint>

#include "vp/vmx/vmx_unit.h"

namespace vp {

struct VmcsSegment {
  uint16_t sel = 0;
  uint64_t base = 0;
  uint32_t limit = 0;
  uint32_t ar = 0;  // VMX access-rights format (SDM Vol. 3C 24.4.1); bit 16 = unusable
  bool usable() const { return !(ar & (1u << 16)); }
};

// Segment order of the guest-state area: ES CS SS DS FS GS LDTR TR (encoding index order).
enum VmcsSeg : unsigned { kEs, kCs, kSs, kDs, kFs, kGs, kLdtr, kTr };

struct EntryControls {
  uint32_t pin = 0, proc = 0, proc2 = 0;  // proc2 = 0 unless "activate secondary controls"
  uint32_t proc2_raw = 0;                 // the field itself
  uint32_t exit = 0, entry = 0;
  uint32_t exception_bitmap = 0, pf_mask = 0, pf_match = 0;
  uint32_t cr3_target_count = 0;
  uint64_t cr3_targets[4] = {};
  uint64_t io_bitmap_a = 0, io_bitmap_b = 0, msr_bitmap = 0;
  uint64_t tsc_offset = 0;
  uint64_t cr0_mask = 0, cr4_mask = 0, cr0_shadow = 0, cr4_shadow = 0;
  uint64_t virtual_apic = 0;
  uint32_t tpr_threshold = 0;
  uint16_t vpid = 0;
  uint64_t eptp = 0;
  uint32_t exit_msr_store_count = 0, exit_msr_load_count = 0, entry_msr_load_count = 0;
  uint64_t exit_msr_store = 0, exit_msr_load = 0, entry_msr_load = 0;
  uint32_t entry_intr_info = 0, entry_exception_error = 0, entry_insn_len = 0;
  uint32_t ple_gap = 0, ple_window = 0;
};

struct HostState {
  uint64_t cr0 = 0, cr3 = 0, cr4 = 0;
  uint16_t sel[8] = {};  // ES CS SS DS FS GS (LDTR unused) TR
  uint64_t fs_base = 0, gs_base = 0, tr_base = 0, gdtr_base = 0, idtr_base = 0;
  uint32_t sysenter_cs = 0;
  uint64_t sysenter_esp = 0, sysenter_eip = 0;
  uint64_t rsp = 0, rip = 0, pat = 0, efer = 0;
};

struct GuestState {
  uint64_t cr0 = 0, cr3 = 0, cr4 = 0, dr7 = 0;
  uint64_t rsp = 0, rip = 0, rflags = 0;
  VmcsSegment seg[8];
  uint64_t gdtr_base = 0, idtr_base = 0;
  uint32_t gdtr_limit = 0, idtr_limit = 0;
  uint64_t debugctl = 0, pat = 0, efer = 0;
  uint32_t sysenter_cs = 0;
  uint64_t sysenter_esp = 0, sysenter_eip = 0;
  uint32_t activity = 0, interruptibility = 0;
  uint64_t pending_debug = 0;
  uint64_t link_pointer = 0;
  uint64_t pdpte[4] = {};
  uint32_t preemption_timer = 0;
};

struct EntryFields {
  EntryControls ctl;
  HostState host;
  GuestState guest;
};

// Reads every field the checks and the state loading need from the VMCS at `vmcs`.
EntryFields read_entry_fields(const VmxUnit& vmx, uint64_t vmcs);

// A failed check: which one, the field and value it looked at, and the rule, for the trace
// and the CLI ("guest CS.L and CS.D both set while IA-32e mode guest = 1, SDM 26.3.1.2").
struct CheckFailure {
  const char* check = "";     // the function's name
  const char* field = "";     // the VMCS field (or fields)
  uint64_t value = 0;
  const char* rule = "";
  const char* section = "";   // SDM Vol. 3C section title
  uint64_t qualification = 0; // for VM-entry failures due to guest state (exit reason 33)
};

// What the checks need to know beyond the VMCS.
struct CheckEnv {
  const VmxCapabilities& caps;
  unsigned maxphyaddr;
  bool processor_in_ia32e;  // IA32_EFER.LMA at VMLAUNCH/VMRESUME
  PhysMemory& mem;  // read only (MMIO reads may have side effects, hence not const)
};

// SDM 26.2.1: VM-execution, VM-exit and VM-entry control fields (VMfailValid 7).
bool check_control_fields(const EntryFields& f, const CheckEnv& env, CheckFailure& out);
// SDM 26.2.2-26.2.4: host-state area (VMfailValid 8).
bool check_host_state(const EntryFields& f, const CheckEnv& env, CheckFailure& out);
// SDM 26.3.1: guest-state area (VM-entry failure, exit reason 33).
bool check_guest_state(const EntryFields& f, const CheckEnv& env, CheckFailure& out);

}  // namespace vp
