// Every image-loader failure is reported by throwing LoadError with one message that says what
// is wrong with the input (missing header, bad checksum, truncated file, address out of range,
// ...). Loaders check everything before writing guest memory, so when LoadError is thrown guest
// RAM is unchanged. Nothing else is thrown for bad input (std::bad_alloc can still escape when
// the host runs out of memory).
#pragma once
#include <stdexcept>

namespace vp {

class LoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace vp
