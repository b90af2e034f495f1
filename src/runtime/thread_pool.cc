// Fixed worker pool and the cost-model parallel_for.
//
// A parallel_for call is a Job on the caller's stack, linked into the pool's list of open
// jobs; the caller and idle workers claim its chunks through one atomic counter, so whoever
// is free does the work and nothing is allocated. Scheduled tasks (std::function) wait in a
// ring buffer. A worker that runs out of work spins for a bounded time watching a counter
// bumped on every post (a hand-off then costs a cache-line transfer instead of a wake-up),
// then sleeps on a condition variable; posters only notify when no worker is spinning.
#include "pygraphx/thread_pool.h"

#include <algorithm>
#include <chrono>

namespace pgx {

namespace {
thread_local bool t_in_parallel = false;

// Work below this many cost units (~ns; kernels' estimates run 2-4x above real time) per
// chunk is not worth a hand-off. The hand-off itself is cheap, but a worker preempted while
// it holds a chunk makes the caller wait for the scheduler: on a loaded machine splitting the
// 5-ReLU graph's AddN of 5 x 10,000 floats in two (10,000 here) made a run 2-3x slower.
constexpr double kMinChunkCost = 30000.0;
// Chunks per thread at most: a few more chunks than threads let whoever is free balance the
// load when a worker starts late (the machine is shared, workers are preempted).
constexpr int64_t kMaxChunksPerThread = 4;
// How long an idle worker spins before it sleeps, and how long a parallel_for caller spins
// for its helpers to finish before it sleeps. Bounded: on a shared machine a spinning thread
// takes a core from someone else.
constexpr auto kWorkerSpin = std::chrono::microseconds(50);
constexpr auto kCallerSpin = std::chrono::microseconds(20);

struct RegionGuard {
  bool saved;
  RegionGuard() : saved(t_in_parallel) { t_in_parallel = true; }
  ~RegionGuard() { t_in_parallel = saved; }
};

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins until done() or the time limit; true when done() held.
template <typename Done>
bool spin_until(Done done, std::chrono::nanoseconds limit) {
  const auto start = std::chrono::steady_clock::now();
  for (uint32_t i = 1;; ++i) {
    if (done()) return true;
    cpu_relax();
    if ((i & 63) == 0 && std::chrono::steady_clock::now() - start > limit) return done();
  }
}
}  // namespace

// One parallel_for call. Workers attach (helpers + 1) only under the pool's mutex while the
// job is listed; once the caller has unlinked it, helpers only falls, and the caller returns
// (destroying the job) when it reaches zero.
struct ThreadPool::Job {
  Job(RangeFn f, int64_t n_, int64_t chunks_)
      : fn(f), n(n_), chunks(chunks_), step((n_ + chunks_ - 1) / chunks_) {}

  RangeFn fn;
  const int64_t n, chunks, step;
  std::atomic<int64_t> next{0};  // the next unclaimed chunk
  std::atomic<int> helpers{0};   // workers holding a pointer to this job
  std::atomic<bool> failed{false};
  std::exception_ptr error;      // written once, by whoever set `failed`
  Job* link = nullptr;           // the next open job
};

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
  if (num_threads > 1) tasks_.resize(16);
  for (int i = 1; i < num_threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    posted_.fetch_add(1, std::memory_order_release);
  }
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

ThreadPool::Job* ThreadPool::open_job_locked() const {
  for (Job* j = jobs_; j; j = j->link)
    if (j->next.load(std::memory_order_relaxed) < j->chunks) return j;
  return nullptr;
}

bool ThreadPool::has_work_locked() const { return task_count_ > 0 || open_job_locked(); }

void ThreadPool::post_locked(int helpers_wanted) {
  posted_.fetch_add(1, std::memory_order_release);
  // Spinning threads see the post by themselves; wake sleeping workers for the rest, and
  // lent threads (help_until) when the workers do not suffice.
  const int wake = helpers_wanted - spinning_.load(std::memory_order_relaxed);
  const int workers = std::min(wake, sleeping_);
  for (int i = 0; i < workers; ++i) work_cv_.notify_one();
  if (wake > workers && helpers_sleeping_ > 0) helper_cv_.notify_all();
}

void ThreadPool::run_chunks(Job& job) {
  RegionGuard g;  // a chunk's own parallel_for calls run inline
  for (;;) {
    const int64_t c = job.next.fetch_add(1, std::memory_order_relaxed);
    if (c >= job.chunks) return;
    if (job.failed.load(std::memory_order_relaxed)) continue;  // skip what is left
    const int64_t b = c * job.step, e = std::min(job.n, b + job.step);
    try {
      job.fn(b, e);
    } catch (...) {
      if (!job.failed.exchange(true, std::memory_order_acq_rel))
        job.error = std::current_exception();
    }
  }
}

void ThreadPool::leave(Job& job) {
  // Release: the chunks this worker ran happen before the caller's return. After the
  // decrement the job may be gone; only the pool's own members are touched.
  if (job.helpers.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    { std::lock_guard<std::mutex> lock(done_mu_); }
    done_cv_.notify_all();
  }
}

void ThreadPool::worker_loop() { serve(nullptr); }

void ThreadPool::help_until(const std::atomic<bool>& done) { serve(&done); }

void ThreadPool::wake_helpers() {
  // A spinning lent thread watches its flag itself. No bump of posted_: that would cut the
  // spin of idle workers short and send them to sleep with no work posted. The lock orders
  // this against a lent thread that checked its flag and is about to sleep.
  std::lock_guard<std::mutex> lock(mu_);
  if (helpers_sleeping_ > 0) helper_cv_.notify_all();
}

void ThreadPool::serve(const std::atomic<bool>* until) {
  auto released = [until] { return until && until->load(std::memory_order_acquire); };
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (released()) break;
    if (Job* job = open_job_locked()) {
      job->helpers.fetch_add(1, std::memory_order_relaxed);
      lock.unlock();
      run_chunks(*job);
      leave(*job);
      lock.lock();
      continue;
    }
    if (task_count_ > 0) {
      std::function<void()> task = std::move(tasks_[task_head_]);
      task_head_ = (task_head_ + 1) % tasks_.size();
      --task_count_;
      lock.unlock();
      task();
      task = nullptr;  // destroy the task's captures outside the lock
      lock.lock();
      continue;
    }
    if (!until && stopping_) return;
    const uint64_t seen = posted_.load(std::memory_order_acquire);
    lock.unlock();
    spinning_.fetch_add(1, std::memory_order_relaxed);
    spin_until([&] { return posted_.load(std::memory_order_acquire) != seen || released(); },
               kWorkerSpin);
    spinning_.fetch_sub(1, std::memory_order_relaxed);
    lock.lock();
    if (has_work_locked() || released() || (!until && stopping_)) continue;
    if (until) {
      ++helpers_sleeping_;
      helper_cv_.wait(lock);
      --helpers_sleeping_;
    } else {
      ++sleeping_;
      work_cv_.wait(lock);
      --sleeping_;
    }
  }
  // A lent thread leaving may have been the one a post counted on (spinning, or woken):
  // hand any open work on to a worker.
  if (has_work_locked() && sleeping_ > 0) work_cv_.notify_one();
}

void ThreadPool::schedule(std::function<void()> fn) {
  if (workers_.empty()) {
    fn();
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (task_count_ == tasks_.size()) {  // full: grow, keeping FIFO order
    std::vector<std::function<void()>> bigger(tasks_.size() * 2);
    for (size_t i = 0; i < task_count_; ++i)
      bigger[i] = std::move(tasks_[(task_head_ + i) % tasks_.size()]);
    tasks_.swap(bigger);
    task_head_ = 0;
  }
  tasks_[(task_head_ + task_count_) % tasks_.size()] = std::move(fn);
  ++task_count_;
  post_locked(1);
}

int64_t ThreadPool::num_chunks(int64_t n, double cost_per_unit) const {
  if (n <= 0) return 0;
  if (workers_.empty() || t_in_parallel) return 1;
  const double total = static_cast<double>(n) * std::max(cost_per_unit, 1e-3);
  const int64_t by_cost = static_cast<int64_t>(std::min(total / kMinChunkCost, 1e18));
  const int64_t wanted =
      std::max<int64_t>(1, std::min<int64_t>({by_cost, kMaxChunksPerThread * num_threads(), n}));
  // Equal runs of ceil(n / wanted) units; fewer chunks when that covers n sooner (no empty
  // chunk at the end).
  const int64_t step = (n + wanted - 1) / wanted;
  return (n + step - 1) / step;
}

void ThreadPool::parallel_for(int64_t n, double cost_per_unit, RangeFn fn) {
  if (n <= 0) return;
  const int64_t chunks = num_chunks(n, cost_per_unit);
  if (chunks <= 1) {
    fn(0, n);
    return;
  }
  Job job(fn, n, chunks);
  {
    std::lock_guard<std::mutex> lock(mu_);
    job.link = jobs_;
    jobs_ = &job;
    post_locked(static_cast<int>(std::min<int64_t>(chunks - 1, workers_.size())));
  }
  run_chunks(job);
  {  // Every chunk is claimed: unlink so that no further worker attaches.
    std::lock_guard<std::mutex> lock(mu_);
    Job** p = &jobs_;
    while (*p != &job) p = &(*p)->link;
    *p = job.link;
  }
  auto finished = [&] { return job.helpers.load(std::memory_order_acquire) == 0; };
  if (!spin_until(finished, kCallerSpin)) {
    std::unique_lock<std::mutex> lock(done_mu_);
    done_cv_.wait(lock, finished);
  }
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace pgx
