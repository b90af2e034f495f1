// Shape-manipulating array ops: Fill, ZerosLike, OnesLike, Reshape, Shape, Size, Rank,
// ExpandDims, Squeeze, ConcatV2, Pack and Unpack. Reshape-like ops share the input buffer;
// the slicing, transposing and gathering ops live in array_slice_ops.cc.
#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

#include "array_op_util.h"
#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"
#include "pygraphx/thread_pool.h"
#include "shape_helpers.h"

namespace pgx {

void register_array_slice_ops();

namespace {

// ---- Fill, ZerosLike, OnesLike -------------------------------------------------------------

void fill_shape(InferenceContext& ic) {
  require_index_dtype(ic, 0, "dims");
  require_rank(ic, 1, 0);
  if (const auto dims = const_index_vector(ic, 0)) {
    for (int64_t d : *dims)
      if (d < 0) ic.fail("Fill dimensions must be >= 0");
    ic.set_output(0, ic.in_dtypes[1], PartialShape(*dims));
  } else {
    ic.set_output(0, ic.in_dtypes[1], shape_of_vector_length(ic.in_shapes[0]));
  }
}

void fill_value(Tensor& out, const Tensor& value, ThreadPool& pool) {
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = *value.data<T>();
    T* o = out.data<T>();
    pool.parallel_for(out.size(), 0.25, [&](int64_t b, int64_t e) { std::fill(o + b, o + e, v); });
  });
}

void fill_kernel(OpKernelContext& ctx) {
  const Tensor& dims = ctx.input(0);
  const Tensor& value = ctx.input(1);
  if (dims.rank() != 1)
    throw_invalid("dims must represent a vector, got shape " + dims_bracket(dims.shape()));
  if (value.rank() != 0)
    throw_invalid("value must represent a scalar, got shape " + dims_bracket(value.shape()));
  Dims shape = read_index_vector(dims);
  for (int64_t d : shape)
    if (d < 0) throw_invalid("Dimension " + std::to_string(d) + " must be >= 0");
  Tensor& out = ctx.allocate_output(0, value.dtype(), shape);
  fill_value(out, value, ctx.pool());
}

template <int kValue>
void constant_like_kernel(OpKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.forward_or_allocate(0, 0, in.dtype(), in.shape());
  fill_value(out, Tensor::scalar_of(in.dtype(), kValue), ctx.pool());
}

// ---- Reshape ---------------------------------------------------------------------------------

void reshape_shape(InferenceContext& ic) {
  require_index_dtype(ic, 1, "shape");
  const PartialShape& in = ic.in_shapes[0];
  const DType t = ic.in_dtypes[0];
  const auto target = const_index_vector(ic, 1);
  if (!target) {
    ic.set_output(0, t, shape_of_vector_length(ic.in_shapes[1]));
    return;
  }
  Dims dims = *target;
  int unknown = -1, num_unknown = 0;
  int64_t product = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == -1) {
      unknown = static_cast<int>(i);
      ++num_unknown;
    } else if (dims[i] < -1) {
      ic.fail("Invalid value in tensor used for shape: " + std::to_string(dims[i]));
    } else {
      product *= dims[i];
    }
  }
  // Product of the input's known dims (all of them when fully defined).
  int64_t known_in = 1;
  if (in.rank_known())
    for (int64_t d : in.dims())
      if (d >= 0) known_in *= d;
  const int64_t n = in.num_elements();
  if (num_unknown == 0) {
    if (n >= 0 && n != product)
      ic.fail("Cannot reshape a tensor with " + std::to_string(n) + " elements to shape " +
              dims_bracket(dims) + " (" + std::to_string(product) + " elements)");
    if (n < 0 && known_in > 0 && product % known_in != 0)
      ic.fail("Dimension size must be evenly divisible by " + std::to_string(known_in) +
              " but is " + std::to_string(product));
  } else if (num_unknown == 1 && n >= 0 && product > 0) {
    if (n % product != 0)
      ic.fail("Dimension size must be evenly divisible by " + std::to_string(product) +
              " but is " + std::to_string(n));
    dims[unknown] = n / product;
  }
  ic.set_output(0, t, PartialShape(dims));
}

void reshape_kernel(OpKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& sizes = ctx.input(1);
  if (sizes.rank() != 1)
    throw_invalid("sizes input must be 1-D, not " + dims_bracket(sizes.shape()));
  Dims dims = read_index_vector(sizes);
  int unknown = -1;
  int64_t product = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == -1) {
      if (unknown >= 0)
        throw_invalid("Only one input size may be -1, not both " + std::to_string(unknown) +
                      " and " + std::to_string(i));
      unknown = static_cast<int>(i);
    } else if (dims[i] < 0) {
      throw_invalid("Size " + std::to_string(i) + " must be non-negative, not " +
                    std::to_string(dims[i]));
    } else {
      product *= dims[i];
    }
  }
  const int64_t n = in.size();
  if (unknown >= 0) {
    if (product == 0)
      throw_invalid("Reshape cannot infer the missing input size for an empty tensor unless all "
                    "specified input sizes are non-zero");
    if (n % product != 0)
      throw_invalid("Input to reshape is a tensor with " + std::to_string(n) +
                    " values, but the requested shape requires a multiple of " +
                    std::to_string(product));
    dims[unknown] = n / product;
  } else if (product != n) {
    throw_invalid("Input to reshape is a tensor with " + std::to_string(n) +
                  " values, but the requested shape has " + std::to_string(product));
  }
  ctx.set_output(0, in.reshaped(std::move(dims)));
}

// ---- Shape, Size, Rank ---------------------------------------------------------------------

DType out_type(const InferenceContext& ic) {
  const DType t = ic.attrs.get_or<DType>("out_type", DType::kInt32);
  if (t != DType::kInt32 && t != DType::kInt64) ic.fail("out_type must be int32 or int64");
  return t;
}

void shape_shape(InferenceContext& ic) {
  const PartialShape& in = ic.in_shapes[0];
  ic.set_output(0, out_type(ic), PartialShape(Dims{in.rank_known() ? in.rank() : -1}));
}

void size_shape(InferenceContext& ic) { ic.set_output(0, out_type(ic), PartialShape(Dims{})); }

void rank_shape(InferenceContext& ic) { ic.set_output(0, DType::kInt32, PartialShape(Dims{})); }

Tensor index_tensor(DType t, const Dims& values) {
  Tensor out(t, {static_cast<int64_t>(values.size())});
  for (size_t i = 0; i < values.size(); ++i) {
    if (t == DType::kInt32) {
      out.data<int32_t>()[i] = static_cast<int32_t>(values[i]);
    } else {
      out.data<int64_t>()[i] = values[i];
    }
  }
  return out;
}

void shape_kernel(OpKernelContext& ctx) {
  const DType t = ctx.node().out_dtypes[0];
  ctx.set_output(0, index_tensor(t, ctx.input(0).shape()));
}

void size_kernel(OpKernelContext& ctx) {
  const DType t = ctx.node().out_dtypes[0];
  ctx.set_output(0, index_tensor(t, {ctx.input(0).size()}).reshaped({}));
}

void rank_kernel(OpKernelContext& ctx) {
  ctx.set_output(0, Tensor::scalar<int32_t>(ctx.input(0).rank()));
}

// ---- ExpandDims, Squeeze -------------------------------------------------------------------

void expand_dims_shape(InferenceContext& ic) {
  require_index_dtype(ic, 1, "dim");
  const PartialShape& in = ic.in_shapes[0];
  const auto axis = const_index_vector(ic, 1);
  if (axis && axis->size() != 1)
    ic.fail("'dim' input must be a tensor with a single value");
  if (!in.rank_known()) {
    ic.set_output(0, ic.in_dtypes[0], PartialShape::unknown());
    return;
  }
  const int r = in.rank();
  if (!axis) {
    ic.set_output(0, ic.in_dtypes[0], PartialShape::unknown_of_rank(r + 1));
    return;
  }
  int64_t d = (*axis)[0];
  if (d < -r - 1 || d > r)
    ic.fail("dim " + std::to_string(d) + " not in the interval [" + std::to_string(-r - 1) +
            ", " + std::to_string(r) + "].");
  if (d < 0) d += r + 1;
  Dims out = in.dims();
  out.insert(out.begin() + d, 1);
  ic.set_output(0, ic.in_dtypes[0], PartialShape(out));
}

void expand_dims_kernel(OpKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const std::vector<int64_t> axis = read_index_vector(ctx.input(1));
  if (axis.size() != 1)
    throw_invalid("'dim' must be a tensor with a single value, got " +
                  std::to_string(axis.size()) + " values");
  const int r = in.rank();
  int64_t d = axis[0];
  if (d < -r - 1 || d > r)
    throw_invalid("Tried to expand dim index " + std::to_string(d) + " for tensor with " +
                  std::to_string(r) + " dimensions.");
  if (d < 0) d += r + 1;
  Dims out = in.shape();
  out.insert(out.begin() + d, 1);
  ctx.set_output(0, in.reshaped(std::move(out)));
}

void squeeze_shape(InferenceContext& ic) {
  const PartialShape& in = ic.in_shapes[0];
  const std::vector<int64_t> sq = ic.attrs.get_or<std::vector<int64_t>>("squeeze_dims", {});
  if (!in.rank_known()) {
    ic.set_output(0, ic.in_dtypes[0], PartialShape::unknown());
    return;
  }
  const int r = in.rank();
  std::vector<bool> drop(r, false);
  for (size_t i = 0; i < sq.size(); ++i) {
    if (sq[i] < -r || sq[i] >= r)
      ic.fail("squeeze_dims[" + std::to_string(i) + "] not in [" + std::to_string(-r) + "," +
              std::to_string(r) + ").");
    const int d = static_cast<int>(sq[i] < 0 ? sq[i] + r : sq[i]);
    if (in.dim(d) >= 0 && in.dim(d) != 1)
      ic.fail("Can not squeeze dim[" + std::to_string(d) + "], expected a dimension of 1, got " +
              std::to_string(in.dim(d)));
    drop[d] = true;
  }
  Dims out;
  for (int d = 0; d < r; ++d) {
    if (sq.empty()) {
      if (in.dim(d) < 0) {  // might be 1: the result's rank is unknown
        ic.set_output(0, ic.in_dtypes[0], PartialShape::unknown());
        return;
      }
      if (in.dim(d) == 1) continue;
    } else if (drop[d]) {
      continue;
    }
    out.push_back(in.dim(d));
  }
  ic.set_output(0, ic.in_dtypes[0], PartialShape(out));
}

void squeeze_kernel(OpKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const std::vector<int64_t> sq = ctx.attrs().get_or<std::vector<int64_t>>("squeeze_dims", {});
  const int r = in.rank();
  std::vector<bool> drop(r, sq.empty());
  if (!sq.empty()) {
    for (int64_t s : sq) {
      if (s < -r || s >= r)
        throw_invalid("Tried to squeeze dim index " + std::to_string(s) + " for tensor with " +
                      std::to_string(r) + " dimensions.");
      const int d = static_cast<int>(s < 0 ? s + r : s);
      if (in.dim(d) != 1)
        throw_invalid("Can not squeeze dim[" + std::to_string(d) +
                      "], expected a dimension of 1, got " + std::to_string(in.dim(d)));
      drop[d] = true;
    }
  }
  Dims out;
  for (int d = 0; d < r; ++d)
    if (!(drop[d] && in.dim(d) == 1)) out.push_back(in.dim(d));
  ctx.set_output(0, in.reshaped(std::move(out)));
}

}  // namespace

void register_array_ops() {
  OpRegistry& r = OpRegistry::global();
  r.add(pure({"Fill", 2, 2, 0, false, fill_shape, fn_kernel(fill_kernel)}));
  r.add(pure({"ZerosLike", 1, 1, 0, false, same_shape_fn, fn_kernel(constant_like_kernel<0>)}));
  r.add(pure({"OnesLike", 1, 1, 0, false, same_shape_fn, fn_kernel(constant_like_kernel<1>)}));
  r.add(pure({"Reshape", 2, 2, 0, false, reshape_shape, metadata_kernel<reshape_kernel>(),
              /*accepts_strings=*/true}));
  r.add(pure({"Shape", 1, 1, 0, false, shape_shape, metadata_kernel<shape_kernel>(),
              /*accepts_strings=*/true}));
  r.add(pure({"Size", 1, 1, 0, false, size_shape, metadata_kernel<size_kernel>(),
              /*accepts_strings=*/true}));
  r.add(pure({"Rank", 1, 1, 0, false, rank_shape, metadata_kernel<rank_kernel>(),
              /*accepts_strings=*/true}));
  r.add(pure({"ExpandDims", 2, 2, 0, false, expand_dims_shape,
              metadata_kernel<expand_dims_kernel>(), /*accepts_strings=*/true}));
  r.add(pure({"Squeeze", 1, 1, 0, false, squeeze_shape, metadata_kernel<squeeze_kernel>(),
              /*accepts_strings=*/true}));
  register_concat_ops();
  register_array_slice_ops();
}

}  // namespace pgx
