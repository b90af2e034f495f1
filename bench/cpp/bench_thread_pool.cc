// ThreadPool::parallel_for overhead. Each row runs fn(begin, end) over [0, n) through the pool
// and compares with calling the same fn(0, n) directly on this thread. Columns:
//   base_ns       the direct call, nanoseconds
//   overhead_ns   time through parallel_for minus the direct call (negative: the split paid)
//   vs_base       direct time / parallel_for time (above 1: faster than the direct call)
#include <string>
#include <vector>

#include "bench_util.h"

namespace pgx {
namespace bench {
namespace {

void set_overhead_columns(benchmark::State& state, double seconds, double base) {
  state.counters["base_ns"] = base * 1e9;
  state.counters["overhead_ns"] = (seconds - base) * 1e9;
  state.counters["vs_base"] = seconds > 0 ? base / seconds : 0.0;
}

// y[i] = 2 x[i] + 1 over a chunk: about a nanosecond per element.
struct Axpy {
  const float* x;
  float* y;
  void operator()(int64_t b, int64_t e) const {
    for (int64_t i = b; i < e; ++i) y[i] = 2.0f * x[i] + 1.0f;
  }
};

// parallel_for(n, cost_per_unit, axpy) on a pool of `threads`. With cost_per_unit = 1 small n
// stay inline (the cost model's answer); a huge cost_per_unit forces one chunk per element, so
// n = 2 measures a pure hand-off to a worker and back.
void BM_ParallelFor(benchmark::State& state, double cost_per_unit) {
  const int64_t n = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  ThreadPool pool(threads);
  std::vector<float> x(n, 1.0f), y(n);
  const std::function<void(int64_t, int64_t)> fn = Axpy{x.data(), y.data()};
  const double base = seconds_per_call([&] { fn(0, n); benchmark::ClobberMemory(); });

  LoopTimer timer;
  for (auto _ : state) {
    pool.parallel_for(n, cost_per_unit, fn);
    benchmark::ClobberMemory();
  }
  state.counters["chunks"] = static_cast<double>(pool.num_chunks(n, cost_per_unit));
  set_overhead_columns(state, timer.seconds_per_iteration(state), base);
}

BENCHMARK_CAPTURE(BM_ParallelFor, cost_model, 1.0)
    ->ArgsProduct({{1, 1000, 1 << 16, 1 << 22}, thread_counts()})
    ->ArgNames({"n", "threads"})
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_ParallelFor, forced_split, 1e7)
    ->ArgsProduct({{2, 64}, thread_counts()})
    ->ArgNames({"n", "threads"})
    ->UseRealTime();

// A parallel_for whose chunks each call parallel_for again: the inner calls run inline on the
// chunk's thread, so the total work is split once, never oversubscribing the pool.
void BM_ParallelForNested(benchmark::State& state) {
  const int64_t n = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  constexpr int64_t kOuter = 8;
  ThreadPool pool(threads);
  std::vector<float> x(n, 1.0f), y(n);
  const Axpy axpy{x.data(), y.data()};
  const int64_t part = n / kOuter;
  const std::function<void(int64_t, int64_t)> inner = axpy;
  const std::function<void(int64_t, int64_t)> outer = [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      pool.parallel_for(part, 1.0, [&, i](int64_t s, int64_t t) {
        inner(i * part + s, i * part + t);
      });
  };
  const double base = seconds_per_call([&] { axpy(0, n); benchmark::ClobberMemory(); });

  LoopTimer timer;
  for (auto _ : state) {
    pool.parallel_for(kOuter, static_cast<double>(part), outer);
    benchmark::ClobberMemory();
  }
  set_overhead_columns(state, timer.seconds_per_iteration(state), base);
}
BENCHMARK(BM_ParallelForNested)
    ->ArgsProduct({{1 << 16, 1 << 22}, thread_counts()})
    ->ArgNames({"n", "threads"})
    ->UseRealTime();

}  // namespace
}  // namespace bench
}  // namespace pgx
