#include "vp/core/trace.h"

#include "vp/core/cpu.h"

namespace vp {

void JsonlTrace::emit(const Cpu& cpu, const char* event, const std::string& fields) {
  std::fprintf(out_, "{\"icount\":%llu,\"clock\":%llu,\"event\":\"%s\"%s%s}\n",
               static_cast<unsigned long long>(cpu.icount), static_cast<unsigned long long>(cpu.clock), event,
               fields.empty() ? "" : ",", fields.c_str());
}

}  // namespace vp
