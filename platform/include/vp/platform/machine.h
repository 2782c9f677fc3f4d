// Machine: guest RAM, the port bus, the PC devices, the local APIC and one vCPU, wired
// together (debug-exit stops the CPU, platform MSRs reach the APIC, VMX instructions reach
// the VT-x model).
#pragma once
#include <cstdint>
#include <memory>

#include "vp/core/cpu.h"
#include "vp/memory/io_bus.h"
#include "vp/memory/phys_memory.h"
#include "vp/platform/devices.h"
#include "vp/platform/local_apic.h"
#include "vp/vmx/vmx_unit.h"

namespace vp {

struct MachineConfig {
  uint64_t ram_bytes = 128ull << 20;
  ByteSink serial_out;    // COM1 transmit
  ByteSink debugcon_out;  // port 0xE9
};

class Machine {
 public:
  explicit Machine(const MachineConfig& config);
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  PhysMemory mem;
  IoBus io;
  Devices devices;
  Cpu cpu;
  LocalApic apic;
  VmxUnit vmx;  // the VT-x model of the vCPU
};

}  // namespace vp
