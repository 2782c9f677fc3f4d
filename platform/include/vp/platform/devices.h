// The PC devices of the machine, owned together and mapped on an IoBus at their standard ports:
//   0x20-0x21, 0xA0-0xA1  PicSink            0x80         PostCodePort
//   0x92                  SystemControlPortA 0xE9         DebugConsoleE9
//   0xF4-0xF7             DebugExit          0x3F8-0x3FF  Uart16550 (COM1)
//   0x510-0x511           FwCfg
#pragma once
#include <cstdint>

#include "vp/memory/io_bus.h"
#include "vp/platform/byte_sink.h"
#include "vp/platform/debug_console_e9.h"
#include "vp/platform/debug_exit.h"
#include "vp/platform/fw_cfg.h"
#include "vp/platform/pic_sink.h"
#include "vp/platform/post_code_port.h"
#include "vp/platform/system_control_port_a.h"
#include "vp/platform/uart_16550.h"

namespace vp {

struct DeviceConfig {
  ByteSink serial_out;    // COM1 transmit
  ByteSink debugcon_out;  // port 0xE9
  uint64_t ram_size = 0;  // reported by fw_cfg
  uint16_t cpus = 1;      // fw_cfg NB_CPUS and MAX_CPUS
};

class Devices {
 public:
  explicit Devices(const DeviceConfig& config);
  Devices(const Devices&) = delete;
  Devices& operator=(const Devices&) = delete;

  // Maps every device on bus (throws what IoBus::map throws if a port is already taken).
  // The bus keeps pointers: this object must outlive it.
  void map_on(IoBus& bus);

  Uart16550 com1;
  DebugConsoleE9 debugcon;
  DebugExit debug_exit;
  FwCfg fw_cfg;
  PicSink pic;
  SystemControlPortA port_a;
  PostCodePort post;
};

}  // namespace vp
