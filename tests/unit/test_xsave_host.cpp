// Differential oracle for the XSAVE feature set (core/src/exec/xsave.cpp): the same code —
// XRSTOR64 of a random prior state P with RFBM = 3, XRSTOR/XRSTOR64/FXRSTOR/FXRSTOR64 of a
// random area A with a random RFBM, XSAVE/XSAVEOPT/XSAVEC/FXSAVE (both operand sizes) into a
// pattern-filled area B with another random RFBM, XGETBV with ECX = 1, and a full XSAVE64
// (RFBM = 3) into a pattern-filled area C — runs natively and in the interpreter; B, C (which
// holds every x87/SSE register afterwards) and XGETBV(1) must agree. The host's other state
// components (AVX ...) are never touched: every RFBM is within bits 0-1 plus bits the host's
// XCR0 does not enable. The host saves its own x87/SSE state first and restores it after.
//
// Only what the SDM (or AMD's documented behaviour) lets two processors differ on is masked,
// each with its reason where it is applied (class Comparison):
//  - XINUSE (SDM Vol. 1 13.6): XINUSE[i] = 0 only for a component in its initial
//    configuration; for one in it, either value. XRSTOR initialising a component "may" leave
//    XINUSE[i] 0 or 1 (13.8.3): the emulator clears it, a host may keep it. XRSTOR loading a
//    component sets XINUSE[i] to 1 by 13.8.3, as the emulator does, but this AMD host reports
//    0 when the values loaded are the initial ones. So XSTATE_BV bits, XGETBV(1) and what
//    XSAVEOPT/XSAVEC write may differ, either way, exactly where the component is in its
//    initial configuration — and then the side that wrote it must have written the initial
//    values and the other side nothing. Anywhere else XINUSE[i] = 0 is wrong on either side.
//  - MXCSR_MASK is the processor's own (SDM Vol. 1 11.6.6): the host's, read by FXSAVE here,
//    against the model's 0000FFFFH. MXCSR values stay within both masks.
//  - AMD processors store FOP, FIP and FDP (and FCS, FDS) as 0 while FSW.ES = 0 (AMD APM
//    Vol. 4 FXSAVE; this Zen host does so for XSAVE* too, although it reports CPUID
//    80000008H:EBX[2] XSaveErPtr). XRSTOR still loads them. Intel processors with
//    CPUID.7.0:EBX[13] store FCS and FDS as 0 (SDM Vol. 1 8.1.8). Each applies only on such
//    hosts, and the host's bytes must then be 0.
//  - FIP and FDP: hosts keep them as canonical addresses (this one sign-extends bit 56); the
//    random ones are canonical (bit 47 sign-extended), as any real instruction's are.
// FCW's reserved bits and FSW.ES/B are kept architecturally consistent in the random states
// (reserved bits 0, bit 6 1; ES = B = unmasked exception pending), except in the case that
// checks how loading inconsistent ones is handled.
// Faulting forms run natively too, under a SIGSEGV guard limited to the stub's code: #GP must
// happen on the same instruction with the same error code on both, or on neither. Not tried:
// a compacted-form XSTATE_BV with bit 63 set (within XCOMP_BV, so no #GP by the SDM's checks,
// Vol. 1 13.8.2; this AMD host raises #GP).
#include <catch2/catch.hpp>

#include <xbyak/xbyak.h>

#include <cpuid.h>
#include <csetjmp>
#include <csignal>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <ucontext.h>

#include "vp/core/cpu.h"

using namespace vp;
using Xbyak::CodeGenerator;

namespace {

constexpr unsigned kArea = 576;   // legacy region + header: the model's whole XSAVE area
constexpr unsigned kSpan = 1280;  // bytes compared per area (misaligned areas and writes past 576 show)
constexpr uint64_t kCompacted = 1ull << 63;
constexpr uint32_t kModelMxcsrMask = 0xFFFF;

enum class Restore { Xrstor, Xrstor64, Fxrstor, Fxrstor64 };
enum class Save { Xsave, Xsave64, Xsaveopt, Xsaveopt64, Xsavec, Xsavec64, Fxsave, Fxsave64 };

const char* name(Restore r) {
  static const char* n[] = {"xrstor", "xrstor64", "fxrstor", "fxrstor64"};
  return n[static_cast<int>(r)];
}
const char* name(Save s) {
  static const char* n[] = {"xsave", "xsave64", "xsaveopt", "xsaveopt64", "xsavec", "xsavec64", "fxsave", "fxsave64"};
  return n[static_cast<int>(s)];
}
bool is_fx(Save s) { return s == Save::Fxsave || s == Save::Fxsave64; }
bool wide(Restore r) { return r == Restore::Xrstor64 || r == Restore::Fxrstor64; }
bool wide(Save s) { return s == Save::Xsave64 || s == Save::Xsaveopt64 || s == Save::Xsavec64 || s == Save::Fxsave64; }
bool is_opt(Save s) { return s == Save::Xsaveopt || s == Save::Xsaveopt64; }
bool is_compact(Save s) { return s == Save::Xsavec || s == Save::Xsavec64; }

// What the host processor is (read once).
struct HostInfo {
  uint64_t xcr0 = 0;
  uint32_t mxcsr_mask = 0;
  bool amd_pointer_quirk = false;  // AMD: FOP/FIP/FDP saved only with FSW.ES
  bool fcs_fds_zero = false;       // CPUID.7.0:EBX[13]: FCS and FDS deprecated, saved as 0
  uint64_t junk = 0;               // EDX:EAX bits neither XCR0 enables: RFBM drops them on both
  std::vector<unsigned> junk_bits;  // those but bit 63 (header bits outside XCR0 for mutate)
  const char* missing = nullptr;    // what the host lacks for these tests, if anything
  HostInfo() {
    unsigned a, b, c, d;
    __cpuid(1, a, b, c, d);
    if (!((c >> 27) & 1)) {
      missing = "CPUID.1:ECX.OSXSAVE";
      return;
    }
    __cpuid_count(0xD, 1, a, b, c, d);
    if ((a & 7) != 7) missing = "XSAVEOPT, XSAVEC or XGETBV with ECX = 1 (CPUID.(EAX=0DH,ECX=1):EAX[2:0])";
    __cpuid(0, a, b, c, d);
    const bool amd = b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163;  // "AuthenticAMD"
    amd_pointer_quirk = amd;
    __cpuid_count(7, 0, a, b, c, d);
    fcs_fds_zero = (b >> 13) & 1;
    uint32_t lo, hi;
    asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    xcr0 = (uint64_t{hi} << 32) | lo;
    if ((xcr0 & 3) != 3) missing = "x87 and SSE state in XCR0";
    alignas(16) uint8_t fx[512];
    asm volatile("fxsave64 %0" : "=m"(fx));
    std::memcpy(&mxcsr_mask, fx + 28, 4);
    if (mxcsr_mask == 0) mxcsr_mask = 0xFFBF;  // SDM Vol. 1 11.6.6: 0 means the default mask
    junk = ~xcr0 & ~3ull;
    for (unsigned k = 0; k < 63; ++k)
      if ((junk >> k) & 1) junk_bits.push_back(k);
  }
};
const HostInfo& host() {
  static const HostInfo h;
  return h;
}

// --- the code under test --------------------------------------------------------------------

// REX [W] 0F op /reg with the memory operand [base] (base: rax, rbx, r8-r11).
void mem_op(CodeGenerator& g, bool w, uint8_t op, uint8_t reg, unsigned base) {
  g.db(0x40 | (w ? 8 : 0) | (base >= 8 ? 1 : 0));
  g.db(0x0F);
  g.db(op);
  g.db(static_cast<uint8_t>((reg << 3) | (base & 7)));
}
void edx_eax(CodeGenerator& g, const Xbyak::Reg64& r) {
  g.mov(g.rax, r);
  g.mov(g.rdx, r);
  g.shr(g.rdx, 32);
}

// R8 = P, R9 = A, R10 = B, R11 = C, R12 = RFBM for A, R13 = RFBM for B; R14 = XGETBV(1).
void emit_sequence(CodeGenerator& g, Restore r, Save s) {
  g.mov(g.eax, 3);
  g.xor_(g.edx, g.edx);
  mem_op(g, true, 0xAE, 5, 8);  // xrstor64 [r8]
  edx_eax(g, g.r12);
  switch (r) {
    case Restore::Xrstor: case Restore::Xrstor64: mem_op(g, wide(r), 0xAE, 5, 9); break;
    case Restore::Fxrstor: case Restore::Fxrstor64: mem_op(g, wide(r), 0xAE, 1, 9); break;
  }
  edx_eax(g, g.r13);
  switch (s) {
    case Save::Xsave: case Save::Xsave64: mem_op(g, wide(s), 0xAE, 4, 10); break;
    case Save::Xsaveopt: case Save::Xsaveopt64: mem_op(g, wide(s), 0xAE, 6, 10); break;
    case Save::Xsavec: case Save::Xsavec64: mem_op(g, wide(s), 0xC7, 4, 10); break;
    case Save::Fxsave: case Save::Fxsave64: mem_op(g, wide(s), 0xAE, 0, 10); break;
  }
  g.mov(g.ecx, 1);
  g.xgetbv();
  g.shl(g.rdx, 32);
  g.or_(g.rax, g.rdx);
  g.mov(g.r14, g.rax);
  g.mov(g.eax, 3);
  g.xor_(g.edx, g.edx);
  mem_op(g, true, 0xAE, 4, 11);  // xsave64 [r11]
}

// The block the host stub reads and writes (offsets used by the stub).
struct HostIo {
  uint64_t p, a, b, c;      // 0, 8, 16, 24
  uint64_t rfbm_r, rfbm_s;  // 32, 40
  uint64_t xgetbv1;         // 48
  uint64_t host_save;       // 56: 512 bytes, 16-aligned: the host's own x87/SSE state
};

struct HostStub : CodeGenerator {
  std::vector<uint8_t> seq;
  uintptr_t seq_start = 0;
  HostStub(Restore r, Save s) : CodeGenerator(4096) {
    push(rbx); push(rbp); push(r12); push(r13); push(r14); push(r15);
    mov(rbx, rdi);
    mov(rax, qword[rbx + 56]);
    mem_op(*this, true, 0xAE, 0, 0);  // fxsave64 [rax]: the host's state
    mov(r8, qword[rbx]); mov(r9, qword[rbx + 8]); mov(r10, qword[rbx + 16]); mov(r11, qword[rbx + 24]);
    mov(r12, qword[rbx + 32]); mov(r13, qword[rbx + 40]);
    xor_(r14d, r14d);
    const size_t start = getSize();
    emit_sequence(*this, r, s);
    seq.assign(getCode() + start, getCode() + getSize());
    seq_start = reinterpret_cast<uintptr_t>(getCode()) + start;
    mov(qword[rbx + 48], r14);
    mov(rax, qword[rbx + 56]);
    mem_op(*this, true, 0xAE, 1, 0);  // fxrstor64 [rax]: the host's state back
    pop(r15); pop(r14); pop(r13); pop(r12); pop(rbp); pop(rbx);
    ret();
  }
};

// --- native #GP under a guard -----------------------------------------------------------------

// A SIGSEGV raised by an instruction inside [g_lo, g_hi) while armed returns to run_host with
// the exception's vector and error code; any other SIGSEGV goes to the previous handler.
sigjmp_buf g_jmp;
volatile sig_atomic_t g_armed = 0;
uintptr_t g_lo = 0, g_hi = 0;
struct NativeFault {
  uint64_t rip, trapno, err;
};
NativeFault g_fault;
struct sigaction g_old_segv;

void on_segv(int, siginfo_t* si, void* ctx) {
  const auto* uc = static_cast<const ucontext_t*>(ctx);
  const uint64_t rip = static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_RIP]);
  if (g_armed && si->si_code == SI_KERNEL && rip >= g_lo && rip < g_hi) {
    g_fault = {rip, static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_TRAPNO]),
               static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_ERR])};
    g_armed = 0;
    siglongjmp(g_jmp, 1);
  }
  sigaction(SIGSEGV, &g_old_segv, nullptr);  // not ours: returning re-raises it there
}

struct SegvGuard {
  SegvGuard() {
    struct sigaction sa {};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &g_old_segv);
  }
  ~SegvGuard() { sigaction(SIGSEGV, &g_old_segv, nullptr); }
  SegvGuard(const SegvGuard&) = delete;
  SegvGuard& operator=(const SegvGuard&) = delete;
};

// Runs the stub; true when it took #GP (g_fault says where). The kernel gave the handler a
// fresh FPU state, so the host's own is loaded back from what the stub saved on entry.
[[gnu::noinline]] bool run_host(void (*fn)(HostIo*), HostIo* io, uintptr_t lo, uintptr_t hi) {
  g_lo = lo;
  g_hi = hi;
  if (sigsetjmp(g_jmp, 1)) {
    asm volatile("fxrstor64 %0" : : "m"(*reinterpret_cast<const uint8_t(*)[512]>(io->host_save)));
    return true;
  }
  g_armed = 1;
  fn(io);
  g_armed = 0;
  return false;
}

// --- the interpreter ------------------------------------------------------------------------

// 64-bit mode, identity map of the first GiB, a GDT and an IDT whose 32 exception handlers
// each put 100H + vector in R15 and halt. CR4.OSXSAVE and OSFXSR, XCR0 = 3.
struct Guest {
  static constexpr uint64_t kCode = 0x100000, kHandlers = 0x110000, kStack = 0x1F0000, kAreas = 0x200000;
  static constexpr uint64_t kGdt = 0x4000, kIdt = 0x5000;
  PhysMemory memory{8ull << 20};
  IoBus io;
  Cpu cpu{memory, io};
  size_t code_len = 0;
  Guest() {
    memory.write(0x1000, 8, 0x2003);
    memory.write(0x2000, 8, 0x3003);
    for (uint64_t k = 0; k < 512; ++k) memory.write(0x3000 + 8 * k, 8, (k << 21) | 0x83);
    memory.write(kGdt + 8, 8, 0x00AF9B000000FFFFull);
    memory.write(kGdt + 16, 8, 0x00CF93000000FFFFull);
    for (uint64_t v = 0; v < 32; ++v) {
      const uint64_t h = kHandlers + 16 * v;
      const uint8_t stub[] = {0x41, 0xBF, static_cast<uint8_t>(v), 0x01, 0, 0, 0xF4};  // mov r15d, 100H+v; hlt
      memory.write_block(h, stub, sizeof stub);
      memory.write(kIdt + 16 * v, 8, (h & 0xFFFF) | (8ull << 16) | (0x8Eull << 40) | ((h >> 16 & 0xFFFF) << 48));
      memory.write(kIdt + 16 * v + 8, 8, h >> 32);
    }
    cpu.s.gdtr = {kGdt, 23};
    cpu.s.idtr = {kIdt, 32 * 16 - 1};
    cpu.s.cr3 = 0x1000;
    cpu.s.cr4 = cr4::PAE | cr4::OSFXSR | cr4::OSXSAVE;
    cpu.s.xcr0 = 3;
    cpu.s.efer = efer::LME | efer::LMA;
    cpu.s.cr0 = cr0::PE | cr0::PG | cr0::ET;
    cpu.s.seg[CS] = SegmentReg{8, 0, 0xFFFFFFFF, 0xA09B};
    for (uint8_t sr : {ES, SS, DS, FS, GS}) cpu.s.seg[sr] = SegmentReg{0x10, 0, 0xFFFFFFFF, 0xC093};
    cpu.state_changed();
  }
  static uint64_t area(unsigned k) { return kAreas + 0x1000 * k; }
  void load(const std::vector<uint8_t>& seq) {
    std::vector<uint8_t> code = seq;
    code.push_back(0xF4);  // HLT
    code_len = code.size();
    memory.write_block(kCode, code.data(), code.size());
  }
};

// --- states ---------------------------------------------------------------------------------

struct Case {
  uint8_t p[kSpan], a[kSpan];  // P, and A at offset mis_a
  uint8_t b[kSpan], c[kSpan];  // the patterns B and C start as
  uint64_t rfbm_r = 0, rfbm_s = 0;
  unsigned mis_a = 0, mis_b = 0;
  std::string mutation;
};

struct Outcome {
  bool faulted = false;
  uint64_t vector = 0, err = 0, fault_off = 0;  // fault_off: from the start of the sequence
  uint64_t xgetbv1 = 0;
  uint8_t b[kSpan], c[kSpan];
  std::string trouble;  // the interpreter did not stop as expected
};

template <class T>
void put(uint8_t* a, unsigned off, T v) {
  std::memcpy(a + off, &v, sizeof v);
}
template <class T>
T get(const uint8_t* a, unsigned off) {
  T v;
  std::memcpy(&v, a + off, sizeof v);
  return v;
}

// The initial configuration as an XSAVE area holds it (SDM Vol. 1 13.6): FCW 037FH, all else of
// x87 state 0 (the abridged tag 0: every register empty), XMM registers 0; MXCSR 1F80H.
void initial_image(uint8_t* a, uint32_t mxcsr_mask) {
  std::memset(a, 0, 512);
  put<uint16_t>(a, 0, 0x037F);
  put<uint32_t>(a, 24, 0x1F80);
  put<uint32_t>(a, 28, mxcsr_mask);
}

// Canonical with 48-bit (and so with 57-bit) linear addresses.
uint64_t canonical(uint64_t v) { return static_cast<uint64_t>(static_cast<int64_t>(v << 16) >> 16); }

// A random XSAVE area: every field random (reserved bytes and FOP's top bits too), FIP and FDP
// canonical, MXCSR within both masks, now and then a component exactly in its initial
// configuration; the header in the standard or the compacted form, components 0 and 1 only.
void random_area(std::mt19937_64& rng, uint8_t* a, bool raw_x87_words) {
  for (unsigned k = 0; k < 512; k += 8) put<uint64_t>(a, k, rng());
  std::memset(a + 512, 0, 64);
  put<uint64_t>(a, 8, canonical(get<uint64_t>(a, 8)));
  put<uint64_t>(a, 16, canonical(get<uint64_t>(a, 16)));
  if (rng() % 2) a[2] &= 0xC0;  // no exception flags: ES = 0 half the time at least
  if (!raw_x87_words) {
    // FCW: reserved bits 15:13 and 7 clear, bit 6 set; FSW: ES (bit 7) and B (bit 15) set
    // exactly when an unmasked exception flag is (SDM Vol. 1 8.1.3, 8.1.5).
    const uint16_t fcw = static_cast<uint16_t>((get<uint16_t>(a, 0) & ~0xE0C0) | 0x40);
    uint16_t fsw = get<uint16_t>(a, 2) & 0x7F7F;
    if (fsw & ~fcw & 0x3F) fsw |= 0x8080;
    put<uint16_t>(a, 0, fcw);
    put<uint16_t>(a, 2, fsw);
  }
  uint32_t mxcsr = static_cast<uint32_t>(rng()) & 0xFFFF & host().mxcsr_mask;
  if (rng() % 6 == 0) mxcsr = 0x1F80;
  put<uint32_t>(a, 24, mxcsr);
  if (rng() % 6 == 0) {  // x87 state initial (pointers, opcode and data registers included)
    std::memset(a, 0, 24);
    put<uint16_t>(a, 0, 0x037F);
    for (unsigned k = 0; k < 8; ++k) std::memset(a + 32 + 16 * k, 0, 10);
  }
  if (rng() % 6 == 0) std::memset(a + 160, 0, 256);  // XMM0-15 zero
  uint64_t xstate_bv = rng() & 3, xcomp_bv = 0;
  if (rng() % 3 == 0) {
    xcomp_bv = kCompacted | (rng() & 3);
    xstate_bv &= xcomp_bv;
  }
  put<uint64_t>(a, 512, xstate_bv);
  put<uint64_t>(a, 520, xcomp_bv);
}

uint64_t random_rfbm(std::mt19937_64& rng) {
  uint64_t m = rng() & 3;
  if (rng() % 3 == 0) m |= rng() & host().junk;  // dropped by XCR0 on both
  return m;
}

Case random_case(std::mt19937_64& rng, bool raw_x87_words) {
  Case c;
  for (uint8_t* buf : {c.p, c.a, c.b, c.c})
    for (unsigned k = 0; k < kSpan; k += 8) put<uint64_t>(buf, k, rng());
  random_area(rng, c.p, false);
  random_area(rng, c.a, raw_x87_words);
  c.rfbm_r = random_rfbm(rng);
  c.rfbm_s = random_rfbm(rng);
  return c;
}

// Conditions XRSTOR/FXRSTOR/XSAVE check (SDM Vol. 2 XRSTOR, XSAVE, FXRSTOR "Protected Mode
// Exceptions"), and one the SDM does not list (header bytes 63:24 in the standard form).
void mutate(std::mt19937_64& rng, Case& c) {
  const auto& junk = host().junk_bits;
  uint8_t* a = c.a;
  uint64_t xstate_bv = get<uint64_t>(a, 512), xcomp_bv = get<uint64_t>(a, 520);
  const auto any_junk = [&] { return 1ull << junk[rng() % junk.size()]; };
  switch (rng() % 11) {
    case 0:
      xcomp_bv = 0;
      xstate_bv |= any_junk();
      c.mutation = "standard, XSTATE_BV bit outside XCR0";
      break;
    case 1:
      xcomp_bv = (rng() & ~kCompacted) | 1;
      c.mutation = "standard, XCOMP_BV nonzero without bit 63";
      break;
    case 2:
      xcomp_bv = 0;
      a[528 + rng() % 8] = static_cast<uint8_t>(rng() | 1);
      c.mutation = "standard, header byte 16-23 nonzero";
      break;
    case 3:
      xcomp_bv = 0;
      a[536 + rng() % 40] = static_cast<uint8_t>(rng() | 1);
      c.mutation = "standard, header byte 24-63 nonzero";
      break;
    case 4:
      xcomp_bv = kCompacted | (rng() & 3) | any_junk();
      xstate_bv &= xcomp_bv & 3;
      c.mutation = "compacted, XCOMP_BV bit outside XCR0";
      break;
    case 5:
      xcomp_bv = kCompacted | (rng() & 3);
      xstate_bv = (rng() & xcomp_bv & 3) | (((~xcomp_bv & 3) && rng() % 2) ? ~xcomp_bv & 3 : any_junk());
      c.mutation = "compacted, XSTATE_BV not within XCOMP_BV";
      break;
    case 6:
      xcomp_bv = kCompacted | (rng() & 3);
      xstate_bv &= xcomp_bv;
      a[528 + rng() % 48] = static_cast<uint8_t>(rng() | 1);
      c.mutation = "compacted, header byte 16-63 nonzero";
      break;
    case 7: {
      uint32_t mxcsr = get<uint32_t>(a, 24), bit;
      do bit = 16 + static_cast<uint32_t>(rng() % 16);
      while ((host().mxcsr_mask >> bit) & 1);
      put<uint32_t>(a, 24, mxcsr | (1u << bit));
      c.mutation = "MXCSR reserved bit";
      break;
    }
    case 8:
      c.mis_a = 8u << (rng() % 3);
      c.mutation = "A misaligned by " + std::to_string(c.mis_a);
      break;
    case 9:
      c.mis_b = 8u << (rng() % 3);
      c.mutation = "B misaligned by " + std::to_string(c.mis_b);
      break;
    default:
      // The standard form only: in the compacted form XSTATE_BV[63] is within XCOMP_BV, so
      // the SDM's checks (Vol. 1 13.8.2) pass it, but this AMD host raises #GP.
      xcomp_bv = 0;
      xstate_bv |= kCompacted;
      c.mutation = "standard, XSTATE_BV bit 63";
      break;
  }
  put<uint64_t>(a, 512, xstate_bv);
  put<uint64_t>(a, 520, xcomp_bv);
  if (c.mis_a) {  // the area moves up; what was below stays the pattern it was
    uint8_t moved[kArea];
    std::memcpy(moved, a, kArea);
    std::memcpy(a + c.mis_a, moved, kArea);
  }
}

// --- running both ---------------------------------------------------------------------------

struct Runner {
  Restore r;
  Save s;
  HostStub stub;
  Runner(Restore r_, Save s_) : r(r_), s(s_), stub(r_, s_) {}

  void host_run(const Case& c, Outcome& o) {
    alignas(64) static uint8_t buf[4][kSpan];
    alignas(16) static uint8_t host_save[512];
    std::memcpy(buf[0], c.p, kSpan);
    std::memcpy(buf[1], c.a, kSpan);
    std::memcpy(buf[2], c.b, kSpan);
    std::memcpy(buf[3], c.c, kSpan);
    HostIo io{reinterpret_cast<uint64_t>(buf[0]), reinterpret_cast<uint64_t>(buf[1] + c.mis_a),
              reinterpret_cast<uint64_t>(buf[2] + c.mis_b), reinterpret_cast<uint64_t>(buf[3]),
              c.rfbm_r, c.rfbm_s, 0, reinterpret_cast<uint64_t>(host_save)};
    o.faulted = run_host(stub.getCode<void (*)(HostIo*)>(), &io, stub.seq_start, stub.seq_start + stub.seq.size());
    if (o.faulted) {
      o.vector = g_fault.trapno;
      o.err = g_fault.err;
      o.fault_off = g_fault.rip - stub.seq_start;
    }
    o.xgetbv1 = io.xgetbv1;
    std::memcpy(o.b, buf[2], kSpan);
    std::memcpy(o.c, buf[3], kSpan);
  }

  void emu_run(Guest& g, const Case& c, Outcome& o) {
    g.memory.write_block(Guest::area(0), c.p, kSpan);
    g.memory.write_block(Guest::area(1), c.a, kSpan);
    g.memory.write_block(Guest::area(2), c.b, kSpan);
    g.memory.write_block(Guest::area(3), c.c, kSpan);
    auto& s_ = g.cpu.s;
    for (unsigned k = 0; k < 16; ++k) s_.regs[k] = 0;
    s_.regs[8] = Guest::area(0);
    s_.regs[9] = Guest::area(1) + c.mis_a;
    s_.regs[10] = Guest::area(2) + c.mis_b;
    s_.regs[11] = Guest::area(3);
    s_.regs[12] = c.rfbm_r;
    s_.regs[13] = c.rfbm_s;
    s_.regs[4] = Guest::kStack;
    s_.rflags = rf::kFixed1;
    s_.rip() = Guest::kCode;
    g.cpu.halted = false;
    const StopReason why = g.cpu.run(64);
    const uint64_t r15 = s_.regs[15];
    if (why != StopReason::Halted) o.trouble = "stop reason " + std::to_string(static_cast<int>(why));
    o.faulted = r15 != 0;
    if (o.faulted) {
      o.vector = r15 - 0x100;
      const bool has_error = o.vector == kGP || o.vector == kPF || o.vector == kAC || o.vector == kSS;
      const uint64_t frame = s_.regs[4];
      o.err = has_error ? g.memory.read(frame, 4) : 0;
      o.fault_off = g.memory.read(frame + (has_error ? 8 : 0), 8) - Guest::kCode;
    } else if (s_.rip() != Guest::kCode + g.code_len) {
      o.trouble += " stopped at rip " + std::to_string(s_.rip());
    }
    o.xgetbv1 = s_.regs[14];
    g.memory.read_block(Guest::area(2), o.b, kSpan);
    g.memory.read_block(Guest::area(3), o.c, kSpan);
  }
};

bool all_zero(const uint8_t* p, unsigned n) {
  for (unsigned k = 0; k < n; ++k)
    if (p[k]) return false;
  return true;
}

// Initial configuration of the final state, from the interpreter's full XSAVE64 into C (which
// must equal the host's anyway): bit 0 x87, bit 1 SSE (XMM registers only, SDM Vol. 1 13.6).
uint64_t initial_components(const uint8_t* c) {
  uint64_t init = 0;
  bool x87 = get<uint16_t>(c, 0) == 0x037F && all_zero(c + 2, 22);
  for (unsigned k = 0; k < 8; ++k) x87 = x87 && all_zero(c + 32 + 16 * k, 10);
  if (x87) init |= 1;
  if (all_zero(c + 160, 256)) init |= 2;
  return init;
}

struct Range {
  unsigned off, len;
};

class Comparison {
 public:
  Comparison(const Runner& run, const Case& c, const Outcome& h, Outcome e) : run_(run), c_(c), h_(h), e_(e) {}

  // Empty when host and interpreter agree up to the allowed differences; else what differs.
  std::string verdict() {
    if (!e_.trouble.empty()) note("interpreter: " + e_.trouble);
    if (h_.faulted != e_.faulted) {
      note(std::string("fault: host ") + fault_text(h_) + ", interpreter " + fault_text(e_));
      return why_.str();
    }
    if (h_.faulted) {
      if (h_.vector != e_.vector || h_.err != e_.err || h_.fault_off != e_.fault_off)
        note(std::string("fault: host ") + fault_text(h_) + ", interpreter " + fault_text(e_));
      // The fault is XRSTOR/FXRSTOR of A or the save into B: B and C must still hold their
      // patterns on both sides.
      compare_bytes("B", h_.b, e_.b);
      compare_bytes("C", h_.c, e_.c);
      return why_.str();
    }
    init_ = initial_components(e_.c);
    // XGETBV(1) = XCR0 AND XINUSE: the host's bits 2 and up are its other components.
    uint64_t hx = h_.xgetbv1 & 3, ex = e_.xgetbv1;
    xinuse_bits("XGETBV(1)", hx, ex, 3);
    if (hx != ex) note("XGETBV(1): host " + hex(h_.xgetbv1) + ", interpreter " + hex(e_.xgetbv1));
    // C: XSAVE64 with RFBM = 3 writes x87 and SSE state whole, XSTATE_BV[1:0] = XINUSE.
    Area hc{h_.c, 0}, ec{e_.c, 0};
    header_bits("C", hc, ec, 3);
    mxcsr_mask(hc, ec);
    x87_quirks(hc, ec, true);
    compare_bytes("C", hc.p, ec.p);
    // B.
    Area hb{h_.b, c_.mis_b}, eb{e_.b, c_.mis_b};
    const Save s = run_.s;
    const uint64_t rfbm = c_.rfbm_s & 3;
    bool x87_saved = true, mxcsr_saved = true;
    if (!is_fx(s)) {
      // XSAVE and XSAVEOPT write XSTATE_BV's RFBM bits (XINUSE) only; XSAVEC all of it, 0
      // outside RFBM (compared exactly).
      const uint64_t differing = header_bits("B", hb, eb, rfbm);
      if (is_opt(s) || is_compact(s)) {
        // XSAVEOPT and XSAVEC write a component only when XSTATE_BV says so (XSAVEC: SSE
        // also when MXCSR is not 1F80H, and MXCSR then goes with it).
        const uint64_t hbv = get<uint64_t>(hb.p, hb.base + 512);
        component_written(hb, eb, differing, 0, {{0, 24}, {32, 128}});
        if (is_compact(s)) component_written(hb, eb, differing, 1, {{24, 8}, {160, 256}});
        else component_written(hb, eb, differing, 1, {{160, 256}});
        x87_saved = hbv & 1;
        mxcsr_saved = is_compact(s) ? (hbv & 2) : (rfbm & 2);
      } else {
        x87_saved = rfbm & 1;
        mxcsr_saved = rfbm & 2;
      }
    }
    if (mxcsr_saved) mxcsr_mask(hb, eb);
    if (x87_saved) x87_quirks(hb, eb, wide(s));
    compare_bytes("B", hb.p, eb.p);
    return why_.str();
  }

 private:
  struct Area {
    uint8_t* p;
    unsigned base;
  };
  const Runner& run_;
  const Case& c_;
  Outcome h_;  // copies: the allowed differences are folded into the interpreter's side
  Outcome e_;
  uint64_t init_ = 0;
  std::ostringstream why_;

  void note(const std::string& s) { why_ << "    " << s << "\n"; }
  static std::string hex(uint64_t v) {
    std::ostringstream o;
    o << std::hex << v;
    return o.str();
  }
  static std::string fault_text(const Outcome& o) {
    if (!o.faulted) return "none";
    return "vector " + std::to_string(o.vector) + " error " + hex(o.err) + " at +" + std::to_string(o.fault_off);
  }

  // XINUSE[i] as each side reports it (bit i of hv and ev): a difference is allowed where the
  // component is in its initial configuration, and then the host's value is folded into ev.
  // Either side saying "not in use" for a component that is not initial is wrong (SDM Vol. 1
  // 13.6). Returns the components that differ so.
  uint64_t xinuse_bits(const char* what, uint64_t hv, uint64_t& ev, uint64_t bits) {
    uint64_t differing = 0;
    for (unsigned i = 0; i < 2; ++i) {
      const uint64_t m = 1ull << i;
      if (!(bits & m)) continue;
      const bool init = init_ & m;
      if (!(hv & m) && !init) note(std::string(what) + ": host XINUSE[" + std::to_string(i) + "] = 0, state not initial");
      if (!(ev & m) && !init) note(std::string(what) + ": interpreter XINUSE[" + std::to_string(i) + "] = 0, state not initial");
      if ((hv & m) == (ev & m) || !init) continue;
      ev = (ev & ~m) | (hv & m);
      differing |= m;
    }
    return differing;
  }
  // Returns the components whose XSTATE_BV bits differ as allowed.
  uint64_t header_bits(const char* what, Area h, Area e, uint64_t bits) {
    uint64_t hv = get<uint64_t>(h.p, h.base + 512), ev = get<uint64_t>(e.p, e.base + 512);
    const uint64_t differing = xinuse_bits((std::string(what) + " XSTATE_BV").c_str(), hv, ev, bits);
    put<uint64_t>(e.p, e.base + 512, ev);
    return differing;
  }
  // Component i in `ranges`: where one side wrote it and the other did not (XINUSE told them
  // apart, header_bits allowed it), the writer must have stored the initial configuration and
  // the other side left the pattern; the interpreter's side then takes the host's bytes.
  void component_written(Area h, Area e, uint64_t differing, unsigned i, std::initializer_list<Range> ranges) {
    const uint64_t m = 1ull << i;
    if (!(differing & m)) return;
    const bool host_wrote = get<uint64_t>(h.p, h.base + 512) & m;
    uint8_t init[512];
    initial_image(init, host_wrote ? host().mxcsr_mask : kModelMxcsrMask);
    const uint8_t* writer = host_wrote ? h.p : e.p;
    const uint8_t* other = host_wrote ? e.p : h.p;
    for (Range r : ranges) {
      if (std::memcmp(writer + h.base + r.off, init + r.off, r.len) != 0)
        note(std::string(host_wrote ? "host" : "interpreter") + " wrote component " + std::to_string(i) +
             " (in use) with other than its initial configuration at " + std::to_string(r.off));
      if (std::memcmp(other + h.base + r.off, c_.b + h.base + r.off, r.len) != 0)
        note(std::string(host_wrote ? "interpreter" : "host") + " wrote component " + std::to_string(i) +
             " (not in use) at " + std::to_string(r.off));
      std::memcpy(e.p + e.base + r.off, h.p + h.base + r.off, r.len);
    }
  }
  // MXCSR_MASK (bytes 31:28) is the processor's own.
  void mxcsr_mask(Area h, Area e) {
    if (get<uint32_t>(h.p, h.base + 28) == host().mxcsr_mask && get<uint32_t>(e.p, e.base + 28) == kModelMxcsrMask)
      put<uint32_t>(e.p, e.base + 28, host().mxcsr_mask);
  }
  // Host-specific x87 pointer behaviour (see the top of the file); nothing on other hosts.
  void x87_quirks(Area h, Area e, bool wide_format) {
    if (host().amd_pointer_quirk && !(get<uint16_t>(h.p, h.base + 2) & 0x80) && all_zero(h.p + h.base + 6, 18))
      std::memcpy(e.p + e.base + 6, h.p + h.base + 6, 18);
    if (host().fcs_fds_zero && !wide_format && get<uint16_t>(h.p, h.base + 12) == 0 && get<uint16_t>(h.p, h.base + 20) == 0) {
      put<uint16_t>(e.p, e.base + 12, 0);
      put<uint16_t>(e.p, e.base + 20, 0);
    }
  }
  void compare_bytes(const char* what, const uint8_t* h, const uint8_t* e) {
    if (std::memcmp(h, e, kSpan) == 0) return;
    std::ostringstream o;
    o << what << " differs (offset host/interpreter):" << std::hex;
    int shown = 0;
    for (unsigned k = 0; k < kSpan; ++k)
      if (h[k] != e[k] && shown++ < 24) o << " " << std::dec << k << std::hex << ":" << int{h[k]} << "/" << int{e[k]};
    note(o.str());
  }
};

std::string describe(const Runner& run, const Case& c) {
  std::ostringstream o;
  o << std::hex << name(run.r) << " + " << name(run.s) << "  rfbm A " << c.rfbm_r << " B " << c.rfbm_s << "  P hdr "
    << get<uint64_t>(c.p, 512) << ":" << get<uint64_t>(c.p, 520) << "  A hdr " << get<uint64_t>(c.a, c.mis_a + 512)
    << ":" << get<uint64_t>(c.a, c.mis_a + 520) << " fsw " << get<uint16_t>(c.a, c.mis_a + 2) << " mxcsr "
    << get<uint32_t>(c.a, c.mis_a + 24);
  if (!c.mutation.empty()) o << "  [" << c.mutation << "]";
  return o.str();
}

struct Tally {
  int compared = 0, mismatches = 0, faults = 0, xinuse_differences = 0;
  std::string report;
};

void check(const std::vector<std::pair<Restore, Save>>& kinds, int states, uint64_t seed, bool mutations,
           bool raw_x87_words, Tally& t) {
  if (host().missing) return;
  static Guest g;
  std::mt19937_64 rng(seed);
  const SegvGuard guard;
  for (const auto& [r, s] : kinds) {
    Runner run(r, s);
    g.load(run.stub.seq);
    for (int n = 0; n < states; ++n) {
      Case c = random_case(rng, raw_x87_words);
      if (mutations) mutate(rng, c);
      Outcome h, e;
      run.host_run(c, h);
      run.emu_run(g, c, e);
      ++t.compared;
      if (h.faulted) ++t.faults;
      if (!h.faulted && ((h.xgetbv1 & 3) != e.xgetbv1)) ++t.xinuse_differences;
      Comparison cmp(run, c, h, e);
      const std::string v = cmp.verdict();
      if (!v.empty() && ++t.mismatches <= 12) t.report += describe(run, c) + "\n" + v;
    }
  }
}

std::vector<std::pair<Restore, Save>> pairs(std::initializer_list<Restore> rs, std::initializer_list<Save> ss) {
  std::vector<std::pair<Restore, Save>> v;
  for (Restore r : rs)
    for (Save s : ss) v.emplace_back(r, s);
  return v;
}
const std::initializer_list<Save> kAllSaves = {Save::Xsave,  Save::Xsave64,  Save::Xsaveopt, Save::Xsaveopt64,
                                              Save::Xsavec, Save::Xsavec64, Save::Fxsave,   Save::Fxsave64};

}  // namespace

TEST_CASE("host oracle: XRSTOR (standard and compacted) then XSAVE, XSAVEOPT, XSAVEC, FXSAVE and XGETBV(1)", "[diff]") {
  if (host().missing) {
    WARN("host lacks " << host().missing << ": skipped");
    return;
  }
  Tally t;
  check(pairs({Restore::Xrstor, Restore::Xrstor64}, kAllSaves), 200, 0x5A5E0001, false, false, t);
  INFO(t.report);
  INFO("XGETBV(1) differences allowed as XINUSE of initial state: " << t.xinuse_differences);
  CHECK(t.compared == 2 * 8 * 200);
  CHECK(t.faults == 0);
  CHECK(t.mismatches == 0);
}

TEST_CASE("host oracle: FXRSTOR then XSAVE, XSAVEOPT, XSAVEC, FXSAVE and XGETBV(1)", "[diff]") {
  if (host().missing) {
    WARN("host lacks " << host().missing << ": skipped");
    return;
  }
  Tally t;
  check(pairs({Restore::Fxrstor, Restore::Fxrstor64}, kAllSaves), 100, 0x5A5E0002, false, false, t);
  INFO(t.report);
  CHECK(t.compared == 2 * 8 * 100);
  CHECK(t.faults == 0);
  CHECK(t.mismatches == 0);
}

// FCW and FSW exactly as the area holds them: reserved FCW bits set or bit 6 clear, FSW.ES
// and FSW.B disagreeing with the exception flags and masks.
TEST_CASE("host oracle: XRSTOR and FXRSTOR of FCW reserved bits and inconsistent FSW.ES/B", "[diff]") {
  if (host().missing) {
    WARN("host lacks " << host().missing << ": skipped");
    return;
  }
  Tally t;
  check(pairs({Restore::Xrstor, Restore::Xrstor64, Restore::Fxrstor, Restore::Fxrstor64}, {Save::Xsave64, Save::Fxsave}),
        100, 0x5A5E0004, false, true, t);
  INFO(t.report);
  CHECK(t.compared == 4 * 2 * 100);
  CHECK(t.faults == 0);
  CHECK(t.mismatches == 0);
}

TEST_CASE("host oracle: XRSTOR, FXRSTOR and XSAVE #GP conditions (header, MXCSR, alignment)", "[diff]") {
  if (host().missing) {
    WARN("host lacks " << host().missing << ": skipped");
    return;
  }
  Tally t;
  check(pairs({Restore::Xrstor, Restore::Xrstor64, Restore::Fxrstor64}, {Save::Xsave64, Save::Xsavec, Save::Fxsave}),
        150, 0x5A5E0003, true, false, t);
  INFO(t.report);
  INFO("states that faulted on the host: " << t.faults);
  CHECK(t.compared == 3 * 3 * 150);
  CHECK(t.faults > t.compared / 3);  // most mutations must fault, or the case tests little
  CHECK(t.mismatches == 0);
}
