// The reduction engine: an input is viewed as outer x reduced x inner blocks and each output
// element folds fixed-size blocks of its reduced elements in a fixed order. Threads only decide
// who computes which block, so results are identical for any thread count.
#include "kernels/reduce.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "kernels/reduce_leaf.h"
#include "pygraphx/status.h"

namespace pgx {

namespace {

using reduce_detail::column_fold_dispatch;
using reduce_detail::ExtremumR;
using reduce_detail::LogicR;
using reduce_detail::pairwise;
using reduce_detail::ProdR;
using reduce_detail::SumR;

constexpr int64_t kBlock = 1 << 14;   // reduced elements per block (per output element)
constexpr int64_t kTile = 1024;       // output lanes per column tile
constexpr int64_t kEnoughUnits = 64;  // outputs enough to parallelise without splitting

// A reduction over one group of adjacent dimensions: outer x reduced x inner elements.
struct ReduceLayout {
  int64_t outer = 1;
  int64_t reduced = 1;
  int64_t inner = 1;
};

// inner == 1: each output reduces a contiguous row of n elements.
template <class R>
void reduce_rows(ThreadPool& pool, const typename R::In* x, typename R::In* out, int64_t outer,
                 int64_t n) {
  using A = typename R::Acc;
  const int64_t nblocks = (n + kBlock - 1) / kBlock;
  auto block = [&](int64_t o, int64_t b) {
    const int64_t s = b * kBlock;
    return pairwise<R>(x + o * n + s, std::min(kBlock, n - s));
  };
  if (nblocks <= 1 || outer >= kEnoughUnits) {
    pool.parallel_for(outer, static_cast<double>(n), [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) {
        A t = block(o, 0);
        for (int64_t k = 1; k < nblocks; ++k) t = R::combine(t, block(o, k));
        out[o] = R::finish(t, n);
      }
    });
    return;
  }
  // Few long rows: blocks are computed in parallel, then folded in the same order.
  std::vector<A> part(outer * nblocks);
  pool.parallel_for(outer * nblocks, static_cast<double>(kBlock), [&](int64_t b, int64_t e) {
    for (int64_t u = b; u < e; ++u) part[u] = block(u / nblocks, u % nblocks);
  });
  for (int64_t o = 0; o < outer; ++o) {
    A t = part[o * nblocks];
    for (int64_t k = 1; k < nblocks; ++k) t = R::combine(t, part[o * nblocks + k]);
    out[o] = R::finish(t, n);
  }
}

// inner > 1: each output lane folds a strided column; lanes are processed in tiles of
// contiguous elements so that the innermost loop vectorises.
template <class R>
void reduce_cols(ThreadPool& pool, const typename R::In* x, typename R::In* out, int64_t outer,
                 int64_t n, int64_t inner) {
  using A = typename R::Acc;
  const int64_t w = std::min(inner, kTile);
  const int64_t ntiles = (inner + w - 1) / w;
  const int64_t rows_per_block = std::max<int64_t>(1, kBlock / w);
  const int64_t nblocks = (n + rows_per_block - 1) / rows_per_block;
  // Folds rows [block*rows_per_block, ...) of tile t of outer index o into acc[0, width).
  auto block = [&](int64_t o, int64_t t, int64_t b, A* acc) {
    const int64_t i0 = t * w, width = std::min(w, inner - i0);
    const int64_t r0 = b * rows_per_block, r1 = std::min(n, r0 + rows_per_block);
    column_fold_dispatch<R>(x + o * n * inner + i0, inner, r0, r1, width, acc);
  };
  auto store = [&](int64_t o, int64_t t, const A* acc) {
    const int64_t i0 = t * w, width = std::min(w, inner - i0);
    typename R::In* dst = out + o * inner + i0;
    for (int64_t j = 0; j < width; ++j) dst[j] = R::finish(acc[j], n);
  };
  const int64_t units = outer * ntiles;
  if (nblocks <= 1 || units >= kEnoughUnits) {
    pool.parallel_for(units, static_cast<double>(n * w), [&](int64_t b, int64_t e) {
      A total[kTile], tmp[kTile];
      for (int64_t u = b; u < e; ++u) {
        const int64_t o = u / ntiles, t = u % ntiles;
        const int64_t width = std::min(w, inner - t * w);
        block(o, t, 0, total);
        for (int64_t k = 1; k < nblocks; ++k) {
          block(o, t, k, tmp);
          for (int64_t j = 0; j < width; ++j) total[j] = R::combine(total[j], tmp[j]);
        }
        store(o, t, total);
      }
    });
    return;
  }
  std::vector<A> part(units * nblocks * w);
  pool.parallel_for(units * nblocks, static_cast<double>(kBlock), [&](int64_t b, int64_t e) {
    for (int64_t v = b; v < e; ++v) {
      const int64_t u = v / nblocks;
      block(u / ntiles, u % ntiles, v % nblocks, part.data() + v * w);
    }
  });
  for (int64_t u = 0; u < units; ++u) {
    A* total = part.data() + u * nblocks * w;
    const int64_t width = std::min(w, inner - (u % ntiles) * w);
    for (int64_t k = 1; k < nblocks; ++k)
      for (int64_t j = 0; j < width; ++j) total[j] = R::combine(total[j], total[k * w + j]);
    store(u / ntiles, u % ntiles, total);
  }
}

template <class R>
void run_reducer(ThreadPool& pool, const Tensor& in, const ReduceLayout& l, Tensor& out) {
  using T = typename R::In;
  const T* x = in.data<T>();
  T* o = out.data<T>();
  if (l.outer * l.inner == 0) return;
  if (l.reduced == 0) {
    const T v = R::finish(R::identity(), 0);
    std::fill(o, o + l.outer * l.inner, v);
  } else if (l.inner == 1) {
    reduce_rows<R>(pool, x, o, l.outer, l.reduced);
  } else {
    reduce_cols<R>(pool, x, o, l.outer, l.reduced, l.inner);
  }
}

template <typename T>
void dispatch_kind(ThreadPool& pool, const Tensor& in, const ReduceLayout& l, ReduceKind kind,
                   Tensor& out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (kind == ReduceKind::kAll) return run_reducer<LogicR<true>>(pool, in, l, out);
    if (kind == ReduceKind::kAny) return run_reducer<LogicR<false>>(pool, in, l, out);
    throw_invalid("this reduction does not accept bool tensors");
  } else {
    switch (kind) {
      case ReduceKind::kSum:
        return run_reducer<SumR<T, false>>(pool, in, l, out);
      case ReduceKind::kMean:
        return run_reducer<SumR<T, true>>(pool, in, l, out);
      case ReduceKind::kProd:
        return run_reducer<ProdR<T>>(pool, in, l, out);
      case ReduceKind::kMax:
        return run_reducer<ExtremumR<T, true>>(pool, in, l, out);
      case ReduceKind::kMin:
        return run_reducer<ExtremumR<T, false>>(pool, in, l, out);
      default:
        throw_invalid(std::string("All and Any need bool tensors, got ") +
                      dtype_name(in.dtype()));
    }
  }
}

// Dimensions without size-1 entries, neighbours of the same kind merged.
struct Group {
  int64_t size;
  bool reduced;
};
void push_group(std::vector<Group>& g, Group grp) {
  if (grp.size == 1) return;
  if (!g.empty() && g.back().reduced == grp.reduced)
    g.back().size *= grp.size;
  else
    g.push_back(grp);
}
std::vector<Group> collapse(const Dims& dims, const std::vector<int>& axes) {
  std::vector<bool> red(dims.size(), false);
  for (int a : axes) red[a] = true;
  std::vector<Group> g;
  for (size_t i = 0; i < dims.size(); ++i) push_group(g, {dims[i], static_cast<bool>(red[i])});
  return g;
}

// The outer x reduced x inner view of reducing group q of g.
ReduceLayout layout_of(const std::vector<Group>& g, size_t q) {
  ReduceLayout l;
  l.reduced = g[q].size;
  for (size_t i = 0; i < g.size(); ++i)
    if (i < q)
      l.outer *= g[i].size;
    else if (i > q)
      l.inner *= g[i].size;
  return l;
}

// Integer means divide the (wrapped) sum with truncation, float means divide exactly.
void divide_by(Tensor& t, int64_t count) {
  visit_numeric(t.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    for (int64_t i = 0; i < t.size(); ++i) {
      if constexpr (std::is_floating_point_v<T>) {
        p[i] = static_cast<T>(p[i] / static_cast<T>(count));
      } else {
        p[i] = count == 0 ? T(0) : static_cast<T>(p[i] / count);
      }
    }
  });
}

void run_kind(ThreadPool& pool, const Tensor& in, const ReduceLayout& l, ReduceKind kind,
              Tensor& out) {
  visit_dtype(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    dispatch_kind<T>(pool, in, l, kind, out);
  });
}

}  // namespace

Tensor reduce_tensor(ThreadPool& pool, const Tensor& in, const std::vector<int>& axes,
                     ReduceKind kind, const Dims& out_shape) {
  const bool logical = kind == ReduceKind::kAll || kind == ReduceKind::kAny;
  if (logical != (in.dtype() == DType::kBool))
    throw_invalid(std::string("dtype ") + dtype_name(in.dtype()) +
                  " is not supported by this reduction");
  std::vector<Group> g = collapse(in.shape(), axes);
  int reduced_groups = 0;
  int64_t count = 1;
  for (const Group& grp : g)
    if (grp.reduced) {
      ++reduced_groups;
      count *= grp.size;
    }
  // Nothing reduced (or only size-1 dimensions): every kind is the identity on the values.
  if (reduced_groups == 0) return in.reshaped(out_shape);
  // Separated reduced groups are reduced innermost first, each pass over contiguous blocks;
  // means sum in every pass and divide once by the total count.
  const bool multi = reduced_groups > 1;
  const ReduceKind pass = multi && kind == ReduceKind::kMean ? ReduceKind::kSum : kind;
  Tensor cur = in;
  for (;;) {
    size_t q = g.size();
    while (!g[--q].reduced) {
    }
    const ReduceLayout l = layout_of(g, q);
    Tensor next(in.dtype(), --reduced_groups == 0 ? out_shape : Dims{l.outer * l.inner});
    run_kind(pool, cur, l, pass, next);
    cur = next;
    if (reduced_groups == 0) break;
    std::vector<Group> rest;
    for (size_t i = 0; i < g.size(); ++i)
      if (i != q) push_group(rest, g[i]);
    g.swap(rest);
  }
  if (multi && kind == ReduceKind::kMean) divide_by(cur, count);
  return cur;
}

}  // namespace pgx
