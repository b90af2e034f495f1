// Plan-time rewrites: the pass table, common-subexpression elimination, constant folding and
// the sweep of unreachable nodes (elementwise fusion is in elementwise_fusion.cc).
#include "pygraphx/graph_rewrite.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <unordered_map>

#include "pygraphx/executor.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/session.h"

namespace pgx {

namespace {

using Kind = RewriteInput::Kind;

// ---------------------------------------------------------------------------------------------
// Equality and hashing of what makes two nodes compute the same thing

void mix(uint64_t& h, uint64_t v) { h = (h ^ v) * 0x100000001b3ull + (h >> 29); }

bool tensors_equal(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) return false;
  if (a.buffer() == b.buffer()) return true;
  if (a.dtype() == DType::kString) {
    const std::string* x = a.data<std::string>();
    const std::string* y = b.data<std::string>();
    return std::equal(x, x + a.size(), y);
  }
  return a.bytes() == 0 || std::memcmp(a.raw(), b.raw(), a.bytes()) == 0;
}

bool attr_values_equal(const AttrValue& a, const AttrValue& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&b](const auto& x) {
        using X = std::decay_t<decltype(x)>;
        const X& y = std::get<X>(b);
        if constexpr (std::is_same_v<X, Tensor>) {
          return tensors_equal(x, y);
        } else if constexpr (std::is_same_v<X, double>) {
          return std::memcmp(&x, &y, sizeof y) == 0;  // -0.0 and 0.0 differ; NaN equals itself
        } else {
          return x == y;
        }
      },
      a);
}

bool attrs_equal(const Attrs& a, const Attrs& b) {
  if (a.items().size() != b.items().size()) return false;
  for (const auto& kv : a.items()) {
    const AttrValue* other = b.find(kv.first);
    if (!other || !attr_values_equal(kv.second, *other)) return false;
  }
  return true;
}

uint64_t attrs_hash(const Attrs& attrs) {
  uint64_t h = 0;
  for (const auto& kv : attrs.items()) {
    // Order-independent: attribute lists compare as sets.
    uint64_t e = std::hash<std::string>()(kv.first) ^ kv.second.index();
    if (const auto* t = std::get_if<Tensor>(&kv.second)) {
      e ^= static_cast<uint64_t>(t->size()) * 31 + static_cast<uint64_t>(t->dtype());
      if (t->dtype() != DType::kString && t->bytes() > 0) {
        uint64_t head = 0;
        std::memcpy(&head, t->raw(), std::min<size_t>(sizeof head, t->bytes()));
        e ^= head * 0x9e3779b97f4a7c15ull;
      }
    } else if (const auto* i = std::get_if<int64_t>(&kv.second)) {
      e ^= static_cast<uint64_t>(*i) * 0x9e3779b97f4a7c15ull;
    }
    h += e * 0xff51afd7ed558ccdull;
  }
  return h;
}

uint64_t node_hash(const RewriteNode& rn) {
  uint64_t h = reinterpret_cast<uintptr_t>(rn.node->def);
  for (const RewriteInput& in : rn.inputs) {
    mix(h, static_cast<uint64_t>(in.kind));
    mix(h, static_cast<uint32_t>(in.source));
    mix(h, static_cast<uint32_t>(in.index));
  }
  for (int32_t c : rn.controls) mix(h, static_cast<uint32_t>(c) + 0x51ull);
  mix(h, attrs_hash(rn.node->attrs));
  return h;
}

bool same_computation(const RewriteNode& a, const RewriteNode& b) {
  const Node& x = *a.node;
  const Node& y = *b.node;
  return x.def == y.def && a.inputs == b.inputs && a.controls == b.controls &&
         x.out_dtypes == y.out_dtypes && x.out_shapes == y.out_shapes &&
         attrs_equal(x.attrs, y.attrs);
}

// Whether a node may be merged with an equal one or evaluated ahead of time: a pure op of the
// user's graph, not fed, reading no variable.
bool rewritable(const RewriteNode& rn) {
  if (rn.removed || rn.kernel || rn.fed_output || !rn.node->def->pure) return false;
  for (const RewriteInput& in : rn.inputs)
    if (in.kind == Kind::kVariable || in.kind == Kind::kRef) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Constant folding helpers

// The plan-owned Const holding a folded value, named and located like the node it replaces.
std::unique_ptr<Node> folded_constant(const Node& replaced, Tensor value) {
  static const OpDef* const_def = OpRegistry::global().find("Const");
  if (!const_def) throw_internal("the Const op is not registered");
  auto c = std::make_unique<Node>();
  c->id = -1;
  c->name = replaced.name;
  c->def = const_def;
  c->attrs.set("dtype", value.dtype());
  c->attrs.set("value", std::move(value));
  c->out_dtypes = replaced.out_dtypes;
  c->out_shapes = replaced.out_shapes;
  c->source = replaced.source;
  c->device = replaced.device;
  return c;
}

// Evaluates `node` on constant inputs with its ordinary kernel. False when the kernel fails or
// produces something unexpected: the node is then left to run (and fail) at run time.
bool evaluate(const Node& node, std::vector<Tensor>& inputs, const RewriteContext& ctx,
              RunState& rs, Tensor* out) {
  std::vector<Tensor> outputs(1);
  try {
    OpKernel* kernel = ctx.kernel_for(node);
    OpKernelContext kc(node, inputs, outputs, rs);
    kernel->compute(kc);
  } catch (...) {
    return false;
  }
  const Tensor& t = outputs[0];
  if (!t.valid() || t.dtype() != node.out_dtypes[0] ||
      !node.out_shapes[0].compatible_with(t.shape()) ||
      static_cast<int64_t>(t.bytes()) > ctx.options.max_folded_bytes)
    return false;
  *out = t;
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// RewriteGraph

RewriteNode RewriteGraph::own(std::unique_ptr<Node> node, std::unique_ptr<OpKernel> kernel) {
  if (!kernel) {
    if (!node->def->kernel)
      throw OpError(Code::kUnimplemented, "no kernel for op " + node->type(), node->name);
    kernel = node->def->kernel(*node);
  }
  RewriteNode rn;
  rn.node = node.get();
  rn.kernel = kernel.get();
  owned_.push_back(OwnedNode{std::move(node), std::move(kernel)});
  return rn;
}

void RewriteGraph::remove_unreachable() {
  std::vector<char> live(nodes.size(), 0);
  for (const RewriteInput& f : fetches)
    if (f.kind == Kind::kOutput || f.kind == Kind::kVariable) live[f.source] = 1;
  for (int32_t t : targets) live[t] = 1;
  // Consumers come after their sources, so one backward sweep reaches everything.
  for (size_t i = nodes.size(); i-- > 0;) {
    RewriteNode& rn = nodes[i];
    if (!live[i] || rn.removed) {
      rn.removed = true;
      continue;
    }
    for (const RewriteInput& in : rn.inputs)
      if (in.kind == Kind::kOutput || in.kind == Kind::kVariable) live[in.source] = 1;
    for (int32_t c : rn.controls) live[c] = 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Passes

void eliminate_common_subexpressions(RewriteGraph& g, const RewriteContext&) {
  const size_t n = g.nodes.size();
  std::vector<int32_t> rep(n);  // each node's representative (itself unless merged)
  for (size_t i = 0; i < n; ++i) rep[i] = static_cast<int32_t>(i);
  auto redirect = [&rep](RewriteInput& in) {
    if (in.kind == Kind::kOutput || in.kind == Kind::kVariable) in.source = rep[in.source];
  };
  std::unordered_map<uint64_t, std::vector<int32_t>> seen;
  for (size_t i = 0; i < n; ++i) {
    RewriteNode& rn = g.nodes[i];
    if (rn.removed) continue;
    // Sources come first, so they are already merged.
    for (RewriteInput& in : rn.inputs) redirect(in);
    for (int32_t& c : rn.controls) c = rep[c];
    std::sort(rn.controls.begin(), rn.controls.end());
    rn.controls.erase(std::unique(rn.controls.begin(), rn.controls.end()), rn.controls.end());
    if (!rewritable(rn)) continue;
    std::vector<int32_t>& bucket = seen[node_hash(rn)];
    for (int32_t j : bucket) {
      if (same_computation(g.nodes[j], rn)) {
        rep[i] = j;
        rn.removed = true;
        break;
      }
    }
    if (!rn.removed) bucket.push_back(static_cast<int32_t>(i));
  }
  for (RewriteInput& f : g.fetches) redirect(f);
  for (int32_t& t : g.targets) t = rep[t];
}

void fold_constants(RewriteGraph& g, const RewriteContext& ctx) {
  const size_t n = g.nodes.size();
  std::vector<Tensor> value(n);       // the constant output of a Const or a folded node
  std::vector<char> folded(n, 0);
  // Pure kernels touch no variable; the run state only lends them the intra-op pool.
  Plan no_plan;
  RunScratch no_scratch(no_plan);
  SessionState no_variables;
  RunState rs(no_plan, no_scratch, no_variables, ctx.intra, nullptr);
  bool any = false;
  for (size_t i = 0; i < n; ++i) {
    const RewriteNode& rn = g.nodes[i];
    // A node ordered after something (control inputs) is not a free-standing constant: folding
    // it, or its consumers, could drop that ordering or the run of its control inputs.
    if (!rewritable(rn) || !rn.controls.empty()) continue;
    const Node& node = *rn.node;
    if (node.type() == "Const") {
      value[i] = node.attrs.get<Tensor>("value");
      continue;
    }
    if (node.num_outputs() != 1 || node.inputs.empty()) continue;
    const DType dtype = node.out_dtypes[0];
    const int64_t elements = node.out_shapes[0].num_elements();
    if (dtype == DType::kString || elements < 0 ||
        elements * static_cast<int64_t>(dtype_size(dtype)) > ctx.options.max_folded_bytes)
      continue;
    std::vector<Tensor> inputs;
    bool constant_inputs = true;
    for (const RewriteInput& in : rn.inputs) {
      if (in.kind != Kind::kOutput || in.index != 0 || !value[in.source].valid()) {
        constant_inputs = false;
        break;
      }
      inputs.push_back(value[in.source]);
    }
    if (!constant_inputs) continue;
    if (evaluate(node, inputs, ctx, rs, &value[i])) folded[i] = any = true;
  }
  if (!any) return;

  // A folded node is kept, as a constant, where something not folded still needs it.
  std::vector<char> needed(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const RewriteNode& rn = g.nodes[i];
    if (rn.removed || folded[i]) continue;
    for (const RewriteInput& in : rn.inputs)
      if (in.kind == Kind::kOutput && folded[in.source]) needed[in.source] = 1;
    for (int32_t c : rn.controls)
      if (folded[c]) needed[c] = 1;
  }
  for (const RewriteInput& f : g.fetches)
    if (f.kind == Kind::kOutput && folded[f.source]) needed[f.source] = 1;
  for (int32_t t : g.targets)
    if (folded[t]) needed[t] = 1;
  for (size_t i = 0; i < n; ++i) {
    if (!folded[i]) continue;
    if (!needed[i]) {
      g.nodes[i].removed = true;
      g.nodes[i].inputs.clear();
      continue;
    }
    g.nodes[i] = g.own(folded_constant(*g.nodes[i].node, std::move(value[i])));
  }
}

// ---------------------------------------------------------------------------------------------
// The pass table

namespace {

struct Pass {
  bool RewriteOptions::*enabled;
  void (*run)(RewriteGraph&, const RewriteContext&);
};

// In order. Elimination first, so folding evaluates each distinct expression once; fusion last,
// over what remains to be computed at run time.
constexpr Pass kPasses[] = {
    {&RewriteOptions::common_subexpression_elimination, eliminate_common_subexpressions},
    {&RewriteOptions::constant_folding, fold_constants},
    {&RewriteOptions::elementwise_fusion, fuse_elementwise},
};

}  // namespace

void rewrite_for_plan(RewriteGraph& g, const RewriteContext& ctx) {
  for (const Pass& p : kPasses)
    if (ctx.options.*p.enabled) p.run(g, ctx);
  g.remove_unreachable();
}

}  // namespace pgx
