// Element types and compile-time dispatch over them. Numeric values match TF's DataType enum
// so that dtypes round-trip through the Python layer unchanged.
//
// kString (TF's DT_STRING) holds byte strings; its elements are std::string objects (see
// tensor.h for how string buffers construct, share and destroy them). The visitors below cover
// the fixed-size types only, so a kernel written with them can never see a string element.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include "pygraphx/status.h"

namespace pgx {

enum class DType : int32_t {
  kInvalid = 0,
  kFloat32 = 1,
  kFloat64 = 2,
  kInt32 = 3,
  kString = 7,
  kInt64 = 9,
  kBool = 10,
};

// Bytes per element; sizeof(std::string) for kString.
size_t dtype_size(DType t);
// TF's short name: "float", "double", "int32", "int64", "bool", "string".
const char* dtype_tf_name(DType t);
// NumPy-style name: "float32", "float64", "int32", "int64", "bool" ("string" for kString).
const char* dtype_name(DType t);
bool dtype_is_floating(DType t);
bool dtype_is_integer(DType t);
// float32, float64, int32 or int64 (TF's real number types as far as pygraphx has them).
bool dtype_is_real(DType t);
bool dtype_is_valid(int32_t raw);

template <typename T>
struct DTypeOf;
template <>
struct DTypeOf<float> {
  static constexpr DType value = DType::kFloat32;
};
template <>
struct DTypeOf<double> {
  static constexpr DType value = DType::kFloat64;
};
template <>
struct DTypeOf<int32_t> {
  static constexpr DType value = DType::kInt32;
};
template <>
struct DTypeOf<int64_t> {
  static constexpr DType value = DType::kInt64;
};
template <>
struct DTypeOf<bool> {
  static constexpr DType value = DType::kBool;
};
template <>
struct DTypeOf<std::string> {
  static constexpr DType value = DType::kString;
};

template <typename T>
struct TypeTag {
  using type = T;
};

// Calls fn(TypeTag<T>{}) for the C++ type T of `t`. Usage:
//   visit_dtype(t, [&](auto tag) { using T = typename decltype(tag)::type; ... });
template <typename F>
decltype(auto) visit_dtype(DType t, F&& fn) {
  switch (t) {
    case DType::kFloat32:
      return fn(TypeTag<float>{});
    case DType::kFloat64:
      return fn(TypeTag<double>{});
    case DType::kInt32:
      return fn(TypeTag<int32_t>{});
    case DType::kInt64:
      return fn(TypeTag<int64_t>{});
    case DType::kBool:
      return fn(TypeTag<bool>{});
    case DType::kString:
      throw_invalid("dtype string is not supported by this op");
    default:
      throw_internal("invalid dtype " + std::to_string(static_cast<int>(t)));
  }
}

// Same, restricted to numeric types (no bool): bool raises `what` as InvalidArgument.
template <typename F>
decltype(auto) visit_numeric(DType t, F&& fn) {
  switch (t) {
    case DType::kFloat32:
      return fn(TypeTag<float>{});
    case DType::kFloat64:
      return fn(TypeTag<double>{});
    case DType::kInt32:
      return fn(TypeTag<int32_t>{});
    case DType::kInt64:
      return fn(TypeTag<int64_t>{});
    default:
      throw_invalid(std::string("dtype ") + dtype_name(t) + " is not supported by this op");
  }
}

// Same, restricted to floating types.
template <typename F>
decltype(auto) visit_floating(DType t, F&& fn) {
  switch (t) {
    case DType::kFloat32:
      return fn(TypeTag<float>{});
    case DType::kFloat64:
      return fn(TypeTag<double>{});
    default:
      throw_invalid(std::string("dtype ") + dtype_name(t) +
                    " is not supported by this op (float32 or float64 expected)");
  }
}

}  // namespace pgx
