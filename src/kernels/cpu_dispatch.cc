// Detection of the CPU's instruction-set level and the PYGRAPHX_ISA cap.
#include "kernels/cpu_dispatch.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace pgx {

namespace {

Isa detect_cpu() {
#if defined(__GNUC__) && defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq"))
    return Isa::kAvx512;
  if (__builtin_cpu_supports("avx2")) return Isa::kAvx2;
#endif
  return Isa::kBaseline;
}

Isa detect() {
  const Isa cpu = detect_cpu();
  const char* env = std::getenv("PYGRAPHX_ISA");
  if (env == nullptr || *env == '\0') return cpu;
  for (Isa cap : {Isa::kBaseline, Isa::kAvx2, Isa::kAvx512}) {
    if (std::strcmp(env, isa_name(cap)) == 0) return cap < cpu ? cap : cpu;
  }
  std::fprintf(stderr,
               "pygraphx: ignoring PYGRAPHX_ISA=%s (expected baseline, avx2 or avx512); "
               "using %s\n",
               env, isa_name(cpu));
  return cpu;
}

}  // namespace

Isa active_isa() {
  static const Isa isa = detect();
  return isa;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kBaseline: return "baseline";
    case Isa::kAvx2: return "avx2";
    case Isa::kAvx512: return "avx512";
  }
  return "baseline";
}

}  // namespace pgx
