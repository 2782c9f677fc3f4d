#include "vp/platform/entry_state.h"

namespace vp {

EntryState flat_protected_mode_entry(uint32_t eip, uint32_t eax, uint32_t ebx) {
  EntryState s;
  s.eax = eax;
  s.ebx = ebx;
  s.eip = eip;
  s.cr0 = kCr0Pe | kCr0Et;
  s.rflags = kRflagsFixed1;
  s.cs = {kFlatCodeSelector, 0, 0xFFFFFFFFu, seg_ar::kFlatCode32};
  const SegmentState data{kFlatDataSelector, 0, 0xFFFFFFFFu, seg_ar::kFlatData32};
  s.ds = s.es = s.fs = s.gs = s.ss = data;
  return s;
}

}  // namespace vp
