#include "image_bytes.h"

#include <cstdio>

namespace vp::detail {

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string range_text(uint64_t begin, uint64_t end) {
  // Built with append(): GCC 12 warns falsely (-Wrestrict) on "literal" + std::string.
  std::string s = "[";
  s.append(hex(begin)).append(", ").append(hex(end)).append(")");
  return s;
}

}  // namespace vp::detail
