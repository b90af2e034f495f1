// Kernel microbenchmarks: each kernel called directly through the kernel interface (no plan, no
// executor), with 1 thread and with every core. Columns:
//   GB/s or GFLOP/s   pygraphx's rate (bytes read + written, or 2 m n k flops, per second)
//   base_...          the same work done by a plain single-threaded loop compiled in this file
//                     with the kernels' flags, writing a freshly allocated output as the
//                     kernels do (for matmul: a naive loop, only at small sizes)
//   vs_base           how many times faster than that baseline pygraphx ran
// BM_Memcpy gives the machine's copy bandwidth at each size, the ceiling for elementwise ops.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "bench_util.h"

namespace pgx {
namespace bench {
namespace {

constexpr int64_t kRowWidth = 256;  // columns of the row-broadcast case

void sizes_and_threads(benchmark::internal::Benchmark* b) {
  b->ArgsProduct({{1 << 10, 1 << 14, 1 << 16, 1 << 22}, thread_counts()})
      ->ArgNames({"n", "threads"})
      ->UseRealTime();
}

Tensor int32_vector(const std::vector<int32_t>& values) {
  Tensor t(DType::kInt32, {static_cast<int64_t>(values.size())});
  std::memcpy(t.data<int32_t>(), values.data(), values.size() * sizeof(int32_t));
  return t;
}

// ------------------------------------------------------------------------------------------
// Elementwise

enum class Ew { kAdd, kMul, kRelu, kAddScalar, kAddRow, kExp, kTanh, kSigmoid };

// The plain loops the kernels are compared with.
void plain_elementwise(Ew k, const float* a, const float* b, float* o, int64_t n) {
  switch (k) {
    case Ew::kAdd:
      for (int64_t i = 0; i < n; ++i) o[i] = a[i] + b[i];
      break;
    case Ew::kMul:
      for (int64_t i = 0; i < n; ++i) o[i] = a[i] * b[i];
      break;
    case Ew::kRelu:
      for (int64_t i = 0; i < n; ++i) o[i] = a[i] > 0.0f ? a[i] : 0.0f;
      break;
    case Ew::kAddScalar: {
      const float s = b[0];
      for (int64_t i = 0; i < n; ++i) o[i] = a[i] + s;
      break;
    }
    case Ew::kAddRow:
      for (int64_t r = 0; r < n / kRowWidth; ++r)
        for (int64_t c = 0; c < kRowWidth; ++c)
          o[r * kRowWidth + c] = a[r * kRowWidth + c] + b[c];
      break;
    case Ew::kExp:
      for (int64_t i = 0; i < n; ++i) o[i] = std::exp(a[i]);
      break;
    case Ew::kTanh:
      for (int64_t i = 0; i < n; ++i) o[i] = std::tanh(a[i]);
      break;
    case Ew::kSigmoid:
      for (int64_t i = 0; i < n; ++i) o[i] = 1.0f / (1.0f + std::exp(-a[i]));
      break;
  }
}

void BM_Elementwise(benchmark::State& state, Ew kind) {
  const int64_t n = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  Tensor a = random_tensor(kind == Ew::kAddRow ? Dims{n / kRowWidth, kRowWidth} : Dims{n}, 1);
  std::vector<Tensor> inputs{a};
  int64_t b_size = 0;
  if (kind == Ew::kAdd || kind == Ew::kMul) b_size = n;
  if (kind == Ew::kAddScalar) b_size = 1;
  if (kind == Ew::kAddRow) b_size = kRowWidth;
  Tensor b;
  if (b_size > 0) {
    b = random_tensor(kind == Ew::kAddScalar ? Dims{} : Dims{b_size}, 2);
    inputs.push_back(b);
  }
  const char* op = kind == Ew::kRelu      ? "Relu"
                   : kind == Ew::kMul     ? "Mul"
                   : kind == Ew::kExp     ? "Exp"
                   : kind == Ew::kTanh    ? "Tanh"
                   : kind == Ew::kSigmoid ? "Sigmoid"
                                          : "Add";
  KernelHarness k(op, inputs, threads);

  // Like the kernel, the baseline writes a freshly allocated output on every call.
  Tensor out;
  const double base = seconds_per_call([&] {
    out = Tensor(DType::kFloat32, a.shape());
    plain_elementwise(kind, a.data<float>(), b.valid() ? b.data<float>() : nullptr,
                      out.data<float>(), n);
    benchmark::ClobberMemory();
  });

  LoopTimer timer;
  for (auto _ : state) {
    k.run();
    benchmark::DoNotOptimize(k.output().raw());
  }
  const double bytes = static_cast<double>(n + b_size + n) * sizeof(float);
  set_rate_columns(state, "GB/s", bytes * 1e-9, timer.seconds_per_iteration(state), base);
}

BENCHMARK_CAPTURE(BM_Elementwise, add, Ew::kAdd)->Apply(sizes_and_threads);
BENCHMARK_CAPTURE(BM_Elementwise, mul, Ew::kMul)->Apply(sizes_and_threads);
BENCHMARK_CAPTURE(BM_Elementwise, relu, Ew::kRelu)->Apply(sizes_and_threads);
BENCHMARK_CAPTURE(BM_Elementwise, add_scalar, Ew::kAddScalar)->Apply(sizes_and_threads);
BENCHMARK_CAPTURE(BM_Elementwise, add_row, Ew::kAddRow)->Apply(sizes_and_threads);
BENCHMARK_CAPTURE(BM_Elementwise, exp, Ew::kExp)->Apply(sizes_and_threads);
BENCHMARK_CAPTURE(BM_Elementwise, tanh, Ew::kTanh)->Apply(sizes_and_threads);
BENCHMARK_CAPTURE(BM_Elementwise, sigmoid, Ew::kSigmoid)->Apply(sizes_and_threads);

// ------------------------------------------------------------------------------------------
// Fused elementwise: one _FusedElementwise node over X (n float32) and scalar coefficients.
//   relu_sum:  add_n([relu(X * a_i + b_i) for i in 0..4])   (the fused workload)
//   tanh_sum:  add_n([tanh(X * a_i + b_i) for i in 0..4])

constexpr int kFusedTerms = 5;

void BM_Fused(benchmark::State& state, const char* activation) {
  const int64_t n = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  std::vector<float> coef_a, coef_b;
  std::vector<Tensor> inputs{random_tensor({n}, 7)};
  for (int i = 0; i < kFusedTerms; ++i) {
    coef_a.push_back(1.0f + 0.25f * i);
    coef_b.push_back(0.5f - 0.3f * i);
    inputs.push_back(Tensor::scalar<float>(coef_a.back()));
    inputs.push_back(Tensor::scalar<float>(coef_b.back()));
  }
  // Values 0..10 are the inputs; each term appends Mul, Add and the activation.
  std::string ops;
  std::vector<int64_t> arity, operands, terms;
  int64_t next = static_cast<int64_t>(inputs.size());
  for (int i = 0; i < kFusedTerms; ++i) {
    ops += std::string("Mul Add ") + activation + " ";
    arity.insert(arity.end(), {2, 2, 1});
    operands.insert(operands.end(), {0, 1 + 2 * i, next, 2 + 2 * i, next + 1});
    terms.push_back(next + 2);
    next += 3;
  }
  ops += "AddN";
  arity.push_back(kFusedTerms);
  operands.insert(operands.end(), terms.begin(), terms.end());
  Attrs attrs;
  attrs.set("Tin", std::vector<int64_t>(inputs.size(), static_cast<int64_t>(DType::kFloat32)));
  attrs.set("ops", ops);
  attrs.set("arity", arity);
  attrs.set("operands", operands);
  attrs.set("Tout", std::vector<int64_t>(arity.size(), static_cast<int64_t>(DType::kFloat32)));
  KernelHarness k("_FusedElementwise", inputs, threads, attrs);

  const bool relu = std::string(activation) == "Relu";
  const float* x = inputs[0].data<float>();
  Tensor out;
  const double base = seconds_per_call([&] {
    out = Tensor(DType::kFloat32, {n});
    float* o = out.data<float>();
    for (int64_t j = 0; j < n; ++j) {
      float s = 0.0f;
      for (int i = 0; i < kFusedTerms; ++i) {
        const float z = x[j] * coef_a[i] + coef_b[i];
        s += relu ? (z > 0.0f ? z : 0.0f) : std::tanh(z);
      }
      o[j] = s;
    }
    benchmark::ClobberMemory();
  });

  LoopTimer timer;
  for (auto _ : state) {
    k.run();
    benchmark::DoNotOptimize(k.output().raw());
  }
  set_rate_columns(state, "GB/s", 2.0 * n * sizeof(float) * 1e-9,
                   timer.seconds_per_iteration(state), base);
}
BENCHMARK_CAPTURE(BM_Fused, relu_sum, "Relu")
    ->ArgsProduct({{1 << 14, 1 << 22}, thread_counts()})
    ->ArgNames({"n", "threads"})
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Fused, tanh_sum, "Tanh")
    ->ArgsProduct({{1 << 14, 1 << 22}, thread_counts()})
    ->ArgNames({"n", "threads"})
    ->UseRealTime();

// The copy bandwidth of the machine for n float32 (read n, write n).
void BM_Memcpy(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::vector<float> src(n, 1.0f), dst(n);
  LoopTimer timer;
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), n * sizeof(float));
    benchmark::ClobberMemory();
  }
  set_rate_columns(state, "GB/s", 2.0 * n * sizeof(float) * 1e-9,
                   timer.seconds_per_iteration(state), 0.0);
}
BENCHMARK(BM_Memcpy)->Arg(1 << 10)->Arg(1 << 16)->Arg(1 << 22)->ArgName("n")->UseRealTime();

// ------------------------------------------------------------------------------------------
// Reductions: Sum of a square float32 matrix along axis 0, axis 1 and both.

enum class Axes { k0, k1, kAll };

void plain_sum(Axes axes, const float* x, int64_t rows, int64_t cols, float* out,
               std::vector<double>& acc) {
  if (axes == Axes::k0) {
    acc.assign(cols, 0.0);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) acc[c] += x[r * cols + c];
    for (int64_t c = 0; c < cols; ++c) out[c] = static_cast<float>(acc[c]);
  } else if (axes == Axes::k1) {
    for (int64_t r = 0; r < rows; ++r) {
      double s = 0.0;
      for (int64_t c = 0; c < cols; ++c) s += x[r * cols + c];
      out[r] = static_cast<float>(s);
    }
  } else {
    double s = 0.0;
    for (int64_t i = 0; i < rows * cols; ++i) s += x[i];
    out[0] = static_cast<float>(s);
  }
}

void BM_Sum(benchmark::State& state, Axes axes) {
  const int64_t side = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  Tensor x = random_tensor({side, side}, 3);
  const std::vector<int32_t> axis_list =
      axes == Axes::k0 ? std::vector<int32_t>{0}
                       : axes == Axes::k1 ? std::vector<int32_t>{1} : std::vector<int32_t>{0, 1};
  KernelHarness k("Sum", {x, int32_vector(axis_list)}, threads);

  std::vector<float> out(side);
  std::vector<double> acc;
  const double base = seconds_per_call([&] {
        plain_sum(axes, x.data<float>(), side, side, out.data(), acc);
        benchmark::ClobberMemory();
      });

  LoopTimer timer;
  for (auto _ : state) {
    k.run();
    benchmark::DoNotOptimize(k.output().raw());
  }
  set_rate_columns(state, "GB/s", static_cast<double>(side * side) * sizeof(float) * 1e-9,
                   timer.seconds_per_iteration(state), base);
}

void sides_and_threads(benchmark::internal::Benchmark* b) {
  b->ArgsProduct({{128, 256, 2048}, thread_counts()})->ArgNames({"side", "threads"})->UseRealTime();
}
BENCHMARK_CAPTURE(BM_Sum, axis0, Axes::k0)->Apply(sides_and_threads);
BENCHMARK_CAPTURE(BM_Sum, axis1, Axes::k1)->Apply(sides_and_threads);
BENCHMARK_CAPTURE(BM_Sum, all, Axes::kAll)->Apply(sides_and_threads);

// ------------------------------------------------------------------------------------------
// Transpose of a square float32 matrix.

void BM_Transpose(benchmark::State& state) {
  const int64_t side = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  Tensor x = random_tensor({side, side}, 4);
  KernelHarness k("Transpose", {x, int32_vector({1, 0})}, threads);

  const float* in = x.data<float>();
  Tensor out;  // freshly allocated per call, as the kernel's output is
  const double base = seconds_per_call([&] {
    out = Tensor(DType::kFloat32, {side, side});
    float* o = out.data<float>();
    for (int64_t r = 0; r < side; ++r)
      for (int64_t c = 0; c < side; ++c) o[c * side + r] = in[r * side + c];
    benchmark::ClobberMemory();
  });

  LoopTimer timer;
  for (auto _ : state) {
    k.run();
    benchmark::DoNotOptimize(k.output().raw());
  }
  set_rate_columns(state, "GB/s", 2.0 * side * side * sizeof(float) * 1e-9,
                   timer.seconds_per_iteration(state), base);
}
BENCHMARK(BM_Transpose)->Apply(sides_and_threads);

// ------------------------------------------------------------------------------------------
// MatMul of two square float32 matrices (BLAS sgemm behind the kernel).

constexpr int64_t kNaiveMatmulMax = 256;  // larger naive products take seconds

void naive_matmul(const float* a, const float* b, float* c, int64_t n) {
  std::fill(c, c + n * n, 0.0f);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t p = 0; p < n; ++p) {
      const float aip = a[i * n + p];
      for (int64_t j = 0; j < n; ++j) c[i * n + j] += aip * b[p * n + j];
    }
}

void BM_MatMul(benchmark::State& state) {
  const int64_t n = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  Tensor a = random_tensor({n, n}, 5);
  Tensor b = random_tensor({n, n}, 6);
  KernelHarness k("MatMul", {a, b}, threads);

  double base = 0.0;
  if (n <= kNaiveMatmulMax) {
    std::vector<float> c(n * n);
    base = seconds_per_call([&] {
      naive_matmul(a.data<float>(), b.data<float>(), c.data(), n);
      benchmark::ClobberMemory();
    });
  }

  LoopTimer timer;
  for (auto _ : state) {
    k.run();
    benchmark::DoNotOptimize(k.output().raw());
  }
  set_rate_columns(state, "GFLOP/s", 2.0 * n * n * n * 1e-9, timer.seconds_per_iteration(state),
                   base);
}
BENCHMARK(BM_MatMul)
    ->ArgsProduct({{64, 256, 1024}, thread_counts()})
    ->ArgNames({"n", "threads"})
    ->UseRealTime();

}  // namespace
}  // namespace bench
}  // namespace pgx
