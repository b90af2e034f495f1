// Instantiations of the fused loops. The functors are the math family's own
// (elementwise_math.h), and float32 Exp/Tanh/Sigmoid call the very loops the unfused kernels
// run (elementwise::f32_unary_loop). Contraction is off (here and for the whole core), so no
// multiply-add is fused across the separate ops of a program, or inside one: each step rounds
// exactly as the op does on its own, in every instruction-set variant.
#if defined(__GNUC__) && !defined(__clang__)
// As in elementwise_ops.cc: FP exception flags are never inspected, so let GCC if-convert the
// selects of Maximum/Minimum/Relu/Sign and vectorise them.
#pragma GCC optimize("no-trapping-math", "fp-contract=off")
#endif
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#include "kernels/fused_steps.h"

#include <type_traits>

#include "kernels/elementwise.h"
#include "kernels/elementwise_math.h"
#include "kernels/elementwise_ops.h"
#include "pygraphx/status.h"

namespace pgx {
namespace fused {

namespace {

using namespace elementwise;  // NOLINT: the functor and loop names

template <typename F, typename T, Operands K>
PGX_EW_INLINE void binary_body(const void* a, const void* b, void* out, int64_t n) {
  const T* pa = static_cast<const T*>(a);
  const T* pb = static_cast<const T*>(b);
  T* po = static_cast<T*>(out);
  if constexpr (K == Operands::kVV) {
    loop_vv(pa, pb, po, n, F{});
  } else if constexpr (K == Operands::kVS) {
    loop_vs(pa, *pb, po, n, F{});
  } else {
    loop_sv(*pa, pb, po, n, F{});
  }
}

template <typename F, typename S, typename D>
PGX_EW_INLINE void unary_body(const void* a, const void*, void* out, int64_t n) {
  loop_v(static_cast<const S*>(a), static_cast<D*>(out), n, F{});
}

template <typename F, typename T, Operands K>
void binary_generic(const void* a, const void* b, void* out, int64_t n) {
  binary_body<F, T, K>(a, b, out, n);
}
template <typename F, typename S, typename D>
void unary_generic(const void* a, const void* b, void* out, int64_t n) {
  unary_body<F, S, D>(a, b, out, n);
}

#if PGX_ISA_VARIANTS
// No variant can fuse a multiply-add: the AVX2 target has no FMA, and contraction is off
// for the AVX-512 one (whose FMA comes with avx512f) as for the whole core. Measured on one
// thread, AVX-512 over AVX2: add_n of five relu(X*a+b) 1.15x on 16K elements and 1.2x on 4M,
// of five tanh(X*a+b) 1.65x and 1.6x (the tanh steps are the unfused kernel's f32 loops).
template <typename F, typename T, Operands K>
PGX_TARGET_AVX2 void binary_avx2(const void* a, const void* b, void* out, int64_t n) {
  binary_body<F, T, K>(a, b, out, n);
}
template <typename F, typename S, typename D>
PGX_TARGET_AVX2 void unary_avx2(const void* a, const void* b, void* out, int64_t n) {
  unary_body<F, S, D>(a, b, out, n);
}
template <typename F, typename T, Operands K>
PGX_TARGET_AVX512 void binary_avx512(const void* a, const void* b, void* out, int64_t n) {
  binary_body<F, T, K>(a, b, out, n);
}
template <typename F, typename S, typename D>
PGX_TARGET_AVX512 void unary_avx512(const void* a, const void* b, void* out, int64_t n) {
  unary_body<F, S, D>(a, b, out, n);
}
#endif

template <typename F, typename T, Operands K>
StepFn binary_loop() {
#if PGX_ISA_VARIANTS
  if (cpu_has_avx512()) return binary_avx512<F, T, K>;
  if (cpu_has_avx2()) return binary_avx2<F, T, K>;
#endif
  return binary_generic<F, T, K>;
}

template <typename F, typename S, typename D = S>
StepFn unary_loop() {
#if PGX_ISA_VARIANTS
  if (cpu_has_avx512()) return unary_avx512<F, S, D>;
  if (cpu_has_avx2()) return unary_avx2<F, S, D>;
#endif
  return unary_generic<F, S, D>;
}

// float32 Exp/Tanh/Sigmoid: the unfused kernel's own loop.
template <UnaryOp U>
void shared_f32(const void* a, const void*, void* out, int64_t n) {
  static const F32UnaryLoop loop = f32_unary_loop(U);
  loop(static_cast<const float*>(a), static_cast<float*>(out), n);
}

template <typename T, Operands K>
StepFn binary_for(FusedOp op) {
  switch (op) {
    case FusedOp::kAdd: return binary_loop<AddF, T, K>();
    case FusedOp::kSub: return binary_loop<SubF, T, K>();
    case FusedOp::kMul: return binary_loop<MulF, T, K>();
    case FusedOp::kRealDiv: return binary_loop<DivF, T, K>();
    case FusedOp::kFloorDiv: return binary_loop<FloorDivF, T, K>();
    case FusedOp::kFloorMod: return binary_loop<FloorModF, T, K>();
    case FusedOp::kMaximum: return binary_loop<MaxF, T, K>();
    case FusedOp::kMinimum: return binary_loop<MinF, T, K>();
    case FusedOp::kPow: return binary_loop<PowF, T, K>();
    default: throw_internal(std::string("fused op ") + fused_op_name(op) + " is not binary");
  }
}

template <typename T>
StepFn unary_for(FusedOp op) {
  constexpr bool f32 = std::is_same_v<T, float>;
  switch (op) {
    case FusedOp::kNeg: return unary_loop<NegF, T>();
    case FusedOp::kAbs: return unary_loop<AbsF, T>();
    case FusedOp::kSquare: return unary_loop<SquareF, T>();
    case FusedOp::kSign: return unary_loop<SignF, T>();
    case FusedOp::kRelu: return unary_loop<ReluF, T>();
    case FusedOp::kSqrt: return unary_loop<SqrtF, T>();
    case FusedOp::kLog: return unary_loop<LogF, T>();
    case FusedOp::kReciprocal: return unary_loop<ReciprocalF, T>();
    case FusedOp::kExp: return f32 ? shared_f32<UnaryOp::kExp> : unary_loop<ExpF, T>();
    case FusedOp::kSigmoid:
      return f32 ? shared_f32<UnaryOp::kSigmoid> : unary_loop<SigmoidF, T>();
    case FusedOp::kTanh: return f32 ? shared_f32<UnaryOp::kTanh> : unary_loop<TanhF, T>();
    default: throw_internal(std::string("fused op ") + fused_op_name(op) + " is not unary");
  }
}

}  // namespace

StepFn step_fn(FusedOp op, DType in, DType out, Operands kind) {
  if (op == FusedOp::kCast) {
    if (in == DType::kFloat32 && out == DType::kFloat64)
      return unary_loop<CastF<float, double>, float, double>();
    if (in == DType::kFloat64 && out == DType::kFloat32)
      return unary_loop<CastF<double, float>, double, float>();
    throw_internal("fused Cast between these dtypes is an alias, not a loop");
  }
  return visit_floating(in, [&](auto tag) -> StepFn {
    using T = typename decltype(tag)::type;
    if (fused_op_arity(op) == 1) return unary_for<T>(op);
    switch (kind) {
      case Operands::kVV: return binary_for<T, Operands::kVV>(op);
      case Operands::kVS: return binary_for<T, Operands::kVS>(op);
      case Operands::kSV: return binary_for<T, Operands::kSV>(op);
    }
    throw_internal("unknown operand kind");
  });
}

double step_cost(FusedOp op, DType in) {
  // Measured on an AVX2 machine with the block in L1 (float32 / float64).
  const bool f32 = in == DType::kFloat32;
  switch (op) {
    case FusedOp::kExp:
    case FusedOp::kSigmoid: return f32 ? 0.7 : 8.0;
    case FusedOp::kTanh: return f32 ? 1.3 : 12.0;
    case FusedOp::kLog: return f32 ? 5.0 : 6.0;
    case FusedOp::kPow: return f32 ? 8.0 : 16.0;
    case FusedOp::kFloorMod: return 5.0;
    case FusedOp::kRealDiv:
    case FusedOp::kSqrt:
    case FusedOp::kReciprocal:
    case FusedOp::kFloorDiv: return f32 ? 0.2 : 0.8;
    default: return f32 ? 0.1 : 0.2;
  }
}

}  // namespace fused
}  // namespace pgx
