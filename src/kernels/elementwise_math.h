// Per-element functors of the math op family (arithmetic, comparisons, transcendental
// functions, casts) for the elementwise driver. Integer arithmetic wraps like TF's; float exp,
// tanh and sigmoid use branch-free polynomial forms that the compiler vectorises.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

namespace pgx {
namespace elementwise {

template <typename T>
constexpr bool kIsInt = std::is_integral_v<T> && !std::is_same_v<T, bool>;

// Wrapping (two's complement) integer arithmetic, plain arithmetic for floats.
template <typename T>
inline T wrap_add(T a, T b) {
  if constexpr (kIsInt<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}
template <typename T>
inline T wrap_sub(T a, T b) {
  if constexpr (kIsInt<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
  } else {
    return a - b;
  }
}
template <typename T>
inline T wrap_mul(T a, T b) {
  if constexpr (kIsInt<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
  } else {
    return a * b;
  }
}

// ---- binary arithmetic ----------------------------------------------------------------------

struct AddF {
  template <typename T>
  T operator()(T a, T b) const { return wrap_add(a, b); }
};
struct SubF {
  template <typename T>
  T operator()(T a, T b) const { return wrap_sub(a, b); }
};
struct MulF {
  template <typename T>
  T operator()(T a, T b) const { return wrap_mul(a, b); }
};
struct DivF {
  template <typename T>
  T operator()(T a, T b) const { return a / b; }
};
// NaN-propagating, as NumPy's maximum/minimum and TF's.
struct MaxF {
  template <typename T>
  T operator()(T a, T b) const { return (a > b || a != a) ? a : b; }
};
struct MinF {
  template <typename T>
  T operator()(T a, T b) const { return (a < b || a != a) ? a : b; }
};
// Python's floor division. Integer inputs must have no zero divisor (checked by the kernel).
struct FloorDivF {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (kIsInt<T>) {
      if (b == -1) return wrap_sub(T(0), a);  // INT_MIN / -1 wraps instead of trapping
      const T q = a / b, r = a % b;
      return (r != 0 && ((r < 0) != (b < 0))) ? T(q - 1) : q;
    } else {
      return std::floor(a / b);
    }
  }
};
// Python's modulo: the result has the sign of the divisor.
struct FloorModF {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (kIsInt<T>) {
      if (b == -1) return T(0);
      const T r = a % b;
      return (r != 0 && ((r < 0) != (b < 0))) ? T(r + b) : r;
    } else {
      const T r = std::fmod(a, b);
      return (r != 0 && ((b < 0) != (r < 0))) ? T(r + b) : r;
    }
  }
};
// Integer exponents must be non-negative (checked by the kernel); integer results wrap.
struct PowF {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (kIsInt<T>) {
      using U = std::make_unsigned_t<T>;
      U base = static_cast<U>(a), result = 1;
      for (T e = b; e > 0; e >>= 1) {
        if (e & 1) result *= base;
        base *= base;
      }
      return static_cast<T>(result);
    } else {
      return std::pow(a, b);
    }
  }
};

// ---- comparisons and logic (bool results) ---------------------------------------------------

struct LessF {
  template <typename T>
  bool operator()(T a, T b) const { return a < b; }
};
struct LessEqualF {
  template <typename T>
  bool operator()(T a, T b) const { return a <= b; }
};
struct GreaterF {
  template <typename T>
  bool operator()(T a, T b) const { return a > b; }
};
struct GreaterEqualF {
  template <typename T>
  bool operator()(T a, T b) const { return a >= b; }
};
struct EqualF {
  template <typename T>
  bool operator()(T a, T b) const { return a == b; }
};
struct NotEqualF {
  template <typename T>
  bool operator()(T a, T b) const { return a != b; }
};
struct LogicalAndF {
  bool operator()(bool a, bool b) const { return a && b; }
};
struct LogicalOrF {
  bool operator()(bool a, bool b) const { return a || b; }
};

// ---- vectorisable float exp, tanh, sigmoid --------------------------------------------------

inline float bits_to_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

inline uint32_t float_to_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

// e^x with ~1 ulp error (Cephes expf polynomial). The power of two is applied as two normal
// factors, so results that are denormal, zero or infinite come out right. Written without
// branches or float-to-int conversions (NaN flows through the arithmetic) so loops vectorise.
inline float fast_expf(float x) {
  const float xc = x > 89.0f ? 89.0f : (x < -104.0f ? -104.0f : x);
  // round(x / ln2) by the 1.5 * 2^23 trick; the integer is also in t's low mantissa bits.
  const float t = xc * 1.44269504088896341f + 12582912.0f;
  const float n = t - 12582912.0f;
  float r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t ni = static_cast<int32_t>(float_to_bits(t) - 0x4B400000u);
  const int32_t h = ni >> 1;
  const float f1 = bits_to_float(static_cast<uint32_t>(h + 127) << 23);
  const float f2 = bits_to_float(static_cast<uint32_t>(ni - h + 127) << 23);
  return p * f1 * f2;
}

// tanh with a Cephes odd polynomial for |x| < 0.625 and 1 - 2 / (e^2|x| + 1) beyond.
inline float fast_tanhf(float x) {
  const float ax = std::fabs(x);
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = p * z * x + x;
  const float e = fast_expf(2.0f * (ax > 20.0f ? 20.0f : ax));
  const float big = std::copysign(1.0f - 2.0f / (e + 1.0f), x);
  return ax < 0.625f ? small : big;
}

struct ExpF {
  float operator()(float x) const { return fast_expf(x); }
  double operator()(double x) const { return std::exp(x); }
};
struct TanhF {
  float operator()(float x) const { return fast_tanhf(x); }
  double operator()(double x) const { return std::tanh(x); }
};
struct SigmoidF {
  float operator()(float x) const { return 1.0f / (1.0f + fast_expf(-x)); }
  double operator()(double x) const { return 1.0 / (1.0 + std::exp(-x)); }
};

// ---- other unary functions ------------------------------------------------------------------

struct NegF {
  template <typename T>
  T operator()(T a) const { return wrap_sub(T(0), a); }
};
struct AbsF {
  template <typename T>
  T operator()(T a) const {
    if constexpr (kIsInt<T>) {
      return a < 0 ? wrap_sub(T(0), a) : a;
    } else {
      return std::fabs(a);
    }
  }
};
struct SquareF {
  template <typename T>
  T operator()(T a) const { return wrap_mul(a, a); }
};
struct SqrtF {
  template <typename T>
  T operator()(T a) const { return std::sqrt(a); }
};
struct LogF {
  template <typename T>
  T operator()(T a) const { return std::log(a); }
};
struct ReciprocalF {
  template <typename T>
  T operator()(T a) const { return T(1) / a; }
};
struct ReluF {
  template <typename T>
  T operator()(T a) const { return a < T(0) ? T(0) : a; }
};
// -1, 0 or 1; NaN stays NaN.
struct SignF {
  template <typename T>
  T operator()(T a) const {
    return a > T(0) ? T(1) : (a < T(0) ? T(-1) : (a == T(0) ? T(0) : a));
  }
};
struct LogicalNotF {
  bool operator()(bool a) const { return !a; }
};

// Cast as TF does on x86: floats truncate toward zero, NaN and out-of-range values become the
// integer type's minimum; anything to bool is "nonzero".
template <typename S, typename D>
struct CastF {
  D operator()(S a) const {
    if constexpr (std::is_same_v<D, bool>) {
      return a != S(0);
    } else if constexpr (kIsInt<D> && std::is_floating_point_v<S>) {
      constexpr S lo = static_cast<S>(std::numeric_limits<D>::min());
      constexpr S hi = -lo;  // 2^31 or 2^63, exactly representable
      return (a >= lo && a < hi) ? static_cast<D>(a) : std::numeric_limits<D>::min();
    } else {
      return static_cast<D>(a);
    }
  }
};

}  // namespace elementwise
}  // namespace pgx
