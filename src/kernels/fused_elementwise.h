// The fused elementwise kernel: evaluates a FusedProgram over its inputs in one pass over
// memory. The output is processed in blocks of kBlock elements; per block, each step of the
// program runs one vectorised loop into a small cache-resident register, so intermediates
// never touch main memory. Blocks are split across the intra-op pool.
//
// Inputs may be full-shape tensors, single elements (read as scalars) or tensors broadcast
// along any dimensions (gathered per block with the elementwise driver's broadcast layouts).
// Shapes are checked at run time exactly as the unfused ops check them, with their messages.
// Results are bitwise identical to running the program's ops one by one, for any thread count.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/fused_program.h"
#include "kernels/fused_steps.h"
#include "pygraphx/kernel.h"

namespace pgx {
namespace fused {

class FusedElementwiseKernel final : public OpKernel {
 public:
  // Output elements per block: registers of kBlock float32 elements are 8 KiB, so the few a
  // typical program keeps live stay in L1.
  static constexpr int64_t kBlock = 2048;

  // The kernel of a `_FusedElementwise` node: the program from the node's attributes.
  explicit FusedElementwiseKernel(const Node& node);
  // A kernel running `program` for `node`, whose inputs are the program's inputs in order
  // (for nodes the plan builds without attributes). The output's shape is computed from the
  // input shapes at run time; its dtype is program.output_dtype().
  FusedElementwiseKernel(const Node& node, FusedProgram program);

  void compute(OpKernelContext& ctx) override;
  bool expensive(int64_t input_elements) const override;

  const FusedProgram& program() const { return program_; }

 private:
  // One loop of the compiled program. AddN becomes a chain of Adds (the same additions in the
  // same order); AddN of one operand and Cast to the same dtype become aliases, no step.
  struct Step {
    FusedOp op;
    DType in, out;       // operand and result dtypes
    int32_t a, b;        // operand slots (b = -1 for unary steps)
    int32_t result;      // result slot
    int32_t reg;         // register holding the result during block evaluation
    StepFn fn[3];        // indexed by Operands (unary steps: all three the same)
  };

  void compile();

  FusedProgram program_;
  int num_slots_ = 0;              // program values, then AddN partial sums
  std::vector<int32_t> resolve_;   // program value -> slot computing it (aliases resolved)
  std::vector<Step> steps_;        // in evaluation order; the last computes the output
  int num_regs_ = 0;
  double cost_per_element_ = 0;
  int32_t output_slot_ = -1;       // an input slot when the program only aliases it
};

}  // namespace fused
}  // namespace pgx
