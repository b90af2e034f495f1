// Kernels of the elementwise math family: dtype dispatch, per-op cost estimates and run-time
// checks around the shared driver. Each kernel instantiates the driver's loops per dtype.
// FP exception flags are never inspected, so let GCC speculate float ops: with the default
// -ftrapping-math it will not if-convert the clamps in fast_expf/fast_tanhf and those loops
// stay scalar (4x slower).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

#include "kernels/elementwise_ops.h"

#include <cstring>
#include <string>
#include <vector>

#include "kernels/elementwise.h"
#include "kernels/elementwise_math.h"
#include "ops/shape_helpers.h"
#include "pygraphx/status.h"

namespace pgx {
namespace elementwise {

namespace {

// Rough nanoseconds per element, for parallel_for's chunking.
template <typename F, typename T>
constexpr double cost() {
  if constexpr (std::is_same_v<F, FloorDivF> || std::is_same_v<F, FloorModF>) return 8.0;
  if constexpr (std::is_same_v<F, PowF>) return kIsInt<T> ? 8.0 : 30.0;
  if constexpr (std::is_same_v<F, DivF>) return 2.0;
  return 1.0;
}

template <typename F, typename T>
constexpr double unary_cost() {
  if constexpr (std::is_same_v<F, ExpF> || std::is_same_v<F, SigmoidF>)
    return std::is_same_v<T, float> ? 3.0 : 15.0;
  if constexpr (std::is_same_v<F, TanhF>) return std::is_same_v<T, float> ? 5.0 : 20.0;
  if constexpr (std::is_same_v<F, LogF>) return 15.0;
  if constexpr (std::is_same_v<F, SqrtF> || std::is_same_v<F, ReciprocalF>) return 2.0;
  return 1.0;
}

// Integer FloorDiv/FloorMod: a zero divisor anywhere is an error (checked before any output
// is written, so nothing is half-computed).
template <typename T>
void check_divisor(const Tensor& b) {
  const T* p = b.data<T>();
  bool zero = false;
  for (int64_t i = 0, n = b.size(); i < n; ++i) zero |= p[i] == T(0);
  if (zero) throw_invalid("Integer division by zero");
}

template <typename T>
void check_exponent(const Tensor& b) {
  const T* p = b.data<T>();
  bool negative = false;
  for (int64_t i = 0, n = b.size(); i < n; ++i) negative |= p[i] < T(0);
  if (negative) throw_invalid("Integers to negative integer powers are not allowed");
}

// Numeric inputs, output of the same dtype.
template <typename F>
void arithmetic(OpKernelContext& ctx) {
  visit_numeric(ctx.input(0).dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (kIsInt<T>) {
      if constexpr (std::is_same_v<F, FloorDivF> || std::is_same_v<F, FloorModF>)
        check_divisor<T>(ctx.input(1));
      if constexpr (std::is_same_v<F, PowF>) check_exponent<T>(ctx.input(1));
    }
    compute_binary<T, T>(ctx, F{}, cost<F, T>());
  });
}

template <typename F>
void floating_binary(OpKernelContext& ctx) {
  visit_floating(ctx.input(0).dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    compute_binary<T, T>(ctx, F{}, cost<F, T>());
  });
}

// Numeric inputs, bool output.
template <typename F>
void comparison(OpKernelContext& ctx) {
  visit_numeric(ctx.input(0).dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    compute_binary<T, bool>(ctx, F{}, 1.0);
  });
}

// Any inputs including bool, bool output.
template <typename F>
void equality(OpKernelContext& ctx) {
  visit_dtype(ctx.input(0).dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    compute_binary<T, bool>(ctx, F{}, 1.0);
  });
}

template <typename F>
void logical(OpKernelContext& ctx) {
  if (ctx.input(0).dtype() != DType::kBool || ctx.input(1).dtype() != DType::kBool)
    throw_invalid("logical ops take bool inputs");
  compute_binary<bool, bool>(ctx, F{}, 1.0);
}

template <typename F>
void unary_numeric(OpKernelContext& ctx) {
  visit_numeric(ctx.input(0).dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    compute_unary<T, T>(ctx, F{}, unary_cost<F, T>());
  });
}


template <typename F>
void unary_floating(OpKernelContext& ctx) {
  visit_floating(ctx.input(0).dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    constexpr double c = unary_cost<F, T>();
    if constexpr (std::is_same_v<T, float> &&
                  (std::is_same_v<F, ExpF> || std::is_same_v<F, TanhF> ||
                   std::is_same_v<F, SigmoidF>)) {
      compute_unary_loop<T, T>(ctx, best_f32_loop<F>(), c);
    } else {
      compute_unary<T, T>(ctx, F{}, c);
    }
  });
}

void logical_not(OpKernelContext& ctx) {
  if (ctx.input(0).dtype() != DType::kBool) throw_invalid("LogicalNot takes a bool input");
  compute_unary<bool, bool>(ctx, LogicalNotF{}, 1.0);
}

}  // namespace

KernelFn binary_kernel(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return arithmetic<AddF>;
    case BinaryOp::kSub: return arithmetic<SubF>;
    case BinaryOp::kMul: return arithmetic<MulF>;
    case BinaryOp::kRealDiv: return floating_binary<DivF>;
    case BinaryOp::kFloorDiv: return arithmetic<FloorDivF>;
    case BinaryOp::kFloorMod: return arithmetic<FloorModF>;
    case BinaryOp::kMaximum: return arithmetic<MaxF>;
    case BinaryOp::kMinimum: return arithmetic<MinF>;
    case BinaryOp::kPow: return arithmetic<PowF>;
    case BinaryOp::kLess: return comparison<LessF>;
    case BinaryOp::kLessEqual: return comparison<LessEqualF>;
    case BinaryOp::kGreater: return comparison<GreaterF>;
    case BinaryOp::kGreaterEqual: return comparison<GreaterEqualF>;
    case BinaryOp::kEqual: return equality<EqualF>;
    case BinaryOp::kNotEqual: return equality<NotEqualF>;
    case BinaryOp::kLogicalAnd: return logical<LogicalAndF>;
    case BinaryOp::kLogicalOr: return logical<LogicalOrF>;
  }
  throw_internal("unknown binary op");
}

KernelFn unary_kernel(UnaryOp op) {
  switch (op) {
    case UnaryOp::kNeg: return unary_numeric<NegF>;
    case UnaryOp::kAbs: return unary_numeric<AbsF>;
    case UnaryOp::kSquare: return unary_numeric<SquareF>;
    case UnaryOp::kSign: return unary_numeric<SignF>;
    case UnaryOp::kRelu: return unary_numeric<ReluF>;
    case UnaryOp::kSqrt: return unary_floating<SqrtF>;
    case UnaryOp::kExp: return unary_floating<ExpF>;
    case UnaryOp::kLog: return unary_floating<LogF>;
    case UnaryOp::kSigmoid: return unary_floating<SigmoidF>;
    case UnaryOp::kTanh: return unary_floating<TanhF>;
    case UnaryOp::kReciprocal: return unary_floating<ReciprocalF>;
    case UnaryOp::kLogicalNot: return logical_not;
  }
  throw_internal("unknown unary op");
}

F32UnaryLoop f32_unary_loop(UnaryOp op) {
  switch (op) {
    case UnaryOp::kExp: return best_f32_loop<ExpF>();
    case UnaryOp::kTanh: return best_f32_loop<TanhF>();
    case UnaryOp::kSigmoid: return best_f32_loop<SigmoidF>();
    default: throw_invalid("no shared float32 loop for this unary op");
  }
}

void cast_kernel(OpKernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const DType dst = ctx.attrs().get<DType>("DstT");
  if (x.dtype() == dst) {
    ctx.set_output(0, x);
    return;
  }
  visit_dtype(x.dtype(), [&](auto stag) {
    using S = typename decltype(stag)::type;
    visit_dtype(dst, [&](auto dtag) {
      using D = typename decltype(dtag)::type;
      compute_unary<S, D>(ctx, CastF<S, D>{}, 1.0);
    });
  });
}

void add_n_kernel(OpKernelContext& ctx) {
  const int n = ctx.num_inputs();
  const Tensor& first = ctx.input(0);
  for (int k = 1; k < n; ++k)
    if (ctx.input(k).shape() != first.shape())
      throw_invalid("Inputs to operation AddN of type AddN must have the same size and shape.  "
                    "Input 0: " + dims_bracket(first.shape()) + " != input " +
                    std::to_string(k) + ": " + dims_bracket(ctx.input(k).shape()));
  if (n == 1) {
    ctx.set_output(0, first);
    return;
  }
  visit_numeric(first.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<const T*> in(n);
    for (int k = 0; k < n; ++k) in[k] = ctx.input(k).template data<T>();
    // Only input 0 or 1 may be overwritten: the first pass reads both before writing.
    Tensor* out = nullptr;
    for (int k = 0; k < 2 && !out; ++k)
      if (ctx.input(k).is_exclusive()) out = &ctx.forward_or_allocate(0, k, first.dtype(),
                                                                       first.shape());
    if (!out) out = &ctx.allocate_output(0, first.dtype(), first.shape());
    T* o = out->template data<T>();
    constexpr int64_t kBlock = 4096;  // keeps the running sum in L1 across the inputs
    for_range(ctx.pool(), first.size(), 0.5 * n, [&](int64_t s, int64_t e) {
      for (int64_t b = s; b < e; b += kBlock) {
        const int64_t m = std::min(kBlock, e - b);
        loop_vv(in[0] + b, in[1] + b, o + b, m, AddF{});
        for (int k = 2; k < n; ++k) loop_vv(o + b, in[k] + b, o + b, m, AddF{});
      }
    });
  });
}

}  // namespace elementwise
}  // namespace pgx
