// Kernels of the fused gradient ops of elementwise activations (TF's raw ops of the same
// names): ReluGrad(gradients, features), SigmoidGrad(y, dy), TanhGrad(y, dy), SqrtGrad(y, dy)
// and ReciprocalGrad(y, dy). Both inputs have one shape; the output has it too.
#pragma once

#include "pygraphx/kernel.h"

namespace pgx {
namespace activation_grad {

void relu_grad_kernel(OpKernelContext& ctx);
void sigmoid_grad_kernel(OpKernelContext& ctx);
void tanh_grad_kernel(OpKernelContext& ctx);
void sqrt_grad_kernel(OpKernelContext& ctx);
void reciprocal_grad_kernel(OpKernelContext& ctx);

}  // namespace activation_grad
}  // namespace pgx
