// A bounded cache of freed large buffers, handed back to the next allocation of the same size.
//
// A graph run repeatedly allocates the same sizes. Reusing memory that is still mapped saves
// the page faults, and the kernel zeroing every fresh page, that a large allocation from the
// system costs each time (a 4 MB matmul output: about 7% of the product's time on two cores).
#pragma once

#include <cstddef>

namespace pgx {

// Buffers of fewer bytes than this go straight to malloc, whose own free lists serve them well.
constexpr size_t kBufferCacheMinBytes = size_t{64} << 10;

// Memory of exactly `bytes` bytes (a multiple of `alignment`, aligned to it) released earlier,
// or nullptr when none is cached.
void* buffer_cache_take(size_t bytes, size_t alignment);

// Offers memory obtained with aligned_alloc(alignment, bytes) for reuse; false when the cache
// declines it (too small, or the cache is disabled), in which case the caller frees it.
bool buffer_cache_give(void* data, size_t bytes, size_t alignment);

}  // namespace pgx
