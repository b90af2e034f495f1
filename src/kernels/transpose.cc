// Transpose kernels: permutation simplification, a cache-blocked batched 2-D transpose and a
// general N-D path, all moving raw elements of 1, 4 or 8 bytes and split over the intra-op pool.
#include "kernels/transpose.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

#include "pygraphx/status.h"
#include "pygraphx/thread_pool.h"

namespace pgx {

namespace {

// Rough cost of moving one element in parallel_for units (~ns).
constexpr double kCostPerElement = 1.0;

struct Reduced {
  Dims dims;               // input dims after dropping 1s and merging
  std::vector<int> perm;   // output dim k reads reduced input dim perm[k]
};

Reduced simplify(const Dims& shape, const std::vector<int64_t>& perm) {
  const int rank = static_cast<int>(shape.size());
  std::vector<int> new_index(rank, -1);
  Dims kept;
  for (int i = 0; i < rank; ++i) {
    if (shape[i] != 1) {
      new_index[i] = static_cast<int>(kept.size());
      kept.push_back(shape[i]);
    }
  }
  std::vector<int> p;
  for (int64_t q : perm)
    if (new_index[q] >= 0) p.push_back(new_index[q]);
  // Groups of input dims that stay adjacent and in order in the output.
  std::vector<std::pair<int, int>> groups;  // [first, last] input dims, in output order
  for (int q : p) {
    if (!groups.empty() && groups.back().second + 1 == q) {
      groups.back().second = q;
    } else {
      groups.push_back({q, q});
    }
  }
  std::vector<int> order(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) order[g] = static_cast<int>(g);
  std::sort(order.begin(), order.end(),
            [&](int a, int b) { return groups[a].first < groups[b].first; });
  Reduced r;
  r.dims.resize(groups.size());
  r.perm.resize(groups.size());
  for (size_t k = 0; k < order.size(); ++k) {
    const auto& g = groups[order[k]];
    int64_t n = 1;
    for (int i = g.first; i <= g.second; ++i) n *= kept[i];
    r.dims[k] = n;
    r.perm[order[k]] = static_cast<int>(k);
  }
  return r;
}

// dst[j * ldo + i] = src[i * ldi + j] for i in [i0, i1), j in [j0, j1): one cache tile.
template <typename U>
void tile_scalar(const U* src, U* dst, int64_t ldo, int64_t ldi, int64_t i0, int64_t i1, int64_t j0,
                 int64_t j1) {
  for (int64_t j = j0; j < j1; ++j) {
    U* o = dst + j * ldo;
    const U* s = src + j;
    for (int64_t i = i0; i < i1; ++i) o[i] = s[i * ldi];
  }
}

template <typename U>
void tile(const U* src, U* dst, int64_t ldo, int64_t ldi, int64_t i0, int64_t i1, int64_t j0,
          int64_t j1) {
  tile_scalar(src, dst, ldo, ldi, i0, i1, j0, j1);
}

#if defined(__SSE2__)
// 4x4 register blocks of 4-byte elements (SSE is baseline on x86-64).
template <>
void tile<uint32_t>(const uint32_t* src, uint32_t* dst, int64_t ldo, int64_t ldi, int64_t i0,
                    int64_t i1, int64_t j0, int64_t j1) {
  const int64_t i4 = i0 + (i1 - i0) / 4 * 4, j4 = j0 + (j1 - j0) / 4 * 4;
  const float* s = reinterpret_cast<const float*>(src);
  float* d = reinterpret_cast<float*>(dst);
  for (int64_t i = i0; i < i4; i += 4) {
    for (int64_t j = j0; j < j4; j += 4) {
      __m128 r0 = _mm_loadu_ps(s + (i + 0) * ldi + j), r1 = _mm_loadu_ps(s + (i + 1) * ldi + j);
      __m128 r2 = _mm_loadu_ps(s + (i + 2) * ldi + j), r3 = _mm_loadu_ps(s + (i + 3) * ldi + j);
      _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
      _mm_storeu_ps(d + (j + 0) * ldo + i, r0);
      _mm_storeu_ps(d + (j + 1) * ldo + i, r1);
      _mm_storeu_ps(d + (j + 2) * ldo + i, r2);
      _mm_storeu_ps(d + (j + 3) * ldo + i, r3);
    }
  }
  if (j4 < j1) tile_scalar(src, dst, ldo, ldi, i0, i1, j4, j1);
  if (i4 < i1) tile_scalar(src, dst, ldo, ldi, i4, i1, j0, j4);
}

// 2x2 register blocks of 8-byte elements.
template <>
void tile<uint64_t>(const uint64_t* src, uint64_t* dst, int64_t ldo, int64_t ldi, int64_t i0,
                    int64_t i1, int64_t j0, int64_t j1) {
  const int64_t i2 = i0 + (i1 - i0) / 2 * 2, j2 = j0 + (j1 - j0) / 2 * 2;
  const double* s = reinterpret_cast<const double*>(src);
  double* d = reinterpret_cast<double*>(dst);
  for (int64_t i = i0; i < i2; i += 2) {
    for (int64_t j = j0; j < j2; j += 2) {
      const __m128d r0 = _mm_loadu_pd(s + i * ldi + j), r1 = _mm_loadu_pd(s + (i + 1) * ldi + j);
      _mm_storeu_pd(d + j * ldo + i, _mm_unpacklo_pd(r0, r1));
      _mm_storeu_pd(d + (j + 1) * ldo + i, _mm_unpackhi_pd(r0, r1));
    }
  }
  if (j2 < j1) tile_scalar(src, dst, ldo, ldi, i0, i1, j2, j1);
  if (i2 < i1) tile_scalar(src, dst, ldo, ldi, i2, i1, j0, j2);
}
#endif

// Output's last dim comes from input dim m (rows i) and input's last dim lands at output dim q
// (cols j): every combination of the other dims is one strided 2-D transpose, done in tiles.
template <typename U>
void tiled_2d(const U* in, U* out, const Reduced& r, ThreadPool& pool) {
  const int rank = static_cast<int>(r.dims.size());
  Dims in_strides(rank), out_dims(rank), out_strides(rank);
  int64_t s = 1;
  for (int i = rank - 1; i >= 0; --i) {
    in_strides[i] = s;
    s *= r.dims[i];
  }
  for (int k = 0; k < rank; ++k) out_dims[k] = r.dims[r.perm[k]];
  s = 1;
  for (int k = rank - 1; k >= 0; --k) {
    out_strides[k] = s;
    s *= out_dims[k];
  }
  const int m = r.perm[rank - 1];
  int q = 0;
  while (r.perm[q] != rank - 1) ++q;
  const int64_t rows = r.dims[m], cols = r.dims[rank - 1];
  const int64_t ldi = in_strides[m], ldo = out_strides[q];
  // The remaining output dims, iterated as an outer index.
  Dims outer_dims, outer_in, outer_out;
  for (int k = 0; k < rank - 1; ++k) {
    if (k == q) continue;
    outer_dims.push_back(out_dims[k]);
    outer_in.push_back(in_strides[r.perm[k]]);
    outer_out.push_back(out_strides[k]);
  }
  int64_t outer = 1;
  for (int64_t d : outer_dims) outer *= d;
  constexpr int64_t T = sizeof(U) >= 8 ? 16 : 32;
  const int64_t col_tiles = (cols + T - 1) / T;
  pool.parallel_for(outer * col_tiles, static_cast<double>(T * rows) * kCostPerElement,
                    [&](int64_t begin, int64_t end) {
                      for (int64_t u = begin; u < end; ++u) {
                        int64_t rem = u / col_tiles, src = 0, dst = 0;
                        for (int k = static_cast<int>(outer_dims.size()) - 1; k >= 0; --k) {
                          const int64_t i = rem % outer_dims[k];
                          rem /= outer_dims[k];
                          src += i * outer_in[k];
                          dst += i * outer_out[k];
                        }
                        const int64_t j0 = (u % col_tiles) * T, j1 = std::min(cols, j0 + T);
                        for (int64_t i0 = 0; i0 < rows; i0 += T)
                          tile<U>(in + src, out + dst, ldo, ldi, i0, std::min(rows, i0 + T), j0,
                                  j1);
                      }
                    });
}

// General path: output rows (all output dims but the last) in row-major order; each row reads
// input elements at a fixed stride, or copies a contiguous block when the last dim is kept.
template <typename U>
void general(const U* in, U* out, const Reduced& r, ThreadPool& pool) {
  const int rank = static_cast<int>(r.dims.size());
  Dims in_strides(rank);
  int64_t s = 1;
  for (int i = rank - 1; i >= 0; --i) {
    in_strides[i] = s;
    s *= r.dims[i];
  }
  Dims out_dims(rank), step(rank);
  for (int k = 0; k < rank; ++k) {
    out_dims[k] = r.dims[r.perm[k]];
    step[k] = in_strides[r.perm[k]];
  }
  const int64_t row_len = out_dims[rank - 1];
  const int64_t inner_step = step[rank - 1];
  const int64_t rows = s / row_len;
  const bool contiguous = inner_step == 1;
  pool.parallel_for(rows, static_cast<double>(row_len) * kCostPerElement,
                    [&](int64_t begin, int64_t end) {
                      Dims idx(rank, 0);
                      int64_t rem = begin, off = 0;
                      for (int k = rank - 2; k >= 0; --k) {
                        idx[k] = rem % out_dims[k];
                        rem /= out_dims[k];
                        off += idx[k] * step[k];
                      }
                      for (int64_t row = begin; row < end; ++row) {
                        U* o = out + row * row_len;
                        const U* src = in + off;
                        if (contiguous) {
                          std::memcpy(o, src, row_len * sizeof(U));
                        } else {
                          for (int64_t j = 0; j < row_len; ++j) o[j] = src[j * inner_step];
                        }
                        for (int k = rank - 2; k >= 0; --k) {
                          off += step[k];
                          if (++idx[k] < out_dims[k]) break;
                          off -= step[k] * out_dims[k];
                          idx[k] = 0;
                        }
                      }
                    });
}

template <typename U>
void transpose_typed(const Tensor& in, const Reduced& r, Tensor& out, ThreadPool& pool) {
  const U* src = static_cast<const U*>(in.raw());
  U* dst = static_cast<U*>(out.raw());
  const int rank = static_cast<int>(r.dims.size());
  const int64_t rows = r.dims[r.perm[rank - 1]], cols = r.dims[rank - 1];
  if (r.perm[rank - 1] != rank - 1 && rows >= 4 && cols >= 4) {
    tiled_2d<U>(src, dst, r, pool);
  } else {
    general<U>(src, dst, r, pool);
  }
}

}  // namespace

void validate_permutation(const std::vector<int64_t>& perm, int rank) {
  if (static_cast<int>(perm.size()) != rank)
    throw_invalid("transpose expects a vector of size " + std::to_string(rank) +
                  ". But input(1) is a vector of size " + std::to_string(perm.size()));
  std::vector<bool> seen(rank, false);
  for (int64_t d : perm) {
    if (d < 0 || d >= rank)
      throw_invalid(std::to_string(d) + " is out of range [0 .. " + std::to_string(rank) + ")");
    seen[d] = true;
  }
  for (int d = 0; d < rank; ++d) {
    if (seen[d]) continue;
    std::string list;
    for (size_t i = 0; i < perm.size(); ++i) list += (i ? "," : "") + std::to_string(perm[i]);
    throw_invalid(std::to_string(d) + " is missing from {" + list + "}.");
  }
}

Dims permuted_dims(const Dims& shape, const std::vector<int64_t>& perm) {
  Dims out(perm.size());
  for (size_t k = 0; k < perm.size(); ++k) out[k] = shape[perm[k]];
  return out;
}

bool transpose_preserves_order(const Dims& shape, const std::vector<int64_t>& perm) {
  if (num_elements(shape) == 0) return true;
  return simplify(shape, perm).dims.size() <= 1;
}

void transpose_into(const Tensor& in, const std::vector<int64_t>& perm, Tensor& out,
                    ThreadPool& pool) {
  if (in.size() == 0) return;
  const Reduced r = simplify(in.shape(), perm);
  if (r.dims.size() <= 1) {
    std::memcpy(out.raw(), in.raw(), in.bytes());
    return;
  }
  switch (dtype_size(in.dtype())) {
    case 1:
      transpose_typed<uint8_t>(in, r, out, pool);
      break;
    case 4:
      transpose_typed<uint32_t>(in, r, out, pool);
      break;
    case 8:
      transpose_typed<uint64_t>(in, r, out, pool);
      break;
    default:
      throw_internal("transpose: unsupported element size");
  }
}

}  // namespace pgx
