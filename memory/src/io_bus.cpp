#include "vp/memory/io_bus.h"

#include <stdexcept>

namespace vp {

IoBus::IoBus() : owner_(65536, 0) {}

void IoBus::map(uint16_t first, uint16_t count, IoDevice* dev) {
  if (devs_.size() >= 255) throw std::length_error("too many I/O devices");
  if (uint32_t{first} + count > 65536) throw std::invalid_argument("I/O range past port 0xFFFF");
  for (uint32_t p = first; p < uint32_t{first} + count; ++p)
    if (owner_[p]) throw std::invalid_argument("overlapping I/O ports");
  devs_.push_back(dev);
  for (uint32_t p = first; p < uint32_t{first} + count; ++p) owner_[p] = static_cast<uint8_t>(devs_.size());
}

uint32_t IoBus::read(uint16_t port, unsigned size) {
  if (uint8_t o = owner_[port]) return devs_[o - 1]->io_read(port, size);
  if (on_unclaimed) on_unclaimed(port, size, false, 0);
  return size == 4 ? 0xFFFFFFFFu : ((1u << (size * 8)) - 1);
}

void IoBus::write(uint16_t port, unsigned size, uint32_t value) {
  if (uint8_t o = owner_[port]) {
    devs_[o - 1]->io_write(port, size, value);
    return;
  }
  if (on_unclaimed) on_unclaimed(port, size, true, value);
}

}  // namespace vp
