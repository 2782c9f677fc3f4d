// Guest MIPS of the interpreter on the shared reference loop (bench/guest/work.inc, the
// same bytes Bochs and QEMU run in ../shared/bench): boot to long mode, 2,000,000 loop
// iterations (4 + 16.5 * N instructions), print the checksum, exit.
#include <benchmark/benchmark.h>

#include <vector>

#include "bench_util.h"
#include "vp/core/cpu.h"

namespace {

using vp::bench::load;

uint64_t run_image(const std::vector<uint8_t>& img) { return vp::bench::BootMachine(img).run(); }

void BM_InterpreterReferenceLoop(benchmark::State& state) {
  const auto img = load(VP_BENCH_BIN);
  const uint64_t boot_only = run_image(load(VP_BOOT2_BIN));
  uint64_t insns = 0;
  for (auto _ : state) insns += run_image(img) - boot_only;
  // Guest instructions of the loop itself, per second of host time, in millions.
  state.counters["guest_MIPS"] = benchmark::Counter(static_cast<double>(insns) / 1e6, benchmark::Counter::kIsRate);
  state.counters["insns_per_run"] = static_cast<double>(insns) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_InterpreterReferenceLoop)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
