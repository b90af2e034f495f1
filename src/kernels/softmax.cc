// Softmax, LogSoftmax and the two softmax cross-entropy losses, one row of the last axis at a
// time. Every row is shifted by its maximum before exponentiation, so huge logits neither
// overflow nor lose the small probabilities; rows are split across the intra-op pool.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kernels/elementwise.h"
#include "kernels/elementwise_math.h"
#include "kernels/nn_kernels.h"
#include "ops/shape_helpers.h"
#include "pygraphx/status.h"

namespace pgx {
namespace nn {

namespace {

inline float exp_of(float x) { return elementwise::fast_expf(x); }
inline double exp_of(double x) { return std::exp(x); }

// Largest element of a row; NaN propagates (as in TF, a NaN logit makes its row NaN).
template <typename T>
inline T row_max(const T* x, int64_t c) {
  T m = -std::numeric_limits<T>::infinity();
  bool nan = false;
  for (int64_t i = 0; i < c; ++i) {
    m = x[i] > m ? x[i] : m;
    nan |= x[i] != x[i];
  }
  return nan ? std::numeric_limits<T>::quiet_NaN() : m;
}

// e[i] = exp(x[i] - m); returns the sum of e (accumulated in double for float rows).
template <typename T>
inline double exp_shifted(const T* x, T m, T* e, int64_t c) {
  double s = 0;
  for (int64_t i = 0; i < c; ++i) {
    e[i] = exp_of(static_cast<T>(x[i] - m));
    s += e[i];
  }
  return s;
}

template <typename T, bool kLog>
void softmax_rows(const T* x, T* y, int64_t begin, int64_t end, int64_t c) {
  for (int64_t r = begin; r < end; ++r) {
    const T* xr = x + r * c;
    T* yr = y + r * c;
    const T m = row_max(xr, c);
    // y may be x itself (input forwarding): LogSoftmax must not overwrite x before its last
    // read, so it only sums the exponentials.
    if constexpr (kLog) {
      double s = 0;
      for (int64_t i = 0; i < c; ++i) s += exp_of(static_cast<T>(xr[i] - m));
      const T shift = static_cast<T>(m + std::log(s));
      for (int64_t i = 0; i < c; ++i) yr[i] = xr[i] - shift;
    } else {
      const double s = exp_shifted(xr, m, yr, c);
      const T inv = static_cast<T>(1.0 / s);
      for (int64_t i = 0; i < c; ++i) yr[i] *= inv;
    }
  }
}

// One build for every CPU: the row sums are serial (accumulated in order, in double), which
// keeps the exponentials scalar too, so AVX2 and AVX-512 clones ran no faster (1.40 ms for
// 256 x 1000 float32 in each variant) and were dropped.
template <typename T, bool kLog>
void run_softmax_rows(const T* x, T* y, int64_t begin, int64_t end, int64_t c) {
  softmax_rows<T, kLog>(x, y, begin, end, c);
}

// Rough nanoseconds per row of c classes.
template <typename T>
double row_cost(int64_t c) {
  return static_cast<double>(c) * (std::is_same_v<T, float> ? 4.0 : 16.0) + 10.0;
}

template <bool kLog>
void softmax_common(OpKernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  if (x.rank() < 1)
    throw_invalid("logits must have >= 1 dimension, got " + dims_bracket(x.shape()));
  visit_floating(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const int64_t c = x.dim(x.rank() - 1);
    const int64_t rows = c == 0 ? 0 : x.size() / c;
    const T* px = x.data<T>();
    Tensor& out = ctx.forward_or_allocate(0, 0, x.dtype(), x.shape());
    T* py = out.data<T>();
    elementwise::for_range(ctx.pool(), rows, row_cost<T>(c), [&](int64_t b, int64_t e) {
      run_softmax_rows<T, kLog>(px, py, b, e, c);
    });
  });
}

// A [rows, c] tensor with broadcast dimensions (size 1) materialised to [rows, c].
template <typename T>
std::vector<T> broadcast_2d(const Tensor& t, int64_t rows, int64_t c) {
  std::vector<T> out(static_cast<size_t>(rows * c));
  const T* p = t.data<T>();
  const int64_t rs = t.dim(0) == 1 ? 0 : t.dim(1), cs = t.dim(1) == 1 ? 0 : 1;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < c; ++i) out[r * c + i] = p[r * rs + i * cs];
  return out;
}

// One row of softmax cross entropy: loss = sum(labels * (log(sum(exp(x - m))) - (x - m))),
// backprop = softmax(x) - labels. `back` holds exp(x - m) on the way.
template <typename T>
T xent_row(const T* x, const T* labels, T* back, int64_t c) {
  const T m = row_max(x, c);
  const double s = exp_shifted(x, m, back, c);
  const T lse = static_cast<T>(std::log(s));
  const T inv = static_cast<T>(1.0 / s);
  T loss = 0;
  for (int64_t i = 0; i < c; ++i) {
    const T shifted = x[i] - m;
    // A zero label contributes nothing, even against a -inf logit (TF gives NaN there; the
    // product 0 * inf is kept so that the value matches TF's).
    loss += labels[i] * (lse - shifted);
    back[i] = back[i] * inv - labels[i];
  }
  return loss;
}

// "1 5 0" (at most 20 values), as TF lists the labels in its range error.
std::string label_values(const Tensor& labels) {
  std::string s;
  const int64_t n = labels.size();
  for (int64_t i = 0; i < n && i < 20; ++i)
    s += (i ? " " : "") + std::to_string(index_at(labels, i));
  return n > 20 ? s + "..." : s;
}

}  // namespace

void softmax_kernel(OpKernelContext& ctx) { softmax_common<false>(ctx); }
void log_softmax_kernel(OpKernelContext& ctx) { softmax_common<true>(ctx); }

void softmax_xent_kernel(OpKernelContext& ctx) {
  const Tensor& features = ctx.input(0);
  const Tensor& labels = ctx.input(1);
  if (features.rank() != 2 || labels.rank() != 2)
    throw_invalid("logits and labels must be 2-D, got logits_size=" +
                  dims_bracket(features.shape()) + " labels_size=" +
                  dims_bracket(labels.shape()));
  Dims shape;
  try {
    shape = broadcast_dims(features.shape(), labels.shape());
  } catch (const OpError&) {
    throw_invalid("logits and labels must be broadcastable: logits_size=" +
                  dims_bracket(features.shape()) + " labels_size=" +
                  dims_bracket(labels.shape()));
  }
  const int64_t rows = shape[0], c = shape[1];
  visit_floating(features.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<T> fx, lx;
    const T* px = features.data<T>();
    const T* pl = labels.data<T>();
    if (features.shape() != shape) px = (fx = broadcast_2d<T>(features, rows, c)).data();
    if (labels.shape() != shape) pl = (lx = broadcast_2d<T>(labels, rows, c)).data();
    Tensor& loss = ctx.allocate_output(0, features.dtype(), {rows});
    Tensor& back = ctx.allocate_output(1, features.dtype(), {rows, c});
    T* ploss = loss.data<T>();
    T* pback = back.data<T>();
    elementwise::for_range(ctx.pool(), rows, row_cost<T>(c) * 1.5, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r)
        ploss[r] = xent_row(px + r * c, pl + r * c, pback + r * c, c);
    });
  });
}

void sparse_softmax_xent_kernel(OpKernelContext& ctx) {
  const Tensor& features = ctx.input(0);
  const Tensor& labels = ctx.input(1);
  if (features.rank() != 2)
    throw_invalid("logits must be 2-D, but got shape " + dims_bracket(features.shape()));
  if (labels.rank() != 1)
    throw_invalid("labels must be 1-D, but got shape " + dims_bracket(labels.shape()));
  const int64_t rows = features.dim(0), c = features.dim(1);
  if (labels.dim(0) != rows)
    throw_invalid("logits and labels must have the same first dimension, got logits shape " +
                  dims_bracket(features.shape()) + " and labels shape " +
                  dims_bracket(labels.shape()));
  if (c == 0 && rows > 0)
    throw_invalid("Must have at least one class, but got logits shape " +
                  dims_bracket(features.shape()));
  // Every label is checked before anything is written.
  std::vector<int64_t> label(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    label[r] = index_at(labels, r);
    if (label[r] < 0 || label[r] >= c)
      throw_invalid("Received a label value of " + std::to_string(label[r]) +
                    " which is outside the valid range of [0, " + std::to_string(c) +
                    ").  Label values: " + label_values(labels));
  }
  visit_floating(features.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* px = features.data<T>();
    Tensor& loss = ctx.allocate_output(0, features.dtype(), {rows});
    Tensor& back = ctx.allocate_output(1, features.dtype(), {rows, c});
    T* ploss = loss.data<T>();
    T* pback = back.data<T>();
    elementwise::for_range(ctx.pool(), rows, row_cost<T>(c), [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) {
        const T* xr = px + r * c;
        T* br = pback + r * c;
        const T m = row_max(xr, c);
        const double s = exp_shifted(xr, m, br, c);
        const T inv = static_cast<T>(1.0 / s);
        for (int64_t i = 0; i < c; ++i) br[i] *= inv;
        br[label[r]] -= T(1);
        ploss[r] = static_cast<T>(std::log(s)) - (xr[label[r]] - m);
      }
    });
  });
}

}  // namespace nn
}  // namespace pgx
