// Architectural state of one logical processor, as plain data (SDM Vol. 3 2.1–2.5, Vol. 1 3.4).
#pragma once
#include <cstdint>

#include "vp/decoder/decoded_insn.h"

namespace vp {

// RFLAGS bits (SDM Vol. 1 3.4.3).
namespace rf {
inline constexpr uint64_t CF = 1u << 0, PF = 1u << 2, AF = 1u << 4, ZF = 1u << 6, SF = 1u << 7, TF = 1u << 8,
                          IF = 1u << 9, DF = 1u << 10, OF = 1u << 11, IOPL = 3u << 12, NT = 1u << 14,
                          RF = 1u << 16, VM = 1u << 17, AC = 1u << 18, VIF = 1u << 19, VIP = 1u << 20,
                          ID = 1u << 21;
inline constexpr uint64_t kArith = CF | PF | AF | ZF | SF | OF;
inline constexpr uint64_t kFixed1 = 1u << 1;  // bit 1 always reads 1
}  // namespace rf

namespace cr0 {
inline constexpr uint64_t PE = 1u << 0, MP = 1u << 1, EM = 1u << 2, TS = 1u << 3, ET = 1u << 4, NE = 1u << 5,
                          WP = 1u << 16, AM = 1u << 18, NW = 1u << 29, CD = 1u << 30, PG = 1u << 31;
}
namespace cr4 {
inline constexpr uint64_t VME = 1u << 0, PVI = 1u << 1, TSD = 1u << 2, DE = 1u << 3, PSE = 1u << 4,
                          PAE = 1u << 5, MCE = 1u << 6, PGE = 1u << 7, PCE = 1u << 8, OSFXSR = 1u << 9,
                          OSXMMEXCPT = 1u << 10, UMIP = 1u << 11, LA57 = 1u << 12, VMXE = 1u << 13,
                          SMXE = 1u << 14, FSGSBASE = 1u << 16, PCIDE = 1u << 17, OSXSAVE = 1u << 18,
                          SMEP = 1u << 20, SMAP = 1u << 21, PKE = 1u << 22;
// Bits MOV CR4 accepts on the CPU model (VMXE too when the machine has VMX).
inline constexpr uint64_t kModelled =
    DE | PSE | PAE | MCE | PGE | PCE | OSFXSR | OSXMMEXCPT | TSD | PCIDE | OSXSAVE | SMEP | SMAP;
}
// IA32_MISC_ENABLE (SDM Vol. 4 Table 2-2) bits the model gives a meaning.
namespace misc {
inline constexpr uint64_t FastStrings = 1u << 0, Tcc = 1u << 3, BtsUnavailable = 1u << 11,
                          PebsUnavailable = 1u << 12, MonitorFsm = 1u << 18, LimitCpuidMaxval = 1u << 22,
                          XtprDisable = 1u << 23, XdDisable = 1ull << 34;
// R/W bits; BTS and PEBS unavailable (there is no debug store) are read-only 1s; the rest
// (performance monitoring, SpeedStep, turbo: not modelled) are reserved.
inline constexpr uint64_t kWritable = FastStrings | Tcc | MonitorFsm | LimitCpuidMaxval | XtprDisable | XdDisable;
inline constexpr uint64_t kReadOnly = BtsUnavailable | PebsUnavailable;
inline constexpr uint64_t kReset = FastStrings | Tcc | BtsUnavailable | PebsUnavailable | MonitorFsm;
}  // namespace misc
namespace efer {
inline constexpr uint64_t SCE = 1u << 0, LME = 1u << 8, LMA = 1u << 10, NXE = 1u << 11;
}

// Segment register with its hidden descriptor cache. Access rights use the VMX
// access-rights layout (SDM Vol. 3 24.4.1): type 3:0, S 4, DPL 6:5, P 7, AVL 12, L 13,
// D/B 14, G 15, unusable 16. limit is the expanded byte limit.
struct SegmentReg {
  uint16_t sel = 0;
  uint64_t base = 0;
  uint32_t limit = 0xFFFF;
  uint32_t ar = 0;
};
namespace ar {
inline constexpr uint32_t S = 1u << 4, P = 1u << 7, L = 1u << 13, DB = 1u << 14, G = 1u << 15,
                          Unusable = 1u << 16;
inline constexpr uint32_t dpl(uint32_t a) { return (a >> 5) & 3; }
inline constexpr uint32_t type(uint32_t a) { return a & 0xF; }
}  // namespace ar

struct TableReg {
  uint64_t base = 0;
  uint32_t limit = 0xFFFF;
};

struct alignas(16) Xmm {
  uint64_t lo = 0, hi = 0;
};

struct CpuState {
  // 0..15: RAX..R15; kRegZero: constant 0 (absent base/index); kRegRip: RIP.
  // While an instruction executes, regs[kRegRip] already holds the next instruction's RIP.
  uint64_t regs[18] = {};
  uint64_t rflags = rf::kFixed1;
  SegmentReg seg[6];
  SegmentReg ldtr, tr;
  TableReg gdtr, idtr;
  uint64_t cr0 = 0, cr2 = 0, cr3 = 0, cr4 = 0, cr8 = 0;
  uint64_t xcr0 = 1;
  uint64_t dr[8] = {};
  uint64_t efer = 0;
  // Model-specific registers kept as plain data (SDM Vol. 4 for addresses).
  uint64_t star = 0, lstar = 0, cstar = 0, fmask = 0, kernel_gs_base = 0, tsc_aux = 0;
  uint64_t sysenter_cs = 0, sysenter_esp = 0, sysenter_eip = 0;
  uint64_t pat = 0x0007040600070406ull;  // power-up value (SDM Vol. 3 11.12.4)
  uint64_t debugctl = 0, misc_enable = 0, feature_control = 0, mtrr_def_type = 0;
  // MTRRs (SDM Vol. 3 11.11): PHYSBASE0, PHYSMASK0 ... PHYSMASK9, and the 11 fixed-range
  // registers (FIX64K_00000, FIX16K_80000, FIX16K_A0000, FIX4K_C0000 ... FIX4K_F8000).
  uint64_t mtrr_var[20] = {}, mtrr_fix[11] = {};
  uint64_t tsc_offset = 0;  // TSC = clock + tsc_offset (IA32_TIME_STAMP_COUNTER writes adjust it)
  Xmm xmm[16];
  uint32_t mxcsr = 0x1F80;
  uint16_t fcw = 0x037F, fsw = 0, ftw = 0xFFFF;
  // The rest of the x87 state. No x87 arithmetic is modelled, so these only round-trip through
  // FXSAVE/FXRSTOR and XSAVE/XRSTOR; FNINIT clears the pointers and the opcode.
  uint8_t fpr[8][10] = {};  // R0-R7 (80-bit), kept in ST order as the save areas hold them
  uint16_t fop = 0, fcs = 0, fds = 0;
  uint64_t fip = 0, fdp = 0;
  // XINUSE bits that XRSTOR set (SDM Vol. 1 13.6); the XINUSE the XSAVE family sees is these
  // OR-ed with "not in its initial configuration" (core/src/exec/xsave.cpp).
  uint8_t xinuse = 0;
  uint8_t cpl = 0;

  uint64_t& rip() { return regs[kRegRip]; }
  uint64_t rip() const { return regs[kRegRip]; }
};

}  // namespace vp
