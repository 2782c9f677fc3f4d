// The narrow interface between the CPU core and the VT-x model (vmx/ implements it), so the
// interpreter stays free of VMX detail (../shared/ARCHITECTURE.md "Execution").
#pragma once
#include <cstdint>

namespace vp {

class Cpu;
struct Insn;
enum class Exec : uint8_t;

// Guest actions that VMX non-root operation may turn into VM exits. The core asks at the
// point the SDM gives (after the instruction's own #UD/#GP checks, SDM Vol. 3C 25.1.1).
enum class Intercept : uint8_t {
  Cpuid, Getsec, Hlt, Invd, Invlpg, Rdpmc, Rdtsc, Rdtscp, Wbinvd, Xsetbv, Pause, Mwait, Monitor,
  MovCr,            // MOV to/from CR3 and CR8 (CR0/CR4 go through cr_write/cr_read)
  MovDr, Io, Rdmsr, Wrmsr,
  Invpcid,          // exits with "INVLPG exiting" when "enable INVPCID" lets it run
  DescriptorTable,  // LGDT LIDT LLDT LTR SGDT SIDT SLDT STR
};

// How a guest-physical address is being used, for EPT (SDM Vol. 3C 28.2.3, 27.2.1).
enum class GpaUse : uint8_t {
  Final,            // the translation of a linear address (or the address itself, paging off)
  PagingStructure,  // a guest paging-structure entry read while translating `linear`
  Pdpte,            // loading the PAE PDPTE registers (MOV to CR0/CR3/CR4): no linear address
};

struct GuestPhysicalAccess {
  uint64_t gpa = 0;
  uint64_t linear = 0;  // the linear address being translated (not for Pdpte)
  uint8_t access = 0;   // 0 read, 1 write, 2 instruction fetch (core Access)
  GpaUse use = GpaUse::Final;
  bool dry = false;     // look only: no accessed/dirty flags set, no VM exit recorded
};

// Rights of a guest-physical translation (VmxInterface::translate_guest_physical).
namespace gpa_perm {
inline constexpr uint8_t kRead = 1, kWrite = 2, kExecute = 4;
inline constexpr uint8_t kWriteCached = 8;  // writable with nothing left to record (EPT dirty flag)
inline constexpr uint8_t kAll = 15;
}  // namespace gpa_perm

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

  // --- VMX non-root operation (Cpu::non_root) -----------------------------------------
  // Each returns true when a VM exit took place instead: the processor now runs the host,
  // and the caller returns Exec::VmTransition.
  virtual bool intercept(Cpu& c, const Insn& i, Intercept what) = 0;
  // MOV to CR0/CR4, CLTS, LMSW: exit, or adjust `value` so bits the host owns (guest/host
  // mask) keep their current values.
  virtual bool intercept_cr_write(Cpu& c, const Insn& i, unsigned cr, uint64_t& value) = 0;
  // MOV from CR0/CR4, SMSW: bits the host owns read from the read shadow.
  virtual uint64_t cr_read_shadow(unsigned cr, uint64_t value) const = 0;
  // An exception, NMI or external interrupt about to be delivered through the guest IDT
  // (kind: Cpu::EventKind).
  virtual bool intercept_event(Cpu& c, uint8_t vector, uint8_t kind, bool has_error, uint32_t error) = 0;
  // An external interrupt is pending and RFLAGS.IF = 1 ("external-interrupt exiting").
  virtual bool intercept_external_interrupt(Cpu& c) = 0;
  // A task switch (source: 0 CALL, 1 IRET, 2 JMP, 3 task gate in the IDT): in non-root
  // operation it always exits, after the checks SDM Vol. 3C 25.4.2 lists.
  virtual bool intercept_task_switch(Cpu& c, uint16_t selector, unsigned source) = 0;
  // Whether a control lets the guest execute the instruction at all (RDTSCP needs "enable
  // RDTSCP", SDM Vol. 3C 25.3); false: the instruction is #UD.
  virtual bool guest_may_execute(Intercept what) const = 0;
  // The guest would shut down (triple fault).
  virtual bool intercept_triple_fault(Cpu& c) = 0;
  // With Cpu::vmx_poll set (interrupt window, monitor trap flag, preemption timer): asked
  // before each guest instruction (and while the guest is halted) and after each one retires.
  virtual bool before_instruction(Cpu& c) = 0;
  virtual bool after_instruction(Cpu& c) = 0;

  // --- EPT (Cpu::ept_active) -------------------------------------------------------------
  // Translates a guest-physical access to a host-physical address and gives the rights the
  // translation grants (gpa_perm). False: the access causes an EPT violation or
  // misconfiguration; unless `dry`, that VM exit is now pending and Cpu::fault holds
  // kVmExitPending.
  virtual bool translate_guest_physical(Cpu& c, const GuestPhysicalAccess& a, uint64_t& hpa, uint8_t& perms) = 0;
  // Performs the pending VM exit (from where the exception would have been delivered).
  virtual void take_pending_exit(Cpu& c) = 0;
};

}  // namespace vp
