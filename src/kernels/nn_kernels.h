// Kernels of the neural-network op family: softmax and the cross-entropy losses, bias addition
// and its gradient, L2Loss, the activation functions and their gradients, selection (Select,
// SelectV2, Where) and OneHot. Shape functions and dtype rules live with the registrations in
// src/ops/nn_ops.cc and src/ops/selection_ops.cc.
#pragma once

#include "pygraphx/kernel.h"

namespace pgx {
namespace nn {

// softmax.cc: along the last axis of input 0 (rank >= 1), float32/float64.
void softmax_kernel(OpKernelContext& ctx);
void log_softmax_kernel(OpKernelContext& ctx);
// (features [B,C], labels [B,C] broadcastable) -> (loss [B], backprop [B,C]).
void softmax_xent_kernel(OpKernelContext& ctx);
// (features [B,C], labels [B] int32/int64) -> (loss [B], backprop [B,C]); a label outside
// [0, C) is an InvalidArgument naming it.
void sparse_softmax_xent_kernel(OpKernelContext& ctx);

// bias_add.cc: value + bias along the channel axis (last for NHWC, 1 for NCHW), its gradient
// (the sum over every other axis) and L2Loss (sum(x^2) / 2).
void bias_add_kernel(OpKernelContext& ctx);
void bias_add_grad_kernel(OpKernelContext& ctx);
void l2_loss_kernel(OpKernelContext& ctx);

// nn_activations.cc: elementwise functions on the shared elementwise driver.
enum class Activation {
  kElu, kSoftplus, kRelu6, kLeakyRelu, kLog1p, kExpm1,
};
enum class ActivationGrad {
  kEluGrad, kSoftplusGrad, kRelu6Grad, kLeakyReluGrad,
};
enum class NnBinary { kSquaredDifference, kDivNoNan };
KernelFn activation_kernel(Activation op);
// (gradients, features-or-outputs) of one shape -> backprops.
KernelFn activation_grad_kernel(ActivationGrad op);
KernelFn nn_binary_kernel(NnBinary op);

// select.cc
void select_kernel(OpKernelContext& ctx);     // TF1 Select: cond scalar, vector or same shape
void select_v2_kernel(OpKernelContext& ctx);  // cond, then, else broadcast together
void where_kernel(OpKernelContext& ctx);      // coordinates of true / nonzero elements

// one_hot.cc
void one_hot_kernel(OpKernelContext& ctx);

}  // namespace nn
}  // namespace pgx
