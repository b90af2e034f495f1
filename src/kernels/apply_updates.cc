// The optimizer update loops declared in apply_updates.h, instantiated for float and double.
#include "kernels/apply_updates.h"

#include <cmath>

namespace pgx {
namespace apply_updates {

template <typename T>
void gradient_descent(int64_t n, const T* __restrict var, const T* __restrict grad, T alpha,
                      T* __restrict var_out) {
  for (int64_t i = 0; i < n; ++i) var_out[i] = var[i] - alpha * grad[i];
}

template <typename T>
void momentum(int64_t n, const T* __restrict var, const T* __restrict accum,
              const T* __restrict grad, T lr, T momentum, bool nesterov, T* __restrict var_out,
              T* __restrict accum_out) {
  if (nesterov) {
    for (int64_t i = 0; i < n; ++i) {
      const T a = accum[i] * momentum + grad[i];
      accum_out[i] = a;
      var_out[i] = var[i] - (grad[i] * lr + a * momentum * lr);
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      const T a = accum[i] * momentum + grad[i];
      accum_out[i] = a;
      var_out[i] = var[i] - lr * a;
    }
  }
}

template <typename T>
void adam(int64_t n, const T* __restrict var, const T* __restrict m, const T* __restrict v,
          const T* __restrict grad, const AdamCoefficients<T>& c, bool nesterov,
          T* __restrict var_out, T* __restrict m_out, T* __restrict v_out) {
  const T one_minus_beta1 = T(1) - c.beta1;
  const T one_minus_beta2 = T(1) - c.beta2;
  const T lr_t = c.lr_t, beta1 = c.beta1, eps = c.epsilon;
  if (nesterov) {
    for (int64_t i = 0; i < n; ++i) {
      const T g = grad[i];
      const T mi = m[i] + (g - m[i]) * one_minus_beta1;
      const T vi = v[i] + (g * g - v[i]) * one_minus_beta2;
      m_out[i] = mi;
      v_out[i] = vi;
      var_out[i] = var[i] - (g * one_minus_beta1 + beta1 * mi) * lr_t / (std::sqrt(vi) + eps);
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      const T g = grad[i];
      const T mi = m[i] + (g - m[i]) * one_minus_beta1;
      const T vi = v[i] + (g * g - v[i]) * one_minus_beta2;
      m_out[i] = mi;
      v_out[i] = vi;
      var_out[i] = var[i] - mi * lr_t / (std::sqrt(vi) + eps);
    }
  }
}

template <typename T>
void rmsprop(int64_t n, const T* __restrict var, const T* __restrict ms,
             const T* __restrict mom, const T* __restrict grad, T lr, T rho, T momentum,
             T epsilon, T* __restrict var_out, T* __restrict ms_out, T* __restrict mom_out) {
  const T one_minus_rho = T(1) - rho;
  for (int64_t i = 0; i < n; ++i) {
    const T g = grad[i];
    const T s = ms[i] + (g * g - ms[i]) * one_minus_rho;
    const T p = mom[i] * momentum + lr * g / std::sqrt(s + epsilon);
    ms_out[i] = s;
    mom_out[i] = p;
    var_out[i] = var[i] - p;
  }
}

template <typename T>
void centered_rmsprop(int64_t n, const T* __restrict var, const T* __restrict mg,
                      const T* __restrict ms, const T* __restrict mom, const T* __restrict grad,
                      T lr, T rho, T momentum, T epsilon, T* __restrict var_out,
                      T* __restrict mg_out, T* __restrict ms_out, T* __restrict mom_out) {
  const T one_minus_rho = T(1) - rho;
  for (int64_t i = 0; i < n; ++i) {
    const T g = grad[i];
    const T s = ms[i] + (g * g - ms[i]) * one_minus_rho;
    const T a = mg[i] + (g - mg[i]) * one_minus_rho;
    const T p = mom[i] * momentum + lr * g / std::sqrt(s - a * a + epsilon);
    ms_out[i] = s;
    mg_out[i] = a;
    mom_out[i] = p;
    var_out[i] = var[i] - p;
  }
}

template <typename T>
void adagrad(int64_t n, const T* __restrict var, const T* __restrict accum,
             const T* __restrict grad, T lr, T* __restrict var_out, T* __restrict accum_out) {
  for (int64_t i = 0; i < n; ++i) {
    const T g = grad[i];
    const T a = accum[i] + g * g;
    accum_out[i] = a;
    var_out[i] = var[i] - g * lr * (T(1) / std::sqrt(a));
  }
}

template <typename T>
void adagrad_fixed_accum(int64_t n, const T* __restrict var, const T* __restrict accum,
                         const T* __restrict grad, T lr, T* __restrict var_out) {
  for (int64_t i = 0; i < n; ++i)
    var_out[i] = var[i] - grad[i] * lr * (T(1) / std::sqrt(accum[i]));
}

#define PGX_INSTANTIATE_APPLY_UPDATES(T)                                                      \
  template void gradient_descent<T>(int64_t, const T*, const T*, T, T*);                      \
  template void momentum<T>(int64_t, const T*, const T*, const T*, T, T, bool, T*, T*);       \
  template void adam<T>(int64_t, const T*, const T*, const T*, const T*,                      \
                        const AdamCoefficients<T>&, bool, T*, T*, T*);                        \
  template void rmsprop<T>(int64_t, const T*, const T*, const T*, const T*, T, T, T, T, T*,   \
                           T*, T*);                                                           \
  template void centered_rmsprop<T>(int64_t, const T*, const T*, const T*, const T*,          \
                                    const T*, T, T, T, T, T*, T*, T*, T*);                    \
  template void adagrad<T>(int64_t, const T*, const T*, const T*, T, T*, T*);                 \
  template void adagrad_fixed_accum<T>(int64_t, const T*, const T*, const T*, T, T*);

PGX_INSTANTIATE_APPLY_UPDATES(float)
PGX_INSTANTIATE_APPLY_UPDATES(double)

#undef PGX_INSTANTIATE_APPLY_UPDATES

}  // namespace apply_updates
}  // namespace pgx
