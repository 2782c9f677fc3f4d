#include "vp/vmx/exit_reasons.h"

namespace vp {

std::string_view exit_reason_name(uint32_t basic_exit_reason) {
  switch (basic_exit_reason) {
#define X(name, number, sdm_name) \
  case number: return sdm_name;
#include "vp/vmx/exit_reasons.def"
#undef X
  }
  return {};
}

}  // namespace vp
