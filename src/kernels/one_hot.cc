// OneHot: indices of any shape to a tensor with a new axis of length depth holding on_value
// where the index matches the position and off_value elsewhere (everywhere for indices outside
// [0, depth)).
#include <algorithm>
#include <string>

#include "kernels/elementwise.h"
#include "kernels/nn_kernels.h"
#include "ops/shape_helpers.h"
#include "pygraphx/status.h"

namespace pgx {
namespace nn {

void one_hot_kernel(OpKernelContext& ctx) {
  const Tensor& indices = ctx.input(0);
  const Tensor& depth_t = ctx.input(1);
  const Tensor& on = ctx.input(2);
  const Tensor& off = ctx.input(3);
  const int r = indices.rank();
  const int64_t axis_attr = ctx.attrs().get_or<int64_t>("axis", -1);
  if (axis_attr != -1 && (axis_attr < 0 || axis_attr > r))
    throw_invalid("Expected axis to be -1 or between [0, " + std::to_string(r + 1) +
                  ").  But received: " + std::to_string(axis_attr));
  if (depth_t.rank() != 0)
    throw_invalid("depth must be a scalar, but got: " + dims_bracket(depth_t.shape()));
  if (on.rank() != 0)
    throw_invalid("on_value must be a scalar, but got: " + dims_bracket(on.shape()));
  if (off.rank() != 0)
    throw_invalid("off_value must be a scalar, but got: " + dims_bracket(off.shape()));
  const int64_t depth = index_at(depth_t, 0);
  if (depth < 0) throw_invalid("depth must be non-negative, got: " + std::to_string(depth));
  const int axis = axis_attr == -1 ? r : static_cast<int>(axis_attr);
  Dims shape = indices.shape();
  shape.insert(shape.begin() + axis, depth);
  // The output as [prefix, depth, suffix]; indices as [prefix, suffix].
  int64_t prefix = 1, suffix = 1;
  for (int i = 0; i < axis; ++i) prefix *= indices.dim(i);
  for (int i = axis; i < r; ++i) suffix *= indices.dim(i);
  visit_dtype(on.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T on_v = *on.data<T>(), off_v = *off.data<T>();
    Tensor& out = ctx.allocate_output(0, on.dtype(), shape);
    T* po = out.data<T>();
    const int64_t slab = depth * suffix;
    elementwise::for_range(ctx.pool(), prefix, static_cast<double>(slab) * 0.5 + 1.0,
                           [&](int64_t b, int64_t e) {
                             std::fill(po + b * slab, po + e * slab, off_v);
                             for (int64_t p = b; p < e; ++p)
                               for (int64_t s = 0; s < suffix; ++s) {
                                 const int64_t d = index_at(indices, p * suffix + s);
                                 if (d >= 0 && d < depth) po[p * slab + d * suffix + s] = on_v;
                               }
                           });
  });
}

}  // namespace nn
}  // namespace pgx
