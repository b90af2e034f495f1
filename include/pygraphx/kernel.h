// The kernel interface: an OpKernel is created once per (session, node) and computes the node's
// outputs from its inputs through an OpKernelContext. Kernels are stateless or internally
// synchronised, because one kernel may run concurrently in several runs of a session.
#pragma once

#include <memory>
#include <vector>

#include "pygraphx/graph.h"
#include "pygraphx/tensor.h"

namespace pgx {

class ThreadPool;
class RunState;

class OpKernelContext {
 public:
  // `inputs` and `outputs` point at num_inputs and num_outputs tensors that outlive the
  // context (the executor keeps them in its per-run scratch).
  OpKernelContext(const Node& node, Tensor* inputs, int num_inputs, Tensor* outputs,
                  int num_outputs, RunState& run)
      : node_(node),
        inputs_(inputs),
        outputs_(outputs),
        num_inputs_(num_inputs),
        num_outputs_(num_outputs),
        run_(run) {}
  OpKernelContext(const Node& node, std::vector<Tensor>& inputs, std::vector<Tensor>& outputs,
                  RunState& run)
      : OpKernelContext(node, inputs.data(), static_cast<int>(inputs.size()), outputs.data(),
                        static_cast<int>(outputs.size()), run) {}

  const Node& node() const { return node_; }
  const Attrs& attrs() const { return node_.attrs; }
  int num_inputs() const { return num_inputs_; }
  const Tensor& input(int i) const { return inputs_[i]; }
  int num_outputs() const { return num_outputs_; }

  void set_output(int i, Tensor t) { outputs_[i] = std::move(t); }
  // Allocates output i (uninitialised).
  Tensor& allocate_output(int i, DType dtype, Dims shape);
  // Output i written in place into input `in` when this run holds the only reference to that
  // input's owned buffer and dtype and element count match; otherwise a fresh allocation.
  Tensor& forward_or_allocate(int i, int in, DType dtype, Dims shape);
  Tensor& output(int i) { return outputs_[i]; }

  // The intra-op pool for parallel_for (never null; may have one thread).
  ThreadPool& pool() const;

  // Variables: `var` is the id of a VariableV2 node. Reads see this run's writes first.
  // read_variable throws FailedPrecondition when the variable is not initialised.
  Tensor read_variable(int32_t var) const;
  bool variable_initialized(int32_t var) const;
  void write_variable(int32_t var, Tensor value);
  // The variable behind ref input i (Assign's first input).
  int32_t ref_input_variable(int i) const { return node_.inputs[i].node; }

 private:
  const Node& node_;
  Tensor* inputs_;
  Tensor* outputs_;
  int num_inputs_;
  int num_outputs_;
  RunState& run_;
};

class OpKernel {
 public:
  explicit OpKernel(const Node& node) : node_(node) {}
  virtual ~OpKernel() = default;
  // Computes every output. Throws OpError (or ValueError/TypeError, reported as
  // InvalidArgument) on bad input; the executor adds the node's name and source line.
  virtual void compute(OpKernelContext& ctx) = 0;
  // Whether running this node is worth a thread hand-off, given the total element count of its
  // inputs. The default calls nodes touching at least 32K elements expensive.
  virtual bool expensive(int64_t input_elements) const { return input_elements >= (1 << 15); }

  const Node& node() const { return node_; }

 protected:
  const Node& node_;
};

// A kernel that is a plain function of its context.
using KernelFn = void (*)(OpKernelContext&);
class FnKernel final : public OpKernel {
 public:
  FnKernel(const Node& node, KernelFn fn) : OpKernel(node), fn_(fn) {}
  void compute(OpKernelContext& ctx) override { fn_(ctx); }

 private:
  KernelFn fn_;
};

// KernelFactory helpers for OpDef::kernel.
inline std::function<std::unique_ptr<OpKernel>(const Node&)> fn_kernel(KernelFn fn) {
  return [fn](const Node& n) { return std::make_unique<FnKernel>(n, fn); };
}
template <typename K>
std::function<std::unique_ptr<OpKernel>(const Node&)> kernel_class() {
  return [](const Node& n) { return std::make_unique<K>(n); };
}

}  // namespace pgx
