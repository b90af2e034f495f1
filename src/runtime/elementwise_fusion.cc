// The elementwise fusion pass: groups of float elementwise nodes whose intermediates nobody else
// reads become one `_FusedElementwise` node, evaluated in one pass over memory.
#include <algorithm>
#include <queue>
#include <string>
#include <vector>

#include "kernels/fused_program.h"
#include "pygraphx/graph_rewrite.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"

namespace pgx {

namespace {

using Kind = RewriteInput::Kind;

// The dtype of data input k of a node of the user's graph.
DType input_dtype(const Graph& graph, const Node& n, size_t k) {
  const Endpoint& e = n.inputs[k];
  return graph.node(e.node).out_dtypes[e.index];
}

// Whether a rewrite node can become an instruction of a fused program: a pure, single-output
// elementwise op of the user's graph on float32/float64 whose inputs are values (node outputs
// or feeds, never variables read at run time), with an output nobody feeds.
bool fusable(const RewriteGraph& g, const RewriteNode& rn) {
  if (rn.removed || rn.kernel || rn.fed_output) return false;
  const Node& n = *rn.node;
  if (!n.def->pure || n.num_outputs() != 1 || n.inputs.empty()) return false;
  if (rn.inputs.size() != n.inputs.size()) return false;
  for (const RewriteInput& in : rn.inputs)
    if (in.kind != Kind::kOutput && in.kind != Kind::kFeed) return false;
  const DType in = input_dtype(g.graph(), n, 0);
  for (size_t k = 1; k < n.inputs.size(); ++k)
    if (input_dtype(g.graph(), n, k) != in) return false;
  return fused::can_fuse(n.type(), in, n.out_dtypes[0]);
}

// What the pass knows about every rewrite node before grouping.
struct Uses {
  std::vector<char> fusable;
  // Fetched, a target or a control input of another node: its value or its completion is
  // observed on its own, so it can only be the root of a group.
  std::vector<char> observed;
  // Distinct live nodes reading an output through a data edge.
  std::vector<std::vector<int32_t>> consumers;
};

Uses analyse(const RewriteGraph& g) {
  const size_t n = g.nodes.size();
  Uses u;
  u.fusable.assign(n, 0);
  u.observed.assign(n, 0);
  u.consumers.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const RewriteNode& rn = g.nodes[i];
    if (rn.removed) continue;
    u.fusable[i] = fusable(g, rn);
    for (const RewriteInput& in : rn.inputs) {
      if (in.kind != Kind::kOutput && in.kind != Kind::kVariable) continue;
      std::vector<int32_t>& c = u.consumers[in.source];
      if (c.empty() || c.back() != static_cast<int32_t>(i)) c.push_back(static_cast<int32_t>(i));
    }
    for (int32_t c : rn.controls) u.observed[c] = 1;
  }
  for (const RewriteInput& f : g.fetches)
    if (f.kind == Kind::kOutput || f.kind == Kind::kVariable) u.observed[f.source] = 1;
  for (int32_t t : g.targets) u.observed[t] = 1;
  return u;
}

// The members of the group rooted at `root` (ascending, root last), marking them in group_of.
// A node joins when it is fusable, observed by nothing but its data consumers, and every one
// of those consumers is already in the group. Candidates are examined from the latest to the
// earliest: a candidate's consumers all come after it, so by the time it is examined each of
// them has been accepted or refused, and no later candidate can change that.
std::vector<int32_t> grow_group(const RewriteGraph& g, const Uses& u, int32_t root,
                                std::vector<int32_t>& group_of, std::vector<int32_t>& seen) {
  std::vector<int32_t> members{root};
  group_of[root] = root;
  std::priority_queue<int32_t> candidates;
  auto push_sources = [&](int32_t m) {
    for (const RewriteInput& in : g.nodes[m].inputs)
      if (in.kind == Kind::kOutput && seen[in.source] != root) {
        seen[in.source] = root;
        candidates.push(in.source);
      }
  };
  push_sources(root);
  while (!candidates.empty()) {
    const int32_t s = candidates.top();
    candidates.pop();
    if (!u.fusable[s] || u.observed[s] || group_of[s] >= 0) continue;
    bool all_inside = true;
    for (int32_t c : u.consumers[s]) all_inside = all_inside && group_of[c] == root;
    if (!all_inside) continue;
    group_of[s] = root;
    members.push_back(s);
    push_sources(s);
  }
  std::sort(members.begin(), members.end());
  return members;
}

// Replaces the group's root by one plan-owned `_FusedElementwise` node reading the group's
// external inputs, and marks the other members removed.
// `handle_of` is working storage, one entry per rewrite node.
void fuse_group(RewriteGraph& g, const std::vector<int32_t>& members,
                const std::vector<int32_t>& group_of, std::vector<int32_t>& handle_of) {
  static const OpDef* fused_def = OpRegistry::global().find("_FusedElementwise");
  if (!fused_def) throw_internal("the _FusedElementwise op is not registered");
  const int32_t root = members.back();
  const Node& root_node = *g.nodes[root].node;

  fused::FusedProgramBuilder b;
  std::vector<RewriteInput> external;  // in add_input order
  std::vector<Endpoint> endpoints;     // the same values as endpoints of the user's graph
  std::vector<int> external_handle;
  std::vector<int32_t> controls;
  for (int32_t m : members) {
    const RewriteNode& rn = g.nodes[m];
    const Node& n = *rn.node;
    std::vector<int> operands;
    for (size_t k = 0; k < rn.inputs.size(); ++k) {
      const RewriteInput& in = rn.inputs[k];
      if (in.kind == Kind::kOutput && group_of[in.source] == root) {
        operands.push_back(handle_of[in.source]);
        continue;
      }
      auto it = std::find(external.begin(), external.end(), in);
      if (it != external.end()) {
        operands.push_back(external_handle[it - external.begin()]);
        continue;
      }
      external.push_back(in);
      endpoints.push_back(n.inputs[k]);
      external_handle.push_back(b.add_input(input_dtype(g.graph(), n, k)));
      operands.push_back(external_handle.back());
    }
    handle_of[m] = b.add_op(n.type(), operands, n.out_dtypes[0]);
    controls.insert(controls.end(), rn.controls.begin(), rn.controls.end());
  }
  const fused::FusedProgram program = b.build(handle_of[root]);

  auto node = std::make_unique<Node>();
  node->id = -1;
  node->name = root_node.name;
  node->def = fused_def;
  node->inputs = std::move(endpoints);
  program.to_attrs(&node->attrs);
  node->out_dtypes = root_node.out_dtypes;
  node->out_shapes = root_node.out_shapes;
  node->source = root_node.source;
  node->device = root_node.device;

  std::sort(controls.begin(), controls.end());
  controls.erase(std::unique(controls.begin(), controls.end()), controls.end());
  RewriteNode fused_node = g.own(std::move(node));
  fused_node.inputs = std::move(external);
  fused_node.controls = std::move(controls);
  for (int32_t m : members) {
    if (m == root) continue;
    RewriteNode& rn = g.nodes[m];
    rn.removed = true;
    rn.inputs.clear();
    rn.controls.clear();
  }
  g.nodes[root] = std::move(fused_node);
}

}  // namespace

void fuse_elementwise(RewriteGraph& g, const RewriteContext&) {
  g.remove_unreachable();  // a dead consumer must not keep a value from joining a group
  const int32_t n = static_cast<int32_t>(g.nodes.size());
  const Uses u = analyse(g);
  std::vector<int32_t> group_of(n, -1);
  std::vector<int32_t> seen(n, -1);
  // Latest first: a node's consumers have all been grouped (or left alone) before the node is
  // considered as a root, so a node that can join its consumers' group always does.
  std::vector<std::vector<int32_t>> groups;
  for (int32_t r = n - 1; r >= 0; --r) {
    if (!u.fusable[r] || group_of[r] >= 0) continue;
    std::vector<int32_t> members = grow_group(g, u, r, group_of, seen);
    if (members.size() >= 2) groups.push_back(std::move(members));
  }
  // Groups are disjoint and each keeps its root's position, so fusing them one by one keeps
  // every other group's indices valid.
  std::vector<int32_t> handle_of(n, -1);
  for (const std::vector<int32_t>& members : groups) fuse_group(g, members, group_of, handle_of);
}

}  // namespace pgx
