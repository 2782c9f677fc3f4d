// VMX operation and the VMX instructions (SDM Vol. 3C chapter 30 "VMX Instruction Reference").
// Each instruction follows its pseudocode there, in that order: #UD, VM exit in non-root
// operation, #GP for CPL > 0, then VMfailInvalid / VMfailValid, then the operation.
#include "vp/vmx/vmx_unit.h"

#include <Zydis/Zydis.h>

#include <cstdio>
#include <cstring>

#include "vp/core/operands.h"
#include "vp/decoder/decoder.h"
#include "vp/vmx/instruction_info.h"
#include "vp/vmx/vmx_controls.h"

namespace vp {
namespace {


// The register operand k (the VMREAD/VMWRITE field encoding) as `size` bytes.
uint64_t get_operand_register(Cpu& c, const Insn& i, unsigned k, unsigned size) {
  uint64_t v = 0;
  read_operand(c, i, k, size, v);  // a register operand cannot fault
  return v;
}

std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

}  // namespace

VmxUnit::VmxUnit(PhysMemory& mem, const VmxCapabilities& caps) : mem_(mem), caps_(caps) {}

void VmxUnit::reset() {
  in_vmx_ = non_root_ = false;
  vmxon_ptr_ = current_vmcs_ = kInvalidVmcsPointer;
}

bool VmxUnit::cr_value_allowed(unsigned cr, uint64_t value) const {
  // A guest with "unrestricted guest" may clear CR0.PE and CR0.PG (SDM Vol. 3C 25.3, 23.8).
  if (cr == 0 && non_root_ && (gc_.proc2 & ctl::PROC2_UNRESTRICTED_GUEST)) value |= cr0::PE | cr0::PG;
  return cr == 0 ? caps_.cr0_allowed(value) : caps_.cr4_allowed(value);
}

// --- VMCS storage ----------------------------------------------------------------------

// A field's slot; a HIGH access encoding names the upper 4 bytes of its 64-bit slot.
static VmcsSlot slot_of(const VmcsFieldInfo& f) {
  if (f.high) return {vmcs_field_offset(f) + 4, 4};
  return {vmcs_field_offset(f), vmcs_slot_group(f.width).slot_bytes};
}

uint64_t VmxUnit::read_field(uint64_t vmcs, const VmcsFieldInfo& f) const { return read_slot(vmcs, slot_of(f)); }

void VmxUnit::write_field(uint64_t vmcs, const VmcsFieldInfo& f, uint64_t value) {
  write_slot(vmcs, slot_of(f), value);  // write_slot stores only the slot's bytes
}

// Slots never cross a page (the region is 4-KiB aligned): RAM is accessed directly.
uint64_t VmxUnit::read_slot(uint64_t vmcs, VmcsSlot s) const {
  const uint64_t pa = vmcs + s.offset;
  if (const uint8_t* page = mem_.ram_page(pa)) {
    uint64_t v = 0;
    std::memcpy(&v, page + (pa & 0xFFF), s.size);
    return v;
  }
  return mem_.read(pa, s.size);
}

void VmxUnit::write_slot(uint64_t vmcs, VmcsSlot s, uint64_t value) {
  const uint64_t pa = vmcs + s.offset;
  if (uint8_t* page = mem_.ram_page(pa)) {
    mem_.note_write(pa);  // decoded code on the page (however unlikely) is dropped
    std::memcpy(page + (pa & 0xFFF), &value, s.size);
    return;
  }
  mem_.write(pa, s.size, value);
}

// --- conventions -----------------------------------------------------------------------

Exec VmxUnit::succeed(Cpu& c) {
  c.s.rflags &= ~rf::kArith;
  return Exec::Ok;
}

Exec VmxUnit::fail_invalid(Cpu& c) {
  c.s.rflags = (c.s.rflags & ~rf::kArith) | rf::CF;
  return Exec::Ok;
}

Exec VmxUnit::fail(Cpu& c, VmInstructionError e) {
  if (current_vmcs_ == kInvalidVmcsPointer) return fail_invalid(c);
  c.s.rflags = (c.s.rflags & ~rf::kArith) | rf::ZF;
  write_slot(current_vmcs_, vmcs_slot(VmcsField::VM_INSTRUCTION_ERROR), static_cast<uint32_t>(e));
  return Exec::Ok;
}

bool VmxUnit::bad_pointer(uint64_t addr) const {
  return (addr & 0xFFF) || (addr >> maxphyaddr_);
}

Exec VmxUnit::read_pointer(Cpu& c, const Insn& i, uint64_t& addr) {
  return read_operand(c, i, 0, 8, addr);
}

void VmxUnit::note(Cpu& c, const Insn& i, const std::string& outcome) {
  if (!c.trace) return;
  c.trace->emit(c, "vmx", "\"insn\":\"" + std::string(mnemonic_name(i.mnemonic)) + "\",\"outcome\":\"" + outcome +
                              "\",\"rip\":\"" + hex(c.insn_rip) + "\"");
}

// --- dispatch --------------------------------------------------------------------------

Exec VmxUnit::execute(Cpu& c, const Insn& i) {
  maxphyaddr_ = c.model.maxphyaddr;
  Exec r;
  switch (i.mnemonic) {
    case ZYDIS_MNEMONIC_VMXON: r = vmxon(c, i); break;
    case ZYDIS_MNEMONIC_VMXOFF: r = vmxoff(c, i); break;
    case ZYDIS_MNEMONIC_VMCLEAR: r = vmclear(c, i); break;
    case ZYDIS_MNEMONIC_VMPTRLD: r = vmptrld(c, i); break;
    case ZYDIS_MNEMONIC_VMPTRST: r = vmptrst(c, i); break;
    case ZYDIS_MNEMONIC_VMREAD: r = vmread(c, i); break;
    case ZYDIS_MNEMONIC_VMWRITE: r = vmwrite(c, i); break;
    case ZYDIS_MNEMONIC_VMCALL: r = vmcall(c, i); break;
    // VMFUNC: "enable VM functions" is not supported, so it is #UD in every mode (SDM VMFUNC).
    case ZYDIS_MNEMONIC_VMFUNC: r = c.ud(); break;
    case ZYDIS_MNEMONIC_VMLAUNCH:
    case ZYDIS_MNEMONIC_VMRESUME: r = vmlaunch_vmresume(c, i, i.mnemonic == ZYDIS_MNEMONIC_VMLAUNCH); break;
    case ZYDIS_MNEMONIC_INVEPT: r = invept(c, i); break;
    case ZYDIS_MNEMONIC_INVVPID: r = invvpid(c, i); break;
    default: r = not_yet(c, i, "not a VMX instruction the model knows"); break;
  }
  // A VM entry or exit reports itself (vmentry / vmexit events); flags then belong to the guest.
  if (c.trace && r != Exec::VmTransition) {
    if (r == Exec::Fault) {
      note(c, i, "fault " + std::to_string(c.fault.vector));
    } else if (c.s.rflags & rf::CF) {
      note(c, i, "VMfailInvalid");
    } else if (c.s.rflags & rf::ZF) {
      const uint64_t e = read_field(current_vmcs_, vmcs_field_info(VmcsField::VM_INSTRUCTION_ERROR));
      note(c, i, "VMfailValid " + std::to_string(e) + " " + std::string(vm_instruction_error_name(static_cast<uint32_t>(e))));
    } else {
      note(c, i, "VMsucceed");
    }
  }
  return r;
}

Exec VmxUnit::not_yet(Cpu& c, const Insn& i, const char* issue) {
  c.log_msg(std::string(mnemonic_name(i.mnemonic)) + " at " + c.describe_at(c.insn_rip) + " is not implemented yet (" +
            issue + "): #UD");
  return c.ud();
}

// --- VMXON / VMXOFF ----------------------------------------------------------------------

Exec VmxUnit::vmxon(Cpu& c, const Insn& i) {
  if (i.op[0].kind != OpKind::Mem || vmx_mode_excluded(c) || !(c.s.cr4 & cr4::VMXE)) return c.ud();
  if (!in_vmx_) {
    // IA32_FEATURE_CONTROL: bit 0 lock, bit 2 VMX outside SMX (the model has no SMX). A20M is
    // never active on this machine.
    if (c.s.cpl > 0 || !caps_.cr0_allowed(c.s.cr0) || !caps_.cr4_allowed(c.s.cr4) ||
        !(c.s.feature_control & 1) || !(c.s.feature_control & 4))
      return c.gp(0);
    uint64_t addr;
    if (Exec r = read_pointer(c, i, addr); r != Exec::Ok) return r;
    if (bad_pointer(addr)) return fail_invalid(c);
    const uint32_t rev = static_cast<uint32_t>(mem_.read(addr + kVmcsRevisionOffset, 4));
    if ((rev & 0x7FFF'FFFF) != caps_.revision_id() || (rev & kVmcsShadowIndicator)) return fail_invalid(c);
    vmxon_ptr_ = addr;
    current_vmcs_ = kInvalidVmcsPointer;
    in_vmx_ = true;
    return succeed(c);
  }
  if (non_root_) return exit_for_instruction(c, i);
  if (c.s.cpl > 0) return c.gp(0);
  return fail(c, VmInstructionError::VMXON_IN_VMX_ROOT_OP);
}

Exec VmxUnit::vmxoff(Cpu& c, const Insn& i) {
  if (!in_vmx_ || vmx_mode_excluded(c)) return c.ud();
  if (non_root_) return exit_for_instruction(c, i);
  if (c.s.cpl > 0) return c.gp(0);
  // The dual-monitor treatment of SMIs and SMM is never active (not supported).
  in_vmx_ = false;
  vmxon_ptr_ = current_vmcs_ = kInvalidVmcsPointer;
  return succeed(c);
}

// --- the current VMCS: VMCLEAR, VMPTRLD, VMPTRST ------------------------------------------

Exec VmxUnit::vmclear(Cpu& c, const Insn& i) {
  if (i.op[0].kind != OpKind::Mem || !in_vmx_ || vmx_mode_excluded(c)) return c.ud();
  if (non_root_) return exit_for_instruction(c, i);
  if (c.s.cpl > 0) return c.gp(0);
  uint64_t addr;
  if (Exec r = read_pointer(c, i, addr); r != Exec::Ok) return r;
  if (bad_pointer(addr)) return fail(c, VmInstructionError::VMCLEAR_INVALID_PHYSICAL_ADDRESS);
  if (addr == vmxon_ptr_) return fail(c, VmInstructionError::VMCLEAR_INVALID_VMXON_POINTER);
  // Nothing is cached: the region in memory is already authoritative. Its launch state
  // becomes "clear"; the revision identifier is not checked (SDM VMCLEAR).
  mem_.write(addr + kVmcsLaunchStateOffset, 4, 0);
  if (addr == current_vmcs_) current_vmcs_ = kInvalidVmcsPointer;
  return succeed(c);
}

Exec VmxUnit::vmptrld(Cpu& c, const Insn& i) {
  if (i.op[0].kind != OpKind::Mem || !in_vmx_ || vmx_mode_excluded(c)) return c.ud();
  if (non_root_) return exit_for_instruction(c, i);
  if (c.s.cpl > 0) return c.gp(0);
  uint64_t addr;
  if (Exec r = read_pointer(c, i, addr); r != Exec::Ok) return r;
  if (bad_pointer(addr)) return fail(c, VmInstructionError::VMPTRLD_INVALID_PHYSICAL_ADDRESS);
  if (addr == vmxon_ptr_) return fail(c, VmInstructionError::VMPTRLD_VMXON_POINTER);
  const uint32_t rev = static_cast<uint32_t>(mem_.read(addr + kVmcsRevisionOffset, 4));
  // A shadow VMCS (bit 31) can be made current only with "VMCS shadowing", which the model
  // does not support.
  const bool shadowing = caps_.proc2_allowed1() & ctl::PROC2_VMCS_SHADOWING;
  if ((rev & 0x7FFF'FFFF) != caps_.revision_id() || ((rev & kVmcsShadowIndicator) && !shadowing))
    return fail(c, VmInstructionError::VMPTRLD_INCORRECT_VMCS_REVISION_ID);
  current_vmcs_ = addr;
  return succeed(c);
}

Exec VmxUnit::vmptrst(Cpu& c, const Insn& i) {
  if (i.op[0].kind != OpKind::Mem || !in_vmx_ || vmx_mode_excluded(c)) return c.ud();
  if (non_root_) return exit_for_instruction(c, i);
  if (c.s.cpl > 0) return c.gp(0);
  if (Exec r = write_operand(c, i, 0, 8, current_vmcs_); r != Exec::Ok) return r;
  return succeed(c);
}

// --- VMREAD / VMWRITE --------------------------------------------------------------------

// The field an encoding operand names on this model, or nullptr: bits 63:32 set (64-bit
// mode), no such field, or a field of an unsupported feature (SDM VMREAD, VMWRITE).
static const VmcsFieldInfo* supported_field(const VmxCapabilities& caps, uint64_t encoding) {
  if (encoding >> 32) return nullptr;
  const VmcsFieldInfo* f = vmcs_field_info(static_cast<uint32_t>(encoding));
  return f && caps.field_supported(f->field) ? f : nullptr;
}

Exec VmxUnit::vmread(Cpu& c, const Insn& i) {
  if (!in_vmx_ || vmx_mode_excluded(c)) return c.ud();
  if (non_root_) return exit_for_instruction(c, i);  // VMCS shadowing is not supported
  if (c.s.cpl > 0) return c.gp(0);
  if (current_vmcs_ == kInvalidVmcsPointer) return fail_invalid(c);
  // Operands are 64-bit in 64-bit mode and 32-bit elsewhere, whatever the prefixes.
  const unsigned size = c.long64 ? 8 : 4;
  const uint64_t encoding = get_operand_register(c, i, 1, size);
  const VmcsFieldInfo* f = supported_field(caps_, encoding);
  if (!f) return fail(c, VmInstructionError::VMREAD_VMWRITE_INVALID_COMPONENT);
  // A narrower field is zero-extended; a wider one is truncated to the operand.
  if (Exec r = write_operand(c, i, 0, size, read_field(current_vmcs_, *f)); r != Exec::Ok) return r;
  return succeed(c);
}

Exec VmxUnit::vmwrite(Cpu& c, const Insn& i) {
  if (!in_vmx_ || vmx_mode_excluded(c)) return c.ud();
  if (non_root_) return exit_for_instruction(c, i);
  if (c.s.cpl > 0) return c.gp(0);
  if (current_vmcs_ == kInvalidVmcsPointer) return fail_invalid(c);
  const unsigned size = c.long64 ? 8 : 4;
  // The source is read before the encoding is examined, so a memory fault comes first (as
  // KVM and Bochs order it; the SDM pseudocode leaves the read implicit).
  uint64_t value;
  if (Exec r = read_operand(c, i, 1, size, value); r != Exec::Ok) return r;
  const VmcsFieldInfo* f = supported_field(caps_, get_operand_register(c, i, 0, size));
  if (!f) return fail(c, VmInstructionError::VMREAD_VMWRITE_INVALID_COMPONENT);
  if (f->read_only() && !caps_.vmwrite_exit_info()) return fail(c, VmInstructionError::VMWRITE_READONLY_COMPONENT);
  // Bits beyond the field's width are ignored (write_field stores the slot's width).
  write_field(current_vmcs_, *f, value);
  return succeed(c);
}

// --- VMCALL, VMLAUNCH, VMRESUME ----------------------------------------------------------

Exec VmxUnit::vmcall(Cpu& c, const Insn& i) {
  if (!in_vmx_) return c.ud();
  if (non_root_) return exit_for_instruction(c, i);
  if ((c.s.rflags & rf::VM) || ((c.s.efer & efer::LMA) && !(c.s.seg[CS].ar & ar::L))) return c.ud();
  if (c.s.cpl > 0) return c.gp(0);
  // No dual-monitor treatment of SMIs and SMM (IA32_VMX_BASIC bit 49 = 0): VMCALL in VMX root
  // operation always fails with error 1 (Bochs reports 19 here; the SDM says 1).
  return fail(c, VmInstructionError::VMCALL_IN_VMX_ROOT_OPERATION);
}

Exec VmxUnit::vmlaunch_vmresume(Cpu& c, const Insn& i, bool launch) {
  if (!in_vmx_ || vmx_mode_excluded(c)) return c.ud();
  if (non_root_) return exit_for_instruction(c, i);
  if (c.s.cpl > 0) return c.gp(0);
  if (current_vmcs_ == kInvalidVmcsPointer) return fail_invalid(c);
  // Blocking by MOV SS: this instruction follows MOV SS or POP SS.
  if (c.interrupt_shadow && c.shadow_blocks_debug) return fail(c, VmInstructionError::VMENTRY_MOV_SS);
  const uint32_t state = static_cast<uint32_t>(mem_.read(current_vmcs_ + kVmcsLaunchStateOffset, 4));
  if (launch && state != kLaunchStateClear) return fail(c, VmInstructionError::VMLAUNCH_NON_CLEAR_VMCS);
  if (!launch && state != kLaunchStateLaunched) return fail(c, VmInstructionError::VMRESUME_NON_LAUNCHED_VMCS);
  return vm_entry(c, launch);
}

}  // namespace vp
