// Execution plans and the run loop. A Plan is compiled once per (feeds, fetches, targets):
// pruned to what the fetches need, ordered, with pending counts, consumer lists and buffer
// use counts; running it schedules ready nodes inline or on the inter-op pool.
#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "pygraphx/graph.h"
#include "pygraphx/kernel.h"

namespace pgx {

class SessionState;
class ThreadPool;

struct PlanNode {
  const Node* node = nullptr;
  OpKernel* kernel = nullptr;      // owned by the session's kernel cache
  std::vector<int32_t> in_slots;   // one per input; -1 for a ref (variable) input
  // One per input: the VariableV2 node whose value this input reads, else -1. As in TF, where
  // a variable's output is a reference dereferenced by its consumer, the value is read when
  // the consumer runs (so control dependencies on assignments are honoured), not when the
  // VariableV2 node runs.
  std::vector<int32_t> in_vars;
  bool is_variable = false;        // a VariableV2 node: produces nothing itself
  int32_t out_slot = 0;            // first output slot; outputs are consecutive
  std::vector<int32_t> successors; // plan indices, each once
  int32_t num_predecessors = 0;
};

struct Plan {
  const Graph* graph = nullptr;
  std::vector<PlanNode> nodes;  // topological order
  int32_t num_slots = 0;
  std::vector<int32_t> slot_uses;  // consumers per slot (+1 for fetched and fed slots)
  std::vector<int32_t> feed_slots;
  std::vector<PartialShape> feed_shapes;  // static shape of each fed endpoint
  std::vector<DType> feed_dtypes;
  std::vector<std::string> feed_names;   // "X:0", for messages
  std::vector<int32_t> fetch_slots;
  // One per fetch: the VariableV2 node read at the end of the run when a variable itself is
  // fetched, else -1.
  std::vector<int32_t> fetch_vars;
  std::vector<int32_t> roots;  // plan indices with no predecessors
  bool has_parallelism = false;  // more than one node could be ready at once
};

// Everything one run needs; lives on the caller's stack for the duration of Executor::run.
class RunState {
 public:
  RunState(const Plan& plan, SessionState& state, ThreadPool& intra, ThreadPool* inter);

  Tensor read_variable(int32_t var) const;
  bool variable_initialized(int32_t var) const;
  void write_variable(int32_t var, Tensor value);
  ThreadPool& intra_pool() const { return intra_; }

 private:
  friend class Executor;
  const Plan& plan_;
  SessionState& state_;
  ThreadPool& intra_;
  ThreadPool* inter_;
  std::vector<Tensor> slots_;
  std::unique_ptr<std::atomic<int32_t>[]> pending_;
  std::unique_ptr<std::atomic<int32_t>[]> uses_;
  // Variable writes of this run, committed to the session only if the run succeeds.
  mutable std::mutex var_mu_;
  std::unordered_map<int32_t, Tensor> var_writes_;
  // Completion and first-error bookkeeping for parallel runs.
  std::atomic<int32_t> remaining_{0};
  std::atomic<bool> failed_{false};
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  // Set (under done_mu_) by whichever thread completes the last node; the caller waits for
  // it, so no thread touches this RunState after the caller may return.
  bool done_ = false;
  std::exception_ptr error_;
};

class Executor {
 public:
  // Prunes `graph` to the nodes that `fetches` and `targets` need (fed endpoints cut the
  // graph), checks that no reached placeholder is unfed (InvalidArgument naming it), orders
  // the nodes and takes kernels from `kernels` (creating missing ones with `make_kernel`).
  static std::shared_ptr<Plan> compile(const Graph& graph, const std::vector<Endpoint>& feeds,
                                       const std::vector<Endpoint>& fetches,
                                       const std::vector<int32_t>& targets,
                                       const std::function<OpKernel*(const Node&)>& kernel_for);

  // Runs a plan. Feed values must match plan.feed_slots in order (checked: shape against the
  // static shape -> ValueError; dtype -> InvalidArgument). Returns fetched tensors in order.
  // On failure nothing is committed to `state` and the first error is rethrown with the node's
  // name and source line.
  static std::vector<Tensor> run(const Plan& plan, std::vector<Tensor> feed_values,
                                 SessionState& state, ThreadPool& intra, ThreadPool* inter);

 private:
  // Runs nodes from `local` (and those they make ready) on this thread until none is left.
  static void drain(RunState& rs, std::vector<int32_t> local);
  // Splits newly ready nodes between this thread's `local` stack and the pool.
  static void dispatch(RunState& rs, const std::vector<int32_t>& ready,
                       std::vector<int32_t>& local);
  static void execute(RunState& rs, int32_t index);
};

}  // namespace pgx
