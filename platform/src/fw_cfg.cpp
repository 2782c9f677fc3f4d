#include "vp/platform/fw_cfg.h"

#include <utility>

#include "byte_io.h"

namespace vp {

namespace {
std::vector<uint8_t> le_bytes(uint64_t v, unsigned n) {
  std::vector<uint8_t> out(n);
  for (unsigned i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
  return out;
}
}  // namespace

FwCfg::FwCfg(uint64_t ram_size, uint16_t nb_cpus, uint16_t max_cpus) {
  items_[kSignature] = {'Q', 'E', 'M', 'U'};
  items_[kId] = le_bytes(1, 4);  // bit 0: traditional interface; no DMA
  items_[kRamSize] = le_bytes(ram_size, 8);
  items_[kNbCpus] = le_bytes(nb_cpus, 2);
  items_[kMaxCpus] = le_bytes(max_cpus, 2);
}

void FwCfg::set_item(uint16_t key, std::vector<uint8_t> data) {
  items_[static_cast<uint16_t>(key & ~kWriteChannel)] = std::move(data);
}

void FwCfg::select(uint16_t key) {
  selector_ = key;
  offset_ = 0;
}

uint8_t FwCfg::read_data() {
  const auto it = items_.find(static_cast<uint16_t>(selector_ & ~kWriteChannel));
  if (it == items_.end() || offset_ >= it->second.size()) return 0;
  return it->second[offset_++];
}

uint32_t FwCfg::io_read(uint16_t, unsigned size) { return size == 1 ? read_data() : detail::all_ones(size); }

void FwCfg::io_write(uint16_t, unsigned size, uint32_t value) {
  if (size == 2) select(static_cast<uint16_t>(value));
  // size 1: a data write, ignored as in QEMU >= 2.4; size 4: not a valid access.
}

}  // namespace vp
