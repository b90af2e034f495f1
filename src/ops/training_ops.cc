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
// New values are never written over a value someone may read: a value committed to the
// session may at the same moment be held by a concurrent run that read it, by a NumPy array
// returned from an earlier fetch (zero-copy) or by the output of an Assign, and a committed
// Tensor is never mutated after commit (session.h); writing in place would also make a failed
// run visible. Each update writes into a buffer only it references: a fresh one, or the buffer
// of a value it replaced in an earlier run once nobody else holds that value any more
// (kernels/retired_buffers.h), so steady-state training allocates nothing. Runs without
// use_locking may race as in TF: each run commits the values it computed from what it read, the
// last commit wins, and nobody ever sees a half-written variable.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "kernels/apply_updates.h"
#include "kernels/elementwise.h"
#include "kernels/retired_buffers.h"
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

// Run time: one update of a variable and its slots. Reads the current values (checked the way
// the shape function checks shapes), hands out the buffers for the new values and stores them.
class Update {
 public:
  Update(OpKernelContext& ctx, RetiredBuffers& retired)
      : ctx_(ctx), retired_(retired), sig_(signature_of(ctx.node().type())),
        old_(sig_.names.size()) {
    old_[0] = ctx.read_variable(ctx.ref_input_variable(0));
  }

  const Tensor& var() const { return old_[0]; }

  // The current value of slot (reference input) i; FailedPrecondition when uninitialised.
  const Tensor& slot(int i) {
    old_[i] = ctx_.read_variable(ctx_.ref_input_variable(i));
    require_var_shape(old_[i], i);
    return old_[i];
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

  // The buffer the new value of reference input i is written to (never visible to anyone
  // else until store()).
  Tensor new_value(int i) { return retired_.take(i, var().dtype(), var().shape()); }

  // Writes the new value of reference input i to the run's overlay (output 0 for the variable)
  // and keeps the value it replaces for reuse by a later run.
  void store(int i, Tensor value) {
    ctx_.write_variable(ctx_.ref_input_variable(i), value);
    if (i == 0) ctx_.set_output(0, std::move(value));
    retired_.retire(i, std::move(old_[i]));
  }

 private:
  void require_var_shape(const Tensor& t, int i) const {
    if (t.shape() != var().shape())
      throw_invalid(std::string(sig_.type) + ": var and " + sig_.names[i] +
                    " do not have the same shape: var has shape " + dims_bracket(var().shape()) +
                    ", " + sig_.names[i] + " has shape " + dims_bracket(t.shape()));
  }

  OpKernelContext& ctx_;
  RetiredBuffers& retired_;
  const UpdateSignature& sig_;
  std::vector<Tensor> old_;  // current values of the reference inputs read so far
};

// Rough nanoseconds per element of each update, for parallel_for's chunking.
constexpr double kCostGradientDescent = 1.0;
constexpr double kCostMomentum = 1.5;
constexpr double kCostWithSqrt = 6.0;

void gradient_descent_update(OpKernelContext& ctx, Update& u) {
  const Tensor& grad = u.grad(2);
  Tensor out = u.new_value(0);
  visit_floating(u.var().dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T alpha = u.scalar<T>(1);
    const T* var = u.var().data<T>();
    const T* g = grad.data<T>();
    T* o = out.data<T>();
    elementwise::for_range(ctx.pool(), out.size(), kCostGradientDescent,
                           [&](int64_t b, int64_t e) {
                             apply_updates::gradient_descent<T>(e - b, var + b, g + b, alpha,
                                                                o + b);
                           });
  });
  u.store(0, std::move(out));
}

void momentum_update(OpKernelContext& ctx, Update& u) {
  const Tensor& accum = u.slot(1);
  const Tensor& grad = u.grad(3);
  const bool nesterov = ctx.attrs().get_or<bool>("use_nesterov", false);
  Tensor var_out = u.new_value(0), accum_out = u.new_value(1);
  visit_floating(u.var().dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T lr = u.scalar<T>(2), momentum = u.scalar<T>(4);
    const T *var = u.var().data<T>(), *acc = accum.data<T>(), *g = grad.data<T>();
    T *vo = var_out.data<T>(), *ao = accum_out.data<T>();
    elementwise::for_range(ctx.pool(), var_out.size(), kCostMomentum,
                           [&](int64_t b, int64_t e) {
                             apply_updates::momentum<T>(e - b, var + b, acc + b, g + b, lr,
                                                        momentum, nesterov, vo + b, ao + b);
                           });
  });
  u.store(1, std::move(accum_out));
  u.store(0, std::move(var_out));
}

void adam_update(OpKernelContext& ctx, Update& u) {
  const Tensor& m = u.slot(1);
  const Tensor& v = u.slot(2);
  const Tensor& grad = u.grad(9);
  const bool nesterov = ctx.attrs().get_or<bool>("use_nesterov", false);
  Tensor var_out = u.new_value(0), m_out = u.new_value(1), v_out = u.new_value(2);
  visit_floating(u.var().dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T beta1_power = u.scalar<T>(3), beta2_power = u.scalar<T>(4);
    const T lr = u.scalar<T>(5);
    apply_updates::AdamCoefficients<T> c;
    c.lr_t = lr * std::sqrt(T(1) - beta2_power) / (T(1) - beta1_power);
    c.beta1 = u.scalar<T>(6);
    c.beta2 = u.scalar<T>(7);
    c.epsilon = u.scalar<T>(8);
    const T *var = u.var().data<T>(), *pm = m.data<T>(), *pv = v.data<T>(),
            *g = grad.data<T>();
    T *vo = var_out.data<T>(), *mo = m_out.data<T>(), *wo = v_out.data<T>();
    elementwise::for_range(ctx.pool(), var_out.size(), kCostWithSqrt,
                           [&](int64_t b, int64_t e) {
                             apply_updates::adam<T>(e - b, var + b, pm + b, pv + b, g + b, c,
                                                    nesterov, vo + b, mo + b, wo + b);
                           });
  });
  u.store(1, std::move(m_out));
  u.store(2, std::move(v_out));
  u.store(0, std::move(var_out));
}

void rmsprop_update(OpKernelContext& ctx, Update& u) {
  const Tensor& ms = u.slot(1);
  const Tensor& mom = u.slot(2);
  const Tensor& grad = u.grad(7);
  Tensor var_out = u.new_value(0), ms_out = u.new_value(1), mom_out = u.new_value(2);
  visit_floating(u.var().dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T lr = u.scalar<T>(3), rho = u.scalar<T>(4), momentum = u.scalar<T>(5),
            epsilon = u.scalar<T>(6);
    const T *var = u.var().data<T>(), *s = ms.data<T>(), *p = mom.data<T>(),
            *g = grad.data<T>();
    T *vo = var_out.data<T>(), *so = ms_out.data<T>(), *po = mom_out.data<T>();
    elementwise::for_range(ctx.pool(), var_out.size(), kCostWithSqrt,
                           [&](int64_t b, int64_t e) {
                             apply_updates::rmsprop<T>(e - b, var + b, s + b, p + b, g + b, lr,
                                                       rho, momentum, epsilon, vo + b, so + b,
                                                       po + b);
                           });
  });
  u.store(1, std::move(ms_out));
  u.store(2, std::move(mom_out));
  u.store(0, std::move(var_out));
}

void centered_rmsprop_update(OpKernelContext& ctx, Update& u) {
  const Tensor& mg = u.slot(1);
  const Tensor& ms = u.slot(2);
  const Tensor& mom = u.slot(3);
  const Tensor& grad = u.grad(8);
  Tensor var_out = u.new_value(0), mg_out = u.new_value(1), ms_out = u.new_value(2),
         mom_out = u.new_value(3);
  visit_floating(u.var().dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T lr = u.scalar<T>(4), rho = u.scalar<T>(5), momentum = u.scalar<T>(6),
            epsilon = u.scalar<T>(7);
    const T *var = u.var().data<T>(), *pg = mg.data<T>(), *s = ms.data<T>(),
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
  u.store(1, std::move(mg_out));
  u.store(2, std::move(ms_out));
  u.store(3, std::move(mom_out));
  u.store(0, std::move(var_out));
}

void adagrad_update(OpKernelContext& ctx, Update& u) {
  const Tensor& accum = u.slot(1);
  const Tensor& grad = u.grad(3);
  const bool update_slots = ctx.attrs().get_or<bool>("update_slots", true);
  Tensor var_out = u.new_value(0);
  Tensor accum_out = update_slots ? u.new_value(1) : Tensor();
  visit_floating(u.var().dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T lr = u.scalar<T>(2);
    const T *var = u.var().data<T>(), *acc = accum.data<T>(), *g = grad.data<T>();
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
  if (update_slots) u.store(1, std::move(accum_out));
  u.store(0, std::move(var_out));
}

using UpdateFn = void (*)(OpKernelContext&, Update&);

// One kernel per update node: the update rule and the buffers of the values it replaced.
class UpdateKernel final : public OpKernel {
 public:
  UpdateKernel(const Node& node, UpdateFn fn)
      : OpKernel(node), fn_(fn), retired_(static_cast<int>(node.inputs.size())) {}

  void compute(OpKernelContext& ctx) override {
    Update u(ctx, retired_);
    fn_(ctx, u);
  }

 private:
  UpdateFn fn_;
  RetiredBuffers retired_;
};

void add_update_op(OpRegistry& r, const char* type, UpdateFn fn) {
  const UpdateSignature& sig = signature_of(type);
  const int n = static_cast<int>(sig.names.size());
  r.add({type, n, n, ref_mask(sig), true, update_shape,
         [fn](const Node& node) { return std::make_unique<UpdateKernel>(node, fn); }});
}

}  // namespace

void register_training_ops() {
  OpRegistry& r = OpRegistry::global();
  add_update_op(r, "ApplyGradientDescent", gradient_descent_update);
  add_update_op(r, "ApplyMomentum", momentum_update);
  add_update_op(r, "ApplyAdam", adam_update);
  add_update_op(r, "ApplyRMSProp", rmsprop_update);
  add_update_op(r, "ApplyCenteredRMSProp", centered_rmsprop_update);
  add_update_op(r, "ApplyAdagrad", adagrad_update);
}

}  // namespace pgx
