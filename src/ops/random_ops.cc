// Random ops with TF's seed semantics: RandomUniform, RandomStandardNormal, TruncatedNormal,
// RandomUniformInt and RandomShuffle, each kernel owning a Philox stream seeded from the node's
// "seed"/"seed2" attributes. Every run continues the stream, so values match TF's for the seeds.
#include <algorithm>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "kernels/random_fill.h"
#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"
#include "shape_helpers.h"

namespace pgx {

namespace {

using random::GuardedPhiloxRandom;

// Rough nanoseconds per output group, for parallel_for's cost model.
constexpr double kUniformGroupCost = 6;
constexpr double kNormalGroupCost = 60;
constexpr double kTruncatedGroupCost = 90;
constexpr double kUniformIntGroupCost = 15;

// The static output shape described by shape input `i`: exact when the input is a constant,
// else of known rank when the shape vector's length is known.
PartialShape shape_from_input(InferenceContext& ic, int i) {
  const DType t = ic.in_dtypes[i];
  if (t != DType::kInt32 && t != DType::kInt64)
    ic.fail(std::string("Value passed to parameter 'shape' has DataType ") + dtype_name(t) +
            " not in list of allowed values: int32, int64");
  const PartialShape& s = ic.in_shapes[i];
  if (s.rank_known() && s.rank() != 1)
    ic.fail("Shape must be rank 1 but is rank " + std::to_string(s.rank()));
  if (const Tensor* v = ic.in_values[i]) {
    Dims dims(static_cast<size_t>(v->size()));
    for (int64_t k = 0; k < v->size(); ++k) {
      const int64_t d = static_cast<int64_t>(v->get_as_double(k));
      if (d < -1) ic.fail("Invalid value in tensor used for shape: " + std::to_string(d));
      dims[k] = d;
    }
    return PartialShape(dims);
  }
  if (s.rank_known() && s.dim(0) >= 0) return PartialShape::unknown_of_rank(s.dim(0));
  return PartialShape::unknown();
}

// The concrete output shape from a shape tensor at run time (TF's MakeShape).
Dims make_shape(const Tensor& s) {
  if (s.rank() != 1 || (s.dtype() != DType::kInt32 && s.dtype() != DType::kInt64))
    throw_invalid("shape must be a vector of {int32,int64}, got shape " +
                  dims_bracket(s.shape()));
  Dims dims = read_index_vector(s);
  for (int64_t d : dims)
    if (d < 0) throw_invalid("Dimension " + std::to_string(d) + " must be >= 0");
  return dims;
}

void random_float_shape(InferenceContext& ic) {
  const DType t = ic.attrs.get<DType>("dtype");
  if (!dtype_is_floating(t))
    ic.fail(std::string("Value passed to parameter 'dtype' has DataType ") + dtype_name(t) +
            " not in list of allowed values: float32, float64");
  ic.set_output(0, t, shape_from_input(ic, 0));
}

void random_int_shape(InferenceContext& ic) {
  const PartialShape shape = shape_from_input(ic, 0);
  const DType t = ic.in_dtypes[1];
  if (t != DType::kInt32 && t != DType::kInt64)
    ic.fail(std::string("Value passed to parameter 'minval' has DataType ") + dtype_name(t) +
            " not in list of allowed values: int32, int64");
  if (ic.in_dtypes[2] != t)
    ic.fail(std::string("Input 'maxval' of 'RandomUniformInt' Op has type ") +
            dtype_name(ic.in_dtypes[2]) + " that does not match type " + dtype_name(t) +
            " of argument 'minval'.");
  for (int i = 1; i <= 2; ++i) {
    if (ic.in_shapes[i].rank_known() && ic.in_shapes[i].rank() != 0)
      ic.fail("Shape must be rank 0 but is rank " + std::to_string(ic.in_shapes[i].rank()));
  }
  ic.set_output(0, t, shape);
}

// The seeded stream of one kernel instance (shared by its concurrent runs).
class RandomKernelBase : public OpKernel {
 public:
  explicit RandomKernelBase(const Node& n)
      : OpKernel(n),
        gen_(n.attrs.get_or<int64_t>("seed", 0), n.attrs.get_or<int64_t>("seed2", 0)) {}

 protected:
  GuardedPhiloxRandom gen_;
};

// RandomUniform / RandomStandardNormal / TruncatedNormal over float32 and float64.
template <template <typename> class Dist>
class PhiloxFloatKernel final : public RandomKernelBase {
 public:
  PhiloxFloatKernel(const Node& n, double group_cost)
      : RandomKernelBase(n), dtype_(n.attrs.get<DType>("dtype")), group_cost_(group_cost) {}

  void compute(OpKernelContext& ctx) override {
    Tensor& out = ctx.allocate_output(0, dtype_, make_shape(ctx.input(0)));
    const int64_t n = out.size();
    visit_floating(dtype_, [&](auto tag) {
      using T = typename decltype(tag)::type;
      random::FillPhiloxRandom(ctx.pool(), gen_.ReserveRandomOutputs(n), out.data<T>(), n,
                               Dist<T>{}, group_cost_);
    });
  }

 private:
  DType dtype_;
  double group_cost_;
};

template <template <typename> class Dist>
KernelFactory philox_float_kernel(double group_cost) {
  return [group_cost](const Node& n) {
    return std::make_unique<PhiloxFloatKernel<Dist>>(n, group_cost);
  };
}

// RandomUniformInt: integers in [minval, maxval).
class UniformIntKernel final : public RandomKernelBase {
 public:
  using RandomKernelBase::RandomKernelBase;

  void compute(OpKernelContext& ctx) override {
    const Tensor& lo_t = ctx.input(1);
    const Tensor& hi_t = ctx.input(2);
    if (lo_t.rank() != 0)
      throw_invalid("minval must be 0-D, got shape " + dims_bracket(lo_t.shape()));
    if (hi_t.rank() != 0)
      throw_invalid("maxval must be 0-D, got shape " + dims_bracket(hi_t.shape()));
    Tensor& out = ctx.allocate_output(0, lo_t.dtype(), make_shape(ctx.input(0)));
    const int64_t n = out.size();
    if (n == 0) return;
    auto fill = [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T lo = *lo_t.data<T>();
      const T hi = *hi_t.data<T>();
      if (!(lo < hi))
        throw_invalid("Need minval < maxval, got " + std::to_string(lo) + " >= " +
                      std::to_string(hi));
      random::FillPhiloxRandom(ctx.pool(), gen_.ReserveRandomOutputs(n), out.data<T>(), n,
                               random::UniformIntDist<T>(lo, hi), kUniformIntGroupCost);
    };
    if (lo_t.dtype() == DType::kInt32) {
      fill(TypeTag<int32_t>{});
    } else if (lo_t.dtype() == DType::kInt64) {
      fill(TypeTag<int64_t>{});
    } else {
      throw_invalid(std::string("RandomUniformInt does not support dtype ") +
                    dtype_name(lo_t.dtype()));
    }
  }
};

void shuffle_shape(InferenceContext& ic) { ic.set_output(0, ic.in_dtypes[0], ic.in_shapes[0]); }

// RandomShuffle: permutes the first dimension with TF's Fisher-Yates order of draws.
class ShuffleKernel final : public RandomKernelBase {
 public:
  using RandomKernelBase::RandomKernelBase;

  void compute(OpKernelContext& ctx) override {
    const Tensor& in = ctx.input(0);
    if (in.size() <= 1 || in.dim(0) <= 1) {
      ctx.set_output(0, in);
      return;
    }
    const int64_t rows = in.dim(0);
    random::PhiloxRandom g = gen_.ReserveSamples32(rows - 1);
    random::SingleSampleAdapter single(&g);
    std::vector<int64_t> perm(static_cast<size_t>(rows));
    std::iota(perm.begin(), perm.end(), int64_t{0});
    for (int64_t i = 0; i + 1 < rows; ++i) {
      const uint64_t left = static_cast<uint64_t>(rows - i);
      uint64_t r;
      if (left <= 0xffffffffu) {
        r = single() % static_cast<uint32_t>(left);
      } else {
        const uint64_t hi = single();
        r = ((hi << 32) | single()) % left;
      }
      std::swap(perm[i], perm[i + static_cast<int64_t>(r)]);
    }
    Tensor& out = ctx.allocate_output(0, in.dtype(), in.shape());
    const size_t row_bytes = in.bytes() / static_cast<size_t>(rows);
    const char* src = static_cast<const char*>(in.raw());
    char* dst = static_cast<char*>(out.raw());
    ctx.pool().parallel_for(rows, static_cast<double>(row_bytes) / 8 + 1,
                            [&](int64_t b, int64_t e) {
                              for (int64_t i = b; i < e; ++i)
                                std::memcpy(dst + i * row_bytes, src + perm[i] * row_bytes,
                                            row_bytes);
                            });
  }
};

}  // namespace

void register_random_ops() {
  OpRegistry& r = OpRegistry::global();
  r.add({"RandomUniform", 1, 1, 0, true, random_float_shape,
         philox_float_kernel<random::UniformDist>(kUniformGroupCost)});
  r.add({"RandomStandardNormal", 1, 1, 0, true, random_float_shape,
         philox_float_kernel<random::NormalDist>(kNormalGroupCost)});
  r.add({"TruncatedNormal", 1, 1, 0, true, random_float_shape,
         philox_float_kernel<random::TruncatedNormalDist>(kTruncatedGroupCost)});
  r.add({"RandomUniformInt", 3, 3, 0, true, random_int_shape, kernel_class<UniformIntKernel>()});
  r.add({"RandomShuffle", 1, 1, 0, true, shuffle_shape, kernel_class<ShuffleKernel>()});
}

}  // namespace pgx
