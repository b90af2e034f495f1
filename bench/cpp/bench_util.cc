#include "bench_util.h"

#include <random>
#include <utility>

#include "pygraphx/op_registry.h"

namespace pgx {
namespace bench {

Tensor random_tensor(const Dims& shape, uint32_t seed) {
  Tensor t(DType::kFloat32, shape);
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  float* p = t.data<float>();
  for (int64_t i = 0; i < t.size(); ++i) p[i] = dist(gen);
  return t;
}

int64_t num_elements_of(const Dims& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

Endpoint add_op(Graph& g, const std::string& type, const std::string& name,
                std::vector<Endpoint> inputs, Attrs attrs) {
  register_all_ops();
  const int32_t id = g.add_node(type, g.unique_name(name), std::move(inputs), {},
                                std::move(attrs), "bench");
  return Endpoint{id, 0};
}

Endpoint add_const(Graph& g, const std::string& name, const Tensor& value) {
  Attrs a;
  a.set("dtype", value.dtype());
  a.set("value", value);
  return add_op(g, "Const", name, {}, std::move(a));
}

Endpoint add_placeholder(Graph& g, const std::string& name, const Dims& shape) {
  Attrs a;
  a.set("dtype", DType::kFloat32);
  a.set("shape", PartialShape(shape));
  return add_op(g, "Placeholder", name, {}, std::move(a));
}

KernelHarness::KernelHarness(const std::string& op, std::vector<Tensor> inputs, int threads,
                             Attrs attrs)
    : graph_(std::make_shared<Graph>()), pool_(threads), inputs_(std::move(inputs)) {
  std::vector<Endpoint> ins;
  for (size_t i = 0; i < inputs_.size(); ++i)
    ins.push_back(add_const(*graph_, "input" + std::to_string(i), inputs_[i]));
  node_ = &graph_->node(add_op(*graph_, op, op, std::move(ins), std::move(attrs)).node);
  kernel_ = node_->def->kernel(*node_);
  plan_.graph = graph_.get();
  scratch_ = std::make_unique<RunScratch>(plan_);
  run_state_ = std::make_unique<RunState>(plan_, *scratch_, state_, pool_, nullptr);
  outputs_.resize(node_->num_outputs());
}

KernelHarness::~KernelHarness() = default;

void KernelHarness::run() {
  OpKernelContext ctx(*node_, inputs_, outputs_, *run_state_);
  kernel_->compute(ctx);
}

void set_rate_columns(benchmark::State& state, const char* unit, double work_per_iteration,
                      double seconds_per_iteration, double base_seconds) {
  if (seconds_per_iteration <= 0) return;
  const double rate = work_per_iteration / seconds_per_iteration;
  state.counters[unit] = rate;
  if (base_seconds > 0) {
    state.counters[std::string("base_") + unit] = work_per_iteration / base_seconds;
    state.counters["vs_base"] = base_seconds / seconds_per_iteration;
  }
}

std::vector<int64_t> thread_counts() {
  const int n = hardware_threads();
  if (n <= 1) return {1};
  return {1, n};
}

}  // namespace bench
}  // namespace pgx
