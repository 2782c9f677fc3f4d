// Guest physical address space: sparse RAM plus MMIO regions.
//
// RAM is one anonymous mapping reserved up front (MAP_NORESERVE): pages the guest never
// touches cost no host memory. Physical addresses outside RAM and outside every MMIO region
// read as all ones and ignore writes, as on a PC with nothing decoding the address.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vp {

using PhysAddr = uint64_t;
inline constexpr unsigned kPageShift = 12;
inline constexpr uint64_t kPageSize = 1ull << kPageShift;

class MmioDevice {
 public:
  virtual ~MmioDevice() = default;
  // size is 1, 2, 4 or 8; offset is relative to the region base.
  virtual uint64_t mmio_read(uint64_t offset, unsigned size) = 0;
  virtual void mmio_write(uint64_t offset, unsigned size, uint64_t value) = 0;
};

class PhysMemory {
 public:
  // ram_bytes is rounded up to a whole page. Throws std::bad_alloc if the host cannot reserve it.
  explicit PhysMemory(uint64_t ram_bytes);
  ~PhysMemory();
  PhysMemory(const PhysMemory&) = delete;
  PhysMemory& operator=(const PhysMemory&) = delete;

  uint64_t ram_size() const { return ram_size_; }

  // Host pointer to the RAM page containing pa, or nullptr when pa is not RAM
  // (MMIO, or beyond RAM). MMIO regions shadow RAM.
  uint8_t* ram_page(PhysAddr pa) {
    return (pa < ram_size_ && !mmio_shadows_ram(pa)) ? ram_ + (pa & ~(kPageSize - 1)) : nullptr;
  }

  // Generic access; never touches host memory outside RAM. size is 1, 2, 4 or 8 and the
  // access must not cross a page (callers split).
  uint64_t read(PhysAddr pa, unsigned size);
  void write(PhysAddr pa, unsigned size, uint64_t value);
  // Bulk copies for loaders and tools (split at page and region boundaries internally).
  void read_block(PhysAddr pa, void* dst, size_t n);
  void write_block(PhysAddr pa, const void* src, size_t n);

  void map_mmio(PhysAddr base, uint64_t size, MmioDevice* dev);

  // Self-modifying-code support: pages that hold decoded instructions are marked; any write
  // to a marked page bumps its generation, which invalidates cached decodes of that page.
  void mark_code(PhysAddr pa) {
    const uint64_t pfn = pa >> kPageShift;
    if (pfn < code_.size() && !code_[pfn]) {
      code_[pfn] = 1;
      ++code_mark_epoch_;
    }
  }
  bool is_code(PhysAddr pa) const {
    const uint64_t pfn = pa >> kPageShift;
    return pfn < code_.size() && code_[pfn];
  }
  uint32_t generation(PhysAddr pa) const {
    const uint64_t pfn = pa >> kPageShift;
    return pfn < gen_.size() ? gen_[pfn] : 0;
  }
  // Called on every write that did not go through a cached host pointer.
  void note_write(PhysAddr pa) {
    const uint64_t pfn = pa >> kPageShift;
    if (pfn < code_.size() && code_[pfn]) {
      code_[pfn] = 0;
      ++gen_[pfn];
      ++code_write_epoch_;
    }
  }
  // Bumped whenever any code page is written: a CPU that saw the same value before and after
  // knows every decoded instruction it holds is still current.
  uint64_t code_write_epoch() const { return code_write_epoch_; }
  // Bumped whenever a page becomes a code page, so CPUs drop cached write pointers to it.
  uint64_t code_mark_epoch() const { return code_mark_epoch_; }

 private:
  struct Region {
    PhysAddr base;
    uint64_t size;
    MmioDevice* dev;
  };
  const Region* find_region(PhysAddr pa) const;
  bool mmio_shadows_ram(PhysAddr pa) const {
    return !regions_.empty() && pa >= mmio_lo_ && find_region(pa) != nullptr;
  }

  uint8_t* ram_ = nullptr;
  uint64_t ram_size_ = 0;
  std::vector<Region> regions_;
  PhysAddr mmio_lo_ = ~0ull;
  std::vector<uint8_t> code_;
  std::vector<uint32_t> gen_;
  uint64_t code_mark_epoch_ = 0;
  uint64_t code_write_epoch_ = 0;
};

}  // namespace vp
