// Small helpers shared by shape functions and kernels of several op families.
#pragma once

#include <string>

#include "pygraphx/op_registry.h"
#include "pygraphx/shape.h"
#include "pygraphx/tensor.h"

namespace pgx {

// NumPy broadcasting of two static shapes; fails through ic when incompatible.
PartialShape broadcast_shapes(const InferenceContext& ic, const PartialShape& a,
                              const PartialShape& b);
// NumPy broadcasting of two concrete shapes; throws InvalidArgument naming both when
// incompatible ("Incompatible shapes: [2,3] vs. [4]").
Dims broadcast_dims(const Dims& a, const Dims& b);
// "[2,3]" bracket style used by TF run-time messages.
std::string dims_bracket(const Dims& d);
// Element i of an int32/int64 index tensor (axes, shapes, begin/size vectors).
int64_t index_at(const Tensor& t, int64_t i);
// An int32/int64 vector (or scalar) tensor as int64 values; InvalidArgument for other dtypes.
std::vector<int64_t> read_index_vector(const Tensor& t);
// Requires every input of ic to have the same dtype; returns it.
DType same_input_dtypes(const InferenceContext& ic);
// Normalises a possibly negative axis against rank; fails through ic when out of range.
int normalize_axis(const InferenceContext& ic, int64_t axis, int rank);

}  // namespace pgx
