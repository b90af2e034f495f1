// Kernels of the non-elementwise ops that gradients are built from (TF's raw ops of the same
// names): BroadcastGradientArgs, UnsortedSegmentSum and StridedSliceGrad.
#pragma once

#include "pygraphx/kernel.h"

namespace pgx {

// BroadcastGradientArgs(s0, s1) -> (r0, r1): for two shape vectors, the axes of their NumPy
// broadcast over which a gradient is summed to get each operand's gradient. InvalidArgument
// when the shapes do not broadcast.
void broadcast_gradient_args_kernel(OpKernelContext& ctx);

// UnsortedSegmentSum(data, segment_ids, num_segments): output[k, ...] is the sum of the slices
// data[i..., ...] with segment_ids[i...] == k; negative ids are dropped, ids at or above
// num_segments are an InvalidArgument.
void unsorted_segment_sum_kernel(OpKernelContext& ctx);

// StridedSliceGrad(shape, begin, end, strides, dy): zeros of `shape` with dy written where
// StridedSlice(x of that shape, begin, end, strides) reads.
void strided_slice_grad_kernel(OpKernelContext& ctx);

}  // namespace pgx
