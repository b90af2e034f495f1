// Dense matrix products and inverses: float32/float64 through scipy-openblas32 (sgemm/dgemm,
// sgemv/dgemv, getrf/getri), int32/int64 through a blocked loop. OpenBLAS always runs
// single-threaded; large products are split across the pool instead, so BLAS threads and pool
// threads never compete for the same cores.
#pragma once

#include <cstdint>

#include "pygraphx/dtype.h"
#include "pygraphx/thread_pool.h"

namespace pgx {

// C = op(A) op(B) for row-major contiguous matrices: op(A) is m x k (A stored k x m when
// `ta`), op(B) is k x n (B stored n x k when `tb`), C is m x n and fully overwritten. Float
// types call BLAS with the transpose flags (no copies): gemv when n == 1 or m == 1, otherwise
// gemm, split into blocks of rows or columns of C across the pool when the product is large
// and this thread is not already inside a parallel region. Integers wrap on overflow.
void gemm(ThreadPool& pool, DType t, bool ta, bool tb, int64_t m, int64_t n, int64_t k,
          const void* a, const void* b, void* c);

// Inverts the n x n row-major float32/float64 matrix `a` in place by LU decomposition with
// partial pivoting, single-threaded (MatrixInverse spreads batches over the pool). Returns
// false (leaving `a` undefined) when the matrix is singular.
bool invert_in_place(DType t, void* a, int64_t n);

}  // namespace pgx
