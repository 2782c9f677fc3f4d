// Trace events (JSON Lines, one object per line; traces/README.md documents the format).
// The CPU emits them from slow paths only: event delivery, mode changes, stops.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

namespace vp {

class Cpu;

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  // `json_fields` is the body of one JSON object without braces, e.g. "\"vector\":14".
  virtual void emit(const Cpu& cpu, const char* event, const std::string& json_fields) = 0;
};

// Writes {"icount":N,"clock":C,"event":"...",...} lines to a file.
class JsonlTrace final : public TraceSink {
 public:
  explicit JsonlTrace(std::FILE* out) : out_(out) {}
  void emit(const Cpu& cpu, const char* event, const std::string& json_fields) override;

 private:
  std::FILE* out_;
};

}  // namespace vp
