// Host time per VM exit round trip: a guest loop of CPUID under a host that handles each
// exit (VMREAD the RIP and length, VMWRITE the RIP, VMRESUME) -- bench/guest/vmexit_loop.asm.
// One round trip is: the guest's CPUID, the VM exit, ~6 host instructions, the VM entry.
#include <benchmark/benchmark.h>

#include <vector>

#include "bench_util.h"
#include "vp/core/cpu.h"
#include "vp/vmx/vmx_unit.h"

namespace {

using vp::bench::load;

// Runs the image; returns the number of VM exits.
uint64_t run_image(const std::vector<uint8_t>& img) {
  vp::bench::BootMachine m(img);
  vp::VmxUnit vmx(m.mem);
  m.cpu.vmx = &vmx;
  m.run();
  return vmx.exits;
}

// state.range(0): 0 plain, 1 under EPT, 2 under EPT with VPID 1.
void BM_VmExitRoundTrip(benchmark::State& state) {
  static const char* const kImages[] = {VP_VMEXIT_BIN, VP_VMEXIT_EPT_BIN, VP_VMEXIT_EPT_VPID_BIN};
  static const char* const kLabels[] = {"no EPT", "EPT", "EPT + VPID"};
  const auto img = load(kImages[state.range(0)]);
  state.SetLabel(kLabels[state.range(0)]);
  uint64_t exits = 0;
  for (auto _ : state) exits += run_image(img);
  state.counters["exits_per_run"] = static_cast<double>(exits) / static_cast<double>(state.iterations());
  // Host nanoseconds per VM exit round trip (exit + handler + VMRESUME).
  state.counters["ns_per_round_trip"] =
      benchmark::Counter(static_cast<double>(exits), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_VmExitRoundTrip)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
