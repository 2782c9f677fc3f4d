#include "vp/vmx/vm_instruction_errors.h"

namespace vp {

std::string_view vm_instruction_error_name(uint32_t error) {
  switch (error) {
#define X(name, number, sdm_name) \
  case number: return sdm_name;
#include "vp/vmx/vm_instruction_errors.def"
#undef X
  }
  return {};
}

}  // namespace vp
