// Range: the sequence start, start + delta, ... up to (not including) limit. The length is
// computed at build time when all three inputs are constants, as TF's shape function does.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

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
  const std::string too_long =
      "Requires ((limit - start) / delta) <= " +
      std::to_string(std::numeric_limits<int64_t>::max());
  if constexpr (std::is_integral_v<T>) {
    // |limit - start| and |delta| in uint64: the signed differences overflow for int64
    // endpoints of opposite sign (range(INT64_MIN, INT64_MAX, ...)), which is UB.
    const uint64_t span = delta > 0 ? uint64_t(limit) - uint64_t(start)
                                    : uint64_t(start) - uint64_t(limit);
    const uint64_t d = delta > 0 ? uint64_t(delta) : uint64_t(0) - uint64_t(delta);
    const uint64_t n = span / d + (span % d != 0);  // ceil without overflowing span + d
    if (n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) fail(too_long);
    return static_cast<int64_t>(n);
  } else {
    // As TF: a length beyond int64 (or NaN) is an error; converting it would be UB.
    const double n = std::ceil(std::abs(static_cast<double>((limit - start) / delta)));
    if (!(n < 9223372036854775808.0)) fail(too_long);
    return static_cast<int64_t>(n);
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
    if constexpr (std::is_integral_v<T>) {
      // start + i * delta is always in [start, limit), but i * delta alone can exceed T
      // (range(INT_MIN, INT_MAX, INT_MAX)): compute modulo 2^bits in unsigned arithmetic.
      using U = std::make_unsigned_t<T>;
      for (int64_t i = 0; i < n; ++i)
        out[i] = static_cast<T>(U(start) + U(i) * U(delta));
    } else {
      for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(start + static_cast<T>(i) * delta);
    }
  });
}

}  // namespace

void register_sequence_ops() {
  OpRegistry::global().add(pure({"Range", 3, 3, 0, false, range_shape, fn_kernel(range_kernel)}));
}

}  // namespace pgx
