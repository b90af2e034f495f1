// Reduction kernels: sum, mean, product, max, min, all and any over any set of axes, and
// argmax/argmin over one axis. Results depend only on the input's shape and values, never on
// how many threads computed them.
#pragma once

#include <cstdint>
#include <vector>

#include "pygraphx/tensor.h"
#include "pygraphx/thread_pool.h"

namespace pgx {

enum class ReduceKind { kSum, kMean, kProd, kMax, kMin, kAll, kAny };

// Reduces `in` over `axes` (sorted, unique, each in [0, rank)) and returns a tensor of in's
// dtype and shape `out_shape` (whose element count is the product of the kept dimensions).
// Sum, mean and product accumulate float32 in double; float64 sums are pairwise. When nothing
// is actually reduced the result shares in's buffer.
Tensor reduce_tensor(ThreadPool& pool, const Tensor& in, const std::vector<int>& axes,
                     ReduceKind kind, const Dims& out_shape);

// Index of the largest (is_max) or smallest element along `axis` of `in`, written to `out`
// (int32 or int64, shape of `in` without `axis`). Ties pick the first index; NaN never wins
// unless every element is NaN (then 0), as in TF.
void arg_reduce(ThreadPool& pool, const Tensor& in, int axis, bool is_max, Tensor& out);

}  // namespace pgx
