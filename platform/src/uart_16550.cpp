#include "vp/platform/uart_16550.h"

#include <utility>

#include "byte_io.h"

namespace vp {

namespace {
constexpr uint8_t kIerRxData = 0x01, kIerThrEmpty = 0x02, kIerLineStatus = 0x04;
constexpr uint8_t kIirNone = 0x01, kIirLineStatus = 0x06, kIirRxData = 0x04, kIirThrEmpty = 0x02;
constexpr uint8_t kIirFifosEnabled = 0xC0;
constexpr uint8_t kFcrEnable = 0x01, kFcrClearRx = 0x02;
}  // namespace

Uart16550::Uart16550(ByteSink sink, uint16_t base) : sink_(std::move(sink)), base_(base) {}

bool Uart16550::push_input(uint8_t byte) {
  if (rx_.size() >= rx_capacity()) {
    overrun_ = true;
    return false;
  }
  rx_.push_back(byte);
  return true;
}

size_t Uart16550::rx_free() const { return rx_.size() >= rx_capacity() ? 0 : rx_capacity() - rx_.size(); }

bool Uart16550::irq_asserted() const { return (mcr_ & kMcrOut2) && (iir() & kIirNone) == 0; }

uint8_t Uart16550::iir() const {
  uint8_t id = kIirNone;
  if ((ier_ & kIerLineStatus) && overrun_)
    id = kIirLineStatus;
  else if ((ier_ & kIerRxData) && !rx_.empty())
    id = kIirRxData;
  else if ((ier_ & kIerThrEmpty) && thr_irq_)
    id = kIirThrEmpty;
  return static_cast<uint8_t>(id | (fifo_enabled() ? kIirFifosEnabled : 0));
}

uint8_t Uart16550::msr() const {
  if (!(mcr_ & kMcrLoopback)) return 0xB0;  // DCD | DSR | CTS: a connected line
  uint8_t v = 0;
  if (mcr_ & 0x02) v |= 0x10;  // RTS -> CTS
  if (mcr_ & 0x01) v |= 0x20;  // DTR -> DSR
  if (mcr_ & 0x04) v |= 0x40;  // OUT1 -> RI
  if (mcr_ & 0x08) v |= 0x80;  // OUT2 -> DCD
  return v;
}

void Uart16550::transmit(uint8_t byte) {
  if (mcr_ & kMcrLoopback) {
    push_input(byte);
  } else if (sink_) {
    sink_(byte);
  }
  // Sent at once: THR is empty again, which raises THRE if enabled.
  thr_irq_ = (ier_ & kIerThrEmpty) != 0;
}

uint8_t Uart16550::read_reg(unsigned offset) {
  const bool dlab = (lcr_ & kLcrDlab) != 0;
  switch (offset) {
    case kRbrThr: {
      if (dlab) return dll_;
      if (rx_.empty()) return 0;
      const uint8_t b = rx_.front();
      rx_.pop_front();
      return b;
    }
    case kIer:
      return dlab ? dlm_ : ier_;
    case kIirFcr: {
      const uint8_t v = iir();
      if ((v & 0x0F) == kIirThrEmpty) thr_irq_ = false;
      return v;
    }
    case kLcr:
      return lcr_;
    case kMcr:
      return mcr_;
    case kLsr: {
      uint8_t v = kLsrThrEmpty | kLsrTxEmpty;
      if (!rx_.empty()) v |= kLsrDataReady;
      if (overrun_) v |= kLsrOverrun;
      overrun_ = false;
      return v;
    }
    case kMsr:
      return msr();
    default:
      return scr_;
  }
}

void Uart16550::write_reg(unsigned offset, uint8_t value) {
  const bool dlab = (lcr_ & kLcrDlab) != 0;
  switch (offset) {
    case kRbrThr:
      if (dlab)
        dll_ = value;
      else
        transmit(value);
      break;
    case kIer:
      if (dlab) {
        dlm_ = value;
      } else {
        const uint8_t changed = static_cast<uint8_t>((ier_ ^ value) & 0x0F);
        ier_ = value & 0x0F;
        // THR is always empty, so enabling its interrupt raises it at once.
        if (changed & kIerThrEmpty) thr_irq_ = (ier_ & kIerThrEmpty) != 0;
      }
      break;
    case kIirFcr:
      if (((fcr_ ^ value) & kFcrEnable) || (value & kFcrClearRx)) rx_.clear();
      fcr_ = value & 0xC9;  // enable, DMA mode, trigger level; the clear bits self-clear
      break;
    case kLcr:
      lcr_ = value;
      break;
    case kMcr:
      mcr_ = value & 0x1F;
      break;
    case kLsr:
    case kMsr:
      break;  // factory test writes: ignored
    default:
      scr_ = value;
      break;
  }
}

uint32_t Uart16550::io_read(uint16_t port, unsigned size) {
  return detail::read_bytewise(port, size, [this](uint32_t p) -> uint8_t {
    return (p >= base_ && p - base_ < kPortCount) ? read_reg(p - base_) : 0xFF;
  });
}

void Uart16550::io_write(uint16_t port, unsigned size, uint32_t value) {
  detail::write_bytewise(port, size, value, [this](uint32_t p, uint8_t b) {
    if (p >= base_ && p - base_ < kPortCount) write_reg(p - base_, b);
  });
}

}  // namespace vp
