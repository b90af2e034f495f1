// BroadcastGradientArgs: the reduction axes of a broadcast's gradient, from run-time shapes.
#include <string>
#include <vector>

#include "kernels/grad_kernels.h"
#include "ops/shape_helpers.h"
#include "pygraphx/status.h"

namespace pgx {

namespace {

Tensor index_vector(DType t, const std::vector<int64_t>& v) {
  Tensor out(t, {static_cast<int64_t>(v.size())});
  visit_dtype(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = out.data<T>();
    for (size_t i = 0; i < v.size(); ++i) p[i] = static_cast<T>(v[i]);
  });
  return out;
}

}  // namespace

void broadcast_gradient_args_kernel(OpKernelContext& ctx) {
  const Tensor& t0 = ctx.input(0);
  const Tensor& t1 = ctx.input(1);
  if (t0.rank() != 1 || t1.rank() != 1)
    throw_invalid("BroadcastGradientArgs takes two shape vectors, got tensors of shapes " +
                  dims_bracket(t0.shape()) + " and " + dims_bracket(t1.shape()));
  const std::vector<int64_t> s0 = read_index_vector(t0);
  const std::vector<int64_t> s1 = read_index_vector(t1);
  const size_t r = std::max(s0.size(), s1.size());
  std::vector<int64_t> r0, r1;
  for (size_t i = 0; i < r; ++i) {
    // Operands are aligned on their last dimension; a missing leading dimension is 1.
    const size_t pad0 = r - s0.size(), pad1 = r - s1.size();
    const int64_t a = i < pad0 ? 1 : s0[i - pad0];
    const int64_t b = i < pad1 ? 1 : s1[i - pad1];
    if (a != b && a != 1 && b != 1)
      throw_invalid("Incompatible shapes: " + dims_bracket(Dims(s0.begin(), s0.end())) +
                    " vs. " + dims_bracket(Dims(s1.begin(), s1.end())));
    if (a == 1) r0.push_back(static_cast<int64_t>(i));
    if (b == 1) r1.push_back(static_cast<int64_t>(i));
  }
  ctx.set_output(0, index_vector(t0.dtype(), r0));
  ctx.set_output(1, index_vector(t0.dtype(), r1));
}

}  // namespace pgx
