#include "vp/platform/devices.h"

namespace vp {

Devices::Devices(const DeviceConfig& config)
    : com1(config.serial_out),
      debugcon(config.debugcon_out),
      fw_cfg(config.ram_size, config.cpus, config.cpus) {}

void Devices::map_on(IoBus& bus) {
  bus.map(PicSink::kMasterBase, PicSink::kPortsPerChip, &pic);
  bus.map(PicSink::kSlaveBase, PicSink::kPortsPerChip, &pic);
  bus.map(PostCodePort::kPort, 1, &post);
  bus.map(SystemControlPortA::kPort, 1, &port_a);
  bus.map(debugcon.port(), 1, &debugcon);
  bus.map(debug_exit.base(), debug_exit.size(), &debug_exit);
  bus.map(com1.base(), Uart16550::kPortCount, &com1);
  bus.map(FwCfg::kSelectorPort, FwCfg::kPortCount, &fw_cfg);
}

}  // namespace vp
