// BLAS and LAPACK calls (scipy-openblas32, symbols prefixed scipy_) and the integer matmul
// loop. OpenBLAS's thread count is process-wide, so it is only changed when it differs.
#include "kernels/blas.h"

#include <cblas.h>
#include <lapacke.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "pygraphx/status.h"

namespace pgx {

namespace {

std::atomic<int> g_blas_threads{0};

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

// y = op(M) x for a row-major stored matrix M (rows x cols) and contiguous x and y, where
// op(M) is M or, when `trans`, its transpose (cols x rows).
template <typename T>
void gemv(bool trans, int64_t rows, int64_t cols, const T* mat, const T* x, T* y) {
  const CBLAS_TRANSPOSE t = trans ? CblasTrans : CblasNoTrans;
  const blasint M = to_blas(rows), N = to_blas(cols), ld = std::max<blasint>(1, N);
  if constexpr (std::is_same_v<T, float>) {
    scipy_cblas_sgemv(CblasRowMajor, t, M, N, 1.0f, mat, ld, x, 1, 0.0f, y, 1);
  } else {
    scipy_cblas_dgemv(CblasRowMajor, t, M, N, 1.0, mat, ld, x, 1, 0.0, y, 1);
  }
}

template <typename T>
void float_gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T* a, const T* b,
                T* c) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    std::fill(c, c + m * n, T(0));
    return;
  }
  // A product with one output column or row is a matrix-vector product. OpenBLAS's gemm
  // sends such shapes through its small-matrix kernel, several times slower than gemv when
  // k is small (10000x3 by 3x1: 25 us against 3 us); gemv sums each output along k with its
  // own blocking, so results agree with gemm's to rounding, not bit for bit.
  if (n == 1) {  // c = op(A) b, with b contiguous whether stored k x 1 or 1 x k
    if (ta)
      gemv(true, k, m, a, b, c);  // A stored k x m
    else
      gemv(false, m, k, a, b, c);
    return;
  }
  if (m == 1) {  // c^T = op(B)^T a^T, with a contiguous whether stored 1 x k or k x 1
    if (tb)
      gemv(false, n, k, b, a, c);  // B stored n x k
    else
      gemv(true, k, n, b, a, c);
    return;
  }
  const blasint M = to_blas(m), N = to_blas(n), K = to_blas(k);
  const blasint lda = std::max<blasint>(1, ta ? M : K);
  const blasint ldb = std::max<blasint>(1, tb ? K : N);
  const CBLAS_TRANSPOSE TA = ta ? CblasTrans : CblasNoTrans;
  const CBLAS_TRANSPOSE TB = tb ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float>) {
    scipy_cblas_sgemm(CblasRowMajor, TA, TB, M, N, K, 1.0f, a, lda, b, ldb, 0.0f, c, N);
  } else {
    scipy_cblas_dgemm(CblasRowMajor, TA, TB, M, N, K, 1.0, a, lda, b, ldb, 0.0, c, N);
  }
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

int blas_threads_for(const ThreadPool& pool, double flops) {
  constexpr double kMinParallelFlops = 1e6;
  if (ThreadPool::in_parallel_region() || flops < kMinParallelFlops) return 1;
  return std::max(1, std::min(pool.num_threads(), hardware_threads()));
}

void set_blas_threads(int n) {
  if (g_blas_threads.exchange(n, std::memory_order_relaxed) != n)
    scipy_openblas_set_num_threads(n);
}

void gemm(ThreadPool& pool, DType t, bool ta, bool tb, int64_t m, int64_t n, int64_t k,
          const void* a, const void* b, void* c) {
  switch (t) {
    case DType::kFloat32:
      set_blas_threads(blas_threads_for(pool, 2.0 * m * n * k));
      float_gemm(ta, tb, m, n, k, static_cast<const float*>(a), static_cast<const float*>(b),
                 static_cast<float*>(c));
      break;
    case DType::kFloat64:
      set_blas_threads(blas_threads_for(pool, 2.0 * m * n * k));
      float_gemm(ta, tb, m, n, k, static_cast<const double*>(a), static_cast<const double*>(b),
                 static_cast<double*>(c));
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
