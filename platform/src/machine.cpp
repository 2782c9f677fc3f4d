#include "vp/platform/machine.h"

namespace vp {

Machine::Machine(const MachineConfig& config)
    : mem(config.ram_bytes),
      devices(DeviceConfig{config.serial_out, config.debugcon_out, mem.ram_size(), 1}),
      cpu(mem, io),
      apic(cpu),
      vmx(mem) {
  cpu.vmx = &vmx;
  devices.map_on(io);
  mem.map_mmio(LocalApic::kDefaultBase, kPageSize, &apic);
  cpu.intc = &apic;
  cpu.msr_read_hook = [this](uint32_t msr, uint64_t& v) { return apic.read_msr(msr, v); };
  cpu.msr_write_hook = [this](uint32_t msr, uint64_t v) { return apic.write_msr(msr, v); };
  // The debug-exit device stops the CPU right after the OUT that wrote it.
  cpu.stop_probe = [this] { return devices.debug_exit.requested(); };
}

}  // namespace vp
