// Variables and assignment: VariableV2 (reads this session's value), IsVariableInitialized,
// InitializedValue, Assign, AssignAdd and AssignSub (write through the run's overlay,
// committed on success).
#include <cstring>

#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"
#include "shape_helpers.h"

namespace pgx {

namespace {

void variable_shape(InferenceContext& ic) {
  ic.set_output(0, ic.attrs.get<DType>("dtype"), ic.attrs.get<PartialShape>("shape"));
}

void variable_kernel(OpKernelContext& ctx) {
  ctx.set_output(0, ctx.read_variable(ctx.node().id));
}

void is_initialized_shape(InferenceContext& ic) {
  ic.set_output(0, DType::kBool, PartialShape(Dims{}));
}

void is_initialized_kernel(OpKernelContext& ctx) {
  Tensor t(DType::kBool, {});
  *t.data<bool>() = ctx.variable_initialized(ctx.ref_input_variable(0));
  ctx.set_output(0, std::move(t));
}

// InitializedValue(ref, default): the variable's value when it is initialised in this run,
// else `default` (its initial value). TF builds this as cond(IsVariableInitialized(v),
// v.read_value, v.initial_value); here `default` is always computed, the variable only read.
void initialized_value_shape(InferenceContext& ic) {
  if (ic.in_dtypes[0] != ic.in_dtypes[1])
    ic.fail(std::string("InitializedValue: default of dtype ") + dtype_name(ic.in_dtypes[1]) +
            " for a variable of dtype " + dtype_name(ic.in_dtypes[0]));
  const PartialShape& a = ic.in_shapes[0];
  const PartialShape& b = ic.in_shapes[1];
  ic.set_output(0, ic.in_dtypes[0], a.compatible_with(b) ? a.merge_with(b) : PartialShape());
}

void initialized_value_kernel(OpKernelContext& ctx) {
  const int32_t v = ctx.ref_input_variable(0);
  ctx.set_output(0, ctx.variable_initialized(v) ? ctx.read_variable(v) : ctx.input(1));
}

void assign_shape(InferenceContext& ic) {
  if (ic.in_dtypes[0] != ic.in_dtypes[1])
    ic.fail(std::string("Assigning a value of dtype ") + dtype_name(ic.in_dtypes[1]) +
            " to a variable of dtype " + dtype_name(ic.in_dtypes[0]));
  const bool validate = ic.attrs.get_or<bool>("validate_shape", true);
  if (validate && !ic.in_shapes[0].compatible_with(ic.in_shapes[1]))
    ic.fail("Shapes must be equal rank, but are " + ic.in_shapes[0].str() + " and " +
            ic.in_shapes[1].str());
  ic.set_output(0, ic.in_dtypes[0], validate ? ic.in_shapes[0].merge_with(ic.in_shapes[1])
                                             : ic.in_shapes[1]);
}

void assign_kernel(OpKernelContext& ctx) {
  const Node& var = ctx.node();  // for messages
  const Tensor& value = ctx.input(1);
  const bool validate = ctx.attrs().get_or<bool>("validate_shape", true);
  const int32_t v = ctx.ref_input_variable(0);
  if (validate) {
    if (ctx.variable_initialized(v)) {
      Tensor cur = ctx.read_variable(v);
      if (cur.shape() != value.shape())
        throw_invalid("Assign requires shapes of both tensors to match. lhs shape= " +
                      dims_bracket(cur.shape()) + " rhs shape= " + dims_bracket(value.shape()));
    }
  }
  (void)var;
  // The stored value must never alias a buffer someone else may write: copy unless this run
  // holds the only reference to an owned buffer.
  Tensor stored = value.is_exclusive() ? value : value.copy();
  ctx.write_variable(v, stored);
  ctx.set_output(0, stored);
}

template <bool kAdd>
void assign_update_kernel(OpKernelContext& ctx) {
  const int32_t v = ctx.ref_input_variable(0);
  Tensor cur = ctx.read_variable(v);
  const Tensor& delta = ctx.input(1);
  if (cur.shape() != delta.shape())
    throw_invalid(std::string(kAdd ? "AssignAdd" : "AssignSub") +
                  " requires shapes of both tensors to match. lhs shape= " +
                  dims_bracket(cur.shape()) + " rhs shape= " + dims_bracket(delta.shape()));
  Tensor next(cur.dtype(), cur.shape());
  visit_numeric(cur.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* a = cur.data<T>();
    const T* b = delta.data<T>();
    T* o = next.data<T>();
    const int64_t n = cur.size();
    for (int64_t i = 0; i < n; ++i) o[i] = kAdd ? T(a[i] + b[i]) : T(a[i] - b[i]);
  });
  ctx.write_variable(v, next);
  ctx.set_output(0, next);
}

void assign_update_shape(InferenceContext& ic) {
  if (ic.in_dtypes[0] != ic.in_dtypes[1])
    ic.fail(std::string("Updating a variable of dtype ") + dtype_name(ic.in_dtypes[0]) +
            " with a value of dtype " + dtype_name(ic.in_dtypes[1]));
  if (!ic.in_shapes[0].compatible_with(ic.in_shapes[1]))
    ic.fail("Shapes must be equal, but are " + ic.in_shapes[0].str() + " and " +
            ic.in_shapes[1].str());
  ic.set_output(0, ic.in_dtypes[0], ic.in_shapes[0].merge_with(ic.in_shapes[1]));
}

}  // namespace

void register_state_ops() {
  OpRegistry& r = OpRegistry::global();
  r.add({"VariableV2", 0, 0, 0, true, variable_shape, fn_kernel(variable_kernel)});
  r.add({"IsVariableInitialized", 1, 1, 1u, true, is_initialized_shape,
         fn_kernel(is_initialized_kernel)});
  r.add({"InitializedValue", 2, 2, 1u, true, initialized_value_shape,
         fn_kernel(initialized_value_kernel)});
  r.add({"Assign", 2, 2, 1u, true, assign_shape, fn_kernel(assign_kernel)});
  r.add({"AssignAdd", 2, 2, 1u, true, assign_update_shape,
         fn_kernel(assign_update_kernel<true>)});
  r.add({"AssignSub", 2, 2, 1u, true, assign_update_shape,
         fn_kernel(assign_update_kernel<false>)});
}

}  // namespace pgx
