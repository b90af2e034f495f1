// Dimension permutation of dense row-major tensors, shared by the Transpose op. Permutations are
// first simplified (size-1 dims dropped, adjacent dims that stay adjacent merged) and then run as
// a buffer share, a row-block copy, a cache-blocked batched 2-D transpose or a general N-D loop.
#pragma once

#include <vector>

#include "pygraphx/tensor.h"

namespace pgx {

class ThreadPool;

// Checks that `perm` is a permutation of [0, rank); throws InvalidArgument otherwise.
void validate_permutation(const std::vector<int64_t>& perm, int rank);

// The output shape of transposing `shape` by `perm` (already validated).
Dims permuted_dims(const Dims& shape, const std::vector<int64_t>& perm);

// True when transposing `shape` by `perm` leaves the row-major element order unchanged (only
// size-1 dimensions move), so the output can share the input's buffer.
bool transpose_preserves_order(const Dims& shape, const std::vector<int64_t>& perm);

// Writes the transpose of `in` by `perm` into `out`, which must already have the permuted shape
// and the same dtype. Large inputs are split over `pool`.
void transpose_into(const Tensor& in, const std::vector<int64_t>& perm, Tensor& out,
                    ThreadPool& pool);

}  // namespace pgx
