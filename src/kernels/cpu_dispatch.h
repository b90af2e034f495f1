// The CPU features that pick a kernel's instruction-set variant at run time. Compute-bound
// loops get AVX2 (+FMA) clones through __attribute__((target(...))) and one of these checks,
// never -march=native, which would break the wheel on older machines.
#pragma once

namespace pgx {

#if defined(__GNUC__) && defined(__x86_64__)
inline bool cpu_has_avx2() {
  static const bool ok = __builtin_cpu_supports("avx2");
  return ok;
}
inline bool cpu_has_avx2_fma() {
  static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return ok;
}
#else
inline bool cpu_has_avx2() { return false; }
inline bool cpu_has_avx2_fma() { return false; }
#endif

}  // namespace pgx
