// The per-kernel seeded generator state and the parallel fill of an output buffer from a
// distribution, laid out exactly as TF's GuardedPhiloxRandom and FillPhiloxRandom. Values depend
// only on the seeds and on the samples earlier runs reserved, never on the number of threads.
#pragma once

#include <algorithm>
#include <cstdint>
#include <mutex>

#include "kernels/philox_random.h"
#include "pygraphx/thread_pool.h"

namespace pgx {
namespace random {

// A Philox generator shared by all runs of one kernel: each run reserves a disjoint range of
// the stream under a lock. Seeds (0, 0) are replaced by fresh nondeterministic seeds.
class GuardedPhiloxRandom {
 public:
  GuardedPhiloxRandom(int64_t seed, int64_t seed2);

  // A generator positioned at the start of `samples` fresh 128-bit samples (Philox outputs of
  // four uint32); the shared stream skips past them.
  PhiloxRandom ReserveSamples128(int64_t samples);
  // The same for `samples` 32-bit samples, rounded up to whole Philox outputs.
  PhiloxRandom ReserveSamples32(int64_t samples) { return ReserveSamples128((samples + 3) / 4); }
  // TF's conservative reservation of `multiplier` 128-bit samples per output element.
  PhiloxRandom ReserveRandomOutputs(int64_t output_count, int multiplier = 256) {
    return ReserveSamples128(output_count * multiplier);
  }

 private:
  std::mutex mu_;
  PhiloxRandom generator_;
};

// Samples reserved per output element by variable-sample distributions (TF's
// kReservedSamplesPerOutput): each output group starts at its own fixed stream offset.
constexpr int64_t kReservedSamplesPerOutput = 256;

// Fills data[0, size) from `dist` starting at `gen`, in groups of Dist::kGroup values, split over
// the pool. Each chunk skips the generator to its first group, so the result is independent
// of the chunking. `group_cost` is a rough cost per group in nanoseconds.
template <typename T, typename Dist>
void FillPhiloxRandom(ThreadPool& pool, PhiloxRandom gen, T* data, int64_t size,
                      const Dist& dist, double group_cost) {
  constexpr int kGroup = Dist::kGroup;
  const int64_t groups = (size + kGroup - 1) / kGroup;
  pool.parallel_for(groups, group_cost, [&](int64_t begin, int64_t end) {
    const int64_t full_end = std::min(end, size / kGroup);
    T tail[kGroup];
    if constexpr (!Dist::kVariableSamples) {
      PhiloxRandom g = gen;
      g.Skip(static_cast<uint64_t>(begin));
      constexpr int64_t kBlock = 256;  // Philox calls generated per bulk step
      alignas(64) uint32_t s[4 * kBlock];
      int64_t i = begin;
      while (i < full_end) {
        const int64_t n = std::min(kBlock, full_end - i);
        PhiloxFillU32(&g, s, n);
        T* dst = data + i * kGroup;
        for (int64_t k = 0; k < n; ++k)
          dist.from(s[4 * k], s[4 * k + 1], s[4 * k + 2], s[4 * k + 3], dst + k * kGroup);
        i += n;
      }
      if (full_end < end) {  // the last, partial group
        const auto r = g();
        dist.from(r[0], r[1], r[2], r[3], tail);
        std::copy(tail, tail + (size - i * kGroup), data + i * kGroup);
      }
    } else {
      constexpr uint64_t kSkipPerGroup =
          kGroup * kReservedSamplesPerOutput / PhiloxRandom::kResultElementCount;
      for (int64_t i = begin; i < end; ++i) {
        PhiloxRandom g = gen;
        g.Skip(static_cast<uint64_t>(i) * kSkipPerGroup);
        SingleSampleAdapter single(&g);
        if (i < full_end) {
          dist(&single, data + i * kGroup);
        } else {
          dist(&single, tail);
          std::copy(tail, tail + (size - i * kGroup), data + i * kGroup);
        }
      }
    }
  });
}

}  // namespace random
}  // namespace pgx
