// Kernels of the fused activation gradients on the shared elementwise driver: one pass over
// the two inputs, written in place into one of them when this run holds its only reference.
#include "kernels/activation_grad.h"

#include <string>

#include "kernels/elementwise.h"
#include "ops/shape_helpers.h"
#include "pygraphx/status.h"

namespace pgx {
namespace activation_grad {

namespace {

// ReluGrad(g, f): g where f > 0, else 0.
struct ReluGradF {
  template <typename T>
  T operator()(T g, T f) const { return f > T(0) ? g : T(0); }
};
// SigmoidGrad(y, dy) = dy * y * (1 - y).
struct SigmoidGradF {
  template <typename T>
  T operator()(T y, T dy) const { return dy * (y * (T(1) - y)); }
};
// TanhGrad(y, dy) = dy * (1 - y^2).
struct TanhGradF {
  template <typename T>
  T operator()(T y, T dy) const { return dy * (T(1) - y * y); }
};
// SqrtGrad(y, dy) = dy * 0.5 / y.
struct SqrtGradF {
  template <typename T>
  T operator()(T y, T dy) const { return (T(0.5) * dy) / y; }
};
// ReciprocalGrad(y, dy) = -dy * y^2.
struct ReciprocalGradF {
  template <typename T>
  T operator()(T y, T dy) const { return -dy * (y * y); }
};

void check_same_shape(const OpKernelContext& ctx) {
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  if (a.shape() != b.shape())
    throw_invalid(ctx.node().type() + " needs inputs of one shape, got " +
                  dims_bracket(a.shape()) + " and " + dims_bracket(b.shape()));
  if (a.dtype() != b.dtype())
    throw_invalid(ctx.node().type() + " needs inputs of one dtype, got " +
                  dtype_name(a.dtype()) + " and " + dtype_name(b.dtype()));
}

template <typename F>
void floating(OpKernelContext& ctx, double cost) {
  check_same_shape(ctx);
  visit_floating(ctx.input(0).dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    elementwise::compute_binary<T, T>(ctx, F{}, cost);
  });
}

}  // namespace

void relu_grad_kernel(OpKernelContext& ctx) {
  check_same_shape(ctx);
  visit_numeric(ctx.input(0).dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    elementwise::compute_binary<T, T>(ctx, ReluGradF{}, 1.0);
  });
}

void sigmoid_grad_kernel(OpKernelContext& ctx) { floating<SigmoidGradF>(ctx, 1.0); }
void tanh_grad_kernel(OpKernelContext& ctx) { floating<TanhGradF>(ctx, 1.0); }
void sqrt_grad_kernel(OpKernelContext& ctx) { floating<SqrtGradF>(ctx, 2.0); }
void reciprocal_grad_kernel(OpKernelContext& ctx) { floating<ReciprocalGradF>(ctx, 1.0); }

}  // namespace activation_grad
}  // namespace pgx
