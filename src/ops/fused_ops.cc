// Registration of `_FusedElementwise`, the internal op that carries a fused elementwise program
// (kernels/fused_program.h) in its attributes. Its shape function checks the attributes and the
// input dtypes and infers the output shape as the program's ops would one by one.
#include <string>
#include <vector>

#include "kernels/fused_elementwise.h"
#include "kernels/fused_program.h"
#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"
#include "shape_helpers.h"

namespace pgx {

namespace {

using fused::FusedOp;
using fused::FusedProgram;

void fused_elementwise_shape(InferenceContext& ic) {
  FusedProgram p;
  try {
    p = FusedProgram::from_attrs(ic.attrs);
  } catch (const ValueError& e) {
    ic.fail(e.what());
  }
  if (ic.num_inputs() != p.num_inputs())
    ic.fail("the program reads " + std::to_string(p.num_inputs()) + " inputs but the node has " +
            std::to_string(ic.num_inputs()));
  for (int i = 0; i < p.num_inputs(); ++i)
    if (ic.in_dtypes[i] != p.input_dtypes[i])
      throw TypeError("Input " + std::to_string(i) + " of '" + ic.op_type + "' Op has type " +
                      dtype_name(ic.in_dtypes[i]) + " but its program expects " +
                      dtype_name(p.input_dtypes[i]) + " (node '" + ic.node_name + "').");
  std::vector<PartialShape> shape(ic.in_shapes.begin(), ic.in_shapes.end());
  for (const fused::Instr& in : p.instrs) {
    const PartialShape& first = shape[in.operands[0]];
    if (fused::fused_op_arity(in.op) == 2) {
      shape.push_back(broadcast_shapes(ic, first, shape[in.operands[1]]));
      continue;
    }
    PartialShape merged = first;
    if (in.op == FusedOp::kAddN) {
      for (size_t j = 1; j < in.operands.size(); ++j) {
        const PartialShape& s = shape[in.operands[j]];
        if (!merged.compatible_with(s))
          ic.fail("Inputs to AddN must all have the same shape, but operand 0 has shape " +
                  first.str() + " and operand " + std::to_string(j) + " has shape " + s.str());
        merged = merged.merge_with(s);
      }
    }
    shape.push_back(merged);
  }
  ic.set_output(0, p.output_dtype(), shape.back());
}

}  // namespace

void register_fused_ops() {
  OpRegistry::global().add({"_FusedElementwise", 1, -1, 0, false, fused_elementwise_shape,
                            kernel_class<fused::FusedElementwiseKernel>()});
}

}  // namespace pgx
