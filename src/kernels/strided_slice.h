// TF's StridedSlice index canonicalisation (sparse spec with ellipsis/new-axis/shrink masks to a
// dense per-dimension begin/stride/size) and the strided block copy shared by Slice and
// StridedSlice. The same canonicalisation serves static shape inference with unknown parts.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "pygraphx/attr.h"
#include "pygraphx/shape.h"
#include "pygraphx/tensor.h"

namespace pgx {

class ThreadPool;

struct StridedSliceMasks {
  int64_t begin = 0, end = 0, ellipsis = 0, new_axis = 0, shrink_axis = 0;
};

// The masks of a StridedSlice or StridedSliceGrad node (its *_mask attributes, default 0).
StridedSliceMasks strided_slice_masks(const Attrs& attrs);

// Result of canonicalising a slice against an input shape. Unknown values are -1.
struct StridedSliceResult {
  Dims begin;             // per input dim: first index read
  Dims stride;            // per input dim: step
  Dims processing;        // per input dim: number of elements taken (-1 unknown)
  PartialShape final_shape;  // output shape (new axes added, shrunk axes removed)
};

// Canonicalises begin/end/strides (any may be absent = unknown value, then `spec_len` gives
// their length, or -1 when unknown) against `input`. Errors are reported by throwing
// InvalidArgument with TF's messages; shape functions convert them to build-time failures.
// Returns a final shape of unknown rank when the rank cannot be determined.
StridedSliceResult canonicalize_strided_slice(const PartialShape& input,
                                              const std::vector<int64_t>* begin,
                                              const std::vector<int64_t>* end,
                                              const std::vector<int64_t>* strides,
                                              int64_t spec_len, const StridedSliceMasks& masks);

// out[i0, i1, ...] = in[begin0 + i0 * stride0, begin1 + i1 * stride1, ...] for the block of
// `sizes` elements per input dim; `out` must hold prod(sizes) elements of in's dtype.
void strided_copy(const Tensor& in, const Dims& begin, const Dims& stride, const Dims& sizes,
                  Tensor& out, ThreadPool& pool);

}  // namespace pgx
