// Session: kernel cache, plan cache, pools and per-session variable values.
#include "pygraphx/session.h"

#include "pygraphx/op_registry.h"

namespace pgx {

bool SessionState::get(int32_t var, Tensor* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = values_.find(var);
  if (it == values_.end()) return false;
  *out = it->second;
  return true;
}

bool SessionState::contains(int32_t var) const {
  std::lock_guard<std::mutex> lock(mu_);
  return values_.count(var) != 0;
}

void SessionState::commit(std::vector<std::pair<int32_t, Tensor>>& writes) {
  if (writes.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& kv : writes) values_[kv.first] = std::move(kv.second);
}

void SessionState::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  values_.clear();
}

namespace {
int resolve_threads(int requested) { return requested > 0 ? requested : hardware_threads(); }
}  // namespace

Session::Session(std::shared_ptr<Graph> graph, SessionOptions options)
    : graph_(std::move(graph)),
      rewrite_(options.rewrite),
      intra_(resolve_threads(options.intra_op_threads)) {
  const int inter = resolve_threads(options.inter_op_threads);
  // One pool serves both roles unless the configuration asks for different sizes; nodes that
  // run on a pool worker run their parallel_for inline, so the machine is never oversubscribed.
  if (inter != intra_.num_threads()) inter_ = std::make_unique<ThreadPool>(inter);
}

Session::~Session() = default;

OpKernel* Session::kernel_for(const Node& node) {
  auto it = kernels_.find(node.id);
  if (it != kernels_.end()) return it->second.get();
  if (!node.def->kernel)
    throw OpError(Code::kUnimplemented, "no kernel for op " + node.type(), node.name);
  auto k = node.def->kernel(node);
  OpKernel* raw = k.get();
  kernels_.emplace(node.id, std::move(k));
  return raw;
}

std::shared_ptr<Plan> Session::prepare(const std::vector<Endpoint>& feeds,
                                       const std::vector<Endpoint>& fetches,
                                       const std::vector<int32_t>& targets) {
  if (closed()) throw RuntimeError("Attempted to use a closed Session.");
  std::string key;
  auto put = [&key](int64_t v) { key.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(static_cast<int64_t>(graph_->mutation_version()));
  put(static_cast<int64_t>(feeds.size()));
  for (const Endpoint& e : feeds) put((int64_t(e.node) << 32) | uint32_t(e.index));
  put(static_cast<int64_t>(fetches.size()));
  for (const Endpoint& e : fetches) put((int64_t(e.node) << 32) | uint32_t(e.index));
  for (int32_t t : targets) put(t);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = plans_.find(key);
  if (it != plans_.end()) return it->second;
  auto plan = Executor::compile(*graph_, feeds, fetches, targets,
                                [this](const Node& n) { return kernel_for(n); }, rewrite_,
                                intra_);
  plans_.emplace(std::move(key), plan);
  return plan;
}

std::vector<Tensor> Session::run(const Plan& plan, std::vector<Tensor> feed_values) {
  std::shared_lock<std::shared_mutex> running(run_mu_);
  if (closed()) throw RuntimeError("Attempted to use a closed Session.");
  ThreadPool* inter = inter_ ? inter_.get() : &intra_;
  return Executor::run(plan, std::move(feed_values), state_, intra_, inter);
}

void Session::close() {
  std::unique_lock<std::shared_mutex> no_runs(run_mu_);
  std::lock_guard<std::mutex> lock(mu_);
  closed_.store(true, std::memory_order_release);
  plans_.clear();
  kernels_.clear();
  state_.clear();
}

}  // namespace pgx
