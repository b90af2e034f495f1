// Double buffering for kernels that replace variable values every run (the optimizer updates).
//
// An update writes the new value of a variable into a buffer nobody else can see and the run
// commits it; the value it replaced is then garbage unless someone still holds it (a concurrent
// run that read it, a NumPy array returned by a fetch, the overlay of a run that failed). The
// kernel keeps the replaced value here; on a later run, when the kept tensor is the only
// reference left to its buffer, the update writes into that buffer instead of allocating a new
// one. Allocating (and page-faulting) megabytes per variable per step is then avoided, and a
// buffer is only ever written while no one else can read it.
#pragma once

#include <atomic>
#include <mutex>
#include <vector>

#include "pygraphx/tensor.h"

namespace pgx {

class RetiredBuffers {
 public:
  explicit RetiredBuffers(int slots) : kept_(slots) {}

  // A tensor of `dtype` and `shape` for slot i: the kept one when this object holds the only
  // reference to its buffer, else a fresh allocation. Contents are unspecified.
  Tensor take(int i, DType dtype, const Dims& shape) {
    Tensor kept;
    {
      std::lock_guard<std::mutex> lock(mu_);
      kept = std::move(kept_[i]);
    }
    if (kept.valid() && kept.is_exclusive() && kept.dtype() == dtype &&
        kept.size() == num_elements(shape)) {
      // The previous holders released the buffer (their shared_ptr decrements are
      // acq_rel); order their last reads before this kernel's writes.
      std::atomic_thread_fence(std::memory_order_acquire);
      return kept.reshaped(shape);
    }
    return Tensor(dtype, shape);
  }

  // Keeps `old` (a value this kernel has just replaced) for slot i, dropping what was kept.
  void retire(int i, Tensor old) {
    std::lock_guard<std::mutex> lock(mu_);
    kept_[i] = std::move(old);
  }

 private:
  std::mutex mu_;
  std::vector<Tensor> kept_;
};

}  // namespace pgx
