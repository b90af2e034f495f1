// Graph sources and pass-throughs: Const, Placeholder, PlaceholderWithDefault, Identity,
// StopGradient and NoOp.
#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"

namespace pgx {

namespace {

void const_shape(InferenceContext& ic) {
  const Tensor& v = ic.attrs.get<Tensor>("value");
  ic.set_output(0, v.dtype(), PartialShape(v.shape()));
}

class ConstKernel final : public OpKernel {
 public:
  explicit ConstKernel(const Node& n) : OpKernel(n), value_(n.attrs.get<Tensor>("value")) {}
  // Shares the attribute's buffer; it is never exclusive, so no kernel writes into it.
  void compute(OpKernelContext& ctx) override { ctx.set_output(0, value_); }

 private:
  Tensor value_;
};

void placeholder_shape(InferenceContext& ic) {
  ic.set_output(0, ic.attrs.get<DType>("dtype"), ic.attrs.get<PartialShape>("shape"));
}

void placeholder_kernel(OpKernelContext& ctx) {
  const Node& n = ctx.node();
  throw OpError(Code::kInvalidArgument,
                "You must feed a value for placeholder tensor '" + n.name + "' with dtype " +
                    dtype_tf_name(n.out_dtypes[0]) + " and shape " +
                    n.out_shapes[0].bracket_str());
}

void placeholder_with_default_shape(InferenceContext& ic) {
  const PartialShape& declared = ic.attrs.get<PartialShape>("shape");
  if (!declared.compatible_with(ic.in_shapes[0]))
    ic.fail("default value of shape " + ic.in_shapes[0].str() +
            " is not compatible with the placeholder shape " + declared.str());
  ic.set_output(0, ic.in_dtypes[0], declared);
}

void identity_shape(InferenceContext& ic) {
  ic.set_output(0, ic.in_dtypes[0], ic.in_shapes[0]);
}

void identity_kernel(OpKernelContext& ctx) { ctx.set_output(0, ctx.input(0)); }

void no_op_shape(InferenceContext&) {}
void no_op_kernel(OpKernelContext&) {}

}  // namespace

void register_basic_ops() {
  OpRegistry& r = OpRegistry::global();
  r.add(pure({"Const", 0, 0, 0, false, const_shape, kernel_class<ConstKernel>(),
              /*accepts_strings=*/true}));
  r.add({"Placeholder", 0, 0, 0, false, placeholder_shape, fn_kernel(placeholder_kernel),
         /*accepts_strings=*/true});
  r.add({"PlaceholderWithDefault", 1, 1, 0, false, placeholder_with_default_shape,
         fn_kernel(identity_kernel), /*accepts_strings=*/true});
  r.add(pure({"Identity", 1, 1, 0, false, identity_shape, fn_kernel(identity_kernel),
              /*accepts_strings=*/true}));
  r.add(pure({"StopGradient", 1, 1, 0, false, identity_shape, fn_kernel(identity_kernel),
              /*accepts_strings=*/true}));
  r.add({"NoOp", 0, 0, 0, false, no_op_shape, fn_kernel(no_op_kernel)});
}

}  // namespace pgx
