// vanderpool: the command-line front end.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <memory>
#include <iterator>
#include <string>
#include <vector>

#include "vp/core/cpu.h"
#include "vp/platform/machine.h"
#include "vp/platform/flat_loader.h"
#include "vp/platform/load_error.h"
#include "vp/platform/multiboot.h"
#include "vmx_commands.h"
#include "vp_version.h"

namespace {

// Exit statuses (README.md "Exit statuses"). Odd statuses belong to the guest's
// isa-debug-exit writes: (v << 1) | 1, as with QEMU.
constexpr int kExitHalted = 0;
constexpr int kExitUsage = 2;
constexpr int kExitBadImage = 4;
constexpr int kExitTripleFault = 6;
constexpr int kExitInsnLimit = 8;

struct RunOptions {
  std::string image;
  uint64_t mem_mib = 128;
  std::string cmdline;
  std::vector<std::string> modules;
  uint64_t max_insns = 0;
  std::string flat;
  bool quiet = false;
  std::string trace;
  bool log_unclaimed = false;
  bool dump_vmcs = false;
  bool show_vmx = false;
  bool check_stale_tlb = false;
  std::string save_ram;
};

void apply(vp::SegmentReg& r, const vp::SegmentState& s) { r = vp::SegmentReg{s.selector, s.base, s.limit, s.access_rights}; }

void dump_registers(const vp::Cpu& c) {
  static const char* names[] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
  for (int k = 0; k < 16; ++k)
    std::fprintf(stderr, "  %-3s %016llx%s", names[k], static_cast<unsigned long long>(c.s.regs[k]), k % 4 == 3 ? "\n" : "");
  std::fprintf(stderr, "  rip %016llx  rflags %08llx  cs %04x ss %04x  cpl %u\n",
               static_cast<unsigned long long>(c.s.rip()), static_cast<unsigned long long>(c.s.rflags), c.s.seg[vp::CS].sel,
               c.s.seg[vp::SS].sel, c.s.cpl);
  std::fprintf(stderr, "  cr0 %08llx cr2 %016llx cr3 %016llx cr4 %08llx efer %llx\n",
               static_cast<unsigned long long>(c.s.cr0), static_cast<unsigned long long>(c.s.cr2),
               static_cast<unsigned long long>(c.s.cr3), static_cast<unsigned long long>(c.s.cr4),
               static_cast<unsigned long long>(c.s.efer));
}

int run(const RunOptions& o) {
  std::ifstream f(o.image, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "vanderpool: cannot open image '%s'\n", o.image.c_str());
    return kExitBadImage;
  }
  const std::vector<uint8_t> image{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  if (o.mem_mib == 0 || o.mem_mib > 65536) {
    std::fprintf(stderr, "vanderpool: --mem must be between 1 and 65536 MiB\n");
    return kExitUsage;
  }
  auto out = [](uint8_t b) {
    std::fputc(b, stdout);
    if (b == '\n') std::fflush(stdout);
  };
  vp::Machine machine(vp::MachineConfig{o.mem_mib << 20, out, out});
  vp::PhysMemory& mem = machine.mem;
  vp::Cpu& cpu = machine.cpu;
  vp::Devices& dev = machine.devices;
  if (!o.quiet) cpu.log = [](const std::string& m) { std::fprintf(stderr, "vanderpool: %s\n", m.c_str()); };
  // A failed VM entry is always explained on stderr; --show-vmx shows every entry and exit.
  machine.vmx.on_transition = [&o](const std::string& line) {
    if (o.show_vmx || (!o.quiet && line.rfind("vmentry failed", 0) == 0))
      std::fprintf(stderr, "vanderpool: %s\n", line.c_str());
  };
  if (o.log_unclaimed)
    machine.io.on_unclaimed = [](uint16_t port, unsigned size, bool write, uint32_t v) {
      if (write) std::fprintf(stderr, "vanderpool: unclaimed I/O: out%c 0x%x <- 0x%x\n", "?bw?d"[size], port, v);
      else std::fprintf(stderr, "vanderpool: unclaimed I/O: in%c 0x%x (reads all ones)\n", "?bw?d"[size], port);
    };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> trace_file(nullptr, std::fclose);
  std::unique_ptr<vp::JsonlTrace> trace;
  if (!o.trace.empty()) {
    trace_file.reset(std::fopen(o.trace.c_str(), "w"));
    if (!trace_file) {
      std::fprintf(stderr, "vanderpool: cannot write trace file '%s'\n", o.trace.c_str());
      return kExitUsage;
    }
    trace = std::make_unique<vp::JsonlTrace>(trace_file.get());
    cpu.trace = trace.get();
  }
  try {
    if (!o.flat.empty()) {
      const uint64_t addr = std::stoull(o.flat, nullptr, 0);
      if (addr > 0xFFFF0) throw vp::LoadError("--flat address must be below 0xFFFF0 (real mode)");
      vp::load_flat(mem, image, addr);
      // Entered in real mode at 0000:ADDR (or SEG:0 for addresses above 64 KiB).
      const uint16_t seg = static_cast<uint16_t>(addr >> 4 > 0xFFF ? (addr >> 4) & 0xF000 : 0);
      cpu.s.seg[vp::CS] = vp::SegmentReg{seg, uint64_t{seg} << 4, 0xFFFF, 0x9B};
      cpu.s.rip() = addr - (uint64_t{seg} << 4);
    } else {
      std::vector<vp::Module> mods;
      for (const std::string& spec : o.modules) {
        const auto comma = spec.find(',');
        const std::string path = spec.substr(0, comma);
        std::ifstream mf(path, std::ios::binary);
        if (!mf) throw vp::LoadError("cannot open module '" + path + "'");
        mods.push_back({path, {std::istreambuf_iterator<char>(mf), std::istreambuf_iterator<char>()},
                        comma == std::string::npos ? "" : spec.substr(comma + 1)});
      }
      const vp::LoadResult r = vp::load_multiboot(mem, image, o.image, o.cmdline, mods);
      if (!o.quiet)
        for (const std::string& w : r.warnings) std::fprintf(stderr, "vanderpool: warning: %s\n", w.c_str());
      const vp::EntryState& e = r.entry;
      cpu.s.regs[0] = e.eax;
      cpu.s.regs[3] = e.ebx;
      cpu.s.rip() = e.eip;
      cpu.s.cr0 = e.cr0;
      cpu.s.rflags = e.rflags;
      apply(cpu.s.seg[vp::CS], e.cs);
      apply(cpu.s.seg[vp::DS], e.ds);
      apply(cpu.s.seg[vp::ES], e.es);
      apply(cpu.s.seg[vp::FS], e.fs);
      apply(cpu.s.seg[vp::GS], e.gs);
      apply(cpu.s.seg[vp::SS], e.ss);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vanderpool: %s: %s\n", o.image.c_str(), e.what());
    return kExitBadImage;
  }
  cpu.state_changed();
  cpu.stale_check = o.check_stale_tlb;

  const vp::StopReason why = cpu.run(o.max_insns ? o.max_insns : ~0ull);
  std::fflush(stdout);
  if (o.dump_vmcs) vpcli::print_vmx_state(stderr, machine.vmx, mem, false);
  if (o.check_stale_tlb && !o.quiet)
    std::fprintf(stderr, "vanderpool: --check-stale-tlb: %llu use%s of stale translations\n",
                 static_cast<unsigned long long>(cpu.stale_uses), cpu.stale_uses == 1 ? "" : "s");
  if (!o.save_ram.empty()) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> ram(std::fopen(o.save_ram.c_str(), "wb"), std::fclose);
    std::vector<uint8_t> page(vp::kPageSize);
    bool ok = ram != nullptr;
    for (uint64_t pa = 0; ok && pa < mem.ram_size(); pa += vp::kPageSize) {
      mem.read_block(pa, page.data(), page.size());
      ok = std::fwrite(page.data(), 1, page.size(), ram.get()) == page.size();
    }
    if (!ok) std::fprintf(stderr, "vanderpool: cannot write RAM image '%s'\n", o.save_ram.c_str());
  }
  auto stop = [&](const char* reason, int status) {
    if (cpu.trace) cpu.trace->emit(cpu, "stop", std::string("\"reason\":\"") + reason + "\",\"status\":" + std::to_string(status));
    return status;
  };
  switch (why) {
    case vp::StopReason::Requested:
      return stop("debug-exit", dev.debug_exit.status() & 0xFF);
    case vp::StopReason::InsnLimit:
      std::fprintf(stderr, "vanderpool: instruction limit (%llu) reached at %s\n",
                   static_cast<unsigned long long>(o.max_insns), cpu.describe_at(cpu.s.rip()).c_str());
      return stop("instruction limit", kExitInsnLimit);
    case vp::StopReason::TripleFault:
      std::fprintf(stderr, "vanderpool: triple fault (shutdown) at %s\n", cpu.describe_at(cpu.s.rip()).c_str());
      dump_registers(cpu);
      return stop("triple fault", kExitTripleFault);
    default:
      if (!o.quiet) std::fprintf(stderr, "vanderpool: the CPU halted with nothing to wake it\n");
      return stop("halted", kExitHalted);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Vanderpool: a deterministic x86-64 emulator with a faithful Intel VT-x model", "vanderpool"};
  app.set_version_flag("--version", std::string("vanderpool ") + VP_VERSION);
  app.require_subcommand(0, 1);
  RunOptions o;
  CLI::App* run_cmd = app.add_subcommand("run", "Load a Multiboot kernel (or a flat binary) and run it");
  run_cmd->add_option("IMAGE", o.image, "Multiboot v1 kernel (ELF32, ELF64 or a.out kludge), or a flat binary with --flat")
      ->required();
  run_cmd->add_option("--mem", o.mem_mib, "Guest RAM in MiB")->capture_default_str();
  run_cmd->add_option("--cmdline", o.cmdline, "Multiboot command line (after the image path, as QEMU builds it)");
  run_cmd->add_option("--module", o.modules, "Multiboot module FILE[,STRING] (repeatable)");
  run_cmd->add_option("--max-insns", o.max_insns, "Stop after N instructions (exit status 8)");
  run_cmd->add_option("--flat", o.flat, "Load IMAGE as a flat binary at ADDR and enter it in real mode");
  run_cmd->add_flag("--quiet", o.quiet, "No diagnostics on stderr except fatal ones");
  run_cmd->add_option("--trace", o.trace, "Write JSON Lines events (exceptions, interrupts, mode changes, stop) to FILE");
  run_cmd->add_flag("--log-unclaimed-io", o.log_unclaimed, "Log guest accesses to ports no device claims");
  run_cmd->add_flag("--show-vmx", o.show_vmx, "Print every VM entry and VM exit as it happens (stderr)");
  run_cmd->add_flag("--check-stale-tlb", o.check_stale_tlb,
                    "Report each use of a cached translation that the paging structures (and EPT) no longer give");
  run_cmd->add_flag("--dump-vmcs", o.dump_vmcs, "At the stop, print the VMX state and the current VMCS (stderr)");
  run_cmd->add_option("--save-ram", o.save_ram, "At the stop, write guest RAM (physical address 0 up) to FILE");
  vpcli::VmcsDumpArgs vd;
  CLI::App* vmcs_cmd = app.add_subcommand("vmcs", "Inspect VMCS regions");
  vmcs_cmd->require_subcommand(1);
  CLI::App* vmcs_dump = vmcs_cmd->add_subcommand("dump", "Print a VMCS region field by field, grouped as SDM Appendix B");
  vmcs_dump->add_option("FILE", vd.file, "RAM image (run --save-ram) or a VMCS region file")->required();
  vmcs_dump->add_option("--at", vd.at, "Physical address (offset in FILE) of the VMCS region")->capture_default_str();
  vmcs_dump->add_flag("--nonzero", vd.nonzero, "Only fields whose value is not 0");
  bool caps_markdown = false;
  CLI::App* vmx_cmd = app.add_subcommand("vmx", "The VT-x model");
  vmx_cmd->require_subcommand(1);
  CLI::App* caps_cmd = vmx_cmd->add_subcommand("caps", "Print the VMX capability MSRs: the real processor's and the model's");
  caps_cmd->add_flag("--markdown", caps_markdown, "As a Markdown table (docs/vmx-capabilities.md)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  if (run_cmd->parsed()) return run(o);
  if (vmcs_dump->parsed()) return vpcli::vmcs_dump_command(vd);
  if (caps_cmd->parsed()) return vpcli::vmx_caps_command(caps_markdown);
  std::fputs(app.help().c_str(), stdout);
  return 0;
}
