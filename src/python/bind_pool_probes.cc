// pygraphx._core.pool_probes: small fixed C++ workloads run on a fresh ThreadPool so that the
// tests can check parallel_for's contract (coverage, deterministic chunks, inline nesting,
// exceptions, concurrent callers), the draining of scheduled tasks and a caller lent to the
// pool. Not public API.
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bindings.h"
#include "pygraphx/status.h"
#include "pygraphx/thread_pool.h"

namespace pgx::py_bind {

namespace {

using Ranges = std::vector<std::pair<int64_t, int64_t>>;

// The (begin, end) ranges fn was called with, in order of begin.
Ranges chunk_ranges(int threads, int64_t n, double cost) {
  ThreadPool pool(threads);
  std::mutex mu;
  Ranges seen;
  pool.parallel_for(n, cost, [&](int64_t b, int64_t e) {
    std::lock_guard<std::mutex> lock(mu);
    seen.emplace_back(b, e);
  });
  std::sort(seen.begin(), seen.end());
  return seen;
}

// Chunks containing one of `failing` throw InvalidArgument naming the index. Returns how many
// chunks were still running when parallel_for returned or threw (must be 0).
int64_t run_with_failures(int threads, int64_t n, double cost, std::vector<int64_t> failing) {
  ThreadPool pool(threads);
  std::atomic<int64_t> running{0};
  try {
    pool.parallel_for(n, cost, [&](int64_t b, int64_t e) {
      running.fetch_add(1);
      // Long enough that chunks overlap when several threads work.
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      for (int64_t f : failing)
        if (f >= b && f < e) {
          running.fetch_sub(1);
          throw_invalid("chunk failed at index " + std::to_string(f));
        }
      running.fetch_sub(1);
    });
  } catch (...) {
    if (running.load() != 0) throw_internal("a chunk was still running after the rethrow");
    throw;
  }
  return running.load();
}

// An outer parallel_for whose chunks each call parallel_for again: returns, per outer chunk,
// how many times the inner function was called (1 when nested calls run inline).
std::vector<int64_t> nested_inner_calls(int threads) {
  ThreadPool pool(threads);
  constexpr int64_t kOuter = 8;
  std::vector<int64_t> calls(kOuter, 0);
  pool.parallel_for(kOuter, 1e6, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      pool.parallel_for(1000, 1e6, [&](int64_t, int64_t) { ++calls[i]; });
  });
  return calls;
}

// `callers` threads call parallel_for on one pool at the same time, `rounds` times each;
// returns the number of elements not visited exactly once (0 when correct).
int64_t concurrent_callers(int threads, int callers, int rounds) {
  ThreadPool pool(threads);
  std::atomic<int64_t> wrong{0};
  std::vector<std::thread> ts;
  for (int c = 0; c < callers; ++c)
    ts.emplace_back([&, c] {
      for (int r = 0; r < rounds; ++r) {
        const int64_t n = 1 + (c * 7919 + r * 104729) % 257;
        std::vector<std::atomic<int>> hits(n);
        pool.parallel_for(n, 1e5, [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) hits[i].fetch_add(1);
        });
        for (auto& h : hits)
          if (h.load() != 1) wrong.fetch_add(1);
      }
    });
  for (auto& t : ts) t.join();
  return wrong.load();
}

// Schedules `count` tasks, destroys the pool (which drains them) and returns how many ran.
int64_t scheduled_tasks_run(int threads, int count) {
  std::atomic<int64_t> ran{0};
  {
    ThreadPool pool(threads);
    for (int i = 0; i < count; ++i) pool.schedule([&] { ran.fetch_add(1); });
  }
  return ran.load();
}

// A task scheduled on the pool calls parallel_for while the calling thread lends itself to the
// pool (help_until) until the task is done. Each chunk waits (up to 10 s, when the pool has a
// worker) until a second thread has joined in. Returns {chunks run by the thread running the
// task, chunks run by another thread, chunks that never saw a second thread, 1 when the lent
// caller took part (ran the task or a chunk)}.
std::vector<int64_t> lent_caller_helps_a_task(int threads) {
  ThreadPool pool(threads);
  const auto caller = std::this_thread::get_id();
  std::atomic<bool> done{false}, caller_took_part{false};
  std::atomic<int64_t> by_task{0}, by_other{0}, lonely{0};
  std::atomic<bool> task_joined{false}, other_joined{false};
  pool.schedule([&] {
    const auto task_thread = std::this_thread::get_id();
    if (task_thread == caller) caller_took_part.store(true);
    pool.parallel_for(8, 1e6, [&](int64_t b, int64_t e) {
      const bool mine = std::this_thread::get_id() == task_thread;
      if (std::this_thread::get_id() == caller) caller_took_part.store(true);
      (mine ? task_joined : other_joined).store(true);
      const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (pool.num_threads() > 1 && !(task_joined.load() && other_joined.load()) &&
             std::chrono::steady_clock::now() < limit)
        std::this_thread::yield();
      if (!(task_joined.load() && other_joined.load())) lonely.fetch_add(e - b);
      (mine ? by_task : by_other).fetch_add(e - b);
    });
    done.store(true);
    pool.wake_helpers();
  });
  pool.help_until(done);
  return {by_task.load(), by_other.load(), lonely.load(), caller_took_part.load() ? 1 : 0};
}

}  // namespace

void bind_pool_probes(py::module_& m) {
  py::module_ p = m.def_submodule("pool_probes", "parallel_for contract checks (tests only)");
  const auto release = py::call_guard<py::gil_scoped_release>();
  p.def("num_chunks", [](int threads, int64_t n, double cost) {
    return ThreadPool(threads).num_chunks(n, cost);
  }, release);
  p.def("chunk_ranges", &chunk_ranges, release);
  p.def("run_with_failures", &run_with_failures, release);
  p.def("nested_inner_calls", &nested_inner_calls, release);
  p.def("concurrent_callers", &concurrent_callers, release);
  p.def("scheduled_tasks_run", &scheduled_tasks_run, release);
  p.def("lent_caller_helps_a_task", &lent_caller_helps_a_task, release);
}

}  // namespace pgx::py_bind
