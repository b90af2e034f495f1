// Plan compilation (prune, placeholder check, ordering, slot and use-count assignment) and the
// run loop: sequential on the caller, or ready nodes shared between the caller and the pool.
#include "pygraphx/executor.h"

#include <algorithm>
#include <deque>
#include <map>
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

}  // namespace

// ---------------------------------------------------------------------------------------------
// RunState

RunState::RunState(const Plan& plan, SessionState& state, ThreadPool& intra, ThreadPool* inter)
    : plan_(plan), state_(state), intra_(intra), inter_(inter), slots_(plan.num_slots) {
  const size_t n = plan.nodes.size();
  pending_.reset(new std::atomic<int32_t>[n]);
  for (size_t i = 0; i < n; ++i)
    pending_[i].store(plan.nodes[i].num_predecessors, std::memory_order_relaxed);
  uses_.reset(new std::atomic<int32_t>[plan.num_slots]);
  for (int32_t s = 0; s < plan.num_slots; ++s)
    uses_[s].store(plan.slot_uses[s], std::memory_order_relaxed);
}

bool RunState::variable_initialized(int32_t var) const {
  {
    std::lock_guard<std::mutex> lock(var_mu_);
    if (var_writes_.count(var)) return true;
  }
  return state_.contains(var);
}

Tensor RunState::read_variable(int32_t var) const {
  {
    std::lock_guard<std::mutex> lock(var_mu_);
    auto it = var_writes_.find(var);
    if (it != var_writes_.end()) return it->second;
  }
  Tensor t;
  if (!state_.get(var, &t))
    throw OpError(Code::kFailedPrecondition,
                  "Attempting to use uninitialized value " + plan_.graph->node(var).name);
  return t;
}

void RunState::write_variable(int32_t var, Tensor value) {
  std::lock_guard<std::mutex> lock(var_mu_);
  var_writes_[var] = std::move(value);
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

std::shared_ptr<Plan> Executor::compile(const Graph& graph, const std::vector<Endpoint>& feeds,
                                        const std::vector<Endpoint>& fetches,
                                        const std::vector<int32_t>& targets,
                                        const std::function<OpKernel*(const Node&)>& kernel_for) {
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
      if (n.def->ref_inputs & (1u << k)) continue;
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

  // Order (Kahn, lowest id first: creation order is topological except for late control edges).
  std::unordered_map<int32_t, int32_t> index_of;
  std::vector<int32_t> ids;
  for (int32_t id = 0; id < graph.num_nodes(); ++id)
    if (needed[id]) ids.push_back(id);
  std::unordered_map<int32_t, int32_t> indegree;
  std::map<int32_t, std::vector<int32_t>> succ_ids;
  for (int32_t id : ids) {
    const Node& n = graph.node(id);
    std::vector<int32_t> preds;
    for (size_t k = 0; k < n.inputs.size(); ++k) {
      if (n.def->ref_inputs & (1u << k)) continue;
      if (fed.count(key_of(n.inputs[k]))) continue;
      preds.push_back(n.inputs[k].node);
    }
    for (int32_t c : n.control_inputs) preds.push_back(c);
    std::sort(preds.begin(), preds.end());
    preds.erase(std::unique(preds.begin(), preds.end()), preds.end());
    indegree[id] = static_cast<int32_t>(preds.size());
    for (int32_t p : preds) succ_ids[p].push_back(id);
  }
  std::vector<int32_t> order;
  {
    std::vector<int32_t> ready;
    for (int32_t id : ids)
      if (indegree[id] == 0) ready.push_back(id);
    std::make_heap(ready.begin(), ready.end(), std::greater<int32_t>());
    while (!ready.empty()) {
      std::pop_heap(ready.begin(), ready.end(), std::greater<int32_t>());
      int32_t id = ready.back();
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
  }

  // Slots: outputs of each plan node, then one per feed.
  int32_t slot = 0;
  plan->nodes.resize(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    const Node& n = graph.node(order[i]);
    index_of[n.id] = static_cast<int32_t>(i);
    plan->nodes[i].node = &n;
    plan->nodes[i].out_slot = slot;
    slot += n.num_outputs();
  }
  for (const Endpoint& e : feeds) {
    const Node& n = graph.node(e.node);
    plan->feed_slots.push_back(slot++);
    plan->feed_shapes.push_back(n.out_shapes[e.index]);
    plan->feed_dtypes.push_back(n.out_dtypes[e.index]);
    plan->feed_names.push_back(endpoint_name(graph, e));
  }
  plan->num_slots = slot;
  plan->slot_uses.assign(slot, 0);
  auto slot_of = [&](Endpoint e) -> int32_t {
    auto f = fed.find(key_of(e));
    if (f != fed.end()) return plan->feed_slots[f->second];
    return plan->nodes[index_of.at(e.node)].out_slot + e.index;
  };

  for (size_t i = 0; i < order.size(); ++i) {
    PlanNode& pn = plan->nodes[i];
    const Node& n = *pn.node;
    pn.is_variable = n.type() == "VariableV2";
    for (size_t k = 0; k < n.inputs.size(); ++k) {
      if (n.def->ref_inputs & (1u << k)) {
        pn.in_slots.push_back(-1);
        pn.in_vars.push_back(-1);
        continue;
      }
      const Endpoint& src = n.inputs[k];
      if (!fed.count(key_of(src)) && graph.node(src.node).type() == "VariableV2") {
        pn.in_slots.push_back(-1);
        pn.in_vars.push_back(src.node);
        continue;
      }
      int32_t s = slot_of(src);
      pn.in_slots.push_back(s);
      pn.in_vars.push_back(-1);
      ++plan->slot_uses[s];
    }
    for (int32_t s : succ_ids[n.id]) pn.successors.push_back(index_of.at(s));
    pn.num_predecessors = 0;
    pn.kernel = kernel_for(n);
  }
  for (size_t i = 0; i < order.size(); ++i)
    for (int32_t s : plan->nodes[i].successors) ++plan->nodes[s].num_predecessors;
  for (size_t i = 0; i < order.size(); ++i)
    if (plan->nodes[i].num_predecessors == 0) plan->roots.push_back(static_cast<int32_t>(i));
  for (const Endpoint& e : fetches) {
    int32_t s = slot_of(e);
    plan->fetch_slots.push_back(s);
    ++plan->slot_uses[s];  // fetched values are never released nor forwarded
    const bool var = !fed.count(key_of(e)) && graph.node(e.node).type() == "VariableV2";
    plan->fetch_vars.push_back(var ? e.node : -1);
  }
  for (int32_t s : plan->feed_slots) ++plan->slot_uses[s];
  // Parallelism is possible when some node has two successors or there are two roots.
  plan->has_parallelism = plan->roots.size() > 1;
  for (const PlanNode& pn : plan->nodes)
    if (pn.successors.size() > 1) plan->has_parallelism = true;
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Running

void Executor::execute(RunState& rs, int32_t index) {
  const PlanNode& pn = rs.plan_.nodes[index];
  const Node& n = *pn.node;
  if (pn.is_variable) return;  // consumers read the value when they run (see in_vars)
  std::vector<Tensor> inputs(pn.in_slots.size());
  for (size_t k = 0; k < pn.in_slots.size(); ++k) {
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
    inputs[k] = rs.slots_[s];
    // Copy first, then count down: the consumer that reaches zero releases the slot, so a
    // kernel holding the last reference may write into the buffer. acq_rel orders every other
    // consumer's copy before the release.
    if (rs.uses_[s].fetch_sub(1, std::memory_order_acq_rel) == 1) rs.slots_[s] = Tensor();
  }
  std::vector<Tensor> outputs(n.num_outputs());
  try {
    OpKernelContext ctx(n, inputs, outputs, rs);
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
  inputs.clear();
  for (int j = 0; j < n.num_outputs(); ++j) {
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
    if (rs.plan_.slot_uses[s] > 0) rs.slots_[s] = std::move(t);
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
      int64_t elems = 0;
      for (int32_t slot : rs.plan_.nodes[s].in_slots)
        if (slot >= 0 && rs.slots_[slot].valid()) elems += rs.slots_[slot].size();
      hand_off = rs.plan_.nodes[s].kernel->expensive(elems);
    }
    if (hand_off)
      pool->schedule([&rs, s] { drain(rs, {s}); });
    else
      local.push_back(s);
  }
}

void Executor::drain(RunState& rs, std::vector<int32_t> local) {
  std::vector<int32_t> ready;
  while (!local.empty()) {
    const int32_t i = local.back();
    local.pop_back();
    if (!rs.failed_.load(std::memory_order_acquire)) {
      try {
        execute(rs, i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(rs.done_mu_);
        if (!rs.error_) rs.error_ = std::current_exception();
        rs.failed_.store(true, std::memory_order_release);
      }
    }
    ready.clear();
    for (int32_t s : rs.plan_.nodes[i].successors)
      // acq_rel: the successor's runner must see every predecessor's slot writes.
      if (rs.pending_[s].fetch_sub(1, std::memory_order_acq_rel) == 1) ready.push_back(s);
    dispatch(rs, ready, local);
    // acq_rel: the caller, woken by the last decrement, must see every node's effects.
    if (rs.remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // Signal through done_ under the lock, not through remaining_: a caller that saw
      // remaining_ == 0 between our decrement and our lock would return and destroy `rs`
      // (it lives on the caller's stack) before we lock done_mu_ (stack-use-after-return).
      // After this unlock the worker no longer touches `rs`.
      std::lock_guard<std::mutex> lock(rs.done_mu_);
      rs.done_ = true;
      rs.done_cv_.notify_all();
    }
  }
}

std::vector<Tensor> Executor::run(const Plan& plan, std::vector<Tensor> feed_values,
                                  SessionState& state, ThreadPool& intra, ThreadPool* inter) {
  if (feed_values.size() != plan.feed_slots.size())
    throw_internal("feed count does not match the plan");
  RunState rs(plan, state, intra, inter);
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
    rs.slots_[plan.feed_slots[i]] = std::move(v);
  }
  const int32_t n = static_cast<int32_t>(plan.nodes.size());
  const bool parallel = inter && inter->num_threads() > 1 && plan.has_parallelism;
  if (!parallel) {
    for (int32_t i = 0; i < n; ++i) execute(rs, i);
  } else if (n > 0) {
    rs.remaining_.store(n, std::memory_order_relaxed);
    std::vector<int32_t> local;
    dispatch(rs, plan.roots, local);
    drain(rs, std::move(local));
    std::unique_lock<std::mutex> lock(rs.done_mu_);
    rs.done_cv_.wait(lock, [&] { return rs.done_; });
    if (rs.error_) std::rethrow_exception(rs.error_);
  }
  std::vector<Tensor> out;
  out.reserve(plan.fetch_slots.size());
  for (size_t i = 0; i < plan.fetch_slots.size(); ++i) {
    const int32_t var = plan.fetch_vars[i];
    if (var < 0) {
      out.push_back(rs.slots_[plan.fetch_slots[i]]);
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
  state.commit(rs.var_writes_);
  return out;
}

}  // namespace pgx
