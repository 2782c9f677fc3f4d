// Where a VMCS keeps its data in guest physical memory (docs/vmcs-layout.md). The SDM fixes
// only the first 8 bytes (Vol. 3C "Format of the VMCS Region"); the rest is this model's own,
// stable layout: each field has a slot computed from its encoding alone, so adding fields to
// the catalogue never moves another field.
//
//   0x000  u32  revision identifier (bits 30:0) | shadow-VMCS indicator (bit 31)   [SDM]
//   0x004  u32  VMX-abort indicator                                                [SDM]
//   0x008  u32  launch state: 0 clear, 1 launched                                  [model]
//   0x00C  u32  reserved, 0
//   0x010  16-bit fields:        + 2 * (type * 16 + index)     128 bytes
//   0x090  32-bit fields:        + 4 * (type * 32 + index)     512 bytes
//   0x290  64-bit fields:        + 8 * (type * 64 + index)    2048 bytes
//   0xA90  natural-width fields: + 8 * (type * 32 + index)    1024 bytes
//   0xE90  end (3728 bytes; IA32_VMX_BASIC reports 4096)
// `type` is the encoding's type (0 control, 1 read-only, 2 guest state, 3 host state).
#pragma once
#include <cstdint>

#include "vp/vmx/vmcs_fields.h"

namespace vp {

inline constexpr uint32_t kVmcsRevisionOffset = 0x000;
inline constexpr uint32_t kVmcsAbortOffset = 0x004;
inline constexpr uint32_t kVmcsLaunchStateOffset = 0x008;
inline constexpr uint32_t kVmcsShadowIndicator = 1u << 31;
inline constexpr uint32_t kVmcsLayoutBytes = 0xE90;

struct VmcsSlotGroup {
  uint32_t base;       // offset of the group's first slot
  uint32_t per_type;   // slots per field type (index capacity)
  uint32_t slot_bytes;
};

constexpr VmcsSlotGroup vmcs_slot_group(VmcsFieldWidth w) {
  switch (w) {
    case VmcsFieldWidth::Bits16: return {0x010, 16, 2};
    case VmcsFieldWidth::Bits32: return {0x090, 32, 4};
    case VmcsFieldWidth::Bits64: return {0x290, 64, 8};
    case VmcsFieldWidth::Natural: return {0xA90, 32, 8};
  }
  return {0, 0, 0};
}

// Offset of a field's slot in the VMCS region (the full field, for a HIGH encoding too).
constexpr uint32_t vmcs_field_offset(const VmcsFieldInfo& f) {
  const VmcsSlotGroup g = vmcs_slot_group(f.width);
  const uint32_t enc = f.full_encoding();
  return g.base + g.slot_bytes * (static_cast<uint32_t>(vmcs_encoding_type(enc)) * g.per_type + vmcs_encoding_index(enc));
}

// A field's slot, resolved at compile time: vmcs_slot(VmcsField::GUEST_RIP) costs nothing at
// run time (the hot VM-entry and VM-exit paths use it instead of a catalogue lookup).
struct VmcsSlot {
  uint32_t offset;
  uint32_t size;
};
consteval VmcsSlot vmcs_slot(VmcsField f) {
  const VmcsFieldInfo& i = vmcs_field_info(f);
  return {vmcs_field_offset(i), vmcs_slot_group(i.width).slot_bytes};
}
// The guest segment registers ES CS SS DS FS GS LDTR TR (encodings 0800H + 2k ...).
struct VmcsSegmentSlots {
  VmcsSlot sel, limit, ar, base;
};
consteval VmcsSegmentSlots vmcs_guest_segment_slots(unsigned k) {
  return {{vmcs_field_offset(*vmcs_field_info(0x0800 + 2 * k)), 2},
          {vmcs_field_offset(*vmcs_field_info(0x4800 + 2 * k)), 4},
          {vmcs_field_offset(*vmcs_field_info(0x4814 + 2 * k)), 4},
          {vmcs_field_offset(*vmcs_field_info(0x6806 + 2 * k)), 8}};
}
inline constexpr VmcsSegmentSlots kGuestSegmentSlots[8] = {
    vmcs_guest_segment_slots(0), vmcs_guest_segment_slots(1), vmcs_guest_segment_slots(2),
    vmcs_guest_segment_slots(3), vmcs_guest_segment_slots(4), vmcs_guest_segment_slots(5),
    vmcs_guest_segment_slots(6), vmcs_guest_segment_slots(7)};

// True when every catalogue field's index fits its group (checked at compile time).
constexpr bool vmcs_layout_fits_catalogue() {
  for (const auto& f : all_vmcs_fields())
    if (vmcs_encoding_index(f.encoding) >= vmcs_slot_group(f.width).per_type) return false;
  return true;
}
static_assert(vmcs_layout_fits_catalogue());
static_assert(vmcs_slot_group(VmcsFieldWidth::Natural).base + 4 * 32 * 8 == kVmcsLayoutBytes);

}  // namespace vp
