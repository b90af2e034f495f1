// Plan-time graph rewrites. After pruning, the executor describes the nodes a plan will run as
// a RewriteGraph (nodes in topological order whose inputs refer to other rewrite nodes, to fed
// values or to variables) and runs the enabled passes over it before lowering it to a Plan.
//
// Passes never modify the user's Graph: op names, get_operations() and static shapes stay as
// built. A node a pass creates (a folded constant, a fused kernel) is owned by the rewrite graph
// together with its kernel, and the plan takes both over, so they live exactly as long as the
// plan that runs them; nodes of the user's graph keep taking their kernels from the session's
// cache.
//
// Adding a pass: write `void my_pass(RewriteGraph&, const RewriteContext&)`, add a switch to
// RewriteOptions and one line to the pass table in graph_rewrite.cc. A pass replaces a node in
// place (same position, so the order stays topological), redirects uses with the helpers below,
// marks what it made redundant `removed`, and leaves unreachable nodes to the final sweep.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "pygraphx/graph.h"
#include "pygraphx/kernel.h"

namespace pgx {

class ThreadPool;

// Where one data input of a rewrite node (or one fetch) comes from.
struct RewriteInput {
  enum class Kind : uint8_t {
    kOutput,    // output `index` of rewrite node `source`
    kFeed,      // fed value number `source`
    kVariable,  // the value of the VariableV2 rewrite node `source`, read when the consumer runs
    kRef,       // a variable reference (Assign's first input): no value flows, no dependency
  };
  Kind kind = Kind::kOutput;
  int32_t source = -1;
  int32_t index = 0;

  bool operator==(const RewriteInput& o) const {
    return kind == o.kind && source == o.source && index == o.index;
  }
};

struct RewriteNode {
  const Node* node = nullptr;        // a node of the user's graph, or one owned by the plan
  std::vector<RewriteInput> inputs;  // one per node->inputs
  std::vector<int32_t> controls;     // rewrite nodes that must run first; sorted, unique
  OpKernel* kernel = nullptr;        // set for plan-owned nodes only
  bool fed_output = false;           // some output is fed: consumers read the feed instead
  bool removed = false;
};

// A node created by a pass and its kernel. The kernel refers to the node, so it is declared
// last and destroyed first.
struct OwnedNode {
  std::unique_ptr<Node> node;
  std::unique_ptr<OpKernel> kernel;
};

struct RewriteOptions {
  bool common_subexpression_elimination = true;
  bool constant_folding = true;
  bool elementwise_fusion = true;
  // Folded results larger than this stay computed at run time (4 MiB: 1M float32 elements).
  int64_t max_folded_bytes = int64_t(4) << 20;
};

// What passes may use besides the graph: the session's kernels and its intra-op pool (constant
// folding runs the ordinary kernels, with the parallelism a run would have).
struct RewriteContext {
  const RewriteOptions& options;
  const std::function<OpKernel*(const Node&)>& kernel_for;
  ThreadPool& intra;
};

class RewriteGraph {
 public:
  explicit RewriteGraph(const Graph& graph) : graph_(&graph) {}

  const Graph& graph() const { return *graph_; }

  std::vector<RewriteNode> nodes;     // topological order
  std::vector<RewriteInput> fetches;  // one per fetch: kOutput, kFeed or kVariable
  std::vector<int32_t> targets;       // rewrite nodes run for their effects

  // Takes ownership of a node made by a pass (id -1) and of its kernel, created from the node's
  // op registration unless given. Returns a RewriteNode running it, inputs left to the pass.
  RewriteNode own(std::unique_ptr<Node> node, std::unique_ptr<OpKernel> kernel = nullptr);

  // Marks removed every node that no fetch or target needs (through data or control edges).
  void remove_unreachable();

  // The owned nodes and kernels, for the plan to keep.
  std::vector<OwnedNode> take_owned() { return std::move(owned_); }

 private:
  const Graph* graph_;
  std::vector<OwnedNode> owned_;
};

// Common-subexpression elimination: of two pure nodes with the same op, the same inputs, the
// same control inputs, equal attributes and equal output types and static shapes, the later
// one is dropped and its uses (fetches included) read the earlier one.
void eliminate_common_subexpressions(RewriteGraph& g, const RewriteContext& ctx);

// Constant folding: pure single-output nodes whose inputs are all constants (Const nodes of the
// graph or folded results), with no control inputs and a fully known static shape within
// options.max_folded_bytes, are evaluated now with their ordinary kernels. A folded node still
// needed by an unfolded node, a fetch or a target is replaced by a plan-owned Const bearing its
// name and source line; the rest disappear. A node whose kernel throws is left to fail at run
// time with its own name.
void fold_constants(RewriteGraph& g, const RewriteContext& ctx);

// Elementwise fusion: a group of fusable nodes (float32/float64 elementwise ops of the fused
// kernel's table, pure, reading no variable, output not fed) in which every member but the
// root has all its data consumers inside the group and is not fetched, not a target and not a
// control input of anything, becomes one plan-owned `_FusedElementwise` node (groups of two
// or more). The fused node takes the root's position, name, source line and output, reads the
// group's external inputs, and waits for the union of the members' control inputs (delaying
// pure computations is invisible). The other members are removed.
void fuse_elementwise(RewriteGraph& g, const RewriteContext& ctx);

// Runs the passes `ctx.options` enables, in order, then drops unreachable nodes.
void rewrite_for_plan(RewriteGraph& g, const RewriteContext& ctx);

}  // namespace pgx
