// Reference-counted, 64-byte-aligned buffers and the dense Tensor value that runs through the
// executor. A Buffer either owns its memory or wraps memory owned elsewhere (a fed NumPy array).
//
// String tensors (DType::kString). Each element is a std::string constructed in place in an
// owned, aligned Buffer (Buffer::allocate_strings), so a string tensor has the same layout rules
// as any other: element i lives at data<std::string>()[i], dtype_size(kString) bytes apart.
// Lifetimes follow the buffer, not the tensor:
//   - the Buffer that constructed the strings destroys them (then frees the memory) when its
//     last reference goes, so sharing a buffer (Const outputs, Identity, Reshape, a fetched
//     value held by NumPy) shares the strings without copying a byte;
//   - a string buffer is never wrapped around foreign memory: fed or converted values are
//     copied into fresh std::string elements, and a Tensor refuses a buffer that does not hold
//     constructed strings;
//   - copying elements (Tensor::copy, copy_elements) assigns strings, never memcpy's them.
// Strings are written only by the kernel that allocated them, before it publishes its output;
// afterwards they are immutable like every other shared buffer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "pygraphx/dtype.h"
#include "pygraphx/shape.h"

namespace pgx {

class Buffer {
 public:
  // Owned, 64-byte-aligned, uninitialised memory of `bytes` bytes (large buffers may be
  // memory a released buffer of the same size held: see src/core/buffer_cache.h).
  static std::shared_ptr<Buffer> allocate(size_t bytes);
  // Owned, aligned memory holding `count` empty std::string objects, destroyed with the buffer.
  static std::shared_ptr<Buffer> allocate_strings(int64_t count);
  // Wraps memory owned by someone else; `release` runs when the last reference goes. Wrapped
  // buffers are never written by kernels (not eligible for input forwarding).
  static std::shared_ptr<Buffer> wrap(void* data, size_t bytes, std::function<void()> release);

  // Constructible only by Buffer's own factories (through make_shared and friends).
  class Key {
    Key() = default;
    friend class Buffer;
  };
  explicit Buffer(Key) {}
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  void* data() const { return data_; }
  size_t bytes() const { return bytes_; }
  bool owned() const { return owned_; }
  // Number of std::string objects constructed in this buffer (0 unless allocate_strings).
  int64_t num_strings() const { return num_strings_; }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
  bool owned_ = true;
  bool inline_ = false;   // the data follows this object in its own allocation
  size_t capacity_ = 0;   // bytes allocated separately (owned, not inline)
  size_t alignment_ = 0;  // and their alignment
  int64_t num_strings_ = 0;
  std::function<void()> release_;
};

// Copies `count` elements of type `dtype` from `src` to `dst` (non-overlapping): memcpy for the
// fixed-size types, string assignment for kString (dst must hold constructed strings).
void copy_elements(DType dtype, void* dst, const void* src, int64_t count);

class Tensor {
 public:
  Tensor() = default;
  // Allocates an uninitialised tensor (a string tensor's elements are empty strings).
  Tensor(DType dtype, Dims shape);
  Tensor(DType dtype, Dims shape, std::shared_ptr<Buffer> buffer);

  static Tensor scalar_of(DType dtype, double value);
  template <typename T>
  static Tensor scalar(T value) {
    Tensor t(DTypeOf<T>::value, {});
    *t.data<T>() = value;
    return t;
  }

  bool valid() const { return buffer_ != nullptr; }
  DType dtype() const { return dtype_; }
  const Dims& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int i) const { return shape_[i]; }
  int64_t size() const { return size_; }
  size_t bytes() const { return static_cast<size_t>(size_) * dtype_size(dtype_); }
  const std::shared_ptr<Buffer>& buffer() const { return buffer_; }

  template <typename T>
  T* data() const {
    return static_cast<T*>(buffer_->data());
  }
  void* raw() const { return buffer_ ? buffer_->data() : nullptr; }

  // True when this tensor holds the only reference to an owned buffer, so a kernel may write
  // into it in place.
  bool is_exclusive() const { return buffer_ && buffer_.use_count() == 1 && buffer_->owned(); }

  // Same buffer, new shape (element counts must match).
  Tensor reshaped(Dims shape) const;
  // Deep copy into a fresh owned buffer.
  Tensor copy() const;
  // Element i converted to double (for tests, attrs and messages; not for hot loops). Throws
  // InvalidArgument for string tensors.
  double get_as_double(int64_t i) const;
  // Up to `max` values, NumPy-like, for error messages.
  std::string summarize(int max = 6) const;

 private:
  DType dtype_ = DType::kInvalid;
  Dims shape_;
  int64_t size_ = 0;
  std::shared_ptr<Buffer> buffer_;
};

}  // namespace pgx
