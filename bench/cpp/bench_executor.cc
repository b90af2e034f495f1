// Executor overhead: sessions running small graphs through Session::prepare/run, as the Python
// layer does but without Python. Columns:
//   ns/node        wall time per run divided by the graph's computing nodes
//   base_ns/node   the same nodes' kernels called directly, one after another (chain), or a
//                  plain C++ loop computing the same result (five ReLUs)
//   vs_base        base time / pygraphx time (below 1: what the executor costs on top)
// Plans are prepared once; rows named prepare_each_call look the plan up on every call too.
#include <string>
#include <vector>

#include "bench_util.h"

namespace pgx {
namespace bench {
namespace {

void set_node_columns(benchmark::State& state, double seconds, double base, int64_t nodes) {
  state.counters["nodes"] = static_cast<double>(nodes);
  state.counters["ns/node"] = seconds * 1e9 / nodes;
  if (base > 0) {
    state.counters["base_ns/node"] = base * 1e9 / nodes;
    state.counters["vs_base"] = seconds > 0 ? base / seconds : 0.0;
  }
}

SessionOptions threads_option(int threads) {
  SessionOptions o;
  o.intra_op_threads = threads;
  o.inter_op_threads = threads;
  return o;
}

// x fed with one float; a_1 = x + x, a_i = a_{i-1} + x; fetch a_N. Nothing can run in
// parallel, so this is the per-node cost of the run loop (plan-time rewrites, if any, included).
void BM_AddChain(benchmark::State& state) {
  const int64_t n = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  auto g = std::make_shared<Graph>();
  const Endpoint x = add_placeholder(*g, "x", {1});
  Endpoint a = x;
  for (int64_t i = 0; i < n; ++i) a = add_op(*g, "Add", "add", {a, x});
  Session sess(g, threads_option(threads));
  const std::shared_ptr<Plan> plan = sess.prepare({x}, {a}, {});
  const Tensor feed = random_tensor({1}, 7);

  KernelHarness add("Add", {random_tensor({1}, 8), random_tensor({1}, 9)}, 1);
  const double base_per_node =
      seconds_per_call([&] { add.run(); benchmark::ClobberMemory(); });

  LoopTimer timer;
  for (auto _ : state) {
    std::vector<Tensor> out = sess.run(*plan, {feed});
    benchmark::DoNotOptimize(out[0].raw());
  }
  set_node_columns(state, timer.seconds_per_iteration(state), base_per_node * n, n);
}
BENCHMARK(BM_AddChain)
    ->ArgsProduct({{1, 10, 100, 1000}, thread_counts()})
    ->ArgNames({"nodes", "threads"})
    ->UseRealTime();

// The seed's five ReLUs with constants for the variables: X [rows, 3] fed; per ReLU
// max(X W_i + b_i, threshold) (MatMul, Add, Maximum); AddN of the five.
constexpr int64_t kFeatures = 3;
constexpr int kRelus = 5;

struct FiveRelus {
  std::shared_ptr<Graph> graph = std::make_shared<Graph>();
  Endpoint x, out;
  std::vector<Tensor> w, b;
  float threshold = 0.0f;
  int64_t nodes = 0;  // computing nodes (constants and the placeholder excluded)

  FiveRelus() {
    Graph& g = *graph;
    x = add_placeholder(g, "X", {-1, kFeatures});
    const Endpoint t = add_const(g, "relu/threshold", Tensor::scalar<float>(threshold));
    std::vector<Endpoint> relus;
    for (int i = 0; i < kRelus; ++i) {
      w.push_back(random_tensor({kFeatures, 1}, 10 + i));
      b.push_back(Tensor::scalar<float>(0.1f * i));
      const Endpoint wi = add_const(g, "relu/weights", w.back());
      const Endpoint bi = add_const(g, "relu/bias", b.back());
      const Endpoint mm = add_op(g, "MatMul", "relu/MatMul", {x, wi});
      const Endpoint z = add_op(g, "Add", "relu/z", {mm, bi});
      relus.push_back(add_op(g, "Maximum", "relu/max", {z, t}));
    }
    out = add_op(g, "AddN", "output", relus);
    nodes = 3 * kRelus + 1;
  }

  // The same computation as a plain loop.
  void reference(const float* xs, int64_t rows, float* o) const {
    for (int64_t r = 0; r < rows; ++r) {
      float acc = 0.0f;
      for (int i = 0; i < kRelus; ++i) {
        const float* wi = w[i].data<float>();
        float z = *b[i].data<float>();
        for (int64_t f = 0; f < kFeatures; ++f) z += xs[r * kFeatures + f] * wi[f];
        acc += z > threshold ? z : threshold;
      }
      o[r] = acc;
    }
  }
};

void BM_FiveRelus(benchmark::State& state, bool prepare_each_call) {
  const int64_t rows = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  FiveRelus model;
  Session sess(model.graph, threads_option(threads));
  std::shared_ptr<Plan> plan = sess.prepare({model.x}, {model.out}, {});
  const Tensor feed = random_tensor({rows, kFeatures}, 20);

  std::vector<float> ref(rows);
  const double base = seconds_per_call([&] {
    model.reference(feed.data<float>(), rows, ref.data());
    benchmark::ClobberMemory();
  });

  LoopTimer timer;
  for (auto _ : state) {
    if (prepare_each_call) plan = sess.prepare({model.x}, {model.out}, {});
    std::vector<Tensor> out = sess.run(*plan, {feed});
    benchmark::DoNotOptimize(out[0].raw());
  }
  set_node_columns(state, timer.seconds_per_iteration(state), base, model.nodes);
}
BENCHMARK_CAPTURE(BM_FiveRelus, run, false)
    ->ArgsProduct({{1, 10000}, thread_counts()})
    ->ArgNames({"rows", "threads"})
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_FiveRelus, prepare_each_call, true)
    ->ArgsProduct({{1}, thread_counts()})
    ->ArgNames({"rows", "threads"})
    ->UseRealTime();

// One scalar constant fetched: the fixed cost of a run, the floor under sess.run in Python.
void BM_ScalarConst(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  auto g = std::make_shared<Graph>();
  const Endpoint c = add_const(*g, "Const", Tensor::scalar<float>(1.0f));
  Session sess(g, threads_option(threads));
  const std::shared_ptr<Plan> plan = sess.prepare({}, {c}, {});
  Attrs value;
  value.set("dtype", DType::kFloat32);
  value.set("value", Tensor::scalar<float>(1.0f));
  KernelHarness direct("Const", {}, 1, value);  // the kernel alone: shares the value's buffer
  const double base =
      seconds_per_call([&] { direct.run(); benchmark::ClobberMemory(); });

  LoopTimer timer;
  for (auto _ : state) {
    std::vector<Tensor> out = sess.run(*plan, {});
    benchmark::DoNotOptimize(out[0].raw());
  }
  set_node_columns(state, timer.seconds_per_iteration(state), base, 1);
}
BENCHMARK(BM_ScalarConst)->ArgsProduct({thread_counts()})->ArgNames({"threads"})->UseRealTime();

}  // namespace
}  // namespace bench
}  // namespace pgx
