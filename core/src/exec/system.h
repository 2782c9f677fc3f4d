// System-level helpers shared by several instruction families (segments, flags, far
// transfers); implemented in system.cpp and segments.cpp.
#pragma once
#include "exec.h"

namespace vp {

// Writes RFLAGS from POPF/IRET-style data with the privilege rules of POPF (SDM POPF).
void write_flags(Cpu& c, uint64_t v, unsigned osz);

// Loads data segment register `seg` (DS ES FS GS SS) with `sel`, with every check of
// SDM Vol. 2 MOV "Operation" (protected mode) or the real-mode rule base = sel << 4.
Exec load_data_segment(Cpu& c, uint8_t seg, uint16_t sel);

// Virtual-8086 mode (SDM Vol. 3 chapter 20): protected mode with EFLAGS.VM = 1, CPL 3.
// Segment registers hold real-mode values: base = selector * 16, limit FFFFH, and the
// access rights of a present DPL-3 read/write data segment (F3H, as VM entry requires of
// virtual-8086 guests, SDM 26.3.1.2).
inline bool v86_mode(const Cpu& c) { return (c.s.rflags & rf::VM) && (c.s.cr0 & cr0::PE); }
inline SegmentReg v86_segment(uint16_t sel) { return SegmentReg{sel, uint64_t{sel} << 4, 0xFFFF, 0xF3}; }
// PUSHF, POPF, INT n and IRET are IOPL-sensitive in virtual-8086 mode: #GP(0) below IOPL 3
// (SDM 20.2.7; no virtual-mode extensions). CLI and STI get the same from io_privileged, as
// CPL is 3 there.
inline bool v86_iopl_fault(const Cpu& c) { return v86_mode(c) && ((c.s.rflags >> 12) & 3) < 3; }
// A null (unusable) segment register holding `sel`.
inline SegmentReg null_segment(uint16_t sel = 0) { return SegmentReg{sel, 0, 0, ar::Unusable}; }
// EFLAGS bits a task switch or an IRET at CPL 0 loads (the defined ones through ID).
inline constexpr uint64_t kEflagsLoadable = 0x3F7FD7;
// PAE paging: loads the four PDPTE registers from the PDPT at cr3; #GP(0) for reserved bits
// (SDM Vol. 3 4.4.1).
Exec load_pdptes(Cpu& c, uint64_t cr3);
Exec pop_segment(Cpu& c, const Insn& i);

// Reads the 8-byte descriptor for `sel` from the GDT or LDT; #GP(sel) past the limit.
Exec read_descriptor(Cpu& c, uint16_t sel, uint64_t& desc, uint8_t fault_vec = kGP);
// Expands a legacy descriptor into a segment register (VMX access-rights layout).
SegmentReg descriptor_to_segment(uint16_t sel, uint64_t desc, uint64_t desc_hi = 0);
// Far transfer to a code segment: checks and loads CS and RIP (SDM JMP/CALL far,
// direct code-segment targets).
Exec far_jump(Cpu& c, uint16_t sel, uint64_t offset, unsigned osz, bool is_call);
// Loads the stack for privilege level new_cpl (or interrupt stack `ist`) from the TSS, as
// event delivery and calls through gates do (SDM 6.12.1, 6.14.4, 5.8.5): 32-bit TSS SSn:ESPn
// with the SS checks (#TS on failure), or the 64-bit TSS RSPn/ISTn with a null SS. The
// caller pushes the old SS:RSP afterwards. `ext` is the EXT bit for error codes.
Exec switch_to_inner_stack(Cpu& c, unsigned new_cpl, unsigned ist, uint32_t ext, bool align16);
// Outside IA-32e mode: room for a frame of `bytes` below ESP, checked before anything is
// pushed; else #SS((ss_sel & FFFCH) | ext) (SDM Vol. 2 CALL and INT n: "IF stack does not have
// room for ... THEN #SS(error_code(NewSS, 0, EXT))", and #SS(EXT) on the current stack).
Exec check_stack_room(Cpu& c, unsigned bytes, uint16_t ss_sel, uint32_t ext);
// SS:RSP and CPL before a privilege change, to put back when a later push faults.
struct PrivilegeSave {
  SegmentReg ss;
  uint64_t rsp;
  uint8_t cpl;
  explicit PrivilegeSave(const Cpu& c) : ss(c.s.seg[SS]), rsp(c.s.regs[4]), cpl(c.s.cpl) {}
  Exec restore(Cpu& c, Exec r) const {
    c.s.seg[SS] = ss;
    c.s.regs[4] = rsp;
    c.s.cpl = cpl;
    c.update_mode();
    return r;
  }
};

// Hardware task switch to the 32-bit TSS `sel` (descriptor `desc`), SDM 7.3. The caller has
// done the gate or descriptor privilege checks its instruction requires.
enum class TaskSource : uint8_t { Jmp, Call, Iret, Interrupt };
Exec task_switch(Cpu& c, uint16_t sel, uint64_t desc, TaskSource src, bool has_err = false, uint32_t err = 0);

// Marks a descriptor accessed in memory, as segment loads do (SDM Vol. 3 3.4.5.1).
void set_accessed(Cpu& c, uint16_t sel, uint64_t desc);

}  // namespace vp
