// The 32-bit VMCS field encoding that VMREAD and VMWRITE take (Intel SDM Vol. 3C,
// "VMREAD, VMWRITE, and Encodings of VMCS Fields"; Vol. 3D Appendix B):
//   bit 0      access type: 0 full, 1 high (the upper 32 bits of a 64-bit field)
//   bits 9:1   index
//   bits 11:10 type: 0 control, 1 read-only data (VM-exit information), 2 guest state, 3 host state
//   bit 12     reserved, 0
//   bits 14:13 width: 0 16-bit, 1 64-bit, 2 32-bit, 3 natural-width
//   bits 31:15 reserved, 0
#pragma once
#include <cstdint>
#include <string_view>

namespace vp {

// Enumerator values are the values of the encoding's bit fields.
enum class VmcsAccess : uint8_t { Full = 0, High = 1 };
enum class VmcsFieldType : uint8_t { Control = 0, ReadOnly = 1, GuestState = 2, HostState = 3 };
enum class VmcsFieldWidth : uint8_t { Bits16 = 0, Bits64 = 1, Bits32 = 2, Natural = 3 };

inline constexpr uint32_t kVmcsEncodingReservedMask = 0xFFFF'8000u | (1u << 12);

constexpr VmcsAccess vmcs_encoding_access(uint32_t encoding) {
  return static_cast<VmcsAccess>(encoding & 1u);
}
constexpr unsigned vmcs_encoding_index(uint32_t encoding) { return (encoding >> 1) & 0x1FFu; }
constexpr VmcsFieldType vmcs_encoding_type(uint32_t encoding) {
  return static_cast<VmcsFieldType>((encoding >> 10) & 3u);
}
constexpr VmcsFieldWidth vmcs_encoding_width(uint32_t encoding) {
  return static_cast<VmcsFieldWidth>((encoding >> 13) & 3u);
}
// True if bit 12 and bits 31:15 are 0. (That alone does not make it a field: see vmcs_field_info.)
constexpr bool vmcs_encoding_reserved_clear(uint32_t encoding) {
  return (encoding & kVmcsEncodingReservedMask) == 0;
}
// Builds an encoding from its parts; index must be < 512.
constexpr uint32_t make_vmcs_encoding(VmcsFieldWidth width, VmcsFieldType type, unsigned index,
                                      VmcsAccess access = VmcsAccess::Full) {
  return (static_cast<uint32_t>(width) << 13) | (static_cast<uint32_t>(type) << 10) |
         ((index & 0x1FFu) << 1) | static_cast<uint32_t>(access);
}

// Bits a field holds. Natural width is 64 bits: the model is of an Intel 64 processor.
constexpr unsigned vmcs_width_bits(VmcsFieldWidth width) {
  switch (width) {
    case VmcsFieldWidth::Bits16: return 16;
    case VmcsFieldWidth::Bits32: return 32;
    case VmcsFieldWidth::Bits64:
    case VmcsFieldWidth::Natural: return 64;
  }
  return 0;
}

// Names as the SDM Appendix B headings use them ("16-bit", "guest-state", ...).
constexpr std::string_view vmcs_width_name(VmcsFieldWidth width) {
  switch (width) {
    case VmcsFieldWidth::Bits16: return "16-bit";
    case VmcsFieldWidth::Bits64: return "64-bit";
    case VmcsFieldWidth::Bits32: return "32-bit";
    case VmcsFieldWidth::Natural: return "natural-width";
  }
  return "";
}
constexpr std::string_view vmcs_type_name(VmcsFieldType type) {
  switch (type) {
    case VmcsFieldType::Control: return "control";
    case VmcsFieldType::ReadOnly: return "read-only data";
    case VmcsFieldType::GuestState: return "guest-state";
    case VmcsFieldType::HostState: return "host-state";
  }
  return "";
}

}  // namespace vp
