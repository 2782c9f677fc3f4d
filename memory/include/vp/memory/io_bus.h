// Port I/O dispatch: 64 KiB of ports, each owned by at most one device.
// Unclaimed ports read as all ones and ignore writes (SDM Vol. 1 18.2; PC convention).
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

namespace vp {

class IoDevice {
 public:
  virtual ~IoDevice() = default;
  // size is 1, 2 or 4; port is the absolute port number.
  virtual uint32_t io_read(uint16_t port, unsigned size) = 0;
  virtual void io_write(uint16_t port, unsigned size, uint32_t value) = 0;
};

class IoBus {
 public:
  IoBus();
  void map(uint16_t first, uint16_t count, IoDevice* dev);
  uint32_t read(uint16_t port, unsigned size);
  void write(uint16_t port, unsigned size, uint32_t value);
  // Optional observer of accesses to unclaimed ports (for an "unclaimed I/O" log).
  std::function<void(uint16_t port, unsigned size, bool write, uint32_t value)> on_unclaimed;

 private:
  std::vector<uint8_t> owner_;  // 0 = none, else index+1 into devs_
  std::vector<IoDevice*> devs_;
};

}  // namespace vp
