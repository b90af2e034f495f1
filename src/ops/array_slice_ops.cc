// Data-reordering array ops: Transpose, Slice, StridedSlice (Tensor.__getitem__), Tile and
// GatherV2. Shape functions use constant index inputs; kernels move raw elements by size.
#include <cstring>
#include <string>

#include "array_op_util.h"
#include "kernels/strided_slice.h"
#include "kernels/transpose.h"
#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"
#include "pygraphx/thread_pool.h"
#include "shape_helpers.h"

namespace pgx {

namespace {

// ---- Transpose -------------------------------------------------------------------------------

void transpose_shape(InferenceContext& ic) {
  require_index_dtype(ic, 1, "perm");
  const PartialShape& in = ic.in_shapes[0];
  const DType t = ic.in_dtypes[0];
  const auto perm = const_index_vector(ic, 1);
  if (!perm) {
    ic.set_output(0, t, in.rank_known() ? PartialShape::unknown_of_rank(in.rank())
                                        : shape_of_vector_length(ic.in_shapes[1]));
    return;
  }
  const int r = static_cast<int>(perm->size());
  if (!in.rank_known()) {
    ic.set_output(0, t, PartialShape::unknown_of_rank(r));
    return;
  }
  if (in.rank() != r)
    ic.fail("Dimension must be " + std::to_string(in.rank()) + " but is " + std::to_string(r));
  for (int64_t d : *perm)
    if (d < 0 || d >= r)
      ic.fail("perm dim " + std::to_string(d) + " is out of range of input rank " +
              std::to_string(r));
  ic.set_output(0, t, PartialShape(permuted_dims(in.dims(), *perm)));
}

class TransposeKernel final : public OpKernel {
 public:
  using OpKernel::OpKernel;
  void compute(OpKernelContext& ctx) override {
    const Tensor& in = ctx.input(0);
    const std::vector<int64_t> perm = read_index_vector(ctx.input(1));
    validate_permutation(perm, in.rank());
    Dims out_dims = permuted_dims(in.shape(), perm);
    if (transpose_preserves_order(in.shape(), perm)) {
      ctx.set_output(0, in.reshaped(std::move(out_dims)));
      return;
    }
    Tensor& out = ctx.allocate_output(0, in.dtype(), std::move(out_dims));
    transpose_into(in, perm, out, ctx.pool());
  }
};

// ---- Slice -----------------------------------------------------------------------------------

void slice_shape(InferenceContext& ic) {
  require_index_dtype(ic, 1, "begin");
  require_index_dtype(ic, 2, "size");
  const PartialShape& in = ic.in_shapes[0];
  const DType t = ic.in_dtypes[0];
  const auto begin = const_index_vector(ic, 1);
  const auto size = const_index_vector(ic, 2);
  int rank = in.rank();
  if (rank < 0 && size) rank = static_cast<int>(size->size());
  if (rank < 0) {
    ic.set_output(0, t, shape_of_vector_length(ic.in_shapes[2]));
    return;
  }
  if ((begin && static_cast<int>(begin->size()) != rank) ||
      (size && static_cast<int>(size->size()) != rank))
    ic.fail("Expected begin and size arguments to be 1-D tensors of size " +
            std::to_string(rank));
  Dims out(rank, -1);
  if (size) {
    for (int i = 0; i < rank; ++i) {
      const int64_t s = (*size)[i];
      if (s >= 0) {
        out[i] = s;
      } else if (s == -1 && begin && in.rank_known() && in.dim(i) >= 0) {
        out[i] = in.dim(i) - (*begin)[i];
      } else if (s < -1) {
        ic.fail("Expected size[" + std::to_string(i) + "] in [-1, inf), but got " +
                std::to_string(s));
      }
    }
  }
  ic.set_output(0, t, PartialShape(out));
}

void slice_kernel(OpKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& bt = ctx.input(1);
  const Tensor& st = ctx.input(2);
  const int r = in.rank();
  if (bt.rank() != 1 || st.rank() != 1 || bt.size() != r || st.size() != r)
    throw_invalid("Expected begin and size arguments to be 1-D tensors of size " +
                  std::to_string(r) + ", but got shapes " + dims_bracket(bt.shape()) + " and " +
                  dims_bracket(st.shape()) + " instead.");
  const Dims begin = read_index_vector(bt);
  Dims size = read_index_vector(st);
  for (int i = 0; i < r; ++i) {
    const int64_t b = begin[i], dim = in.dim(i);
    if (size[i] == -1) size[i] = dim - b;
    if (b < 0 || b > dim)
      throw_invalid("Expected begin[" + std::to_string(i) + "] in [0, " + std::to_string(dim) +
                    "], but got " + std::to_string(b));
    if (size[i] < 0 || size[i] > dim - b)
      throw_invalid("Expected size[" + std::to_string(i) + "] in [0, " +
                    std::to_string(dim - b) + "], but got " + std::to_string(size[i]));
  }
  if (size == in.shape()) {
    ctx.set_output(0, in);
    return;
  }
  Tensor& out = ctx.allocate_output(0, in.dtype(), size);
  strided_copy(in, begin, Dims(r, 1), size, out, ctx.pool());
}

// ---- StridedSlice ----------------------------------------------------------------------------

void strided_slice_shape(InferenceContext& ic) {
  for (int i = 1; i < 4; ++i) require_index_dtype(ic, i, "begin, end and strides");
  const auto begin = const_index_vector(ic, 1);
  const auto end = const_index_vector(ic, 2);
  const auto strides = const_index_vector(ic, 3);
  int64_t len = -1;
  for (int i = 1; i < 4; ++i) {
    const PartialShape& s = ic.in_shapes[i];
    if (s.rank_known() && s.rank() != 1) ic.fail("Shape must be rank 1 but is rank " +
                                                  std::to_string(s.rank()));
    if (s.rank_known() && s.dim(0) >= 0) {
      if (len >= 0 && len != s.dim(0))
        ic.fail("Expected begin, end, and strides to be 1D equal size tensors");
      len = s.dim(0);
    }
  }
  try {
    StridedSliceResult r =
        canonicalize_strided_slice(ic.in_shapes[0], begin ? &*begin : nullptr,
                                   end ? &*end : nullptr, strides ? &*strides : nullptr, len,
                                   strided_slice_masks(ic.attrs));
    ic.set_output(0, ic.in_dtypes[0], r.final_shape);
  } catch (const OpError& e) {
    ic.fail(e.what());
  }
}

void strided_slice_kernel(OpKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& bt = ctx.input(1);
  const Tensor& et = ctx.input(2);
  const Tensor& st = ctx.input(3);
  if (bt.rank() != 1 || et.rank() != 1 || st.rank() != 1 || bt.size() != et.size() ||
      bt.size() != st.size())
    throw_invalid("Expected begin, end, and strides to be 1D equal size tensors, but got shapes " +
                  dims_bracket(bt.shape()) + ", " + dims_bracket(et.shape()) + ", and " +
                  dims_bracket(st.shape()) + " instead.");
  const auto begin = read_index_vector(bt);
  const auto end = read_index_vector(et);
  const auto strides = read_index_vector(st);
  StridedSliceResult r = canonicalize_strided_slice(PartialShape(in.shape()), &begin, &end,
                                                    &strides, bt.size(), strided_slice_masks(ctx.attrs()));
  const Dims& out_dims = r.final_shape.dims();
  bool whole = true;
  for (int i = 0; i < in.rank(); ++i)
    whole &= r.begin[i] == 0 && r.stride[i] == 1 && r.processing[i] == in.dim(i);
  if (whole) {
    ctx.set_output(0, in.reshaped(out_dims));
    return;
  }
  Tensor& out = ctx.allocate_output(0, in.dtype(), out_dims);
  strided_copy(in, r.begin, r.stride, r.processing, out, ctx.pool());
}

// ---- Tile ------------------------------------------------------------------------------------

void tile_shape(InferenceContext& ic) {
  require_index_dtype(ic, 1, "multiples");
  const PartialShape& in = ic.in_shapes[0];
  const auto mult = const_index_vector(ic, 1);
  if (in.rank_known() && ic.in_shapes[1].rank_known() && ic.in_shapes[1].rank() == 1 &&
      ic.in_shapes[1].dim(0) >= 0 && ic.in_shapes[1].dim(0) != in.rank())
    ic.fail("Shape must be rank " + std::to_string(in.rank()) + " but is rank " +
            std::to_string(ic.in_shapes[1].dim(0)));
  if (!mult) {
    ic.set_output(0, ic.in_dtypes[0], in.rank_known() ? PartialShape::unknown_of_rank(in.rank())
                                                      : shape_of_vector_length(ic.in_shapes[1]));
    return;
  }
  Dims out(mult->size(), -1);
  for (size_t i = 0; i < mult->size(); ++i) {
    if ((*mult)[i] < 0)
      ic.fail("Expected multiples[" + std::to_string(i) + "] >= 0, but got " +
              std::to_string((*mult)[i]));
    if ((*mult)[i] == 0) {
      out[i] = 0;
    } else if (in.rank_known() && in.dim(static_cast<int>(i)) >= 0) {
      out[i] = in.dim(static_cast<int>(i)) * (*mult)[i];
    }
  }
  ic.set_output(0, ic.in_dtypes[0], PartialShape(out));
}

void tile_kernel(OpKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const std::vector<int64_t> mult = read_index_vector(ctx.input(1));
  const int r = in.rank();
  if (ctx.input(1).rank() != 1 || static_cast<int>(mult.size()) != r)
    throw_invalid("Expected multiples argument to be a vector of length " + std::to_string(r) +
                  " but got length " + std::to_string(mult.size()));
  Dims out_dims(r);
  for (int i = 0; i < r; ++i) {
    if (mult[i] < 0)
      throw_invalid("Expected multiples[" + std::to_string(i) + "] >= 0, but got " +
                    std::to_string(mult[i]));
    out_dims[i] = in.dim(i) * mult[i];
  }
  Tensor& out = ctx.allocate_output(0, in.dtype(), out_dims);
  if (out.size() == 0) return;
  if (r == 0) {
    std::memcpy(out.raw(), in.raw(), in.bytes());
    return;
  }
  const size_t es = dtype_size(in.dtype());
  const int64_t in_row = in.dim(r - 1), out_row = out_dims[r - 1];
  const int64_t rows = out.size() / out_row;
  const char* src = static_cast<const char*>(in.raw());
  char* dst = static_cast<char*>(out.raw());
  ctx.pool().parallel_for(rows, static_cast<double>(out_row), [&](int64_t b, int64_t e) {
    for (int64_t row = b; row < e; ++row) {
      // Input row of this output row: each outer output index modulo the input dim.
      int64_t rem = row, in_index = 0, scale = 1;
      for (int d = r - 2; d >= 0; --d) {
        const int64_t i = rem % out_dims[d];
        rem /= out_dims[d];
        in_index += (i % in.dim(d)) * scale;
        scale *= in.dim(d);
      }
      char* o = dst + row * out_row * es;
      const char* s = src + in_index * in_row * es;
      for (int64_t k = 0; k < mult[r - 1]; ++k) std::memcpy(o + k * in_row * es, s, in_row * es);
    }
  });
}

// ---- GatherV2 --------------------------------------------------------------------------------

void gather_shape(InferenceContext& ic) {
  require_index_dtype(ic, 1, "indices");
  require_index_dtype(ic, 2, "axis");
  const PartialShape& p = ic.in_shapes[0];
  const PartialShape& idx = ic.in_shapes[1];
  const auto axis_v = const_index_vector(ic, 2);
  if (!p.rank_known() || !idx.rank_known() || !axis_v) {
    ic.set_output(0, ic.in_dtypes[0], PartialShape::unknown());
    return;
  }
  const int r = p.rank();
  int64_t axis = (*axis_v)[0];
  if (axis < -r || axis >= r)
    ic.fail("Expected axis in the range [" + std::to_string(-r) + ", " + std::to_string(r) +
            "), but got " + std::to_string(axis));
  if (axis < 0) axis += r;
  Dims out(p.dims().begin(), p.dims().begin() + axis);
  out.insert(out.end(), idx.dims().begin(), idx.dims().end());
  out.insert(out.end(), p.dims().begin() + axis + 1, p.dims().end());
  ic.set_output(0, ic.in_dtypes[0], PartialShape(out));
}

void gather_kernel(OpKernelContext& ctx) {
  const Tensor& params = ctx.input(0);
  const Tensor& it = ctx.input(1);
  const std::vector<int64_t> axis_v = read_index_vector(ctx.input(2));
  const int r = params.rank();
  int64_t axis = axis_v.empty() ? 0 : axis_v[0];
  if (axis < -r || axis >= r)
    throw_invalid("Expected axis in the range [" + std::to_string(-r) + ", " +
                  std::to_string(r) + "), but got " + std::to_string(axis));
  if (axis < 0) axis += r;
  const std::vector<int64_t> idx = read_index_vector(it);
  const int64_t limit = params.dim(static_cast<int>(axis));
  for (size_t k = 0; k < idx.size(); ++k)
    if (idx[k] < 0 || idx[k] >= limit)
      throw_invalid("indices[" + std::to_string(k) + "] = " + std::to_string(idx[k]) +
                    " is not in [0, " + std::to_string(limit) + ")");
  Dims out_dims(params.shape().begin(), params.shape().begin() + axis);
  out_dims.insert(out_dims.end(), it.shape().begin(), it.shape().end());
  out_dims.insert(out_dims.end(), params.shape().begin() + axis + 1, params.shape().end());
  Tensor& out = ctx.allocate_output(0, params.dtype(), out_dims);
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= params.dim(d);
  for (int d = static_cast<int>(axis) + 1; d < r; ++d) inner *= params.dim(d);
  const int64_t bytes = inner * static_cast<int64_t>(dtype_size(params.dtype()));
  const int64_t n = static_cast<int64_t>(idx.size());
  const char* src = static_cast<const char*>(params.raw());
  char* dst = static_cast<char*>(out.raw());
  if (bytes == 0 || n == 0 || outer == 0) return;
  ctx.pool().parallel_for(outer * n, static_cast<double>(bytes) / 4.0,
                          [&](int64_t b, int64_t e) {
                            for (int64_t u = b; u < e; ++u) {
                              const int64_t o = u / n, k = u % n;
                              std::memcpy(dst + u * bytes, src + (o * limit + idx[k]) * bytes,
                                          bytes);
                            }
                          });
}

}  // namespace

void register_array_slice_ops() {
  OpRegistry& r = OpRegistry::global();
  r.add(pure({"Transpose", 2, 2, 0, false, transpose_shape, kernel_class<TransposeKernel>()}));
  r.add(pure({"Slice", 3, 3, 0, false, slice_shape, fn_kernel(slice_kernel)}));
  r.add(pure({"StridedSlice", 4, 4, 0, false, strided_slice_shape,
              fn_kernel(strided_slice_kernel)}));
  r.add(pure({"Tile", 2, 2, 0, false, tile_shape, fn_kernel(tile_kernel)}));
  r.add(pure({"GatherV2", 3, 3, 0, false, gather_shape, fn_kernel(gather_kernel)}));
}

}  // namespace pgx
