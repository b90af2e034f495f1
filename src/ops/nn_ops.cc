// Registrations of the neural-network op family: Softmax, LogSoftmax, the softmax
// cross-entropy losses, L2Loss, BiasAdd and BiasAddGrad, the activations Elu, Softplus, Relu6
// and LeakyRelu with their gradient ops, and Log1p, Expm1, SquaredDifference and DivNoNan. It
// owns their shape functions and dtype rules; the kernels are in src/kernels/ (nn_kernels.h).
#include <string>

#include "kernels/nn_kernels.h"
#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"
#include "shape_helpers.h"

namespace pgx {

void register_selection_ops();

namespace {

using nn::Activation;
using nn::ActivationGrad;
using nn::NnBinary;

enum Allow : unsigned { kFloat = 1u, kInt = 2u, kNumeric = kFloat | kInt };

// TF's op-definition type check: a TypeError at build time naming the parameter.
void check_dtype(const InferenceContext& ic, int input, const char* param, unsigned allow) {
  const DType t = ic.in_dtypes[input];
  const bool ok = (dtype_is_floating(t) && (allow & kFloat)) ||
                  (dtype_is_integer(t) && (allow & kInt));
  if (!ok)
    throw TypeError("Value passed to parameter '" + std::string(param) + "' has DataType " +
                    dtype_name(t) + " not in list of allowed values: " +
                    (allow & kInt ? "float32, float64, int32, int64" : "float32, float64") +
                    " (op '" + ic.op_type + "', node '" + ic.node_name + "')");
}

// Input `i` must have input `first`'s dtype (TF's "Input 'y' of 'Op' Op has type ...").
void check_same_dtype(const InferenceContext& ic, int i, const char* param, int first,
                      const char* first_param) {
  if (ic.in_dtypes[i] != ic.in_dtypes[first])
    throw TypeError("Input '" + std::string(param) + "' of '" + ic.op_type + "' Op has type " +
                    dtype_name(ic.in_dtypes[i]) + " that does not match type " +
                    dtype_name(ic.in_dtypes[first]) + " of argument '" + first_param + "'.");
}

void require_min_rank(const InferenceContext& ic, int i, int rank) {
  const PartialShape& s = ic.in_shapes[i];
  if (s.rank_known() && s.rank() < rank)
    ic.fail("Shape must be at least rank " + std::to_string(rank) + " but is rank " +
            std::to_string(s.rank()));
}

void require_exact_rank(const InferenceContext& ic, int i, int rank) {
  const PartialShape& s = ic.in_shapes[i];
  if (s.rank_known() && s.rank() != rank)
    ic.fail("Shape must be rank " + std::to_string(rank) + " but is rank " +
            std::to_string(s.rank()));
}

// Two dimensions that must be equal (-1 is unknown); returns the known one.
int64_t merge_dim(const InferenceContext& ic, int64_t a, int64_t b) {
  if (a >= 0 && b >= 0 && a != b)
    ic.fail("Dimensions must be equal, but are " + std::to_string(a) + " and " +
            std::to_string(b));
  return a >= 0 ? a : b;
}

// Two dimensions that must broadcast (equal, or one of them 1).
int64_t broadcast_dim(const InferenceContext& ic, int64_t a, int64_t b) {
  if (a == 1) return b;
  if (b == 1) return a;
  return merge_dim(ic, a, b);
}

int64_t dim_or_unknown(const PartialShape& s, int i) {
  return s.rank_known() ? s.dim(i) : -1;
}

// ---- shape functions -------------------------------------------------------------------------

void softmax_shape(InferenceContext& ic) {
  check_dtype(ic, 0, "logits", kFloat);
  require_min_rank(ic, 0, 1);
  ic.set_output(0, ic.in_dtypes[0], ic.in_shapes[0]);
}

void xent_shape(InferenceContext& ic) {
  check_dtype(ic, 0, "features", kFloat);
  check_same_dtype(ic, 1, "labels", 0, "features");
  for (int i = 0; i < 2; ++i) {
    const PartialShape& s = ic.in_shapes[i];
    if (s.rank_known() && s.rank() != 2)
      ic.fail("Shape must be broadcasted with rank 2, but is rank " + std::to_string(s.rank()));
  }
  const PartialShape& f = ic.in_shapes[0];
  const PartialShape& l = ic.in_shapes[1];
  const int64_t b = broadcast_dim(ic, dim_or_unknown(f, 0), dim_or_unknown(l, 0));
  const int64_t c = broadcast_dim(ic, dim_or_unknown(f, 1), dim_or_unknown(l, 1));
  ic.set_output(0, ic.in_dtypes[0], PartialShape(Dims{b}));
  ic.set_output(1, ic.in_dtypes[0], PartialShape(Dims{b, c}));
}

void sparse_xent_shape(InferenceContext& ic) {
  check_dtype(ic, 0, "features", kFloat);
  const DType lt = ic.in_dtypes[1];
  if (lt != DType::kInt32 && lt != DType::kInt64)
    throw TypeError("Value passed to parameter 'labels' has DataType " +
                    std::string(dtype_name(lt)) +
                    " not in list of allowed values: int32, int64");
  require_exact_rank(ic, 0, 2);
  require_exact_rank(ic, 1, 1);
  const PartialShape& f = ic.in_shapes[0];
  const int64_t b = merge_dim(ic, dim_or_unknown(f, 0), dim_or_unknown(ic.in_shapes[1], 0));
  ic.set_output(0, ic.in_dtypes[0], PartialShape(Dims{b}));
  ic.set_output(1, ic.in_dtypes[0], PartialShape(Dims{b, dim_or_unknown(f, 1)}));
}

void l2_loss_shape(InferenceContext& ic) {
  check_dtype(ic, 0, "t", kFloat);
  ic.set_output(0, ic.in_dtypes[0], PartialShape(Dims{}));
}

std::string data_format(const InferenceContext& ic) {
  const std::string f = ic.attrs.get_or<std::string>("data_format", "NHWC");
  if (f != "NHWC" && f != "NCHW") ic.fail("Invalid data format string: " + f);
  return f;
}

// The channel axis of a value of rank r (rank known).
int channel_axis(const std::string& format, int r) {
  return format == "NCHW" && r >= 3 ? 1 : r - 1;
}

void bias_add_shape(InferenceContext& ic) {
  check_dtype(ic, 0, "value", kNumeric);
  check_same_dtype(ic, 1, "bias", 0, "value");
  const std::string format = data_format(ic);
  require_min_rank(ic, 0, 2);
  require_exact_rank(ic, 1, 1);
  PartialShape out = ic.in_shapes[0];
  if (out.rank_known()) {
    Dims d = out.dims();
    const int axis = channel_axis(format, out.rank());
    d[axis] = merge_dim(ic, d[axis], dim_or_unknown(ic.in_shapes[1], 0));
    out = PartialShape(d);
  }
  ic.set_output(0, ic.in_dtypes[0], out);
}

void bias_add_grad_shape(InferenceContext& ic) {
  check_dtype(ic, 0, "out_backprop", kNumeric);
  const std::string format = data_format(ic);
  require_min_rank(ic, 0, 2);
  const PartialShape& s = ic.in_shapes[0];
  const int64_t c = s.rank_known() ? s.dim(channel_axis(format, s.rank())) : -1;
  ic.set_output(0, ic.in_dtypes[0], PartialShape(Dims{c}));
}

ShapeFn unary_shape(unsigned allow, const char* param) {
  return [allow, param](InferenceContext& ic) {
    check_dtype(ic, 0, param, allow);
    ic.set_output(0, ic.in_dtypes[0], ic.in_shapes[0]);
  };
}

// (gradients, features) of one shape.
ShapeFn grad_shape(unsigned allow, const char* second) {
  return [allow, second](InferenceContext& ic) {
    check_dtype(ic, 0, "gradients", allow);
    check_same_dtype(ic, 1, second, 0, "gradients");
    const PartialShape& a = ic.in_shapes[0];
    const PartialShape& b = ic.in_shapes[1];
    if (!a.compatible_with(b))
      ic.fail("Shapes " + a.str() + " and " + b.str() + " must be equal");
    ic.set_output(0, ic.in_dtypes[0], a.merge_with(b));
  };
}

ShapeFn broadcast_binary_shape(unsigned allow) {
  return [allow](InferenceContext& ic) {
    check_dtype(ic, 0, "x", allow);
    check_same_dtype(ic, 1, "y", 0, "x");
    ic.set_output(0, ic.in_dtypes[0], broadcast_shapes(ic, ic.in_shapes[0], ic.in_shapes[1]));
  };
}

void add_unary(OpRegistry& r, const char* type, Activation op, unsigned allow,
               const char* param) {
  r.add(pure({type, 1, 1, 0, false, unary_shape(allow, param),
              fn_kernel(nn::activation_kernel(op))}));
}

void add_grad(OpRegistry& r, const char* type, ActivationGrad op, unsigned allow,
              const char* second) {
  r.add(pure({type, 2, 2, 0, false, grad_shape(allow, second),
              fn_kernel(nn::activation_grad_kernel(op))}));
}

}  // namespace

void register_nn_ops() {
  OpRegistry& r = OpRegistry::global();
  r.add(pure({"Softmax", 1, 1, 0, false, softmax_shape, fn_kernel(nn::softmax_kernel)}));
  r.add(pure({"LogSoftmax", 1, 1, 0, false, softmax_shape, fn_kernel(nn::log_softmax_kernel)}));
  r.add(pure({"SoftmaxCrossEntropyWithLogits", 2, 2, 0, false, xent_shape,
              fn_kernel(nn::softmax_xent_kernel)}));
  r.add(pure({"SparseSoftmaxCrossEntropyWithLogits", 2, 2, 0, false, sparse_xent_shape,
              fn_kernel(nn::sparse_softmax_xent_kernel)}));
  r.add(pure({"L2Loss", 1, 1, 0, false, l2_loss_shape, fn_kernel(nn::l2_loss_kernel)}));
  r.add(pure({"BiasAdd", 2, 2, 0, false, bias_add_shape, fn_kernel(nn::bias_add_kernel)}));
  r.add(pure({"BiasAddGrad", 1, 1, 0, false, bias_add_grad_shape,
              fn_kernel(nn::bias_add_grad_kernel)}));

  add_unary(r, "Elu", Activation::kElu, kFloat, "features");
  add_unary(r, "Softplus", Activation::kSoftplus, kFloat, "features");
  add_unary(r, "Relu6", Activation::kRelu6, kNumeric, "features");
  add_unary(r, "LeakyRelu", Activation::kLeakyRelu, kFloat, "features");
  add_unary(r, "Log1p", Activation::kLog1p, kFloat, "x");
  add_unary(r, "Expm1", Activation::kExpm1, kFloat, "x");
  add_grad(r, "EluGrad", ActivationGrad::kEluGrad, kFloat, "outputs");
  add_grad(r, "SoftplusGrad", ActivationGrad::kSoftplusGrad, kFloat, "features");
  add_grad(r, "Relu6Grad", ActivationGrad::kRelu6Grad, kNumeric, "features");
  add_grad(r, "LeakyReluGrad", ActivationGrad::kLeakyReluGrad, kFloat, "features");

  r.add(pure({"SquaredDifference", 2, 2, 0, false, broadcast_binary_shape(kNumeric),
              fn_kernel(nn::nn_binary_kernel(NnBinary::kSquaredDifference))}));
  r.add(pure({"DivNoNan", 2, 2, 0, false, broadcast_binary_shape(kFloat),
              fn_kernel(nn::nn_binary_kernel(NnBinary::kDivNoNan))}));

  register_selection_ops();
}

}  // namespace pgx
