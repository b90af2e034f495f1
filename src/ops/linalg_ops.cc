// Linear algebra ops: MatMul (rank 2), BatchMatMulV2 (batched, broadcasting batch dimensions)
// and MatrixInverse (square matrices and batches of them). Float types run on OpenBLAS and
// LAPACK; shapes are checked at build time when known and again at run time.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/blas.h"
#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"
#include "pygraphx/thread_pool.h"
#include "shape_helpers.h"

namespace pgx {

namespace {

// TF's shape-error format: "<message> for '<node>' (op: '<type>') with input shapes: [2,3]."
[[noreturn]] void fail_with_shapes(const InferenceContext& ic, const std::string& message) {
  std::string shapes;
  for (int i = 0; i < ic.num_inputs(); ++i) {
    if (i) shapes += ", ";
    shapes += ic.in_shapes[i].rank_known() ? ic.in_shapes[i].bracket_str() : "?";
  }
  throw ValueError(message + " for '" + ic.node_name + "' (op: '" + ic.op_type +
                   "') with input shapes: " + shapes + ".");
}

DType matmul_dtype(const InferenceContext& ic) {
  const DType a = ic.in_dtypes[0], b = ic.in_dtypes[1];
  if (a == DType::kBool)
    throw TypeError(
        "Value passed to parameter 'a' has DataType bool not in list of allowed values: "
        "float32, float64, int32, int64");
  if (a != b)
    throw TypeError(std::string("Input 'b' of '") + ic.op_type + "' Op has type " +
                    dtype_name(b) + " that does not match type " + dtype_name(a) +
                    " of argument 'a'.");
  return a;
}

void check_inner(const InferenceContext& ic, int64_t ka, int64_t kb) {
  if (ka >= 0 && kb >= 0 && ka != kb)
    fail_with_shapes(ic, "Dimensions must be equal, but are " + std::to_string(ka) + " and " +
                             std::to_string(kb));
}

void matmul_shape(InferenceContext& ic) {
  const DType t = matmul_dtype(ic);
  const bool ta = ic.attrs.get_or<bool>("transpose_a", false);
  const bool tb = ic.attrs.get_or<bool>("transpose_b", false);
  const PartialShape& a = ic.in_shapes[0];
  const PartialShape& b = ic.in_shapes[1];
  for (const PartialShape* s : {&a, &b})
    if (s->rank_known() && s->rank() != 2)
      fail_with_shapes(ic, "Shape must be rank 2 but is rank " + std::to_string(s->rank()));
  const int64_t m = a.rank_known() ? a.dim(ta ? 1 : 0) : -1;
  const int64_t ka = a.rank_known() ? a.dim(ta ? 0 : 1) : -1;
  const int64_t kb = b.rank_known() ? b.dim(tb ? 1 : 0) : -1;
  const int64_t n = b.rank_known() ? b.dim(tb ? 0 : 1) : -1;
  check_inner(ic, ka, kb);
  ic.set_output(0, t, PartialShape(Dims{m, n}));
}

[[noreturn]] void size_incompatible(const Tensor& a, const Tensor& b) {
  throw_invalid("Matrix size-incompatible: In[0]: " + dims_bracket(a.shape()) +
                ", In[1]: " + dims_bracket(b.shape()));
}

// Matrix products are worth a thread hand-off much earlier than elementwise ops: their work
// grows with the 1.5th power of the input size.
class MatMulKernel final : public OpKernel {
 public:
  explicit MatMulKernel(const Node& n)
      : OpKernel(n),
        ta_(n.attrs.get_or<bool>("transpose_a", false)),
        tb_(n.attrs.get_or<bool>("transpose_b", false)) {}

  bool expensive(int64_t input_elements) const override { return input_elements >= 4096; }

  void compute(OpKernelContext& ctx) override {
    const Tensor& a = ctx.input(0);
    const Tensor& b = ctx.input(1);
    if (a.rank() != 2 || b.rank() != 2)
      throw_invalid("In[0] and In[1] must be matrices, got shapes " + dims_bracket(a.shape()) +
                    " and " + dims_bracket(b.shape()));
    const int64_t m = a.dim(ta_ ? 1 : 0), k = a.dim(ta_ ? 0 : 1);
    const int64_t n = b.dim(tb_ ? 0 : 1);
    if (k != b.dim(tb_ ? 1 : 0)) size_incompatible(a, b);
    Tensor& out = ctx.allocate_output(0, a.dtype(), {m, n});
    gemm(ctx.pool(), a.dtype(), ta_, tb_, m, n, k, a.raw(), b.raw(), out.raw());
  }

 private:
  bool ta_, tb_;
};

void batch_matmul_shape(InferenceContext& ic) {
  const DType t = matmul_dtype(ic);
  const PartialShape& a = ic.in_shapes[0];
  const PartialShape& b = ic.in_shapes[1];
  for (const PartialShape* s : {&a, &b})
    if (s->rank_known() && s->rank() < 2)
      fail_with_shapes(ic, "Shape must be at least rank 2 but is rank " +
                               std::to_string(s->rank()));
  if (!a.rank_known() || !b.rank_known()) {
    ic.set_output(0, t, PartialShape::unknown());
    return;
  }
  const bool ax = ic.attrs.get_or<bool>("adj_x", false);
  const bool ay = ic.attrs.get_or<bool>("adj_y", false);
  const int ra = a.rank(), rb = b.rank();
  const int64_t m = a.dim(ax ? ra - 1 : ra - 2), ka = a.dim(ax ? ra - 2 : ra - 1);
  const int64_t kb = b.dim(ay ? rb - 1 : rb - 2), n = b.dim(ay ? rb - 2 : rb - 1);
  const int nb = std::max(ra, rb) - 2;
  Dims out(nb);
  for (int i = 0; i < nb; ++i) {
    const int ia = ra - 2 - nb + i, ib = rb - 2 - nb + i;
    const int64_t da = ia >= 0 ? a.dim(ia) : 1, db = ib >= 0 ? b.dim(ib) : 1;
    if (da == 1 || da == db) {
      out[i] = db;
    } else if (db == 1) {
      out[i] = da;
    } else if (da < 0 || db < 0) {
      out[i] = da < 0 ? db : da;
    } else {
      fail_with_shapes(ic, "Dimensions must be equal, but are " + std::to_string(da) +
                               " and " + std::to_string(db));
    }
  }
  check_inner(ic, ka, kb);
  out.push_back(m);
  out.push_back(n);
  ic.set_output(0, t, PartialShape(out));
}

class BatchMatMulKernel final : public OpKernel {
 public:
  explicit BatchMatMulKernel(const Node& n)
      : OpKernel(n),
        ax_(n.attrs.get_or<bool>("adj_x", false)),
        ay_(n.attrs.get_or<bool>("adj_y", false)) {}

  bool expensive(int64_t input_elements) const override { return input_elements >= 4096; }

  void compute(OpKernelContext& ctx) override {
    const Tensor& a = ctx.input(0);
    const Tensor& b = ctx.input(1);
    const int ra = a.rank(), rb = b.rank();
    if (ra < 2 || rb < 2)
      throw_invalid("In[0] and In[1] must have rank at least 2, got shapes " +
                    dims_bracket(a.shape()) + " and " + dims_bracket(b.shape()));
    const int64_t m = a.dim(ax_ ? ra - 1 : ra - 2), k = a.dim(ax_ ? ra - 2 : ra - 1);
    const int64_t n = b.dim(ay_ ? rb - 2 : rb - 1);
    if (k != b.dim(ay_ ? rb - 1 : rb - 2)) size_incompatible(a, b);
    // Broadcast batch dimensions; strides of 0 repeat a matrix.
    const int nb = std::max(ra, rb) - 2;
    Dims out_shape(nb), sa(nb), sb(nb);
    int64_t stride_a = 1, stride_b = 1;
    for (int i = nb - 1; i >= 0; --i) {
      const int ia = ra - 2 - nb + i, ib = rb - 2 - nb + i;
      const int64_t da = ia >= 0 ? a.dim(ia) : 1, db = ib >= 0 ? b.dim(ib) : 1;
      if (da != db && da != 1 && db != 1)
        throw_invalid("In[0] and In[1] must have compatible batch dimensions: " +
                      dims_bracket(a.shape()) + " vs. " + dims_bracket(b.shape()));
      out_shape[i] = da == 1 ? db : da;
      sa[i] = da == 1 ? 0 : stride_a;
      sb[i] = db == 1 ? 0 : stride_b;
      stride_a *= da;
      stride_b *= db;
    }
    const int64_t batches = num_elements(out_shape);
    out_shape.push_back(m);
    out_shape.push_back(n);
    Tensor& out = ctx.allocate_output(0, a.dtype(), out_shape);
    const size_t es = dtype_size(a.dtype());
    const char* pa = static_cast<const char*>(a.raw());
    const char* pb = static_cast<const char*>(b.raw());
    char* pc = static_cast<char*>(out.raw());
    const int64_t a_mat = m * k, b_mat = k * n, c_mat = m * n;
    ThreadPool& pool = ctx.pool();
    // Many matrices: one BLAS thread per pool chunk; a single one: BLAS gets the pool's width.
    pool.parallel_for(batches, static_cast<double>(m * n * std::max<int64_t>(k, 1)),
                      [&](int64_t lo, int64_t hi) {
                        for (int64_t i = lo; i < hi; ++i) {
                          int64_t rem = i, ia = 0, ib = 0;
                          for (int d = nb - 1; d >= 0; --d) {
                            const int64_t idx = rem % out_shape[d];
                            rem /= out_shape[d];
                            ia += idx * sa[d];
                            ib += idx * sb[d];
                          }
                          gemm(pool, a.dtype(), ax_, ay_, m, n, k, pa + ia * a_mat * es,
                               pb + ib * b_mat * es, pc + i * c_mat * es);
                        }
                      });
  }

 private:
  bool ax_, ay_;
};

void matrix_inverse_shape(InferenceContext& ic) {
  const DType t = ic.in_dtypes[0];
  if (t != DType::kFloat32 && t != DType::kFloat64)
    throw TypeError(std::string("Value passed to parameter 'input' has DataType ") +
                    dtype_name(t) + " not in list of allowed values: float32, float64");
  const PartialShape& s = ic.in_shapes[0];
  if (!s.rank_known()) {
    ic.set_output(0, t, PartialShape::unknown());
    return;
  }
  const int r = s.rank();
  if (r < 2) fail_with_shapes(ic, "Shape must be at least rank 2 but is rank " +
                                      std::to_string(r));
  const int64_t rows = s.dim(r - 2), cols = s.dim(r - 1);
  if (rows >= 0 && cols >= 0 && rows != cols)
    fail_with_shapes(ic, "Dimensions must be equal, but are " + std::to_string(rows) +
                             " and " + std::to_string(cols));
  Dims out = s.dims();
  out[r - 2] = out[r - 1] = rows >= 0 ? rows : cols;
  ic.set_output(0, t, PartialShape(out));
}

void matrix_inverse_kernel(OpKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const int r = in.rank();
  if (r < 2) throw_invalid("Input must have rank >= 2, got " + dims_bracket(in.shape()));
  const int64_t n = in.dim(r - 1);
  if (in.dim(r - 2) != n) throw_invalid("Input matrix must be square.");
  const bool adjoint = ctx.attrs().get_or<bool>("adjoint", false);
  Tensor& out = ctx.forward_or_allocate(0, 0, in.dtype(), in.shape());
  if (out.raw() != in.raw() && in.bytes() > 0) std::memcpy(out.raw(), in.raw(), in.bytes());
  const int64_t batches = n == 0 ? 0 : in.size() / (n * n);
  const size_t es = dtype_size(in.dtype());
  char* base = static_cast<char*>(out.raw());
  std::vector<char> singular(static_cast<size_t>(batches), 0);
  ctx.pool().parallel_for(batches, static_cast<double>(n * n * n), [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      char* mat = base + i * n * n * es;
      if (adjoint) {  // inv(M^T): transpose in place first (real types: adjoint = transpose)
        for (int64_t p = 0; p < n; ++p)
          for (int64_t q = p + 1; q < n; ++q) {
            char tmp[8];
            std::memcpy(tmp, mat + (p * n + q) * es, es);
            std::memcpy(mat + (p * n + q) * es, mat + (q * n + p) * es, es);
            std::memcpy(mat + (q * n + p) * es, tmp, es);
          }
      }
      singular[i] = invert_in_place(in.dtype(), mat, n) ? 0 : 1;
    }
  });
  for (char s : singular)
    if (s) throw_invalid("Input is not invertible.");
}

}  // namespace

void register_linalg_ops() {
  OpRegistry& r = OpRegistry::global();
  r.add(pure({"MatMul", 2, 2, 0, false, matmul_shape, kernel_class<MatMulKernel>()}));
  r.add(pure({"BatchMatMulV2", 2, 2, 0, false, batch_matmul_shape,
              kernel_class<BatchMatMulKernel>()}));
  r.add(pure({"MatrixInverse", 1, 1, 0, false, matrix_inverse_shape,
              fn_kernel(matrix_inverse_kernel)}));
}

}  // namespace pgx
