// System instructions: MOV CR/DR, segment and descriptor-table registers, RDMSR/WRMSR,
// CPUID, RDTSC, IN/OUT, CLI/STI/HLT, INVLPG and cache control, far RET and IRET.
#include "system.h"
#include "vp/core/operands.h"

#include <cstdio>

namespace vp {

void write_flags(Cpu& c, uint64_t v, unsigned osz) {
  // SDM POPF: at CPL 0 every flag but VM/VIF/VIP (RF is cleared); above, IOPL is kept and
  // IF changes only when CPL <= IOPL.
  uint64_t changeable = rf::kArith | rf::TF | rf::DF | rf::NT | rf::AC | rf::ID | rf::IF | rf::IOPL;
  const bool pm = c.s.cr0 & cr0::PE;
  if (pm) {
    const unsigned iopl = (c.s.rflags >> 12) & 3;
    if (c.s.cpl > 0) changeable &= ~rf::IOPL;
    if (c.s.cpl > iopl) changeable &= ~rf::IF;
  }
  if (osz == 2) changeable &= 0xFFFF;
  const uint64_t old = c.s.rflags;
  c.s.rflags = ((old & ~changeable) | (v & changeable) | rf::kFixed1) & ~rf::RF;
  if ((c.s.rflags & rf::IF) && !(old & rf::IF)) c.next_check = 0;
}

Exec load_pdptes(Cpu& c, uint64_t cr3) {
  // PAE paging: the four PDPTEs are loaded with CR3 (SDM Vol. 3 4.4.1); reserved bits #GP.
  uint64_t e[4];
  if (Exec r = read_pdptes(c, cr3 & 0xFFFFFFE0ull, e); r != Exec::Ok) return r;
  for (unsigned k = 0; k < 4; ++k) {
    const uint64_t rsvd = 0x1E6ull | (~((1ull << c.model.maxphyaddr) - 1) & ~0xFFFull);
    if ((e[k] & 1) && (e[k] & rsvd)) return c.gp(0);
  }
  for (unsigned k = 0; k < 4; ++k) c.pdpte[k] = e[k];
  return Exec::Ok;
}

namespace {

Exec need_cpl0(Cpu& c) { return c.s.cpl == 0 ? Exec::Ok : c.gp(0); }

// --- control registers (SDM MOV—Move to/from Control Registers; Vol. 3 2.5) --------------

// In VMX operation CR0 and CR4 must keep the IA32_VMX_CRn_FIXED0/1 bits: CLTS, LMSW and
// MOV CR that would break them raise #GP(0) (SDM Vol. 3C "Restrictions on VMX Operation").
bool vmx_fixed_bits_violated(const Cpu& c, unsigned cr, uint64_t v) {
  return c.vmx && c.vmx->in_vmx_operation() && !c.vmx->cr_value_allowed(cr, v);
}

Exec write_cr0(Cpu& c, uint64_t v) {
  if (v >> 32) return c.gp(0);
  v = (v & (cr0::PE | cr0::MP | cr0::EM | cr0::TS | cr0::NE | cr0::WP | cr0::AM | cr0::NW | cr0::CD | cr0::PG)) |
      cr0::ET;  // reserved bits 31:0 are ignored, ET is fixed to 1
  if (vmx_fixed_bits_violated(c, 0, v)) return c.gp(0);
  if ((v & cr0::PG) && !(v & cr0::PE)) return c.gp(0);
  if ((v & cr0::NW) && !(v & cr0::CD)) return c.gp(0);
  const uint64_t old = c.s.cr0;
  if ((v & cr0::PG) && !(old & cr0::PG) && (c.s.efer & efer::LME)) {
    // Activating IA-32e mode (SDM Vol. 3 9.8.5): PAE required, CS.L must be 0.
    if (!(c.s.cr4 & cr4::PAE) || (c.s.seg[CS].ar & ar::L)) return c.gp(0);
    c.s.efer |= efer::LMA;
  }
  if (!(v & cr0::PG) && (old & cr0::PG) && (c.s.efer & efer::LMA)) {
    // Paging cannot go off from 64-bit mode, nor while CR4.PCIDE = 1 (SDM MOV CR).
    if (c.long64 || (c.s.cr4 & cr4::PCIDE)) return c.gp(0);
    c.s.efer &= ~efer::LMA;
  }
  if ((v & cr0::PG) && (c.s.cr4 & cr4::PAE) && !(c.s.efer & efer::LME) && ((v ^ old) & (cr0::PG | cr0::CD | cr0::NW)))
    if (Exec r = load_pdptes(c, c.s.cr3); r != Exec::Ok) return r;
  c.s.cr0 = v;
  c.update_mode();
  if ((v ^ old) & (cr0::PG | cr0::WP | cr0::PE)) c.flush_tlb();
  return Exec::Ok;
}

Exec write_cr4(Cpu& c, uint64_t v) {
  // CR4.VMXE exists only with VMX (CPUID.1:ECX.VMX); it cannot be cleared in VMX operation.
  if (v & ~(cr4::kModelled | (c.vmx ? cr4::VMXE : 0))) return c.gp(0);
  if (vmx_fixed_bits_violated(c, 4, v)) return c.gp(0);
  const uint64_t old = c.s.cr4;
  if ((c.s.efer & efer::LMA) && !(v & cr4::PAE)) return c.gp(0);
  // CR4.PCIDE may go to 1 only in IA-32e mode with CR3[11:0] = 0 (SDM MOV CR, Vol. 3 4.10.1).
  if ((v & cr4::PCIDE) && !(old & cr4::PCIDE) && (!(c.s.efer & efer::LMA) || (c.s.cr3 & 0xFFF))) return c.gp(0);
  // PAE paging reloads the PDPTEs when PAE, PSE, PGE or SMEP change (SDM Vol. 3 4.4.1).
  if ((c.s.cr0 & cr0::PG) && (v & cr4::PAE) && !(c.s.efer & efer::LMA) &&
      ((v ^ old) & (cr4::PAE | cr4::PSE | cr4::PGE | cr4::SMEP)))
    if (Exec r = load_pdptes(c, c.s.cr3); r != Exec::Ok) return r;
  c.s.cr4 = v;
  c.refresh_tlb_context();
  // Clearing PCIDE invalidates every PCID's translations, global ones too (4.10.4.1).
  if ((v ^ old) & (cr4::PAE | cr4::PSE | cr4::PGE | cr4::SMEP | cr4::SMAP) || ((old & ~v) & cr4::PCIDE))
    c.flush_tlb();
  if ((v ^ old) & cr4::DE) c.dr7_changed();  // I/O breakpoints exist only with CR4.DE
  return Exec::Ok;
}

Exec write_cr3(Cpu& c, uint64_t v) {
  // With CR4.PCIDE, bit 63 of the source says "keep this PCID's translations"; CR3 bit 63
  // itself stays 0 (SDM MOV CR, Vol. 3 4.10.4.1).
  const bool pcide = c.s.cr4 & cr4::PCIDE;
  const bool keep = pcide && (v >> 63);
  if (pcide) v &= ~(1ull << 63);
  if (c.s.efer & efer::LMA) {
    if (v & ~((1ull << c.model.maxphyaddr) - 1)) return c.gp(0);
  } else {
    v &= 0xFFFFFFFF;
    if (c.paging && (c.s.cr4 & cr4::PAE))
      if (Exec r = load_pdptes(c, v); r != Exec::Ok) return r;
  }
  c.s.cr3 = v;
  c.refresh_tlb_context();
  // The (new) PCID's non-global translations go, unless bit 63 kept them (4.10.4.1).
  if (!keep) c.flush_pcid(pcide ? static_cast<uint16_t>(v & 0xFFF) : 0);
  return Exec::Ok;
}

Exec exec_mov_cr(Cpu& c, const Insn& i) {
  if (Exec r = need_cpl0(c); r != Exec::Ok) return r;
  const bool to_cr = i.op[0].kind == OpKind::Cr;
  const unsigned n = to_cr ? i.op[0].reg : i.op[1].reg;
  const uint8_t gpr = to_cr ? i.op[1].reg : i.op[0].reg;
  if (c.non_root && (n == 3 || n == 8) && c.vm_intercept(i, Intercept::MovCr)) return Exec::VmTransition;
  if (!to_cr) {
    uint64_t v;
    switch (n) {
      case 0: v = c.non_root ? c.vmx->cr_read_shadow(0, c.s.cr0) : c.s.cr0; break;
      case 2: v = c.s.cr2; break;
      case 3: v = c.s.cr3; break;
      case 4: v = c.non_root ? c.vmx->cr_read_shadow(4, c.s.cr4) : c.s.cr4; break;
      case 8: v = c.intc ? c.intc->read_tpr() >> 4 : c.s.cr8; break;
      default: return c.ud();
    }
    set_reg_sized(c, gpr, c.long64 ? 8 : 4, v);  // CR operands are 64-bit in 64-bit mode, else 32
    return Exec::Ok;
  }
  uint64_t v = get_reg_sized(c, gpr, c.long64 ? 8 : 4);
  // CR0/CR4 in non-root operation: the guest/host masks and read shadows (SDM Vol. 3C 25.3).
  if (c.non_root && (n == 0 || n == 4) && c.vmx->intercept_cr_write(c, i, n, v)) return Exec::VmTransition;
  switch (n) {
    case 0: return write_cr0(c, v);
    case 2: c.s.cr2 = v; return Exec::Ok;
    case 3: return write_cr3(c, v);
    case 4: return write_cr4(c, v);
    case 8:
      if (v & ~0xFull) return c.gp(0);
      c.s.cr8 = v;
      if (c.intc) c.intc->write_tpr(static_cast<uint8_t>(v << 4));
      c.next_check = 0;  // a lower priority may unmask a pending interrupt
      return Exec::Ok;
    default: return c.ud();
  }
}

Exec exec_mov_dr(Cpu& c, const Insn& i) {
  // "MOV-DR exiting" takes priority over the CPL and CR4.DE checks (SDM Vol. 3C 25.1.3).
  if (c.vm_intercept(i, Intercept::MovDr)) return Exec::VmTransition;
  if (Exec r = need_cpl0(c); r != Exec::Ok) return r;
  if (c.s.dr[7] & (1u << 13)) {
    // General detect (SDM 17.2.4): a #DB fault with DR6.BD; GD is cleared for the handler.
    c.s.dr[6] |= 1u << 13;
    c.s.dr[7] &= ~(1ull << 13);
    c.dr7_changed();
    c.db_class = Cpu::DbClass::Fault;
    return c.raise(kDB);
  }
  const bool to_dr = i.op[0].kind == OpKind::Dr;
  unsigned n = to_dr ? i.op[0].reg : i.op[1].reg;
  const uint8_t gpr = to_dr ? i.op[1].reg : i.op[0].reg;
  if (n == 4 || n == 5) {
    if (c.s.cr4 & cr4::DE) return c.ud();  // SDM MOV DR: DR4/DR5 alias DR6/DR7 unless CR4.DE
    n += 2;
  }
  if (!to_dr) {
    set_reg_sized(c, gpr, c.long64 ? 8 : 4, c.s.dr[n]);
    return Exec::Ok;
  }
  uint64_t v = get_reg_sized(c, gpr, c.long64 ? 8 : 4);
  if ((n == 6 || n == 7) && (v >> 32)) return c.gp(0);
  if (n == 6) v = (v | 0xFFFF0FF0ull) & 0xFFFFFFFFull & ~(1ull << 12);
  if (n == 7) v = (v | 0x400) & ~0xD800ull;
  c.s.dr[n] = v;
  if (n == 7) c.dr7_changed();
  return Exec::Ok;
}

Exec exec_clts(Cpu& c, const Insn& i) {
  if (Exec r = need_cpl0(c); r != Exec::Ok) return r;
  uint64_t v = c.s.cr0 & ~cr0::TS;
  if (c.non_root && c.vmx->intercept_cr_write(c, i, 0, v)) return Exec::VmTransition;
  c.s.cr0 = v;
  return Exec::Ok;
}

// The r/m16 destination of SMSW, SLDT, STR and MOV r/m, Sreg: memory takes 16 bits, a
// register the whole operand size (a selector zero-extended: SDM MOV, Pentium Pro and later).
Exec store_rm16(Cpu& c, const Insn& i, uint64_t v) {
  if (i.op[0].kind != OpKind::Gpr) return write_mem<uint16_t>(c, i.seg, ea_of(c, i), static_cast<uint16_t>(v));
  set_reg_sized(c, i.op[0].reg, i.osz, v);
  return Exec::Ok;
}

Exec exec_smsw(Cpu& c, const Insn& i) {
  return store_rm16(c, i, c.non_root ? c.vmx->cr_read_shadow(0, c.s.cr0) : c.s.cr0);
}

Exec exec_lmsw(Cpu& c, const Insn& i) {
  if (Exec r = need_cpl0(c); r != Exec::Ok) return r;
  uint16_t v;
  if (Exec r = read_op(c, i, 0, v); r != Exec::Ok) return r;
  // LMSW loads PE MP EM TS; it can set PE but never clear it.
  const uint64_t m = cr0::MP | cr0::EM | cr0::TS;
  uint64_t nv = (c.s.cr0 & ~m) | (v & m) | (c.s.cr0 & cr0::PE) | (v & cr0::PE);
  if (c.non_root && c.vmx->intercept_cr_write(c, i, 0, nv)) return Exec::VmTransition;
  return write_cr0(c, nv);
}

// --- descriptor tables ----------------------------------------------------------------

Exec exec_lgdt_lidt(Cpu& c, const Insn& i) {
  if (Exec r = need_cpl0(c); r != Exec::Ok) return r;
  if (c.vm_intercept(i, Intercept::DescriptorTable)) return Exec::VmTransition;
  const uint64_t ea = ea_of(c, i);
  uint16_t limit;
  uint64_t base;
  if (Exec r = read_mem(c, i.seg, ea, limit); r != Exec::Ok) return r;
  if (c.long64) {
    if (Exec r = read_mem(c, i.seg, (ea + 2) & addr_mask(i.asz), base); r != Exec::Ok) return r;
    if (!canonical(base)) return c.gp(0);
  } else {
    uint32_t b;
    if (Exec r = read_mem(c, i.seg, (ea + 2) & addr_mask(i.asz), b); r != Exec::Ok) return r;
    base = i.osz == 2 ? (b & 0xFFFFFF) : b;  // 16-bit operand size: 24-bit base
  }
  TableReg& t = i.mnemonic == ZYDIS_MNEMONIC_LGDT ? c.s.gdtr : c.s.idtr;
  t.base = base;
  t.limit = limit;
  return Exec::Ok;
}

Exec exec_sgdt_sidt(Cpu& c, const Insn& i) {
  if (c.vm_intercept(i, Intercept::DescriptorTable)) return Exec::VmTransition;
  const TableReg& t = i.mnemonic == ZYDIS_MNEMONIC_SGDT ? c.s.gdtr : c.s.idtr;
  const uint64_t ea = ea_of(c, i);
  if (Exec r = write_mem<uint16_t>(c, i.seg, ea, static_cast<uint16_t>(t.limit)); r != Exec::Ok) return r;
  if (c.long64) return write_mem<uint64_t>(c, i.seg, (ea + 2) & addr_mask(i.asz), t.base);
  return write_mem<uint32_t>(c, i.seg, (ea + 2) & addr_mask(i.asz), static_cast<uint32_t>(t.base));
}

// LLDT / LTR (SDM Vol. 2): protected mode only, CPL 0, a GDT system descriptor of type
// LDT (2) or available TSS (9); LTR marks the TSS busy.
Exec exec_lldt_ltr(Cpu& c, const Insn& i) {
  if (!(c.s.cr0 & cr0::PE) || v86_mode(c)) return c.ud();  // "not recognized" there
  if (Exec r = need_cpl0(c); r != Exec::Ok) return r;
  if (c.vm_intercept(i, Intercept::DescriptorTable)) return Exec::VmTransition;
  const bool ltr = i.mnemonic == ZYDIS_MNEMONIC_LTR;
  uint16_t sel;
  if (Exec r = read_op(c, i, 0, sel); r != Exec::Ok) return r;
  if ((sel & 0xFFFC) == 0) {
    if (ltr) return c.gp(0);
    c.s.ldtr = null_segment(sel);
    return Exec::Ok;
  }
  if (sel & 4) return c.gp(sel & 0xFFFC);
  uint64_t d, hi = 0;
  if (Exec r = read_descriptor(c, sel, d); r != Exec::Ok) return r;
  if (c.s.efer & efer::LMA) {
    uint64_t pa;
    if (Exec r = translate(c, c.s.gdtr.base + (sel & ~7u) + 8, Access::Read, pa, true); r != Exec::Ok) return r;
    hi = c.mem.read(pa, 8);
  }
  SegmentReg s = descriptor_to_segment(sel, d, hi);
  const uint32_t t = ar::type(s.ar);
  // LTR takes an available TSS: 32-bit (type 9) or, outside IA-32e mode, 16-bit (type 1).
  const bool type_ok = ltr ? t == 9 || (t == 1 && !(c.s.efer & efer::LMA)) : t == 2;
  if ((s.ar & ar::S) || !type_ok) return c.gp(sel & 0xFFFC);
  if (!(s.ar & ar::P)) return c.raise(kNP, sel & 0xFFFC);
  if (ltr) {
    s.ar |= 2;  // busy
    uint64_t pa;
    if (translate(c, c.s.gdtr.base + (sel & ~7u) + 5, Access::Write, pa, true) == Exec::Ok)
      c.mem.write(pa, 1, ((d >> 40) & 0xFF) | 2);
    c.s.tr = s;
  } else {
    c.s.ldtr = s;
  }
  return Exec::Ok;
}


Exec exec_sldt_str(Cpu& c, const Insn& i) {
  if (!(c.s.cr0 & cr0::PE) || v86_mode(c)) return c.ud();
  if (c.vm_intercept(i, Intercept::DescriptorTable)) return Exec::VmTransition;
  return store_rm16(c, i, i.mnemonic == ZYDIS_MNEMONIC_STR ? c.s.tr.sel : c.s.ldtr.sel);
}

Exec exec_mov_sreg(Cpu& c, const Insn& i) {
  if (i.op[0].kind == OpKind::Seg) {
    const uint8_t seg = i.op[0].reg;
    if (seg == CS) return c.ud();
    uint16_t sel;
    if (Exec r = read_op(c, i, 1, sel); r != Exec::Ok) return r;
    if (Exec r = load_data_segment(c, seg, sel); r != Exec::Ok) return r;
    if (seg == SS) {
      c.arm_interrupt_shadow(true);
    }
    return Exec::Ok;
  }
  return store_rm16(c, i, c.s.seg[i.op[1].reg].sel);
}

// LDS LES LFS LGS LSS (SDM Vol. 2): the far pointer m16:16/32/64 at the operand, its offset
// into the register and its selector into the segment register, with MOV's checks; the
// register changes only once the segment load succeeded. Unlike MOV SS, LSS opens no
// interrupt shadow.
Exec exec_load_far_pointer(Cpu& c, const Insn& i) {
  if (i.op[1].kind != OpKind::Mem) return c.ud();
  uint8_t seg = DS;
  switch (i.mnemonic) {
    case ZYDIS_MNEMONIC_LES: seg = ES; break;
    case ZYDIS_MNEMONIC_LFS: seg = FS; break;
    case ZYDIS_MNEMONIC_LGS: seg = GS; break;
    case ZYDIS_MNEMONIC_LSS: seg = SS; break;
    default: break;
  }
  const unsigned n = i.osz;
  const uint64_t ea = ea_of(c, i);
  uint64_t off, sel;
  if (Exec r = read_mem_sized(c, i.seg, ea, n, off); r != Exec::Ok) return r;
  if (Exec r = read_mem_sized(c, i.seg, (ea + n) & addr_mask(i.asz), 2, sel); r != Exec::Ok) return r;
  if (Exec r = load_data_segment(c, seg, static_cast<uint16_t>(sel)); r != Exec::Ok) return r;
  set_reg_sized(c, i.op[0].reg, n, off);
  return Exec::Ok;
}

// --- MSRs (SDM Vol. 4) -------------------------------------------------------------------

enum Msr : uint32_t {
  kTsc = 0x10, kApicBase = 0x1B, kFeatureControl = 0x3A, kSysenterCs = 0x174, kSysenterEsp = 0x175,
  kSysenterEip = 0x176, kMiscEnable = 0x1A0, kDebugCtl = 0x1D9, kPat = 0x277, kMtrrDefType = 0x2FF,
  kEfer = 0xC0000080, kStar = 0xC0000081, kLstar = 0xC0000082, kCstar = 0xC0000083, kFmask = 0xC0000084,
  kFsBase = 0xC0000100, kGsBase = 0xC0000101, kKernelGsBase = 0xC0000102, kTscAux = 0xC0000103,
  kVmxFirst = 0x480, kVmxLast = 0x493,  // IA32_VMX_BASIC .. the VMX capability MSRs
};

// MTRRs (SDM Vol. 3 11.11): the model has 10 variable ranges, the fixed ranges and
// write-combining (IA32_MTRRCAP = 50AH, no SMRR as there is no SMM). They are registers only:
// there are no caches for memory types to act on (docs/cpu-model.md).
constexpr uint32_t kMtrrCap = 0xFE, kMtrrPhysBase0 = 0x200, kMtrrVariableCount = 10;
constexpr uint64_t kMtrrCapValue = kMtrrVariableCount | (1u << 8) | (1u << 10);
constexpr uint32_t kMtrrFixed[11] = {0x250, 0x258, 0x259, 0x268, 0x269, 0x26A, 0x26B, 0x26C, 0x26D, 0x26E, 0x26F};

bool mtrr_type_valid(uint64_t t) { return t == 0 || t == 1 || t == 4 || t == 5 || t == 6; }
bool variable_mtrr(uint32_t msr) { return msr >= kMtrrPhysBase0 && msr < kMtrrPhysBase0 + 2 * kMtrrVariableCount; }

// The MTRR that msr names, or nullptr.
uint64_t* mtrr_slot(Cpu& c, uint32_t msr) {
  if (variable_mtrr(msr)) return &c.s.mtrr_var[msr - kMtrrPhysBase0];
  for (unsigned k = 0; k < 11; ++k)
    if (kMtrrFixed[k] == msr) return &c.s.mtrr_fix[k];
  return nullptr;
}

// Whether v may be written to the MTRR msr: valid memory types, reserved bits clear
// (11.11.2.1-11.11.2.3), physical-address bits within MAXPHYADDR.
bool mtrr_value_valid(const Cpu& c, uint32_t msr, uint64_t v) {
  const uint64_t addr = ((1ull << c.model.maxphyaddr) - 1) & ~0xFFFull;
  if (variable_mtrr(msr)) {
    if ((msr - kMtrrPhysBase0) % 2 == 0) return mtrr_type_valid(v & 0xFF) && !(v & ~(addr | 0xFF));  // PHYSBASE
    return !(v & ~(addr | (1u << 11)));                                                           // PHYSMASK
  }
  for (unsigned k = 0; k < 8; ++k)
    if (!mtrr_type_valid((v >> (8 * k)) & 0xFF)) return false;
  return true;
}

uint64_t* msr_slot(Cpu& c, uint32_t msr) {
  switch (msr) {
    case kSysenterCs: return &c.s.sysenter_cs;
    case kSysenterEsp: return &c.s.sysenter_esp;
    case kSysenterEip: return &c.s.sysenter_eip;
    case kMiscEnable: return &c.s.misc_enable;
    case kDebugCtl: return &c.s.debugctl;
    case kPat: return &c.s.pat;
    case kMtrrDefType: return &c.s.mtrr_def_type;
    case kStar: return &c.s.star;
    case kLstar: return &c.s.lstar;
    case kCstar: return &c.s.cstar;
    case kFmask: return &c.s.fmask;
    case kKernelGsBase: return &c.s.kernel_gs_base;
    case kTscAux: return &c.s.tsc_aux;
    default: return nullptr;
  }
}

}  // namespace

// RDMSR semantics without the instruction (also used by the VM-exit MSR-store list).
Exec msr_read(Cpu& c, uint32_t msr, uint64_t& v) {
  switch (msr) {
    case kTsc: v = c.guest_tsc(); break;
    case kFeatureControl: v = c.s.feature_control; break;
    case kEfer: v = c.s.efer; break;
    case kVmxFirst ... kVmxLast:
      // Read-only capability MSRs; absent (#GP) without VMX or for a feature not reported.
      if (!(c.vmx && c.vmx->read_capability_msr(msr, v))) return c.gp(0);
      break;
    case kFsBase: v = c.s.seg[FS].base; break;
    case kGsBase: v = c.s.seg[GS].base; break;
    case kMtrrCap: v = kMtrrCapValue; break;
    default:
      if (uint64_t* m = mtrr_slot(c, msr)) {
        v = *m;
      } else if (uint64_t* p = msr_slot(c, msr)) {
        v = *p;
      } else if (!(c.msr_read_hook && c.msr_read_hook(msr, v))) {
        char text[64];
        std::snprintf(text, sizeof text, "rdmsr of MSR %08XH, which is not modelled: #GP(0)", msr);
        c.log_msg(text);
        return c.gp(0);
      }
  }
  return Exec::Ok;
}

namespace {

Exec exec_rdmsr(Cpu& c, const Insn& i) {
  if (Exec r = need_cpl0(c); r != Exec::Ok) return r;
  if (c.vm_intercept(i, Intercept::Rdmsr)) return Exec::VmTransition;
  uint64_t v;
  if (Exec r = msr_read(c, static_cast<uint32_t>(c.s.regs[1]), v); r != Exec::Ok) return r;
  c.s.regs[0] = v & 0xFFFFFFFF;
  c.s.regs[2] = v >> 32;
  return Exec::Ok;
}

Exec exec_wrmsr(Cpu& c, const Insn& i) {
  if (Exec r = need_cpl0(c); r != Exec::Ok) return r;
  if (c.vm_intercept(i, Intercept::Wrmsr)) return Exec::VmTransition;
  return msr_write(c, static_cast<uint32_t>(c.s.regs[1]), (c.s.regs[2] << 32) | (c.s.regs[0] & 0xFFFFFFFF));
}

}  // namespace

// WRMSR semantics without the instruction (also used by the VM-entry/exit MSR-load lists).
Exec msr_write(Cpu& c, uint32_t msr, uint64_t v) {
  switch (msr) {
    case kTsc: c.s.tsc_offset = v - c.clock; return Exec::Ok;
    case kFeatureControl: return c.gp(0);  // locked by firmware
    case kVmxFirst ... kVmxLast: return c.gp(0);  // read-only (SDM Vol. 3D A.1)
    case kEfer: {
      // SCE, LME, NXE are writable; LMA is read-only (SDM Vol. 3 2.2.1). LME cannot change
      // while paging is on.
      if (v & ~(efer::SCE | efer::LME | efer::LMA | efer::NXE)) return c.gp(0);
      // NXE exists only while IA32_MISC_ENABLE.XD_DISABLE = 0 (CPUID reports NX then).
      if ((v & efer::NXE) && (c.s.misc_enable & misc::XdDisable)) return c.gp(0);
      if ((c.s.cr0 & cr0::PG) && ((v ^ c.s.efer) & efer::LME)) return c.gp(0);
      const uint64_t nv = (v & ~efer::LMA) | (c.s.efer & efer::LMA);
      if ((nv ^ c.s.efer) & efer::NXE) c.flush_tlb();
      c.s.efer = nv;
      c.update_mode();
      return Exec::Ok;
    }
    case kFsBase:
    case kGsBase:
      if (!canonical(v)) return c.gp(0);
      c.s.seg[msr == kFsBase ? FS : GS].base = v;
      c.update_mode();
      return Exec::Ok;
    case kPat:
      // Each PAT entry must be a valid memory type (0, 1, 4, 5, 6, 7).
      for (unsigned k = 0; k < 8; ++k) {
        const unsigned t = (v >> (8 * k)) & 0xFF;
        if (t > 7 || t == 2 || t == 3) return c.gp(0);
      }
      c.s.pat = v;
      return Exec::Ok;
    case kLstar:
    case kCstar:
    case kKernelGsBase:
    case kSysenterEsp:
    case kSysenterEip:
      if (!canonical(v)) return c.gp(0);
      *msr_slot(c, msr) = v;
      return Exec::Ok;
    case kMtrrCap: return c.gp(0);  // read-only
    case kMtrrDefType:
      // Type (7:0), FE (10), E (11); the rest reserved (11.11.2.1).
      if (!mtrr_type_valid(v & 0xFF) || (v & ~0xCFFull)) return c.gp(0);
      c.s.mtrr_def_type = v;
      return Exec::Ok;
    case kTscAux:
      if (v >> 32) return c.gp(0);  // IA32_TSC_AUX: bits 63:32 reserved (SDM Vol. 4)
      c.s.tsc_aux = v;
      return Exec::Ok;
    case kMiscEnable:
      // Reserved bits #GP; the read-only ones keep their value (SDM Vol. 4 Table 2-2).
      if (v & ~(misc::kWritable | misc::kReadOnly)) return c.gp(0);
      c.s.misc_enable = (v & misc::kWritable) | misc::kReadOnly;
      return Exec::Ok;
    case kDebugCtl:
      if (v & ~0x3ull) return c.gp(0);  // only LBR and BTF modelled
      c.s.debugctl = v;
      return Exec::Ok;
    default:
      if (uint64_t* m = mtrr_slot(c, msr)) {
        if (!mtrr_value_valid(c, msr, v)) return c.gp(0);
        *m = v;
        return Exec::Ok;
      }
      if (uint64_t* p = msr_slot(c, msr)) {
        *p = v;
        return Exec::Ok;
      }
      if (c.msr_write_hook && c.msr_write_hook(msr, v)) return c.stop_requested ? Exec::Stop : Exec::Ok;
      char text[96];
      std::snprintf(text, sizeof text, "wrmsr of %016llX to MSR %08XH, not modelled or not a valid value: #GP(0)",
                    static_cast<unsigned long long>(v), msr);
      c.log_msg(text);
      return c.gp(0);
  }
}

namespace {

// --- CPUID, TSC ---------------------------------------------------------------------------

Exec exec_cpuid(Cpu& c, const Insn& i) {
  if (c.vm_intercept(i, Intercept::Cpuid)) return Exec::VmTransition;  // always exits
  uint32_t leaf = static_cast<uint32_t>(c.s.regs[0]);
  // IA32_MISC_ENABLE.LIMIT_CPUID_MAXVAL: the highest basic leaf is 2, and the leaves above it
  // return what leaves above the maximum do (SDM Vol. 4 Table 2-2, Vol. 2 CPUID).
  const bool limited = c.s.misc_enable & misc::LimitCpuidMaxval;
  if (limited && ((leaf > 2 && leaf < 0x80000000u) || leaf > c.model.max_extended)) leaf = 2;
  CpuidLeaf l = c.model.cpuid(leaf, static_cast<uint32_t>(c.s.regs[1]));
  if (l.leaf == 0 && limited) l.eax = 2;
  if (l.leaf == 1 && !c.vmx) l.ecx &= ~(1u << 5);  // no VT-x model attached: no VMX
  if (l.leaf == 1 && (c.s.cr4 & cr4::OSXSAVE)) l.ecx |= 1u << 27;  // OSXSAVE mirrors CR4
  if (l.leaf == 1 && !(c.s.misc_enable & misc::MonitorFsm)) l.ecx &= ~(1u << 3);  // no MONITOR/MWAIT
  if (l.leaf == 0x80000001u && (c.s.misc_enable & misc::XdDisable)) l.edx &= ~(1u << 20);  // no NX
  c.s.regs[0] = l.eax;
  c.s.regs[3] = l.ebx;
  c.s.regs[1] = l.ecx;
  c.s.regs[2] = l.edx;
  return Exec::Ok;
}

Exec exec_rdtsc(Cpu& c, const Insn& i) {
  if ((c.s.cr4 & cr4::TSD) && c.s.cpl > 0 && (c.s.cr0 & cr0::PE)) return c.gp(0);
  if (c.vm_intercept(i, Intercept::Rdtsc)) return Exec::VmTransition;
  const uint64_t t = c.guest_tsc();
  c.s.regs[0] = t & 0xFFFFFFFF;
  c.s.regs[2] = t >> 32;
  return Exec::Ok;
}

// RDTSCP: RDTSC, and ECX = IA32_TSC_AUX (SDM Vol. 2 RDTSCP). In VMX non-root operation it is
// #UD unless "enable RDTSCP" is set, and "RDTSC exiting" makes it exit (Vol. 3C 25.3, 25.1.3).
Exec exec_rdtscp(Cpu& c, const Insn& i) {
  if (c.non_root && !c.vmx->guest_may_execute(Intercept::Rdtscp)) return c.ud();
  if ((c.s.cr4 & cr4::TSD) && c.s.cpl > 0 && (c.s.cr0 & cr0::PE)) return c.gp(0);
  if (c.vm_intercept(i, Intercept::Rdtscp)) return Exec::VmTransition;
  const uint64_t t = c.guest_tsc();
  c.s.regs[0] = t & 0xFFFFFFFF;
  c.s.regs[2] = t >> 32;
  c.s.regs[1] = c.s.tsc_aux & 0xFFFFFFFF;
  return Exec::Ok;
}

// RDPMC (SDM Vol. 2): #GP(0) at CPL > 0 without CR4.PCE; "RDPMC exiting" exits after that
// privilege check and before the counter check (Vol. 3C 25.1.1). The model has no
// performance counters (CPUID leaf 0AH is not reported): every counter number is #GP(0).
Exec exec_rdpmc(Cpu& c, const Insn& i) {
  if (c.s.cpl > 0 && (c.s.cr0 & cr0::PE) && !(c.s.cr4 & cr4::PCE)) return c.gp(0);
  if (c.vm_intercept(i, Intercept::Rdpmc)) return Exec::VmTransition;
  return c.gp(0);
}

// MONITOR / MWAIT (SDM Vol. 2): #UD at CPL > 0; MONITOR checks its DS:RAX address like a
// read and raises #GP(0) for non-zero extensions in ECX; MWAIT #GP(0) for extensions other
// than bit 0 (interrupts as break events). Their exits come after the #UD and before those
// #GP faults (Vol. 3C 25.1.1: fault-like VM exits win over all but #UD and privilege
// faults). MWAIT returns at once: the SDM lets it leave the wait for any implementation reason.
// With IA32_MISC_ENABLE.ENABLE_MONITOR_FSM clear both are #UD (SDM Vol. 4 Table 2-2).
inline bool monitor_unavailable(const Cpu& c) { return c.s.cpl > 0 || !(c.s.misc_enable & misc::MonitorFsm); }

Exec exec_monitor(Cpu& c, const Insn& i) {
  if (monitor_unavailable(c)) return c.ud();
  if (c.vm_intercept(i, Intercept::Monitor)) return Exec::VmTransition;
  uint64_t la, pa;
  const uint64_t ea = c.s.regs[0] & addr_mask(i.asz);
  if (Exec r = linear(c, i.seg, ea, 1, Access::Read, la); r != Exec::Ok) return r;
  if (static_cast<uint32_t>(c.s.regs[1]) != 0) return c.gp(0);
  return translate(c, la, Access::Read, pa);  // (the monitored line: nothing else is kept)
}

Exec exec_mwait(Cpu& c, const Insn& i) {
  if (monitor_unavailable(c)) return c.ud();
  if (c.vm_intercept(i, Intercept::Mwait)) return Exec::VmTransition;
  if (static_cast<uint32_t>(c.s.regs[1]) & ~1u) return c.gp(0);
  return Exec::Ok;
}

// GETSEC (SDM Vol. 2): #UD without CR4.SMXE, which this model (no SMX: docs/cpu-model.md)
// cannot set; with it, VMX non-root operation would exit unconditionally (Vol. 3C 25.1.2).
Exec exec_getsec(Cpu& c, const Insn& i) {
  if (!(c.s.cr4 & cr4::SMXE)) return c.ud();
  if (c.vm_intercept(i, Intercept::Getsec)) return Exec::VmTransition;
  return c.ud();
}

// --- interrupts flag, HLT ---------------------------------------------------------------

bool io_privileged(const Cpu& c) {
  return (c.s.cr0 & cr0::PE) && c.s.cpl > ((c.s.rflags >> 12) & 3);
}

Exec exec_cli(Cpu& c, const Insn&) {
  if (io_privileged(c)) return c.gp(0);
  c.s.rflags &= ~rf::IF;
  return Exec::Ok;
}

Exec exec_sti(Cpu& c, const Insn&) {
  if (io_privileged(c)) return c.gp(0);
  if (!(c.s.rflags & rf::IF)) {
    c.s.rflags |= rf::IF;
    c.arm_interrupt_shadow(false);  // STI does not hold back debug traps
  }
  return Exec::Ok;
}

Exec exec_hlt(Cpu& c, const Insn& i) {
  if (Exec r = need_cpl0(c); r != Exec::Ok) return r;
  if (c.vm_intercept(i, Intercept::Hlt)) return Exec::VmTransition;
  return Exec::Halt;
}

// --- port I/O (SDM Vol. 1 18.5: I/O permission bit map) -------------------------------

}  // namespace

Exec check_io_permission(Cpu& c, uint16_t port, unsigned size) {
  if (!io_privileged(c) && !v86_mode(c)) return Exec::Ok;
  // CPL > IOPL, and always in virtual-8086 mode (SDM Vol. 1 18.5.2): every bit for the
  // accessed ports in the TSS bitmap must be clear.
  const uint32_t t = ar::type(c.s.tr.ar);
  if ((t != 9 && t != 11) || c.s.tr.limit < 0x67) return c.gp(0);
  uint64_t pa;
  if (translate(c, c.s.tr.base + 0x66, Access::Read, pa, true) != Exec::Ok) return c.gp(0);
  const uint32_t bitmap = static_cast<uint32_t>(c.mem.read(pa, 2));
  const uint32_t byte = bitmap + port / 8;
  if (byte + 1 > c.s.tr.limit) return c.gp(0);
  if (translate(c, c.s.tr.base + byte, Access::Read, pa, true) != Exec::Ok) return c.gp(0);
  const uint32_t bits = static_cast<uint32_t>(c.mem.read(pa, 1) | (c.mem.read(pa + 1, 1) << 8));
  if ((bits >> (port & 7)) & ((1u << size) - 1)) return c.gp(0);
  return Exec::Ok;
}

namespace {

Exec exec_in(Cpu& c, const Insn& i) {
  const unsigned size = i.op[0].size;
  const uint16_t port = i.op[1].kind == OpKind::Gpr ? static_cast<uint16_t>(c.s.regs[2]) : static_cast<uint16_t>(i.imm);
  if (Exec r = check_io_permission(c, port, size); r != Exec::Ok) return r;
  if (c.vm_intercept(i, Intercept::Io)) return Exec::VmTransition;
  if (c.dr7_io) c.check_data_breakpoints(port, size, false, true);
  set_reg_sized(c, 0, size, c.io.read(port, size));
  return c.stop_requested ? Exec::Stop : Exec::Ok;
}

Exec exec_out(Cpu& c, const Insn& i) {
  const unsigned size = i.op[1].size;
  const uint16_t port = i.op[0].kind == OpKind::Gpr ? static_cast<uint16_t>(c.s.regs[2]) : static_cast<uint16_t>(i.imm);
  if (Exec r = check_io_permission(c, port, size); r != Exec::Ok) return r;
  if (c.vm_intercept(i, Intercept::Io)) return Exec::VmTransition;
  if (c.dr7_io) c.check_data_breakpoints(port, size, true, true);
  const uint32_t v = static_cast<uint32_t>(c.s.regs[0] & (size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1));
  c.io.write(port, size, v);
  return c.device_stop() ? Exec::Stop : Exec::Ok;
}

// --- TLB and cache control --------------------------------------------------------------

Exec exec_invlpg(Cpu& c, const Insn& i) {
  if (Exec r = need_cpl0(c); r != Exec::Ok) return r;
  if (c.vm_intercept(i, Intercept::Invlpg)) return Exec::VmTransition;
  uint64_t la = c.seg_base[i.seg] + ea_of(c, i);
  if (!c.long64) la &= 0xFFFFFFFF;
  // INVLPG of a non-canonical address is a no-op (SDM INVLPG). The page's translation goes
  // for both privileges, for the current VPID and every EPT context (SDM Vol. 3C 28.3.3.1).
  if (!c.long64 || canonical(la)) c.invalidate_page(la);
  return Exec::Ok;
}

// INVPCID (SDM Vol. 2): #UD without the feature, or in VMX non-root operation without "enable
// INVPCID"; #GP(0) at CPL > 0; with "INVLPG exiting" a VM exit (Vol. 3C 25.1.3), before the
// descriptor is read. Then the descriptor (PCID in bits 11:0, bits 63:12 reserved, a linear
// address in 127:64) and the type: 0 one address of a PCID, 1 a PCID, 2 everything, 3
// everything but global translations (Vol. 3 4.10.4.1); the current VPID's only.
Exec exec_invpcid(Cpu& c, const Insn& i) {
  if (!(c.model.cpuid(7, 0).ebx & (1u << 10)) || i.op[1].kind != OpKind::Mem) return c.ud();
  if (c.non_root && !c.vmx->guest_may_execute(Intercept::Invpcid)) return c.ud();
  if ((c.s.cr0 & cr0::PE) && ((c.s.rflags & rf::VM) || c.s.cpl > 0)) return c.gp(0);
  if (c.vm_intercept(i, Intercept::Invpcid)) return Exec::VmTransition;
  uint64_t type, d[2];
  read_operand(c, i, 0, c.long64 ? 8 : 4, type);
  if (Exec r = read_memory_operand128(c, i, d); r != Exec::Ok) return r;
  const uint16_t pcid = static_cast<uint16_t>(d[0] & 0xFFF);
  if (type > 3 || (d[0] >> 12)) return c.gp(0);
  // Types 0 and 1 name a PCID, which must be 0 while CR4.PCIDE = 0.
  if (type < 2 && pcid && !(c.s.cr4 & cr4::PCIDE)) return c.gp(0);
  switch (type) {
    case 0:
      if (!canonical(d[1])) return c.gp(0);
      c.invalidate_linear(d[1], c.tlb_vpid, pcid, false);
      break;
    case 1: c.flush_pcid(pcid); break;
    case 2: c.flush_tlb(true); break;
    default: c.flush_tlb(false); break;
  }
  return Exec::Ok;
}

// STAC / CLAC (SDM Vol. 2): set / clear EFLAGS.AC, which lets explicit supervisor accesses
// reach user pages under SMAP; #UD at CPL > 0 or without SMAP (CPUID.7:EBX[20]).
Exec exec_stac_clac(Cpu& c, const Insn& i) {
  if (c.s.cpl > 0 || !(c.model.cpuid(7, 0).ebx & (1u << 20))) return c.ud();
  c.s.rflags = i.mnemonic == ZYDIS_MNEMONIC_STAC ? c.s.rflags | rf::AC : c.s.rflags & ~rf::AC;
  return Exec::Ok;
}

Exec exec_priv_nop(Cpu& c, const Insn& i) {  // WBINVD, INVD: no caches are modelled
  if (Exec r = need_cpl0(c); r != Exec::Ok) return r;
  if (c.vm_intercept(i, i.mnemonic == M(INVD) ? Intercept::Invd : Intercept::Wbinvd)) return Exec::VmTransition;
  return Exec::Ok;
}

Exec exec_clflush(Cpu& c, const Insn& i) {
  // Checked like a byte read (SDM CLFLUSH); no cache is modelled.
  uint8_t v;
  return read_mem(c, i.seg, ea_of(c, i), v);
}

Exec exec_swapgs(Cpu& c, const Insn&) {
  if (!c.long64) return c.ud();
  if (Exec r = need_cpl0(c); r != Exec::Ok) return r;
  std::swap(c.s.seg[GS].base, c.s.kernel_gs_base);
  c.update_mode();
  return Exec::Ok;
}

// --- far RET and IRET -----------------------------------------------------------------------

// Pops CS:RIP (and SS:RSP when returning to an outer level) for RETF and IRET, with the
// checks of SDM RET "Operation" (protected mode, return to same or outer privilege).
Exec return_far(Cpu& c, unsigned osz, uint64_t extra, bool iret) {
  uint64_t rip, cs, fl = 0, rsp = 0, ss = 0;
  const unsigned n = osz;
  if (Exec r = peek_stack(c, n, 0, rip); r != Exec::Ok) return r;
  if (Exec r = peek_stack(c, n, n, cs); r != Exec::Ok) return r;
  if (iret)
    if (Exec r = peek_stack(c, n, 2 * n, fl); r != Exec::Ok) return r;
  const unsigned words = iret ? 3 : 2;
  const bool v86 = v86_mode(c);
  if (iret && v86_iopl_fault(c)) return c.gp(0);  // (SDM IRET)
  if (!(c.s.cr0 & cr0::PE) || v86) {
    // Real-address and virtual-8086 mode: CS:IP (and FLAGS) from the stack. In virtual-8086
    // mode IP stays within the segment and POPF rules keep IOPL and VM (write_flags at CPL 3).
    if (v86 && rip > 0xFFFF) return c.gp(0);
    if (v86) {
      c.s.seg[CS] = v86_segment(static_cast<uint16_t>(cs));
    } else {
      c.s.seg[CS].sel = static_cast<uint16_t>(cs);
      c.s.seg[CS].base = (cs & 0xFFFF) << 4;
    }
    c.s.rip() = n == 2 ? (rip & 0xFFFF) : (rip & 0xFFFFFFFF);
    set_sp(c, c.s.regs[4] + words * n + extra);
    if (iret) write_flags(c, fl, n);
    c.update_mode();
    return Exec::Ok;
  }
  if (iret && n == 4 && (fl & rf::VM) && c.s.cpl == 0) {
    // RETURN-TO-VIRTUAL-8086-MODE (SDM IRET): EFLAGS, then ESP, SS, ES, DS, FS, GS, each a
    // doubleword, and CS:EIP as popped; CPL 3.
    uint64_t v[6];
    for (unsigned k = 0; k < 6; ++k)
      if (Exec r = peek_stack(c, 4, 12 + 4 * k, v[k]); r != Exec::Ok) return r;
    c.s.rflags = (fl & kEflagsLoadable) | rf::kFixed1;
    c.s.regs[4] = v[0] & 0xFFFFFFFF;
    static constexpr uint8_t kOrder[5] = {SS, ES, DS, FS, GS};
    for (unsigned k = 0; k < 5; ++k) c.s.seg[kOrder[k]] = v86_segment(static_cast<uint16_t>(v[1 + k]));
    c.s.seg[CS] = v86_segment(static_cast<uint16_t>(cs));
    c.s.rip() = rip & 0xFFFFFFFF;
    c.s.cpl = 3;
    c.update_mode();
    if (c.s.rflags & rf::IF) c.next_check = 0;
    return Exec::Ok;
  }
  const uint16_t sel = static_cast<uint16_t>(cs);
  const unsigned rpl = sel & 3;
  if (rpl < c.s.cpl || (sel & 0xFFFC) == 0) return c.gp(sel & 0xFFFC);
  uint64_t d;
  if (Exec r = read_descriptor(c, sel, d); r != Exec::Ok) return r;
  SegmentReg ncs = descriptor_to_segment(sel, d);
  const uint32_t t = ar::type(ncs.ar);
  if (!(ncs.ar & ar::S) || !(t & 8)) return c.gp(sel & 0xFFFC);
  const unsigned dpl = ar::dpl(ncs.ar);
  if ((t & 4) ? dpl > rpl : dpl != rpl) return c.gp(sel & 0xFFFC);
  if (!(ncs.ar & ar::P)) return c.raise(kNP, sel & 0xFFFC);
  const bool lm = c.s.efer & efer::LMA;
  const bool target64 = lm && (ncs.ar & ar::L);
  // Outer privilege, and every IRETQ from 64-bit mode, also pops SS:RSP.
  const bool pops_stack = rpl > c.s.cpl || (iret && c.long64);
  if (pops_stack) {
    if (Exec r = peek_stack(c, n, (words)*n + (iret ? 0 : extra), rsp); r != Exec::Ok) return r;
    if (Exec r = peek_stack(c, n, (words + 1) * n + (iret ? 0 : extra), ss); r != Exec::Ok) return r;
  }
  if (!target64) rip &= n == 2 ? 0xFFFF : 0xFFFFFFFF;
  if (target64 ? !canonical(rip) : rip > ncs.limit) return c.gp(0);
  const unsigned old_cpl = c.s.cpl;
  // Commit: CS, CPL, flags, then the stack.
  c.s.seg[CS] = ncs;
  c.s.seg[CS].ar |= 1;
  c.s.rip() = rip;
  c.s.cpl = static_cast<uint8_t>(rpl);
  if (iret) {
    // write_flags applies the privilege rules of the old CPL.
    const uint8_t cpl_now = c.s.cpl;
    c.s.cpl = static_cast<uint8_t>(old_cpl);
    write_flags(c, fl, n);
    if (n >= 4) c.s.rflags = (c.s.rflags & ~rf::RF) | (fl & rf::RF);  // IRET loads RF (POPF does not)
    c.s.cpl = cpl_now;
  }
  if (pops_stack) {
    c.update_mode();
    const uint16_t ssel = static_cast<uint16_t>(ss);
    if ((ssel & 0xFFFC) == 0 && lm && rpl < 3 && target64) {
      c.s.seg[SS] = SegmentReg{ssel, 0, 0xFFFFFFFF, ar::Unusable | (rpl << 5)};
    } else if (Exec r = load_data_segment(c, SS, ssel); r != Exec::Ok) {
      c.s.cpl = static_cast<uint8_t>(old_cpl);
      return r;
    }
    c.s.regs[4] = target64 ? rsp : (n == 2 ? (c.s.regs[4] & ~0xFFFFull) | (rsp & 0xFFFF) : rsp & 0xFFFFFFFF);
    if (!iret) c.s.regs[4] += extra;
    // Data segments the new privilege may not use become null (SDM RET, IRET).
    if (rpl > old_cpl)
      for (uint8_t sr : {ES, DS, FS, GS}) {
        const SegmentReg& sg = c.s.seg[sr];
        const bool conforming_code = (sg.ar & 8) && (sg.ar & 4);
        if (!(sg.ar & ar::Unusable) && !conforming_code && ar::dpl(sg.ar) < rpl) c.s.seg[sr] = null_segment();
      }
  } else {
    set_sp(c, c.s.regs[4] + words * n + extra);
  }
  c.update_mode();
  return Exec::Ok;
}

}  // namespace

Exec exec_far_ret(Cpu& c, const Insn& i) { return return_far(c, i.osz, i.imm & 0xFFFF, false); }
static Exec iret(Cpu& c, const Insn& i) {
  if ((c.s.cr0 & cr0::PE) && (c.s.rflags & rf::NT) && !(c.s.efer & efer::LMA)) {
    // Task return (SDM IRET, 7.3): to the task in the previous-task link of the current TSS.
    uint64_t pa;
    if (Exec r = translate(c, c.s.tr.base & 0xFFFFFFFFull, Access::Read, pa, true); r != Exec::Ok) return r;
    const uint16_t link = static_cast<uint16_t>(c.mem.read(pa, 2));
    uint64_t desc;
    if ((link & 4) || read_descriptor(c, link, desc, kTS) != Exec::Ok) return c.raise(kTS, link & 0xFFFC);
    const Exec r = task_switch(c, link, desc, TaskSource::Iret);
    if (r == Exec::Ok) c.nmi_blocked = false;
    return r;
  }
  const Exec r = return_far(c, i.osz, 0, true);
  if (r == Exec::Ok) {
    c.nmi_blocked = false;  // IRET ends NMI blocking (SDM 6.7.1)
    c.next_check = 0;       // IF may have changed, an NMI may be waiting
  }
  return r;
}

Exec exec_iret(Cpu& c, const Insn& i) {
  c.in_iret = true;  // until IRET completes, or until its fault is delivered (deliver_exception)
  const Exec r = iret(c, i);
  if (r != Exec::Fault) c.in_iret = false;
  return r;
}

bool bind_system(Insn& i) {
  switch (i.mnemonic) {
    case M(MOV):
      if (i.op[0].kind == OpKind::Cr || i.op[1].kind == OpKind::Cr) i.fn = exec_mov_cr;
      else if (i.op[0].kind == OpKind::Dr || i.op[1].kind == OpKind::Dr) i.fn = exec_mov_dr;
      else if (i.op[0].kind == OpKind::Seg || i.op[1].kind == OpKind::Seg) i.fn = exec_mov_sreg;
      else return false;
      return true;
    case M(CLTS): i.fn = exec_clts; return true;
    case M(LDS): case M(LES): case M(LFS): case M(LGS): case M(LSS): i.fn = exec_load_far_pointer; return true;
    case M(SMSW): i.fn = exec_smsw; return true;
    case M(LMSW): i.fn = exec_lmsw; return true;
    case M(LGDT): case M(LIDT): i.fn = exec_lgdt_lidt; return true;
    case M(SGDT): case M(SIDT): i.fn = exec_sgdt_sidt; return true;
    case M(LLDT): case M(LTR): i.fn = exec_lldt_ltr; return true;
    case M(SLDT): case M(STR): i.fn = exec_sldt_str; return true;
    case M(RDMSR): i.fn = exec_rdmsr; return true;
    case M(WRMSR): i.fn = exec_wrmsr; return true;
    case M(CPUID): i.fn = exec_cpuid; return true;
    case M(RDTSC): i.fn = exec_rdtsc; return true;
    case M(RDTSCP): i.fn = exec_rdtscp; return true;
    case M(RDPMC): i.fn = exec_rdpmc; return true;
    case M(MONITOR): i.fn = exec_monitor; return true;
    case M(MWAIT): i.fn = exec_mwait; return true;
    case M(GETSEC): i.fn = exec_getsec; return true;
    case M(CLI): i.fn = exec_cli; return true;
    case M(STI): i.fn = exec_sti; return true;
    case M(HLT): i.fn = exec_hlt; return true;
    case M(IN): i.fn = exec_in; return true;
    case M(OUT): i.fn = exec_out; return true;
    case M(INVLPG): i.fn = exec_invlpg; return true;
    case M(STAC): case M(CLAC): i.fn = exec_stac_clac; return true;
    case M(INVPCID): i.fn = exec_invpcid; return true;
    case M(WBINVD): case M(INVD): i.fn = exec_priv_nop; return true;
    case M(CLFLUSH): i.fn = exec_clflush; return true;
    case M(SWAPGS): i.fn = exec_swapgs; return true;
    default: return false;
  }
}

}  // namespace vp
