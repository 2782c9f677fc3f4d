// QEMU firmware configuration device, legacy I/O interface (docs/specs/fw_cfg.rst in QEMU).
//
// Ports 0x510-0x511 form one register pair as in QEMU's x86 "comb" region: a 16-bit write
// selects an item (and resets the data offset to 0); a byte read returns the next byte of the
// selected item, or 0 past its end. Byte writes are data writes, which QEMU ignores since v2.4;
// other access sizes are invalid: writes are ignored and reads return all ones. The DMA
// interface is absent (FW_CFG_ID bit 1 clear). Selector bit 14 (write channel) does not change
// which item is read; arch-local keys (bit 15) are separate items.
//
// Items provided: FW_CFG_SIGNATURE "QEMU", FW_CFG_ID 1 (32-bit LE: traditional interface),
// FW_CFG_RAM_SIZE (64-bit LE), FW_CFG_NB_CPUS and FW_CFG_MAX_CPUS (16-bit LE). Unknown keys read
// as zeros. set_item() adds or replaces items.
#pragma once
#include <cstdint>
#include <map>
#include <vector>

#include "vp/memory/io_bus.h"

namespace vp {

class FwCfg final : public IoDevice {
 public:
  static constexpr uint16_t kSelectorPort = 0x510;
  static constexpr uint16_t kDataPort = 0x511;
  static constexpr uint16_t kPortCount = 2;

  // Selector keys (QEMU include/standard-headers/linux/qemu_fw_cfg.h).
  static constexpr uint16_t kSignature = 0x0000;
  static constexpr uint16_t kId = 0x0001;
  static constexpr uint16_t kRamSize = 0x0003;
  static constexpr uint16_t kNbCpus = 0x0005;
  static constexpr uint16_t kMaxCpus = 0x000F;
  static constexpr uint16_t kWriteChannel = 0x4000;
  static constexpr uint16_t kArchLocal = 0x8000;

  FwCfg(uint64_t ram_size, uint16_t nb_cpus = 1, uint16_t max_cpus = 1);

  void set_item(uint16_t key, std::vector<uint8_t> data);
  uint16_t selected() const { return selector_; }

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

 private:
  void select(uint16_t key);
  uint8_t read_data();

  std::map<uint16_t, std::vector<uint8_t>> items_;
  uint16_t selector_ = kSignature;
  uint32_t offset_ = 0;
};

}  // namespace vp
