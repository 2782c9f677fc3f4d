// The narrow interface between the CPU core and the VT-x model (vmx/ implements it), so the
// interpreter stays free of VMX detail (../shared/ARCHITECTURE.md "Execution").
#pragma once
#include <cstdint>

namespace vp {

class Cpu;
struct Insn;
enum class Exec : uint8_t;

class VmxInterface {
 public:
  virtual ~VmxInterface() = default;
  // Executes a VMX instruction (VMXON ... INVVPID, VMCALL, VMFUNC) from its first check.
  virtual Exec execute(Cpu& c, const Insn& i) = 0;
  // The VMX capability MSRs (IA32_VMX_BASIC 480H ...): true and *value if msr is one that
  // exists on this model.
  virtual bool read_capability_msr(uint32_t msr, uint64_t& value) const = 0;
  // In VMX operation (root or non-root).
  virtual bool in_vmx_operation() const = 0;
  // Whether CR0 (cr = 0) or CR4 (cr = 4) may hold `value` in VMX operation: the
  // IA32_VMX_CRn_FIXED0/1 rules (SDM Vol. 3C "Restrictions on VMX Operation").
  virtual bool cr_value_allowed(unsigned cr, uint64_t value) const = 0;
  // Processor reset (Cpu::reset): leave VMX operation.
  virtual void reset() = 0;
};

}  // namespace vp
