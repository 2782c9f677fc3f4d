#include "vp/vmx/vmcs_dump.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "vp/vmx/vmcs_layout.h"

namespace vp {
namespace {

uint64_t load(std::span<const uint8_t> region, uint32_t offset, unsigned size) {
  uint64_t v = 0;
  if (offset + size <= region.size()) std::memcpy(&v, region.data() + offset, size);
  return v;
}

void appendf(std::string& out, const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  out += buf;
}

}  // namespace

std::string format_vmcs(std::span<const uint8_t> region, uint64_t address, const VmxCapabilities& caps,
                        const VmcsDumpOptions& options) {
  std::string out;
  const uint32_t rev = static_cast<uint32_t>(load(region, kVmcsRevisionOffset, 4));
  const uint32_t abort = static_cast<uint32_t>(load(region, kVmcsAbortOffset, 4));
  const uint32_t launch = static_cast<uint32_t>(load(region, kVmcsLaunchStateOffset, 4));
  appendf(out, "VMCS at 0x%016" PRIx64 "\n", address);
  appendf(out, "  revision identifier 0x%08x%s, shadow-VMCS indicator %u, VMX-abort indicator %u\n",
          rev & 0x7FFF'FFFFu, (rev & 0x7FFF'FFFFu) == caps.revision_id() ? "" : " (not this processor's)",
          rev >> 31, abort);
  appendf(out, "  launch state %s\n", launch == 0 ? "clear" : launch == 1 ? "launched" : "invalid");
  // Appendix B order: width (16, 64, 32, natural), then type (control, read-only, guest, host).
  constexpr VmcsFieldWidth kWidths[] = {VmcsFieldWidth::Bits16, VmcsFieldWidth::Bits64, VmcsFieldWidth::Bits32,
                                        VmcsFieldWidth::Natural};
  constexpr VmcsFieldType kTypes[] = {VmcsFieldType::Control, VmcsFieldType::ReadOnly, VmcsFieldType::GuestState,
                                      VmcsFieldType::HostState};
  for (VmcsFieldWidth w : kWidths) {
    for (VmcsFieldType t : kTypes) {
      bool heading = false;
      for (const auto& f : all_vmcs_fields()) {
        if (f.width != w || f.type != t || !caps.field_supported(f.field)) continue;
        const unsigned bytes = vmcs_slot_group(w).slot_bytes;
        const uint64_t v = load(region, vmcs_field_offset(f), bytes);
        if (options.nonzero_only && v == 0) continue;
        if (!heading) {
          appendf(out, "%.*s %.*s fields\n", static_cast<int>(vmcs_width_name(w).size()), vmcs_width_name(w).data(),
                  static_cast<int>(vmcs_type_name(t).size()), vmcs_type_name(t).data());
          heading = true;
        }
        appendf(out, "  %04x  %-52.*s 0x%0*" PRIx64 "\n", f.encoding, static_cast<int>(f.name.size()), f.name.data(),
                static_cast<int>(bytes * 2), v);
      }
    }
  }
  return out;
}

}  // namespace vp
