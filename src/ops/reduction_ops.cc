// Reduction ops: Sum, Mean, Prod, Max, Min, All and Any over an axis tensor, and ArgMax and
// ArgMin over one axis. Shape functions use the axis when it is a constant; kernels validate it
// again at run time, since a fed axis is only known then.
#include <algorithm>
#include <string>
#include <vector>

#include "kernels/reduce.h"
#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"
#include "pygraphx/thread_pool.h"
#include "shape_helpers.h"

namespace pgx {

namespace {

void check_index_dtype(const InferenceContext& ic, int input, const char* param) {
  const DType t = ic.in_dtypes[input];
  if (t != DType::kInt32 && t != DType::kInt64)
    throw TypeError(std::string("Value passed to parameter '") + param + "' has DataType " +
                    dtype_name(t) + " not in list of allowed values: int32, int64");
}

bool is_logical(const std::string& op_type) { return op_type == "All" || op_type == "Any"; }

void reduction_shape(InferenceContext& ic) {
  const DType t = ic.in_dtypes[0];
  if (is_logical(ic.op_type)) {
    if (t != DType::kBool)
      throw TypeError("Input 'input' of '" + ic.op_type + "' Op has type " + dtype_name(t) +
                      " that does not match expected type of bool.");
  } else if (t == DType::kBool) {
    throw TypeError(
        "Value passed to parameter 'input' has DataType bool not in list of allowed values: "
        "float32, float64, int32, int64");
  }
  check_index_dtype(ic, 1, "reduction_indices");
  const PartialShape& axis_shape = ic.in_shapes[1];
  if (axis_shape.rank_known() && axis_shape.rank() > 1)
    ic.fail("Shape must be at most rank 1 but is rank " + std::to_string(axis_shape.rank()));
  const bool keep = ic.attrs.get_or<bool>("keep_dims", false);
  const PartialShape& in = ic.in_shapes[0];
  const Tensor* axes = ic.in_values[1];
  if (!in.rank_known()) {
    ic.set_output(0, t, PartialShape::unknown());
    return;
  }
  const int r = in.rank();
  if (!axes) {
    ic.set_output(0, t, keep ? PartialShape::unknown_of_rank(r) : PartialShape::unknown());
    return;
  }
  std::vector<bool> reduced(r, false);
  for (int64_t i = 0; i < axes->size(); ++i) {
    const int64_t a = index_at(*axes, i);
    if (a < -r || a >= r)
      ic.fail("Invalid reduction dimension " + std::to_string(a) + " for input with " +
              std::to_string(r) + " dimensions.");
    reduced[a < 0 ? a + r : a] = true;
  }
  Dims out;
  for (int d = 0; d < r; ++d) {
    if (!reduced[d])
      out.push_back(in.dim(d));
    else if (keep)
      out.push_back(1);
  }
  ic.set_output(0, t, PartialShape(out));
}

template <ReduceKind kKind>
void reduction_kernel(OpKernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& ax = ctx.input(1);
  const int r = x.rank();
  std::vector<bool> seen(r, false);
  std::vector<int> axes;
  for (int64_t i = 0; i < ax.size(); ++i) {
    const int64_t a = index_at(ax, i);
    if (a < -r || a >= r)
      throw_invalid("Invalid reduction dimension " + std::to_string(a) + " for input with " +
                    std::to_string(r) + " dimension(s)");
    const int d = static_cast<int>(a < 0 ? a + r : a);
    if (seen[d])
      throw_invalid("Invalid reduction arguments: Axes contains duplicate dimension: " +
                    std::to_string(d));
    seen[d] = true;
    axes.push_back(d);
  }
  std::sort(axes.begin(), axes.end());
  const bool keep = ctx.attrs().get_or<bool>("keep_dims", false);
  Dims out_shape;
  for (int d = 0; d < r; ++d) {
    if (!seen[d])
      out_shape.push_back(x.dim(d));
    else if (keep)
      out_shape.push_back(1);
  }
  ctx.set_output(0, reduce_tensor(ctx.pool(), x, axes, kKind, out_shape));
}

void arg_shape(InferenceContext& ic) {
  check_index_dtype(ic, 1, "dimension");
  const DType out_t = ic.attrs.get_or<DType>("output_type", DType::kInt64);
  if (out_t != DType::kInt32 && out_t != DType::kInt64)
    throw TypeError(std::string("Value passed to parameter 'output_type' has DataType ") +
                    dtype_name(out_t) + " not in list of allowed values: int32, int64");
  const PartialShape& axis_shape = ic.in_shapes[1];
  if (axis_shape.rank_known() && axis_shape.rank() != 0)
    ic.fail("Shape must be rank 0 but is rank " + std::to_string(axis_shape.rank()));
  const PartialShape& in = ic.in_shapes[0];
  if (!in.rank_known()) {
    ic.set_output(0, out_t, PartialShape::unknown());
    return;
  }
  const int r = in.rank();
  if (r == 0) {  // TF infers a scalar; the kernel rejects every axis.
    ic.set_output(0, out_t, PartialShape(Dims{}));
    return;
  }
  const Tensor* axis = ic.in_values[1];
  if (!axis) {
    ic.set_output(0, out_t, PartialShape::unknown_of_rank(r - 1));
    return;
  }
  const int64_t a = index_at(*axis, 0);
  if (a < -r || a >= r)
    ic.fail("Dimension (" + std::to_string(a) + ") must be in the range [" +
            std::to_string(-r) + ", " + std::to_string(r) +
            "), where " + std::to_string(r) + " is the number of dimensions in the input.");
  Dims out = in.dims();
  out.erase(out.begin() + (a < 0 ? a + r : a));
  ic.set_output(0, out_t, PartialShape(out));
}

template <bool kMax>
void arg_kernel(OpKernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& ax = ctx.input(1);
  const int r = x.rank();
  if (ax.size() != 1)
    throw_invalid("dimension must be a scalar, got shape " + dims_bracket(ax.shape()));
  const int64_t a = index_at(ax, 0);
  if (a < -r || a >= r)
    throw_invalid("Expected dimension in the range [" + std::to_string(-r) + ", " +
                  std::to_string(r) + "), but got " + std::to_string(a));
  const int d = static_cast<int>(a < 0 ? a + r : a);
  if (x.dim(d) == 0)
    throw_invalid("Reduction axis " + std::to_string(d) + " is empty in shape " +
                  dims_bracket(x.shape()));
  Dims out_shape = x.shape();
  out_shape.erase(out_shape.begin() + d);
  const DType out_t = ctx.attrs().get_or<DType>("output_type", DType::kInt64);
  Tensor& out = ctx.allocate_output(0, out_t, out_shape);
  arg_reduce(ctx.pool(), x, d, kMax, out);
}

}  // namespace

void register_reduction_ops() {
  OpRegistry& r = OpRegistry::global();
  r.add(pure({"Sum", 2, 2, 0, false, reduction_shape,
              fn_kernel(reduction_kernel<ReduceKind::kSum>)}));
  r.add(pure({"Mean", 2, 2, 0, false, reduction_shape,
              fn_kernel(reduction_kernel<ReduceKind::kMean>)}));
  r.add(pure({"Prod", 2, 2, 0, false, reduction_shape,
              fn_kernel(reduction_kernel<ReduceKind::kProd>)}));
  r.add(pure({"Max", 2, 2, 0, false, reduction_shape,
              fn_kernel(reduction_kernel<ReduceKind::kMax>)}));
  r.add(pure({"Min", 2, 2, 0, false, reduction_shape,
              fn_kernel(reduction_kernel<ReduceKind::kMin>)}));
  r.add(pure({"All", 2, 2, 0, false, reduction_shape,
              fn_kernel(reduction_kernel<ReduceKind::kAll>)}));
  r.add(pure({"Any", 2, 2, 0, false, reduction_shape,
              fn_kernel(reduction_kernel<ReduceKind::kAny>)}));
  r.add(pure({"ArgMax", 2, 2, 0, false, arg_shape, fn_kernel(arg_kernel<true>)}));
  r.add(pure({"ArgMin", 2, 2, 0, false, arg_shape, fn_kernel(arg_kernel<false>)}));
}

}  // namespace pgx
