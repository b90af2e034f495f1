// Dense matrix products and inverses: float32/float64 through scipy-openblas32 (sgemm/dgemm,
// getrf/getri), int32/int64 through a blocked loop. Also decides how many threads BLAS may use
// so that it and the intra-op pool never run at the same time.
#pragma once

#include <cstdint>

#include "pygraphx/dtype.h"
#include "pygraphx/thread_pool.h"

namespace pgx {

// The BLAS thread count for `flops` of work started on this thread: 1 inside a parallel region
// (a pool worker or a parallel_for chunk) or when the work is too small to repay waking BLAS
// threads (under ~1 MFLOP, tens of microseconds), otherwise the pool's width (at most the
// machine's cores).
int blas_threads_for(const ThreadPool& pool, double flops);

// Sets OpenBLAS's thread count (a process-wide setting; a no-op when unchanged).
void set_blas_threads(int n);

// C = op(A) op(B) for row-major contiguous matrices: op(A) is m x k (A stored k x m when
// `ta`), op(B) is k x n (B stored n x k when `tb`), C is m x n and fully overwritten. Float
// types call BLAS with the transpose flags (no copies); integers wrap on overflow.
void gemm(ThreadPool& pool, DType t, bool ta, bool tb, int64_t m, int64_t n, int64_t k,
          const void* a, const void* b, void* c);

// Inverts the n x n row-major float32/float64 matrix `a` in place by LU decomposition with
// partial pivoting. Returns false (leaving `a` undefined) when the matrix is singular.
bool invert_in_place(DType t, void* a, int64_t n);

}  // namespace pgx
