// StridedSliceGrad: the inverse placement of StridedSlice. The output is zeroed, then each
// row of dy (its innermost sliced dimension) is scattered with that dimension's stride.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/grad_kernels.h"
#include "kernels/strided_slice.h"
#include "ops/shape_helpers.h"
#include "pygraphx/status.h"
#include "pygraphx/thread_pool.h"

namespace pgx {

namespace {

// out[begin + i * stride] = dy[i] over the block `sizes`, row by row; rows are independent.
template <typename T>
void scatter_rows(const T* dy, T* out, const Dims& out_dims, const Dims& begin,
                  const Dims& stride, const Dims& sizes, ThreadPool& pool) {
  const int r = static_cast<int>(out_dims.size());
  Dims out_strides(r);
  int64_t s = 1;
  for (int i = r - 1; i >= 0; --i) {
    out_strides[i] = s;
    s *= out_dims[i];
  }
  const int64_t inner = r ? sizes[r - 1] : 1;
  const int64_t inner_step = r ? stride[r - 1] * out_strides[r - 1] : 1;
  int64_t base = 0;
  for (int i = 0; i < r; ++i) base += begin[i] * out_strides[i];
  int64_t rows = 1;
  for (int i = 0; i + 1 < r; ++i) rows *= sizes[i];
  if (inner == 0 || rows == 0) return;
  auto run = [&](int64_t r0, int64_t r1) {
    for (int64_t row = r0; row < r1; ++row) {
      int64_t off = base, rem = row;
      for (int d = r - 2; d >= 0; --d) {
        off += (rem % sizes[d]) * stride[d] * out_strides[d];
        rem /= sizes[d];
      }
      const T* src = dy + row * inner;
      for (int64_t c = 0; c < inner; ++c) out[off + c * inner_step] = src[c];
    }
  };
  const double cost = static_cast<double>(inner);
  if (rows * cost < 16384.0)
    run(0, rows);
  else
    pool.parallel_for(rows, cost, run);
}

}  // namespace

void strided_slice_grad_kernel(OpKernelContext& ctx) {
  const Tensor& shape_t = ctx.input(0);
  const Tensor& bt = ctx.input(1);
  const Tensor& et = ctx.input(2);
  const Tensor& st = ctx.input(3);
  const Tensor& dy = ctx.input(4);
  if (shape_t.rank() != 1)
    throw_invalid("StridedSliceGrad: shape must be a vector, got shape " +
                  dims_bracket(shape_t.shape()));
  if (bt.rank() != 1 || et.rank() != 1 || st.rank() != 1 || bt.size() != et.size() ||
      bt.size() != st.size())
    throw_invalid("Expected begin, end, and strides to be 1D equal size tensors, but got shapes " +
                  dims_bracket(bt.shape()) + ", " + dims_bracket(et.shape()) + ", and " +
                  dims_bracket(st.shape()) + " instead.");
  const std::vector<int64_t> sv = read_index_vector(shape_t);
  const Dims out_dims(sv.begin(), sv.end());
  for (int64_t d : out_dims)
    if (d < 0) throw_invalid("StridedSliceGrad: negative dimension in shape " +
                             dims_bracket(out_dims));
  const auto begin = read_index_vector(bt);
  const auto end = read_index_vector(et);
  const auto strides = read_index_vector(st);
  StridedSliceResult r = canonicalize_strided_slice(PartialShape(out_dims), &begin, &end,
                                                    &strides, bt.size(), strided_slice_masks(ctx.attrs()));
  if (!(r.final_shape.compatible_with(dy.shape())) ||
      num_elements(r.processing) != dy.size())
    throw_invalid("shape of dy was " + dims_bracket(dy.shape()) + " instead of " +
                  r.final_shape.bracket_str());
  Tensor& out = ctx.allocate_output(0, dy.dtype(), out_dims);
  visit_dtype(dy.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = out.data<T>();
    std::fill(o, o + out.size(), T(0));
    scatter_rows<T>(dy.data<T>(), o, out_dims, r.begin, r.stride, r.processing, ctx.pool());
  });
}

}  // namespace pgx
