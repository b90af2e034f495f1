// Kernels of the elementwise math family, built on the shared elementwise driver: binary ops
// with NumPy broadcasting, unary ops, Cast and AddN. Shape functions live with the op
// registrations in src/ops/math_ops.cc.
#pragma once

#include <cstdint>

#include "pygraphx/kernel.h"

namespace pgx {
namespace elementwise {

enum class BinaryOp {
  kAdd, kSub, kMul, kRealDiv, kFloorDiv, kFloorMod, kMaximum, kMinimum, kPow,
  kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual, kLogicalAnd, kLogicalOr,
};

enum class UnaryOp {
  kNeg, kAbs, kSquare, kSign, kRelu, kSqrt, kExp, kLog, kSigmoid, kTanh, kReciprocal,
  kLogicalNot,
};

// The kernel of a binary op on inputs 0 and 1 (same dtype; output dtype bool for comparisons
// and logic). Integer FloorDiv/FloorMod by zero and integer Pow to a negative power raise
// InvalidArgument; incompatible shapes raise InvalidArgument naming both.
KernelFn binary_kernel(BinaryOp op);
// The kernel of a unary op on input 0.
KernelFn unary_kernel(UnaryOp op);
// The float32 loop (out[i] = f(in[i]), in may equal out) that the kernel of Exp, Tanh or
// Sigmoid runs on this CPU: the AVX2+FMA variant when available. Fused kernels call it so that
// their results match the unfused op's bit for bit. InvalidArgument for other ops.
using F32UnaryLoop = void (*)(const float*, float*, int64_t);
F32UnaryLoop f32_unary_loop(UnaryOp op);
// Cast of input 0 to the DstT attribute's dtype.
void cast_kernel(OpKernelContext& ctx);
// Sum of N inputs of one shape and dtype.
void add_n_kernel(OpKernelContext& ctx);

}  // namespace elementwise
}  // namespace pgx
