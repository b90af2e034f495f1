// Registrations of the ops that gradients are built from, with TF's raw op names and argument
// order: the fused activation gradients (ReluGrad, SigmoidGrad, TanhGrad, SqrtGrad,
// ReciprocalGrad), BroadcastGradientArgs, UnsortedSegmentSum and StridedSliceGrad. Kernels are
// in src/kernels/activation_grad.cc and src/kernels/grad_kernels.h.
#include <string>

#include "array_op_util.h"
#include "kernels/activation_grad.h"
#include "kernels/grad_kernels.h"
#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"
#include "shape_helpers.h"

namespace pgx {

namespace {

void require_dtype_kind(const InferenceContext& ic, int i, const char* param, bool int_ok) {
  const DType t = ic.in_dtypes[i];
  if (dtype_is_floating(t) || (int_ok && dtype_is_integer(t))) return;
  throw TypeError("Value passed to parameter '" + std::string(param) + "' has DataType " +
                  dtype_name(t) + " not in list of allowed values: float32, float64" +
                  (int_ok ? ", int32, int64" : "") + " (op '" + ic.op_type + "', node '" +
                  ic.node_name + "')");
}

// (a, b) of one dtype and one shape -> output of that dtype and shape.
ShapeFn activation_grad_shape(const char* a, const char* b, bool int_ok) {
  return [a, b, int_ok](InferenceContext& ic) {
    require_dtype_kind(ic, 0, a, int_ok);
    if (ic.in_dtypes[1] != ic.in_dtypes[0])
      throw TypeError("Input '" + std::string(b) + "' of '" + ic.op_type + "' Op has type " +
                      dtype_name(ic.in_dtypes[1]) + " that does not match type " +
                      dtype_name(ic.in_dtypes[0]) + " of argument '" + a + "' (node '" +
                      ic.node_name + "').");
    if (!ic.in_shapes[0].compatible_with(ic.in_shapes[1]))
      ic.fail("Shapes " + ic.in_shapes[0].str() + " and " + ic.in_shapes[1].str() +
              " are not compatible");
    ic.set_output(0, ic.in_dtypes[0], ic.in_shapes[0].merge_with(ic.in_shapes[1]));
  };
}

void broadcast_gradient_args_shape(InferenceContext& ic) {
  require_index_dtype(ic, 0, "s0");
  require_index_dtype(ic, 1, "s1");
  if (ic.in_dtypes[1] != ic.in_dtypes[0])
    ic.fail("s0 and s1 must have one dtype, got " + std::string(dtype_name(ic.in_dtypes[0])) +
            " and " + dtype_name(ic.in_dtypes[1]));
  require_rank(ic, 0, 1);
  require_rank(ic, 1, 1);
  ic.set_output(0, ic.in_dtypes[0], PartialShape(Dims{-1}));
  ic.set_output(1, ic.in_dtypes[0], PartialShape(Dims{-1}));
}

void unsorted_segment_sum_shape(InferenceContext& ic) {
  require_dtype_kind(ic, 0, "data", true);
  require_index_dtype(ic, 1, "segment_ids");
  require_index_dtype(ic, 2, "num_segments");
  require_rank(ic, 2, 0);
  const PartialShape& data = ic.in_shapes[0];
  const PartialShape& ids = ic.in_shapes[1];
  int64_t num = -1;
  if (const auto v = const_index_vector(ic, 2)) {
    num = (*v)[0];
    if (num < 0) ic.fail("num_segments must be non-negative, got " + std::to_string(num));
  }
  if (!data.rank_known() || !ids.rank_known()) {
    ic.set_output(0, ic.in_dtypes[0], PartialShape::unknown());
    return;
  }
  if (ids.rank() > data.rank())
    ic.fail("segment_ids.shape = " + ids.str() + " must be a prefix of data.shape = " +
            data.str());
  for (int i = 0; i < ids.rank(); ++i)
    if (ids.dim(i) >= 0 && data.dim(i) >= 0 && ids.dim(i) != data.dim(i))
      ic.fail("segment_ids.shape = " + ids.str() + " must be a prefix of data.shape = " +
              data.str());
  Dims out{num};
  out.insert(out.end(), data.dims().begin() + ids.rank(), data.dims().end());
  ic.set_output(0, ic.in_dtypes[0], PartialShape(out));
}

void strided_slice_grad_shape(InferenceContext& ic) {
  for (int i = 0; i < 4; ++i) require_index_dtype(ic, i, "shape, begin, end and strides");
  require_rank(ic, 0, 1);
  const DType t = ic.in_dtypes[4];
  if (const auto s = const_index_vector(ic, 0)) {
    ic.set_output(0, t, PartialShape(Dims(s->begin(), s->end())));
    return;
  }
  ic.set_output(0, t, shape_of_vector_length(ic.in_shapes[0]));
}

}  // namespace

void register_grad_ops() {
  OpRegistry& r = OpRegistry::global();
  r.add(pure({"ReluGrad", 2, 2, 0, false, activation_grad_shape("gradients", "features", true),
              fn_kernel(activation_grad::relu_grad_kernel)}));
  r.add(pure({"SigmoidGrad", 2, 2, 0, false, activation_grad_shape("y", "dy", false),
              fn_kernel(activation_grad::sigmoid_grad_kernel)}));
  r.add(pure({"TanhGrad", 2, 2, 0, false, activation_grad_shape("y", "dy", false),
              fn_kernel(activation_grad::tanh_grad_kernel)}));
  r.add(pure({"SqrtGrad", 2, 2, 0, false, activation_grad_shape("y", "dy", false),
              fn_kernel(activation_grad::sqrt_grad_kernel)}));
  r.add(pure({"ReciprocalGrad", 2, 2, 0, false, activation_grad_shape("y", "dy", false),
              fn_kernel(activation_grad::reciprocal_grad_kernel)}));
  r.add(pure({"BroadcastGradientArgs", 2, 2, 0, false, broadcast_gradient_args_shape,
              metadata_kernel<broadcast_gradient_args_kernel>()}));
  r.add(pure({"UnsortedSegmentSum", 3, 3, 0, false, unsorted_segment_sum_shape,
              fn_kernel(unsorted_segment_sum_kernel)}));
  r.add(pure({"StridedSliceGrad", 5, 5, 0, false, strided_slice_grad_shape,
              fn_kernel(strided_slice_grad_kernel)}));
}

}  // namespace pgx
