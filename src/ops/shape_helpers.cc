// Broadcasting and dtype checks shared by op families.
#include "shape_helpers.h"

#include <algorithm>

#include "pygraphx/status.h"

namespace pgx {

std::string dims_bracket(const Dims& d) {
  std::string s = "[";
  for (size_t i = 0; i < d.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(d[i]);
  }
  return s + "]";
}

PartialShape broadcast_shapes(const InferenceContext& ic, const PartialShape& a,
                              const PartialShape& b) {
  if (!a.rank_known() || !b.rank_known()) return PartialShape::unknown();
  const int r = std::max(a.rank(), b.rank());
  Dims out(r);
  for (int i = 0; i < r; ++i) {
    const int ia = a.rank() - r + i, ib = b.rank() - r + i;
    const int64_t da = ia >= 0 ? a.dim(ia) : 1, db = ib >= 0 ? b.dim(ib) : 1;
    if (da == 1) {
      out[i] = db;
    } else if (db == 1) {
      out[i] = da;
    } else if (da < 0 || db < 0) {
      out[i] = da < 0 ? db : da;
    } else if (da == db) {
      out[i] = da;
    } else {
      ic.fail("Dimensions must be equal, but are " + std::to_string(da) + " and " +
              std::to_string(db) + " for shapes " + a.str() + " and " + b.str());
    }
  }
  return PartialShape(out);
}

Dims broadcast_dims(const Dims& a, const Dims& b) {
  const size_t r = std::max(a.size(), b.size());
  Dims out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t ia = static_cast<int64_t>(a.size()) - static_cast<int64_t>(r) + i;
    const int64_t ib = static_cast<int64_t>(b.size()) - static_cast<int64_t>(r) + i;
    const int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da == db || db == 1) {
      out[i] = da;
    } else if (da == 1) {
      out[i] = db;
    } else {
      throw_invalid("Incompatible shapes: " + dims_bracket(a) + " vs. " + dims_bracket(b));
    }
  }
  return out;
}

int64_t index_at(const Tensor& t, int64_t i) {
  return t.dtype() == DType::kInt32 ? static_cast<int64_t>(t.data<int32_t>()[i])
                                    : t.data<int64_t>()[i];
}

std::vector<int64_t> read_index_vector(const Tensor& t) {
  if (t.dtype() != DType::kInt32 && t.dtype() != DType::kInt64)
    throw_invalid(std::string("index tensors must be int32 or int64, got ") +
                  dtype_name(t.dtype()));
  std::vector<int64_t> v(static_cast<size_t>(t.size()));
  for (int64_t i = 0; i < t.size(); ++i) v[i] = index_at(t, i);
  return v;
}

DType same_input_dtypes(const InferenceContext& ic) {
  if (ic.in_dtypes.empty()) ic.fail("expected at least one input");
  DType t = ic.in_dtypes[0];
  for (int i = 1; i < ic.num_inputs(); ++i)
    if (ic.in_dtypes[i] != t)
      ic.fail(std::string("Input ") + std::to_string(i) + " has dtype " +
              dtype_name(ic.in_dtypes[i]) + ", which does not match dtype " + dtype_name(t) +
              " of input 0");
  return t;
}

int normalize_axis(const InferenceContext& ic, int64_t axis, int rank) {
  if (axis < -rank || axis >= rank)
    ic.fail("axis " + std::to_string(axis) + " is out of range for a tensor of rank " +
            std::to_string(rank));
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

}  // namespace pgx
