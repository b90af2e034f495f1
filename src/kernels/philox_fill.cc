// Bulk Philox4x32-10 generation: eight counters per AVX2 step (integer arithmetic, so the values
// equal the scalar generator's), chosen at run time so that the build needs no -mavx2.
#include "kernels/philox_random.h"

#include "kernels/cpu_dispatch.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace pgx {
namespace random {

namespace {

#if defined(__x86_64__) || defined(__i386__)
#define PGX_PHILOX_AVX2 1

// lo/hi 32 bits of the 32x32-bit products of all eight lanes of `a` with the constant `m`.
__attribute__((target("avx2"))) inline void mul_hi_lo(__m256i a, __m256i m, __m256i* lo,
                                                      __m256i* hi) {
  const __m256i even = _mm256_mul_epu32(a, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

__attribute__((target("avx2"))) void fill_avx2(PhiloxRandom* gen, uint32_t* out,
                                               int64_t calls) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
  const __m256i step = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  int64_t i = 0;
  for (; i + 8 <= calls; i += 8) {
    const auto& ctr = gen->counter();
    if (ctr[0] > 0xFFFFFFFFu - 7) {  // a carry inside this batch: do it one call at a time
      for (int l = 0; l < 8; ++l) {
        const auto r = (*gen)();
        for (int j = 0; j < 4; ++j) out[4 * (i + l) + j] = r[j];
      }
      continue;
    }
    __m256i c0 = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(ctr[0])), step);
    __m256i c1 = _mm256_set1_epi32(static_cast<int>(ctr[1]));
    __m256i c2 = _mm256_set1_epi32(static_cast<int>(ctr[2]));
    __m256i c3 = _mm256_set1_epi32(static_cast<int>(ctr[3]));
    uint32_t k0 = gen->key()[0], k1 = gen->key()[1];
    for (int round = 0; round < 10; ++round) {
      __m256i lo0, hi0, lo1, hi1;
      mul_hi_lo(c0, m0, &lo0, &hi0);
      mul_hi_lo(c2, m1, &lo1, &hi1);
      c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), _mm256_set1_epi32(static_cast<int>(k0)));
      c1 = lo1;
      c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), _mm256_set1_epi32(static_cast<int>(k1)));
      c3 = lo0;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    gen->Skip(8);
    // Transpose the four 8-lane vectors so that each call's four values are contiguous.
    const __m256i a = _mm256_unpacklo_epi32(c0, c1), b = _mm256_unpackhi_epi32(c0, c1);
    const __m256i c = _mm256_unpacklo_epi32(c2, c3), d = _mm256_unpackhi_epi32(c2, c3);
    const __m256i e = _mm256_unpacklo_epi64(a, c), f = _mm256_unpackhi_epi64(a, c);
    const __m256i g = _mm256_unpacklo_epi64(b, d), h = _mm256_unpackhi_epi64(b, d);
    __m256i* dst = reinterpret_cast<__m256i*>(out + 4 * i);
    _mm256_storeu_si256(dst + 0, _mm256_permute2x128_si256(e, f, 0x20));
    _mm256_storeu_si256(dst + 1, _mm256_permute2x128_si256(g, h, 0x20));
    _mm256_storeu_si256(dst + 2, _mm256_permute2x128_si256(e, f, 0x31));
    _mm256_storeu_si256(dst + 3, _mm256_permute2x128_si256(g, h, 0x31));
  }
  for (; i < calls; ++i) {
    const auto r = (*gen)();
    for (int j = 0; j < 4; ++j) out[4 * i + j] = r[j];
  }
}
#endif

}  // namespace

void PhiloxFillU32(PhiloxRandom* gen, uint32_t* out, int64_t calls) {
#ifdef PGX_PHILOX_AVX2
  if (cpu_has_avx2()) {
    fill_avx2(gen, out, calls);
    return;
  }
#endif
  for (int64_t i = 0; i < calls; ++i) {
    const auto r = (*gen)();
    for (int j = 0; j < 4; ++j) out[4 * i + j] = r[j];
  }
}

}  // namespace random
}  // namespace pgx
