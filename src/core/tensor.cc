// Aligned reference-counted buffers and the dense Tensor value.
#include "pygraphx/tensor.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include <sys/mman.h>

#include "buffer_cache.h"

namespace pgx {

namespace {
constexpr size_t kAlignment = 64;
// Large buffers are aligned to 2 MB and advised to use huge pages (as NumPy does): a fresh
// large output is otherwise dominated by 4 KB page faults.
constexpr size_t kHugeThreshold = size_t{4} << 20;
constexpr size_t kHugeAlignment = size_t{2} << 20;
}

namespace {
// Buffers below this size are allocated together with their Buffer object and shared_ptr
// control block: one malloc instead of three (a small graph's run allocates mostly these).
constexpr size_t kInlineMaxBytes = size_t{16} << 10;

// Allocates what allocate_shared asks for plus `tail` bytes after it, with malloc.
template <typename T>
struct TailAllocator {
  using value_type = T;
  explicit TailAllocator(size_t t) : tail(t) {}
  template <typename U>
  TailAllocator(const TailAllocator<U>& o) : tail(o.tail) {}  // NOLINT: rebinding
  T* allocate(size_t n) {
    void* p = std::malloc(n * sizeof(T) + tail);
    if (!p) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) { std::free(p); }
  template <typename U>
  bool operator==(const TailAllocator<U>& o) const { return tail == o.tail; }
  template <typename U>
  bool operator!=(const TailAllocator<U>& o) const { return tail != o.tail; }
  size_t tail;
};
}  // namespace

std::shared_ptr<Buffer> Buffer::allocate(size_t bytes) {
  size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0) rounded = kAlignment;
  if (rounded <= kInlineMaxBytes) {
    // The Buffer is the last member of the control block, so at least `tail` bytes follow it;
    // kAlignment of them absorb the alignment of the data.
    std::shared_ptr<Buffer> b =
        std::allocate_shared<Buffer>(TailAllocator<Buffer>(rounded + kAlignment), Key());
    const auto end = reinterpret_cast<uintptr_t>(b.get()) + sizeof(Buffer);
    b->data_ = reinterpret_cast<void*>((end + kAlignment - 1) / kAlignment * kAlignment);
    b->bytes_ = bytes;
    b->inline_ = true;
    return b;
  }
  std::shared_ptr<Buffer> b = std::make_shared<Buffer>(Key());
  size_t alignment = kAlignment;
  if (rounded >= kHugeThreshold) {
    alignment = kHugeAlignment;
    rounded = (rounded + kHugeAlignment - 1) / kHugeAlignment * kHugeAlignment;
  }
  b->data_ = buffer_cache_take(rounded, alignment);
  if (!b->data_) {
    b->data_ = std::aligned_alloc(alignment, rounded);
#ifdef MADV_HUGEPAGE
    if (b->data_ && alignment == kHugeAlignment) madvise(b->data_, rounded, MADV_HUGEPAGE);
#endif
  }
  if (!b->data_)
    throw OpError(Code::kResourceExhausted,
                  "OOM when allocating a buffer of " + std::to_string(bytes) + " bytes");
  b->capacity_ = rounded;
  b->alignment_ = alignment;
  b->bytes_ = bytes;
  return b;
}

std::shared_ptr<Buffer> Buffer::allocate_strings(int64_t count) {
  std::shared_ptr<Buffer> b = allocate(static_cast<size_t>(count) * sizeof(std::string));
  auto* s = static_cast<std::string*>(b->data_);
  for (int64_t i = 0; i < count; ++i) new (s + i) std::string();
  b->num_strings_ = count;
  return b;
}

std::shared_ptr<Buffer> Buffer::wrap(void* data, size_t bytes, std::function<void()> release) {
  std::shared_ptr<Buffer> b = std::make_shared<Buffer>(Key());
  b->data_ = data;
  b->bytes_ = bytes;
  b->owned_ = false;
  b->release_ = std::move(release);
  return b;
}

Buffer::~Buffer() {
  if (num_strings_) {
    auto* s = static_cast<std::string*>(data_);
    for (int64_t i = 0; i < num_strings_; ++i) s[i].~basic_string();
  }
  if (owned_) {
    if (!inline_ && !buffer_cache_give(data_, capacity_, alignment_)) std::free(data_);
  } else if (release_) {
    release_();
  }
}

void copy_elements(DType dtype, void* dst, const void* src, int64_t count) {
  if (count <= 0) return;
  if (dtype == DType::kString) {
    const auto* s = static_cast<const std::string*>(src);
    std::copy(s, s + count, static_cast<std::string*>(dst));
  } else {
    std::memcpy(dst, src, static_cast<size_t>(count) * dtype_size(dtype));
  }
}

Tensor::Tensor(DType dtype, Dims shape) : dtype_(dtype), shape_(std::move(shape)) {
  size_ = num_elements(shape_);
  buffer_ = dtype_ == DType::kString
                ? Buffer::allocate_strings(size_)
                : Buffer::allocate(static_cast<size_t>(size_) * dtype_size(dtype_));
}

Tensor::Tensor(DType dtype, Dims shape, std::shared_ptr<Buffer> buffer)
    : dtype_(dtype), shape_(std::move(shape)), buffer_(std::move(buffer)) {
  size_ = num_elements(shape_);
  if (buffer_ && buffer_->bytes() < bytes())
    throw_internal("buffer of " + std::to_string(buffer_->bytes()) + " bytes is too small for " +
                   dims_str(shape_));
  if (dtype_ == DType::kString && buffer_ && buffer_->num_strings() < size_)
    throw_internal("a string tensor of shape " + dims_str(shape_) +
                   " needs a buffer of constructed strings");
}

Tensor Tensor::scalar_of(DType dtype, double value) {
  Tensor t(dtype, {});
  visit_dtype(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    *t.data<T>() = static_cast<T>(value);
  });
  return t;
}

Tensor Tensor::reshaped(Dims shape) const {
  if (num_elements(shape) != size_)
    throw_invalid("cannot reshape a tensor of " + std::to_string(size_) + " elements to shape " +
                  dims_str(shape));
  return Tensor(dtype_, std::move(shape), buffer_);
}

Tensor Tensor::copy() const {
  Tensor t(dtype_, shape_);
  copy_elements(dtype_, t.raw(), raw(), size_);
  return t;
}

double Tensor::get_as_double(int64_t i) const {
  return visit_dtype(dtype_, [&](auto tag) -> double {
    using T = typename decltype(tag)::type;
    return static_cast<double>(data<T>()[i]);
  });
}

namespace {
// A string element as a quoted Python-style bytes literal, cut after 40 bytes.
std::string quote_bytes(const std::string& v) {
  std::string s = "b'";
  const size_t n = std::min<size_t>(v.size(), 40);
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c == '\\' || c == '\'') {
      s += '\\';
      s += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      s += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      s += buf;
    }
  }
  if (v.size() > n) s += "...";
  return s + "'";
}
}  // namespace

std::string Tensor::summarize(int max) const {
  std::string s = "[";
  for (int64_t i = 0; i < size_ && i < max; ++i) {
    if (i) s += " ";
    if (dtype_ == DType::kString) {
      s += quote_bytes(data<std::string>()[i]);
      continue;
    }
    double v = get_as_double(i);
    if (dtype_is_floating(dtype_)) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", v);
      s += buf;
    } else {
      s += std::to_string(static_cast<int64_t>(v));
    }
  }
  if (size_ > max) s += "...";
  return s + "]";
}

}  // namespace pgx
