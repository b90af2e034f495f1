// One registration per op type: arity, which inputs are variable references, statefulness,
// the build-time shape function and the kernel factory.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "pygraphx/attr.h"
#include "pygraphx/shape.h"
#include "pygraphx/tensor.h"

namespace pgx {

struct Node;
class OpKernel;

// What a shape function sees: the node's attributes and, per input, its dtype, static shape
// and (when the input is produced by a Const node) its constant value.
struct InferenceContext {
  const Attrs& attrs;
  const std::string& node_name;
  const std::string& op_type;
  std::vector<DType> in_dtypes;
  std::vector<PartialShape> in_shapes;
  std::vector<const Tensor*> in_values;  // nullptr when not a constant
  std::vector<DType> out_dtypes;         // to be filled
  std::vector<PartialShape> out_shapes;  // to be filled

  int num_inputs() const { return static_cast<int>(in_dtypes.size()); }
  void set_output(int i, DType t, PartialShape s);
  // ValueError prefixed with the op type and node name, the way TF reports shape errors.
  [[noreturn]] void fail(const std::string& message) const;
};

using ShapeFn = std::function<void(InferenceContext&)>;
using KernelFactory = std::function<std::unique_ptr<OpKernel>(const Node&)>;

struct OpDef {
  std::string type;
  int min_inputs = 0;
  int max_inputs = 0;  // -1: unbounded
  // Bit i set: input i is a reference to a variable (Assign's first input). The executor passes
  // the variable's identity, never reads its value for that edge.
  uint32_t ref_inputs = 0;
  // Stateful ops (variables, random, assignment) have effects or results beyond a function of
  // their inputs.
  bool stateful = false;
  ShapeFn shape_fn;
  KernelFactory kernel;
  // Whether the op moves or produces string tensors (DType::kString). Graph::add_node refuses a
  // string input or output of any other op with a TypeError, so numeric kernels never see one.
  bool accepts_strings = false;
  // A pure op computes its outputs deterministically from its inputs and attributes alone, with
  // no effect on anything else: plan-time rewrites may evaluate it once for equal inputs
  // (common-subexpression elimination) or ahead of time for constant inputs (constant folding).
  // Off unless a registration opts in with pure(); never set together with `stateful`.
  bool pure = false;
};

// `def` marked pure, for registrations: r.add(pure({"Add", 2, 2, ...})).
inline OpDef pure(OpDef def) {
  def.pure = true;
  return def;
}

class OpRegistry {
 public:
  static OpRegistry& global();
  void add(OpDef def);
  const OpDef* find(const std::string& type) const;
  std::vector<std::string> types() const;

 private:
  std::unordered_map<std::string, std::unique_ptr<OpDef>> defs_;
};

// Every op family registers itself from one explicit list (src/ops/all_ops.cc), because
// linkers drop unreferenced static registrars.
void register_all_ops();

}  // namespace pgx
