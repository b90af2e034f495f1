// Graph storage: nodes with typed attributes, data inputs (node:index endpoints), control
// inputs, build-time shape inference through the op registry, and TF1 name uniquification.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "pygraphx/attr.h"
#include "pygraphx/shape.h"
#include "pygraphx/variable_store.h"

namespace pgx {

struct OpDef;

struct Endpoint {
  int32_t node = -1;
  int32_t index = 0;
  bool operator==(const Endpoint& o) const { return node == o.node && index == o.index; }
};

struct Node {
  int32_t id = -1;
  std::string name;
  const OpDef* def = nullptr;
  std::vector<Endpoint> inputs;
  std::vector<int32_t> control_inputs;
  Attrs attrs;
  std::vector<DType> out_dtypes;
  std::vector<PartialShape> out_shapes;
  std::string source;  // "file.py:12": the user's line that built the node
  std::string device;

  const std::string& type() const;
  int num_outputs() const { return static_cast<int>(out_dtypes.size()); }
  // "relu/max (defined at model.py:12)" for error messages.
  std::string describe() const;
};

class Graph {
 public:
  Graph();
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // TF1's unique_name: case-insensitive, `_1`, `_2` suffixes, skipping suffixed names already
  // taken and marking them used. `name` is a full name (scope prefix included).
  std::string unique_name(const std::string& name, bool mark_used = true);

  // Adds a node named `name` exactly (callers uniquify first). Validates the op type, input
  // arity and input endpoints, runs the op's shape function (ValueError on mismatch) and
  // returns the new node's id. Throws ValueError if the name is taken or the graph finalized.
  int32_t add_node(const std::string& type, const std::string& name,
                   std::vector<Endpoint> inputs, std::vector<int32_t> control_inputs,
                   Attrs attrs, std::string source);

  // TF1's Graph.create_op naming followed by add_node: a `name` ending in '/' is used as is
  // (without the '/'); any other name must match TF's scope-name pattern and is uniquified
  // under the name scope `scope` ("" at the root). The full name must match TF's node-name
  // pattern. Throws ValueError (TF's message) for an invalid name; otherwise as add_node.
  int32_t create_node(const std::string& type, const std::string& scope, const std::string& name,
                      std::vector<Endpoint> inputs, std::vector<int32_t> control_inputs,
                      Attrs attrs, std::string source);

  // Adds a control input to an existing node (TF's Operation._add_control_input).
  void add_control_input(int32_t node, int32_t control);
  // Narrows a node output's static shape (Tensor.set_shape); ValueError if incompatible.
  void set_output_shape(Endpoint e, const PartialShape& shape);

  int32_t num_nodes() const { return static_cast<int32_t>(nodes_.size()); }
  const Node& node(int32_t id) const;
  // -1 when absent.
  int32_t find(const std::string& name) const;
  // Ids of nodes that consume any output of `id` (data or control), in creation order.
  const std::vector<int32_t>& consumers(int32_t id) const { return consumers_.at(id); }

  // Bumped on any change that can invalidate an execution plan of existing nodes.
  uint64_t mutation_version() const { return mutation_version_; }

  void finalize() { finalized_ = true; }
  bool finalized() const { return finalized_; }

  VariableStore& variable_store() { return variables_; }

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::vector<int32_t>> consumers_;
  std::unordered_map<std::string, int32_t> by_name_;
  std::unordered_map<std::string, int64_t> names_in_use_;  // lower-cased
  uint64_t mutation_version_ = 0;
  bool finalized_ = false;
  VariableStore variables_;
};

}  // namespace pgx
