// The Philox4x32-10 counter-based generator and the sample distributions built on it, written
// to produce bit-for-bit the same streams as TensorFlow's random::PhiloxRandom and its
// Uniform, Normal and TruncatedNormal distributions (same counter layout, conversions, order).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace pgx {
namespace random {

// Philox4x32 with 10 rounds: a 128-bit counter and a 64-bit key; each call returns four
// uint32 values and increments the counter by one.
class PhiloxRandom {
 public:
  using ResultType = std::array<uint32_t, 4>;
  static constexpr int kResultElementCount = 4;

  PhiloxRandom() = default;
  // As TF: key = seed_lo, counter = {0, 0, seed_hi}.
  PhiloxRandom(uint64_t seed_lo, uint64_t seed_hi) {
    key_[0] = static_cast<uint32_t>(seed_lo);
    key_[1] = static_cast<uint32_t>(seed_lo >> 32);
    counter_[2] = static_cast<uint32_t>(seed_hi);
    counter_[3] = static_cast<uint32_t>(seed_hi >> 32);
  }

  // Advances the 128-bit counter by `count` outputs of four values.
  void Skip(uint64_t count) {
    const uint32_t count_lo = static_cast<uint32_t>(count);
    uint32_t count_hi = static_cast<uint32_t>(count >> 32);
    counter_[0] += count_lo;
    if (counter_[0] < count_lo) ++count_hi;
    counter_[1] += count_hi;
    if (counter_[1] < count_hi) {
      if (++counter_[2] == 0) ++counter_[3];
    }
  }

  const ResultType& counter() const { return counter_; }
  const std::array<uint32_t, 2>& key() const { return key_; }

  ResultType operator()() {
    ResultType c = counter_;
    uint32_t k0 = key_[0], k1 = key_[1];
    for (int round = 0; round < 10; ++round) {
      const uint64_t p0 = static_cast<uint64_t>(kM0) * c[0];
      const uint64_t p1 = static_cast<uint64_t>(kM1) * c[2];
      const uint32_t lo0 = static_cast<uint32_t>(p0), hi0 = static_cast<uint32_t>(p0 >> 32);
      const uint32_t lo1 = static_cast<uint32_t>(p1), hi1 = static_cast<uint32_t>(p1 >> 32);
      c = {hi1 ^ c[1] ^ k0, lo1, hi0 ^ c[3] ^ k1, lo0};
      k0 += kW0;
      k1 += kW1;
    }
    SkipOne();
    return c;
  }

 private:
  static constexpr uint32_t kM0 = 0xD2511F53u;
  static constexpr uint32_t kM1 = 0xCD9E8D57u;
  static constexpr uint32_t kW0 = 0x9E3779B9u;
  static constexpr uint32_t kW1 = 0xBB67AE85u;

  void SkipOne() {
    if (++counter_[0] == 0 && ++counter_[1] == 0 && ++counter_[2] == 0) ++counter_[3];
  }

  ResultType counter_{0, 0, 0, 0};
  std::array<uint32_t, 2> key_{0, 0};
};

// Writes the values of the next `calls` calls of `gen` to out[0, 4 * calls), in order, and
// advances `gen` past them: AVX2 when the CPU has it (same values), else one call at a time.
void PhiloxFillU32(PhiloxRandom* gen, uint32_t* out, int64_t calls);

// Hands out the four values of each Philox call one at a time (TF's SingleSampleAdapter).
class SingleSampleAdapter {
 public:
  explicit SingleSampleAdapter(PhiloxRandom* gen) : gen_(gen) {}
  uint32_t operator()() {
    if (used_ == PhiloxRandom::kResultElementCount) {
      buf_ = (*gen_)();
      used_ = 0;
    }
    return buf_[used_++];
  }

 private:
  PhiloxRandom* gen_;
  PhiloxRandom::ResultType buf_{};
  int used_ = PhiloxRandom::kResultElementCount;
};

// A float in [0, 1) from the low 23 bits of x (TF's Uint32ToFloat).
inline float Uint32ToFloat(uint32_t x) {
  const uint32_t val = (127u << 23) | (x & 0x7fffffu);
  float f;
  std::memcpy(&f, &val, sizeof(f));
  return f - 1.0f;
}

// A double in [0, 1) from 20 bits of x0 and all of x1 (TF's Uint64ToDouble).
inline double Uint64ToDouble(uint32_t x0, uint32_t x1) {
  const uint64_t man = (static_cast<uint64_t>(x0 & 0xfffffu) << 32) | x1;
  const uint64_t val = (static_cast<uint64_t>(1023) << 52) | man;
  double d;
  std::memcpy(&d, &val, sizeof(d));
  return d - 1.0;
}

constexpr double kPi = 3.14159265358979323846;

// Box-Muller: two standard normals from two uniforms, in TF's exact operation order (the
// angle is computed in double precision and rounded to float, as `2.0f * M_PI * u` is).
inline void BoxMullerFloat(uint32_t x0, uint32_t x1, float* f0, float* f1) {
  const float epsilon = 1.0e-7f;
  float u1 = Uint32ToFloat(x0);
  if (u1 < epsilon) u1 = epsilon;
  const float v1 = static_cast<float>(2.0f * kPi * Uint32ToFloat(x1));
  const float u2 = std::sqrt(-2.0f * std::log(u1));
  ::sincosf(v1, f0, f1);
  *f0 *= u2;
  *f1 *= u2;
}

inline void BoxMullerDouble(uint32_t x0, uint32_t x1, uint32_t x2, uint32_t x3, double* d0,
                            double* d1) {
  const double epsilon = 1.0e-7;
  double u1 = Uint64ToDouble(x0, x1);
  if (u1 < epsilon) u1 = epsilon;
  const double v1 = 2 * kPi * Uint64ToDouble(x2, x3);
  const double u2 = std::sqrt(-2.0 * std::log(u1));
  ::sincos(v1, d0, d1);
  *d0 *= u2;
  *d1 *= u2;
}

// Distributions. A fixed-sample one maps the four values of one Philox call to kGroup outputs
// (`from`); a variable-sample one (truncated normal) draws single samples until it has kGroup.
template <typename T>
struct UniformDist;
template <>
struct UniformDist<float> {
  static constexpr int kGroup = 4;
  static constexpr bool kVariableSamples = false;
  void from(uint32_t s0, uint32_t s1, uint32_t s2, uint32_t s3, float* out) const {
    out[0] = Uint32ToFloat(s0);
    out[1] = Uint32ToFloat(s1);
    out[2] = Uint32ToFloat(s2);
    out[3] = Uint32ToFloat(s3);
  }
};
template <>
struct UniformDist<double> {
  static constexpr int kGroup = 2;
  static constexpr bool kVariableSamples = false;
  void from(uint32_t s0, uint32_t s1, uint32_t s2, uint32_t s3, double* out) const {
    out[0] = Uint64ToDouble(s0, s1);
    out[1] = Uint64ToDouble(s2, s3);
  }
};

template <typename T>
struct NormalDist;
template <>
struct NormalDist<float> {
  static constexpr int kGroup = 4;
  static constexpr bool kVariableSamples = false;
  void from(uint32_t s0, uint32_t s1, uint32_t s2, uint32_t s3, float* out) const {
    BoxMullerFloat(s0, s1, &out[0], &out[1]);
    BoxMullerFloat(s2, s3, &out[2], &out[3]);
  }
};
template <>
struct NormalDist<double> {
  static constexpr int kGroup = 2;
  static constexpr bool kVariableSamples = false;
  void from(uint32_t s0, uint32_t s1, uint32_t s2, uint32_t s3, double* out) const {
    BoxMullerDouble(s0, s1, s2, s3, &out[0], &out[1]);
  }
};

// Normals redrawn until |x| < 2 (TF's TruncatedNormalDistribution).
template <typename T>
struct TruncatedNormalDist;
template <>
struct TruncatedNormalDist<float> {
  static constexpr int kGroup = 4;
  static constexpr bool kVariableSamples = true;
  void operator()(SingleSampleAdapter* g, float* out) const {
    int n = 0;
    for (;;) {
      const uint32_t x0 = (*g)();
      const uint32_t x1 = (*g)();
      float f[2];
      BoxMullerFloat(x0, x1, &f[0], &f[1]);
      for (float v : f) {
        if (std::fabs(v) < 2.0f) {
          out[n++] = v;
          if (n >= kGroup) return;
        }
      }
    }
  }
};
template <>
struct TruncatedNormalDist<double> {
  static constexpr int kGroup = 2;
  static constexpr bool kVariableSamples = true;
  void operator()(SingleSampleAdapter* g, double* out) const {
    int n = 0;
    for (;;) {
      const uint32_t x0 = (*g)();
      const uint32_t x1 = (*g)();
      const uint32_t x2 = (*g)();
      const uint32_t x3 = (*g)();
      double d[2];
      BoxMullerDouble(x0, x1, x2, x3, &d[0], &d[1]);
      for (double v : d) {
        if (std::fabs(v) < 2.0) {
          out[n++] = v;
          if (n >= kGroup) return;
        }
      }
    }
  }
};

// Integers uniform in [lo, hi) by `bits % range`, as TF (int32 from one uint32, int64 from two).
template <typename T>
struct UniformIntDist;
template <>
struct UniformIntDist<int32_t> {
  static constexpr int kGroup = 4;
  static constexpr bool kVariableSamples = false;
  int32_t lo;
  uint32_t range;
  UniformIntDist(int32_t l, int32_t h)
      : lo(l), range(static_cast<uint32_t>(h) - static_cast<uint32_t>(l)) {}
  void from(uint32_t s0, uint32_t s1, uint32_t s2, uint32_t s3, int32_t* out) const {
    const uint32_t s[4] = {s0, s1, s2, s3};
    for (int i = 0; i < 4; ++i)
      out[i] = static_cast<int32_t>(static_cast<uint32_t>(lo) + s[i] % range);
  }
};
template <>
struct UniformIntDist<int64_t> {
  static constexpr int kGroup = 2;
  static constexpr bool kVariableSamples = false;
  int64_t lo;
  uint64_t range;
  UniformIntDist(int64_t l, int64_t h)
      : lo(l), range(static_cast<uint64_t>(h) - static_cast<uint64_t>(l)) {}
  void from(uint32_t s0, uint32_t s1, uint32_t s2, uint32_t s3, int64_t* out) const {
    const uint64_t a = s0 | (static_cast<uint64_t>(s1) << 32);
    const uint64_t b = s2 | (static_cast<uint64_t>(s3) << 32);
    out[0] = static_cast<int64_t>(static_cast<uint64_t>(lo) + a % range);
    out[1] = static_cast<int64_t>(static_cast<uint64_t>(lo) + b % range);
  }
};

}  // namespace random
}  // namespace pgx
