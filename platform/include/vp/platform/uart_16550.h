// National Semiconductor 16550A UART (COM1 at 0x3F8..0x3FF by default).
//
// Transmission is instantaneous: a byte written to THR reaches the sink at once, so LSR.THRE and
// LSR.TEMT always read 1 and polling drivers (Linux, SeaBIOS: wait for LSR bit 5, write THR) never
// wait. Received bytes are queued by the host with push_input(); LSR.DR is set while any are queued.
//
// Registers (offset from base; DLAB = LCR bit 7):
//   0  read RBR / write THR            (DLAB=1: DLL, divisor latch low)
//   1  IER, bits 3:0                   (DLAB=1: DLM, divisor latch high)
//   2  read IIR / write FCR            IIR bits 7:6 = 11 while the FIFOs are enabled (FCR bit 0)
//   3  LCR                             stored as written
//   4  MCR, bits 4:0                   bit 4 = loopback: THR bytes go to the receive FIFO instead
//                                      of the sink, and MSR bits 7:4 mirror OUT2, OUT1, DTR, RTS
//   5  LSR                             DR (0), OE (1, cleared by reading LSR), THRE (5), TEMT (6)
//   6  MSR                             outside loopback: DCD|DSR|CTS (0xB0), a connected line
//   7  SCR                             scratch, stored as written
// Interrupt identification follows the 16550 priorities (line status > received data > THR
// empty); the THR-empty condition is raised when IER bit 1 is enabled or a byte is sent, and is
// cleared by an IIR read that reports it. Modem-status interrupts and the character timeout are
// not modelled. Accesses wider than a byte are split into byte accesses at consecutive ports, as
// the ISA bus does; bytes outside the UART read 0xFF.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>

#include "vp/memory/io_bus.h"
#include "vp/platform/byte_sink.h"

namespace vp {

class Uart16550 final : public IoDevice {
 public:
  static constexpr uint16_t kCom1Base = 0x3F8;
  static constexpr uint16_t kPortCount = 8;
  static constexpr size_t kFifoDepth = 16;

  // Register offsets.
  static constexpr unsigned kRbrThr = 0, kIer = 1, kIirFcr = 2, kLcr = 3, kMcr = 4, kLsr = 5, kMsr = 6,
                            kScr = 7;
  // LSR bits.
  static constexpr uint8_t kLsrDataReady = 0x01, kLsrOverrun = 0x02, kLsrThrEmpty = 0x20,
                           kLsrTxEmpty = 0x40;
  static constexpr uint8_t kLcrDlab = 0x80;
  static constexpr uint8_t kMcrOut2 = 0x08, kMcrLoopback = 0x10;

  explicit Uart16550(ByteSink sink, uint16_t base = kCom1Base);

  uint16_t base() const { return base_; }

  // Host side: queue a received byte. Returns false when the receive FIFO (16 bytes with the
  // FIFOs enabled, else the single holding register) is full: the byte is dropped and LSR.OE set.
  bool push_input(uint8_t byte);
  // Bytes push_input() would still accept.
  size_t rx_free() const;

  // INTR output as a PC wires it: an interrupt is pending and MCR.OUT2 is set.
  bool irq_asserted() const;

  uint16_t divisor() const { return static_cast<uint16_t>(dll_ | (dlm_ << 8)); }
  uint8_t lcr() const { return lcr_; }
  uint8_t mcr() const { return mcr_; }
  uint8_t ier() const { return ier_; }

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

 private:
  uint8_t read_reg(unsigned offset);
  void write_reg(unsigned offset, uint8_t value);
  void transmit(uint8_t byte);
  uint8_t iir() const;
  uint8_t msr() const;
  bool fifo_enabled() const { return (fcr_ & 0x01) != 0; }
  size_t rx_capacity() const { return fifo_enabled() ? kFifoDepth : 1; }

  ByteSink sink_;
  uint16_t base_;
  std::deque<uint8_t> rx_;
  uint8_t ier_ = 0;
  uint8_t lcr_ = 0;
  uint8_t mcr_ = 0;
  uint8_t scr_ = 0;
  uint8_t fcr_ = 0;
  uint8_t dll_ = 0x0C;  // 9600 baud, the value QEMU resets to
  uint8_t dlm_ = 0;
  bool overrun_ = false;
  bool thr_irq_ = false;  // THR-empty interrupt condition
};

}  // namespace vp
