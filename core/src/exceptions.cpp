// Event delivery (SDM Vol. 3 chapter 6): real-mode IVT (20.1.4), protected-mode IDT
// (6.12) and IA-32e IDT (6.14) with stack switches and IST, #DF for contributory and
// page-fault pairs and the triple fault that shuts the processor down (6.15, Table 6-5).
#include <cstdio>

#include "access.h"
#include "exec/system.h"

namespace vp {
namespace {

enum class Class { Benign, Contributory, PageFault };

Class class_of(uint8_t v) {
  switch (v) {
    case kDE: case kTS: case kNP: case kSS: case kGP: return Class::Contributory;
    case kPF: return Class::PageFault;
    default: return Class::Benign;
  }
}

bool has_error_code(uint8_t v) {
  return v == kDF || v == kTS || v == kNP || v == kSS || v == kGP || v == kPF || v == kAC;
}

struct Delivery {
  Cpu& c;
  uint8_t vector;
  Cpu::EventKind kind;
  bool has_err;
  uint32_t err;
  // Error code of a fault caused by delivery itself: IDT bit and EXT (SDM 6.13).
  uint32_t idt_err() const { return (uint32_t{vector} << 3) | 2 | (kind == Cpu::EventKind::Software ? 0 : 1); }
  uint32_t ext() const { return kind == Cpu::EventKind::Software ? 0 : 1; }
};

Exec deliver_real(Delivery& d) {
  Cpu& c = d.c;
  const uint32_t off = uint32_t{d.vector} * 4;
  if (off + 3 > c.s.idtr.limit) return c.gp(d.idt_err());
  uint64_t pa;  // (a guest-physical address under EPT with unrestricted guest)
  if (Exec r = translate(c, (c.s.idtr.base + off) & 0xFFFFFFFFull, Access::Read, pa, true); r != Exec::Ok) return r;
  const uint64_t ent = c.mem.read(pa, 4);
  if (Exec r = push_value(c, 2, c.s.rflags & 0xFFFF); r != Exec::Ok) return r;
  if (Exec r = push_value(c, 2, c.s.seg[CS].sel); r != Exec::Ok) return r;
  if (Exec r = push_value(c, 2, c.s.rip() & 0xFFFF); r != Exec::Ok) return r;
  c.s.rflags &= ~(rf::IF | rf::TF | rf::AC | rf::RF);
  c.s.seg[CS].sel = static_cast<uint16_t>(ent >> 16);
  c.s.seg[CS].base = (ent >> 16) << 4;
  c.s.rip() = ent & 0xFFFF;
  c.update_mode();
  return Exec::Ok;
}

Exec deliver_protected(Delivery& d) {
  Cpu& c = d.c;
  const bool lm = c.s.efer & efer::LMA;
  const unsigned gsize = lm ? 16 : 8;
  const uint32_t off = uint32_t{d.vector} * gsize;
  if (off + gsize - 1 > c.s.idtr.limit) return c.gp(d.idt_err());
  uint64_t pa;
  if (Exec r = translate(c, c.s.idtr.base + off, Access::Read, pa, true); r != Exec::Ok) return r;
  const uint64_t g = c.mem.read(pa, 8);
  const uint64_t g_hi = lm ? c.mem.read(pa + 8, 8) : 0;
  const unsigned type = (g >> 40) & 0xF;
  const unsigned gdpl = (g >> 45) & 3;
  const bool present = (g >> 47) & 1;
  const bool gate32 = type == 0xE || type == 0xF;
  const bool gate16 = !lm && (type == 0x6 || type == 0x7);
  if (type == 0x5 && !lm) {
    // Task gate (SDM 6.12.2): the handler is a task; its TSS must be available.
    if (d.kind == Cpu::EventKind::Software && gdpl < c.s.cpl) return c.gp(d.idt_err() & ~1u);
    if (!present) return c.raise(kNP, d.idt_err());
    const uint16_t tsel = static_cast<uint16_t>(g >> 16);
    uint64_t tdesc;
    if ((tsel & 4) || read_descriptor(c, tsel, tdesc) != Exec::Ok) return c.raise(kTS, (tsel & 0xFFFC) | d.ext());
    return task_switch(c, tsel, tdesc, TaskSource::Interrupt, d.has_err, d.err);
  }
  if (!gate32 && !gate16) return c.gp(d.idt_err());
  // Software interrupts check the gate's DPL (SDM 6.12.1.1); INT1 and exceptions do not.
  if (d.kind == Cpu::EventKind::Software && gdpl < c.s.cpl) return c.gp(d.idt_err() & ~1u);
  if (!present) return c.raise(kNP, d.idt_err());
  const uint16_t sel = static_cast<uint16_t>(g >> 16);
  uint64_t target = (g & 0xFFFF) | ((g >> 32) & 0xFFFF0000ull) | (lm ? (g_hi & 0xFFFFFFFF) << 32 : 0);
  if ((sel & 0xFFFC) == 0) return c.gp(d.ext());
  uint64_t desc;
  if (Exec r = read_descriptor(c, sel, desc); r != Exec::Ok) {
    c.fault.error |= d.ext();
    return r;
  }
  SegmentReg cs = descriptor_to_segment(sel, desc);
  const unsigned dpl = ar::dpl(cs.ar);
  if (!(cs.ar & ar::S) || !(ar::type(cs.ar) & 8) || dpl > c.s.cpl) return c.gp((sel & 0xFFFC) | d.ext());
  if (!(cs.ar & ar::P)) return c.raise(kNP, (sel & 0xFFFC) | d.ext());
  if (lm && (!(cs.ar & ar::L) || (cs.ar & ar::DB))) return c.gp((sel & 0xFFFC) | d.ext());
  const bool conforming = ar::type(cs.ar) & 4;
  const unsigned new_cpl = conforming ? c.s.cpl : dpl;
  const unsigned n = lm ? 8 : (gate32 ? 4 : 2);

  // From virtual-8086 mode the handler must run at CPL 0 in a nonconforming segment
  // (INTERRUPT-FROM-VIRTUAL-8086-MODE in SDM INT n; 20.3.1.1).
  const bool from_v86 = v86_mode(c);
  if (from_v86 && (new_cpl != 0)) return c.gp((sel & 0xFFFC) | d.ext());
  const PrivilegeSave saved(c);
  const uint16_t old_cs = c.s.seg[CS].sel;
  const uint64_t old_flags = c.s.rflags;
  const unsigned old_cpl = c.s.cpl;
  const unsigned ist = lm ? (g >> 32) & 7 : 0;
  const bool stack_switch = new_cpl < old_cpl || ist != 0;
  if (stack_switch) {
    if (from_v86) c.s.rflags &= ~rf::VM;  // the ring-0 stack is a protected-mode segment
    if (Exec r = switch_to_inner_stack(c, new_cpl, ist, d.ext(), true); r != Exec::Ok) {
      c.s.rflags = old_flags;
      return r;
    }
  } else if (lm) {
    c.s.regs[4] &= ~0xFull;
  }
  c.s.cpl = static_cast<uint8_t>(new_cpl);
  c.update_mode();
  // A stack that cannot take the frame is #SS with EXT, naming the new SS after a stack switch
  // outside IA-32e mode and the null selector otherwise (SDM Vol. 2 INT n pseudocode).
  const uint16_t frame_ss = !lm && new_cpl < old_cpl ? c.s.seg[SS].sel : 0;
  auto undo = [&](Exec r) {
    if (r == Exec::Fault && c.fault.vector == kSS) c.fault.error = (frame_ss & 0xFFFC) | d.ext();
    c.s.rflags = old_flags;
    return saved.restore(c, r);
  };
  const bool push_stack = lm || new_cpl < old_cpl;  // the old stack: on a privilege change,
                                                    // and always in IA-32e mode (SDM 6.14.2)
  const unsigned frame = (push_stack ? 5 : 3) + d.has_err + (from_v86 ? 4 : 0);
  if (Exec r = check_stack_room(c, n * frame, frame_ss, d.ext()); r != Exec::Ok) return undo(r);
  if (from_v86) {
    // The virtual-8086 data segments go first, GS highest, each in a gate-sized slot.
    for (uint8_t sr : {GS, FS, DS, ES})
      if (Exec r = push_value(c, n, c.s.seg[sr].sel); r != Exec::Ok) return undo(r);
  }
  if (push_stack) {
    if (Exec r = push_value(c, n, saved.ss.sel); r != Exec::Ok) return undo(r);
    if (Exec r = push_value(c, n, saved.rsp); r != Exec::Ok) return undo(r);
  }
  // RF: pushed as 1 for every fault except an instruction-breakpoint #DB (SDM 17.3.1.1),
  // otherwise as it is.
  const bool fault_class = d.kind == Cpu::EventKind::Exception &&
                           ((d.vector == kDB && c.db_class == Cpu::DbClass::Fault) ||
                            (d.vector != kDB && d.vector != kBP && d.vector != kOF && d.vector != kDF &&
                             d.vector != kMC && d.vector != kNMI));
  if (Exec r = push_value(c, n, fault_class ? old_flags | rf::RF : old_flags); r != Exec::Ok) return undo(r);
  if (Exec r = push_value(c, n, old_cs); r != Exec::Ok) return undo(r);
  if (Exec r = push_value(c, n, c.s.rip()); r != Exec::Ok) return undo(r);
  if (d.has_err)
    if (Exec r = push_value(c, n, d.err); r != Exec::Ok) return undo(r);
  if (!lm && !gate32) target &= 0xFFFF;
  // Leaving virtual-8086 mode, the data segment registers become null (unusable).
  if (from_v86)
    for (uint8_t sr : {ES, DS, FS, GS}) c.s.seg[sr] = null_segment();
  set_accessed(c, sel, desc);
  cs.sel = static_cast<uint16_t>((sel & 0xFFFC) | new_cpl);
  cs.ar |= 1;
  c.s.seg[CS] = cs;
  c.s.rip() = target;
  // Interrupt gates clear IF; every gate clears TF, NT, RF, VM (SDM 6.12.1.3).
  c.s.rflags &= ~(rf::TF | rf::NT | rf::RF | rf::VM);
  if (type == 0xE || type == 0x6) c.s.rflags &= ~rf::IF;
  c.update_mode();
  return Exec::Ok;
}

}  // namespace

bool Cpu::shutdown(const char* why) {
  vectoring = {};
  // In VMX non-root operation a triple fault is a VM exit (SDM Vol. 3C 25.2).
  if (non_root && vmx->intercept_triple_fault(*this)) return true;
  log_msg(std::string("triple fault: ") + why);
  return false;
}

bool Cpu::deliver(uint8_t vector, EventKind kind, bool has_err, uint32_t err) {
  // VMX non-root operation: the exception bitmap, NMI exiting ... may turn the event into a
  // VM exit (SDM Vol. 3C 25.2). External interrupts were asked about before INTA.
  if (non_root && kind != EventKind::External &&
      vmx->intercept_event(*this, vector, static_cast<uint8_t>(kind), has_err, err)) {
    vectoring = {};
    return true;
  }
  const uint64_t event_rip = s.rip();
  if (trace) {
    static const char* kinds[] = {"exception", "external", "software", "nmi", "int1"};
    char f[192];
    std::snprintf(f, sizeof f, "\"kind\":\"%s\",\"vector\":%u,\"cs\":%u,\"rip\":\"0x%llx\"", kinds[static_cast<int>(kind)],
                  vector, s.seg[CS].sel, static_cast<unsigned long long>(kind == EventKind::Exception ? event_rip : insn_rip));
    std::string fields = f;
    if (has_err) fields += ",\"error\":" + std::to_string(err);
    if (vector == kPF && kind == EventKind::Exception) {
      std::snprintf(f, sizeof f, ",\"cr2\":\"0x%llx\"", static_cast<unsigned long long>(s.cr2));
      fields += f;
    }
    trace->emit(*this, kind == EventKind::External ? "interrupt" : "exception", fields);
  }
  Delivery d{*this, vector, kind, has_err, err};
  // While this event is being delivered, a VM exit it causes records it as IDT-vectoring
  // information (SDM Vol. 3C 27.2.4).
  const Vectoring outer = vectoring;
  const bool soft = kind == EventKind::Software || kind == EventKind::Icebp;
  vectoring = {true, vector, static_cast<uint8_t>(kind), has_err, err,
               static_cast<uint8_t>(soft ? event_rip - insn_rip : 0)};
  const Exec r = (s.cr0 & cr0::PE) ? deliver_protected(d) : deliver_real(d);
  if (r == Exec::Ok || r == Exec::VmTransition) {  // (a task gate's task switch may VM-exit)
    vectoring = outer;
    return true;
  }
  if (fault.vector == kVmExitPending) {
    // An EPT violation or misconfiguration during delivery: the VM exit reports this event as
    // IDT-vectoring information, at the RIP it would be delivered with (SDM Vol. 3C 27.2.4).
    s.rip() = (kind == EventKind::Software || kind == EventKind::Icebp) ? insn_rip : event_rip;
    fault = {};
    vmx->take_pending_exit(*this);
    vectoring = {};
    return true;
  }
  // Delivery faulted. A fault while delivering a software interrupt is reported at the
  // INT instruction; otherwise the two events combine per SDM Table 6-5.
  if (kind == EventKind::Software || kind == EventKind::Icebp) {
    s.rip() = insn_rip;
    return deliver_exception();
  }
  s.rip() = event_rip;
  if (kind != EventKind::Exception) return deliver_exception();
  // VMX non-root operation: the exception bitmap sees the second exception before the pair
  // can become #DF (SDM Vol. 3C 25.2); the exit's IDT-vectoring information names the first.
  if (non_root) {
    const PendingFault f2 = fault;
    cr2_before_pf = s.cr2;
    if (vmx->intercept_event(*this, f2.vector, static_cast<uint8_t>(EventKind::Exception),
                             f2.has_error || has_error_code(f2.vector), f2.error)) {
      fault = {};
      vectoring = {};
      return true;
    }
  }
  const Class first = class_of(vector), second = class_of(fault.vector);
  if (vector == kDF) return shutdown("exception while delivering #DF");
  if ((first == Class::Contributory && second == Class::Contributory) ||
      (first == Class::PageFault && second != Class::Benign)) {
    fault = {kDF, true, 0};
  }
  return deliver_exception();
}

bool Cpu::deliver_exception() {
  const PendingFault f = fault;
  fault = {};
  if (f.vector == kVmExitPending) {  // the access was an EPT violation or misconfiguration
    vmx->take_pending_exit(*this);
    vectoring = {};
    in_iret = false;
    return true;
  }
  if (f.vector == kPF) {
    cr2_before_pf = s.cr2;  // a #PF that causes a VM exit leaves CR2 alone (SDM Vol. 3C 27.1)
    s.cr2 = fault_cr2;
  }
  if (++delivering_ > 3) {
    delivering_ = 0;
    return shutdown("nested exception delivery");
  }
  const bool ok = deliver(f.vector, EventKind::Exception, f.has_error || has_error_code(f.vector), f.error);
  delivering_ = 0;
  in_iret = false;
  vectoring = {};
  return ok;
}

}  // namespace vp
