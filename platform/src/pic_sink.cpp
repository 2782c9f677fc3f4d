#include "vp/platform/pic_sink.h"

#include "byte_io.h"

namespace vp {

namespace {
constexpr uint8_t kIcw1 = 0x10;        // command-port write with bit 4 set
constexpr uint8_t kIcw1NeedIcw4 = 0x01;
constexpr uint8_t kIcw1Single = 0x02;  // no ICW3
}  // namespace

PicSink::Chip* PicSink::chip_for(uint32_t port) {
  if (port >= kMasterBase && port < kMasterBase + kPortsPerChip) return &master_;
  if (port >= kSlaveBase && port < kSlaveBase + kPortsPerChip) return &slave_;
  return nullptr;
}

uint8_t PicSink::read8(uint32_t port) {
  const Chip* c = chip_for(port);
  if (!c) return 0xFF;
  return (port & 1) ? c->imr : 0;  // data port: IMR; command port: IRR/ISR/poll, all empty
}

void PicSink::write8(uint32_t port, uint8_t value) {
  Chip* c = chip_for(port);
  if (!c) return;
  if ((port & 1) == 0) {
    if (value & kIcw1) {
      c->icw1 = value;
      c->imr = 0;
      c->expect = 2;
    }
    return;  // OCW2/OCW3: nothing to do without interrupts
  }
  switch (c->expect) {
    case 2:
      c->icw2 = value;
      c->expect = (c->icw1 & kIcw1Single) ? ((c->icw1 & kIcw1NeedIcw4) ? 4 : 0) : 3;
      break;
    case 3:
      c->icw3 = value;
      c->expect = (c->icw1 & kIcw1NeedIcw4) ? 4 : 0;
      break;
    case 4:
      c->icw4 = value;
      c->expect = 0;
      break;
    default:
      c->imr = value;  // OCW1
      break;
  }
}

uint32_t PicSink::io_read(uint16_t port, unsigned size) {
  return detail::read_bytewise(port, size, [this](uint32_t p) { return read8(p); });
}

void PicSink::io_write(uint16_t port, unsigned size, uint32_t value) {
  detail::write_bytewise(port, size, value, [this](uint32_t p, uint8_t b) { write8(p, b); });
}

}  // namespace vp
