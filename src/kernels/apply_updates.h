// The element loops of the optimizer update ops (ApplyGradientDescent, ApplyMomentum, ApplyAdam,
// ApplyRMSProp, ApplyCenteredRMSProp, ApplyAdagrad): one pass over [0, n) that reads the old
// variable, slots and gradient and writes the new variable and slots into separate buffers.
//
// Every pointer argument is a distinct buffer (outputs never alias inputs), so the loops are
// declared __restrict and vectorise. Callers split big variables into ranges and pass offset
// pointers; element i of every output depends only on element i of the inputs.
#pragma once

#include <cstdint>

namespace pgx {
namespace apply_updates {

// var_out = var - alpha * grad
template <typename T>
void gradient_descent(int64_t n, const T* var, const T* grad, T alpha, T* var_out);

// accum_out = accum * momentum + grad
// var_out   = var - lr * accum_out                                   (plain)
// var_out   = var - (grad * lr + accum_out * momentum * lr)          (Nesterov)
template <typename T>
void momentum(int64_t n, const T* var, const T* accum, const T* grad, T lr, T momentum,
              bool nesterov, T* var_out, T* accum_out);

// The step-invariant part of Adam: lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t).
template <typename T>
struct AdamCoefficients {
  T lr_t;
  T beta1;
  T beta2;
  T epsilon;
};

// m_out   = m + (grad - m) * (1 - beta1)
// v_out   = v + (grad^2 - v) * (1 - beta2)
// var_out = var - lr_t * m_out / (sqrt(v_out) + epsilon)                              (plain)
// var_out = var - lr_t * (grad * (1 - beta1) + beta1 * m_out) / (sqrt(v_out) + eps)   (Nesterov)
template <typename T>
void adam(int64_t n, const T* var, const T* m, const T* v, const T* grad,
          const AdamCoefficients<T>& c, bool nesterov, T* var_out, T* m_out, T* v_out);

// ms_out  = ms + (grad^2 - ms) * (1 - rho)
// mom_out = mom * momentum + lr * grad / sqrt(ms_out + epsilon)
// var_out = var - mom_out
template <typename T>
void rmsprop(int64_t n, const T* var, const T* ms, const T* mom, const T* grad, T lr, T rho,
             T momentum, T epsilon, T* var_out, T* ms_out, T* mom_out);

// As rmsprop, with the mean gradient mg subtracted from the second moment:
// mg_out  = mg + (grad - mg) * (1 - rho)
// mom_out = mom * momentum + lr * grad / sqrt(ms_out - mg_out^2 + epsilon)
template <typename T>
void centered_rmsprop(int64_t n, const T* var, const T* mg, const T* ms, const T* mom,
                      const T* grad, T lr, T rho, T momentum, T epsilon, T* var_out, T* mg_out,
                      T* ms_out, T* mom_out);

// accum_out = accum + grad^2
// var_out   = var - lr * grad / sqrt(accum_out)
template <typename T>
void adagrad(int64_t n, const T* var, const T* accum, const T* grad, T lr, T* var_out,
             T* accum_out);
// The same step without updating the accumulator (update_slots=false): var_out only.
template <typename T>
void adagrad_fixed_accum(int64_t n, const T* var, const T* accum, const T* grad, T lr,
                         T* var_out);

}  // namespace apply_updates
}  // namespace pgx
