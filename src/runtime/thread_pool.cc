// Fixed worker pool (mutex, condition variable, FIFO queue) and the cost-model parallel_for.
#include "pygraphx/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <exception>

namespace pgx {

namespace {
thread_local bool t_in_parallel = false;

// Work below this many cost units (~ns) per chunk is not worth a hand-off: waking a sleeping
// worker through a condition variable costs several microseconds, more on a loaded machine.
constexpr double kMinChunkCost = 30000.0;

struct RegionGuard {
  bool saved;
  RegionGuard() : saved(t_in_parallel) { t_in_parallel = true; }
  ~RegionGuard() { t_in_parallel = saved; }
};
}  // namespace

int hardware_threads() {
  // hardware_concurrency() reads /sys on every call (glibc's get_nprocs); ask once.
  static const int n = [] {
    unsigned c = std::thread::hardware_concurrency();
    return c == 0 ? 1 : static_cast<int>(c);
  }();
  return n;
}

bool ThreadPool::in_parallel_region() { return t_in_parallel; }

ThreadPool::ThreadPool(int num_threads) {
  for (int i = 1; i < num_threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::worker_loop() {
  t_in_parallel = true;
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

void ThreadPool::schedule(std::function<void()> fn) {
  if (workers_.empty()) {
    RegionGuard g;
    fn();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(fn));
  }
  cv_.notify_one();
}

int64_t ThreadPool::num_chunks(int64_t n, double cost_per_unit) const {
  if (n <= 0) return 0;
  if (workers_.empty() || t_in_parallel) return 1;
  const double total = static_cast<double>(n) * std::max(cost_per_unit, 1e-3);
  int64_t by_cost = static_cast<int64_t>(total / kMinChunkCost);
  int64_t chunks = std::min<int64_t>({by_cost, static_cast<int64_t>(num_threads()), n});
  return std::max<int64_t>(chunks, 1);
}

void ThreadPool::parallel_for(int64_t n, double cost_per_unit,
                              const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  const int64_t chunks = num_chunks(n, cost_per_unit);
  if (chunks <= 1) {
    fn(0, n);
    return;
  }
  const int64_t step = (n + chunks - 1) / chunks;
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    int64_t left;
    std::exception_ptr error;
  } shared;
  shared.left = chunks - 1;
  for (int64_t c = 1; c < chunks; ++c) {
    const int64_t b = c * step, e = std::min(n, b + step);
    schedule([&shared, &fn, b, e] {
      std::exception_ptr err;
      try {
        if (b < e) fn(b, e);
      } catch (...) {
        err = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(shared.mu);
      if (err && !shared.error) shared.error = err;
      // Notify under the lock: the caller may destroy `shared` as soon as it sees left == 0.
      if (--shared.left == 0) shared.cv.notify_one();
    });
  }
  std::exception_ptr first;
  {
    RegionGuard g;
    try {
      fn(0, std::min(n, step));
    } catch (...) {
      first = std::current_exception();
    }
  }
  std::unique_lock<std::mutex> lock(shared.mu);
  shared.cv.wait(lock, [&] { return shared.left == 0; });
  if (first) std::rethrow_exception(first);
  if (shared.error) std::rethrow_exception(shared.error);
}

}  // namespace pgx
