// UnsortedSegmentSum: rows of `data` added into the output row named by their segment id.
// Threads split the row width (not the rows), so no two threads ever add into one element and
// the summation order, hence the result, does not depend on the thread count.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/grad_kernels.h"
#include "ops/shape_helpers.h"
#include "pygraphx/status.h"
#include "pygraphx/thread_pool.h"

namespace pgx {

void unsorted_segment_sum_kernel(OpKernelContext& ctx) {
  const Tensor& data = ctx.input(0);
  const Tensor& ids_t = ctx.input(1);
  const Tensor& num_t = ctx.input(2);
  if (num_t.size() != 1)
    throw_invalid("num_segments should be a scalar, got shape " + dims_bracket(num_t.shape()));
  const int64_t num = index_at(num_t, 0);
  if (num < 0) throw_invalid("num_segments must be non-negative, got " + std::to_string(num));
  const int ir = ids_t.rank();
  bool prefix = ir <= data.rank();
  for (int i = 0; prefix && i < ir; ++i) prefix = ids_t.dim(i) == data.dim(i);
  if (!prefix)
    throw_invalid("data.shape = " + dims_bracket(data.shape()) +
                  " does not start with segment_ids.shape = " + dims_bracket(ids_t.shape()));
  const std::vector<int64_t> ids = read_index_vector(ids_t.reshaped({ids_t.size()}));
  for (size_t k = 0; k < ids.size(); ++k)
    if (ids[k] >= num)
      throw_invalid("segment_ids[" + std::to_string(k) + "] = " + std::to_string(ids[k]) +
                    " is out of range [0, " + std::to_string(num) + ")");
  Dims out_dims{num};
  out_dims.insert(out_dims.end(), data.shape().begin() + ir, data.shape().end());
  Tensor& out = ctx.allocate_output(0, data.dtype(), out_dims);
  const int64_t width = num_elements(Dims(data.shape().begin() + ir, data.shape().end()));
  const int64_t rows = static_cast<int64_t>(ids.size());
  visit_numeric(data.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* in = data.data<T>();
    T* o = out.data<T>();
    std::fill(o, o + out.size(), T(0));
    if (width == 0 || rows == 0) return;
    auto columns = [&](int64_t c0, int64_t c1) {
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t k = ids[r];
        if (k < 0) continue;
        const T* src = in + r * width;
        T* dst = o + k * width;
        for (int64_t c = c0; c < c1; ++c) dst[c] += src[c];
      }
    };
    const double cost_per_column = static_cast<double>(rows);
    if (width * cost_per_column < 16384.0)
      columns(0, width);
    else
      ctx.pool().parallel_for(width, cost_per_column, columns);
  });
}

}  // namespace pgx
