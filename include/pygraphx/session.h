// A session: one graph, its own variable values, its kernels, its thread pools and its cache
// of execution plans.
#pragma once

#include <cstdint>
#include <memory>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pygraphx/executor.h"
#include "pygraphx/graph.h"
#include "pygraphx/thread_pool.h"

namespace pgx {

// Per-session variable values. Reads and commits are guarded by one mutex; a value Tensor is
// never mutated after commit (writers replace it), so readers may hold it without the lock.
class SessionState {
 public:
  bool get(int32_t var, Tensor* out) const;
  bool contains(int32_t var) const;
  // Stores each (variable, value) pair, moving the values out.
  void commit(std::vector<std::pair<int32_t, Tensor>>& writes);
  void clear();

 private:
  mutable std::mutex mu_;
  std::unordered_map<int32_t, Tensor> values_;
};

struct SessionOptions {
  int intra_op_threads = 0;  // 0: every core
  int inter_op_threads = 0;  // 0: every core
  RewriteOptions rewrite;    // plan-time graph rewrites (all on by default)
};

class Session {
 public:
  Session(std::shared_ptr<Graph> graph, SessionOptions options);
  ~Session();

  // Compiled (and cached) plan for this signature.
  std::shared_ptr<Plan> prepare(const std::vector<Endpoint>& feeds,
                                const std::vector<Endpoint>& fetches,
                                const std::vector<int32_t>& targets);
  std::vector<Tensor> run(const Plan& plan, std::vector<Tensor> feed_values);

  // Waits for runs in flight, then frees variable values, kernels and plans. Must be called
  // without holding anything a run may need (the bindings release the GIL).
  void close();
  bool closed() const { return closed_.load(std::memory_order_acquire); }
  const Graph& graph() const { return *graph_; }
  SessionState& state() { return state_; }
  int intra_op_threads() const { return intra_.num_threads(); }
  int inter_op_threads() const { return inter_ ? inter_->num_threads() : intra_.num_threads(); }

 private:
  OpKernel* kernel_for(const Node& node);

  std::shared_ptr<Graph> graph_;
  RewriteOptions rewrite_;
  SessionState state_;
  ThreadPool intra_;
  std::unique_ptr<ThreadPool> inter_;
  std::mutex mu_;  // guards kernels_ and plans_
  // Runs hold it shared; close() takes it exclusively, so it waits for runs in flight before
  // freeing the kernels and plans they use.
  std::shared_mutex run_mu_;
  std::unordered_map<int32_t, std::unique_ptr<OpKernel>> kernels_;
  std::unordered_map<std::string, std::shared_ptr<Plan>> plans_;
  std::atomic<bool> closed_{false};
};

}  // namespace pgx
