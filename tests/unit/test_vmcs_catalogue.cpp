// The VMCS field catalogue against the SDM encoding rules and against values typed in by hand
// from SDM Vol. 3D Appendix B (field encodings), Appendix C (basic exit reasons) and Vol. 3C
// "VM Instruction Error Numbers".
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <string_view>

#include "vp/vmx/vmcs_fields.h"

using namespace vp;

// The catalogue is constexpr (vmx/src/vmcs_fields.cpp checks it at compile time); pointer
// comparisons are not constant expressions under ASan, so these are checked at run time.
TEST_CASE("catalogue look-ups by encoding and by enum agree", "[vmcs]") {
  REQUIRE(vmcs_field_info(0x681E) != nullptr);
  CHECK(vmcs_field_info(0x681E)->field == VmcsField::GUEST_RIP);
  CHECK(vmcs_field_info(VmcsField::HOST_CR3).width == VmcsFieldWidth::Natural);
}

TEST_CASE("every field's encoding bits agree with its width and type", "[vmcs]") {
  REQUIRE(all_vmcs_fields().size() == 199);  // 180 ia32-doc + 19 two-source supplement rows
  for (const auto& f : all_vmcs_fields()) {
    INFO(f.name << " 0x" << std::hex << f.encoding);
    CHECK(vmcs_encoding_width(f.encoding) == f.width);
    CHECK(vmcs_encoding_type(f.encoding) == f.type);
    CHECK(vmcs_encoding_access(f.encoding) == VmcsAccess::Full);
    CHECK((f.encoding & 1u) == 0);
    CHECK(vmcs_encoding_reserved_clear(f.encoding));
    CHECK(make_vmcs_encoding(f.width, f.type, vmcs_encoding_index(f.encoding)) == f.encoding);
    CHECK(static_cast<uint32_t>(f.field) == f.encoding);
    CHECK_FALSE(f.high);
    CHECK_FALSE(f.name.empty());
    CHECK(vmcs_field_info(f.encoding) == &f);
  }
}

TEST_CASE("no two fields share an encoding or a name", "[vmcs]") {
  std::set<uint32_t> encodings;
  std::set<std::string_view> names;
  for (const auto& f : all_vmcs_fields()) {
    INFO(f.name);
    CHECK(encodings.insert(f.encoding).second);
    CHECK(names.insert(f.name).second);
  }
}

TEST_CASE("only 64-bit fields have a HIGH encoding, and it resolves to the field", "[vmcs]") {
  std::size_t wide = 0;
  for (const auto& f : all_vmcs_fields()) {
    INFO(f.name);
    const VmcsFieldInfo* hi = vmcs_field_info(f.encoding + 1);
    if (f.width == VmcsFieldWidth::Bits64) {
      ++wide;
      REQUIRE(hi != nullptr);
      CHECK(hi->high);
      CHECK(hi->field == f.field);
      CHECK(hi->encoding == f.encoding + 1);
      CHECK(hi->full_encoding() == f.encoding);
      CHECK(hi->width == VmcsFieldWidth::Bits64);
      CHECK(hi->type == f.type);
      CHECK(hi->name == f.name);
      CHECK(vmcs_encoding_access(hi->encoding) == VmcsAccess::High);
    } else {
      CHECK(hi == nullptr);
    }
  }
  CHECK(wide > 0);
}

TEST_CASE("encodings typed in from SDM Appendix B", "[vmcs]") {
  struct Expect {
    uint32_t encoding;
    VmcsField field;
    const char* name;
    VmcsFieldWidth width;
    VmcsFieldType type;
  };
  using W = VmcsFieldWidth;
  using T = VmcsFieldType;
  const Expect expected[] = {
      {0x0000, VmcsField::CTRL_VIRTUAL_PROCESSOR_IDENTIFIER, "Virtual-processor identifier (VPID)", W::Bits16, T::Control},
      {0x0800, VmcsField::GUEST_ES_SELECTOR, "Guest ES selector", W::Bits16, T::GuestState},
      {0x0C0C, VmcsField::HOST_TR_SELECTOR, "Host TR selector", W::Bits16, T::HostState},
      {0x201A, VmcsField::CTRL_EPT_POINTER, "EPT pointer", W::Bits64, T::Control},
      {0x2400, VmcsField::GUEST_PHYSICAL_ADDRESS, "Guest-physical address", W::Bits64, T::ReadOnly},
      {0x2800, VmcsField::GUEST_VMCS_LINK_POINTER, "VMCS link pointer", W::Bits64, T::GuestState},
      {0x2C00, VmcsField::HOST_PAT, "Host IA32_PAT", W::Bits64, T::HostState},
      {0x4000, VmcsField::CTRL_PIN_BASED_VM_EXECUTION_CONTROLS, "Pin-based VM-execution controls", W::Bits32, T::Control},
      {0x4002, VmcsField::CTRL_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, "Primary processor-based VM-execution controls", W::Bits32, T::Control},
      {0x401E, VmcsField::CTRL_SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, "Secondary processor-based VM-execution controls", W::Bits32, T::Control},
      {0x4400, VmcsField::VM_INSTRUCTION_ERROR, "VM-instruction error", W::Bits32, T::ReadOnly},
      {0x4402, VmcsField::EXIT_REASON, "Exit reason", W::Bits32, T::ReadOnly},
      {0x4826, VmcsField::GUEST_ACTIVITY_STATE, "Guest activity state", W::Bits32, T::GuestState},
      {0x482E, VmcsField::GUEST_VMX_PREEMPTION_TIMER_VALUE, "VMX-preemption timer value", W::Bits32, T::GuestState},
      {0x4C00, VmcsField::HOST_SYSENTER_CS, "Host IA32_SYSENTER_CS", W::Bits32, T::HostState},
      {0x6000, VmcsField::CTRL_CR0_GUEST_HOST_MASK, "CR0 guest/host mask", W::Natural, T::Control},
      {0x6400, VmcsField::EXIT_QUALIFICATION, "Exit qualification", W::Natural, T::ReadOnly},
      {0x681E, VmcsField::GUEST_RIP, "Guest RIP", W::Natural, T::GuestState},
      {0x6C02, VmcsField::HOST_CR3, "Host CR3", W::Natural, T::HostState},
      {0x6C16, VmcsField::HOST_RIP, "Host RIP", W::Natural, T::HostState},
  };
  for (const auto& e : expected) {
    INFO(e.name);
    const VmcsFieldInfo* f = vmcs_field_info(e.encoding);
    REQUIRE(f != nullptr);
    CHECK(f->field == e.field);
    CHECK(static_cast<uint32_t>(e.field) == e.encoding);
    CHECK(f->name == e.name);
    CHECK(f->width == e.width);
    CHECK(f->type == e.type);
    CHECK_FALSE(f->high);
  }
  CHECK(vmcs_field_info(VmcsField::EXIT_REASON).read_only());
  CHECK_FALSE(vmcs_field_info(VmcsField::GUEST_RIP).read_only());
}

TEST_CASE("encodings that name no field", "[vmcs]") {
  for (uint32_t e : {0x0001u, 0x0801u, 0x4401u, 0x6401u,  // odd encodings of non-64-bit fields
                     0x482Cu, 0x2046u, 0x4C02u,            // unused indexes
                     0x1000u, 0x8000u, 0x0001'0000u, 0xFFFF'FFFFu}) {  // reserved bits set
    INFO("0x" << std::hex << e);
    CHECK(vmcs_field_info(e) == nullptr);
  }
}

TEST_CASE("encoding decode helpers follow the SDM bit layout", "[vmcs]") {
  CHECK(vmcs_encoding_access(0x2801) == VmcsAccess::High);
  CHECK(vmcs_encoding_index(0x2801) == 0);
  CHECK(vmcs_encoding_type(0x2801) == VmcsFieldType::GuestState);
  CHECK(vmcs_encoding_width(0x2801) == VmcsFieldWidth::Bits64);
  CHECK(vmcs_encoding_index(0x6C16) == 11);
  CHECK(vmcs_encoding_type(0x6C16) == VmcsFieldType::HostState);
  CHECK(vmcs_encoding_width(0x6C16) == VmcsFieldWidth::Natural);
  CHECK(vmcs_encoding_type(0x4402) == VmcsFieldType::ReadOnly);
  CHECK(vmcs_encoding_width(0x4402) == VmcsFieldWidth::Bits32);
  CHECK(make_vmcs_encoding(VmcsFieldWidth::Natural, VmcsFieldType::HostState, 11) == 0x6C16);
  CHECK(make_vmcs_encoding(VmcsFieldWidth::Bits64, VmcsFieldType::Control, 13, VmcsAccess::High) == 0x201B);
  CHECK(vmcs_encoding_reserved_clear(0x6C1C));
  CHECK_FALSE(vmcs_encoding_reserved_clear(0x1000));
  CHECK_FALSE(vmcs_encoding_reserved_clear(0x8000));
  CHECK_FALSE(vmcs_encoding_reserved_clear(0x8000'0000));
  CHECK(vmcs_width_bits(VmcsFieldWidth::Bits16) == 16);
  CHECK(vmcs_width_bits(VmcsFieldWidth::Bits32) == 32);
  CHECK(vmcs_width_bits(VmcsFieldWidth::Natural) == 64);
}

TEST_CASE("basic exit reasons match SDM Appendix C", "[vmcs]") {
  struct Expect {
    ExitReason reason;
    uint32_t number;
    const char* name;
  };
  const Expect expected[] = {
      {ExitReason::EXCEPTION_OR_NMI, 0, "Exception or non-maskable interrupt (NMI)"},
      {ExitReason::EXTERNAL_INTERRUPT, 1, "External interrupt"},
      {ExitReason::TRIPLE_FAULT, 2, "Triple fault"},
      {ExitReason::EXECUTE_CPUID, 10, "CPUID"},
      {ExitReason::EXECUTE_HLT, 12, "HLT"},
      {ExitReason::EXECUTE_VMCALL, 18, "VMCALL"},
      {ExitReason::EXECUTE_MOV_CRX, 28, "Control-register accesses"},
      {ExitReason::EXECUTE_IO_INSTRUCTION, 30, "I/O instruction"},
      {ExitReason::EXECUTE_RDMSR, 31, "RDMSR"},
      {ExitReason::EXECUTE_WRMSR, 32, "WRMSR"},
      {ExitReason::ERROR_INVALID_GUEST_STATE, 33, "VM-entry failure due to invalid guest state"},
      {ExitReason::EPT_VIOLATION, 48, "EPT violation"},
      {ExitReason::EPT_MISCONFIGURATION, 49, "EPT misconfiguration"},
  };
  for (const auto& e : expected) {
    INFO(e.name);
    CHECK(static_cast<uint32_t>(e.reason) == e.number);
    CHECK(exit_reason_name(e.number) == e.name);
    CHECK(exit_reason_name(e.reason) == e.name);
  }
  // 0..69 are all defined except the numbers the SDM leaves unused.
  for (uint32_t n = 0; n <= 69; ++n) {
    INFO("exit reason " << n);
    CHECK(exit_reason_name(n).empty() == (n == 35 || n == 38 || n == 42));
  }
  CHECK(exit_reason_name(0xFFFF).empty());
}

TEST_CASE("VM-instruction error numbers match the SDM list", "[vmcs]") {
  struct Expect {
    VmInstructionError error;
    uint32_t number;
    const char* name;
  };
  const Expect expected[] = {
      {VmInstructionError::VMCLEAR_INVALID_PHYSICAL_ADDRESS, 2, "VMCLEAR with invalid physical address"},
      {VmInstructionError::VMCLEAR_INVALID_VMXON_POINTER, 3, "VMCLEAR with VMXON pointer"},
      {VmInstructionError::VMLAUNCH_NON_CLEAR_VMCS, 4, "VMLAUNCH with non-clear VMCS"},
      {VmInstructionError::VMENTRY_INVALID_CONTROL_FIELDS, 7, "VM entry with invalid control field(s)"},
      {VmInstructionError::VMPTRLD_INVALID_PHYSICAL_ADDRESS, 9, "VMPTRLD with invalid physical address"},
      {VmInstructionError::VMPTRLD_VMXON_POINTER, 10, "VMPTRLD with VMXON pointer"},
      {VmInstructionError::VMPTRLD_INCORRECT_VMCS_REVISION_ID, 11, "VMPTRLD with incorrect VMCS revision identifier"},
      {VmInstructionError::VMREAD_VMWRITE_INVALID_COMPONENT, 12, "VMREAD/VMWRITE from/to unsupported VMCS component"},
      {VmInstructionError::VMWRITE_READONLY_COMPONENT, 13, "VMWRITE to read-only VMCS component"},
      {VmInstructionError::VMXON_IN_VMX_ROOT_OP, 15, "VMXON executed in VMX root operation"},
      {VmInstructionError::INVEPT_INVVPID_INVALID_OPERAND, 28, "Invalid operand to INVEPT/INVVPID"},
  };
  for (const auto& e : expected) {
    INFO(e.name);
    CHECK(static_cast<uint32_t>(e.error) == e.number);
    CHECK(vm_instruction_error_name(e.number) == e.name);
    CHECK(vm_instruction_error_name(e.error) == e.name);
  }
  for (uint32_t unused : {0u, 14u, 21u, 27u, 29u}) {
    INFO("error " << unused);
    CHECK(vm_instruction_error_name(unused).empty());
  }
}
