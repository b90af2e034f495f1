// GuardedPhiloxRandom: seeding (fresh nondeterministic seeds for (0, 0), as TF) and the locked
// reservation of disjoint stream ranges for concurrent runs of one kernel.
#include "kernels/random_fill.h"

#include <random>

namespace pgx {
namespace random {

namespace {

uint64_t new64(std::random_device& rd) {
  return (static_cast<uint64_t>(rd()) << 32) | static_cast<uint64_t>(rd());
}

}  // namespace

GuardedPhiloxRandom::GuardedPhiloxRandom(int64_t seed, int64_t seed2) {
  uint64_t s1 = static_cast<uint64_t>(seed), s2 = static_cast<uint64_t>(seed2);
  if (s1 == 0 && s2 == 0) {
    std::random_device rd;
    s1 = new64(rd);
    s2 = new64(rd);
  }
  generator_ = PhiloxRandom(s1, s2);
}

PhiloxRandom GuardedPhiloxRandom::ReserveSamples128(int64_t samples) {
  std::lock_guard<std::mutex> lock(mu_);
  PhiloxRandom local = generator_;
  generator_.Skip(static_cast<uint64_t>(samples));
  return local;
}

}  // namespace random
}  // namespace pgx
