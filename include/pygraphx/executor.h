// Execution plans and the run loop. A Plan is compiled once per (feeds, fetches, targets):
// pruned to what the fetches need, rewritten (graph_rewrite.h), ordered, with pending counts,
// consumer lists and buffer use counts; running it schedules ready nodes inline or on the
// inter-op pool. The per-run bookkeeping lives in a RunScratch that the plan keeps between
// runs, so a run allocates nothing but the tensors its kernels produce.
#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "pygraphx/graph.h"
#include "pygraphx/graph_rewrite.h"
#include "pygraphx/kernel.h"

namespace pgx {

class SessionState;
class ThreadPool;

struct RunScratch;

struct PlanNode {
  const Node* node = nullptr;      // a node of the user's graph or of Plan::owned
  OpKernel* kernel = nullptr;      // owned by the session's kernel cache or by Plan::owned
  std::vector<int32_t> in_slots;   // one per input; -1 for a ref (variable) input
  // One per input: the VariableV2 node whose value this input reads, else -1. As in TF, where
  // a variable's output is a reference dereferenced by its consumer, the value is read when
  // the consumer runs (so control dependencies on assignments are honoured), not when the
  // VariableV2 node runs.
  std::vector<int32_t> in_vars;
  int32_t out_slot = 0;            // first output slot; outputs are consecutive
  int32_t arg_offset = 0;          // its inputs, then its outputs, in RunScratch::args
  std::vector<int32_t> successors; // plan indices, each once
  int32_t num_predecessors = 0;
};

struct Plan {
  Plan();
  ~Plan();
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;

  const Graph* graph = nullptr;
  std::vector<PlanNode> nodes;  // topological order
  int32_t num_slots = 0;
  std::vector<int32_t> slot_uses;  // consumers per slot (+1 for fetched and fed slots)
  std::vector<int32_t> feed_slots;
  std::vector<PartialShape> feed_shapes;  // static shape of each fed endpoint
  std::vector<DType> feed_dtypes;
  std::vector<std::string> feed_names;   // "X:0", for messages
  std::vector<int32_t> fetch_slots;  // -1 for a fetched variable (see fetch_vars)
  // One per fetch: the VariableV2 node read at the end of the run when a variable itself is
  // fetched, else -1.
  std::vector<int32_t> fetch_vars;
  std::vector<int32_t> roots;  // plan indices with no predecessors
  bool has_parallelism = false;  // more than one node could be ready at once
  int32_t num_args = 0;          // input and output tensors of all nodes
  // Sorted ids of the VariableV2 nodes this plan may read or write (ref inputs, variable reads,
  // variable nodes): a run indexes its pending writes by position in this list.
  std::vector<int32_t> variables;
  // Nodes created by plan-time rewrites (folded constants...) and their kernels.
  std::vector<OwnedNode> owned;

  // A scratch for one run: the spare one kept from an earlier run, or a new one. Returned with
  // give_back_scratch, which keeps one for the next run (concurrent runs each get their own).
  std::unique_ptr<RunScratch> take_scratch() const;
  void give_back_scratch(std::unique_ptr<RunScratch> scratch) const;

 private:
  mutable std::atomic<RunScratch*> spare_{nullptr};
};

// Per-run storage sized for one plan, reused across runs: slot values, pending and use counts,
// the kernels' input and output tensors, this run's variable writes and the caller's
// scheduling stacks. Between runs every tensor in it is empty.
struct RunScratch {
  explicit RunScratch(const Plan& plan);
  // Drops every tensor still held (after a failed run, anything may be).
  void clear();

  std::vector<Tensor> slots;
  // Element count of each slot's value, written by whoever fills the slot (the producing node,
  // or the run for a feed) before the value is published, and never cleared: the scheduler
  // reads a ready node's input sizes here, because the slots themselves may be moved out or
  // released by other consumers at any moment.
  std::vector<int64_t> slot_elements;
  std::unique_ptr<std::atomic<int32_t>[]> pending;
  std::unique_ptr<std::atomic<int32_t>[]> uses;
  std::vector<Tensor> args;
  // Per entry of Plan::variables: the index of its pending write in `writes`, or -1.
  std::vector<int32_t> write_index;
  std::vector<std::pair<int32_t, Tensor>> writes;  // (variable id, value), in write order
  std::vector<int32_t> local;
  std::vector<int32_t> ready;
};

// Everything one run needs; lives on the caller's stack for the duration of Executor::run.
class RunState {
 public:
  RunState(const Plan& plan, RunScratch& scratch, SessionState& state, ThreadPool& intra,
           ThreadPool* inter);

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
  // Position of `var` in plan_.variables.
  size_t variable_index(int32_t var) const;

  RunScratch& s_;
  // Guards s_.writes and s_.write_index: this run's variable writes, committed to the session
  // only if the run succeeds.
  mutable std::mutex var_mu_;
  // Completion and first-error bookkeeping for parallel runs.
  std::atomic<int32_t> remaining_{0};
  std::atomic<bool> failed_{false};
  // Set by whichever thread completes the last node, which touches this RunState no more:
  // the caller may return as soon as it sees it.
  std::atomic<bool> done_{false};
  std::mutex error_mu_;  // guards error_ until done_
  std::exception_ptr error_;
};

class Executor {
 public:
  // Prunes `graph` to the nodes that `fetches` and `targets` need (fed endpoints cut the
  // graph), checks that no reached placeholder is unfed (InvalidArgument naming it), orders
  // the nodes, applies the rewrites `rewrite` enables (graph_rewrite.h; constant folding runs
  // kernels on `intra`) and takes kernels of graph nodes from `kernel_for`.
  static std::shared_ptr<Plan> compile(const Graph& graph, const std::vector<Endpoint>& feeds,
                                       const std::vector<Endpoint>& fetches,
                                       const std::vector<int32_t>& targets,
                                       const std::function<OpKernel*(const Node&)>& kernel_for,
                                       const RewriteOptions& rewrite, ThreadPool& intra);

  // Runs a plan. Feed values must match plan.feed_slots in order (checked: shape against the
  // static shape -> ValueError; dtype -> InvalidArgument). Returns fetched tensors in order.
  // On failure nothing is committed to `state` and the first error is rethrown with the node's
  // name and source line.
  static std::vector<Tensor> run(const Plan& plan, std::vector<Tensor> feed_values,
                                 SessionState& state, ThreadPool& intra, ThreadPool* inter);

 private:
  // Runs nodes from `local` (and those they make ready) on this thread until none is left;
  // `ready` is working storage.
  static void drain(RunState& rs, std::vector<int32_t>& local, std::vector<int32_t>& ready);
  // Splits newly ready nodes between this thread's `local` stack and the pool.
  static void dispatch(RunState& rs, const std::vector<int32_t>& ready,
                       std::vector<int32_t>& local);
  static void execute(RunState& rs, int32_t index);
};

}  // namespace pgx
