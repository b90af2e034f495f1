// BiasAdd (a bias vector added along the channel axis), BiasAddGrad (the sum of a gradient over
// every axis but the channel one) and L2Loss (half the sum of squares). The two reductions sum
// fixed-size blocks into partials that are combined in block order, so their results do not
// depend on the thread count.
#include <algorithm>
#include <string>
#include <vector>

#include "kernels/elementwise.h"
#include "kernels/nn_kernels.h"
#include "ops/shape_helpers.h"
#include "pygraphx/status.h"

namespace pgx {
namespace nn {

namespace {

// The value tensor seen as [outer, channels, inner]: inner is 1 for NHWC (channels last),
// the product of the dimensions after axis 1 for NCHW.
struct ChannelLayout {
  int64_t outer = 0, channels = 0, inner = 0;
};

ChannelLayout channel_layout(const Tensor& value, const std::string& data_format) {
  ChannelLayout l;
  const int r = value.rank();
  const int axis = (data_format == "NCHW" && r >= 3) ? 1 : r - 1;
  l.channels = value.dim(axis);
  l.outer = 1;
  for (int i = 0; i < axis; ++i) l.outer *= value.dim(i);
  l.inner = 1;
  for (int i = axis + 1; i < r; ++i) l.inner *= value.dim(i);
  return l;
}

const std::string& data_format_of(const OpKernelContext& ctx) {
  static const std::string nhwc = "NHWC";
  const AttrValue* v = ctx.attrs().find("data_format");
  return v ? std::get<std::string>(*v) : nhwc;
}

// Rows of elements summed into one partial by one task.
constexpr int64_t kBlockElements = 1 << 14;

}  // namespace

void bias_add_kernel(OpKernelContext& ctx) {
  const Tensor& value = ctx.input(0);
  const Tensor& bias = ctx.input(1);
  if (value.rank() < 2)
    throw_invalid("Input tensor must be at least 2D: " + dims_bracket(value.shape()));
  if (bias.rank() != 1)
    throw_invalid("Biases must be 1D: " + dims_bracket(bias.shape()));
  const std::string& format = data_format_of(ctx);
  const ChannelLayout l = channel_layout(value, format);
  if (bias.dim(0) != l.channels)
    throw_invalid(std::string("Must provide as many biases as the ") +
                  (format == "NCHW" ? "channel" : "last") + " dimension of the input tensor: " +
                  dims_bracket(bias.shape()) + " vs. " + dims_bracket(value.shape()));
  visit_numeric(value.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* pv = value.data<T>();
    const T* pb = bias.data<T>();
    Tensor& out = ctx.forward_or_allocate(0, 0, value.dtype(), value.shape());
    T* po = out.data<T>();
    const int64_t c = l.channels, inner = l.inner;
    // One unit is one [channels, inner] slab.
    elementwise::for_range(ctx.pool(), l.outer, 0.5 * static_cast<double>(c * inner),
                           [&](int64_t b, int64_t e) {
                             for (int64_t o = b; o < e; ++o) {
                               const T* v = pv + o * c * inner;
                               T* y = po + o * c * inner;
                               if (inner == 1) {
                                 for (int64_t i = 0; i < c; ++i) y[i] = v[i] + pb[i];
                               } else {
                                 for (int64_t k = 0; k < c; ++k)
                                   for (int64_t i = 0; i < inner; ++i)
                                     y[k * inner + i] = v[k * inner + i] + pb[k];
                               }
                             }
                           });
  });
}

void bias_add_grad_kernel(OpKernelContext& ctx) {
  const Tensor& g = ctx.input(0);
  if (g.rank() < 2)
    throw_invalid("Input tensor must be at least 2D: " + dims_bracket(g.shape()));
  const ChannelLayout l = channel_layout(g, data_format_of(ctx));
  visit_numeric(g.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* pg = g.data<T>();
    Tensor& out = ctx.allocate_output(0, g.dtype(), {l.channels});
    T* po = out.data<T>();
    const int64_t c = l.channels, inner = l.inner, slab = c * inner;
    std::fill(po, po + c, T(0));
    if (c == 0 || l.outer == 0) return;
    // Partials over blocks of whole slabs, each a vector of c sums.
    const int64_t per_block = std::max<int64_t>(1, kBlockElements / std::max<int64_t>(slab, 1));
    const int64_t blocks = (l.outer + per_block - 1) / per_block;
    std::vector<T> partial(static_cast<size_t>(blocks * c), T(0));
    elementwise::for_range(ctx.pool(), blocks, static_cast<double>(per_block * slab),
                           [&](int64_t b, int64_t e) {
                             for (int64_t blk = b; blk < e; ++blk) {
                               T* acc = partial.data() + blk * c;
                               const int64_t o_end = std::min(l.outer, (blk + 1) * per_block);
                               for (int64_t o = blk * per_block; o < o_end; ++o) {
                                 const T* v = pg + o * slab;
                                 for (int64_t k = 0; k < c; ++k) {
                                   T s = 0;
                                   for (int64_t i = 0; i < inner; ++i) s += v[k * inner + i];
                                   acc[k] += s;
                                 }
                               }
                             }
                           });
    for (int64_t blk = 0; blk < blocks; ++blk)
      for (int64_t k = 0; k < c; ++k) po[k] += partial[blk * c + k];
  });
}

void l2_loss_kernel(OpKernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  visit_floating(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* px = x.data<T>();
    const int64_t n = x.size();
    const int64_t blocks = (n + kBlockElements - 1) / kBlockElements;
    // float32 squares are summed in double, as the float32 reductions are.
    std::vector<double> partial(static_cast<size_t>(blocks), 0.0);
    elementwise::for_range(ctx.pool(), blocks, static_cast<double>(kBlockElements) * 0.5,
                           [&](int64_t b, int64_t e) {
                             for (int64_t blk = b; blk < e; ++blk) {
                               const int64_t end = std::min(n, (blk + 1) * kBlockElements);
                               double s = 0;
                               for (int64_t i = blk * kBlockElements; i < end; ++i)
                                 s += static_cast<double>(px[i]) * px[i];
                               partial[blk] = s;
                             }
                           });
    double total = 0;
    for (double p : partial) total += p;
    Tensor& out = ctx.allocate_output(0, x.dtype(), {});
    *out.data<T>() = static_cast<T>(total / 2);
  });
}

}  // namespace nn
}  // namespace pgx
