// Range: the sequence start, start + delta, ... up to (not including) limit. The length is
// computed at build time when all three inputs are constants, as TF's shape function does.
#include <cmath>
#include <string>

#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"

namespace pgx {

namespace {

// Number of elements, or throws `fail(message)` for an empty-direction or zero delta.
template <typename T, typename Fail>
int64_t range_size(T start, T limit, T delta, Fail fail) {
  auto str = [](T v) {
    if constexpr (std::is_floating_point_v<T>) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
      return std::string(buf);
    } else {
      return std::to_string(v);
    }
  };
  if (delta == 0) fail("Requires delta != 0");
  if (delta > 0 && start > limit)
    fail("Requires start <= limit when delta > 0: " + str(start) + "/" + str(limit));
  if (delta < 0 && start < limit)
    fail("Requires start >= limit when delta < 0: " + str(start) + "/" + str(limit));
  if constexpr (std::is_integral_v<T>) {
    const int64_t span = static_cast<int64_t>(limit) - static_cast<int64_t>(start);
    const int64_t d = static_cast<int64_t>(delta);
    return (span + d + (d > 0 ? -1 : 1)) / d;
  } else {
    return static_cast<int64_t>(std::ceil(std::abs((limit - start) / delta)));
  }
}

void range_shape(InferenceContext& ic) {
  const DType t = ic.in_dtypes[0];
  if (ic.in_dtypes[1] != t || ic.in_dtypes[2] != t)
    ic.fail("Range requires start, limit and delta of one dtype");
  if (t == DType::kBool) ic.fail("Range does not support bool");
  for (int i = 0; i < 3; ++i)
    if (ic.in_shapes[i].rank_known() && ic.in_shapes[i].rank() != 0)
      ic.fail(std::string(i == 0 ? "start" : i == 1 ? "limit" : "delta") +
              " must be a scalar, not shape " + ic.in_shapes[i].str());
  int64_t n = -1;
  if (ic.in_values[0] && ic.in_values[1] && ic.in_values[2]) {
    visit_numeric(t, [&](auto tag) {
      using T = typename decltype(tag)::type;
      n = range_size<T>(*ic.in_values[0]->data<T>(), *ic.in_values[1]->data<T>(),
                        *ic.in_values[2]->data<T>(), [&](const std::string& m) { ic.fail(m); });
    });
  }
  ic.set_output(0, t, PartialShape(Dims{n}));
}

void range_kernel(OpKernelContext& ctx) {
  for (int i = 0; i < 3; ++i)
    if (ctx.input(i).rank() != 0)
      throw_invalid(std::string(i == 0 ? "start" : i == 1 ? "limit" : "delta") +
                    " must be a scalar, not shape " + dims_str(ctx.input(i).shape()));
  visit_numeric(ctx.input(0).dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T start = *ctx.input(0).data<T>();
    const T delta = *ctx.input(2).data<T>();
    const int64_t n = range_size<T>(start, *ctx.input(1).data<T>(), delta,
                                    [](const std::string& m) { throw_invalid(m); });
    T* out = ctx.allocate_output(0, DTypeOf<T>::value, {n}).template data<T>();
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(start + static_cast<T>(i) * delta);
  });
}

}  // namespace

void register_sequence_ops() {
  OpRegistry::global().add(
      {"Range", 3, 3, 0, false, range_shape, fn_kernel(range_kernel)});
}

}  // namespace pgx
