// Shape-function helpers of the array ops: constant index inputs, index dtype and rank checks.
// Kept apart so that each array op file stays small.
#include "array_op_util.h"

#include <string>

#include "shape_helpers.h"
#include "pygraphx/status.h"

namespace pgx {

std::optional<std::vector<int64_t>> const_index_vector(const InferenceContext& ic, int i) {
  const Tensor* v = ic.in_values[i];
  if (v == nullptr) return std::nullopt;
  if (v->dtype() != DType::kInt32 && v->dtype() != DType::kInt64) return std::nullopt;
  return read_index_vector(*v);
}

void require_index_dtype(const InferenceContext& ic, int i, const char* what) {
  const DType t = ic.in_dtypes[i];
  if (t != DType::kInt32 && t != DType::kInt64)
    ic.fail(std::string("Value for '") + what + "' must be int32 or int64, got " +
            dtype_name(t));
}

void require_rank(const InferenceContext& ic, int i, int rank) {
  const PartialShape& s = ic.in_shapes[i];
  if (s.rank_known() && s.rank() != rank)
    ic.fail("Shape must be rank " + std::to_string(rank) + " but is rank " +
            std::to_string(s.rank()));
}

PartialShape shape_of_vector_length(const PartialShape& vec) {
  if (vec.rank_known() && vec.rank() == 1 && vec.dim(0) >= 0)
    return PartialShape::unknown_of_rank(static_cast<int>(vec.dim(0)));
  return PartialShape::unknown();
}

void same_shape_fn(InferenceContext& ic) { ic.set_output(0, ic.in_dtypes[0], ic.in_shapes[0]); }

}  // namespace pgx
