// Registrations of the selection ops: Select (TF1's three-argument where), SelectV2 (with full
// broadcasting), Where (coordinates of true elements) and OneHot. Kernels: src/kernels/select.cc
// and src/kernels/one_hot.cc.
#include <string>

#include "array_op_util.h"
#include "kernels/nn_kernels.h"
#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"
#include "shape_helpers.h"

namespace pgx {

namespace {

// TF's merge of two shapes that must be equal, with its messages.
PartialShape merge_equal(const InferenceContext& ic, const PartialShape& a,
                         const PartialShape& b) {
  if (!a.rank_known()) return b;
  if (!b.rank_known()) return a;
  if (a.rank() != b.rank())
    ic.fail("Shapes must be equal rank, but are " + std::to_string(a.rank()) + " and " +
            std::to_string(b.rank()));
  Dims d = a.dims();
  for (int i = 0; i < a.rank(); ++i) {
    if (d[i] >= 0 && b.dim(i) >= 0 && d[i] != b.dim(i))
      ic.fail("Dimension " + std::to_string(i) + " in both shapes must be equal, but are " +
              std::to_string(d[i]) + " and " + std::to_string(b.dim(i)) + ". Shapes are " +
              a.bracket_str() + " and " + b.bracket_str() + ".");
    if (d[i] < 0) d[i] = b.dim(i);
  }
  return PartialShape(d);
}

void check_condition(const InferenceContext& ic) {
  if (ic.in_dtypes[0] != DType::kBool)
    throw TypeError(std::string("Value passed to parameter 'condition' has DataType ") +
                    dtype_name(ic.in_dtypes[0]) + " not in list of allowed values: bool");
  if (ic.in_dtypes[2] != ic.in_dtypes[1])
    throw TypeError("Input 'e' of '" + ic.op_type + "' Op has type " +
                    dtype_name(ic.in_dtypes[2]) + " that does not match type " +
                    dtype_name(ic.in_dtypes[1]) + " of argument 't'.");
}

void select_shape(InferenceContext& ic) {
  check_condition(ic);
  PartialShape data = merge_equal(ic, ic.in_shapes[1], ic.in_shapes[2]);
  const PartialShape& cond = ic.in_shapes[0];
  if (cond.rank_known() && data.rank_known() && cond.rank() != 0) {
    if (cond.rank() == 1 && data.rank() > 1) {
      Dims d = data.dims();
      const PartialShape first = merge_equal(ic, cond, PartialShape(Dims{d[0]}));
      d[0] = first.dim(0);
      data = PartialShape(d);
    } else {
      data = merge_equal(ic, data, cond);
    }
  }
  ic.set_output(0, ic.in_dtypes[1], data);
}

void select_v2_shape(InferenceContext& ic) {
  check_condition(ic);
  const PartialShape te = broadcast_shapes(ic, ic.in_shapes[1], ic.in_shapes[2]);
  ic.set_output(0, ic.in_dtypes[1], broadcast_shapes(ic, ic.in_shapes[0], te));
}

void where_shape(InferenceContext& ic) {
  const PartialShape& s = ic.in_shapes[0];
  ic.set_output(0, DType::kInt64, PartialShape(Dims{-1, s.rank_known() ? s.rank() : -1}));
}

void one_hot_shape(InferenceContext& ic) {
  const DType ti = ic.in_dtypes[0];
  if (ti != DType::kInt32 && ti != DType::kInt64)
    throw TypeError(std::string("Value passed to parameter 'indices' has DataType ") +
                    dtype_name(ti) + " not in list of allowed values: int32, int64");
  if (ic.in_dtypes[1] != DType::kInt32)
    throw TypeError(std::string("Value passed to parameter 'depth' has DataType ") +
                    dtype_name(ic.in_dtypes[1]) + " not in list of allowed values: int32");
  if (ic.in_dtypes[3] != ic.in_dtypes[2])
    throw TypeError("Input 'off_value' of 'OneHot' Op has type " +
                    std::string(dtype_name(ic.in_dtypes[3])) + " that does not match type " +
                    dtype_name(ic.in_dtypes[2]) + " of argument 'on_value'.");
  require_rank(ic, 1, 0);
  int64_t depth = -1;
  if (const auto v = const_index_vector(ic, 1)) {
    depth = (*v)[0];
    if (depth < 0)
      ic.fail("Dimension size, given by scalar input 1, must be non-negative but is " +
              std::to_string(depth));
  }
  const PartialShape& in = ic.in_shapes[0];
  const int64_t axis = ic.attrs.get_or<int64_t>("axis", -1);
  if (!in.rank_known() || axis < -1 || axis > in.rank()) {
    // An axis out of range is reported by the kernel, as in TF.
    ic.set_output(0, ic.in_dtypes[2], PartialShape::unknown());
    return;
  }
  Dims d = in.dims();
  d.insert(d.begin() + (axis == -1 ? in.rank() : axis), depth);
  ic.set_output(0, ic.in_dtypes[2], PartialShape(d));
}

}  // namespace

void register_selection_ops() {
  OpRegistry& r = OpRegistry::global();
  r.add(pure({"Select", 3, 3, 0, false, select_shape, fn_kernel(nn::select_kernel)}));
  r.add(pure({"SelectV2", 3, 3, 0, false, select_v2_shape, fn_kernel(nn::select_v2_kernel)}));
  r.add(pure({"Where", 1, 1, 0, false, where_shape, fn_kernel(nn::where_kernel)}));
  r.add(pure({"OneHot", 4, 4, 0, false, one_hot_shape, fn_kernel(nn::one_hot_kernel)}));
}

}  // namespace pgx
