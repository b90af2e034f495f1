// Graph storage, node creation with shape inference, and TF1 name uniquification.
#include "pygraphx/graph.h"

#include <algorithm>
#include <cctype>

#include "pygraphx/op_registry.h"

namespace pgx {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// TypeErrors naming the op, the node and the offending tensor when an op that does not handle
// strings would consume or produce one (checked before its shape function runs, so the dtype
// is what gets reported).
void refuse_string_inputs(const Graph& g, const std::string& type, const std::string& name,
                          const std::vector<Endpoint>& inputs) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Node& src = g.node(inputs[i].node);
    if (src.out_dtypes[inputs[i].index] == DType::kString)
      throw TypeError("Op " + type + " ('" + name + "') does not support dtype string: input " +
                      std::to_string(i) + " ('" + src.name + ":" +
                      std::to_string(inputs[i].index) + "') has dtype string");
  }
}

void refuse_string_outputs(const std::string& type, const std::string& name,
                           const std::vector<DType>& out_dtypes) {
  for (size_t i = 0; i < out_dtypes.size(); ++i)
    if (out_dtypes[i] == DType::kString)
      throw TypeError("Op " + type + " ('" + name + "') does not support dtype string (output " +
                      std::to_string(i) + ")");
}

// TF1's name patterns, matched as Python's re.match does: `$` also accepts one trailing newline.
//   node names:  ^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$
//   scope names: ^[A-Za-z0-9_.\\/>-]*$
constexpr const char* kNodeNamePattern = "^[A-Za-z0-9.][A-Za-z0-9_.\\\\/>-]*$";

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '\\' ||
         c == '/' || c == '>' || c == '-';
}

bool matches_scope_pattern(const std::string& s) {
  size_t n = s.size();
  if (n > 0 && s[n - 1] == '\n') --n;
  for (size_t i = 0; i < n; ++i)
    if (!is_name_char(s[i])) return false;
  return true;
}

bool matches_node_pattern(const std::string& s) {
  if (s.empty()) return false;
  const char c = s[0];
  if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.')) return false;
  return matches_scope_pattern(s.substr(1));
}

[[noreturn]] void invalid_node_name(const std::string& name) {
  throw ValueError("`" + name + "` is not a valid node name. Accepted names conform to Regex /" +
                   kNodeNamePattern + "/");
}
}  // namespace

const std::string& Node::type() const { return def->type; }

std::string Node::describe() const {
  std::string s = name;
  if (!source.empty()) s += " (defined at " + source + ")";
  return s;
}

Graph::Graph() = default;
Graph::~Graph() = default;

std::string Graph::unique_name(const std::string& name, bool mark_used) {
  std::string key = lower(name);
  auto it = names_in_use_.find(key);
  int64_t i = it == names_in_use_.end() ? 0 : it->second;
  if (mark_used) names_in_use_[key] = i + 1;
  if (i == 0) return name;
  const std::string base_key = key;
  while (names_in_use_.count(key)) {
    key = base_key + "_" + std::to_string(i);
    ++i;
  }
  if (mark_used) names_in_use_[key] = 1;
  return name + "_" + std::to_string(i - 1);
}

int32_t Graph::add_node(const std::string& type, const std::string& name,
                        std::vector<Endpoint> inputs, std::vector<int32_t> control_inputs,
                        Attrs attrs, std::string source) {
  if (finalized_) throw RuntimeError("Graph is finalized and cannot be modified.");
  const OpDef* def = OpRegistry::global().find(type);
  if (!def) throw ValueError("Op type not registered '" + type + "'");
  if (name.empty()) throw ValueError("empty node name for op " + type);
  if (by_name_.count(name))
    throw ValueError("Duplicate node name in graph: '" + name + "'");
  const int n = static_cast<int>(inputs.size());
  if (n < def->min_inputs || (def->max_inputs >= 0 && n > def->max_inputs))
    throw ValueError("Op " + type + " ('" + name + "') takes " +
                     std::to_string(def->min_inputs) +
                     (def->max_inputs == def->min_inputs
                          ? ""
                          : (def->max_inputs < 0 ? " or more"
                                                 : " to " + std::to_string(def->max_inputs))) +
                     " inputs, got " + std::to_string(n));

  InferenceContext ic{attrs, name, type, {}, {}, {}, {}, {}};
  for (const Endpoint& e : inputs) {
    if (e.node < 0 || e.node >= num_nodes())
      throw ValueError("input of '" + name + "' refers to a node not in this graph");
    const Node& src = *nodes_[e.node];
    if (e.index < 0 || e.index >= src.num_outputs())
      throw ValueError("input of '" + name + "' refers to output " + std::to_string(e.index) +
                       " of '" + src.name + "', which has " +
                       std::to_string(src.num_outputs()) + " outputs");
    ic.in_dtypes.push_back(src.out_dtypes[e.index]);
    ic.in_shapes.push_back(src.out_shapes[e.index]);
    const Tensor* cv = nullptr;
    if (src.type() == "Const") cv = &src.attrs.get<Tensor>("value");
    ic.in_values.push_back(cv);
  }
  for (int32_t c : control_inputs)
    if (c < 0 || c >= num_nodes())
      throw ValueError("control input of '" + name + "' refers to a node not in this graph");
  if (!def->accepts_strings) refuse_string_inputs(*this, type, name, inputs);
  def->shape_fn(ic);
  if (!def->accepts_strings) refuse_string_outputs(type, name, ic.out_dtypes);

  auto node = std::make_unique<Node>();
  node->id = num_nodes();
  node->name = name;
  node->def = def;
  node->inputs = std::move(inputs);
  std::sort(control_inputs.begin(), control_inputs.end());
  control_inputs.erase(std::unique(control_inputs.begin(), control_inputs.end()),
                       control_inputs.end());
  node->control_inputs = std::move(control_inputs);
  node->attrs = std::move(attrs);
  node->out_dtypes = std::move(ic.out_dtypes);
  node->out_shapes = std::move(ic.out_shapes);
  node->source = std::move(source);

  const int32_t id = node->id;
  consumers_.emplace_back();
  for (const Endpoint& e : node->inputs) {
    auto& cs = consumers_[e.node];
    if (cs.empty() || cs.back() != id) cs.push_back(id);
  }
  for (int32_t c : node->control_inputs) {
    auto& cs = consumers_[c];
    if (cs.empty() || cs.back() != id) cs.push_back(id);
  }
  by_name_[node->name] = id;
  // Explicit names are marked used so that a later unique_name() skips them.
  std::string key = lower(node->name);
  if (!names_in_use_.count(key)) names_in_use_[key] = 1;
  nodes_.push_back(std::move(node));
  return id;
}

int32_t Graph::create_node(const std::string& type, const std::string& scope,
                           const std::string& name, std::vector<Endpoint> inputs,
                           std::vector<int32_t> control_inputs, Attrs attrs, std::string source) {
  std::string full;
  if (!name.empty() && name.back() == '/') {
    full = name.substr(0, name.size() - 1);
  } else {
    if (!matches_scope_pattern(name)) invalid_node_name(name);
    full = unique_name(scope.empty() ? name : scope + "/" + name);
  }
  if (!matches_node_pattern(full)) invalid_node_name(full);
  return add_node(type, full, std::move(inputs), std::move(control_inputs), std::move(attrs),
                  std::move(source));
}

void Graph::add_control_input(int32_t node, int32_t control) {
  if (finalized_) throw RuntimeError("Graph is finalized and cannot be modified.");
  Node& n = *nodes_.at(node);
  if (control < 0 || control >= num_nodes()) throw ValueError("control input not in this graph");
  if (std::find(n.control_inputs.begin(), n.control_inputs.end(), control) !=
      n.control_inputs.end())
    return;
  n.control_inputs.push_back(control);
  consumers_[control].push_back(node);
  ++mutation_version_;
}

void Graph::set_output_shape(Endpoint e, const PartialShape& shape) {
  Node& n = *nodes_.at(e.node);
  PartialShape& cur = n.out_shapes.at(e.index);
  if (!cur.compatible_with(shape))
    throw ValueError("Shapes " + cur.str() + " and " + shape.str() + " are incompatible");
  cur = cur.merge_with(shape);
  ++mutation_version_;
}

const Node& Graph::node(int32_t id) const {
  if (id < 0 || id >= num_nodes()) throw KeyError("no node with id " + std::to_string(id));
  return *nodes_[id];
}

int32_t Graph::find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? -1 : it->second;
}

}  // namespace pgx
