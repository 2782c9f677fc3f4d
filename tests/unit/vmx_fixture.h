// A CPU with the VT-x model attached, put directly into 64-bit, compatibility or 32-bit
// protected mode (identity-mapped, CR0.NE and CR4.VMXE set), running one instruction at a
// time from raw bytes.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "vp/core/cpu.h"
#include "vp/memory/io_bus.h"
#include "vp/memory/phys_memory.h"
#include "vp/vmx/vmx_unit.h"

namespace vp::test {

// Records the first exception the CPU delivers (from its trace events).
struct FirstException : TraceSink {
  int vector = -1;
  long error = -1;
  void emit(const Cpu&, const char* event, const std::string& f) override {
    if (vector >= 0 || std::string(event) != "exception") return;
    vector = std::stoi(f.substr(f.find("\"vector\":") + 9));
    const auto e = f.find("\"error\":");
    if (e != std::string::npos) error = std::stol(f.substr(e + 8));
  }
};

struct VmxFixture {
  static constexpr uint64_t kCode = 0x100000, kVmxon = 0x200000, kVmcs = 0x201000, kData = 0x300000;
  PhysMemory mem{16ull << 20};
  IoBus io;
  Cpu cpu{mem, io};
  VmxUnit vmx;

  enum class Mode { Long64, Compat, Prot32 };

  explicit VmxFixture(Mode m = Mode::Long64, const VmxCapabilities& caps = default_vmx_capabilities())
      : vmx(mem, caps) {
    cpu.vmx = &vmx;
    cpu.trace = &exc;
    enter(m);
    mem.write(kVmxon, 4, caps.revision_id());
    mem.write(kVmcs, 4, caps.revision_id());
  }

  void enter(Mode m) {
    cpu.s.cr0 = cr0::PE | cr0::PG | cr0::NE | cr0::ET;
    if (m == Mode::Prot32) {
      // 32-bit paging: one 4-MiB PSE page at 0 (PDE at 0x1000).
      mem.write(0x1000, 4, 0x87);
      cpu.s.cr3 = 0x1000;
      cpu.s.cr4 = cr4::PSE | cr4::VMXE;
      cpu.s.efer = 0;
      cpu.s.seg[CS] = SegmentReg{0x08, 0, 0xFFFFFFFF, 0xC09B};
    } else {
      // 4-level paging, the first 1 GiB mapped with 2-MiB pages (PML4 0x1000, PDPT 0x2000, PD 0x3000).
      mem.write(0x1000, 8, 0x2007);  // user-accessible, for CPL 3 tests
      mem.write(0x2000, 8, 0x3007);
      for (uint64_t k = 0; k < 512; ++k) mem.write(0x3000 + 8 * k, 8, (k << 21) | 0x87);
      cpu.s.cr3 = 0x1000;
      cpu.s.cr4 = cr4::PAE | cr4::VMXE;
      cpu.s.efer = efer::LME | efer::LMA;
      cpu.s.seg[CS] = SegmentReg{0x08, 0, 0xFFFFFFFF, m == Mode::Long64 ? 0xA09Bu : 0xC09Bu};
    }
    for (int s : {DS, ES, SS, FS, GS}) cpu.s.seg[s] = SegmentReg{0x10, 0, 0xFFFFFFFF, 0xC093};
    cpu.state_changed();
  }

  // Executes one instruction (bytes at kCode); returns the vector it raised, or -1.
  int exec(std::initializer_list<uint8_t> bytes) {
    std::vector<uint8_t> b(bytes);
    mem.write_block(kCode, b.data(), b.size());
    cpu.s.rip() = kCode;
    cpu.s.rflags = rf::kFixed1 | rf::kArith;  // VMX outcomes must clear or set each one
    // The IDT is empty (limit 0): an exception escalates to a triple fault, which stops the
    // run; the first exception's vector and error code come from the trace.
    cpu.s.idtr = TableReg{0, 0};
    exc = {};
    cpu.stop_reason = StopReason::None;
    cpu.halted = false;
    cpu.run(1);
    return exc.vector;
  }
  FirstException exc;

  uint64_t arith() const { return cpu.s.rflags & rf::kArith; }
  bool succeeded() const { return arith() == 0; }
  bool failed_invalid() const { return arith() == rf::CF; }
  // VMfailValid: ZF alone, and the error number in the current VMCS.
  uint64_t failed_valid_error() {
    if (arith() != rf::ZF) return ~0ull;
    return vmx.read_field(vmx.current_vmcs(), vmcs_field_info(VmcsField::VM_INSTRUCTION_ERROR));
  }
};

}  // namespace vp::test
