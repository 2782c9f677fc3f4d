// The VMX parts of the command line: `vanderpool vmcs dump`, `vanderpool vmx caps`, and the
// VMX state printed by `vanderpool run --dump-vmcs`.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

#include "vp/memory/phys_memory.h"
#include "vp/vmx/vmx_unit.h"

namespace vpcli {

struct VmcsDumpArgs {
  std::string file;     // raw memory image (run --save-ram) or a VMCS region
  std::string at = "0";  // physical address of the VMCS in that image
  bool nonzero = false;
};

// Exit status 0, or 4 if the file cannot be read or is too short.
int vmcs_dump_command(const VmcsDumpArgs& a);
// Prints the capability MSR table (as Markdown with markdown = true, for docs/).
int vmx_caps_command(bool markdown);
// VMX operation state and the current VMCS, field by field.
void print_vmx_state(std::FILE* out, vp::VmxUnit& vmx, vp::PhysMemory& mem, bool nonzero_only);

}  // namespace vpcli
