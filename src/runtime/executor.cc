// Plan compilation (prune, placeholder check, ordering, slot and use-count assignment) and the
// run loop: sequential on the caller, or ready nodes shared between the caller and the pool.
#include "pygraphx/executor.h"

#include <algorithm>
#include <deque>
#include <new>

#include "pygraphx/op_registry.h"
#include "pygraphx/session.h"
#include "pygraphx/thread_pool.h"

namespace pgx {

namespace {

int64_t key_of(Endpoint e) { return (static_cast<int64_t>(e.node) << 32) | uint32_t(e.index); }

std::string endpoint_name(const Graph& g, Endpoint e) {
  return g.node(e.node).name + ":" + std::to_string(e.index);
}

// Whether data input k of `n` is a variable reference. Only the first 32 inputs can be (AddN
// and Concat may have many more).
bool is_ref_input(const Node& n, size_t k) {
  return k < 32 && (n.def->ref_inputs & (1u << k)) != 0;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Plan and its run scratch

Plan::Plan() = default;
Plan::~Plan() { delete spare_.load(std::memory_order_acquire); }

std::unique_ptr<RunScratch> Plan::take_scratch() const {
  RunScratch* s = spare_.exchange(nullptr, std::memory_order_acquire);
  if (s) return std::unique_ptr<RunScratch>(s);
  return std::make_unique<RunScratch>(*this);
}

void Plan::give_back_scratch(std::unique_ptr<RunScratch> scratch) const {
  RunScratch* expected = nullptr;
  if (spare_.compare_exchange_strong(expected, scratch.get(), std::memory_order_release))
    scratch.release();  // kept for the next run; otherwise another run's spare is kept
}

RunScratch::RunScratch(const Plan& plan)
    : slots(plan.num_slots),
      slot_elements(plan.num_slots, 0),
      pending(new std::atomic<int32_t>[plan.nodes.size()]),
      uses(new std::atomic<int32_t>[plan.num_slots]),
      args(plan.num_args),
      write_index(plan.variables.size(), -1) {
  writes.reserve(plan.variables.size());
}

void RunScratch::clear() {
  for (Tensor& t : slots) t = Tensor();
  for (Tensor& t : args) t = Tensor();
  for (auto& w : writes) w.second = Tensor();
  writes.clear();
  std::fill(write_index.begin(), write_index.end(), -1);
  local.clear();
  ready.clear();
}

// ---------------------------------------------------------------------------------------------
// RunState

RunState::RunState(const Plan& plan, RunScratch& scratch, SessionState& state, ThreadPool& intra,
                   ThreadPool* inter)
    : plan_(plan), state_(state), intra_(intra), inter_(inter), s_(scratch) {
  const size_t n = plan.nodes.size();
  for (size_t i = 0; i < n; ++i)
    s_.pending[i].store(plan.nodes[i].num_predecessors, std::memory_order_relaxed);
  for (int32_t s = 0; s < plan.num_slots; ++s)
    s_.uses[s].store(plan.slot_uses[s], std::memory_order_relaxed);
}

size_t RunState::variable_index(int32_t var) const {
  auto it = std::lower_bound(plan_.variables.begin(), plan_.variables.end(), var);
  if (it == plan_.variables.end() || *it != var)
    throw_internal("variable " + plan_.graph->node(var).name + " is not part of the plan");
  return static_cast<size_t>(it - plan_.variables.begin());
}

bool RunState::variable_initialized(int32_t var) const {
  const size_t v = variable_index(var);
  {
    std::lock_guard<std::mutex> lock(var_mu_);
    if (s_.write_index[v] >= 0) return true;
  }
  return state_.contains(var);
}

Tensor RunState::read_variable(int32_t var) const {
  const size_t v = variable_index(var);
  {
    std::lock_guard<std::mutex> lock(var_mu_);
    const int32_t w = s_.write_index[v];
    if (w >= 0) return s_.writes[w].second;
  }
  Tensor t;
  if (!state_.get(var, &t))
    throw OpError(Code::kFailedPrecondition,
                  "Attempting to use uninitialized value " + plan_.graph->node(var).name);
  return t;
}

void RunState::write_variable(int32_t var, Tensor value) {
  const size_t v = variable_index(var);
  std::lock_guard<std::mutex> lock(var_mu_);
  int32_t& w = s_.write_index[v];
  if (w >= 0) {
    s_.writes[w].second = std::move(value);
    return;
  }
  w = static_cast<int32_t>(s_.writes.size());
  s_.writes.emplace_back(var, std::move(value));
}

Tensor& OpKernelContext::allocate_output(int i, DType dtype, Dims shape) {
  outputs_[i] = Tensor(dtype, std::move(shape));
  return outputs_[i];
}

Tensor& OpKernelContext::forward_or_allocate(int i, int in, DType dtype, Dims shape) {
  Tensor& src = inputs_[in];
  if (src.is_exclusive() && src.dtype() == dtype && src.size() == num_elements(shape)) {
    outputs_[i] = src.reshaped(std::move(shape));
    return outputs_[i];
  }
  return allocate_output(i, dtype, std::move(shape));
}

ThreadPool& OpKernelContext::pool() const { return run_.intra_pool(); }
Tensor OpKernelContext::read_variable(int32_t var) const { return run_.read_variable(var); }
bool OpKernelContext::variable_initialized(int32_t var) const {
  return run_.variable_initialized(var);
}
void OpKernelContext::write_variable(int32_t var, Tensor value) {
  run_.write_variable(var, std::move(value));
}

// ---------------------------------------------------------------------------------------------
// Compilation

namespace {

// The needed graph nodes as a RewriteGraph in a topological order (Kahn, lowest id first:
// creation order is topological except for late control edges).
RewriteGraph describe(const Graph& graph, const std::vector<char>& needed,
                      const std::unordered_map<int64_t, int32_t>& fed,
                      const std::vector<Endpoint>& fetches,
                      const std::vector<int32_t>& targets) {
  std::vector<int32_t> ids;
  for (int32_t id = 0; id < graph.num_nodes(); ++id)
    if (needed[id]) ids.push_back(id);
  std::unordered_map<int32_t, int32_t> indegree;
  std::unordered_map<int32_t, std::vector<int32_t>> succ_ids;
  for (int32_t id : ids) {
    const Node& n = graph.node(id);
    std::vector<int32_t> preds;
    for (size_t k = 0; k < n.inputs.size(); ++k) {
      if (is_ref_input(n, k) || fed.count(key_of(n.inputs[k]))) continue;
      preds.push_back(n.inputs[k].node);
    }
    for (int32_t c : n.control_inputs) preds.push_back(c);
    std::sort(preds.begin(), preds.end());
    preds.erase(std::unique(preds.begin(), preds.end()), preds.end());
    indegree[id] = static_cast<int32_t>(preds.size());
    for (int32_t p : preds) succ_ids[p].push_back(id);
  }
  std::vector<int32_t> order;
  std::vector<int32_t> ready;
  for (int32_t id : ids)
    if (indegree[id] == 0) ready.push_back(id);
  std::make_heap(ready.begin(), ready.end(), std::greater<int32_t>());
  while (!ready.empty()) {
    std::pop_heap(ready.begin(), ready.end(), std::greater<int32_t>());
    const int32_t id = ready.back();
    ready.pop_back();
    order.push_back(id);
    for (int32_t s : succ_ids[id]) {
      if (--indegree[s] == 0) {
        ready.push_back(s);
        std::push_heap(ready.begin(), ready.end(), std::greater<int32_t>());
      }
    }
  }
  if (order.size() != ids.size())
    throw OpError(Code::kInvalidArgument, "the graph has a cycle among control dependencies");

  RewriteGraph g(graph);
  std::unordered_map<int32_t, int32_t> index_of;
  for (size_t i = 0; i < order.size(); ++i) index_of[order[i]] = static_cast<int32_t>(i);
  // A graph endpoint as seen by a consumer: the feed, a variable read, or a node output.
  auto input_of = [&](Endpoint e) {
    RewriteInput in;
    auto f = fed.find(key_of(e));
    if (f != fed.end()) {
      in.kind = RewriteInput::Kind::kFeed;
      in.source = f->second;
      return in;
    }
    in.kind = graph.node(e.node).type() == "VariableV2" ? RewriteInput::Kind::kVariable
                                                        : RewriteInput::Kind::kOutput;
    in.source = index_of.at(e.node);
    in.index = e.index;
    return in;
  };
  g.nodes.resize(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    const Node& n = graph.node(order[i]);
    RewriteNode& rn = g.nodes[i];
    rn.node = &n;
    for (size_t k = 0; k < n.inputs.size(); ++k) {
      if (is_ref_input(n, k)) {
        rn.inputs.push_back({RewriteInput::Kind::kRef, -1, 0});
        continue;
      }
      rn.inputs.push_back(input_of(n.inputs[k]));
    }
    for (int32_t c : n.control_inputs) rn.controls.push_back(index_of.at(c));
    std::sort(rn.controls.begin(), rn.controls.end());
    for (int j = 0; j < n.num_outputs() && !rn.fed_output; ++j)
      rn.fed_output = fed.count(key_of({n.id, j})) != 0;
  }
  for (const Endpoint& e : fetches) g.fetches.push_back(input_of(e));
  for (int32_t t : targets) g.targets.push_back(index_of.at(t));
  return g;
}

// The plan running the live nodes of `g`.
void lower(RewriteGraph& g, const std::vector<Endpoint>& feeds,
           const std::function<OpKernel*(const Node&)>& kernel_for, Plan& plan) {
  const Graph& graph = g.graph();
  // A VariableV2 node computes nothing (its consumers read the variable when they run), so
  // it gets no plan node: edges from it order nothing.
  std::vector<char> is_variable(g.nodes.size(), 0);
  std::vector<int32_t> plan_index(g.nodes.size(), -1);
  int32_t count = 0;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (g.nodes[i].removed) continue;
    is_variable[i] = g.nodes[i].node->type() == "VariableV2";
    if (!is_variable[i]) plan_index[i] = count++;
  }

  // Slots: outputs of each plan node, then one per feed.
  int32_t slot = 0;
  int32_t arg = 0;
  plan.nodes.resize(count);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (plan_index[i] < 0) continue;
    PlanNode& pn = plan.nodes[plan_index[i]];
    const Node& n = *g.nodes[i].node;
    pn.node = &n;
    pn.out_slot = slot;
    slot += n.num_outputs();
    pn.arg_offset = arg;
    arg += static_cast<int32_t>(g.nodes[i].inputs.size()) + n.num_outputs();
  }
  for (const Endpoint& e : feeds) {
    const Node& n = graph.node(e.node);
    plan.feed_slots.push_back(slot++);
    plan.feed_shapes.push_back(n.out_shapes[e.index]);
    plan.feed_dtypes.push_back(n.out_dtypes[e.index]);
    plan.feed_names.push_back(endpoint_name(graph, e));
  }
  plan.num_slots = slot;
  plan.num_args = arg;
  plan.slot_uses.assign(slot, 0);
  auto slot_of = [&](const RewriteInput& in) -> int32_t {
    if (in.kind == RewriteInput::Kind::kFeed) return plan.feed_slots[in.source];
    return plan.nodes[plan_index[in.source]].out_slot + in.index;
  };

  std::vector<int32_t> variables;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (plan_index[i] < 0) continue;
    const RewriteNode& rn = g.nodes[i];
    PlanNode& pn = plan.nodes[plan_index[i]];
    const Node& n = *rn.node;
    std::vector<int32_t> preds;
    for (int32_t c : rn.controls)
      if (!is_variable[c]) preds.push_back(c);
    for (size_t k = 0; k < rn.inputs.size(); ++k) {
      const RewriteInput& in = rn.inputs[k];
      switch (in.kind) {
        case RewriteInput::Kind::kRef:
          pn.in_slots.push_back(-1);
          pn.in_vars.push_back(-1);
          variables.push_back(n.inputs[k].node);
          break;
        case RewriteInput::Kind::kVariable:
          pn.in_slots.push_back(-1);
          pn.in_vars.push_back(g.nodes[in.source].node->id);
          variables.push_back(g.nodes[in.source].node->id);
          break;
        case RewriteInput::Kind::kFeed:
        case RewriteInput::Kind::kOutput: {
          const int32_t s = slot_of(in);
          pn.in_slots.push_back(s);
          pn.in_vars.push_back(-1);
          ++plan.slot_uses[s];
          if (in.kind == RewriteInput::Kind::kOutput) preds.push_back(in.source);
          break;
        }
      }
    }
    std::sort(preds.begin(), preds.end());
    preds.erase(std::unique(preds.begin(), preds.end()), preds.end());
    for (int32_t p : preds) {
      if (plan_index[p] < 0) throw_internal("a rewrite left " + n.name + " reading a removed node");
      plan.nodes[plan_index[p]].successors.push_back(plan_index[i]);
    }
    pn.kernel = rn.kernel ? rn.kernel : kernel_for(n);
  }
  for (PlanNode& pn : plan.nodes) {
    std::sort(pn.successors.begin(), pn.successors.end());
    for (int32_t s : pn.successors) ++plan.nodes[s].num_predecessors;
  }
  for (size_t i = 0; i < plan.nodes.size(); ++i)
    if (plan.nodes[i].num_predecessors == 0) plan.roots.push_back(static_cast<int32_t>(i));
  for (const RewriteInput& f : g.fetches) {
    if (f.kind == RewriteInput::Kind::kVariable) {  // read at the end of the run
      const int32_t var = g.nodes[f.source].node->id;
      plan.fetch_slots.push_back(-1);
      plan.fetch_vars.push_back(var);
      variables.push_back(var);
      continue;
    }
    const int32_t s = slot_of(f);
    plan.fetch_slots.push_back(s);
    ++plan.slot_uses[s];  // fetched values are never released nor forwarded
    plan.fetch_vars.push_back(-1);
  }
  for (int32_t s : plan.feed_slots) ++plan.slot_uses[s];
  std::sort(variables.begin(), variables.end());
  variables.erase(std::unique(variables.begin(), variables.end()), variables.end());
  plan.variables = std::move(variables);
  // Parallelism is possible when some node has two successors or there are two roots.
  plan.has_parallelism = plan.roots.size() > 1;
  for (const PlanNode& pn : plan.nodes)
    if (pn.successors.size() > 1) plan.has_parallelism = true;
  plan.owned = g.take_owned();
}

}  // namespace

std::shared_ptr<Plan> Executor::compile(const Graph& graph, const std::vector<Endpoint>& feeds,
                                        const std::vector<Endpoint>& fetches,
                                        const std::vector<int32_t>& targets,
                                        const std::function<OpKernel*(const Node&)>& kernel_for,
                                        const RewriteOptions& rewrite, ThreadPool& intra) {
  auto plan = std::make_shared<Plan>();
  plan->graph = &graph;
  std::unordered_map<int64_t, int32_t> fed;  // endpoint -> feed index
  for (size_t i = 0; i < feeds.size(); ++i) {
    const Node& n = graph.node(feeds[i].node);
    if (feeds[i].index < 0 || feeds[i].index >= n.num_outputs())
      throw ValueError("cannot feed " + n.name + ":" + std::to_string(feeds[i].index));
    if (!fed.emplace(key_of(feeds[i]), static_cast<int32_t>(i)).second)
      throw ValueError("tensor " + endpoint_name(graph, feeds[i]) + " is fed more than once");
  }

  // Prune: walk back from fetches and targets; fed endpoints cut the walk.
  std::vector<char> needed(graph.num_nodes(), 0);
  std::vector<int32_t> stack;
  auto require = [&](int32_t id) {
    if (!needed[id]) {
      needed[id] = 1;
      stack.push_back(id);
    }
  };
  for (const Endpoint& e : fetches) {
    const Node& n = graph.node(e.node);
    if (e.index < 0 || e.index >= n.num_outputs())
      throw ValueError("cannot fetch " + n.name + ":" + std::to_string(e.index));
    if (!fed.count(key_of(e))) require(e.node);
  }
  for (int32_t t : targets) require(graph.node(t).id);
  while (!stack.empty()) {
    const Node& n = graph.node(stack.back());
    stack.pop_back();
    for (size_t k = 0; k < n.inputs.size(); ++k) {
      if (is_ref_input(n, k)) continue;
      if (fed.count(key_of(n.inputs[k]))) continue;
      require(n.inputs[k].node);
    }
    for (int32_t c : n.control_inputs) require(c);
  }

  // A reached placeholder must be fed.
  for (int32_t id = 0; id < graph.num_nodes(); ++id) {
    if (!needed[id]) continue;
    const Node& n = graph.node(id);
    if (n.type() == "Placeholder")
      throw OpError(Code::kInvalidArgument,
                    "You must feed a value for placeholder tensor '" + n.name + "' with dtype " +
                        dtype_tf_name(n.out_dtypes[0]) + " and shape " +
                        n.out_shapes[0].bracket_str() + "\n\t [[node " + n.describe() + "]]",
                    n.name);
  }

  RewriteGraph g = describe(graph, needed, fed, fetches, targets);
  rewrite_for_plan(g, RewriteContext{rewrite, kernel_for, intra});
  lower(g, feeds, kernel_for, *plan);
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Running

void Executor::execute(RunState& rs, int32_t index) {
  const PlanNode& pn = rs.plan_.nodes[index];
  const Node& n = *pn.node;
  RunScratch& sc = rs.s_;
  const int num_inputs = static_cast<int>(pn.in_slots.size());
  const int num_outputs = n.num_outputs();
  Tensor* inputs = sc.args.data() + pn.arg_offset;
  Tensor* outputs = inputs + num_inputs;
  for (int k = 0; k < num_inputs; ++k) {
    const int32_t s = pn.in_slots[k];
    if (pn.in_vars[k] >= 0) {
      try {
        inputs[k] = rs.read_variable(pn.in_vars[k]);
      } catch (const OpError& e) {
        throw OpError(e.code(), std::string(e.what()) + "\n\t [[node " + n.describe() + "]]",
                      n.name);
      }
      continue;
    }
    if (s < 0) continue;
    // The last consumer (every other one has copied and counted down; acquire orders their
    // copies first) takes the value without copying its shape. Otherwise copy first, then
    // count down: the consumer that reaches zero releases the slot, so a kernel holding the
    // last reference may write into the buffer; acq_rel orders every other consumer's copy
    // before the release.
    if (sc.uses[s].load(std::memory_order_acquire) == 1) {
      inputs[k] = std::move(sc.slots[s]);
      sc.slots[s] = Tensor();
      sc.uses[s].store(0, std::memory_order_relaxed);
      continue;
    }
    inputs[k] = sc.slots[s];
    if (sc.uses[s].fetch_sub(1, std::memory_order_acq_rel) == 1) sc.slots[s] = Tensor();
  }
  try {
    OpKernelContext ctx(n, inputs, num_inputs, outputs, num_outputs, rs);
    pn.kernel->compute(ctx);
  } catch (const OpError& e) {
    if (!e.node().empty()) throw;
    throw OpError(e.code(), std::string(e.what()) + "\n\t [[node " + n.describe() + "]]", n.name);
  } catch (const ValueError& e) {
    throw OpError(Code::kInvalidArgument,
                  std::string(e.what()) + "\n\t [[node " + n.describe() + "]]", n.name);
  } catch (const TypeError& e) {
    throw OpError(Code::kInvalidArgument,
                  std::string(e.what()) + "\n\t [[node " + n.describe() + "]]", n.name);
  } catch (const std::bad_alloc&) {
    throw OpError(Code::kResourceExhausted, "OOM while running node " + n.describe(), n.name);
  }
  for (int k = 0; k < num_inputs; ++k) inputs[k] = Tensor();
  for (int j = 0; j < num_outputs; ++j) {
    Tensor& t = outputs[j];
    const int32_t s = pn.out_slot + j;
    if (!t.valid())
      throw OpError(Code::kInternal, "kernel produced no output " + std::to_string(j) +
                                         "\n\t [[node " + n.describe() + "]]", n.name);
    if (t.dtype() != n.out_dtypes[j] || !n.out_shapes[j].compatible_with(t.shape()))
      throw OpError(Code::kInternal,
                    std::string("kernel output ") + std::to_string(j) + " is " +
                        dtype_name(t.dtype()) + dims_str(t.shape()) + ", expected " +
                        dtype_name(n.out_dtypes[j]) + n.out_shapes[j].str() + "\n\t [[node " +
                        n.describe() + "]]", n.name);
    sc.slot_elements[s] = t.size();
    if (rs.plan_.slot_uses[s] > 0)
      sc.slots[s] = std::move(t);
    t = Tensor();
  }
}

void Executor::dispatch(RunState& rs, const std::vector<int32_t>& ready,
                        std::vector<int32_t>& local) {
  // Cheap nodes stay on this thread; expensive ones go to the pool, except the last ready node,
  // which this thread keeps for itself instead of paying a queue round trip.
  ThreadPool* pool = rs.inter_;
  for (size_t r = 0; r < ready.size(); ++r) {
    const int32_t s = ready[r];
    bool hand_off = false;
    if (r + 1 < ready.size() && pool && pool->num_threads() > 1) {
      // Sizes from slot_elements, never from the slots: another consumer of the same value,
      // already running, may be moving it out of its slot or releasing it right now. Each
      // entry was written by a predecessor of `s` (or before the run, for feeds) and the
      // acq_rel countdown of pending[s] that made `s` ready orders that write before this read.
      int64_t elems = 0;
      for (int32_t slot : rs.plan_.nodes[s].in_slots)
        if (slot >= 0) elems += rs.s_.slot_elements[slot];
      hand_off = rs.plan_.nodes[s].kernel->expensive(elems);
    }
    if (hand_off) {
      pool->schedule([&rs, s] {
        std::vector<int32_t> local{s};
        std::vector<int32_t> ready;
        drain(rs, local, ready);
      });
    } else {
      local.push_back(s);
    }
  }
}

void Executor::drain(RunState& rs, std::vector<int32_t>& local, std::vector<int32_t>& ready) {
  while (!local.empty()) {
    const int32_t i = local.back();
    local.pop_back();
    if (!rs.failed_.load(std::memory_order_acquire)) {
      try {
        execute(rs, i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(rs.error_mu_);
        if (!rs.error_) rs.error_ = std::current_exception();
        rs.failed_.store(true, std::memory_order_release);
      }
    }
    ready.clear();
    for (int32_t s : rs.plan_.nodes[i].successors)
      // acq_rel: the successor's runner must see every predecessor's slot writes.
      if (rs.s_.pending[s].fetch_sub(1, std::memory_order_acq_rel) == 1) ready.push_back(s);
    dispatch(rs, ready, local);
    // acq_rel: the caller, woken by the last decrement, must see every node's effects.
    if (rs.remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // The caller returns (destroying `rs`, which lives on its stack) as soon as it sees
      // done_, so take what is needed from `rs` first and touch only the pool afterwards.
      ThreadPool* pool = rs.inter_;
      rs.done_.store(true, std::memory_order_release);
      pool->wake_helpers();
      return;
    }
  }
}

namespace {

// Lends a plan's scratch to one run and gives it back emptied, whatever way the run ends.
class ScratchLease {
 public:
  explicit ScratchLease(const Plan& plan) : plan_(plan), scratch_(plan.take_scratch()) {}
  ~ScratchLease() {
    if (!clean_) scratch_->clear();
    plan_.give_back_scratch(std::move(scratch_));
  }
  RunScratch& operator*() const { return *scratch_; }
  // After a successful run only fed and fetched slots still hold values (every other slot
  // was released by its last consumer) and the writes were committed.
  void finish_clean() {
    for (int32_t s : plan_.feed_slots) scratch_->slots[s] = Tensor();
    for (int32_t s : plan_.fetch_slots)
      if (s >= 0) scratch_->slots[s] = Tensor();
    for (const auto& w : scratch_->writes)
      scratch_->write_index[std::lower_bound(plan_.variables.begin(), plan_.variables.end(),
                                             w.first) - plan_.variables.begin()] = -1;
    scratch_->writes.clear();
    clean_ = true;
  }

 private:
  const Plan& plan_;
  std::unique_ptr<RunScratch> scratch_;
  bool clean_ = false;
};

}  // namespace

std::vector<Tensor> Executor::run(const Plan& plan, std::vector<Tensor> feed_values,
                                  SessionState& state, ThreadPool& intra, ThreadPool* inter) {
  if (feed_values.size() != plan.feed_slots.size())
    throw_internal("feed count does not match the plan");
  ScratchLease scratch(plan);
  RunState rs(plan, *scratch, state, intra, inter);
  for (size_t i = 0; i < feed_values.size(); ++i) {
    Tensor& v = feed_values[i];
    if (!plan.feed_shapes[i].compatible_with(v.shape()))
      throw ValueError("Cannot feed value of shape " + dims_str(v.shape()) + " for Tensor '" +
                       plan.feed_names[i] + "', which has shape '" + plan.feed_shapes[i].str() +
                       "'");
    if (v.dtype() != plan.feed_dtypes[i])
      throw OpError(Code::kInvalidArgument,
                    std::string("Cannot feed a value of dtype ") + dtype_name(v.dtype()) +
                        " for Tensor '" + plan.feed_names[i] + "' of dtype " +
                        dtype_name(plan.feed_dtypes[i]));
    (*scratch).slot_elements[plan.feed_slots[i]] = v.size();
    (*scratch).slots[plan.feed_slots[i]] = std::move(v);
  }
  const int32_t n = static_cast<int32_t>(plan.nodes.size());
  const bool parallel = inter && inter->num_threads() > 1 && plan.has_parallelism;
  if (!parallel) {
    for (int32_t i = 0; i < n; ++i) execute(rs, i);
  } else if (n > 0) {
    rs.remaining_.store(n, std::memory_order_relaxed);
    std::vector<int32_t>& local = (*scratch).local;
    std::vector<int32_t>& ready = (*scratch).ready;
    dispatch(rs, plan.roots, local);
    drain(rs, local, ready);
    // Until the last node is done, this thread works for the pool: it runs ready nodes
    // queued there and helps with the chunks of nodes running on workers.
    inter->help_until(rs.done_);
    if (rs.error_) std::rethrow_exception(rs.error_);
  }
  std::vector<Tensor> out;
  out.reserve(plan.fetch_slots.size());
  for (size_t i = 0; i < plan.fetch_slots.size(); ++i) {
    const int32_t var = plan.fetch_vars[i];
    if (var < 0) {
      out.push_back((*scratch).slots[plan.fetch_slots[i]]);
      continue;
    }
    // A fetched variable: its value at the end of the run (this run's writes included).
    try {
      out.push_back(rs.read_variable(var));
    } catch (const OpError& e) {
      const Node& vn = plan.graph->node(var);
      throw OpError(e.code(), std::string(e.what()) + "\n\t [[node " + vn.describe() + "]]",
                    vn.name);
    }
  }
  state.commit((*scratch).writes);
  scratch.finish_clean();
  return out;
}

}  // namespace pgx
