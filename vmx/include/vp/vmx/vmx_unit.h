// The VT-x model of one logical processor: VMX operation (VMXON/VMXOFF), the current-VMCS
// pointer, VMCS storage in guest memory (vmcs_layout.h) and the VMX instructions (SDM Vol. 3C
// "VMX Instruction Reference"). It is the VmxInterface the CPU core forwards to.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "vp/core/cpu.h"
#include "vp/memory/phys_memory.h"
#include "vp/vmx/capabilities.h"
#include "vp/vmx/vmcs_fields.h"
#include "vp/vmx/vmcs_layout.h"

namespace vp {

inline constexpr uint64_t kInvalidVmcsPointer = ~0ull;  // FFFFFFFF_FFFFFFFFH
// Values of the launch-state word (vmcs_layout.h). A region never passed to VMCLEAR holds
// whatever memory held; zeroed memory reads as "clear" (docs/vmcs-layout.md).
inline constexpr uint32_t kLaunchStateClear = 0, kLaunchStateLaunched = 1;

// CR0.PE = 0, RFLAGS.VM = 1 or compatibility mode: VMX instructions other than VMCALL are
// #UD there, before any VM exit (SDM Vol. 3C chapter 30).
inline bool vmx_mode_excluded(const Cpu& c) {
  return !(c.s.cr0 & cr0::PE) || (c.s.rflags & rf::VM) || ((c.s.efer & efer::LMA) && !(c.s.seg[CS].ar & ar::L));
}

struct EntryFields;
struct CheckFailure;

// Everything a VM exit reports (SDM Vol. 3C 24.9, 27.2).
struct VmExitEvent {
  uint32_t reason = 0;           // basic exit reason; bit 31 for VM-entry failures
  uint64_t qualification = 0;
  uint64_t guest_linear = 0;
  bool guest_linear_valid = false;
  uint64_t guest_physical = 0;   // EPT violations and misconfigurations (27.2.1)
  bool guest_physical_valid = false;
  uint32_t intr_info = 0, intr_error = 0;  // VM-exit interruption information / error code
  uint32_t insn_len = 0, insn_info = 0;
  uint64_t guest_rip = 0;        // the RIP saved in the guest-state area
  bool nmi = false;              // the exit is for an NMI (NMIs stay blocked)
  bool boundary = false;         // between instructions (window, timer, MTF): the blocking
                                 // saved is the next instruction's
};

// The controls of the running guest, fixed for the duration of non-root operation (software in
// the guest cannot VMWRITE them: VMWRITE exits).
struct GuestControls {
  uint32_t pin = 0, proc = 0, proc2 = 0, exit = 0, entry = 0;
  uint32_t exception_bitmap = 0, pf_mask = 0, pf_match = 0, cr3_target_count = 0;
  uint64_t cr3_targets[4] = {};
  uint64_t cr0_mask = 0, cr4_mask = 0, cr0_shadow = 0, cr4_shadow = 0;
  uint64_t io_bitmap_a = 0, io_bitmap_b = 0, msr_bitmap = 0;
  uint64_t virtual_apic = 0;
  uint32_t tpr_threshold = 0;
  // VMX-preemption timer: the value at entry counts down each time TSC bit `rate` changes.
  uint32_t timer_value = 0;
  uint64_t timer_start = 0;  // Cpu::clock at VM entry
  uint32_t ple_gap = 0, ple_window = 0;
  uint64_t eptp = 0;
  uint16_t vpid = 0;
};

class VmxUnit final : public VmxInterface {
 public:
  explicit VmxUnit(PhysMemory& mem, const VmxCapabilities& caps = default_vmx_capabilities());

  Exec execute(Cpu& c, const Insn& i) override;
  bool read_capability_msr(uint32_t msr, uint64_t& value) const override { return caps_.read_msr(msr, value); }
  bool in_vmx_operation() const override { return in_vmx_; }
  bool cr_value_allowed(unsigned cr, uint64_t value) const override;

  void reset() override;
  bool intercept(Cpu& c, const Insn& i, Intercept what) override;
  bool intercept_cr_write(Cpu& c, const Insn& i, unsigned cr, uint64_t& value) override;
  uint64_t cr_read_shadow(unsigned cr, uint64_t value) const override;
  bool intercept_event(Cpu& c, uint8_t vector, uint8_t kind, bool has_error, uint32_t error) override;
  bool intercept_external_interrupt(Cpu& c) override;
  bool intercept_triple_fault(Cpu& c) override;
  bool guest_may_execute(Intercept what) const override;
  bool intercept_task_switch(Cpu& c, uint16_t selector, unsigned source) override;
  bool before_instruction(Cpu& c) override;
  bool after_instruction(Cpu& c) override;
  bool translate_guest_physical(Cpu& c, const GuestPhysicalAccess& a, uint64_t& hpa, uint8_t& perms) override;
  void take_pending_exit(Cpu& c) override;

  // Called with one line per VM entry, VM exit and failed VM entry, as it happens
  // (`vanderpool run --show-vmx`): "vmexit CPUID qual 0x0 guest rip 0x1234 ...".
  std::function<void(const std::string&)> on_transition;
  uint64_t entries = 0, exits = 0;  // successful VM entries and VM exits so far

  const VmxCapabilities& capabilities() const { return caps_; }
  bool in_non_root() const { return non_root_; }
  uint64_t vmxon_pointer() const { return vmxon_ptr_; }
  uint64_t current_vmcs() const { return current_vmcs_; }

  // A field of the VMCS at `vmcs` (physical address), as VMREAD returns it for a 64-bit
  // operand (a HIGH encoding reads bits 63:32).
  uint64_t read_field(uint64_t vmcs, const VmcsFieldInfo& f) const;
  void write_field(uint64_t vmcs, const VmcsFieldInfo& f, uint64_t value);
  // The same for a slot resolved at compile time (vmcs_slot).
  uint64_t read_slot(uint64_t vmcs, VmcsSlot s) const;
  void write_slot(uint64_t vmcs, VmcsSlot s, uint64_t value);

 private:
  Exec vmxon(Cpu& c, const Insn& i);
  Exec vmxoff(Cpu& c, const Insn& i);
  Exec vmclear(Cpu& c, const Insn& i);
  Exec vmptrld(Cpu& c, const Insn& i);
  Exec vmptrst(Cpu& c, const Insn& i);
  Exec vmread(Cpu& c, const Insn& i);
  Exec vmwrite(Cpu& c, const Insn& i);
  Exec vmcall(Cpu& c, const Insn& i);
  Exec vmlaunch_vmresume(Cpu& c, const Insn& i, bool launch);
  Exec invept(Cpu& c, const Insn& i);
  Exec invvpid(Cpu& c, const Insn& i);
  std::optional<Exec> invalidation_operands(Cpu& c, const Insn& i, uint32_t control, unsigned cap_types,
                                            uint64_t& type, uint64_t (&d)[2]);
  // The translation context (VPID, EPT) of the guest after a VM entry, of the host after a VM
  // exit, with the invalidations the transition makes (SDM Vol. 3C 28.3.3.1).
  void enter_guest_context(Cpu& c);
  void enter_host_context(Cpu& c);
  // The TLB's EPT-context number for an EPTRTA (1..7), reusing the oldest when all are taken.
  uint8_t ept_context(Cpu& c, uint64_t eptrta);
  // VM entry after the VMLAUNCH/VMRESUME instruction checks (SDM Vol. 3C chapter 26).
  Exec vm_entry(Cpu& c, bool launch);
  void load_guest_state(Cpu& c, const EntryFields& f);
  // A VM-entry failure after the control and host checks: exit reason 33/34 (SDM 26.7).
  Exec entry_failure(Cpu& c, const EntryFields& f, uint32_t reason, uint64_t qualification, const CheckFailure* why);
  // Processes an MSR-load list; returns the index of the failing entry, or -1.
  long load_msr_list(Cpu& c, uint64_t addr, uint32_t count);
  void store_msr_list(Cpu& c, uint64_t addr, uint32_t count);
  // VM exit (SDM Vol. 3C chapter 27): records the exit, saves guest state, loads host state.
  void vm_exit(Cpu& c, const VmExitEvent& e);
  void save_guest_state(Cpu& c, const VmExitEvent& e);
  void load_host_state(Cpu& c);
  bool instruction_exit(Cpu& c, const Insn& i, ExitReason reason, uint64_t qualification = 0, uint32_t info = 0);
  // One VM transition: a trace event (JSON fields) and a line for on_transition.
  void announce(Cpu& c, const char* event, const std::string& json, const std::string& line);
  Exec not_yet(Cpu& c, const Insn& i, const char* issue);
  // In VMX non-root operation the instruction causes a VM exit (SDM Vol. 3C 25.1.2).
  Exec exit_for_instruction(Cpu& c, const Insn& i);

  // VMsucceed, VMfailInvalid, VMfailValid(error) (SDM Vol. 3C "Conventions" of chapter 30).
  Exec succeed(Cpu& c);
  Exec fail_invalid(Cpu& c);
  Exec fail(Cpu& c, VmInstructionError e);  // VMfailValid with a current VMCS, else VMfailInvalid
  // Reads the 64-bit physical address that VMXON, VMCLEAR and VMPTRLD take from memory.
  Exec read_pointer(Cpu& c, const Insn& i, uint64_t& addr);
  bool bad_pointer(uint64_t addr) const;  // not 4-KiB aligned or beyond MAXPHYADDR
  void note(Cpu& c, const Insn& i, const std::string& outcome);

  PhysMemory& mem_;
  const VmxCapabilities& caps_;
  unsigned maxphyaddr_ = 39;
  bool in_vmx_ = false;
  bool non_root_ = false;
  uint64_t vmxon_ptr_ = kInvalidVmcsPointer;
  uint64_t current_vmcs_ = kInvalidVmcsPointer;
  GuestControls gc_;
  uint64_t ept_contexts_[8] = {};  // EPTRTA of each TLB EPT context (index 0: none)
  unsigned ept_context_next_ = 1;
  VmExitEvent pending_exit_;        // an EPT violation or misconfiguration awaiting take_pending_exit
  bool injecting_ = false;
  bool mtf_armed_ = false;
  bool host_nmi_blocked_ = false;  // the processor's NMI blocking while the guest has virtual NMIs
  bool ple_started_ = false;  // PAUSE-loop exiting: a loop of PAUSEs is being timed
  uint64_t ple_first_ = 0, ple_last_ = 0;  // a guest instruction began since the VM entry (MTF exits after it)
  // The preemption timer's remaining count now (SDM Vol. 3C 25.5.1).
  uint64_t timer_remaining(const Cpu& c) const;
  void arm_polling(Cpu& c);
  bool tpr_shadow_access(Cpu& c, const Insn& i, bool to_cr, uint8_t gpr);  // delivering the event VM entry injects (not subject to the exception bitmap)
};

}  // namespace vp
