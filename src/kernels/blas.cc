// BLAS and LAPACK calls (scipy-openblas32, symbols prefixed scipy_), always single-threaded
// inside OpenBLAS, with large products split across the pool; and the integer matmul loop.
#include "kernels/blas.h"

#include <cblas.h>
#include <lapacke.h>

#include <algorithm>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "pygraphx/status.h"

namespace pgx {

namespace {

blasint to_blas(int64_t v) {
  if (v > std::numeric_limits<blasint>::max())
    throw_invalid("matrix dimension " + std::to_string(v) +
                  " exceeds the BLAS limit of 2^31 - 1");
  return static_cast<blasint>(v);
}

// Stored row-major matrix s (rows x cols) transposed into a fresh buffer (cols x rows).
template <typename T>
std::vector<T> transposed(const T* s, int64_t rows, int64_t cols) {
  std::vector<T> out(static_cast<size_t>(rows * cols));
  constexpr int64_t kB = 32;
  for (int64_t i0 = 0; i0 < rows; i0 += kB)
    for (int64_t j0 = 0; j0 < cols; j0 += kB)
      for (int64_t i = i0; i < std::min(rows, i0 + kB); ++i)
        for (int64_t j = j0; j < std::min(cols, j0 + kB); ++j) out[j * rows + i] = s[i * cols + j];
  return out;
}

// C = A B with A m x k and B k x n (row-major), i-k-j order with k and j blocked so that the
// innermost loop runs over contiguous rows of B and C. Unsigned arithmetic wraps on overflow.
template <typename T>
void int_gemm(ThreadPool& pool, bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T* a,
              const T* b, T* c) {
  using U = std::make_unsigned_t<T>;
  std::vector<T> at, bt;
  if (ta) {
    at = transposed(a, k, m);
    a = at.data();
  }
  if (tb) {
    bt = transposed(b, n, k);
    b = bt.data();
  }
  std::fill(c, c + m * n, T(0));
  if (k == 0) return;
  constexpr int64_t kKB = 128, kJB = 512;
  pool.parallel_for(m, static_cast<double>(n * k), [&](int64_t i0, int64_t i1) {
    for (int64_t p0 = 0; p0 < k; p0 += kKB) {
      const int64_t p1 = std::min(k, p0 + kKB);
      for (int64_t j0 = 0; j0 < n; j0 += kJB) {
        const int64_t j1 = std::min(n, j0 + kJB);
        for (int64_t i = i0; i < i1; ++i) {
          U* crow = reinterpret_cast<U*>(c + i * n);
          for (int64_t p = p0; p < p1; ++p) {
            const U av = static_cast<U>(a[i * k + p]);
            const T* brow = b + p * n;
            for (int64_t j = j0; j < j1; ++j) crow[j] += av * static_cast<U>(brow[j]);
          }
        }
      }
    }
  });
}

// OpenBLAS stays single-threaded. Its own threads synchronise many times inside one gemm
// (spinning, then yielding), so on a loaded machine a preempted BLAS thread stalls the whole
// product (256^2 with 2 threads: 2-10 GFLOP/s against 85 with one), and they would compete
// with the executor's pool for the same cores. Large products are instead split into a few
// independent single-threaded calls on the pool: whoever is free claims the next block, no
// thread waits on another mid-product, and "1 thread" means one.
void keep_blas_single_threaded() {
  if (scipy_openblas_get_num_threads() != 1) scipy_openblas_set_num_threads(1);
}

// Rough single-core throughputs, in parallel_for cost units (~ns): gemm flops per ns, and
// the cost of one multiply-add of a (memory-bound) matrix-vector product.
constexpr double kGemmFlopsPerNs = 60.0;
constexpr double kGemvCostPerElement = 0.5;
// Flops per block of a split product at least this (~250 us on one core): below, the packing
// each call repeats and the hand-off cost more than a second thread gains.
constexpr double kMinBlockFlops = 16e6;
// Blocks per thread at most: two let a free thread take over from a preempted one, more
// repeat too much packing (8 row blocks of a 1024^2 product: about -15%).
constexpr int64_t kMaxBlocksPerThread = 2;
// Blocks are whole multiples of this many rows or columns (OpenBLAS's register tiles).
constexpr int64_t kBlockAlign = 16;

// y = op(M) x for a row-major stored matrix M (rows x cols, leading dimension ld) and
// contiguous x and y, where op(M) is M or, when `trans`, its transpose (cols x rows).
template <typename T>
void gemv(bool trans, int64_t rows, int64_t cols, const T* mat, int64_t ld, const T* x, T* y) {
  const CBLAS_TRANSPOSE t = trans ? CblasTrans : CblasNoTrans;
  const blasint M = to_blas(rows), N = to_blas(cols), LD = std::max<blasint>(1, to_blas(ld));
  if constexpr (std::is_same_v<T, float>) {
    scipy_cblas_sgemv(CblasRowMajor, t, M, N, 1.0f, mat, LD, x, 1, 0.0f, y, 1);
  } else {
    scipy_cblas_dgemv(CblasRowMajor, t, M, N, 1.0, mat, LD, x, 1, 0.0, y, 1);
  }
}

// y = op(M) x split over the pool by ranges of y: rows of M, or columns of M when `trans`.
template <typename T>
void parallel_gemv(ThreadPool& pool, bool trans, int64_t rows, int64_t cols, const T* mat,
                   const T* x, T* y) {
  const int64_t outputs = trans ? cols : rows, inner = trans ? rows : cols;
  pool.parallel_for(outputs, kGemvCostPerElement * static_cast<double>(inner),
                    [&](int64_t b, int64_t e) {
                      if (trans)
                        gemv(true, rows, e - b, mat + b, cols, x, y + b);
                      else
                        gemv(false, e - b, cols, mat + b * cols, cols, x, y + b);
                    });
}

// C (m x n, leading dimension ldc) = op(A) op(B) through one sgemm/dgemm call; lda and ldb
// are the leading dimensions of A and B as stored.
template <typename T>
void gemm_call(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda,
               const T* b, int64_t ldb, T* c, int64_t ldc) {
  const blasint M = to_blas(m), N = to_blas(n), K = to_blas(k);
  const blasint LDA = std::max<blasint>(1, to_blas(lda));
  const blasint LDB = std::max<blasint>(1, to_blas(ldb));
  const blasint LDC = std::max<blasint>(1, to_blas(ldc));
  const CBLAS_TRANSPOSE TA = ta ? CblasTrans : CblasNoTrans;
  const CBLAS_TRANSPOSE TB = tb ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float>) {
    scipy_cblas_sgemm(CblasRowMajor, TA, TB, M, N, K, 1.0f, a, LDA, b, LDB, 0.0f, c, LDC);
  } else {
    scipy_cblas_dgemm(CblasRowMajor, TA, TB, M, N, K, 1.0, a, LDA, b, LDB, 0.0, c, LDC);
  }
}

// How many blocks to split a product of `flops` along an extent of `extent` rows or columns.
int64_t gemm_blocks(const ThreadPool& pool, double flops, int64_t extent) {
  if (pool.num_threads() <= 1 || ThreadPool::in_parallel_region()) return 1;
  const double by_flops = flops / kMinBlockFlops;
  const int64_t cap = std::min<int64_t>(kMaxBlocksPerThread * pool.num_threads(),
                                        extent / kBlockAlign);
  return std::max<int64_t>(1, std::min<int64_t>(cap, static_cast<int64_t>(by_flops)));
}

template <typename T>
void float_gemm(ThreadPool& pool, bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                const T* a, const T* b, T* c) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    std::fill(c, c + m * n, T(0));
    return;
  }
  keep_blas_single_threaded();
  // A product with one output column or row is a matrix-vector product. OpenBLAS's gemm
  // sends such shapes through its small-matrix kernel, several times slower than gemv when
  // k is small (10000x3 by 3x1: 25 us against 3 us); gemv sums each output along k with its
  // own blocking, so results agree with gemm's to rounding, not bit for bit.
  if (n == 1) {  // c = op(A) b, with b contiguous whether stored k x 1 or 1 x k
    if (ta)
      parallel_gemv(pool, true, k, m, a, b, c);  // A stored k x m
    else
      parallel_gemv(pool, false, m, k, a, b, c);
    return;
  }
  if (m == 1) {  // c^T = op(B)^T a^T, with a contiguous whether stored 1 x k or k x 1
    if (tb)
      parallel_gemv(pool, false, n, k, b, a, c);  // B stored n x k
    else
      parallel_gemv(pool, true, k, n, b, a, c);
    return;
  }
  const int64_t lda = ta ? m : k, ldb = tb ? k : n;
  const double flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) * k;
  // Split the longer side of C into aligned blocks, each an ordinary gemm on rows of op(A)
  // or columns of op(B). The blocks depend only on the shape and the pool's width, so results
  // are repeatable for a thread count (and agree across thread counts to rounding).
  const bool by_rows = m >= n;
  const int64_t extent = by_rows ? m : n;
  const int64_t blocks = gemm_blocks(pool, flops, extent);
  if (blocks <= 1) {
    gemm_call(ta, tb, m, n, k, a, lda, b, ldb, c, n);
    return;
  }
  const int64_t per_block = (extent / blocks + kBlockAlign - 1) / kBlockAlign * kBlockAlign;
  const int64_t units = (extent + per_block - 1) / per_block;
  pool.parallel_for(units, flops / kGemmFlopsPerNs / static_cast<double>(units),
                    [&](int64_t ub, int64_t ue) {
                      const int64_t lo = ub * per_block, hi = std::min(extent, ue * per_block);
                      if (by_rows) {
                        const T* ab = ta ? a + lo : a + lo * k;
                        gemm_call(ta, tb, hi - lo, n, k, ab, lda, b, ldb, c + lo * n, n);
                      } else {
                        const T* bb = tb ? b + lo * k : b + lo;
                        gemm_call(ta, tb, m, hi - lo, k, a, lda, bb, ldb, c + lo, n);
                      }
                    });
}

// LAPACK works column-major; a row-major buffer read column-major is the transpose, and
// inv(M^T)^T = inv(M), so the column-major routines invert the row-major matrix in place
// without LAPACKE's layout copies.
template <typename T>
bool lu_invert(T* a, int64_t n) {
  if (n == 0) return true;
  const lapack_int N = static_cast<lapack_int>(to_blas(n));
  std::vector<lapack_int> ipiv(static_cast<size_t>(n));
  lapack_int info;
  if constexpr (std::is_same_v<T, float>) {
    info = scipy_LAPACKE_sgetrf(LAPACK_COL_MAJOR, N, N, a, N, ipiv.data());
    if (info == 0) info = scipy_LAPACKE_sgetri(LAPACK_COL_MAJOR, N, a, N, ipiv.data());
  } else {
    info = scipy_LAPACKE_dgetrf(LAPACK_COL_MAJOR, N, N, a, N, ipiv.data());
    if (info == 0) info = scipy_LAPACKE_dgetri(LAPACK_COL_MAJOR, N, a, N, ipiv.data());
  }
  if (info < 0) throw_internal("LAPACK rejected argument " + std::to_string(-info));
  return info == 0;
}

}  // namespace

void gemm(ThreadPool& pool, DType t, bool ta, bool tb, int64_t m, int64_t n, int64_t k,
          const void* a, const void* b, void* c) {
  switch (t) {
    case DType::kFloat32:
      float_gemm(pool, ta, tb, m, n, k, static_cast<const float*>(a),
                 static_cast<const float*>(b), static_cast<float*>(c));
      break;
    case DType::kFloat64:
      float_gemm(pool, ta, tb, m, n, k, static_cast<const double*>(a),
                 static_cast<const double*>(b), static_cast<double*>(c));
      break;
    case DType::kInt32:
      int_gemm(pool, ta, tb, m, n, k, static_cast<const int32_t*>(a),
               static_cast<const int32_t*>(b), static_cast<int32_t*>(c));
      break;
    case DType::kInt64:
      int_gemm(pool, ta, tb, m, n, k, static_cast<const int64_t*>(a),
               static_cast<const int64_t*>(b), static_cast<int64_t*>(c));
      break;
    default:
      throw_invalid(std::string("MatMul does not support dtype ") + dtype_name(t));
  }
}

bool invert_in_place(DType t, void* a, int64_t n) {
  keep_blas_single_threaded();
  switch (t) {
    case DType::kFloat32:
      return lu_invert(static_cast<float*>(a), n);
    case DType::kFloat64:
      return lu_invert(static_cast<double*>(a), n);
    default:
      throw_invalid(std::string("MatrixInverse does not support dtype ") + dtype_name(t));
  }
}

}  // namespace pgx
