// The shared elementwise driver: unary and NumPy-broadcasting binary loops over contiguous
// buffers, split across the intra-op pool. Op families supply per-element functors; this file
// owns the iteration order, the broadcasting fast paths and output allocation with forwarding.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/cpu_dispatch.h"
#include "pygraphx/kernel.h"
#include "pygraphx/tensor.h"
#include "pygraphx/thread_pool.h"

namespace pgx {
namespace elementwise {

// Most dimensions a broadcast may have after adjacent dimensions are merged.
constexpr int kMaxDims = 16;

// A broadcast of two concrete shapes reduced to the fewest dimensions: output dimensions of
// size 1 are dropped and adjacent dimensions in which each operand is either full in both or
// broadcast in both are merged. The innermost dimension has stride 1 or 0 in each operand.
struct BroadcastLayout {
  Dims out_shape;             // NumPy broadcast of the two input shapes
  int64_t size = 0;           // elements of out_shape
  int rank = 0;               // merged dimensions (at least 1 when size > 0)
  int64_t dims[kMaxDims];     // merged output dimensions, outermost first
  int64_t stride_a[kMaxDims]; // element stride of operand a per merged dimension (0: broadcast)
  int64_t stride_b[kMaxDims];
};

// Throws InvalidArgument ("Incompatible shapes: [2,3] vs. [4]") when the shapes do not
// broadcast, Unimplemented when more than kMaxDims dimensions remain after merging.
BroadcastLayout make_layout(const Dims& a, const Dims& b);

// Calls fn(begin, end) over [0, n), in parallel when n * cost_per_element is large.
template <typename F>
inline void for_range(ThreadPool& pool, int64_t n, double cost_per_element, const F& fn) {
  if (n <= 0) return;
  if (n * cost_per_element < 16384.0) {
    fn(int64_t{0}, n);
    return;
  }
  pool.parallel_for(n, cost_per_element, [&fn](int64_t b, int64_t e) { fn(b, e); });
}

// The inner loops. Output may coincide exactly with a full operand (input forwarding), which
// is safe because element i of the output depends only on element i of that operand. Always
// inlined, so that each instruction-set variant below vectorises them for its own target.
#define PGX_EW_INLINE __attribute__((always_inline)) inline
template <typename TA, typename TB, typename TO, typename F>
PGX_EW_INLINE void loop_vv(const TA* a, const TB* b, TO* o, int64_t n, const F& f) {
  for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], b[i]);
}
template <typename TA, typename TB, typename TO, typename F>
PGX_EW_INLINE void loop_sv(TA a, const TB* b, TO* o, int64_t n, const F& f) {
  for (int64_t i = 0; i < n; ++i) o[i] = f(a, b[i]);
}
template <typename TA, typename TB, typename TO, typename F>
PGX_EW_INLINE void loop_vs(const TA* a, TB b, TO* o, int64_t n, const F& f) {
  for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], b);
}
template <typename TI, typename TO, typename F>
PGX_EW_INLINE void loop_v(const TI* a, TO* o, int64_t n, const F& f) {
  for (int64_t i = 0; i < n; ++i) o[i] = f(a[i]);
}

// Float32 loops of a unary functor with AVX2 and AVX-512 clones chosen at run time (the
// functor is inlined into each variant): for the compute-bound transcendental functions.
// No variant contracts a multiply-add (-ffp-contract=off), so all compute the same bits.
// Measured on one thread (Exp, Tanh, Sigmoid): AVX-512 1.5-1.8x faster than AVX2 on 16K
// elements, 1.1-1.6x on 4M. The AVX2 clone used to contract the polynomials into FMAs, about
// 1.4x faster in cache than now, but its results then differed from the baseline's.
using F32Loop = void (*)(const float*, float*, int64_t);

template <typename F>
void f32_loop(const float* x, float* o, int64_t n) {
  loop_v(x, o, n, F{});
}

#if PGX_ISA_VARIANTS
template <typename F>
PGX_TARGET_AVX2 void f32_loop_avx2(const float* x, float* o, int64_t n) {
  loop_v(x, o, n, F{});
}
template <typename F>
PGX_TARGET_AVX512 void f32_loop_avx512(const float* x, float* o, int64_t n) {
  loop_v(x, o, n, F{});
}

// The float32 loop of functor F for this CPU (and PYGRAPHX_ISA).
template <typename F>
F32Loop best_f32_loop() {
  if (cpu_has_avx512()) return f32_loop_avx512<F>;
  if (cpu_has_avx2()) return f32_loop_avx2<F>;
  return f32_loop<F>;
}
#else
template <typename F>
F32Loop best_f32_loop() {
  return f32_loop<F>;
}
#endif

// Output elements [begin, end) of a general broadcast: walks the merged index space row by
// row, running one contiguous inner loop per row segment.
template <typename TA, typename TB, typename TO, typename F>
PGX_EW_INLINE void broadcast_range(const BroadcastLayout& l, const TA* a, const TB* b, TO* o,
                                   const F& f, int64_t begin, int64_t end) {
  const int r = l.rank;
  int64_t idx[kMaxDims];
  int64_t oa = 0, ob = 0, rem = begin;
  for (int d = r - 1; d >= 0; --d) {
    idx[d] = rem % l.dims[d];
    rem /= l.dims[d];
    oa += idx[d] * l.stride_a[d];
    ob += idx[d] * l.stride_b[d];
  }
  const int64_t inner = l.dims[r - 1];
  const int64_t sa = l.stride_a[r - 1], sb = l.stride_b[r - 1];
  int64_t pos = begin;
  while (pos < end) {
    const int64_t n = std::min(inner - idx[r - 1], end - pos);
    if (sa && sb) {
      loop_vv(a + oa, b + ob, o + pos, n, f);
    } else if (sb) {
      loop_sv(a[oa], b + ob, o + pos, n, f);
    } else if (sa) {
      loop_vs(a + oa, b[ob], o + pos, n, f);
    } else {
      std::fill(o + pos, o + pos + n, f(a[oa], b[ob]));
    }
    pos += n;
    // Either the range is done or the row is: rewind to the row start, carry outwards.
    oa -= idx[r - 1] * sa;
    ob -= idx[r - 1] * sb;
    idx[r - 1] = 0;
    for (int d = r - 2; d >= 0; --d) {
      oa += l.stride_a[d];
      ob += l.stride_b[d];
      if (++idx[d] < l.dims[d]) break;
      oa -= l.dims[d] * l.stride_a[d];
      ob -= l.dims[d] * l.stride_b[d];
      idx[d] = 0;
    }
  }
}

// The driver's chunk loops, baseline and AVX2: same source, so the same bits. On data in L2
// (16K float32) the AVX2 clones ran a row broadcast 1.7x and Relu 1.15x faster than the
// baseline ones, same-shape and scalar Add/Mul as fast. AVX-512 clones were measured too and
// not kept: 0.97x of AVX2 in cache and no better at 4M elements, so an AVX-512 CPU runs these
// loops' AVX2 variant (the compute-bound f32 loops, fused steps and reductions do use AVX-512).
#define PGX_EW_ISA(suffix, attr)                                                             \
  template <typename TA, typename TB, typename TO, typename F>                               \
  attr void chunk_vv_##suffix(const TA* a, const TB* b, TO* o, int64_t n, const F& f) {      \
    loop_vv(a, b, o, n, f);                                                                  \
  }                                                                                          \
  template <typename TA, typename TB, typename TO, typename F>                               \
  attr void chunk_sv_##suffix(TA a, const TB* b, TO* o, int64_t n, const F& f) {             \
    loop_sv(a, b, o, n, f);                                                                  \
  }                                                                                          \
  template <typename TA, typename TB, typename TO, typename F>                               \
  attr void chunk_vs_##suffix(const TA* a, TB b, TO* o, int64_t n, const F& f) {             \
    loop_vs(a, b, o, n, f);                                                                  \
  }                                                                                          \
  template <typename TI, typename TO, typename F>                                            \
  attr void chunk_v_##suffix(const TI* a, TO* o, int64_t n, const F& f) {                    \
    loop_v(a, o, n, f);                                                                      \
  }                                                                                          \
  template <typename TA, typename TB, typename TO, typename F>                               \
  attr void chunk_broadcast_##suffix(const BroadcastLayout& l, const TA* a, const TB* b,     \
                                     TO* o, const F& f, int64_t begin, int64_t end) {        \
    broadcast_range(l, a, b, o, f, begin, end);                                              \
  }
PGX_EW_ISA(base, )
#if PGX_ISA_VARIANTS
PGX_EW_ISA(avx2, PGX_TARGET_AVX2)
#define PGX_EW_DISPATCH(isa, name, ...) \
  ((isa) >= Isa::kAvx2 ? name##_avx2(__VA_ARGS__) : name##_base(__VA_ARGS__))
#else
#define PGX_EW_DISPATCH(isa, name, ...) name##_base(__VA_ARGS__)
#endif
#undef PGX_EW_ISA

// o = f(a, b) with NumPy broadcasting, for raw buffers of the given shapes; `o` holds
// l.size elements and may coincide with a full-shape operand.
template <typename TA, typename TB, typename TO, typename F>
void binary(ThreadPool& pool, const BroadcastLayout& l, const TA* a, int64_t a_size,
            const TB* b, int64_t b_size, TO* o, const F& f, double cost) {
  const int64_t n = l.size;
  [[maybe_unused]] const Isa isa = active_isa();
  if (a_size == n && b_size == n) {
    for_range(pool, n, cost, [&](int64_t s, int64_t e) {
      PGX_EW_DISPATCH(isa, chunk_vv, a + s, b + s, o + s, e - s, f);
    });
  } else if (a_size == 1 && b_size == n) {
    const TA av = a[0];
    for_range(pool, n, cost, [&](int64_t s, int64_t e) {
      PGX_EW_DISPATCH(isa, chunk_sv, av, b + s, o + s, e - s, f);
    });
  } else if (b_size == 1 && a_size == n) {
    const TB bv = b[0];
    for_range(pool, n, cost, [&](int64_t s, int64_t e) {
      PGX_EW_DISPATCH(isa, chunk_vs, a + s, bv, o + s, e - s, f);
    });
  } else {
    for_range(pool, n, cost, [&](int64_t s, int64_t e) {
      PGX_EW_DISPATCH(isa, chunk_broadcast, l, a, b, o, f, s, e);
    });
  }
}

// Output 0 of a binary op with layout l: written in place into input 0 or 1 when that input
// has the output's shape and dtype and this run holds its only reference.
Tensor& binary_output(OpKernelContext& ctx, const BroadcastLayout& l, DType out_dtype);

// The whole kernel of a binary op on inputs 0 and 1 (both of type TIn): out = f(a, b).
template <typename TIn, typename TOut, typename F>
void compute_binary(OpKernelContext& ctx, const F& f, double cost) {
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  const BroadcastLayout l = make_layout(a.shape(), b.shape());
  // Read the input pointers before allocating: forwarding may move an input into the output.
  const TIn* pa = a.data<TIn>();
  const TIn* pb = b.data<TIn>();
  const int64_t na = a.size(), nb = b.size();
  Tensor& out = binary_output(ctx, l, DTypeOf<TOut>::value);
  binary(ctx.pool(), l, pa, na, pb, nb, out.data<TOut>(), f, cost);
}

// The whole kernel of a unary op on input 0, forwarding the input when possible: `loop` is
// called as loop(const TIn* in, TOut* out, int64_t n) on contiguous chunks.
template <typename TIn, typename TOut, typename Loop>
void compute_unary_loop(OpKernelContext& ctx, const Loop& loop, double cost) {
  const Tensor& x = ctx.input(0);
  const TIn* px = x.data<TIn>();
  const int64_t n = x.size();
  Tensor& out = ctx.forward_or_allocate(0, 0, DTypeOf<TOut>::value, x.shape());
  TOut* po = out.data<TOut>();
  for_range(ctx.pool(), n, cost, [&](int64_t s, int64_t e) { loop(px + s, po + s, e - s); });
}

// Same with a per-element functor: out = f(x).
template <typename TIn, typename TOut, typename F>
void compute_unary(OpKernelContext& ctx, const F& f, double cost) {
  [[maybe_unused]] const Isa isa = active_isa();
  compute_unary_loop<TIn, TOut>(
      ctx,
      [&f, isa](const TIn* in, TOut* out, int64_t n) {
        PGX_EW_DISPATCH(isa, chunk_v, in, out, n, f);
      },
      cost);
}

}  // namespace elementwise
}  // namespace pgx
