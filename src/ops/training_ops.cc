// The optimizer update ops, with TF's names, input order and attributes:
//   ApplyGradientDescent(var, alpha, delta)
//   ApplyMomentum(var, accum, lr, grad, momentum; use_locking, use_nesterov)
//   ApplyAdam(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad;
//             use_locking, use_nesterov)
//   ApplyRMSProp(var, ms, mom, lr, rho, momentum, epsilon, grad; use_locking)
//   ApplyCenteredRMSProp(var, mg, ms, mom, lr, rho, momentum, epsilon, grad; use_locking)
//   ApplyAdagrad(var, accum, lr, grad; use_locking, update_slots)
// The variable and its slots are references; every other input is a value. Each op reads the
// current values, computes the new variable and slots in one fused pass (kernels/
// apply_updates.cc) and writes them to the run's overlay, committed only if the run succeeds.
// Output 0 is the updated variable, as for Assign.
//
// New values always go to fresh buffers. Updating in place is never safe here: a value
// committed to the session may at the same moment be held by a concurrent run that read it, by a
// NumPy array returned from an earlier fetch (zero-copy) or by the output of an Assign, and a
// committed Tensor is never mutated after commit (session.h). Runs without use_locking may
// race as in TF: each run commits the values it computed from what it read, the last commit
// wins, and nobody ever sees a half-written variable.
#include <cmath>
#include <string>
#include <vector>

#include "kernels/apply_updates.h"
#include "kernels/elementwise.h"
#include "pygraphx/kernel.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"
#include "shape_helpers.h"

namespace pgx {

namespace {

// What each input of an update op is.
enum class Role { kRef, kScalar, kGrad };

struct UpdateSignature {
  const char* type;
  std::vector<const char*> names;  // TF's input names, in TF's order
  std::vector<Role> roles;
};

const std::vector<UpdateSignature>& signatures() {
  using R = Role;
  static const std::vector<UpdateSignature> sigs = {
      {"ApplyGradientDescent", {"var", "alpha", "delta"}, {R::kRef, R::kScalar, R::kGrad}},
      {"ApplyMomentum",
       {"var", "accum", "lr", "grad", "momentum"},
       {R::kRef, R::kRef, R::kScalar, R::kGrad, R::kScalar}},
      {"ApplyAdam",
       {"var", "m", "v", "beta1_power", "beta2_power", "lr", "beta1", "beta2", "epsilon", "grad"},
       {R::kRef, R::kRef, R::kRef, R::kScalar, R::kScalar, R::kScalar, R::kScalar, R::kScalar,
        R::kScalar, R::kGrad}},
      {"ApplyRMSProp",
       {"var", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad"},
       {R::kRef, R::kRef, R::kRef, R::kScalar, R::kScalar, R::kScalar, R::kScalar, R::kGrad}},
      {"ApplyCenteredRMSProp",
       {"var", "mg", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad"},
       {R::kRef, R::kRef, R::kRef, R::kRef, R::kScalar, R::kScalar, R::kScalar, R::kScalar,
        R::kGrad}},
      {"ApplyAdagrad", {"var", "accum", "lr", "grad"}, {R::kRef, R::kRef, R::kScalar, R::kGrad}},
  };
  return sigs;
}

const UpdateSignature& signature_of(const std::string& type) {
  for (const UpdateSignature& s : signatures())
    if (type == s.type) return s;
  throw_internal("no update signature for op " + type);
}

uint32_t ref_mask(const UpdateSignature& s) {
  uint32_t mask = 0;
  for (size_t i = 0; i < s.roles.size(); ++i)
    if (s.roles[i] == Role::kRef) mask |= 1u << i;
  return mask;
}

// Build time: one floating dtype for every input; the variable, its slots and the gradient
// of one shape; every hyperparameter a scalar. Output 0 is the variable.
void update_shape(InferenceContext& ic) {
  const UpdateSignature& sig = signature_of(ic.op_type);
  const DType t = ic.in_dtypes[0];
  if (t != DType::kFloat32 && t != DType::kFloat64)
    ic.fail(std::string("var must be float32 or float64, got ") + dtype_name(t));
  for (int i = 1; i < ic.num_inputs(); ++i)
    if (ic.in_dtypes[i] != t)
      ic.fail(std::string("input ") + sig.names[i] + " has dtype " + dtype_name(ic.in_dtypes[i]) +
              " but var has dtype " + dtype_name(t));
  PartialShape merged = ic.in_shapes[0];
  for (int i = 1; i < ic.num_inputs(); ++i) {
    const PartialShape& s = ic.in_shapes[i];
    if (sig.roles[i] == Role::kScalar) {
      if (s.rank_known() && s.rank() != 0)
        ic.fail(std::string("Shape must be rank 0 but is rank ") + std::to_string(s.rank()) +
                " for input " + sig.names[i]);
      continue;
    }
    if (!merged.compatible_with(s))
      ic.fail(std::string("var and ") + sig.names[i] + " must have the same shape, but are " +
              merged.bracket_str() + " and " + s.bracket_str());
    merged = merged.merge_with(s);
  }
  ic.set_output(0, t, merged);
}

// Run time: the values an update reads, checked the way the shape function checks shapes.
class UpdateArgs {
 public:
  explicit UpdateArgs(OpKernelContext& ctx)
      : ctx_(ctx), sig_(signature_of(ctx.node().type())), var_(ctx.read_variable(var_id())) {}

  int32_t var_id() const { return ctx_.ref_input_variable(0); }
  const Tensor& var() const { return var_; }

  // The current value of slot (reference input) i; FailedPrecondition when uninitialised.
  Tensor slot(int i) const {
    Tensor t = ctx_.read_variable(ctx_.ref_input_variable(i));
    require_var_shape(t, i);
    return t;
  }

  const Tensor& grad(int i) const {
    const Tensor& g = ctx_.input(i);
    require_var_shape(g, i);
    return g;
  }

  template <typename T>
  T scalar(int i) const {
    const Tensor& s = ctx_.input(i);
    if (s.rank() != 0)
      throw_invalid(std::string(sig_.type) + ": " + sig_.names[i] + " is not a scalar: " +
                    dims_bracket(s.shape()));
    return *s.data<T>();
  }

  // A fresh buffer for a new value of the variable or a slot.
  Tensor fresh() const { return Tensor(var_.dtype(), var_.shape()); }

 private:
  void require_var_shape(const Tensor& t, int i) const {
    if (t.shape() != var_.shape())
      throw_invalid(std::string(sig_.type) + ": var and " + sig_.names[i] +
                    " do not have the same shape: var has shape " + dims_bracket(var_.shape()) +
                    ", " + sig_.names[i] + " has shape " + dims_bracket(t.shape()));
  }

  OpKernelContext& ctx_;
  const UpdateSignature& sig_;
  Tensor var_;
};

// Rough nanoseconds per element of each update, for parallel_for's chunking.
constexpr double kCostGradientDescent = 1.0;
constexpr double kCostMomentum = 1.5;
constexpr double kCostWithSqrt = 6.0;

// Commits the new variable value (and makes it output 0).
void finish(OpKernelContext& ctx, const UpdateArgs& args, Tensor var_out) {
  ctx.write_variable(args.var_id(), var_out);
  ctx.set_output(0, std::move(var_out));
}

void gradient_descent_kernel(OpKernelContext& ctx) {
  UpdateArgs a(ctx);
  const Tensor& grad = a.grad(2);
  Tensor out = a.fresh();
  visit_floating(a.var().dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T alpha = a.scalar<T>(1);
    const T* var = a.var().data<T>();
    const T* g = grad.data<T>();
    T* o = out.data<T>();
    elementwise::for_range(ctx.pool(), out.size(), kCostGradientDescent,
                           [&](int64_t b, int64_t e) {
                             apply_updates::gradient_descent<T>(e - b, var + b, g + b, alpha,
                                                                o + b);
                           });
  });
  finish(ctx, a, std::move(out));
}

void momentum_kernel(OpKernelContext& ctx) {
  UpdateArgs a(ctx);
  const Tensor accum = a.slot(1);
  const Tensor& grad = a.grad(3);
  const bool nesterov = ctx.attrs().get_or<bool>("use_nesterov", false);
  Tensor var_out = a.fresh(), accum_out = a.fresh();
  visit_floating(a.var().dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T lr = a.scalar<T>(2), momentum = a.scalar<T>(4);
    const T *var = a.var().data<T>(), *acc = accum.data<T>(), *g = grad.data<T>();
    T *vo = var_out.data<T>(), *ao = accum_out.data<T>();
    elementwise::for_range(ctx.pool(), var_out.size(), kCostMomentum,
                           [&](int64_t b, int64_t e) {
                             apply_updates::momentum<T>(e - b, var + b, acc + b, g + b, lr,
                                                        momentum, nesterov, vo + b, ao + b);
                           });
  });
  ctx.write_variable(ctx.ref_input_variable(1), std::move(accum_out));
  finish(ctx, a, std::move(var_out));
}

void adam_kernel(OpKernelContext& ctx) {
  UpdateArgs a(ctx);
  const Tensor m = a.slot(1), v = a.slot(2);
  const Tensor& grad = a.grad(9);
  const bool nesterov = ctx.attrs().get_or<bool>("use_nesterov", false);
  Tensor var_out = a.fresh(), m_out = a.fresh(), v_out = a.fresh();
  visit_floating(a.var().dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T beta1_power = a.scalar<T>(3), beta2_power = a.scalar<T>(4);
    const T lr = a.scalar<T>(5);
    apply_updates::AdamCoefficients<T> c;
    c.lr_t = lr * std::sqrt(T(1) - beta2_power) / (T(1) - beta1_power);
    c.beta1 = a.scalar<T>(6);
    c.beta2 = a.scalar<T>(7);
    c.epsilon = a.scalar<T>(8);
    const T *var = a.var().data<T>(), *pm = m.data<T>(), *pv = v.data<T>(),
            *g = grad.data<T>();
    T *vo = var_out.data<T>(), *mo = m_out.data<T>(), *wo = v_out.data<T>();
    elementwise::for_range(ctx.pool(), var_out.size(), kCostWithSqrt,
                           [&](int64_t b, int64_t e) {
                             apply_updates::adam<T>(e - b, var + b, pm + b, pv + b, g + b, c,
                                                    nesterov, vo + b, mo + b, wo + b);
                           });
  });
  ctx.write_variable(ctx.ref_input_variable(1), std::move(m_out));
  ctx.write_variable(ctx.ref_input_variable(2), std::move(v_out));
  finish(ctx, a, std::move(var_out));
}

void rmsprop_kernel(OpKernelContext& ctx) {
  UpdateArgs a(ctx);
  const Tensor ms = a.slot(1), mom = a.slot(2);
  const Tensor& grad = a.grad(7);
  Tensor var_out = a.fresh(), ms_out = a.fresh(), mom_out = a.fresh();
  visit_floating(a.var().dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T lr = a.scalar<T>(3), rho = a.scalar<T>(4), momentum = a.scalar<T>(5),
            epsilon = a.scalar<T>(6);
    const T *var = a.var().data<T>(), *s = ms.data<T>(), *p = mom.data<T>(),
            *g = grad.data<T>();
    T *vo = var_out.data<T>(), *so = ms_out.data<T>(), *po = mom_out.data<T>();
    elementwise::for_range(ctx.pool(), var_out.size(), kCostWithSqrt,
                           [&](int64_t b, int64_t e) {
                             apply_updates::rmsprop<T>(e - b, var + b, s + b, p + b, g + b, lr,
                                                       rho, momentum, epsilon, vo + b, so + b,
                                                       po + b);
                           });
  });
  ctx.write_variable(ctx.ref_input_variable(1), std::move(ms_out));
  ctx.write_variable(ctx.ref_input_variable(2), std::move(mom_out));
  finish(ctx, a, std::move(var_out));
}

void centered_rmsprop_kernel(OpKernelContext& ctx) {
  UpdateArgs a(ctx);
  const Tensor mg = a.slot(1), ms = a.slot(2), mom = a.slot(3);
  const Tensor& grad = a.grad(8);
  Tensor var_out = a.fresh(), mg_out = a.fresh(), ms_out = a.fresh(), mom_out = a.fresh();
  visit_floating(a.var().dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T lr = a.scalar<T>(4), rho = a.scalar<T>(5), momentum = a.scalar<T>(6),
            epsilon = a.scalar<T>(7);
    const T *var = a.var().data<T>(), *pg = mg.data<T>(), *s = ms.data<T>(),
            *p = mom.data<T>(), *g = grad.data<T>();
    T *vo = var_out.data<T>(), *go = mg_out.data<T>(), *so = ms_out.data<T>(),
      *po = mom_out.data<T>();
    elementwise::for_range(ctx.pool(), var_out.size(), kCostWithSqrt,
                           [&](int64_t b, int64_t e) {
                             apply_updates::centered_rmsprop<T>(
                                 e - b, var + b, pg + b, s + b, p + b, g + b, lr, rho, momentum,
                                 epsilon, vo + b, go + b, so + b, po + b);
                           });
  });
  ctx.write_variable(ctx.ref_input_variable(1), std::move(mg_out));
  ctx.write_variable(ctx.ref_input_variable(2), std::move(ms_out));
  ctx.write_variable(ctx.ref_input_variable(3), std::move(mom_out));
  finish(ctx, a, std::move(var_out));
}

void adagrad_kernel(OpKernelContext& ctx) {
  UpdateArgs a(ctx);
  const Tensor accum = a.slot(1);
  const Tensor& grad = a.grad(3);
  const bool update_slots = ctx.attrs().get_or<bool>("update_slots", true);
  Tensor var_out = a.fresh();
  Tensor accum_out = update_slots ? a.fresh() : Tensor();
  visit_floating(a.var().dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T lr = a.scalar<T>(2);
    const T *var = a.var().data<T>(), *acc = accum.data<T>(), *g = grad.data<T>();
    T* vo = var_out.data<T>();
    T* ao = update_slots ? accum_out.data<T>() : nullptr;
    elementwise::for_range(ctx.pool(), var_out.size(), kCostWithSqrt,
                           [&](int64_t b, int64_t e) {
                             if (update_slots)
                               apply_updates::adagrad<T>(e - b, var + b, acc + b, g + b, lr,
                                                         vo + b, ao + b);
                             else
                               apply_updates::adagrad_fixed_accum<T>(e - b, var + b, acc + b,
                                                                     g + b, lr, vo + b);
                           });
  });
  if (update_slots) ctx.write_variable(ctx.ref_input_variable(1), std::move(accum_out));
  finish(ctx, a, std::move(var_out));
}

void add_update_op(OpRegistry& r, const char* type, KernelFn kernel) {
  const UpdateSignature& sig = signature_of(type);
  const int n = static_cast<int>(sig.names.size());
  r.add({type, n, n, ref_mask(sig), true, update_shape, fn_kernel(kernel)});
}

}  // namespace

void register_training_ops() {
  OpRegistry& r = OpRegistry::global();
  add_update_op(r, "ApplyGradientDescent", gradient_descent_kernel);
  add_update_op(r, "ApplyMomentum", momentum_kernel);
  add_update_op(r, "ApplyAdam", adam_kernel);
  add_update_op(r, "ApplyRMSProp", rmsprop_kernel);
  add_update_op(r, "ApplyCenteredRMSProp", centered_rmsprop_kernel);
  add_update_op(r, "ApplyAdagrad", adagrad_kernel);
}

}  // namespace pgx
