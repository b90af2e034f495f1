// Activation functions (Elu, Softplus, Relu6, LeakyRelu), their gradient kernels, Log1p, Expm1,
// SquaredDifference and DivNoNan on the shared elementwise driver. Float32 functions built on
// exp get an AVX2+FMA loop chosen at run time, as the math family's do.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels/elementwise.h"
#include "kernels/elementwise_math.h"
#include "kernels/nn_kernels.h"
#include "ops/shape_helpers.h"
#include "pygraphx/status.h"

namespace pgx {
namespace nn {

namespace {

using elementwise::compute_binary;
using elementwise::compute_unary;
using elementwise::best_f32_loop;
using elementwise::compute_unary_loop;
using elementwise::fast_expf;

inline float exp_of(float x) { return fast_expf(x); }
inline double exp_of(double x) { return std::exp(x); }

// ---- functors --------------------------------------------------------------------------------

// x for x >= 0, exp(x) - 1 below.
struct EluF {
  template <typename T>
  T operator()(T x) const { return x < T(0) ? exp_of(x) - T(1) : x; }
};
// log(1 + exp(x)) without overflow: x itself when exp(x) is beyond the type's precision, exp(x)
// when it is below it.
struct SoftplusF {
  template <typename T>
  T operator()(T x) const {
    const T threshold = static_cast<T>(std::log(std::numeric_limits<T>::epsilon()) + 2);
    const T e = exp_of(x > -threshold ? T(0) : x);  // never overflows
    return x > -threshold ? x : (x < threshold ? e : static_cast<T>(std::log1p(e)));
  }
};
struct Relu6F {
  template <typename T>
  T operator()(T x) const { return x < T(0) ? T(0) : (x > T(6) ? T(6) : x); }
};
struct LeakyReluF {
  double alpha;
  template <typename T>
  T operator()(T x) const { return x > T(0) ? x : static_cast<T>(alpha) * x; }
};
struct Log1pF {
  template <typename T>
  T operator()(T x) const { return std::log1p(x); }
};
struct Expm1F {
  template <typename T>
  T operator()(T x) const { return std::expm1(x); }
};

// Gradients: (g, y) -> backprop, y being the op's output (Elu) or input (the others).
struct EluGradF {
  template <typename T>
  T operator()(T g, T y) const { return y < T(0) ? g * (y + T(1)) : g; }
};
struct SoftplusGradF {
  template <typename T>
  T operator()(T g, T x) const { return g / (T(1) + exp_of(-x)); }
};
struct Relu6GradF {
  template <typename T>
  T operator()(T g, T x) const { return (x > T(0) && x < T(6)) ? g : T(0); }
};
struct LeakyReluGradF {
  double alpha;
  template <typename T>
  T operator()(T g, T x) const { return x > T(0) ? g : static_cast<T>(alpha) * g; }
};

struct SquaredDifferenceF {
  template <typename T>
  T operator()(T a, T b) const {
    const T d = elementwise::wrap_sub(a, b);
    return elementwise::wrap_mul(d, d);
  }
};
struct DivNoNanF {
  template <typename T>
  T operator()(T a, T b) const { return b == T(0) ? T(0) : a / b; }
};


// ---- kernels ---------------------------------------------------------------------------------

template <typename F>
constexpr bool kUsesExp =
    std::is_same_v<F, EluF> || std::is_same_v<F, SoftplusF> || std::is_same_v<F, SoftplusGradF>;

template <typename F, typename T>
constexpr double cost() {
  if constexpr (kUsesExp<F>) return std::is_same_v<T, float> ? 4.0 : 16.0;
  if constexpr (std::is_same_v<F, Log1pF> || std::is_same_v<F, Expm1F>) return 15.0;
  if constexpr (std::is_same_v<F, DivNoNanF>) return 2.0;
  return 1.0;
}

template <typename F>
void unary_floating(OpKernelContext& ctx) {
  visit_floating(ctx.input(0).dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, float> && kUsesExp<F>) {
      compute_unary_loop<T, T>(ctx, best_f32_loop<F>(), cost<F, T>());
    } else {
      compute_unary<T, T>(ctx, F{}, cost<F, T>());
    }
  });
}

template <typename F>
void unary_numeric(OpKernelContext& ctx) {
  visit_numeric(ctx.input(0).dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    compute_unary<T, T>(ctx, F{}, cost<F, T>());
  });
}

void leaky_relu(OpKernelContext& ctx) {
  const LeakyReluF f{ctx.attrs().get_or<double>("alpha", 0.2)};
  visit_floating(ctx.input(0).dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    compute_unary<T, T>(ctx, f, 1.0);
  });
}

// Gradient kernels take two inputs of one shape (checked: the driver would broadcast).
void require_same_shape(const OpKernelContext& ctx) {
  if (ctx.input(0).shape() != ctx.input(1).shape())
    throw_invalid("gradients and features must have the same shape, got " +
                  dims_bracket(ctx.input(0).shape()) + " and " +
                  dims_bracket(ctx.input(1).shape()));
}

template <bool kNumeric, typename F>
void grad_with(OpKernelContext& ctx, const F& f) {
  require_same_shape(ctx);
  auto run = [&](auto tag) {
    using T = typename decltype(tag)::type;
    compute_binary<T, T>(ctx, f, cost<F, T>());
  };
  if constexpr (kNumeric) {
    visit_numeric(ctx.input(0).dtype(), run);
  } else {
    visit_floating(ctx.input(0).dtype(), run);
  }
}

template <typename F>
void grad_floating(OpKernelContext& ctx) {
  grad_with<false>(ctx, F{});
}

void relu6_grad(OpKernelContext& ctx) { grad_with<true>(ctx, Relu6GradF{}); }

void leaky_relu_grad(OpKernelContext& ctx) {
  grad_with<false>(ctx, LeakyReluGradF{ctx.attrs().get_or<double>("alpha", 0.2)});
}

void squared_difference(OpKernelContext& ctx) {
  visit_numeric(ctx.input(0).dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    compute_binary<T, T>(ctx, SquaredDifferenceF{}, 1.0);
  });
}

void div_no_nan(OpKernelContext& ctx) {
  visit_floating(ctx.input(0).dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    compute_binary<T, T>(ctx, DivNoNanF{}, 2.0);
  });
}

}  // namespace

KernelFn activation_kernel(Activation op) {
  switch (op) {
    case Activation::kElu: return unary_floating<EluF>;
    case Activation::kSoftplus: return unary_floating<SoftplusF>;
    case Activation::kRelu6: return unary_numeric<Relu6F>;
    case Activation::kLeakyRelu: return leaky_relu;
    case Activation::kLog1p: return unary_floating<Log1pF>;
    case Activation::kExpm1: return unary_floating<Expm1F>;
  }
  throw_internal("unknown activation");
}

KernelFn activation_grad_kernel(ActivationGrad op) {
  switch (op) {
    case ActivationGrad::kEluGrad: return grad_floating<EluGradF>;
    case ActivationGrad::kSoftplusGrad: return grad_floating<SoftplusGradF>;
    case ActivationGrad::kRelu6Grad: return relu6_grad;
    case ActivationGrad::kLeakyReluGrad: return leaky_relu_grad;
  }
  throw_internal("unknown activation gradient");
}

KernelFn nn_binary_kernel(NnBinary op) {
  switch (op) {
    case NnBinary::kSquaredDifference: return squared_difference;
    case NnBinary::kDivNoNan: return div_no_nan;
  }
  throw_internal("unknown binary op");
}

}  // namespace nn
}  // namespace pgx
