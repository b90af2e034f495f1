// A fixed pool of worker threads and a cost-model parallel_for in which the calling thread
// works too. Nested parallel_for calls run inline, so a pool is never oversubscribed.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pgx {

class ThreadPool {
 public:
  // `num_threads` is the total parallelism including the caller: num_threads - 1 workers are
  // started. num_threads <= 1 means everything runs inline on the caller.
  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs `fn` on a worker (inline when there are no workers). fn must not throw.
  void schedule(std::function<void()> fn);

  // Calls fn(begin, end) over disjoint chunks covering [0, n). Chunks are large enough that
  // each costs at least ~10 µs (cost_per_unit is in nanoseconds-ish units); the caller runs
  // the first chunk. Inline when small, single-threaded, or already inside a parallel region.
  // The first exception thrown by any chunk is rethrown here after all chunks finish.
  void parallel_for(int64_t n, double cost_per_unit,
                    const std::function<void(int64_t, int64_t)>& fn);

  // The number of chunks parallel_for would use for this work (for deterministic reductions
  // that combine per-chunk partials in chunk order).
  int64_t num_chunks(int64_t n, double cost_per_unit) const;

  // True on a thread that is currently running a parallel_for chunk or a scheduled task.
  static bool in_parallel_region();

 private:
  void worker_loop();

  std::vector<std::thread> workers_;
  std::deque<std::function<void()>> queue_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

// Machine cores (at least 1).
int hardware_threads();

}  // namespace pgx
