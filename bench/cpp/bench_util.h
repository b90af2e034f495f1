// Shared pieces of the microbenchmarks: running one op's kernel directly (no executor), filled
// tensors, small graph builders and the timing of baselines that each benchmark prints next to
// its own figure.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pygraphx/executor.h"
#include "pygraphx/graph.h"
#include "pygraphx/kernel.h"
#include "pygraphx/session.h"
#include "pygraphx/tensor.h"
#include "pygraphx/thread_pool.h"

namespace pgx {
namespace bench {

// A float32 tensor of `shape` filled with reproducible values in [-1, 1).
Tensor random_tensor(const Dims& shape, uint32_t seed = 1);
// Product of the dimensions.
int64_t num_elements_of(const Dims& shape);

// Adds a Const node holding `value` (the graph keeps a reference to its buffer).
Endpoint add_const(Graph& g, const std::string& name, const Tensor& value);
// Adds a float32 Placeholder of static shape `shape` (-1 for unknown dimensions).
Endpoint add_placeholder(Graph& g, const std::string& name, const Dims& shape);
// Adds a node of `type` with the given data inputs and attributes; returns output 0.
Endpoint add_op(Graph& g, const std::string& type, const std::string& name,
                std::vector<Endpoint> inputs, Attrs attrs = Attrs());

// One op's kernel called directly through the kernel interface, as the executor calls it but
// without a plan: the inputs are Const nodes whose buffers this object also holds, so the
// kernel never writes into them and allocates its output on every call.
class KernelHarness {
 public:
  KernelHarness(const std::string& op, std::vector<Tensor> inputs, int threads,
                Attrs attrs = Attrs());
  ~KernelHarness();

  void run();
  const Tensor& output() const { return outputs_[0]; }
  int threads() const { return pool_.num_threads(); }

 private:
  std::shared_ptr<Graph> graph_;
  const Node* node_ = nullptr;
  std::unique_ptr<OpKernel> kernel_;
  Plan plan_;
  SessionState state_;
  ThreadPool pool_;
  std::unique_ptr<RunScratch> scratch_;
  std::unique_ptr<RunState> run_state_;
  std::vector<Tensor> inputs_;
  std::vector<Tensor> outputs_;
};

// Wall-clock seconds per call of `fn`: the median of five batches, each long enough (about
// 5 ms) that the clock's resolution does not matter. Used for baselines measured inside a
// benchmark, just before its own loop, so that they print as a column of the same row and see
// the same machine load.
template <typename F>
double seconds_per_call(const F& fn) {
  using clock = std::chrono::steady_clock;
  fn();  // warm caches and page in buffers
  int64_t calls = 1;
  for (;;) {
    const auto t0 = clock::now();
    for (int64_t i = 0; i < calls; ++i) fn();
    const double s = std::chrono::duration<double>(clock::now() - t0).count();
    if (s > 5e-3 || calls > (int64_t{1} << 30)) break;
    calls *= (s < 5e-4) ? 10 : 2;
  }
  std::vector<double> batches;
  for (int r = 0; r < 5; ++r) {
    const auto t0 = clock::now();
    for (int64_t i = 0; i < calls; ++i) fn();
    batches.push_back(std::chrono::duration<double>(clock::now() - t0).count() / calls);
  }
  std::nth_element(batches.begin(), batches.begin() + 2, batches.end());
  return batches[2];
}

// Times the benchmark's own loop on the wall clock, so that rates and the ratio to a baseline
// come from the same measurement as the row's Time column (benchmarks use UseRealTime()).
class LoopTimer {
 public:
  LoopTimer() : t0_(std::chrono::steady_clock::now()) {}
  // Wall-clock seconds per iteration of `state`'s loop since construction.
  double seconds_per_iteration(const benchmark::State& state) const {
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    return state.iterations() > 0 ? s / static_cast<double>(state.iterations()) : 0.0;
  }

 private:
  std::chrono::steady_clock::time_point t0_;
};

// Sets the row's rate columns: `unit` (work per second of pygraphx), "base_" + unit (work per
// second of the baseline, omitted when base_seconds <= 0) and "vs_base" (how many times
// faster than the baseline pygraphx ran).
void set_rate_columns(benchmark::State& state, const char* unit, double work_per_iteration,
                      double seconds_per_iteration, double base_seconds);

// The thread counts benchmarks are run with: 1 and every core (once when the machine has one).
std::vector<int64_t> thread_counts();

}  // namespace bench
}  // namespace pgx
