// The two 8259A interrupt controllers (master 0x20-0x21, slave 0xA0-0xA1) reduced to a sink that
// keeps initialisation and masking code happy; no interrupt is ever raised or delivered.
//
// - Command ports (0x20, 0xA0): writes with bit 4 set are ICW1 and start the initialisation
//   sequence (the IMR is cleared, as ICW1 does); other writes (OCW2/OCW3) are accepted and
//   ignored. Reads return 0: IRR, ISR and the poll word all say "nothing pending".
// - Data ports (0x21, 0xA1): during initialisation, writes are ICW2, ICW3 (unless ICW1 says
//   single mode) and ICW4 (if ICW1 asks for it); afterwards they are OCW1 and set the IMR.
//   Reads return the IMR, so "write 0xFF, read back 0xFF" PIC probes succeed.
// Reset state: IMR 0 (as QEMU resets it), not initialising.
#pragma once
#include <cstdint>

#include "vp/memory/io_bus.h"

namespace vp {

class PicSink final : public IoDevice {
 public:
  static constexpr uint16_t kMasterBase = 0x20;
  static constexpr uint16_t kSlaveBase = 0xA0;
  static constexpr uint16_t kPortsPerChip = 2;

  uint8_t imr(bool slave) const { return chip(slave).imr; }
  // ICW2 of the last initialisation: the vector base programmed for IRQ 0 (or 8).
  uint8_t vector_base(bool slave) const { return chip(slave).icw2; }

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

 private:
  struct Chip {
    uint8_t imr = 0;
    uint8_t icw1 = 0;
    uint8_t icw2 = 0;
    uint8_t icw3 = 0;
    uint8_t icw4 = 0;
    uint8_t expect = 0;  // next initialisation word expected on the data port (2..4), 0 = none
  };
  const Chip& chip(bool slave) const { return slave ? slave_ : master_; }
  Chip* chip_for(uint32_t port);
  uint8_t read8(uint32_t port);
  void write8(uint32_t port, uint8_t value);

  Chip master_;
  Chip slave_;
};

}  // namespace vp
