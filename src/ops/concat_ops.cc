// Joining and splitting along an axis: ConcatV2, Pack (tf.stack) and Unpack (tf.unstack).
// Every input is viewed as [outer, inner] rows of elements and copied row by row (memcpy, or
// string assignment for string tensors).
#include <cstring>
#include <string>

#include "array_op_util.h"
#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"
#include "pygraphx/thread_pool.h"
#include "shape_helpers.h"

namespace pgx {

namespace {

// out row o = concatenation over inputs k of row o of ins[k] (inner_bytes[k] bytes each).
void concat_rows(const std::vector<const Tensor*>& ins, int64_t outer,
                 const std::vector<int64_t>& inner_bytes, Tensor& out, ThreadPool& pool) {
  const DType t = out.dtype();
  const int64_t esize = static_cast<int64_t>(dtype_size(t));
  int64_t row_bytes = 0;
  for (int64_t b : inner_bytes) row_bytes += b;
  if (row_bytes == 0 || outer == 0) return;
  char* dst = static_cast<char*>(out.raw());
  pool.parallel_for(outer, static_cast<double>(row_bytes) / 4.0, [&](int64_t b, int64_t e) {
    for (int64_t o = b; o < e; ++o) {
      char* d = dst + o * row_bytes;
      for (size_t k = 0; k < ins.size(); ++k) {
        const int64_t n = inner_bytes[k];
        copy_elements(t, d, static_cast<const char*>(ins[k]->raw()) + o * n, n / esize);
        d += n;
      }
    }
  });
}

std::string shape_list_str(const PartialShape& s) { return s.bracket_str(); }

// ---- ConcatV2 --------------------------------------------------------------------------------

void concat_shape(InferenceContext& ic) {
  const int n = ic.num_inputs() - 1;
  require_index_dtype(ic, n, "axis");
  const DType t = ic.in_dtypes[0];
  for (int i = 1; i < n; ++i)
    if (ic.in_dtypes[i] != t)
      ic.fail(std::string("Tensors in list passed to 'values' of 'ConcatV2' Op have types [") +
              dtype_name(t) + ", " + dtype_name(ic.in_dtypes[i]) + "] that don't all match.");
  int rank = -1;
  for (int i = 0; i < n; ++i) {
    const PartialShape& s = ic.in_shapes[i];
    if (!s.rank_known()) continue;
    if (rank < 0) {
      rank = s.rank();
    } else if (s.rank() != rank) {
      ic.fail("Shape must be rank " + std::to_string(rank) + " but is rank " +
              std::to_string(s.rank()));
    }
  }
  if (rank == 0) ic.fail("Can't concatenate scalars (use tf.stack instead)");
  const auto axis_v = const_index_vector(ic, n);
  if (rank < 0 || !axis_v) {
    ic.set_output(0, t, rank < 0 ? PartialShape::unknown() : PartialShape::unknown_of_rank(rank));
    return;
  }
  int64_t axis = (*axis_v)[0];
  if (axis >= rank)
    ic.fail("Shape must be at least rank " + std::to_string(axis + 1) + " but is rank " +
            std::to_string(rank));
  if (axis < -rank)
    ic.fail("Expected concatenating dimensions in the range [" + std::to_string(-rank) + ", " +
            std::to_string(rank) + "), but got " + std::to_string(axis));
  if (axis < 0) axis += rank;
  Dims out(rank, -1);
  int64_t along = 0;
  int first = -1;
  for (int i = 0; i < n; ++i) {
    const PartialShape& s = ic.in_shapes[i];
    if (!s.rank_known()) {
      along = -1;
      continue;
    }
    for (int d = 0; d < rank; ++d) {
      if (d == axis) continue;
      if (out[d] >= 0 && s.dim(d) >= 0 && out[d] != s.dim(d))
        ic.fail("Dimension " + std::to_string(d) + " in both shapes must be equal, but are " +
                std::to_string(out[d]) + " and " + std::to_string(s.dim(d)) + ". Shapes are " +
                shape_list_str(ic.in_shapes[first]) + " and " + shape_list_str(s) + ".");
      if (out[d] < 0) out[d] = s.dim(d);
    }
    if (first < 0) first = i;
    if (along >= 0) along = s.dim(axis) < 0 ? -1 : along + s.dim(axis);
  }
  out[axis] = along;
  ic.set_output(0, t, PartialShape(out));
}

void concat_kernel(OpKernelContext& ctx) {
  const int n = ctx.num_inputs() - 1;
  const Tensor& first = ctx.input(0);
  const int rank = first.rank();
  const std::vector<int64_t> axis_v = read_index_vector(ctx.input(n));
  if (axis_v.size() != 1)
    throw_invalid("ConcatOp : axis must be a scalar, got " + std::to_string(axis_v.size()) +
                  " values");
  int64_t axis = axis_v[0];
  if (axis < -rank || axis >= rank)
    throw_invalid("ConcatOp : Expected concatenating dimensions in the range [" +
                  std::to_string(-rank) + ", " + std::to_string(rank) + "), but got " +
                  std::to_string(axis));
  if (axis < 0) axis += rank;
  Dims out_dims = first.shape();
  out_dims[axis] = 0;
  for (int i = 0; i < n; ++i) {
    const Tensor& t = ctx.input(i);
    if (t.rank() != rank)
      throw_invalid("ConcatOp : Ranks of all input tensors should match: shape[0] = " +
                    dims_bracket(first.shape()) + " vs. shape[" + std::to_string(i) +
                    "] = " + dims_bracket(t.shape()));
    for (int d = 0; d < rank; ++d)
      if (d != axis && t.dim(d) != first.dim(d))
        throw_invalid("ConcatOp : Dimension " + std::to_string(d) +
                      " in both shapes must be equal: shape[0] = " +
                      dims_bracket(first.shape()) + " vs. shape[" + std::to_string(i) +
                      "] = " + dims_bracket(t.shape()));
    out_dims[axis] += t.dim(axis);
  }
  int64_t outer = 1;
  for (int d = 0; d < axis; ++d) outer *= out_dims[d];
  std::vector<const Tensor*> ins;
  std::vector<int64_t> inner;
  const size_t esize = dtype_size(first.dtype());
  for (int i = 0; i < n; ++i) {
    const Tensor& t = ctx.input(i);
    ins.push_back(&t);
    inner.push_back(outer == 0 ? 0 : static_cast<int64_t>(t.size() / outer * esize));
  }
  Tensor& out = ctx.allocate_output(0, first.dtype(), out_dims);
  concat_rows(ins, outer, inner, out, ctx.pool());
}

// ---- Pack, Unpack ----------------------------------------------------------------------------

void pack_shape(InferenceContext& ic) {
  const DType t = same_input_dtypes(ic);
  PartialShape merged = ic.in_shapes[0];
  for (int i = 1; i < ic.num_inputs(); ++i) {
    const PartialShape& s = ic.in_shapes[i];
    if (merged.rank_known() && s.rank_known() && merged.rank() != s.rank())
      ic.fail("Shapes must be equal rank, but are " + std::to_string(merged.rank()) + " and " +
              std::to_string(s.rank()) + ". From merging shape 0 with other shapes.");
    if (merged.rank_known() && s.rank_known())
      for (int d = 0; d < s.rank(); ++d)
        if (merged.dim(d) >= 0 && s.dim(d) >= 0 && merged.dim(d) != s.dim(d))
          ic.fail("Dimension " + std::to_string(d) + " in both shapes must be equal, but are " +
                  std::to_string(merged.dim(d)) + " and " + std::to_string(s.dim(d)) +
                  ". Shapes are " + merged.bracket_str() + " and " + s.bracket_str() +
                  ". From merging shape 0 with other shapes.");
    merged = merged.merge_with(s);
  }
  if (!merged.rank_known()) {
    ic.set_output(0, t, PartialShape::unknown());
    return;
  }
  const int r = merged.rank() + 1;
  int64_t axis = ic.attrs.get_or<int64_t>("axis", 0);
  if (axis < -r || axis >= r)
    ic.fail("Argument `axis` = " + std::to_string(axis) + " not in range [" +
            std::to_string(-r) + ", " + std::to_string(r) + ")");
  if (axis < 0) axis += r;
  Dims out = merged.dims();
  out.insert(out.begin() + axis, ic.num_inputs());
  ic.set_output(0, t, PartialShape(out));
}

void pack_kernel(OpKernelContext& ctx) {
  const int n = ctx.num_inputs();
  const Tensor& first = ctx.input(0);
  for (int i = 1; i < n; ++i)
    if (ctx.input(i).shape() != first.shape())
      throw_invalid("Shapes of all inputs must match: values[0].shape = " +
                    dims_bracket(first.shape()) + " != values[" + std::to_string(i) +
                    "].shape = " + dims_bracket(ctx.input(i).shape()));
  const int r = first.rank() + 1;
  int64_t axis = ctx.attrs().get_or<int64_t>("axis", 0);
  if (axis < 0) axis += r;
  Dims out_dims = first.shape();
  out_dims.insert(out_dims.begin() + axis, n);
  int64_t outer = 1;
  for (int d = 0; d < axis; ++d) outer *= out_dims[d];
  std::vector<const Tensor*> ins;
  const int64_t inner =
      outer == 0 ? 0 : static_cast<int64_t>(first.size() / outer * dtype_size(first.dtype()));
  for (int i = 0; i < n; ++i) ins.push_back(&ctx.input(i));
  Tensor& out = ctx.allocate_output(0, first.dtype(), out_dims);
  concat_rows(ins, outer, std::vector<int64_t>(n, inner), out, ctx.pool());
}

void unpack_shape(InferenceContext& ic) {
  const int64_t num = ic.attrs.get<int64_t>("num");
  const PartialShape& in = ic.in_shapes[0];
  PartialShape out;
  if (in.rank_known()) {
    const int r = in.rank();
    int64_t axis = ic.attrs.get_or<int64_t>("axis", 0);
    if (axis < -r || axis >= r)
      ic.fail("axis = " + std::to_string(axis) + " not in [" + std::to_string(-r) + ", " +
              std::to_string(r) + ")");
    if (axis < 0) axis += r;
    if (in.dim(axis) >= 0 && in.dim(axis) != num)
      ic.fail("Dimension must be " + std::to_string(num) + " but is " +
              std::to_string(in.dim(axis)));
    Dims d = in.dims();
    d.erase(d.begin() + axis);
    out = PartialShape(d);
  }
  for (int64_t i = 0; i < num; ++i) ic.set_output(static_cast<int>(i), ic.in_dtypes[0], out);
}

void unpack_kernel(OpKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const int64_t num = ctx.num_outputs();
  const int r = in.rank();
  int64_t axis = ctx.attrs().get_or<int64_t>("axis", 0);
  if (axis < -r || axis >= r)
    throw_invalid("axis = " + std::to_string(axis) + " not in [" + std::to_string(-r) + ", " +
                  std::to_string(r) + ")");
  if (axis < 0) axis += r;
  if (in.dim(axis) != num)
    throw_invalid("Input shape axis " + std::to_string(axis) + " must equal " +
                  std::to_string(num) + ", got shape " + dims_bracket(in.shape()));
  Dims out_dims = in.shape();
  out_dims.erase(out_dims.begin() + axis);
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= in.dim(d);
  for (int d = axis + 1; d < r; ++d) inner *= in.dim(d);
  const int64_t bytes = inner * static_cast<int64_t>(dtype_size(in.dtype()));
  const char* src = static_cast<const char*>(in.raw());
  for (int64_t i = 0; i < num; ++i) {
    Tensor& out = ctx.allocate_output(static_cast<int>(i), in.dtype(), out_dims);
    char* dst = static_cast<char*>(out.raw());
    for (int64_t o = 0; o < outer; ++o)
      copy_elements(in.dtype(), dst + o * bytes, src + (o * num + i) * bytes, inner);
  }
}

}  // namespace

void register_concat_ops() {
  OpRegistry& r = OpRegistry::global();
  r.add(pure({"ConcatV2", 2, -1, 0, false, concat_shape, fn_kernel(concat_kernel),
              /*accepts_strings=*/true}));
  r.add(pure({"Pack", 1, -1, 0, false, pack_shape, fn_kernel(pack_kernel),
              /*accepts_strings=*/true}));
  r.add(pure({"Unpack", 1, 1, 0, false, unpack_shape, fn_kernel(unpack_kernel),
              /*accepts_strings=*/true}));
}

}  // namespace pgx
