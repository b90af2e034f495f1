// ArgMax and ArgMin along one axis: a scan per output element over outer x reduced x inner
// blocks. Long scans are split into fixed blocks whose winners are merged in block order, so
// the chosen index never depends on the thread count.
#include "kernels/reduce.h"

#include <algorithm>
#include <type_traits>
#include <vector>

#include "kernels/reduce_leaf.h"
#include "pygraphx/status.h"

namespace pgx {

namespace {

constexpr int64_t kBlock = 1 << 14;
constexpr int64_t kTile = 256;
constexpr int64_t kEnoughUnits = 64;

// Whether v replaces the current best: strictly better (the first of equal values wins), or
// the best so far is NaN and v is not (TF never returns a NaN's index unless all are NaN).
template <bool kMax, typename T>
inline bool better(T v, T best) {
  if constexpr (std::is_floating_point_v<T>) {
    return (kMax ? v > best : v < best) || (best != best && v == v);
  } else {
    return kMax ? v > best : v < best;
  }
}

template <typename T>
struct Best {
  T value;
  int64_t index;
};

// The winner in x[begin, end): the extreme value ignoring NaN (a vectorised pass), then its
// first position. All NaN: the first element, which any later non-NaN value beats.
template <bool kMax, typename T>
Best<T> scan_row(const T* x, int64_t begin, int64_t end) {
  const T target = reduce_detail::pairwise<reduce_detail::IgnoreNanR<T, kMax>>(x + begin,
                                                                                end - begin);
  for (int64_t i = begin; i < end; ++i)
    if (x[i] == target) return {target, i};
  return {x[begin], begin};
}

template <bool kMax, typename T, typename I>
void arg_rows(ThreadPool& pool, const T* x, I* out, int64_t outer, int64_t n) {
  const int64_t nblocks = (n + kBlock - 1) / kBlock;
  if (nblocks <= 1 || outer >= kEnoughUnits) {
    pool.parallel_for(outer, static_cast<double>(n), [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o)
        out[o] = static_cast<I>(scan_row<kMax>(x + o * n, 0, n).index);
    });
    return;
  }
  std::vector<Best<T>> part(outer * nblocks);
  pool.parallel_for(outer * nblocks, static_cast<double>(kBlock), [&](int64_t b, int64_t e) {
    for (int64_t u = b; u < e; ++u) {
      const int64_t o = u / nblocks, s = (u % nblocks) * kBlock;
      part[u] = scan_row<kMax>(x + o * n, s, std::min(n, s + kBlock));
    }
  });
  for (int64_t o = 0; o < outer; ++o) {
    Best<T> b = part[o * nblocks];
    for (int64_t k = 1; k < nblocks; ++k)
      if (better<kMax>(part[o * nblocks + k].value, b.value)) b = part[o * nblocks + k];
    out[o] = static_cast<I>(b.index);
  }
}

// best/idx[0, width) = the winners among rows [0, n) of base[r * inner + j].
template <bool kMax, typename T>
__attribute__((always_inline)) inline void column_scan(const T* __restrict base, int64_t inner,
                                                       int64_t n, int64_t width,
                                                       T* __restrict best,
                                                       int64_t* __restrict idx) {
  for (int64_t j = 0; j < width; ++j) {
    best[j] = base[j];
    idx[j] = 0;
  }
  for (int64_t r = 1; r < n; ++r) {
    const T* row = base + r * inner;
    for (int64_t j = 0; j < width; ++j) {
      const bool take = better<kMax>(row[j], best[j]);
      best[j] = take ? row[j] : best[j];
      idx[j] = take ? r : idx[j];
    }
  }
}

#if PGX_ISA_VARIANTS
template <bool kMax, typename T>
PGX_TARGET_AVX2 void column_scan_avx2(const T* base, int64_t inner, int64_t n, int64_t width,
                                      T* best, int64_t* idx) {
  column_scan<kMax>(base, inner, n, width, best, idx);
}
template <bool kMax, typename T>
PGX_TARGET_AVX512 void column_scan_avx512(const T* base, int64_t inner, int64_t n,
                                          int64_t width, T* best, int64_t* idx) {
  column_scan<kMax>(base, inner, n, width, best, idx);
}
#endif

template <bool kMax, typename T>
void column_scan_base(const T* base, int64_t inner, int64_t n, int64_t width, T* best,
                      int64_t* idx) {
  column_scan<kMax>(base, inner, n, width, best, idx);
}

template <bool kMax, typename T, typename I>
void arg_cols(ThreadPool& pool, const T* x, I* out, int64_t outer, int64_t n, int64_t inner) {
  const int64_t w = std::min(inner, kTile);
  const int64_t ntiles = (inner + w - 1) / w;
  [[maybe_unused]] const Isa isa = active_isa();
  pool.parallel_for(outer * ntiles, static_cast<double>(n * w), [&](int64_t b, int64_t e) {
    T best[kTile];
    int64_t idx[kTile];
    for (int64_t u = b; u < e; ++u) {
      const int64_t o = u / ntiles, i0 = (u % ntiles) * w, width = std::min(w, inner - i0);
      const T* base = x + o * n * inner + i0;
#if PGX_ISA_VARIANTS
      if (isa == Isa::kAvx512)
        column_scan_avx512<kMax>(base, inner, n, width, best, idx);
      else if (isa == Isa::kAvx2)
        column_scan_avx2<kMax>(base, inner, n, width, best, idx);
      else
#endif
        column_scan_base<kMax>(base, inner, n, width, best, idx);
      I* dst = out + o * inner + i0;
      for (int64_t j = 0; j < width; ++j) dst[j] = static_cast<I>(idx[j]);
    }
  });
}

template <bool kMax, typename T, typename I>
void arg_dispatch(ThreadPool& pool, const T* x, I* out, int64_t outer, int64_t n,
                  int64_t inner) {
  if (inner == 1)
    arg_rows<kMax>(pool, x, out, outer, n);
  else
    arg_cols<kMax>(pool, x, out, outer, n, inner);
}

}  // namespace

void arg_reduce(ThreadPool& pool, const Tensor& in, int axis, bool is_max, Tensor& out) {
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < axis; ++i) outer *= in.dim(i);
  for (int i = axis + 1; i < in.rank(); ++i) inner *= in.dim(i);
  const int64_t n = in.dim(axis);
  if (outer * inner == 0) return;
  if (n == 0) throw_internal("arg_reduce over an empty axis");
  visit_dtype(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* x = in.data<T>();
    auto run = [&](auto* o) {
      if (is_max)
        arg_dispatch<true>(pool, x, o, outer, n, inner);
      else
        arg_dispatch<false>(pool, x, o, outer, n, inner);
    };
    if (out.dtype() == DType::kInt32)
      run(out.data<int32_t>());
    else
      run(out.data<int64_t>());
  });
}

}  // namespace pgx
