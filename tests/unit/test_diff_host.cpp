// Differential oracle: every general-purpose instruction form runs natively on the host CPU
// and in the interpreter from the same registers, flags and memory; all four data
// registers, RSI, the defined arithmetic flags and the memory operand must agree. Flags
// the SDM leaves undefined for that form and input are masked (docs/undefined-flags.md);
// nothing else is. Inputs: edge values plus seeded random states, reproducible.
//
// The host runs the code at the address the interpreter runs it at, with its memory window
// and stack where the guest has them (fixed mappings below 4 GiB), so the instructions that
// push or compare addresses (CALL, ENTER, PUSH RSP ...) must agree to the byte as well.
#include <sys/mman.h>

#include <catch2/catch.hpp>

#include <xbyak/xbyak.h>

#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "vp/core/cpu.h"

using namespace vp;
using Xbyak::CodeGenerator;

namespace {

constexpr uint64_t CF = rf::CF, PF = rf::PF, AF = rf::AF, ZF = rf::ZF, SF = rf::SF, OF = rf::OF;
constexpr uint64_t ARITH = rf::kArith;

// Memory window: RSI points 16 bytes into it, so negative bit offsets and displacements
// stay inside; the whole window is compared. RSP starts 40 bytes in (pushes go down to its
// start, pops read the 24 bytes above), RBP 48 bytes in.
constexpr unsigned kWindow = 64, kRsiOffset = 16, kRspOffset = 40, kRbpOffset = 48;

struct State {
  uint64_t r[4];  // rax rbx rcx rdx
  uint64_t rsp, rbp;  // outputs
  uint64_t flags;
  uint8_t mem[kWindow];  // bytes [0, 16) and [48, 64) start zeroed
  uint64_t x[4][2];      // xmm0..xmm3 (lo, hi)
};

// Host-side register block the stub loads and stores (offsets used by the stub).
struct HostRegs {
  uint64_t r[4];
  uint64_t flags;
  uint64_t rsi;
  uint64_t x[4][2];  // offset 48
  uint64_t rsp, rbp;  // offsets 112, 120
};
static_assert(offsetof(HostRegs, x) == 48 && offsetof(HostRegs, rsp) == 112 && offsetof(HostRegs, rbp) == 120);

struct Form {
  std::string name;
  std::function<void(CodeGenerator&)> emit;
  std::function<uint64_t(const State&)> undefined = [](const State&) { return uint64_t{0}; };
  std::function<void(State&)> prepare = nullptr;
};

Xbyak::Reg reg(unsigned idx, unsigned size) {
  switch (size) {
    case 1: return Xbyak::Reg8(static_cast<int>(idx));
    case 2: return Xbyak::Reg16(static_cast<int>(idx));
    case 4: return Xbyak::Reg32(static_cast<int>(idx));
    default: return Xbyak::Reg64(static_cast<int>(idx));
  }
}
Xbyak::Address mem(CodeGenerator& g, unsigned size) {
  switch (size) {
    case 1: return g.byte[g.rsi];
    case 2: return g.word[g.rsi];
    case 4: return g.dword[g.rsi];
    default: return g.qword[g.rsi];
  }
}
const unsigned kSizes[] = {1, 2, 4, 8};
constexpr unsigned RAX = 0, RCX = 1, RDX = 2, RBX = 3;
uint64_t size_mask(unsigned s) { return s == 8 ? ~0ull : (1ull << (8 * s)) - 1; }

// A native stub: load registers and flags, run the instruction, store them back.
struct HostStub : CodeGenerator {
  std::vector<uint8_t> insn;
  uint64_t insn_addr = 0;  // where the instruction sits: the guest runs it there too
  HostStub(const std::function<void(CodeGenerator&)>& emit, void* code) : CodeGenerator(4096, code) {
    push(rbx); push(rbp); push(r12); push(r13); push(r14); push(r15);
    mov(r15, rdi);
    mov(rsi, qword[r15 + 40]);
    push(qword[r15 + 32]);
    popf();
    for (int k = 0; k < 4; ++k) movdqu(Xbyak::Xmm(k), ptr[r15 + 48 + 16 * k]);
    mov(rax, qword[r15]); mov(rbx, qword[r15 + 8]); mov(rcx, qword[r15 + 16]); mov(rdx, qword[r15 + 24]);
    mov(r14, rsp);  // (MOV leaves the flags alone)
    mov(rbp, qword[r15 + 120]);
    mov(rsp, qword[r15 + 112]);
    const size_t start = getSize();
    emit(*this);
    insn.assign(getCode() + start, getCode() + getSize());
    insn_addr = reinterpret_cast<uint64_t>(getCode() + start);
    mov(qword[r15 + 112], rsp);
    mov(qword[r15 + 120], rbp);
    mov(rsp, r14);
    pushf();
    pop(qword[r15 + 32]);
    cld();  // the ABI wants DF = 0 back (forms may set it)
    mov(qword[r15], rax); mov(qword[r15 + 8], rbx); mov(qword[r15 + 16], rcx); mov(qword[r15 + 24], rdx);
    mov(qword[r15 + 40], rsi);
    for (int k = 0; k < 4; ++k) movdqu(ptr[r15 + 48 + 16 * k], Xbyak::Xmm(k));
    pop(r15); pop(r14); pop(r13); pop(r12); pop(rbp); pop(rbx);
    ret();
  }
};

// The interpreter in 64-bit mode with an identity map of the first GiB (2 MiB pages).
struct Guest {
  static constexpr uint64_t kCode = 0x100000, kWindowBase = 0x200000, kData = kWindowBase + kRsiOffset;
  PhysMemory memory{8ull << 20};
  IoBus io;
  Cpu cpu{memory, io};
  Guest() {
    memory.write(0x1000, 8, 0x2003);
    memory.write(0x2000, 8, 0x3003);
    for (uint64_t k = 0; k < 512; ++k) memory.write(0x3000 + 8 * k, 8, (k << 21) | 0x83);
    cpu.s.cr3 = 0x1000;
    cpu.s.cr4 = cr4::PAE | cr4::OSFXSR;
    cpu.s.efer = efer::LME | efer::LMA;
    cpu.s.cr0 = cr0::PE | cr0::PG | cr0::ET;
    cpu.s.seg[CS] = SegmentReg{8, 0, 0xFFFFFFFF, 0xA09B};
    for (uint8_t sr : {ES, SS, DS, FS, GS}) cpu.s.seg[sr] = SegmentReg{0x10, 0, 0xFFFFFFFF, 0xC093};
    cpu.state_changed();
  }
  uint64_t entry = kCode;
  void load(const std::vector<uint8_t>& insn, uint64_t addr) {
    std::vector<uint8_t> code = insn;
    code.push_back(0xFC);  // CLD, as the host stub does after saving the flags
    code.push_back(0xF4);  // HLT ends the run
    memory.write_block(addr, code.data(), code.size());
    entry = addr;
  }
  StopReason run(const State& in, State& out, uint64_t& rsi) {
    static const unsigned slot[4] = {0, 3, 1, 2};
    for (int k = 0; k < 4; ++k) cpu.s.regs[slot[k]] = in.r[k];
    cpu.s.regs[6] = kData;
    cpu.s.regs[4] = kWindowBase + kRspOffset;
    cpu.s.regs[5] = kWindowBase + kRbpOffset;
    cpu.s.rflags = in.flags | rf::kFixed1;
    cpu.s.rip() = entry;
    cpu.halted = false;
    for (int k = 0; k < 4; ++k) cpu.s.xmm[k] = Xmm{in.x[k][0], in.x[k][1]};
    memory.write_block(kWindowBase, in.mem, sizeof in.mem);
    const StopReason why = cpu.run(8);
    for (int k = 0; k < 4; ++k) out.r[k] = cpu.s.regs[slot[k]];
    for (int k = 0; k < 4; ++k) {
      out.x[k][0] = cpu.s.xmm[k].lo;
      out.x[k][1] = cpu.s.xmm[k].hi;
    }
    out.flags = cpu.s.rflags;
    out.rsp = cpu.s.regs[4];
    out.rbp = cpu.s.regs[5];
    memory.read_block(kWindowBase, out.mem, sizeof out.mem);
    rsi = cpu.s.regs[6] - kData;
    return why;
  }
};

uint64_t edge_value(std::mt19937_64& rng) {
  static const uint64_t edges[] = {0, 1, 2, ~0ull, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
                                   0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000ull, 0x7FFFFFFFFFFFFFFFull,
                                   0x8000000000000000ull, 0xFFFFFFFFFFFFFF80ull, 31, 32, 63, 64};
  switch (rng() % 4) {
    case 0: return edges[rng() % (sizeof edges / sizeof edges[0])];
    case 1: return rng() & 0xFF;
    default: return rng();
  }
}

std::string show(const State& s) {
  std::ostringstream o;
  o << std::hex << "rax=" << s.r[0] << " rbx=" << s.r[1] << " rcx=" << s.r[2] << " rdx=" << s.r[3]
    << " rsp=" << s.rsp << " rbp=" << s.rbp << " flags=" << (s.flags & ARITH) << " mem=";
  for (unsigned k = 0; k < kWindow; ++k) o << static_cast<int>(s.mem[k]) << ' ';
  return o.str();
}

// Runs every form on `states_per_form` random states; returns the number of mismatches and
// describes the first few.
// The host's code and memory window at the guest's addresses: fixed anonymous mappings (the
// low megabytes are free in a PIE process, with or without ASan).
template <class T> T* fixed_mapping(uint64_t addr, size_t len, int prot) {
  void* p = mmap(reinterpret_cast<void*>(addr), len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  REQUIRE(p == reinterpret_cast<void*>(addr));
  return static_cast<T*>(p);
}

void check_forms(const std::vector<Form>& forms, int states_per_form = 2000) {
  static Guest g;
  static uint8_t* const code = fixed_mapping<uint8_t>(Guest::kCode, 0x10000, PROT_READ | PROT_WRITE | PROT_EXEC);
  static uint8_t* const hostmem = fixed_mapping<uint8_t>(Guest::kWindowBase, 0x1000, PROT_READ | PROT_WRITE);
  std::mt19937_64 rng(0x5EED1234);
  int mismatches = 0, compared = 0;
  std::string report;
  for (const Form& f : forms) {
    HostStub stub(f.emit, code);
    g.load(stub.insn, stub.insn_addr);
    auto host_fn = stub.getCode<void (*)(HostRegs*)>();
    for (int n = 0; n < states_per_form; ++n) {
      State in;
      in.rsp = Guest::kWindowBase + kRspOffset;
      in.rbp = Guest::kWindowBase + kRbpOffset;
      for (auto& r : in.r) r = edge_value(rng);
      in.flags = rng() & ARITH;
      std::memset(in.mem, 0, sizeof in.mem);
      for (unsigned k = kRsiOffset; k < kRsiOffset + 32; ++k) in.mem[k] = static_cast<uint8_t>(rng());
      if (n % 4 == 0) std::memcpy(in.mem + kRsiOffset, &in.r[(n / 4) % 4], 8);  // equal operands now and then
      for (auto& xr : in.x)
        for (auto& q : xr) q = edge_value(rng);
      if (n % 3 == 0) {  // equal lanes now and then (PCMPEQ*, PMINUB ...)
        std::memcpy(reinterpret_cast<uint8_t*>(in.x[1]) + (n % 8), reinterpret_cast<uint8_t*>(in.x[0]) + (n % 8), 8);
        std::memcpy(in.mem + kRsiOffset, in.x[2], 16);
      }
      if (f.prepare) f.prepare(in);
      HostRegs h{{in.r[0], in.r[1], in.r[2], in.r[3]}, in.flags | rf::kFixed1,
                 reinterpret_cast<uint64_t>(hostmem + kRsiOffset),
                 {{in.x[0][0], in.x[0][1]}, {in.x[1][0], in.x[1][1]}, {in.x[2][0], in.x[2][1]}, {in.x[3][0], in.x[3][1]}},
                 Guest::kWindowBase + kRspOffset, Guest::kWindowBase + kRbpOffset};
      std::memcpy(hostmem, in.mem, sizeof in.mem);
      host_fn(&h);
      State emu;
      uint64_t rsi_delta;
      const StopReason why = g.run(in, emu, rsi_delta);
      const uint64_t defined = ARITH & ~f.undefined(in);
      ++compared;
      bool ok = why == StopReason::Halted && rsi_delta == h.rsi - reinterpret_cast<uint64_t>(hostmem + kRsiOffset) &&
                (emu.flags & defined) == (h.flags & defined) && std::memcmp(emu.mem, hostmem, sizeof emu.mem) == 0 &&
                emu.rsp == h.rsp && emu.rbp == h.rbp;
      for (int k = 0; k < 4; ++k) ok = ok && emu.r[k] == h.r[k] && emu.x[k][0] == h.x[k][0] && emu.x[k][1] == h.x[k][1];
      if (!ok && ++mismatches <= 10) {
        std::ostringstream o;
        o << f.name << "\n  in:   " << show(in) << "\n  host: rax=" << std::hex << h.r[0] << " rbx=" << h.r[1]
          << " rcx=" << h.r[2] << " rdx=" << h.r[3] << " rsp=" << h.rsp << " rbp=" << h.rbp
          << " flags=" << (h.flags & defined) << " mem=";
        for (unsigned k = 0; k < kWindow; ++k) o << static_cast<int>(hostmem[k]) << ' ';
        o << "\n  emu:  "
          << show(emu) << " (defined-masked flags " << (emu.flags & defined) << ", stop " << static_cast<int>(why)
          << ")\n  xmm host/emu:";
        for (int k = 0; k < 4; ++k)
          o << " x" << k << "=" << h.x[k][1] << ":" << h.x[k][0] << "/" << emu.x[k][1] << ":" << emu.x[k][0];
        o << "\n";
        report += o.str();
      }
    }
  }
  INFO(report);
  CHECK(compared == static_cast<int>(forms.size()) * states_per_form);
  CHECK(mismatches == 0);
}

using E = std::function<void(CodeGenerator&)>;
const std::function<uint64_t(const State&)> kNoUndefinedFlags = [](const State&) { return uint64_t{0}; };

}  // namespace

TEST_CASE("host oracle: ADD OR ADC SBB AND SUB XOR CMP TEST in every size and form", "[diff]") {
  std::vector<Form> forms;
  struct Op {
    const char* name;
    void (*rr)(CodeGenerator&, const Xbyak::Operand&, const Xbyak::Operand&);
    void (*ri)(CodeGenerator&, const Xbyak::Operand&, uint32_t);
    bool logic;
  };
#define OP(n, f, logic) \
  Op{#n, [](CodeGenerator& g, const Xbyak::Operand& a, const Xbyak::Operand& b) { g.f(a, b); }, \
     [](CodeGenerator& g, const Xbyak::Operand& a, uint32_t i) { g.f(a, i); }, logic}
  const Op ops[] = {OP(add, add, false), OP(or, or_, true),   OP(adc, adc, false),  OP(sbb, sbb, false),
                    OP(and, and_, true), OP(sub, sub, false), OP(xor, xor_, true), OP(cmp, cmp, false)};
#undef OP
  for (const Op& op : ops)
    for (unsigned s : kSizes) {
      const auto u = [l = op.logic](const State&) { return l ? AF : uint64_t{0}; };
      const std::string sz = std::to_string(8 * s);
      forms.push_back({std::string(op.name) + " r" + sz + ", r", [=](CodeGenerator& g) { op.rr(g, reg(RAX, s), reg(RBX, s)); }, u});
      forms.push_back({std::string(op.name) + " r" + sz + ", m", [=](CodeGenerator& g) { op.rr(g, reg(RCX, s), mem(g, s)); }, u});
      forms.push_back({std::string(op.name) + " m" + sz + ", r", [=](CodeGenerator& g) { op.rr(g, mem(g, s), reg(RDX, s)); }, u});
      forms.push_back({std::string(op.name) + " r" + sz + ", imm8", [=](CodeGenerator& g) { op.ri(g, reg(RBX, s), 0x7F); }, u});
      forms.push_back({std::string(op.name) + " r" + sz + ", -imm8", [=](CodeGenerator& g) { op.ri(g, reg(RDX, s), s == 1 ? 0x80 : 0xFFFFFF80u); }, u});
      if (s > 1)
        forms.push_back({std::string(op.name) + " m" + sz + ", imm32", [=](CodeGenerator& g) { op.ri(g, mem(g, s), s == 2 ? 0xFFFF8001u : 0x80000001u); }, u});
    }
  for (unsigned s : kSizes) {
    const std::string sz = std::to_string(8 * s);
    forms.push_back({"test r" + sz + ", r", [=](CodeGenerator& g) { g.test(reg(RAX, s), reg(RCX, s)); }, [](const State&) { return AF; }});
    forms.push_back({"test m" + sz + ", r", [=](CodeGenerator& g) { g.test(mem(g, s), reg(RBX, s)); }, [](const State&) { return AF; }});
    forms.push_back({"test r" + sz + ", imm", [=](CodeGenerator& g) { g.test(reg(RDX, s), 0x81); }, [](const State&) { return AF; }});
  }
  check_forms(forms);
}

TEST_CASE("host oracle: INC DEC NEG NOT, CBW..CQO, flag instructions", "[diff]") {
  std::vector<Form> forms;
  for (unsigned s : kSizes) {
    const std::string sz = std::to_string(8 * s);
    forms.push_back({"inc r" + sz, [=](CodeGenerator& g) { g.inc(reg(RAX, s)); }});
    forms.push_back({"dec m" + sz, [=](CodeGenerator& g) { g.dec(mem(g, s)); }});
    forms.push_back({"neg r" + sz, [=](CodeGenerator& g) { g.neg(reg(RBX, s)); }});
    forms.push_back({"neg m" + sz, [=](CodeGenerator& g) { g.neg(mem(g, s)); }});
    forms.push_back({"not r" + sz, [=](CodeGenerator& g) { g.not_(reg(RCX, s)); }});
  }
  const std::pair<const char*, E> simple[] = {
      {"cbw", [](CodeGenerator& g) { g.cbw(); }},   {"cwde", [](CodeGenerator& g) { g.cwde(); }},
      {"cdqe", [](CodeGenerator& g) { g.cdqe(); }}, {"cwd", [](CodeGenerator& g) { g.cwd(); }},
      {"cdq", [](CodeGenerator& g) { g.cdq(); }},   {"cqo", [](CodeGenerator& g) { g.cqo(); }},
      {"cmc", [](CodeGenerator& g) { g.cmc(); }},   {"clc", [](CodeGenerator& g) { g.clc(); }},
      {"stc", [](CodeGenerator& g) { g.stc(); }},   {"lahf", [](CodeGenerator& g) { g.lahf(); }},
      {"sahf", [](CodeGenerator& g) { g.sahf(); }},
  };
  for (const auto& [n, e] : simple) forms.push_back({n, e});
  check_forms(forms);
}

TEST_CASE("host oracle: MUL IMUL (1, 2, 3 operands) DIV IDIV", "[diff]") {
  std::vector<Form> forms;
  const auto mul_undef = [](const State&) { return SF | ZF | AF | PF; };
  for (unsigned s : kSizes) {
    const std::string sz = std::to_string(8 * s);
    forms.push_back({"mul r" + sz, [=](CodeGenerator& g) { g.mul(reg(RBX, s)); }, mul_undef});
    forms.push_back({"imul r" + sz, [=](CodeGenerator& g) { g.imul(reg(RCX, s)); }, mul_undef});
    forms.push_back({"imul m" + sz, [=](CodeGenerator& g) { g.imul(mem(g, s)); }, mul_undef});
    if (s > 1) {
      forms.push_back({"imul r" + sz + ", r", [=](CodeGenerator& g) { g.imul(reg(RBX, s), reg(RDX, s)); }, mul_undef});
      forms.push_back({"imul r" + sz + ", m, imm", [=](CodeGenerator& g) { g.imul(reg(RCX, s), mem(g, s), -3); }, mul_undef});
      forms.push_back({"imul r" + sz + ", r, imm32", [=](CodeGenerator& g) { g.imul(reg(RCX, s), reg(RAX, s), s == 2 ? 0x1234 : 0x12345678); }, mul_undef});
    }
    // DIV/IDIV inputs are chosen so the host never faults: the quotient always fits.
    const uint64_t m = size_mask(s);
    const auto all = [](const State&) { return ARITH; };
    forms.push_back({"div r" + sz, [=](CodeGenerator& g) { g.div(reg(RBX, s)); }, all, [=](State& st) {
                       if ((st.r[1] & m) == 0) st.r[1] |= 1;
                       if (s == 1) st.r[0] = (st.r[0] & ~0xFF00ull) | ((((st.r[0] >> 8) & 0xFF) % (st.r[1] & 0xFF)) << 8);
                       else st.r[3] = (st.r[3] & ~m) | ((st.r[3] & m) % (st.r[1] & m));
                     }});
    forms.push_back({"idiv r" + sz, [=](CodeGenerator& g) { g.idiv(reg(RBX, s)); }, all, [=](State& st) {
                       if ((st.r[1] & m) == 0) st.r[1] |= 1;
                       const uint64_t sign = m & ~(m >> 1);
                       if (s == 1) {
                         st.r[0] = (st.r[0] & ~0xFF00ull) | ((st.r[0] & 0x80) ? 0xFF00 : 0);
                       } else {
                         st.r[3] = (st.r[3] & ~m) | ((st.r[0] & sign) ? m : 0);
                       }
                       if ((st.r[0] & m) == sign && (st.r[1] & m) == m) st.r[0] ^= 1;  // MIN / -1
                     }});
  }
  check_forms(forms);
}

TEST_CASE("host oracle: shifts and rotates by 1, imm8 and CL; SHLD SHRD", "[diff]") {
  std::vector<Form> forms;
  struct Sh {
    const char* name;
    void (*by_cl)(CodeGenerator&, const Xbyak::Operand&);
    void (*by_imm)(CodeGenerator&, const Xbyak::Operand&, int);
    bool shift;  // SHL/SHR/SAR (CF undefined for counts >= width), else a rotate
  };
#define SH(n, shift) \
  Sh{#n, [](CodeGenerator& g, const Xbyak::Operand& a) { g.n(a, g.cl); }, \
     [](CodeGenerator& g, const Xbyak::Operand& a, int i) { g.n(a, i); }, shift}
  const Sh ops[] = {SH(shl, true), SH(shr, true), SH(sar, true), SH(rol, false),
                    SH(ror, false), SH(rcl, false), SH(rcr, false)};
#undef SH
  for (const Sh& op : ops)
    for (unsigned s : kSizes) {
      // SDM: OF is defined for masked count 1 only; AF is undefined for shifts with a
      // non-zero count; SHL/SHR/SAR leave CF undefined when count >= operand width.
      const auto undef_for = [=](unsigned count) {
        const unsigned c = count & (s == 8 ? 63 : 31);
        uint64_t u = 0;
        if (c == 0) return u;
        if (c != 1) u |= OF;
        if (op.shift) u |= AF;
        if (op.shift && c >= 8 * s) u |= CF;
        return u;
      };
      const std::string sz = std::to_string(8 * s);
      forms.push_back({std::string(op.name) + " r" + sz + ", cl", [=](CodeGenerator& g) { op.by_cl(g, reg(RAX, s)); },
                       [=](const State& st) { return undef_for(static_cast<unsigned>(st.r[2] & 0xFF)); }});
      forms.push_back({std::string(op.name) + " m" + sz + ", cl", [=](CodeGenerator& g) { op.by_cl(g, mem(g, s)); },
                       [=](const State& st) { return undef_for(static_cast<unsigned>(st.r[2] & 0xFF)); }});
      for (int k : {1, 7, static_cast<int>(8 * s - 1)})
        forms.push_back({std::string(op.name) + " r" + sz + ", " + std::to_string(k),
                         [=](CodeGenerator& g) { op.by_imm(g, reg(RDX, s), k); },
                         [=](const State&) { return undef_for(static_cast<unsigned>(k)); }});
    }
  for (unsigned s : {2u, 4u, 8u}) {
    const std::string sz = std::to_string(8 * s);
    // 16-bit counts above 16 give an undefined result: keep CL within the width there.
    const auto clamp = [=](State& st) {
      if (s == 2) st.r[2] = (st.r[2] & ~0xFFull) | (st.r[2] & 0x0F);
    };
    const auto undef = [=](const State& st) {
      const unsigned c = static_cast<unsigned>(st.r[2] & (s == 8 ? 63 : 31));
      return c == 0 ? uint64_t{0} : (c == 1 ? AF : AF | OF);
    };
    forms.push_back({"shld r" + sz + ", r, cl", [=](CodeGenerator& g) { g.shld(reg(RAX, s), reg(RBX, s), g.cl); }, undef, clamp});
    forms.push_back({"shrd m" + sz + ", r, cl", [=](CodeGenerator& g) { g.shrd(mem(g, s), reg(RDX, s), g.cl); }, undef, clamp});
    forms.push_back({"shrd r" + sz + ", r, 5", [=](CodeGenerator& g) { g.shrd(reg(RDX, s), reg(RAX, s), 5); },
                     [](const State&) { return AF | OF; }});
  }
  check_forms(forms);
}

TEST_CASE("host oracle: BT BTS BTR BTC, BSF BSR, POPCNT LZCNT, BSWAP", "[diff]") {
  std::vector<Form> forms;
  const auto bt_undef = [](const State&) { return OF | SF | AF | PF; };
  for (unsigned s : {2u, 4u, 8u}) {
    const std::string sz = std::to_string(8 * s);
    // Register bit offsets into memory address a bit string; keep them inside the buffer.
    const auto near = [=](State& st) { st.r[1] = (st.r[1] & 0x7F) - 32; };
    forms.push_back({"bt r" + sz + ", r", [=](CodeGenerator& g) { g.bt(reg(RAX, s), reg(RCX, s)); }, bt_undef});
    forms.push_back({"bts r" + sz + ", imm", [=](CodeGenerator& g) { g.bts(reg(RDX, s), 0x45); }, bt_undef});
    forms.push_back({"btr m" + sz + ", imm", [=](CodeGenerator& g) { g.btr(mem(g, s), 3); }, bt_undef});
    forms.push_back({"btc m" + sz + ", r", [=](CodeGenerator& g) { g.btc(mem(g, s), reg(RBX, s)); }, bt_undef, near});
    forms.push_back({"bt m" + sz + ", r", [=](CodeGenerator& g) { g.bt(mem(g, s), reg(RBX, s)); }, bt_undef, near});
    const auto scan_undef = [](const State&) { return CF | OF | SF | AF | PF; };
    forms.push_back({"bsf r" + sz + ", r", [=](CodeGenerator& g) { g.bsf(reg(RAX, s), reg(RBX, s)); }, scan_undef});
    forms.push_back({"bsr r" + sz + ", m", [=](CodeGenerator& g) { g.bsr(reg(RCX, s), mem(g, s)); }, scan_undef});
    forms.push_back({"popcnt r" + sz + ", r", [=](CodeGenerator& g) { g.popcnt(reg(RDX, s), reg(RAX, s)); }});
    forms.push_back({"lzcnt r" + sz + ", r", [=](CodeGenerator& g) { g.lzcnt(reg(RBX, s), reg(RCX, s)); },
                     [](const State&) { return OF | SF | AF | PF; }});
  }
  forms.push_back({"bswap r32", [](CodeGenerator& g) { g.bswap(g.ebx); }});
  forms.push_back({"bswap r64", [](CodeGenerator& g) { g.bswap(g.rcx); }});
  check_forms(forms);
}

TEST_CASE("host oracle: BMI1 and BMI2 (ANDN BEXTR BLSI BLSMSK BLSR TZCNT BZHI MULX PDEP PEXT RORX SARX SHLX SHRX)", "[diff]") {
  std::vector<Form> forms;
  const auto af_pf = [](const State&) { return AF | PF; };
  // BEXTR/BZHI controls: mostly in-range starts, lengths and indexes, sometimes past the top.
  const auto control = [](State& st) {
    if (st.r[2] & 0x10000) st.r[2] = (st.r[2] & 0xFFFF) % 0x4848;
    std::memcpy(st.mem + kRsiOffset, &st.r[2], 8);
  };
  for (unsigned s : {4u, 8u}) {
    const std::string sz = std::to_string(8 * s);
    const auto r = [=](unsigned k) { return Xbyak::Reg32e(static_cast<int>(k), static_cast<int>(8 * s)); };
    const auto m = [=](CodeGenerator& g) { return s == 8 ? g.qword[g.rsi] : g.dword[g.rsi]; };
    forms.push_back({"andn r" + sz + ", r, r", [=](CodeGenerator& g) { g.andn(r(RAX), r(RBX), r(RCX)); }, af_pf});
    forms.push_back({"andn r" + sz + ", r, m", [=](CodeGenerator& g) { g.andn(r(RDX), r(RAX), m(g)); }, af_pf});
    forms.push_back({"bextr r" + sz + ", r, r", [=](CodeGenerator& g) { g.bextr(r(RAX), r(RBX), r(RCX)); },
                     [](const State&) { return AF | SF | PF; }, control});
    forms.push_back({"bextr r" + sz + ", m, r", [=](CodeGenerator& g) { g.bextr(r(RDX), m(g), r(RCX)); },
                     [](const State&) { return AF | SF | PF; }, control});
    forms.push_back({"blsi r" + sz + ", r", [=](CodeGenerator& g) { g.blsi(r(RAX), r(RBX)); }, af_pf});
    forms.push_back({"blsmsk r" + sz + ", m", [=](CodeGenerator& g) { g.blsmsk(r(RCX), m(g)); }, af_pf});
    forms.push_back({"blsr r" + sz + ", r", [=](CodeGenerator& g) { g.blsr(r(RDX), r(RDX)); }, af_pf});
    forms.push_back({"bzhi r" + sz + ", r, r", [=](CodeGenerator& g) { g.bzhi(r(RAX), r(RBX), r(RCX)); }, af_pf, control});
    forms.push_back({"bzhi r" + sz + ", m, r", [=](CodeGenerator& g) { g.bzhi(r(RBX), m(g), r(RCX)); }, af_pf, control});
    forms.push_back({"mulx r" + sz + ", r, r", [=](CodeGenerator& g) { g.mulx(r(RAX), r(RBX), r(RCX)); }});
    forms.push_back({"mulx r" + sz + ", r, m", [=](CodeGenerator& g) { g.mulx(r(RCX), r(RAX), m(g)); }});
    forms.push_back({"mulx same destinations", [=](CodeGenerator& g) { g.mulx(r(RAX), r(RAX), r(RBX)); }});
    forms.push_back({"pdep r" + sz + ", r, r", [=](CodeGenerator& g) { g.pdep(r(RAX), r(RBX), r(RCX)); }});
    forms.push_back({"pdep r" + sz + ", r, m", [=](CodeGenerator& g) { g.pdep(r(RDX), r(RAX), m(g)); }});
    forms.push_back({"pext r" + sz + ", r, r", [=](CodeGenerator& g) { g.pext(r(RAX), r(RBX), r(RCX)); }});
    forms.push_back({"pext r" + sz + ", r, m", [=](CodeGenerator& g) { g.pext(r(RDX), r(RAX), m(g)); }});
    for (uint8_t n : {0, 1, 7, 31, 32, 63})
      forms.push_back({"rorx r" + sz + ", r, " + std::to_string(n), [=](CodeGenerator& g) { g.rorx(r(RAX), r(RBX), n); }});
    forms.push_back({"rorx r" + sz + ", m, 13", [=](CodeGenerator& g) { g.rorx(r(RCX), m(g), 13); }});
    forms.push_back({"sarx r" + sz + ", r, r", [=](CodeGenerator& g) { g.sarx(r(RAX), r(RBX), r(RCX)); }});
    forms.push_back({"shlx r" + sz + ", m, r", [=](CodeGenerator& g) { g.shlx(r(RDX), m(g), r(RCX)); }});
    forms.push_back({"shrx r" + sz + ", r, r", [=](CodeGenerator& g) { g.shrx(r(RBX), r(RBX), r(RAX)); }});
  }
  for (unsigned s : {2u, 4u, 8u}) {
    const std::string sz = std::to_string(8 * s);
    forms.push_back({"tzcnt r" + sz + ", r", [=](CodeGenerator& g) { g.tzcnt(reg(RBX, s), reg(RCX, s)); },
                     [](const State&) { return OF | SF | AF | PF; }});
    forms.push_back({"tzcnt r" + sz + ", m", [=](CodeGenerator& g) { g.tzcnt(reg(RAX, s), mem(g, s)); },
                     [](const State&) { return OF | SF | AF | PF; }});
  }
  check_forms(forms);
}

TEST_CASE("host oracle: MOV family, CMOVcc, SETcc, XCHG XADD CMPXCHG CMPXCHG8B/16B, XLAT, LEA, NOPs and hints", "[diff]") {
  std::vector<Form> forms;
  for (unsigned s : kSizes) {
    const std::string sz = std::to_string(8 * s);
    forms.push_back({"mov r" + sz + ", m", [=](CodeGenerator& g) { g.mov(reg(RAX, s), mem(g, s)); }});
    forms.push_back({"mov m" + sz + ", r", [=](CodeGenerator& g) { g.mov(mem(g, s), reg(RBX, s)); }});
    forms.push_back({"xchg r" + sz + ", m", [=](CodeGenerator& g) { g.xchg(reg(RCX, s), mem(g, s)); }});
    forms.push_back({"xadd m" + sz + ", r", [=](CodeGenerator& g) { g.xadd(mem(g, s), reg(RDX, s)); }});
    forms.push_back({"cmpxchg r" + sz + ", r", [=](CodeGenerator& g) { g.cmpxchg(reg(RBX, s), reg(RCX, s)); }});
    forms.push_back({"cmpxchg m" + sz + ", r", [=](CodeGenerator& g) { g.cmpxchg(mem(g, s), reg(RDX, s)); }});
  }
  forms.push_back({"mov ah, bh", [](CodeGenerator& g) { g.mov(g.ah, g.bh); }});
  forms.push_back({"movzx r32, m8", [](CodeGenerator& g) { g.movzx(g.eax, g.byte[g.rsi]); }});
  forms.push_back({"movzx r64, r16", [](CodeGenerator& g) { g.movzx(g.rbx, g.cx); }});
  forms.push_back({"movsx r16, r8", [](CodeGenerator& g) { g.movsx(g.dx, g.ch); }});
  forms.push_back({"movsx r64, m16", [](CodeGenerator& g) { g.movsx(g.rcx, g.word[g.rsi]); }});
  forms.push_back({"movsxd r64, r32", [](CodeGenerator& g) { g.movsxd(g.rax, g.edx); }});
  forms.push_back({"cmpxchg8b m64", [](CodeGenerator& g) { g.cmpxchg8b(g.qword[g.rsi]); }});
  forms.push_back({"cmpxchg16b m128", [](CodeGenerator& g) { g.cmpxchg16b(g.ptr[g.rsi]); }, kNoUndefinedFlags,
                   [](State& st) {  // equal halves now and then, so both outcomes are seen
                     if (st.r[3] & 1) std::memcpy(st.mem + kRsiOffset, &st.r[0], 8), std::memcpy(st.mem + kRsiOffset + 8, &st.r[3], 8);
                   }});
  forms.push_back({"xlatb", [](CodeGenerator& g) { g.lea(g.rbx, g.ptr[g.rsi - 16]); g.xlatb(); }, kNoUndefinedFlags,
                   [](State& st) { st.r[0] = (st.r[0] & ~0xFFull) | (st.r[0] & 0x3F); }});
  forms.push_back({"mov r64, imm64", [](CodeGenerator& g) { g.mov(g.rbx, 0x8123456789ABCDEFull); }});
  forms.push_back({"mov r32, imm32", [](CodeGenerator& g) { g.mov(g.ecx, 0x89ABCDEF); }});
  forms.push_back({"mov m64, simm32", [](CodeGenerator& g) { g.mov(g.qword[g.rsi], -2); }});
  forms.push_back({"mov m16, imm16", [](CodeGenerator& g) { g.mov(g.word[g.rsi + 1], 0x8001); }});
  forms.push_back({"mov r8, r8 (rex)", [](CodeGenerator& g) { g.mov(g.sil, g.dl); }});
  forms.push_back({"xchg r32, r32", [](CodeGenerator& g) { g.xchg(g.eax, g.ebx); }});
  forms.push_back({"xchg r16, r16", [](CodeGenerator& g) { g.xchg(g.cx, g.dx); }});
  forms.push_back({"cmovcc r16 (cmovl)", [](CodeGenerator& g) { g.cmovl(g.ax, g.bx); }});
  // NOP forms, PAUSE, fences, cache and prefetch hints: architecturally nothing but RIP.
  forms.push_back({"nop m32 (0F 1F)", [](CodeGenerator& g) { g.nop(7); }});
  forms.push_back({"nop r16 (66 0F 1F)", [](CodeGenerator& g) { g.db(0x66); g.db(0x0F); g.db(0x1F); g.db(0xC0); }});
  forms.push_back({"pause", [](CodeGenerator& g) { g.pause(); }});
  forms.push_back({"lfence mfence sfence", [](CodeGenerator& g) { g.lfence(); g.mfence(); g.sfence(); }});
  forms.push_back({"clflush m8", [](CodeGenerator& g) { g.clflush(g.ptr[g.rsi]); }});
  forms.push_back({"prefetcht0 prefetchnta", [](CodeGenerator& g) { g.prefetcht0(g.ptr[g.rsi]); g.prefetchnta(g.ptr[g.rsi + 8]); }});
  forms.push_back({"lea r64, [rax+rbx*4-8]", [](CodeGenerator& g) { g.lea(g.rcx, g.ptr[g.rax + g.rbx * 4 - 8]); }});
  forms.push_back({"lea r32, [rax+rdx*8+0x7f]", [](CodeGenerator& g) { g.lea(g.ecx, g.ptr[g.rax + g.rdx * 8 + 0x7F]); }});
  forms.push_back({"lea r16, [rbx+rcx]", [](CodeGenerator& g) { g.lea(g.ax, g.ptr[g.rbx + g.rcx]); }});
  forms.push_back({"lea r64, [eax+ebx*2+8] (67h)", [](CodeGenerator& g) { g.lea(g.rcx, g.ptr[g.eax + g.ebx * 2 + 8]); }});
  forms.push_back({"add r64, [esi] (67h)", [](CodeGenerator& g) { g.add(g.rax, g.qword[g.esi]); }});
  forms.push_back({"mov [esi+ecx*1-4], r32 (67h)", [](CodeGenerator& g) { g.mov(g.dword[g.esi + g.ecx - 4], g.edx); },
                   kNoUndefinedFlags, [](State& st) { st.r[2] = (st.r[2] & ~0xFFFFFFFFull) | (st.r[2] & 0xF); }});
  using CC = void (CodeGenerator::*)(const Xbyak::Reg&, const Xbyak::Operand&);
  using SC = void (CodeGenerator::*)(const Xbyak::Operand&);
  const std::pair<CC, SC> cc[] = {
      {&CodeGenerator::cmovo, &CodeGenerator::seto},   {&CodeGenerator::cmovno, &CodeGenerator::setno},
      {&CodeGenerator::cmovb, &CodeGenerator::setb},   {&CodeGenerator::cmovnb, &CodeGenerator::setnb},
      {&CodeGenerator::cmovz, &CodeGenerator::setz},   {&CodeGenerator::cmovnz, &CodeGenerator::setnz},
      {&CodeGenerator::cmovbe, &CodeGenerator::setbe}, {&CodeGenerator::cmovnbe, &CodeGenerator::setnbe},
      {&CodeGenerator::cmovs, &CodeGenerator::sets},   {&CodeGenerator::cmovns, &CodeGenerator::setns},
      {&CodeGenerator::cmovp, &CodeGenerator::setp},   {&CodeGenerator::cmovnp, &CodeGenerator::setnp},
      {&CodeGenerator::cmovl, &CodeGenerator::setl},   {&CodeGenerator::cmovnl, &CodeGenerator::setnl},
      {&CodeGenerator::cmovle, &CodeGenerator::setle}, {&CodeGenerator::cmovnle, &CodeGenerator::setnle},
  };
  for (unsigned k = 0; k < 16; ++k) {
    const auto [cm, st] = cc[k];
    forms.push_back({"cmovcc r32 #" + std::to_string(k), [=](CodeGenerator& g) { (g.*cm)(g.eax, g.ebx); }});
    forms.push_back({"cmovcc r64, m #" + std::to_string(k), [=](CodeGenerator& g) { (g.*cm)(g.rdx, g.qword[g.rsi]); }});
    forms.push_back({"setcc r8 #" + std::to_string(k), [=](CodeGenerator& g) { (g.*st)(g.cl); }});
    forms.push_back({"setcc m8 #" + std::to_string(k), [=](CodeGenerator& g) { (g.*st)(g.byte[g.rsi]); }});
  }
  check_forms(forms, 600);
}

TEST_CASE("host oracle: SSE/SSE2 integer subset (logic, compares, add/sub, masks, shuffles, shifts, moves)", "[diff]") {
  std::vector<Form> forms;
  using X = Xbyak::Xmm;
  using B2 = void (*)(CodeGenerator&, const X&, const Xbyak::Operand&);
  using SI = void (*)(CodeGenerator&, const X&, int);
#define B(n) std::pair<const char*, B2>{#n, [](CodeGenerator& g, const X& a, const Xbyak::Operand& b) { g.n(a, b); }}
#define S(n) std::pair<const char*, SI>{#n, [](CodeGenerator& g, const X& a, int k) { g.n(a, k); }}
  const std::pair<const char*, B2> binops[] = {
      B(pxor), B(pand), B(pandn), B(por), B(xorps),
      B(andps), B(andnpd), B(orpd), B(pcmpeqb), B(pcmpeqw),
      B(pcmpeqd), B(pcmpgtb), B(pcmpgtw), B(pcmpgtd), B(paddb),
      B(paddw), B(paddd), B(paddq), B(psubb), B(psubw),
      B(psubd), B(psubq), B(pminub), B(pmaxub), B(punpcklbw),
      B(punpcklwd), B(punpckldq), B(punpcklqdq), B(punpckhbw), B(punpckhwd),
      B(punpckhdq), B(punpckhqdq), B(psllw), B(pslld), B(psllq),
      B(psrlw), B(psrld), B(psrlq), B(psraw), B(psrad)};
  for (const auto& [n, op] : binops) {
    const B2 f = op;
    forms.push_back({std::string(n) + " xmm0, xmm1", [=](CodeGenerator& g) { f(g, X(0), X(1)); }});
    forms.push_back({std::string(n) + " xmm2, m128", [=](CodeGenerator& g) { f(g, X(2), g.xword[g.rsi]); }});
  }
  // Shift counts in a register: mostly small, sometimes past the lane width.
  const auto small_count = [](State& st) { st.x[1][0] &= 0x4F; };
  for (B2 f : {B(psllq).second, B(psrlw).second, B(psrad).second})
    forms.push_back({"shift by xmm1 (small)", [=](CodeGenerator& g) { f(g, X(0), X(1)); }, kNoUndefinedFlags, small_count});
  const std::pair<const char*, SI> shifts[] = {
        S(psllw), S(pslld), S(psllq), S(psrlw), S(psrld),
        S(psrlq), S(psraw), S(psrad), S(pslldq), S(psrldq)};
#undef B
#undef S
  for (int imm : {0, 1, 7, 15, 16, 31, 32, 63, 64, 200})
    for (const auto& [n, op] : shifts) {
      const SI f = op;
      forms.push_back({std::string(n) + " xmm3, " + std::to_string(imm), [=](CodeGenerator& g) { f(g, X(3), imm); }});
    }
  for (int imm : {0x00, 0x1B, 0x4E, 0xE4, 0xFF})
    forms.push_back({"pshufd xmm0, xmm1, " + std::to_string(imm), [=](CodeGenerator& g) { g.pshufd(X(0), X(1), static_cast<uint8_t>(imm)); }});
  forms.push_back({"pshufd xmm1, m128, 0x39", [](CodeGenerator& g) { g.pshufd(X(1), g.xword[g.rsi], 0x39); }});
  forms.push_back({"pmovmskb eax, xmm1", [](CodeGenerator& g) { g.pmovmskb(g.eax, X(1)); }});
  forms.push_back({"pmovmskb rbx, xmm2", [](CodeGenerator& g) { g.pmovmskb(g.rbx, X(2)); }});
  forms.push_back({"movmskps ecx, xmm3", [](CodeGenerator& g) { g.movmskps(g.ecx, X(3)); }});
  forms.push_back({"movd xmm0, eax", [](CodeGenerator& g) { g.movd(X(0), g.eax); }});
  forms.push_back({"movd ebx, xmm1", [](CodeGenerator& g) { g.movd(g.ebx, X(1)); }});
  forms.push_back({"movd xmm2, m32", [](CodeGenerator& g) { g.movd(X(2), g.dword[g.rsi]); }});
  forms.push_back({"movd m32, xmm3", [](CodeGenerator& g) { g.movd(g.dword[g.rsi], X(3)); }});
  forms.push_back({"movq xmm0, rdx", [](CodeGenerator& g) { g.movq(X(0), g.rdx); }});
  forms.push_back({"movq rcx, xmm1", [](CodeGenerator& g) { g.movq(g.rcx, X(1)); }});
  forms.push_back({"movq xmm2, xmm3", [](CodeGenerator& g) { g.movq(X(2), X(3)); }});
  forms.push_back({"movq xmm1, m64", [](CodeGenerator& g) { g.movq(X(1), g.qword[g.rsi]); }});
  forms.push_back({"movq m64, xmm0", [](CodeGenerator& g) { g.movq(g.qword[g.rsi], X(0)); }});
  forms.push_back({"movdqu xmm0, [rsi+3]", [](CodeGenerator& g) { g.movdqu(X(0), g.ptr[g.rsi + 3]); }});
  forms.push_back({"movdqu [rsi+5], xmm1", [](CodeGenerator& g) { g.movdqu(g.ptr[g.rsi + 5], X(1)); }});
  forms.push_back({"movdqa xmm2, m128", [](CodeGenerator& g) { g.movdqa(X(2), g.xword[g.rsi]); }});
  forms.push_back({"movaps m128, xmm3", [](CodeGenerator& g) { g.movaps(g.xword[g.rsi], X(3)); }});
  forms.push_back({"movups xmm1, xmm2", [](CodeGenerator& g) { g.movups(X(1), X(2)); }});
  forms.push_back({"movhps xmm0, m64", [](CodeGenerator& g) { g.movhps(X(0), g.qword[g.rsi]); }});
  forms.push_back({"movlps m64, xmm1", [](CodeGenerator& g) { g.movlps(g.qword[g.rsi], X(1)); }});
  forms.push_back({"movhpd m64, xmm2", [](CodeGenerator& g) { g.movhpd(g.qword[g.rsi], X(2)); }});
  forms.push_back({"movhlps xmm3, xmm0", [](CodeGenerator& g) { g.movhlps(X(3), X(0)); }});
  forms.push_back({"movlhps xmm1, xmm2", [](CodeGenerator& g) { g.movlhps(X(1), X(2)); }});
  check_forms(forms, 800);
}

TEST_CASE("host oracle: PUSH POP PUSHF POPF ENTER LEAVE, near CALL RET, Jcc LOOPcc JrCXZ", "[diff]") {
  std::vector<Form> forms;
  using Xbyak::Label;
  const auto stk = [](CodeGenerator& g) { return g.qword[g.rsp]; };
  // PUSH and POP in every form; a memory operand through RSP is addressed after POP's
  // increment (SDM POP), PUSH RSP pushes the old value.
  forms.push_back({"push r64", [](CodeGenerator& g) { g.push(g.rbx); }});
  forms.push_back({"push r16", [](CodeGenerator& g) { g.push(g.bx); }});
  forms.push_back({"push rsp", [](CodeGenerator& g) { g.push(g.rsp); }});
  forms.push_back({"push imm8", [](CodeGenerator& g) { g.push(-5); }});
  forms.push_back({"push imm32", [](CodeGenerator& g) { g.push(0x81234567); }});
  forms.push_back({"push imm16", [](CodeGenerator& g) { g.db(0x66); g.db(0x68); g.dw(0x8001); }});
  forms.push_back({"push m64", [](CodeGenerator& g) { g.push(g.qword[g.rsi]); }});
  forms.push_back({"push m16", [](CodeGenerator& g) { g.push(g.word[g.rsi + 2]); }});
  forms.push_back({"push [rsp]", [=](CodeGenerator& g) { g.push(stk(g)); }});
  forms.push_back({"pop r64", [](CodeGenerator& g) { g.pop(g.rcx); }});
  forms.push_back({"pop r16", [](CodeGenerator& g) { g.pop(g.cx); }});
  forms.push_back({"pop rsp", [](CodeGenerator& g) { g.pop(g.rsp); }, kNoUndefinedFlags,
                   [](State& st) {  // keep the new RSP inside the window
                     const uint64_t v = Guest::kWindowBase + 8 * (st.r[0] & 7);
                     std::memcpy(st.mem + kRspOffset, &v, 8);
                   }});
  forms.push_back({"pop m64", [](CodeGenerator& g) { g.pop(g.qword[g.rsi]); }});
  forms.push_back({"pop m16", [](CodeGenerator& g) { g.pop(g.word[g.rsi + 6]); }});
  forms.push_back({"pop [rsp]", [=](CodeGenerator& g) { g.pop(stk(g)); }});
  forms.push_back({"pop [rsp+8]", [](CodeGenerator& g) { g.pop(g.qword[g.rsp + 8]); }});
  // PUSHF/POPF: the host runs at CPL 3 with IF = 1, so the guest gets IF = 1 too; the popped
  // value keeps to the arithmetic flags and DF (TF or AC would trap or check alignment).
  const auto with_if = [](State& st) { st.flags |= rf::IF; };
  const auto flags_image = [](State& st) {
    const uint64_t v = (st.r[1] & (ARITH | rf::DF)) | rf::kFixed1;
    std::memcpy(st.mem + kRspOffset, &v, 8);
  };
  forms.push_back({"pushfq", [](CodeGenerator& g) { g.pushf(); }, kNoUndefinedFlags, with_if});
  forms.push_back({"pushf (16-bit)", [](CodeGenerator& g) { g.db(0x66); g.pushf(); }, kNoUndefinedFlags, with_if});
  forms.push_back({"popfq", [](CodeGenerator& g) { g.popf(); }, kNoUndefinedFlags, flags_image});
  forms.push_back({"popf (16-bit)", [](CodeGenerator& g) { g.db(0x66); g.popf(); }, kNoUndefinedFlags, flags_image});
  // ENTER (nesting copies frame pointers from below RBP) and LEAVE; the pushed RBP values
  // are addresses, equal on both sides.
  for (const auto& [size, level] : {std::pair{0, 0}, {16, 0}, {24, 1}, {8, 2}, {0, 3}})
    forms.push_back({"enter " + std::to_string(size) + ", " + std::to_string(level),
                     [size = size, level = level](CodeGenerator& g) { g.enter(static_cast<uint16_t>(size), static_cast<uint8_t>(level)); }});
  forms.push_back({"leave", [](CodeGenerator& g) { g.leave(); }});
  forms.push_back({"leave (16-bit)", [](CodeGenerator& g) { g.db(0x66); g.leave(); }, kNoUndefinedFlags,
                   [](State& st) { st.mem[kRbpOffset - 1] = 0; }});
  // Near CALL and RET: the return address pushed is the code's real address on both sides.
  forms.push_back({"call rel32", [](CodeGenerator& g) {
                     Label l;
                     g.call(l);
                     g.lea(g.rdx, g.ptr[g.rdx + 1]);  // skipped
                     g.L(l);
                   }});
  forms.push_back({"call r64", [](CodeGenerator& g) {
                     Label l;
                     g.lea(g.rax, g.ptr[g.rip + l]);
                     g.call(g.rax);
                     g.lea(g.rdx, g.ptr[g.rdx + 1]);
                     g.L(l);
                   }});
  forms.push_back({"call m64", [](CodeGenerator& g) {
                     Label l;
                     g.lea(g.rax, g.ptr[g.rip + l]);
                     g.mov(g.qword[g.rsi], g.rax);
                     g.call(g.qword[g.rsi]);
                     g.lea(g.rdx, g.ptr[g.rdx + 1]);
                     g.L(l);
                   }});
  for (int imm : {-1, 0, 16})
    forms.push_back({imm < 0 ? std::string("ret") : "ret " + std::to_string(imm), [imm](CodeGenerator& g) {
                       Label l;
                       g.lea(g.rax, g.ptr[g.rip + l]);
                       g.push(g.rax);
                       if (imm < 0) g.ret(); else g.ret(imm);
                       g.lea(g.rdx, g.ptr[g.rdx + 1]);
                       g.L(l);
                     }});
  // Jcc (rel8 and rel32), LOOP/LOOPE/LOOPNE and JRCXZ, with RCX and, through 67H, ECX: the
  // path taken shows in RDX, the count in RCX.
  for (unsigned cc = 0; cc < 16; ++cc)
    for (bool near : {false, true})
      forms.push_back({"jcc " + std::to_string(cc) + (near ? " rel32" : " rel8"), [=](CodeGenerator& g) {
                         if (near) { g.db(0x0F); g.db(0x80 + cc); g.dd(4); }
                         else { g.db(0x70 + cc); g.db(4); }
                         g.lea(g.rdx, g.ptr[g.rdx + 1]);  // 4 bytes
                       }});
  const auto small_count = [](State& st) { if (st.r[2] & 0x100) st.r[2] &= 3; };
  for (uint8_t op : {0xE0, 0xE1, 0xE2, 0xE3})  // LOOPNE LOOPE LOOP JRCXZ
    for (bool a32 : {false, true})
      forms.push_back({std::string(op == 0xE0 ? "loopne" : op == 0xE1 ? "loope" : op == 0xE2 ? "loop" : "jrcxz") +
                           (a32 ? " (ecx)" : " (rcx)"),
                       [=](CodeGenerator& g) {
                         if (a32) g.db(0x67);
                         g.db(op);
                         g.db(4);
                         g.lea(g.rdx, g.ptr[g.rdx + 1]);
                       }, kNoUndefinedFlags, small_count});
  check_forms(forms, 1500);
}

TEST_CASE("host oracle: string instructions with REP prefixes, both directions", "[diff]") {
  std::vector<Form> forms;
  using Xbyak::CodeGenerator;
  struct Str {
    const char* name;
    void (*emit)(CodeGenerator&);
    unsigned size;
  };
  // RSI points 16 bytes into the 64-byte window; each form places RDI itself.
#define STR(n, sz) Str{#n, [](CodeGenerator& g) { g.n(); }, sz}
  const Str moves[] = {STR(movsb, 1), STR(movsw, 2), STR(movsd, 4), STR(movsq, 8)};
  const Str stores[] = {STR(stosb, 1), STR(stosw, 2), STR(stosd, 4), STR(stosq, 8)};
  const Str loads[] = {STR(lodsb, 1), STR(lodsw, 2), STR(lodsd, 4), STR(lodsq, 8)};
  const Str cmps[] = {STR(cmpsb, 1), STR(cmpsw, 2), STR(cmpsd, 4), STR(cmpsq, 8)};
  const Str scas[] = {STR(scasb, 1), STR(scasw, 2), STR(scasd, 4), STR(scasq, 8)};
#undef STR
  // Counts stay inside the window: at most 16 bytes per string.
  const auto count_for = [](unsigned size) {
    return [=](State& st) { st.r[2] = (st.r[2] & 0xFF) % (16 / size + 1); };
  };
  for (const Str& s : moves) {
    const auto e = s.emit;
    forms.push_back({std::string("rep ") + s.name + " forward", [=](CodeGenerator& g) {
                       g.lea(g.rdi, g.ptr[g.rsi + 24]);
                       g.rep();
                       e(g);
                     }, kNoUndefinedFlags, count_for(s.size)});
    forms.push_back({std::string("rep ") + s.name + " backward", [=](CodeGenerator& g) {
                       g.lea(g.rdi, g.ptr[g.rsi + 40]);
                       g.lea(g.rsi, g.ptr[g.rsi + 16]);  // LEA: flags must not depend on addresses
                       g.std();
                       g.rep();
                       e(g);
                     }, kNoUndefinedFlags, count_for(s.size)});
    forms.push_back({std::string(s.name) + " once", [=](CodeGenerator& g) {
                       g.lea(g.rdi, g.ptr[g.rsi + 8]);
                       e(g);
                     }});
  }
  for (const Str& s : stores) {
    const auto e = s.emit;
    forms.push_back({std::string("rep ") + s.name, [=](CodeGenerator& g) {
                       g.lea(g.rdi, g.ptr[g.rsi + 4]);
                       g.rep();
                       e(g);
                     }, kNoUndefinedFlags, count_for(s.size)});
  }
  for (const Str& s : loads) {
    const auto e = s.emit;
    forms.push_back({s.name, [=](CodeGenerator& g) { e(g); }});
    forms.push_back({std::string(s.name) + " backward", [=](CodeGenerator& g) {
                       g.std();
                       e(g);
                     }});
  }
  // 32-bit address size (67H): ECX counts, ESI and EDI step and wrap at 4 GiB; the window sits
  // below 4 GiB on both sides, so the same addresses work; RCX's upper half is random and
  // must be left alone.
  for (const Str* s : {&moves[0], &moves[3], &stores[2], &loads[1]}) {
    const auto e = s->emit;
    forms.push_back({std::string("rep ") + s->name + " a32", [=](CodeGenerator& g) {
                       g.lea(g.edi, g.ptr[g.esi + 24]);
                       g.db(0x67);
                       g.rep();
                       e(g);
                     }, kNoUndefinedFlags, [=](State& st) {
                       st.r[2] = (st.r[2] & 0xFFFFFFFF00000000ull) | ((st.r[2] & 0xFF) % (16 / s->size + 1));
                     }});
  }
  forms.push_back({"repe cmpsb a32", [](CodeGenerator& g) {
                     g.lea(g.edi, g.ptr[g.esi + 16]);
                     g.db(0x67);
                     g.repe();
                     g.cmpsb();
                   }, kNoUndefinedFlags, [](State& st) { st.r[2] = (st.r[2] & ~0xFFFFFFFFull) | (st.r[2] & 0xF); }});
  // CMPS/SCAS under REPE and REPNE stop on the first (mis)match: flags and counters must agree.
  for (const Str* set : {cmps, scas})
    for (unsigned k = 0; k < 4; ++k) {
      const Str& s = set[k];
      const auto e = s.emit;
      const bool is_cmps = set == cmps;
      for (int repne = 0; repne < 2; ++repne)
        forms.push_back({std::string(repne ? "repne " : "repe ") + s.name, [=](CodeGenerator& g) {
                           g.lea(g.rdi, g.ptr[g.rsi + (is_cmps ? 16 : 0)]);
                           if (repne) g.repne(); else g.rep();
                           e(g);
                         }, kNoUndefinedFlags, [=](State& st) {
                           st.r[2] = (st.r[2] & 0xFF) % (16 / s.size + 1);
                           // make runs of equal bytes likely so REPE goes on for a while
                           for (unsigned b = 0; b < 16; ++b)
                             if (st.mem[kRsiOffset + b] & 1) st.mem[kRsiOffset + 16 + b] = st.mem[kRsiOffset + b];
                         }});
    }
  check_forms(forms, 1500);
}
