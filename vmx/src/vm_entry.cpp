// VM entry (SDM Vol. 3C chapter 26): the checks of 26.2 and 26.3.1 in order, loading guest
// state (26.3.2), the VM-entry MSR-load list (26.4), event injection (26.5) and the guest's
// activity and interruptibility state (26.6).
#include <Zydis/Zydis.h>

// GCC 12 reports a false -Wrestrict inside std::string concatenation (GCC bug 105329).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <cinttypes>
#include <cstdio>

#include "entry_fields.h"
#include "vp/core/operands.h"
#include "vp/vmx/vmx_controls.h"
#include "vp/vmx/vmx_unit.h"

namespace vp {
namespace {

std::string hexs(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%" PRIx64, v);
  return b;
}

std::string json_escape(const std::string& s) {
  std::string o;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') o += '\\';
    o += ch;
  }
  return o;
}

std::string failure_json(const CheckFailure& w) {
  return "\"check\":\"" + std::string(w.check) + "\",\"field\":\"" + json_escape(w.field) + "\",\"value\":\"" +
         hexs(w.value) + "\",\"rule\":\"" + json_escape(w.rule) + "\",\"sdm\":\"" + json_escape(w.section) + "\"";
}

std::string describe(const CheckFailure& w) {
  char v[32];
  std::snprintf(v, sizeof v, "0x%" PRIx64, w.value);
  return std::string(w.check) + ": " + w.field + " = " + v + ": " + w.rule + " (SDM " + w.section + ")";
}

}  // namespace

Exec VmxUnit::vm_entry(Cpu& c, bool launch) {
  const EntryFields f = read_entry_fields(*this, current_vmcs_);
  const CheckEnv env{caps_, maxphyaddr_, (c.s.efer & efer::LMA) != 0, mem_};
  CheckFailure why;
  if (!check_control_fields(f, env, why)) {
    announce(c, "vmentry-fail", "\"error\":7," + failure_json(why),
             "vmentry failed: VMfailValid 7 (invalid control field) - " + describe(why));
    return fail(c, VmInstructionError::VMENTRY_INVALID_CONTROL_FIELDS);
  }
  if (!check_host_state(f, env, why)) {
    announce(c, "vmentry-fail", "\"error\":8," + failure_json(why),
             "vmentry failed: VMfailValid 8 (invalid host-state field) - " + describe(why));
    return fail(c, VmInstructionError::VMENTRY_INVALID_HOST_STATE);
  }
  // The controls the guest runs with (and a failure below exits with).
  gc_ = GuestControls{.pin = f.ctl.pin,
                      .proc = f.ctl.proc,
                      .proc2 = f.ctl.proc2,
                      .exit = f.ctl.exit,
                      .entry = f.ctl.entry,
                      .exception_bitmap = f.ctl.exception_bitmap,
                      .pf_mask = f.ctl.pf_mask,
                      .pf_match = f.ctl.pf_match,
                      .cr3_target_count = f.ctl.cr3_target_count,
                      .cr3_targets = {f.ctl.cr3_targets[0], f.ctl.cr3_targets[1], f.ctl.cr3_targets[2],
                                      f.ctl.cr3_targets[3]},
                      .cr0_mask = f.ctl.cr0_mask,
                      .cr4_mask = f.ctl.cr4_mask,
                      .cr0_shadow = f.ctl.cr0_shadow,
                      .cr4_shadow = f.ctl.cr4_shadow,
                      .io_bitmap_a = f.ctl.io_bitmap_a,
                      .io_bitmap_b = f.ctl.io_bitmap_b,
                      .msr_bitmap = f.ctl.msr_bitmap,
                      .virtual_apic = f.ctl.virtual_apic,
                      .tpr_threshold = f.ctl.tpr_threshold,
                      .timer_value = f.guest.preemption_timer,
                      .timer_start = c.clock,
                      .ple_gap = f.ctl.ple_gap,
                      .ple_window = f.ctl.ple_window,
                      .eptp = f.ctl.eptp,
                      .vpid = f.ctl.vpid};
  // From here on a failure ends in the host with a VM-entry failure exit (SDM 26.7).
  if (!check_guest_state(f, env, why))
    return entry_failure(c, f, static_cast<uint32_t>(ExitReason::ERROR_INVALID_GUEST_STATE), why.qualification, &why);
  load_guest_state(c, f);
  if (const long bad = load_msr_list(c, f.ctl.entry_msr_load, f.ctl.entry_msr_load_count); bad >= 0)
    return entry_failure(c, f, static_cast<uint32_t>(ExitReason::ERROR_MSR_LOAD), static_cast<uint64_t>(bad) + 1, nullptr);

  if (launch) mem_.write(current_vmcs_ + kVmcsLaunchStateOffset, 4, kLaunchStateLaunched);
  ple_started_ = false;
  non_root_ = c.non_root = true;
  c.vmx_tsc_offset = (f.ctl.proc & ctl::PROC_USE_TSC_OFFSETTING) ? f.ctl.tsc_offset : 0;
  ++entries;
  if (on_transition || c.trace) {
    char line[160];
    std::snprintf(line, sizeof line, "vmentry %s: guest rip 0x%" PRIx64 " rsp 0x%" PRIx64 " cr0 0x%" PRIx64 " %s",
                  launch ? "VMLAUNCH" : "VMRESUME", f.guest.rip, f.guest.rsp, f.guest.cr0,
                  (f.ctl.entry & ctl::ENTRY_IA32E_MODE_GUEST) ? "IA-32e" : "32-bit");
    announce(c, "vmentry",
             std::string("\"insn\":\"") + (launch ? "VMLAUNCH" : "VMRESUME") + "\",\"guest_rip\":\"" + hexs(f.guest.rip) +
                 "\"",
             line);
  }

  // Activity and interruptibility state (SDM 26.6): HLT, shutdown or wait-for-SIPI, blocking
  // by STI / MOV SS / NMI.
  static constexpr Cpu::HaltKind kKinds[4] = {Cpu::HaltKind::Hlt, Cpu::HaltKind::Hlt, Cpu::HaltKind::Shutdown,
                                              Cpu::HaltKind::WaitForSipi};
  c.halted = f.guest.activity != 0;
  c.halt_kind = kKinds[f.guest.activity & 3];
  // Blocking by STI or MOV SS covers the first guest instruction, as if that instruction
  // had just retired (the run loop turns the armed shadow into one instruction's blocking).
  c.interrupt_shadow = false;
  c.shadow_armed = (f.guest.interruptibility & 3) != 0;
  c.shadow_blocks_debug = (f.guest.interruptibility & 2) != 0;
  // With "virtual NMIs" bit 3 is virtual-NMI blocking, which the guest's IRET ends; the
  // processor's own NMI blocking comes back at the VM exit (SDM 24.4.2, 25.3).
  host_nmi_blocked_ = c.nmi_blocked;
  c.nmi_blocked = (f.guest.interruptibility & 8) != 0;

  // Event injection (SDM 26.5): delivered through the guest IDT after all state is loaded,
  // as if the event had occurred right now; software events push RIP + instruction length.
  const uint32_t info = f.ctl.entry_intr_info;
  if (info >> 31) {
    const uint8_t vector = info & 0xFF;
    const unsigned type = (info >> 8) & 7;
    const bool has_error = (info >> 11) & 1;
    Cpu::EventKind kind = Cpu::EventKind::Exception;
    switch (type) {
      case 0: kind = Cpu::EventKind::External; break;
      case 2: kind = Cpu::EventKind::Nmi; c.nmi_blocked = true; break;
      case 4: case 6: kind = Cpu::EventKind::Software; break;
      case 5: kind = Cpu::EventKind::Icebp; break;
      default: break;
    }
    c.halted = false;  // the injected event makes the processor active (26.6.2)
    c.halt_kind = Cpu::HaltKind::Hlt;
    c.insn_rip = c.s.rip();
    if (type >= 4 && type <= 6) c.s.rip() += f.ctl.entry_insn_len;
    injecting_ = true;
    const bool ok = c.deliver(vector, kind, has_error, f.ctl.entry_exception_error);
    injecting_ = false;
    if (!ok) c.stop_reason = StopReason::TripleFault;
  }
  arm_polling(c);
  // A guest entered in HLT or shutdown takes its MTF exit right away: it wakes the processor
  // (26.6.2 and the monitor-trap-flag rules of 26.6); not in wait-for-SIPI.
  if ((gc_.proc & ctl::PROC_MONITOR_TRAP_FLAG) && c.halted && c.halt_kind != Cpu::HaltKind::WaitForSipi)
    mtf_armed_ = true;
  c.next_check = 0;
  return Exec::VmTransition;
}

void VmxUnit::arm_polling(Cpu& c) {
  mtf_armed_ = false;
  c.vmx_poll = (gc_.proc & (ctl::PROC_INTERRUPT_WINDOW_EXITING | ctl::PROC_NMI_WINDOW_EXITING |
                             ctl::PROC_MONITOR_TRAP_FLAG)) ||
               (gc_.pin & ctl::PIN_ACTIVATE_VMX_PREEMPTION_TIMER);
}

Exec VmxUnit::entry_failure(Cpu& c, const EntryFields& f, uint32_t reason, uint64_t qualification,
                            const CheckFailure* why) {
  // The processor loads host state as on a VM exit, without saving guest state, and reports
  // the basic reason with bit 31 set (SDM 26.7).
  write_field(current_vmcs_, vmcs_field_info(VmcsField::EXIT_REASON), reason | (1u << 31));
  write_field(current_vmcs_, vmcs_field_info(VmcsField::EXIT_QUALIFICATION), qualification);
  char q[64];
  std::snprintf(q, sizeof q, " qualification %" PRIu64, qualification);
  announce(c, "vmentry-fail",
           "\"exit_reason\":" + std::to_string(reason) + ",\"qualification\":" + std::to_string(qualification) +
               (why ? "," + failure_json(*why) : std::string()),
           std::string("vmentry failed: exit reason ") + std::to_string(reason) + " (" +
               std::string(exit_reason_name(reason)) + ")" + q +
               (why ? " - " + describe(*why) : std::string(" - MSR-load entry ") + std::to_string(qualification)));
  (void)f;
  non_root_ = c.non_root = false;
  load_host_state(c);
  return Exec::VmTransition;
}

void VmxUnit::load_guest_state(Cpu& c, const EntryFields& f) {
  const GuestState& g = f.guest;
  const bool ia32e = f.ctl.entry & ctl::ENTRY_IA32E_MODE_GUEST;
  // CR0: ET, NW, CD and the reserved bits are never modified by VM entry (SDM 26.3.2.1); ET
  // is always 1 here.
  constexpr uint64_t kCr0Bits = cr0::PE | cr0::MP | cr0::EM | cr0::TS | cr0::NE | cr0::WP | cr0::AM | cr0::PG;
  c.s.cr0 = (g.cr0 & kCr0Bits) | (c.s.cr0 & (cr0::NW | cr0::CD)) | cr0::ET;
  c.s.cr3 = g.cr3;
  c.s.cr4 = g.cr4;
  if (f.ctl.entry & ctl::ENTRY_LOAD_DEBUG_CONTROLS) {
    c.s.dr[7] = (g.dr7 & 0xFFFF'FFFFull) | 0x400;
    c.s.debugctl = g.debugctl;
    c.dr7_changed();
  }
  c.s.sysenter_cs = g.sysenter_cs;
  c.s.sysenter_esp = g.sysenter_esp;
  c.s.sysenter_eip = g.sysenter_eip;
  if (f.ctl.entry & ctl::ENTRY_LOAD_IA32_PAT) c.s.pat = g.pat;
  if (f.ctl.entry & ctl::ENTRY_LOAD_IA32_EFER) {
    c.s.efer = g.efer;
  } else {
    // EFER.LMA follows "IA-32e mode guest", and so does LME when paging is on.
    c.s.efer = ia32e ? (c.s.efer | efer::LMA) : (c.s.efer & ~efer::LMA);
    if (g.cr0 & cr0::PG) c.s.efer = ia32e ? (c.s.efer | efer::LME) : (c.s.efer & ~efer::LME);
  }
  SegmentReg* regs[8] = {&c.s.seg[ES], &c.s.seg[CS], &c.s.seg[SS], &c.s.seg[DS],
                         &c.s.seg[FS], &c.s.seg[GS], &c.s.ldtr, &c.s.tr};
  for (unsigned k = 0; k < 8; ++k) *regs[k] = SegmentReg{g.seg[k].sel, g.seg[k].base, g.seg[k].limit, g.seg[k].ar};
  c.s.gdtr = TableReg{g.gdtr_base, g.gdtr_limit};
  c.s.idtr = TableReg{g.idtr_base, g.idtr_limit};
  c.s.regs[4] = g.rsp;
  c.s.rip() = g.rip;
  c.s.rflags = g.rflags;
  c.s.cpl = static_cast<uint8_t>(ar::dpl(g.seg[kSs].ar));  // CPL is SS.DPL (SDM 26.3.2.2)
  if ((g.cr0 & cr0::PG) && (g.cr4 & cr4::PAE) && !ia32e) {
    const bool ept = f.ctl.proc2 & ctl::PROC2_ENABLE_EPT;
    for (unsigned k = 0; k < 4; ++k)
      c.pdpte[k] = ept ? g.pdpte[k] : mem_.read((g.cr3 & 0xFFFF'FFE0ull) + 8 * k, 8);
  }
  enter_guest_context(c);
}

long VmxUnit::load_msr_list(Cpu& c, uint64_t addr, uint32_t count) {
  // Each 16-byte entry: MSR index (31:0), reserved (63:32), value (127:64) (SDM 24.8.2).
  for (uint32_t k = 0; k < count; ++k) {
    const uint64_t e = addr + 16ull * k;
    const uint32_t msr = static_cast<uint32_t>(mem_.read(e, 4));
    const uint32_t rsvd = static_cast<uint32_t>(mem_.read(e + 4, 4));
    const uint64_t value = mem_.read(e + 8, 8);
    // FS/GS base, IA32_SMM_MONITOR_CTL, x2APIC MSRs and the VMX MSRs may not be loaded (26.4).
    if (rsvd || msr == 0xC0000100 || msr == 0xC0000101 || msr == 0x9B || (msr >> 8) == 0x8 ||
        (msr >= 0x480 && msr <= 0x493))
      return k;
    const PendingFault saved = c.fault;
    const Exec r = msr_write(c, msr, value);
    c.fault = saved;
    if (r != Exec::Ok) return k;
  }
  return -1;
}

void VmxUnit::store_msr_list(Cpu& c, uint64_t addr, uint32_t count) {
  for (uint32_t k = 0; k < count; ++k) {
    const uint64_t e = addr + 16ull * k;
    const uint32_t msr = static_cast<uint32_t>(mem_.read(e, 4));
    uint64_t value = 0;
    const PendingFault saved = c.fault;
    if (msr_read(c, msr, value) != Exec::Ok) value = 0;  // a bad entry would be a VMX abort (27.4)
    c.fault = saved;
    mem_.write(e + 8, 8, value);
  }
}

void VmxUnit::announce(Cpu& c, const char* event, const std::string& json, const std::string& line) {
  if (on_transition) on_transition(line);
  if (c.trace) c.trace->emit(c, event, json);
}

}  // namespace vp
