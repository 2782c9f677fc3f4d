// VMX non-root operation (SDM Vol. 3C chapter 25): which guest actions cause VM exits, with
// the exit qualification and instruction information each reason defines (27.2.1, 27.2.4).
#include <Zydis/Zydis.h>

#include "vp/core/operands.h"
#include "vp/vmx/instruction_info.h"
#include "vp/vmx/vmx_controls.h"
#include "vp/vmx/vmx_unit.h"

namespace vp {
namespace {

constexpr uint32_t gpr_number(uint8_t byte_offset) { return byte_offset >> 3; }
uint32_t asz_code(const Insn& i) { return i.asz == 2 ? 0u : i.asz == 4 ? 1u : 2u; }

}  // namespace

// An exit caused by the instruction executing now: it did not execute, so the RIP saved is
// its own and the instruction length is reported (27.3.3, 27.2.4).
static VmExitEvent instruction_event(const Cpu& c, const Insn& i, ExitReason reason, uint64_t qualification = 0,
                                     uint32_t info = 0) {
  VmExitEvent e;
  e.reason = static_cast<uint32_t>(reason);
  e.qualification = qualification;
  e.insn_len = i.len;
  e.insn_info = info;
  e.guest_rip = c.insn_rip;
  return e;
}

// An exit between instructions (windows, timer, MTF, trap-like exits): the RIP saved is the
// next instruction's, and the blocking saved is that instruction's.
static VmExitEvent boundary_event(const Cpu& c, ExitReason reason) {
  VmExitEvent e;
  e.reason = static_cast<uint32_t>(reason);
  e.guest_rip = c.s.rip();
  e.boundary = true;
  return e;
}

bool VmxUnit::instruction_exit(Cpu& c, const Insn& i, ExitReason reason, uint64_t qualification, uint32_t info) {
  vm_exit(c, instruction_event(c, i, reason, qualification, info));
  return true;
}

Exec VmxUnit::exit_for_instruction(Cpu& c, const Insn& i) {
  InstructionExitInfo info{};
  vmx_instruction_exit_info(i, info);
  instruction_exit(c, i, info.reason, info.qualification, info.instruction_info);
  return Exec::VmTransition;
}

bool VmxUnit::guest_may_execute(Intercept what) const {
  switch (what) {
    case Intercept::Rdtscp: return gc_.proc2 & ctl::PROC2_ENABLE_RDTSCP;
    case Intercept::Invpcid: return gc_.proc2 & ctl::PROC2_ENABLE_INVPCID;
    default: return true;
  }
}

bool VmxUnit::intercept(Cpu& c, const Insn& i, Intercept what) {
  const auto proc = [&](uint64_t bit) { return (gc_.proc & bit) != 0; };
  const auto proc2 = [&](uint64_t bit) { return (gc_.proc2 & bit) != 0; };
  switch (what) {
    // Unconditional (25.1.2).
    case Intercept::Cpuid: return instruction_exit(c, i, ExitReason::EXECUTE_CPUID);
    case Intercept::Getsec: return instruction_exit(c, i, ExitReason::EXECUTE_GETSEC);
    case Intercept::Invd: return instruction_exit(c, i, ExitReason::EXECUTE_INVD);
    case Intercept::Xsetbv: return instruction_exit(c, i, ExitReason::EXECUTE_XSETBV);
    // Controlled by the processor-based controls (25.1.3).
    case Intercept::Hlt: return proc(ctl::PROC_HLT_EXITING) && instruction_exit(c, i, ExitReason::EXECUTE_HLT);
    case Intercept::Invpcid: {
      // "INVLPG exiting" with "enable INVPCID": the INVEPT-format instruction information.
      if (!proc(ctl::PROC_INVLPG_EXITING)) return false;
      InstructionExitInfo info{};
      vmx_instruction_exit_info(i, info);
      return instruction_exit(c, i, info.reason, info.qualification, info.instruction_info);
    }
    case Intercept::Invlpg:
      // Exit qualification: the linear address of the operand (27.2.1).
      return proc(ctl::PROC_INVLPG_EXITING) &&
             instruction_exit(c, i, ExitReason::EXECUTE_INVLPG, operand_linear_address(c, i));
    case Intercept::Rdpmc: return proc(ctl::PROC_RDPMC_EXITING) && instruction_exit(c, i, ExitReason::EXECUTE_RDPMC);
    case Intercept::Rdtsc: return proc(ctl::PROC_RDTSC_EXITING) && instruction_exit(c, i, ExitReason::EXECUTE_RDTSC);
    case Intercept::Rdtscp: return proc(ctl::PROC_RDTSC_EXITING) && instruction_exit(c, i, ExitReason::EXECUTE_RDTSCP);
    case Intercept::Wbinvd:
      return proc2(ctl::PROC2_WBINVD_EXITING) && instruction_exit(c, i, ExitReason::EXECUTE_WBINVD);
    case Intercept::Pause: {
      if (proc(ctl::PROC_PAUSE_EXITING)) return instruction_exit(c, i, ExitReason::EXECUTE_PAUSE);
      if (!proc2(ctl::PROC2_PAUSE_LOOP_EXITING) || c.s.cpl != 0) return false;
      // PAUSE-loop exiting (25.1.3): PAUSEs at CPL 0 no more than PLE_Gap TSC ticks apart
      // form a loop; one that has lasted longer than PLE_Window exits. The first PAUSE after
      // a VM entry starts a loop.
      const uint64_t tsc = c.guest_tsc();
      if (!ple_started_ || tsc - ple_last_ > gc_.ple_gap) {
        ple_started_ = true;
        ple_first_ = tsc;
      }
      ple_last_ = tsc;
      return tsc - ple_first_ > gc_.ple_window && instruction_exit(c, i, ExitReason::EXECUTE_PAUSE);
    }
    case Intercept::Mwait: return proc(ctl::PROC_MWAIT_EXITING) && instruction_exit(c, i, ExitReason::EXECUTE_MWAIT);
    case Intercept::Monitor:
      return proc(ctl::PROC_MONITOR_EXITING) && instruction_exit(c, i, ExitReason::EXECUTE_MONITOR);
    case Intercept::MovCr: {
      // Exit qualification for control-register accesses (27.2.1, Table 27-3): bits 3:0 the
      // CR, 5:4 the access type (0 MOV to CR, 1 MOV from CR), 11:8 the general register.
      const bool to_cr = i.op[0].kind == OpKind::Cr;
      const unsigned cr = to_cr ? i.op[0].reg : i.op[1].reg;
      const uint8_t gpr = to_cr ? i.op[1].reg : i.op[0].reg;
      const uint64_t qual = cr | (to_cr ? 0u : 1u << 4) | (gpr_number(gpr) << 8);
      bool exits = false;
      if (cr == 3 && to_cr) {
        if (proc(ctl::PROC_CR3_LOAD_EXITING)) {
          // A value among the first CR3-target-count targets does not exit (25.1.3).
          uint64_t v = 0;
          read_operand(c, i, 1, c.long64 ? 8 : 4, v);
          exits = true;
          for (uint32_t k = 0; k < gc_.cr3_target_count && k < 4; ++k)
            if (gc_.cr3_targets[k] == v) exits = false;
        }
      } else if (cr == 3) {
        exits = proc(ctl::PROC_CR3_STORE_EXITING);
      } else if (cr == 8) {
        exits = proc(to_cr ? ctl::PROC_CR8_LOAD_EXITING : ctl::PROC_CR8_STORE_EXITING);
        if (!exits && proc(ctl::PROC_USE_TPR_SHADOW)) return tpr_shadow_access(c, i, to_cr, gpr);
      }
      return exits && instruction_exit(c, i, ExitReason::EXECUTE_MOV_CRX, qual);
    }
    case Intercept::MovDr: {
      if (!proc(ctl::PROC_MOV_DR_EXITING)) return false;
      // Bits 2:0 the debug register, bit 4 the direction (1 = MOV from DR), 11:8 the register.
      const bool to_dr = i.op[0].kind == OpKind::Dr;
      const unsigned dr = to_dr ? i.op[0].reg : i.op[1].reg;
      const uint8_t gpr = to_dr ? i.op[1].reg : i.op[0].reg;
      return instruction_exit(c, i, ExitReason::EXECUTE_MOV_DRX, dr | (to_dr ? 0u : 1u << 4) | (gpr_number(gpr) << 8));
    }
    case Intercept::Io: {
      const bool string = i.mnemonic == ZYDIS_MNEMONIC_INSB || i.mnemonic == ZYDIS_MNEMONIC_INSW ||
                          i.mnemonic == ZYDIS_MNEMONIC_INSD || i.mnemonic == ZYDIS_MNEMONIC_OUTSB ||
                          i.mnemonic == ZYDIS_MNEMONIC_OUTSW || i.mnemonic == ZYDIS_MNEMONIC_OUTSD;
      const bool in = i.mnemonic == ZYDIS_MNEMONIC_IN || i.mnemonic == ZYDIS_MNEMONIC_INSB ||
                      i.mnemonic == ZYDIS_MNEMONIC_INSW || i.mnemonic == ZYDIS_MNEMONIC_INSD;
      unsigned size;
      bool imm = false;
      uint16_t port;
      if (string) {
        size = i.mnemonic == ZYDIS_MNEMONIC_INSB || i.mnemonic == ZYDIS_MNEMONIC_OUTSB ? 1
               : i.mnemonic == ZYDIS_MNEMONIC_INSW || i.mnemonic == ZYDIS_MNEMONIC_OUTSW ? 2 : 4;
        port = static_cast<uint16_t>(c.s.regs[2]);
      } else {
        const Operand& p = in ? i.op[1] : i.op[0];
        size = in ? i.op[0].size : i.op[1].size;
        imm = p.kind != OpKind::Gpr;
        port = imm ? static_cast<uint16_t>(i.imm) : static_cast<uint16_t>(c.s.regs[2]);
      }
      bool exits;
      if (proc(ctl::PROC_USE_IO_BITMAPS)) {
        // One bit per port: A covers 0000-7FFF, B 8000-FFFF; an access that wraps past FFFF
        // exits (25.1.3).
        exits = false;
        for (unsigned k = 0; k < size; ++k) {
          const uint32_t p = uint32_t{port} + k;
          if (p > 0xFFFF) {
            exits = true;
            break;
          }
          const uint64_t base = p < 0x8000 ? gc_.io_bitmap_a : gc_.io_bitmap_b;
          if ((mem_.read(base + ((p & 0x7FFF) >> 3), 1) >> (p & 7)) & 1) exits = true;
        }
      } else {
        exits = proc(ctl::PROC_UNCONDITIONAL_IO_EXITING);
      }
      if (!exits) return false;
      const bool rep = i.prefixes & (kPrefixRep | kPrefixRepne);
      const uint64_t qual = (size - 1) | (in ? 1u << 3 : 0) | (string ? 1u << 4 : 0) | (string && rep ? 1u << 5 : 0) |
                            (imm ? 1u << 6 : 0) | (uint64_t{port} << 16);
      VmExitEvent e = instruction_event(c, i, ExitReason::EXECUTE_IO_INSTRUCTION, qual);
      if (string) {
        // Guest-linear address of the string operand; instruction information (IA32_VMX_BASIC
        // bit 54): address size 9:7 and, for OUTS, the segment 17:15 (27.2.4).
        const uint64_t off = in ? c.s.regs[7] : c.s.regs[6];
        const uint8_t seg = in ? uint8_t{ES} : (i.seg_override != kSegNone ? i.seg_override : uint8_t{DS});
        const uint64_t mask = i.asz == 8 ? ~0ull : i.asz == 4 ? 0xFFFF'FFFFull : 0xFFFFull;
        e.guest_linear = c.seg_base[seg] + (off & mask);
        if (!c.long64) e.guest_linear &= 0xFFFF'FFFFull;
        e.guest_linear_valid = true;
        e.insn_info = (asz_code(i) << 7) | (in ? 0u : uint32_t{seg} << 15);
      }
      vm_exit(c, e);
      return true;
    }
    case Intercept::Rdmsr:
    case Intercept::Wrmsr: {
      const bool write = what == Intercept::Wrmsr;
      const uint32_t msr = static_cast<uint32_t>(c.s.regs[1]);
      bool exits = true;
      if (proc(ctl::PROC_USE_MSR_BITMAPS)) {
        // Read bitmap low 0-1FFFH at 0, high C0000000H-C0001FFFH at 1024; write bitmaps at
        // 2048 and 3072. MSRs outside both ranges always exit (24.6.9).
        if (msr <= 0x1FFF || (msr >= 0xC000'0000u && msr <= 0xC000'1FFFu)) {
          const uint64_t off = (write ? 2048 : 0) + (msr >= 0xC000'0000u ? 1024 : 0) + ((msr & 0x1FFF) >> 3);
          exits = (mem_.read(gc_.msr_bitmap + off, 1) >> (msr & 7)) & 1;
        }
      }
      return exits && instruction_exit(c, i, write ? ExitReason::EXECUTE_WRMSR : ExitReason::EXECUTE_RDMSR);
    }
    case Intercept::DescriptorTable: {
      if (!proc2(ctl::PROC2_DESCRIPTOR_TABLE_EXITING)) return false;
      // Instruction information (27.2.4, Tables 27-10/27-11): memory operand bits, bit 10 for a
      // register operand (LLDT/LTR/SLDT/STR), bit 11 operand size, 29:28 the instruction.
      unsigned which = 0;
      bool gdt_idt = true;
      switch (i.mnemonic) {
        case ZYDIS_MNEMONIC_SGDT: which = 0; break;
        case ZYDIS_MNEMONIC_SIDT: which = 1; break;
        case ZYDIS_MNEMONIC_LGDT: which = 2; break;
        case ZYDIS_MNEMONIC_LIDT: which = 3; break;
        case ZYDIS_MNEMONIC_SLDT: which = 0; gdt_idt = false; break;
        case ZYDIS_MNEMONIC_STR: which = 1; gdt_idt = false; break;
        case ZYDIS_MNEMONIC_LLDT: which = 2; gdt_idt = false; break;
        default: which = 3; gdt_idt = false; break;  // LTR
      }
      uint32_t info = which << 28;
      uint64_t qual = 0;
      if (i.op[0].kind == OpKind::Mem) {
        // The memory-operand bits (undefined, so 0, for a register operand).
        info |= (i.scale & 3u) | (asz_code(i) << 7) | (uint32_t{i.seg} << 15);
        info |= i.index < 16 ? uint32_t{i.index} << 18 : 1u << 22;
        info |= i.base < 16 ? uint32_t{i.base} << 23 : 1u << 27;
        qual = static_cast<uint64_t>(i.disp);
      } else {
        info |= (1u << 10) | (gpr_number(i.op[0].reg) << 3);
      }
      if (gdt_idt && i.osz == 4) info |= 1u << 11;
      return instruction_exit(c, i, gdt_idt ? ExitReason::GDTR_IDTR_ACCESS : ExitReason::LDTR_TR_ACCESS, qual, info);
    }
  }
  return false;
}

// MOV to/from CR8 with "use TPR shadow" (SDM Vol. 3C 29.3): the virtual TPR (VTPR, byte 80H of
// the virtual-APIC page) stands in for the TPR; lowering VTPR[7:4] below the TPR threshold is
// a trap-like VM exit (reason 43) after the instruction.
bool VmxUnit::tpr_shadow_access(Cpu& c, const Insn& i, bool to_cr, uint8_t gpr) {
  const uint64_t vtpr_pa = gc_.virtual_apic + 0x80;
  if (!to_cr) {
    uint64_t v = (mem_.read(vtpr_pa, 1) >> 4) & 0xF;
    write_operand(c, i, 0, 8, v);
    return true;
  }
  uint64_t v = 0;
  read_operand(c, i, 1, 8, v);
  if (v >> 4) return false;  // reserved bits: the core raises #GP(0)
  (void)gpr;
  mem_.write(vtpr_pa, 4, v << 4);  // bits 3:0 and bytes 81H-83H are cleared
  if (v < (gc_.tpr_threshold & 0xF)) {
    vm_exit(c, boundary_event(c, ExitReason::TPR_BELOW_THRESHOLD));
  }
  return true;
}

bool VmxUnit::intercept_cr_write(Cpu& c, const Insn& i, unsigned cr, uint64_t& value) {
  const uint64_t mask = cr == 0 ? gc_.cr0_mask : gc_.cr4_mask;
  const uint64_t shadow = cr == 0 ? gc_.cr0_shadow : gc_.cr4_shadow;
  const uint64_t current = cr == 0 ? c.s.cr0 : c.s.cr4;
  uint64_t qual;
  bool exits;
  if (i.mnemonic == ZYDIS_MNEMONIC_CLTS) {
    // CLTS exits when the host owns CR0.TS and the shadow's TS is 1 (25.1.3).
    exits = (mask & cr0::TS) && (shadow & cr0::TS);
    qual = 0 | (2u << 4);
  } else if (i.mnemonic == ZYDIS_MNEMONIC_LMSW) {
    uint64_t src = 0;
    read_operand(c, i, 0, 2, src);
    // LMSW exits if a host-owned bit among PE, MP, EM, TS would differ from the shadow, or if
    // it would set a host-owned PE that the shadow has clear.
    const uint64_t m = mask & 0xF;
    exits = ((src ^ shadow) & m & 0xE) || ((mask & 1) && !(shadow & 1) && (src & 1));
    qual = 0 | (3u << 4) | (i.op[0].kind == OpKind::Mem ? 1u << 6 : gpr_number(i.op[0].reg) << 8) | (src << 16);
    if (exits) {
      VmExitEvent e = instruction_event(c, i, ExitReason::EXECUTE_MOV_CRX, qual);
      if (i.op[0].kind == OpKind::Mem) {
        e.guest_linear = operand_linear_address(c, i);
        e.guest_linear_valid = true;
      }
      vm_exit(c, e);
      return true;
    }
  } else {
    // MOV to CR0/CR4 exits if a host-owned bit would differ from the read shadow (25.1.3).
    exits = ((value ^ shadow) & mask) != 0;
    qual = cr | (gpr_number(i.op[1].reg) << 8);
  }
  if (exits) return instruction_exit(c, i, ExitReason::EXECUTE_MOV_CRX, qual);
  // Otherwise host-owned bits keep their values (25.3).
  value = (value & ~mask) | (current & mask);
  return false;
}

uint64_t VmxUnit::cr_read_shadow(unsigned cr, uint64_t value) const {
  const uint64_t mask = cr == 0 ? gc_.cr0_mask : gc_.cr4_mask;
  const uint64_t shadow = cr == 0 ? gc_.cr0_shadow : gc_.cr4_shadow;
  return (value & ~mask) | (shadow & mask);
}

bool VmxUnit::intercept_event(Cpu& c, uint8_t vector, uint8_t kind, bool has_error, uint32_t error) {
  const auto k = static_cast<Cpu::EventKind>(kind);
  VmExitEvent e;
  e.reason = static_cast<uint32_t>(ExitReason::EXCEPTION_OR_NMI);
  e.guest_rip = c.s.rip();
  if (k == Cpu::EventKind::Nmi) {
    if (!(gc_.pin & ctl::PIN_NMI_EXITING) || (injecting_ && !c.vectoring.valid)) return false;
    e.intr_info = 2 | (2u << 8) | (1u << 31);
    e.nmi = true;
    vm_exit(c, e);
    return true;
  }
  // The injected event itself is delivered, whatever the bitmap says (26.5); exceptions that
  // its delivery raises are subject to it (their vectoring information names it).
  if (injecting_ && !c.vectoring.valid) return false;
  // INT n is not an exception; INT3 and INTO are software exceptions, INT1 a privileged one.
  unsigned type = 3;
  if (k == Cpu::EventKind::Software) {
    if (vector != 3 && vector != 4) return false;
    type = 6;
  } else if (k == Cpu::EventKind::Icebp) {
    type = 5;
  }
  bool exits = (gc_.exception_bitmap >> vector) & 1;
  if (vector == 14) {
    // #PF: the bitmap bit applies when PFEC & mask == match, its inverse otherwise (25.2).
    const bool match = (error & gc_.pf_mask) == gc_.pf_match;
    exits = match ? exits : !exits;
  }
  if (!exits) return false;
  e.intr_info = vector | (type << 8) | (has_error ? 1u << 11 : 0) | (1u << 31);
  e.intr_error = has_error ? error : 0;
  if (type >= 5) {
    // Software exceptions report the instruction: RIP saved is the INT3/INTO/INT1 itself.
    e.guest_rip = c.insn_rip;
    e.insn_len = static_cast<uint32_t>(c.s.rip() - c.insn_rip);
  }
  if (vector == 14) {
    // #PF: the qualification is the faulting linear address, and CR2 is not written (27.1).
    e.qualification = c.fault_cr2;
    c.s.cr2 = c.cr2_before_pf;
  }
  vm_exit(c, e);
  return true;
}

bool VmxUnit::intercept_external_interrupt(Cpu& c) {
  if (!(gc_.pin & ctl::PIN_EXTERNAL_INTERRUPT_EXITING)) return false;
  VmExitEvent e = boundary_event(c, ExitReason::EXTERNAL_INTERRUPT);
  if ((gc_.exit & ctl::EXIT_ACKNOWLEDGE_INTERRUPT_ON_EXIT) && c.intc) {
    // "Acknowledge interrupt on exit": INTA now, the vector in the interruption information.
    const int v = c.intc->pending_vector();
    c.intc->acknowledge(v);
    e.intr_info = static_cast<uint32_t>(v) | (1u << 31);
  }
  vm_exit(c, e);
  return true;
}

bool VmxUnit::intercept_task_switch(Cpu& c, uint16_t selector, unsigned source) {
  // Exit qualification: the selector (15:0) and the source (31:30) (27.2.1, Table 27-2). An
  // instruction source (CALL, IRET, JMP) reports the instruction; a task gate in the IDT, the
  // event being delivered (IDT-vectoring information).
  VmExitEvent e;
  e.reason = static_cast<uint32_t>(ExitReason::TASK_SWITCH);
  e.qualification = selector | (uint64_t{source} << 30);
  if (source == 3) {
    e.guest_rip = c.s.rip();
  } else {
    e.guest_rip = c.insn_rip;
    e.insn_len = static_cast<uint32_t>(c.s.rip() - c.insn_rip);
  }
  vm_exit(c, e);
  return true;
}

bool VmxUnit::intercept_triple_fault(Cpu& c) {
  VmExitEvent e;
  e.reason = static_cast<uint32_t>(ExitReason::TRIPLE_FAULT);
  e.guest_rip = c.s.rip();
  vm_exit(c, e);
  return true;
}

}  // namespace vp

namespace vp {

uint64_t VmxUnit::timer_remaining(const Cpu& c) const {
  const unsigned rate = caps_.value(kVmxMisc) & 0x1F;
  const uint64_t ticks = (c.clock >> rate) - (gc_.timer_start >> rate);
  return ticks >= gc_.timer_value ? 0 : gc_.timer_value - ticks;
}

bool VmxUnit::before_instruction(Cpu& c) {
  if (!non_root_) return false;
  // Wait-for-SIPI: the timer, the NMI and interrupt windows and MTF do not act (25.2, 26.6.2).
  if (c.halted && c.halt_kind == Cpu::HaltKind::WaitForSipi) return false;
  const bool shutdown = c.halted && c.halt_kind == Cpu::HaltKind::Shutdown;
  mtf_armed_ = true;  // an instruction (or HLT's wait) follows: MTF may fire after it
  const auto exit_now = [&](ExitReason r) {
    vm_exit(c, boundary_event(c, r));
    return true;
  };
  // Priority among these (SDM Vol. 3C 25.2): the preemption timer, the NMI window, the
  // interrupt window.
  if (gc_.pin & ctl::PIN_ACTIVATE_VMX_PREEMPTION_TIMER) {
    if (c.halted && timer_remaining(c) > 0) {
      // A halted guest sleeps until the timer, unless a device event comes first (one that
      // cannot wake it, in the shutdown state, does not count).
      const unsigned rate = caps_.value(kVmxMisc) & 0x1F;
      const uint64_t deadline = ((gc_.timer_start >> rate) + gc_.timer_value) << rate;
      if (shutdown || deadline <= (c.intc ? c.intc->next_event(c.clock) : ~0ull)) c.clock = deadline;
    }
    if (timer_remaining(c) == 0) return exit_now(ExitReason::VMX_PREEMPTION_TIMER_EXPIRED);
  }
  // NMI-window exiting: no virtual-NMI blocking and no blocking by MOV SS (25.2).
  if ((gc_.proc & ctl::PROC_NMI_WINDOW_EXITING) && !c.nmi_blocked && !(c.shadow_armed && c.shadow_blocks_debug))
    return exit_now(ExitReason::NMI_WINDOW);
  // Interrupt-window exiting: RFLAGS.IF = 1 and no blocking by STI or MOV SS (25.2). At an
  // instruction boundary the next instruction is blocked exactly when the one that just
  // retired (or the VM entry) armed the shadow.
  // It does not wake the shutdown state (25.2).
  if ((gc_.proc & ctl::PROC_INTERRUPT_WINDOW_EXITING) && (c.s.rflags & rf::IF) && !c.shadow_armed && !shutdown)
    return exit_now(ExitReason::INTERRUPT_WINDOW);
  return false;
}

bool VmxUnit::after_instruction(Cpu& c) {
  if (!non_root_ || !(gc_.proc & ctl::PROC_MONITOR_TRAP_FLAG) || !mtf_armed_) return false;
  // Monitor trap flag: a VM exit once the guest instruction completes (25.5.2), with RIP
  // the next instruction's.
  vm_exit(c, boundary_event(c, ExitReason::MONITOR_TRAP_FLAG));
  return true;
}

}  // namespace vp
