#include "vmx_commands.h"

#include <cinttypes>
#include <fstream>
#include <iterator>
#include <vector>

#include "vp/vmx/vmcs_dump.h"
#include "vp/vmx/vmcs_layout.h"

namespace vpcli {

int vmcs_dump_command(const VmcsDumpArgs& a) {
  uint64_t at;
  try {
    at = std::stoull(a.at, nullptr, 0);
  } catch (const std::exception&) {
    std::fprintf(stderr, "vanderpool: --at '%s' is not a number\n", a.at.c_str());
    return 2;
  }
  std::ifstream f(a.file, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "vanderpool: cannot open '%s'\n", a.file.c_str());
    return 4;
  }
  f.seekg(0, std::ios::end);
  const auto size = static_cast<uint64_t>(f.tellg());
  if (at > size || size - at < vp::kVmcsLayoutBytes) {
    std::fprintf(stderr, "vanderpool: '%s' (%" PRIu64 " bytes) holds no VMCS region at 0x%" PRIx64
                 " (a region needs %u bytes)\n", a.file.c_str(), size, at, vp::kVmcsLayoutBytes);
    return 4;
  }
  std::vector<uint8_t> region(vp::kVmcsLayoutBytes);
  f.seekg(static_cast<std::streamoff>(at));
  f.read(reinterpret_cast<char*>(region.data()), static_cast<std::streamsize>(region.size()));
  vp::VmcsDumpOptions opt;
  opt.nonzero_only = a.nonzero;
  std::fputs(vp::format_vmcs(region, at, vp::default_vmx_capabilities(), opt).c_str(), stdout);
  return 0;
}

int vmx_caps_command(bool markdown) {
  const vp::VmxCapabilities& caps = vp::default_vmx_capabilities();
  if (markdown) {
    std::printf("| MSR | Name | %.*s | Vanderpool | Difference |\n|---|---|---|---|---|\n",
                static_cast<int>(caps.processor.size()), caps.processor.data());
    for (const auto& r : caps.rows) {
      char model[32] = "absent (#GP)";
      if (r.exists) std::snprintf(model, sizeof model, "`%016" PRIX64 "`", r.model);
      std::printf("| %03XH | %.*s | `%016" PRIX64 "` | %s | %.*s |\n", r.msr, static_cast<int>(r.name.size()),
                  r.name.data(), r.hardware, model, static_cast<int>(r.note.size()), r.note.data());
    }
    return 0;
  }
  std::printf("VMX capability MSRs of %.*s (hardware value -> Vanderpool value)\n",
              static_cast<int>(caps.processor.size()), caps.processor.data());
  for (const auto& r : caps.rows) {
    std::printf("  %03XH %-29.*s %016" PRIX64 " -> ", r.msr, static_cast<int>(r.name.size()), r.name.data(), r.hardware);
    if (r.exists) std::printf("%016" PRIX64, r.model);
    else std::printf("%-16s", "absent (#GP)");
    if (!r.note.empty()) std::printf("  %.*s", static_cast<int>(r.note.size()), r.note.data());
    std::printf("\n");
  }
  return 0;
}

void print_vmx_state(std::FILE* out, vp::VmxUnit& vmx, vp::PhysMemory& mem, bool nonzero_only) {
  if (!vmx.in_vmx_operation()) {
    std::fprintf(out, "VMX: not in VMX operation\n");
    return;
  }
  std::fprintf(out, "VMX: %s operation, VMXON region 0x%016" PRIx64 ", current VMCS ",
               vmx.in_non_root() ? "non-root" : "root", vmx.vmxon_pointer());
  if (vmx.current_vmcs() == vp::kInvalidVmcsPointer) {
    std::fprintf(out, "none (FFFFFFFF_FFFFFFFFH)\n");
    return;
  }
  std::fprintf(out, "0x%016" PRIx64 "\n", vmx.current_vmcs());
  std::vector<uint8_t> region(vp::kVmcsLayoutBytes);
  mem.read_block(vmx.current_vmcs(), region.data(), region.size());
  vp::VmcsDumpOptions opt;
  opt.nonzero_only = nonzero_only;
  std::fputs(vp::format_vmcs(region, vmx.current_vmcs(), vmx.capabilities(), opt).c_str(), out);
}

}  // namespace vpcli
