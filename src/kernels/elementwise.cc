// Broadcast layouts and output allocation for the shared elementwise driver. Merging adjacent
// dimensions keeps the general broadcasting loop to as few, as long, inner rows as possible.
#include "kernels/elementwise.h"

#include <string>
#include <vector>

#include "ops/shape_helpers.h"
#include "pygraphx/status.h"

namespace pgx {
namespace elementwise {

BroadcastLayout make_layout(const Dims& a, const Dims& b) {
  BroadcastLayout l;
  l.out_shape = a == b ? a : broadcast_dims(a, b);
  l.size = num_elements(l.out_shape);
  const int64_t na = num_elements(a), nb = num_elements(b);
  if ((na == l.size && nb == l.size) || na == 1 || nb == 1) {
    // binary() runs these as flat loops; the merged form is one dimension.
    l.rank = 1;
    l.dims[0] = l.size;
    l.stride_a[0] = na == 1 ? 0 : 1;
    l.stride_b[0] = nb == 1 ? 0 : 1;
    return l;
  }
  const int r = static_cast<int>(l.out_shape.size());
  const int ra = static_cast<int>(a.size()), rb = static_cast<int>(b.size());
  // Walk from the innermost dimension outwards; each kept dimension is classified by whether
  // each operand is full (1) or broadcast (0) in it, and merged with the previous kept one
  // when both operands are classified the same.
  Dims merged_dims;  // innermost first
  std::vector<bool> fa, fb;
  for (int i = r - 1; i >= 0; --i) {
    const int64_t d = l.out_shape[i];
    if (d == 1) continue;
    const int ia = i - (r - ra), ib = i - (r - rb);
    const bool a_full = ia >= 0 && a[ia] == d;
    const bool b_full = ib >= 0 && b[ib] == d;
    if (!merged_dims.empty() && fa.back() == a_full && fb.back() == b_full) {
      merged_dims.back() *= d;
    } else {
      merged_dims.push_back(d);
      fa.push_back(a_full);
      fb.push_back(b_full);
    }
  }
  const int m = static_cast<int>(merged_dims.size());
  if (m > kMaxDims)
    throw OpError(Code::kUnimplemented, "Broadcast between " + dims_bracket(a) + " and " +
                                            dims_bracket(b) + " is not supported yet.");
  l.rank = m;
  int64_t sa = 1, sb = 1;
  for (int j = 0; j < m; ++j) {  // j = 0 is innermost
    const int pos = m - 1 - j;
    l.dims[pos] = merged_dims[j];
    l.stride_a[pos] = fa[j] ? sa : 0;
    l.stride_b[pos] = fb[j] ? sb : 0;
    if (fa[j]) sa *= merged_dims[j];
    if (fb[j]) sb *= merged_dims[j];
  }
  return l;
}

Tensor& binary_output(OpKernelContext& ctx, const BroadcastLayout& l, DType out_dtype) {
  for (int i = 0; i < 2; ++i) {
    const Tensor& in = ctx.input(i);
    if (in.dtype() == out_dtype && in.size() == l.size && in.is_exclusive())
      return ctx.forward_or_allocate(0, i, out_dtype, l.out_shape);
  }
  return ctx.allocate_output(0, out_dtype, l.out_shape);
}

}  // namespace elementwise
}  // namespace pgx
