// The CPU features that pick a kernel's instruction-set variant at run time. Compute-bound
// loops get AVX2 and AVX-512 clones through __attribute__((target(...))) and one of these
// checks, never -march=native, which would break the wheel on older machines.
//
// The environment variable PYGRAPHX_ISA (baseline, avx2 or avx512), read once, caps the
// variant used: every variant of a kernel computes the same bits (the core is built with
// -ffp-contract=off and without -ffast-math), and tests check that by running each level.
#pragma once

namespace pgx {

// Instruction-set levels of the kernel variants, lowest first.
enum class Isa { kBaseline = 0, kAvx2 = 1, kAvx512 = 2 };

// The best level this CPU supports, lowered to PYGRAPHX_ISA when that names a lower one.
// An unknown PYGRAPHX_ISA value is reported once on stderr and ignored.
Isa active_isa();

// The level's name as PYGRAPHX_ISA spells it.
const char* isa_name(Isa isa);

// AVX2 (the avx2 clones are built without FMA: see above).
inline bool cpu_has_avx2() {
  static const bool ok = active_isa() >= Isa::kAvx2;
  return ok;
}
// AVX-512 F, VL, BW and DQ (Skylake-X, Ice Lake, Zen 4 and later).
inline bool cpu_has_avx512() {
  static const bool ok = active_isa() >= Isa::kAvx512;
  return ok;
}

}  // namespace pgx

// Function attributes of the variants. The AVX-512 clones ask for 512-bit vectors explicitly
// (GCC's generic tuning already does, a -mtune for an older Intel core would not).
#if defined(__GNUC__) && defined(__x86_64__)
#define PGX_ISA_VARIANTS 1
#define PGX_TARGET_AVX2 __attribute__((target("avx2")))
#define PGX_TARGET_AVX512 \
  __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,prefer-vector-width=512")))
#else
#define PGX_ISA_VARIANTS 0
#endif
