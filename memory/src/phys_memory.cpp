#include "vp/memory/phys_memory.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>

namespace vp {

PhysMemory::PhysMemory(uint64_t ram_bytes) {
  ram_size_ = (ram_bytes + kPageSize - 1) & ~(kPageSize - 1);
  if (ram_size_ == 0) ram_size_ = kPageSize;
  void* p = mmap(nullptr, ram_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  ram_ = static_cast<uint8_t*>(p);
  code_.assign(ram_size_ >> kPageShift, 0);
  gen_.assign(ram_size_ >> kPageShift, 0);
}

PhysMemory::~PhysMemory() { munmap(ram_, ram_size_); }

void PhysMemory::map_mmio(PhysAddr base, uint64_t size, MmioDevice* dev) {
  if (size == 0 || base + size < base) throw std::invalid_argument("bad MMIO region");
  for (const Region& r : regions_)
    if (base < r.base + r.size && r.base < base + size) throw std::invalid_argument("overlapping MMIO region");
  regions_.push_back({base, size, dev});
  std::sort(regions_.begin(), regions_.end(), [](const Region& a, const Region& b) { return a.base < b.base; });
  mmio_lo_ = regions_.front().base;
}

const PhysMemory::Region* PhysMemory::find_region(PhysAddr pa) const {
  for (const Region& r : regions_)
    if (pa >= r.base && pa - r.base < r.size) return &r;
  return nullptr;
}

uint64_t PhysMemory::read(PhysAddr pa, unsigned size) {
  if (const Region* r = regions_.empty() ? nullptr : find_region(pa)) return r->dev->mmio_read(pa - r->base, size);
  if (pa < ram_size_ && size <= ram_size_ - pa) {
    uint64_t v = 0;
    std::memcpy(&v, ram_ + pa, size);
    return v;
  }
  return size == 8 ? ~0ull : ((1ull << (size * 8)) - 1);
}

void PhysMemory::write(PhysAddr pa, unsigned size, uint64_t value) {
  if (const Region* r = regions_.empty() ? nullptr : find_region(pa)) {
    r->dev->mmio_write(pa - r->base, size, value);
    return;
  }
  if (pa < ram_size_ && size <= ram_size_ - pa) {
    note_write(pa);
    std::memcpy(ram_ + pa, &value, size);
  }
}

void PhysMemory::read_block(PhysAddr pa, void* dst, size_t n) {
  auto* out = static_cast<uint8_t*>(dst);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(read(pa + i, 1));
}

void PhysMemory::write_block(PhysAddr pa, const void* src, size_t n) {
  const auto* in = static_cast<const uint8_t*>(src);
  while (n > 0) {
    const size_t chunk = std::min<uint64_t>(n, kPageSize - (pa & (kPageSize - 1)));
    if (uint8_t* page = ram_page(pa)) {
      note_write(pa);
      std::memcpy(page + (pa & (kPageSize - 1)), in, chunk);
    } else {
      for (size_t i = 0; i < chunk; ++i) write(pa + i, 1, in[i]);
    }
    pa += chunk;
    in += chunk;
    n -= chunk;
  }
}

}  // namespace vp
