// Shared pieces of the VM-entry checks (entry_checks_*.cpp). Each check is a small function
// named after what it checks; a failing one fills CheckFailure with its own name, the field,
// the value and the rule, so the trace and the CLI can say exactly why an entry failed.
#pragma once
#include "entry_fields.h"

namespace vp::entry_checks {

using Check = bool (*)(const EntryFields&, const CheckEnv&, CheckFailure&);

inline bool fail(CheckFailure& out, const char* check, const char* field, uint64_t value, const char* rule,
                 const char* section, uint64_t qualification = 0) {
  out = CheckFailure{check, field, value, rule, section, qualification};
  return false;
}

// RULE(condition, "field", value, "rule text"): fail the check unless condition holds.
#define RULE(cond, field, value, rule)                                       \
  do {                                                                       \
    if (!(cond)) return fail(out, __func__, field, value, rule, kSection);   \
  } while (0)

// Runs checks in order; false at the first that fails.
template <size_t N>
bool run_checks(const Check (&checks)[N], const EntryFields& f, const CheckEnv& env, CheckFailure& out) {
  for (Check c : checks)
    if (!c(f, env, out)) return false;
  return true;
}

inline bool canonical48(uint64_t a) { return static_cast<uint64_t>(static_cast<int64_t>(a << 16) >> 16) == a; }
inline bool beyond_phys(uint64_t a, unsigned maxphyaddr) { return (a >> maxphyaddr) != 0; }
// A control word against its capability MSR: bits that must be 1 are 1, bits that must be 0 are 0.
inline bool fits(uint32_t v, uint64_t msr) {
  const uint32_t must1 = static_cast<uint32_t>(msr), may1 = static_cast<uint32_t>(msr >> 32);
  return (v & must1) == must1 && (v & ~may1) == 0;
}
inline bool valid_pat(uint64_t pat) {
  for (unsigned k = 0; k < 8; ++k) {
    const unsigned t = (pat >> (8 * k)) & 0xFF;
    if (t > 7 || t == 2 || t == 3) return false;
  }
  return true;
}

}  // namespace vp::entry_checks
