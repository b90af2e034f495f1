// A fixed pool of worker threads and a cost-model parallel_for in which the calling thread
// works too. parallel_for calls nested in a chunk run inline, so a pool is never
// oversubscribed.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace pgx {

// A non-owning reference to a callable taking (begin, end): what parallel_for runs. Binding
// one never allocates; the callable must outlive the reference (a lambda passed straight to
// parallel_for lives until the call returns).
class RangeFn {
 public:
  template <typename F,
            typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, RangeFn>>>
  RangeFn(F&& f)  // NOLINT: implicit, so that parallel_for(n, cost, [&](...) {...}) works
      : obj_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* obj, int64_t b, int64_t e) {
          (*static_cast<std::remove_reference_t<F>*>(obj))(b, e);
        }) {}

  void operator()(int64_t b, int64_t e) const { call_(obj_, b, e); }

 private:
  void* obj_;
  void (*call_)(void*, int64_t, int64_t);
};

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

  // Calls fn(begin, end) over the disjoint chunks of [0, n) that num_chunks(n, cost_per_unit)
  // gives: equal runs of ceil(n / chunks) units in order, so the chunk boundaries depend only
  // on n, the cost and the pool's width. The caller and any idle workers claim chunks one at
  // a time until none are left, so a worker that is busy or slow to wake never holds the
  // caller up. Inline when small, single-threaded, or already inside a parallel region. The
  // first exception thrown by a chunk is rethrown here once every started chunk has finished;
  // chunks not yet started when it was thrown are skipped. Allocates nothing.
  void parallel_for(int64_t n, double cost_per_unit, RangeFn fn);

  // The number of chunks parallel_for uses for this work (for deterministic reductions that
  // combine per-chunk partials in chunk order): each chunk costs at least ~30 µs
  // (cost_per_unit is in nanoseconds-ish units), at most 4 chunks per thread.
  int64_t num_chunks(int64_t n, double cost_per_unit) const;

  // Lends the calling thread, which must not be one of this pool's workers, to the pool until
  // `done` is set: it claims chunks of open parallel_for calls and runs scheduled tasks like a
  // worker, and sleeps when there are none. Whoever sets `done` must then call wake_helpers().
  void help_until(const std::atomic<bool>& done);
  void wake_helpers();

  // True on a thread that is currently running a parallel_for chunk: its own parallel_for
  // calls run inline. (A scheduled task's calls split like anyone else's.)
  static bool in_parallel_region();

 private:
  struct Job;

  void worker_loop();
  // The loop of a worker (until == nullptr: until the pool stops) or of a lent thread.
  void serve(const std::atomic<bool>* until);
  Job* open_job_locked() const;
  bool has_work_locked() const;
  void post_locked(int helpers_wanted);
  static void run_chunks(Job& job);
  void leave(Job& job);

  std::vector<std::thread> workers_;

  // Guards everything below except the atomics.
  std::mutex mu_;
  std::condition_variable work_cv_;  // idle workers block here once their spin runs out
  Job* jobs_ = nullptr;              // parallel_for calls that may still have chunks to claim
  std::vector<std::function<void()>> tasks_;  // scheduled tasks: a ring buffer
  size_t task_head_ = 0, task_count_ = 0;
  int sleeping_ = 0;
  std::condition_variable helper_cv_;  // lent threads (help_until) sleep here
  int helpers_sleeping_ = 0;
  bool stopping_ = false;

  std::atomic<uint64_t> posted_{0};  // bumped on every post: what spinning workers watch
  std::atomic<int> spinning_{0};     // workers spinning for new work

  // A parallel_for caller whose helpers are still running blocks here.
  std::mutex done_mu_;
  std::condition_variable done_cv_;
};

// Machine cores (at least 1).
int hardware_threads();

}  // namespace pgx
