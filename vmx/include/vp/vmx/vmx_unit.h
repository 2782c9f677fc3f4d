// The VT-x model of one logical processor: VMX operation (VMXON/VMXOFF), the current-VMCS
// pointer, VMCS storage in guest memory (vmcs_layout.h) and the VMX instructions (SDM Vol. 3C
// "VMX Instruction Reference"). It is the VmxInterface the CPU core forwards to.
#pragma once
#include <cstdint>
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

class VmxUnit final : public VmxInterface {
 public:
  explicit VmxUnit(PhysMemory& mem, const VmxCapabilities& caps = default_vmx_capabilities());

  Exec execute(Cpu& c, const Insn& i) override;
  bool read_capability_msr(uint32_t msr, uint64_t& value) const override { return caps_.read_msr(msr, value); }
  bool in_vmx_operation() const override { return in_vmx_; }
  bool cr_value_allowed(unsigned cr, uint64_t value) const override;

  void reset() override;

  const VmxCapabilities& capabilities() const { return caps_; }
  bool in_non_root() const { return non_root_; }
  uint64_t vmxon_pointer() const { return vmxon_ptr_; }
  uint64_t current_vmcs() const { return current_vmcs_; }

  // A field of the VMCS at `vmcs` (physical address), as VMREAD returns it for a 64-bit
  // operand (a HIGH encoding reads bits 63:32).
  uint64_t read_field(uint64_t vmcs, const VmcsFieldInfo& f) const;
  void write_field(uint64_t vmcs, const VmcsFieldInfo& f, uint64_t value);

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
};

}  // namespace vp
