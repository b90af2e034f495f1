// Reducer definitions (identity, lift, combine, finish per op and dtype) and the innermost
// reduction loops, compiled for the baseline x86-64, AVX2 and AVX-512 and chosen at run time.
// Every variant combines in the order the source spells out (no -ffast-math, no contraction,
// the explicit vectors are 32 bytes in all of them), so all give the same bits. Internal to
// the reduction kernels.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

#include "kernels/cpu_dispatch.h"

namespace pgx {
namespace reduce_detail {

constexpr int kLanes = 16;              // interleaved accumulators in a leaf
constexpr int64_t kPairwiseBase = 1024;  // pairwise-summation leaf size

// Vector helpers are always inlined into their (baseline or AVX2) caller, so no vector value
// ever crosses a call boundary and the AVX calling-convention note does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"
#define PGX_VEC_INLINE __attribute__((always_inline)) inline

// Explicit 32-byte vectors for the reducers whose NaN handling defeats auto-vectorisation.
template <typename T> struct VecOf { using type = T; };  // no vector form (never used)
template <> struct VecOf<float> { typedef float type __attribute__((vector_size(32))); };
template <> struct VecOf<double> { typedef double type __attribute__((vector_size(32))); };
template <> struct VecOf<int32_t> { typedef int32_t type __attribute__((vector_size(32))); };
template <> struct VecOf<int64_t> { typedef int64_t type __attribute__((vector_size(32))); };
template <typename T>
using Vec = typename VecOf<T>::type;
template <typename T>
PGX_VEC_INLINE Vec<T> vload(const T* p) {
  Vec<T> v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}
template <typename T>
PGX_VEC_INLINE void vstore(T* p, Vec<T> v) {
  __builtin_memcpy(p, &v, sizeof(v));
}

// Accumulation types: float32 sums in double; integer sums and products wrap in unsigned
// arithmetic (no undefined overflow), sums of int32 in 64 bits so that means are exact.
template <typename T> struct SumAcc { using type = T; };
template <> struct SumAcc<float> { using type = double; };
template <> struct SumAcc<int32_t> { using type = uint64_t; };
template <> struct SumAcc<int64_t> { using type = uint64_t; };
template <typename T> struct ProdAcc { using type = T; };
template <> struct ProdAcc<float> { using type = double; };
template <> struct ProdAcc<int32_t> { using type = uint32_t; };
template <> struct ProdAcc<int64_t> { using type = uint64_t; };

// An accumulator back to T; unsigned accumulators go through the signed type of their width
// (two's complement wrap-around, as TF's integer overflow).
template <typename T, typename A>
T narrow(A a) {
  if constexpr (std::is_integral_v<A> && std::is_unsigned_v<A>) {
    return static_cast<T>(static_cast<std::make_signed_t<A>>(a));
  } else {
    return static_cast<T>(a);
  }
}

// A NaN result as the one canonical quiet NaN. Which of two NaN operands an add or multiply
// passes on depends on the operand order the compiler picks for these commutative operations,
// which may differ between the instruction-set variants: a row holding both a NaN and, say,
// inf * 0 would otherwise give NaNs of either sign.
template <typename T>
T canonical_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    return v != v ? std::numeric_limits<T>::quiet_NaN() : v;
  } else {
    return v;
  }
}

template <typename T, bool kMean>
struct SumR {
  using In = T;
  using Acc = typename SumAcc<T>::type;
  static constexpr bool kPairwise = std::is_same_v<T, double>;
  static Acc identity() { return Acc(0); }
  static Acc lift(T x) {
    if constexpr (std::is_integral_v<T>) {
      return static_cast<Acc>(static_cast<int64_t>(x));
    } else {
      return static_cast<Acc>(x);
    }
  }
  static Acc combine(Acc a, Acc b) { return a + b; }
  static T finish(Acc a, int64_t n) {
    if constexpr (!kMean) {
      return canonical_nan(narrow<T>(a));
    } else if constexpr (std::is_floating_point_v<T>) {
      return canonical_nan(static_cast<T>(a / static_cast<Acc>(n)));  // 0/0 is NaN, as TF
    } else {
      return n == 0 ? T(0) : static_cast<T>(static_cast<int64_t>(a) / n);
    }
  }
};

template <typename T>
struct ProdR {
  using In = T;
  using Acc = typename ProdAcc<T>::type;
  static constexpr bool kPairwise = std::is_same_v<T, double>;
  static Acc identity() { return Acc(1); }
  static Acc lift(T x) { return static_cast<Acc>(x); }
  static Acc combine(Acc a, Acc b) { return a * b; }
  static T finish(Acc a, int64_t) { return canonical_nan(narrow<T>(a)); }
};

template <typename T, bool kMax>
T extreme_identity() {
  if constexpr (std::is_floating_point_v<T>) {
    return kMax ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
  } else {
    return kMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
  }
}

// Max (kMax) or min; NaN propagates, as in TF. Floating types also provide explicit vector
// forms (kVector), since GCC does not vectorise the NaN checks by itself.
template <typename T, bool kMax>
struct ExtremumR {
  using In = T;
  using Acc = T;
  static constexpr bool kPairwise = false;
  static constexpr bool kVector = std::is_floating_point_v<T>;
  static Acc identity() { return extreme_identity<T, kMax>(); }
  static Acc lift(T x) { return x; }
  static Acc combine(Acc a, Acc b) {
    const T m = (kMax ? a > b : a < b) ? a : b;
    if constexpr (std::is_floating_point_v<T>) {
      return (a != a || b != b) ? a + b : m;
    } else {
      return m;
    }
  }
  PGX_VEC_INLINE static Vec<T> vlift(Vec<T> x) { return x; }
  PGX_VEC_INLINE static Vec<T> vcombine(Vec<T> a, Vec<T> b) {
    const Vec<T> m = (kMax ? a > b : a < b) ? a : b;
    return ((a != a) | (b != b)) ? a + b : m;
  }
  static T finish(Acc a, int64_t) { return canonical_nan(a); }
};

// Max or min that skips NaN (the value ArgMax/ArgMin look for); the identity when all NaN.
template <typename T, bool kMax>
struct IgnoreNanR {
  using In = T;
  using Acc = T;
  static constexpr bool kPairwise = false;
  static constexpr bool kVector = std::is_floating_point_v<T>;
  static Acc identity() { return extreme_identity<T, kMax>(); }
  static Acc lift(T x) { return x != x ? identity() : x; }
  static Acc combine(Acc a, Acc b) { return (kMax ? b > a : b < a) ? b : a; }
  PGX_VEC_INLINE static Vec<T> vlift(Vec<T> x) { return x != x ? Vec<T>{} + identity() : x; }
  PGX_VEC_INLINE static Vec<T> vcombine(Vec<T> a, Vec<T> b) {
    return (kMax ? b > a : b < a) ? b : a;
  }
  static T finish(Acc a, int64_t) { return a; }
};

template <class R, class = void>
struct HasVector : std::false_type {};
template <class R>
struct HasVector<R, std::enable_if_t<R::kVector>> : std::true_type {};

// All (kAll) or any over bools, as bytes so that the loops vectorise.
template <bool kAll>
struct LogicR {
  using In = bool;
  using Acc = uint8_t;
  static constexpr bool kPairwise = false;
  static Acc identity() { return kAll ? 1 : 0; }
  static Acc lift(bool x) { return static_cast<Acc>(x); }
  static Acc combine(Acc a, Acc b) { return kAll ? (a & b) : (a | b); }
  static bool finish(Acc a, int64_t) { return a != 0; }
};

// A run of contiguous elements: kLanes interleaved accumulators (or two explicit vectors)
// folded as a tree.
template <class R>
__attribute__((always_inline)) inline typename R::Acc leaf(const typename R::In* x, int64_t n) {
  using A = typename R::Acc;
  if constexpr (HasVector<R>::value) {
    constexpr int64_t kW = sizeof(Vec<A>) / sizeof(A);
    if (n >= 2 * kW) {
      Vec<A> r0 = R::vlift(vload(x)), r1 = R::vlift(vload(x + kW));
      int64_t i = 2 * kW;
      for (; i + 2 * kW <= n; i += 2 * kW) {
        r0 = R::vcombine(r0, R::vlift(vload(x + i)));
        r1 = R::vcombine(r1, R::vlift(vload(x + i + kW)));
      }
      r0 = R::vcombine(r0, r1);
      A s = r0[0];
      for (int64_t k = 1; k < kW; ++k) s = R::combine(s, r0[k]);
      for (; i < n; ++i) s = R::combine(s, R::lift(x[i]));
      return s;
    }
  }
  if (n < kLanes) {
    A s = R::identity();
    for (int64_t i = 0; i < n; ++i) s = R::combine(s, R::lift(x[i]));
    return s;
  }
  A r[kLanes];
  for (int k = 0; k < kLanes; ++k) r[k] = R::lift(x[k]);
  int64_t i = kLanes;
  for (; i + kLanes <= n; i += kLanes)
    for (int k = 0; k < kLanes; ++k) r[k] = R::combine(r[k], R::lift(x[i + k]));
  for (int w = kLanes / 2; w > 0; w /= 2)
    for (int k = 0; k < w; ++k) r[k] = R::combine(r[k], r[k + w]);
  A s = r[0];
  for (; i < n; ++i) s = R::combine(s, R::lift(x[i]));
  return s;
}

// acc[0, width) = fold over rows [r0, r1) of base[r * inner + j]; r1 > r0.
template <class R>
__attribute__((always_inline)) inline void column_fold(const typename R::In* __restrict base,
                                                       int64_t inner, int64_t r0, int64_t r1,
                                                       int64_t width,
                                                       typename R::Acc* __restrict acc) {
  const typename R::In* row = base + r0 * inner;
  for (int64_t j = 0; j < width; ++j) acc[j] = R::lift(row[j]);
  int64_t vec_end = 0;
  if constexpr (HasVector<R>::value) {
    constexpr int64_t kW = sizeof(Vec<typename R::Acc>) / sizeof(typename R::Acc);
    vec_end = width - width % kW;
    for (int64_t r = r0 + 1; r < r1; ++r) {
      row = base + r * inner;
      for (int64_t j = 0; j < vec_end; j += kW)
        vstore(acc + j, R::vcombine(vload(acc + j), R::vlift(vload(row + j))));
    }
  }
  for (int64_t r = r0 + 1; r < r1; ++r) {
    row = base + r * inner;
    for (int64_t j = vec_end; j < width; ++j) acc[j] = R::combine(acc[j], R::lift(row[j]));
  }
}

// The same loops compiled for the baseline ISA, AVX2 and AVX-512. Float32 Sum, one thread:
// AVX2 1.3-1.75x the baseline; AVX-512 1.0-1.1x AVX2 along either axis at 16K and 4M
// elements, and ArgMax/Max/Prod about equal (kept: not slower in any measured case).
#define PGX_REDUCE_ISA(suffix, attr)                                                        \
  template <class R>                                                                        \
  attr typename R::Acc pairwise_##suffix(const typename R::In* x, int64_t n) {             \
    if (!R::kPairwise || n <= kPairwiseBase) return leaf<R>(x, n);                          \
    int64_t half = n / 2;                                                                   \
    half -= half % kLanes;                                                                  \
    const typename R::Acc lo = pairwise_##suffix<R>(x, half);                               \
    return R::combine(lo, pairwise_##suffix<R>(x + half, n - half));                        \
  }                                                                                         \
  template <class R>                                                                        \
  attr void column_fold_##suffix(const typename R::In* base, int64_t inner, int64_t r0,     \
                                 int64_t r1, int64_t width, typename R::Acc* acc) {         \
    column_fold<R>(base, inner, r0, r1, width, acc);                                        \
  }
PGX_REDUCE_ISA(base, )
#if PGX_ISA_VARIANTS
PGX_REDUCE_ISA(avx2, PGX_TARGET_AVX2)
PGX_REDUCE_ISA(avx512, PGX_TARGET_AVX512)
#endif
#undef PGX_REDUCE_ISA

// Reduction of n contiguous elements: pairwise (as NumPy) for float64 sums and products,
// whose accumulator has no extra precision; one interleaved leaf for everything else.
template <class R>
typename R::Acc pairwise(const typename R::In* x, int64_t n) {
#if PGX_ISA_VARIANTS
  if (cpu_has_avx512()) return pairwise_avx512<R>(x, n);
  if (cpu_has_avx2()) return pairwise_avx2<R>(x, n);
#endif
  return pairwise_base<R>(x, n);
}

template <class R>
void column_fold_dispatch(const typename R::In* base, int64_t inner, int64_t r0, int64_t r1,
                          int64_t width, typename R::Acc* acc) {
#if PGX_ISA_VARIANTS
  if (cpu_has_avx512()) return column_fold_avx512<R>(base, inner, r0, r1, width, acc);
  if (cpu_has_avx2()) return column_fold_avx2<R>(base, inner, r0, r1, width, acc);
#endif
  column_fold_base<R>(base, inner, r0, r1, width, acc);
}

}  // namespace reduce_detail
}  // namespace pgx
