// Selection: Select (TF1's where(cond, x, y): cond is a scalar, a vector over the first
// dimension, or of x's shape), SelectV2 (cond, x and y broadcast together) and Where (the
// coordinates of the true elements, in row-major order).
#include <algorithm>
#include <string>
#include <vector>

#include "kernels/elementwise.h"
#include "kernels/nn_kernels.h"
#include "ops/shape_helpers.h"
#include "pygraphx/status.h"

namespace pgx {
namespace nn {

namespace {

constexpr int64_t kWhereBlock = 1 << 14;

// Element strides of an operand of shape `s` inside the broadcast output shape `out` (0 along
// broadcast dimensions).
Dims broadcast_strides(const Dims& s, const Dims& out) {
  const int r = static_cast<int>(out.size());
  const int rs = static_cast<int>(s.size());
  Dims strides(r, 0);
  int64_t st = 1;
  for (int i = rs - 1; i >= 0; --i) {
    const int o = i + (r - rs);
    strides[o] = s[i] == 1 && out[o] != 1 ? 0 : st;
    st *= s[i];
  }
  return strides;
}

}  // namespace

void select_kernel(OpKernelContext& ctx) {
  const Tensor& cond = ctx.input(0);
  const Tensor& t = ctx.input(1);
  const Tensor& e = ctx.input(2);
  if (t.shape() != e.shape())
    throw_invalid("'then' and 'else' must have the same size.  but received: " +
                  dims_bracket(t.shape()) + " vs. " + dims_bracket(e.shape()));
  const bool scalar = cond.rank() == 0;
  const bool per_row = !scalar && cond.rank() == 1 && t.rank() != 1;
  if (per_row) {
    if (t.rank() < 1)
      throw_invalid("'then' must be at least a vector, but saw shape: " +
                    dims_bracket(t.shape()));
    if (t.dim(0) != cond.dim(0))
      throw_invalid("Number of batches of 'then' must match size of 'cond', but saw: " +
                    std::to_string(t.dim(0)) + " vs. " + std::to_string(cond.dim(0)));
  } else if (!scalar && cond.shape() != t.shape()) {
    throw_invalid("Inputs to operation Select must have the same size and shape.  Input 0: " +
                  dims_bracket(cond.shape()) + " != input 1: " + dims_bracket(t.shape()));
  }
  const bool* pc = cond.data<bool>();
  if (scalar) {
    ctx.set_output(0, pc[0] ? t : e);
    return;
  }
  visit_dtype(t.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* pt = t.data<T>();
    const T* pe = e.data<T>();
    Tensor& out = ctx.allocate_output(0, t.dtype(), t.shape());
    T* po = out.data<T>();
    const int64_t n = t.size();
    if (!per_row) {
      elementwise::for_range(ctx.pool(), n, 1.0, [&](int64_t b, int64_t end) {
        for (int64_t i = b; i < end; ++i) po[i] = pc[i] ? pt[i] : pe[i];
      });
      return;
    }
    const int64_t rows = t.dim(0), width = rows == 0 ? 0 : n / rows;
    elementwise::for_range(ctx.pool(), rows, 0.5 * static_cast<double>(width),
                           [&](int64_t b, int64_t end) {
                             for (int64_t r = b; r < end; ++r) {
                               const T* src = (pc[r] ? pt : pe) + r * width;
                               std::copy(src, src + width, po + r * width);
                             }
                           });
  });
}

void select_v2_kernel(OpKernelContext& ctx) {
  const Tensor& cond = ctx.input(0);
  const Tensor& t = ctx.input(1);
  const Tensor& e = ctx.input(2);
  Dims shape;
  try {
    shape = broadcast_dims(broadcast_dims(cond.shape(), t.shape()), e.shape());
  } catch (const OpError&) {
    throw_invalid("condition " + dims_bracket(cond.shape()) + ", then " +
                  dims_bracket(t.shape()) + " and else " + dims_bracket(e.shape()) +
                  " must be broadcastable");
  }
  const int r = static_cast<int>(shape.size());
  const Dims sc = broadcast_strides(cond.shape(), shape);
  const Dims st = broadcast_strides(t.shape(), shape);
  const Dims se = broadcast_strides(e.shape(), shape);
  const bool* pc = cond.data<bool>();
  visit_dtype(t.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* pt = t.data<T>();
    const T* pe = e.data<T>();
    Tensor& out = ctx.allocate_output(0, t.dtype(), shape);
    T* po = out.data<T>();
    const int64_t n = out.size();
    elementwise::for_range(ctx.pool(), n, 2.0, [&](int64_t b, int64_t end) {
      // Multi-index of element b, then an odometer walk carrying the three offsets.
      std::vector<int64_t> idx(r, 0);
      int64_t oc = 0, ot = 0, oe = 0, rem = b;
      for (int d = r - 1; d >= 0; --d) {
        idx[d] = rem % shape[d];
        rem /= shape[d];
        oc += idx[d] * sc[d];
        ot += idx[d] * st[d];
        oe += idx[d] * se[d];
      }
      for (int64_t i = b; i < end; ++i) {
        po[i] = pc[oc] ? pt[ot] : pe[oe];
        for (int d = r - 1; d >= 0; --d) {
          oc += sc[d];
          ot += st[d];
          oe += se[d];
          if (++idx[d] < shape[d]) break;
          oc -= shape[d] * sc[d];
          ot -= shape[d] * st[d];
          oe -= shape[d] * se[d];
          idx[d] = 0;
        }
      }
    });
  });
}

void where_kernel(OpKernelContext& ctx) {
  const Tensor& cond = ctx.input(0);
  const int r = cond.rank();
  if (r == 0) throw_invalid("WhereOp : Unhandled input dimensions: 0");
  const int64_t n = cond.size();
  const int64_t blocks = (n + kWhereBlock - 1) / kWhereBlock;
  // Pass 1: true elements per block; pass 2: each block writes its coordinates at its offset.
  std::vector<int64_t> offset(static_cast<size_t>(blocks) + 1, 0);
  visit_dtype(cond.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* pc = cond.data<T>();
    elementwise::for_range(ctx.pool(), blocks, static_cast<double>(kWhereBlock) * 0.5,
                           [&](int64_t b, int64_t e) {
                             for (int64_t blk = b; blk < e; ++blk) {
                               const int64_t end = std::min(n, (blk + 1) * kWhereBlock);
                               int64_t count = 0;
                               for (int64_t i = blk * kWhereBlock; i < end; ++i)
                                 count += pc[i] != T(0);
                               offset[blk + 1] = count;
                             }
                           });
    for (int64_t blk = 0; blk < blocks; ++blk) offset[blk + 1] += offset[blk];
    Tensor& out = ctx.allocate_output(0, DType::kInt64, {offset[blocks], r});
    int64_t* po = out.data<int64_t>();
    const Dims& dims = cond.shape();
    elementwise::for_range(ctx.pool(), blocks, static_cast<double>(kWhereBlock),
                           [&](int64_t b, int64_t e) {
                             for (int64_t blk = b; blk < e; ++blk) {
                               const int64_t end = std::min(n, (blk + 1) * kWhereBlock);
                               int64_t* row = po + offset[blk] * r;
                               for (int64_t i = blk * kWhereBlock; i < end; ++i) {
                                 if (pc[i] == T(0)) continue;
                                 int64_t rem = i;
                                 for (int d = r - 1; d >= 0; --d) {
                                   row[d] = rem % dims[d];
                                   rem /= dims[d];
                                 }
                                 row += r;
                               }
                             }
                           });
  });
}

}  // namespace nn
}  // namespace pgx
