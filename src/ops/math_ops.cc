// Registrations of the elementwise math family: arithmetic and comparison ops with NumPy
// broadcasting, unary math, Relu, Cast and AddN. It owns their shape functions and dtype rules;
// the kernels are in src/kernels/elementwise_ops.cc.
#include <string>

#include "kernels/elementwise_ops.h"
#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"
#include "shape_helpers.h"

namespace pgx {

namespace {

using elementwise::BinaryOp;
using elementwise::UnaryOp;

// Allowed input dtypes, as a bit set.
enum Allow : unsigned {
  kFloat = 1u,
  kInt = 2u,
  kBool = 4u,
  kNumeric = kFloat | kInt,
  kAll = kFloat | kInt | kBool,
};

std::string allowed_list(unsigned allow) {
  std::string s;
  auto add = [&s](const char* n) { s += s.empty() ? n : std::string(", ") + n; };
  if (allow & kFloat) add("float32"), add("float64");
  if (allow & kInt) add("int32"), add("int64");
  if (allow & kBool) add("bool");
  return s;
}

bool is_allowed(DType t, unsigned allow) {
  if (dtype_is_floating(t)) return allow & kFloat;
  if (dtype_is_integer(t)) return allow & kInt;
  if (t == DType::kBool) return allow & kBool;
  return false;
}

// TF's op-definition type check: a TypeError at build time.
void check_dtype(const InferenceContext& ic, int input, const char* param, unsigned allow) {
  const DType t = ic.in_dtypes[input];
  if (!is_allowed(t, allow))
    throw TypeError("Value passed to parameter '" + std::string(param) + "' has DataType " +
                    dtype_name(t) + " not in list of allowed values: " + allowed_list(allow) +
                    " (op '" + ic.op_type + "', node '" + ic.node_name + "')");
}

ShapeFn binary_shape(unsigned allow, bool bool_out) {
  return [allow, bool_out](InferenceContext& ic) {
    check_dtype(ic, 0, "x", allow);
    if (ic.in_dtypes[1] != ic.in_dtypes[0])
      throw TypeError("Input 'y' of '" + ic.op_type + "' Op has type " +
                      dtype_name(ic.in_dtypes[1]) + " that does not match type " +
                      dtype_name(ic.in_dtypes[0]) + " of argument 'x' (node '" + ic.node_name +
                      "').");
    ic.set_output(0, bool_out ? DType::kBool : ic.in_dtypes[0],
                  broadcast_shapes(ic, ic.in_shapes[0], ic.in_shapes[1]));
  };
}

ShapeFn unary_shape(unsigned allow, const char* param) {
  return [allow, param](InferenceContext& ic) {
    check_dtype(ic, 0, param, allow);
    ic.set_output(0, ic.in_dtypes[0], ic.in_shapes[0]);
  };
}

void cast_shape(InferenceContext& ic) {
  ic.set_output(0, ic.attrs.get<DType>("DstT"), ic.in_shapes[0]);
}

void add_n_shape(InferenceContext& ic) {
  check_dtype(ic, 0, "inputs", kNumeric);
  PartialShape merged = ic.in_shapes[0];
  for (int i = 1; i < ic.num_inputs(); ++i) {
    if (ic.in_dtypes[i] != ic.in_dtypes[0])
      throw TypeError("Tensors in list passed to 'inputs' of 'AddN' Op have types that don't "
                      "all match: input " + std::to_string(i) + " is " +
                      dtype_name(ic.in_dtypes[i]) + ", input 0 is " +
                      dtype_name(ic.in_dtypes[0]));
    if (!merged.compatible_with(ic.in_shapes[i]))
      ic.fail("Inputs to AddN must all have the same shape, but input 0 has shape " +
              ic.in_shapes[0].str() + " and input " + std::to_string(i) + " has shape " +
              ic.in_shapes[i].str());
    merged = merged.merge_with(ic.in_shapes[i]);
  }
  ic.set_output(0, ic.in_dtypes[0], merged);
}

void add_binary(OpRegistry& r, const char* type, BinaryOp op, unsigned allow, bool bool_out) {
  r.add(pure({type, 2, 2, 0, false, binary_shape(allow, bool_out),
              fn_kernel(elementwise::binary_kernel(op))}));
}

void add_unary(OpRegistry& r, const char* type, UnaryOp op, unsigned allow,
               const char* param = "x") {
  r.add(pure({type, 1, 1, 0, false, unary_shape(allow, param),
              fn_kernel(elementwise::unary_kernel(op))}));
}

}  // namespace

void register_math_ops() {
  OpRegistry& r = OpRegistry::global();
  add_binary(r, "Add", BinaryOp::kAdd, kNumeric, false);
  add_binary(r, "AddV2", BinaryOp::kAdd, kNumeric, false);
  add_binary(r, "Sub", BinaryOp::kSub, kNumeric, false);
  add_binary(r, "Mul", BinaryOp::kMul, kNumeric, false);
  add_binary(r, "RealDiv", BinaryOp::kRealDiv, kFloat, false);
  add_binary(r, "FloorDiv", BinaryOp::kFloorDiv, kNumeric, false);
  add_binary(r, "FloorMod", BinaryOp::kFloorMod, kNumeric, false);
  add_binary(r, "Maximum", BinaryOp::kMaximum, kNumeric, false);
  add_binary(r, "Minimum", BinaryOp::kMinimum, kNumeric, false);
  add_binary(r, "Pow", BinaryOp::kPow, kNumeric, false);
  add_binary(r, "Less", BinaryOp::kLess, kNumeric, true);
  add_binary(r, "LessEqual", BinaryOp::kLessEqual, kNumeric, true);
  add_binary(r, "Greater", BinaryOp::kGreater, kNumeric, true);
  add_binary(r, "GreaterEqual", BinaryOp::kGreaterEqual, kNumeric, true);
  add_binary(r, "Equal", BinaryOp::kEqual, kAll, true);
  add_binary(r, "NotEqual", BinaryOp::kNotEqual, kAll, true);
  add_binary(r, "LogicalAnd", BinaryOp::kLogicalAnd, kBool, true);
  add_binary(r, "LogicalOr", BinaryOp::kLogicalOr, kBool, true);

  add_unary(r, "Neg", UnaryOp::kNeg, kNumeric);
  add_unary(r, "Abs", UnaryOp::kAbs, kNumeric);
  add_unary(r, "Square", UnaryOp::kSquare, kNumeric);
  add_unary(r, "Sign", UnaryOp::kSign, kNumeric);
  add_unary(r, "Relu", UnaryOp::kRelu, kNumeric, "features");
  add_unary(r, "Sqrt", UnaryOp::kSqrt, kFloat);
  add_unary(r, "Exp", UnaryOp::kExp, kFloat);
  add_unary(r, "Log", UnaryOp::kLog, kFloat);
  add_unary(r, "Sigmoid", UnaryOp::kSigmoid, kFloat);
  add_unary(r, "Tanh", UnaryOp::kTanh, kFloat);
  add_unary(r, "Reciprocal", UnaryOp::kReciprocal, kFloat);
  add_unary(r, "LogicalNot", UnaryOp::kLogicalNot, kBool);

  r.add(pure({"Cast", 1, 1, 0, false, cast_shape, fn_kernel(elementwise::cast_kernel)}));
  r.add(pure({"AddN", 1, -1, 0, false, add_n_shape, fn_kernel(elementwise::add_n_kernel)}));
}

}  // namespace pgx
