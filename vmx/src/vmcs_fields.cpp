// Compile-time checks of the VMCS field catalogue: a bad row in vmcs_fields.def fails the build
// here instead of misbehaving at VMREAD time. (The generator checks the same rules on its input.)
#include "vp/vmx/vmcs_fields.h"

namespace vp {
namespace {

// Every row: a full (even) encoding, reserved bits clear, width and type bits matching the row.
constexpr bool rows_match_their_encodings() {
  for (const auto& f : all_vmcs_fields()) {
    if (f.high || f.encoding != f.full_encoding()) return false;
    if (vmcs_encoding_access(f.encoding) != VmcsAccess::Full) return false;
    if (!vmcs_encoding_reserved_clear(f.encoding)) return false;
    if (vmcs_encoding_width(f.encoding) != f.width || vmcs_encoding_type(f.encoding) != f.type)
      return false;
  }
  return true;
}

// Strictly increasing encodings: sorted for the binary search, and no encoding twice.
constexpr bool strictly_sorted() {
  auto fields = all_vmcs_fields();
  for (std::size_t i = 1; i < fields.size(); ++i)
    if (fields[i - 1].encoding >= fields[i].encoding) return false;
  return true;
}

static_assert(rows_match_their_encodings());
static_assert(strictly_sorted());
static_assert(vmcs_field_info(0x2801)->high && vmcs_field_info(0x2801)->field == VmcsField::GUEST_VMCS_LINK_POINTER);
static_assert(vmcs_field_info(0x6401) == nullptr);

}  // namespace
}  // namespace vp
