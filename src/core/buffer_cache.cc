// The freed-buffer cache: a short list of (size, alignment, memory) entries under one mutex,
// bounded in entries and bytes; the oldest entries are freed to make room, and a lookup
// tries the newest first.
#include "buffer_cache.h"

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace pgx {

namespace {

// Sanitizer builds keep every free visible to the sanitizer (use-after-free detection).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kEnabled = false;
#else
constexpr bool kEnabled = true;
#endif
constexpr size_t kMaxEntries = 32;
constexpr size_t kMaxBytes = size_t{256} << 20;

struct Entry {
  void* data;
  size_t bytes;
  size_t alignment;
};

class BufferCache {
 public:
  BufferCache() { entries_.reserve(kMaxEntries); }

  void* take(size_t bytes, size_t alignment) {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = entries_.size(); i-- > 0;) {
      const Entry& e = entries_[i];
      if (e.bytes == bytes && e.alignment == alignment) {
        void* data = e.data;
        held_ -= bytes;
        entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
        return data;
      }
    }
    return nullptr;
  }

  bool give(void* data, size_t bytes, size_t alignment) {
    if (bytes > kMaxBytes / 2) return false;  // one huge buffer would flush everything else
    std::vector<void*> evicted;
    {
      std::lock_guard<std::mutex> lock(mu_);
      size_t drop = 0;
      while (drop < entries_.size() &&
             (entries_.size() - drop >= kMaxEntries || held_ + bytes > kMaxBytes)) {
        held_ -= entries_[drop].bytes;
        evicted.push_back(entries_[drop].data);
        ++drop;
      }
      entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(drop));
      entries_.push_back({data, bytes, alignment});
      held_ += bytes;
    }
    for (void* p : evicted) std::free(p);  // outside the lock
    return true;
  }

 private:
  std::mutex mu_;
  std::vector<Entry> entries_;  // oldest first
  size_t held_ = 0;
};

// Never destroyed: buffers (fetched arrays held by Python) may be released during or after
// static destruction.
BufferCache& cache() {
  static BufferCache* c = new BufferCache();
  return *c;
}

}  // namespace

void* buffer_cache_take(size_t bytes, size_t alignment) {
  if (!kEnabled || bytes < kBufferCacheMinBytes) return nullptr;
  return cache().take(bytes, alignment);
}

bool buffer_cache_give(void* data, size_t bytes, size_t alignment) {
  if (!kEnabled || bytes < kBufferCacheMinBytes) return false;
  return cache().give(data, bytes, alignment);
}

}  // namespace pgx
