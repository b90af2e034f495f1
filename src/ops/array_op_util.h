// Helpers shared by the array op families' shape functions: constant index inputs, index dtype
// and rank checks. Run-time helpers for index tensors live in shape_helpers.h.
#pragma once

#include <optional>
#include <vector>

#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"

namespace pgx {

// The constant value of input i as int64 values, when it is produced by a Const node.
std::optional<std::vector<int64_t>> const_index_vector(const InferenceContext& ic, int i);
// Fails unless input i is int32 or int64 (`what` names the argument).
void require_index_dtype(const InferenceContext& ic, int i, const char* what);
// Fails when input i has a known rank other than `rank`.
void require_rank(const InferenceContext& ic, int i, int rank);
// A shape of unknown dims whose rank is the length of a 1-D shape vector (unknown when the
// vector's length is unknown).
PartialShape shape_of_vector_length(const PartialShape& vec);
// Output 0 has input 0's dtype and shape.
void same_shape_fn(InferenceContext& ic);

// A kernel that only rewrites metadata (shares its input's buffer): never worth a thread hand-off
// however large the input.
template <KernelFn F>
class MetadataKernel final : public OpKernel {
 public:
  using OpKernel::OpKernel;
  void compute(OpKernelContext& ctx) override { F(ctx); }
  bool expensive(int64_t) const override { return false; }
};

template <KernelFn F>
KernelFactory metadata_kernel() {
  return kernel_class<MetadataKernel<F>>();
}

// ConcatV2, Pack and Unpack (concat_ops.cc).
void register_concat_ops();

}  // namespace pgx
