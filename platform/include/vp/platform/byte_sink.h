// Where a character device's transmitted bytes go (the CLI writes them to stdout).
#pragma once
#include <cstdint>
#include <functional>

namespace vp {

// Called once per transmitted byte. An empty ByteSink drops the bytes.
using ByteSink = std::function<void(uint8_t)>;

}  // namespace vp
