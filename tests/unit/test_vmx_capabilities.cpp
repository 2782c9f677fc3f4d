// The capability MSR table against the SDM's rules for it (Vol. 3D Appendix A), the VMCS
// layout against the catalogue, the VM-exit instruction-information layout, and the dump.
#include <catch2/catch.hpp>

#include <cstring>
#include <set>

#include "vp/decoder/decoder.h"
#include "vp/vmx/capabilities.h"
#include "vp/vmx/instruction_info.h"
#include "vp/vmx/vmcs_dump.h"
#include "vp/vmx/vmcs_layout.h"
#include "vp/vmx/vmx_controls.h"

using namespace vp;

namespace {
const VmxCapabilities& caps = default_vmx_capabilities();
uint32_t lo(uint64_t v) { return static_cast<uint32_t>(v); }
uint32_t hi(uint64_t v) { return static_cast<uint32_t>(v >> 32); }
}  // namespace

TEST_CASE("IA32_VMX_BASIC follows A.1", "[vmx][caps]") {
  const uint64_t b = caps.value(kVmxBasic);
  CHECK((b & (1ull << 31)) == 0);                        // bit 31 is 0
  const uint64_t size = (b >> 32) & 0x1FFF;
  CHECK(size > 0);
  CHECK(size <= 4096);
  CHECK(((size & 0x1000) != 0) == ((size & 0xFFF) == 0));  // bit 44 set iff 43:32 clear
  CHECK(size >= kVmcsLayoutBytes);                        // the layout fits the region
  CHECK(((b >> 48) & 1) == 0);                            // Intel 64: no 32-bit limit
  CHECK(((b >> 50) & 0xF) == 6);                          // write-back
  CHECK(caps.true_controls());
  CHECK(caps.revision_id() == 4);
}

TEST_CASE("Control MSRs: allowed-0 settings are allowed-1; TRUE MSRs relax only default-1 bits", "[vmx][caps]") {
  const std::pair<uint32_t, uint32_t> pairs[] = {{kVmxPinbasedCtls, kVmxTruePinbasedCtls},
                                                 {kVmxProcbasedCtls, kVmxTrueProcbasedCtls},
                                                 {kVmxExitCtls, kVmxTrueExitCtls},
                                                 {kVmxEntryCtls, kVmxTrueEntryCtls}};
  // Default-1 classes (A.2): pin 1,2,4; proc 1,4-6,8,13-16,26; exit 0-8,10,11,13,14,16,17; entry 0-8,12.
  const uint32_t default1[] = {0x16, 0x0401E172, 0x00036DFF, 0x000011FF};
  int k = 0;
  for (auto [plain, truemsr] : pairs) {
    const uint64_t p = caps.value(plain), t = caps.value(truemsr);
    INFO("MSR " << std::hex << plain);
    CHECK((lo(p) & ~hi(p)) == 0);   // a bit that must be 1 may be 1
    CHECK((lo(t) & ~hi(t)) == 0);
    CHECK(hi(p) == hi(t));          // same allowed-1 settings
    CHECK(lo(p) == default1[k]);    // the non-TRUE MSR reports every default-1 bit as fixed 1
    CHECK((lo(t) & ~lo(p)) == 0);   // TRUE may only relax
    CHECK((lo(p) & ~lo(t) & ~default1[k]) == 0);  // and only default-1 bits
    ++k;
  }
  // Secondary controls: allowed-0 is 0 (A.3.3); they exist because "activate secondary" may be 1.
  CHECK(lo(caps.value(kVmxProcbasedCtls2)) == 0);
  CHECK((caps.proc_allowed1() & ctl::PROC_ACTIVATE_SECONDARY_CONTROLS) != 0);
}

TEST_CASE("CR0/CR4 fixed bits: FIXED0 within FIXED1 (A.7, A.8); CR4_FIXED1 is what MOV CR4 accepts", "[vmx][caps]") {
  CHECK((caps.value(kVmxCr0Fixed0) & ~caps.value(kVmxCr0Fixed1)) == 0);
  CHECK((caps.value(kVmxCr4Fixed0) & ~caps.value(kVmxCr4Fixed1)) == 0);
  CHECK(caps.value(kVmxCr0Fixed0) == (cr0::PE | cr0::NE | cr0::PG));
  CHECK(caps.value(kVmxCr4Fixed0) == cr4::VMXE);
  CHECK(caps.value(kVmxCr4Fixed1) == (cr4::kModelled | cr4::VMXE));
}

TEST_CASE("IA32_VMX_VMCS_ENUM reports the highest index of a supported field (A.9)", "[vmx][caps]") {
  CHECK(caps.value(kVmxVmcsEnum) == caps.highest_supported_index() << 1);
}

TEST_CASE("Every MSR the model reports to exist has a value; absent ones read as #GP", "[vmx][caps]") {
  uint64_t v;
  CHECK(caps.read_msr(kVmxBasic, v));
  CHECK(!caps.read_msr(kVmxVmfunc, v));        // "enable VM functions" not allowed
  CHECK(!caps.read_msr(kVmxProcbasedCtls3, v));  // "activate tertiary controls" not allowed
  CHECK((caps.proc2_allowed1() & ctl::PROC2_ENABLE_VM_FUNCTIONS) == 0);
  CHECK((caps.proc_allowed1() & ctl::PROC_ACTIVATE_TERTIARY_CONTROLS) == 0);
  CHECK(!caps.read_msr(0x47F, v));
}

TEST_CASE("VMCS layout: every field has its own slot inside the region", "[vmx][layout]") {
  std::set<uint32_t> used;
  for (const auto& f : all_vmcs_fields()) {
    const uint32_t off = vmcs_field_offset(f);
    const uint32_t size = vmcs_slot_group(f.width).slot_bytes;
    INFO(f.name);
    CHECK(off >= 0x10);
    CHECK(off + size <= kVmcsLayoutBytes);
    CHECK(off % size == 0);
    for (uint32_t b = off; b < off + size; ++b) CHECK(used.insert(b).second);
  }
  CHECK(vmcs_field_offset(vmcs_field_info(VmcsField::GUEST_RIP)) == 0xA90 + 8 * (2 * 32 + 0x0F));
}

TEST_CASE("VM-exit instruction information follows the SDM layouts", "[vmx][exitinfo]") {
  auto decode64 = [](std::vector<uint8_t> b) {
    Insn i;
    REQUIRE(decode(b.data(), b.size(), CodeMode::Bits64, i) == DecodeStatus::Ok);
    return i;
  };
  InstructionExitInfo info;
  // vmptrld [rbx + rsi*4 + 0x10]: scale 2, asz 64 (2), seg DS (3), index rsi (6), base rbx (3).
  REQUIRE(vmx_instruction_exit_info(decode64({0x0F, 0xC7, 0x74, 0xB3, 0x10}), info));
  CHECK(info.reason == ExitReason::EXECUTE_VMPTRLD);
  CHECK(info.instruction_info == (2u | (2u << 7) | (3u << 15) | (6u << 18) | (3u << 23)));
  CHECK(info.qualification == 0x10);
  CHECK(info.length == 5);
  // vmclear [rsp - 8] (SS, base rsp, no index): index invalid bit 22.
  REQUIRE(vmx_instruction_exit_info(decode64({0x66, 0x0F, 0xC7, 0x74, 0x24, 0xF8}), info));
  CHECK(info.instruction_info == ((2u << 7) | (2u << 15) | (1u << 22) | (4u << 23)));
  CHECK(info.qualification == ~7ull);
  // vmread r9, r10 (register form): reg1 = r9 in 6:3, bit 10, reg2 = r10 in 31:28.
  REQUIRE(vmx_instruction_exit_info(decode64({0x4D, 0x0F, 0x78, 0xD1}), info));
  CHECK(info.reason == ExitReason::EXECUTE_VMREAD);
  CHECK(info.instruction_info == ((9u << 3) | (1u << 10) | (10u << 28)));
  // vmwrite rdx, fs:[rax]: memory form, segment FS (4), base rax, reg2 = rdx.
  REQUIRE(vmx_instruction_exit_info(decode64({0x64, 0x0F, 0x79, 0x10}), info));
  CHECK(info.reason == ExitReason::EXECUTE_VMWRITE);
  CHECK(info.instruction_info == ((2u << 7) | (4u << 15) | (1u << 22) | (0u << 23) | (2u << 28)));
  REQUIRE(vmx_instruction_exit_info(decode64({0x0F, 0x01, 0xC1}), info));
  CHECK(info.reason == ExitReason::EXECUTE_VMCALL);
  CHECK(info.instruction_info == 0);
  CHECK(!vmx_instruction_exit_info(decode64({0x90}), info));
}

TEST_CASE("The VMCS dump groups fields as Appendix B and shows only supported ones", "[vmx][dump]") {
  std::vector<uint8_t> region(kVmcsLayoutBytes);
  region[0] = 4;
  region[kVmcsLaunchStateOffset] = 1;
  const uint64_t rip = 0xFEDC'BA98'7654'3210ull;
  std::memcpy(&region[vmcs_field_offset(vmcs_field_info(VmcsField::GUEST_RIP))], &rip, 8);
  const std::string all = format_vmcs(region, 0x21000, caps);
  CHECK(all.find("launch state launched") != std::string::npos);
  CHECK(all.find("16-bit control fields") != std::string::npos);  // the VPID
  CHECK(all.find("Posted-interrupt notification vector") == std::string::npos);  // not supported
  CHECK(all.find("16-bit guest-state fields") < all.find("64-bit control fields"));
  CHECK(all.find("64-bit control fields") < all.find("32-bit control fields"));
  CHECK(all.find("Posted-interrupt") == std::string::npos);  // unsupported: not shown
  VmcsDumpOptions nz;
  nz.nonzero_only = true;
  const std::string some = format_vmcs(region, 0x21000, caps, nz);
  CHECK(some.find("681e  Guest RIP") != std::string::npos);
  CHECK(some.find("0xfedcba9876543210") != std::string::npos);
  CHECK(some.find("Guest RSP") == std::string::npos);
}
