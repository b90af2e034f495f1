// Element type properties.
#include "pygraphx/dtype.h"

namespace pgx {

size_t dtype_size(DType t) {
  switch (t) {
    case DType::kFloat32: return 4;
    case DType::kFloat64: return 8;
    case DType::kInt32: return 4;
    case DType::kInt64: return 8;
    case DType::kBool: return 1;
    case DType::kString: return sizeof(std::string);
    default: return 0;
  }
}

const char* dtype_tf_name(DType t) {
  switch (t) {
    case DType::kFloat32: return "float";
    case DType::kFloat64: return "double";
    case DType::kInt32: return "int32";
    case DType::kInt64: return "int64";
    case DType::kBool: return "bool";
    case DType::kString: return "string";
    default: return "invalid";
  }
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::kFloat32: return "float32";
    case DType::kFloat64: return "float64";
    case DType::kInt32: return "int32";
    case DType::kInt64: return "int64";
    case DType::kBool: return "bool";
    case DType::kString: return "string";
    default: return "invalid";
  }
}

bool dtype_is_floating(DType t) { return t == DType::kFloat32 || t == DType::kFloat64; }
bool dtype_is_integer(DType t) { return t == DType::kInt32 || t == DType::kInt64; }
bool dtype_is_real(DType t) { return dtype_is_floating(t) || dtype_is_integer(t); }

bool dtype_is_valid(int32_t raw) {
  switch (static_cast<DType>(raw)) {
    case DType::kFloat32:
    case DType::kFloat64:
    case DType::kInt32:
    case DType::kInt64:
    case DType::kBool:
    case DType::kString:
      return true;
    default:
      return false;
  }
}

}  // namespace pgx
