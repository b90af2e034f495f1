// Binding of pgx::Graph and its variable store: node creation and introspection by id.
#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "pygraphx/graph.h"
#include "pygraphx/op_registry.h"

namespace pgx::py_bind {

namespace {

const Node& node_of(const Graph& g, int32_t id) { return g.node(id); }

}  // namespace

void bind_graph(py::module_& m) {
  py::class_<Graph, std::shared_ptr<Graph>>(m, "Graph")
      .def(py::init<>())
      .def("unique_name", &Graph::unique_name, py::arg("name"), py::arg("mark_used") = true)
      .def(
          "add_node",
          [](Graph& g, const std::string& type, const std::string& name,
             const std::vector<std::pair<int32_t, int32_t>>& inputs,
             std::vector<int32_t> control_inputs, const py::dict& attrs, std::string source) {
            std::vector<Endpoint> in;
            in.reserve(inputs.size());
            for (const auto& p : inputs) in.push_back({p.first, p.second});
            Attrs a;
            for (auto kv : attrs) a.set(kv.first.cast<std::string>(), attr_from_python(kv.second));
            return g.add_node(type, name, std::move(in), std::move(control_inputs), std::move(a),
                              std::move(source));
          })
      .def("add_control_input", &Graph::add_control_input)
      .def("set_output_shape",
           [](Graph& g, int32_t node, int32_t index, const py::object& shape) {
             g.set_output_shape({node, index}, shape_from_python(shape));
           })
      .def_property_readonly("num_nodes", &Graph::num_nodes)
      .def_property_readonly("mutation_version", &Graph::mutation_version)
      .def("find", &Graph::find)
      .def("finalize", &Graph::finalize)
      .def_property_readonly("finalized", &Graph::finalized)
      .def("node_name", [](const Graph& g, int32_t id) { return node_of(g, id).name; })
      .def("node_type", [](const Graph& g, int32_t id) { return node_of(g, id).type(); })
      .def("node_source", [](const Graph& g, int32_t id) { return node_of(g, id).source; })
      .def("node_inputs",
           [](const Graph& g, int32_t id) {
             std::vector<std::pair<int32_t, int32_t>> out;
             for (const Endpoint& e : node_of(g, id).inputs) out.emplace_back(e.node, e.index);
             return out;
           })
      .def("node_control_inputs",
           [](const Graph& g, int32_t id) { return node_of(g, id).control_inputs; })
      .def("node_consumers", [](const Graph& g, int32_t id) { return g.consumers(id); })
      .def("node_num_outputs",
           [](const Graph& g, int32_t id) { return node_of(g, id).num_outputs(); })
      .def("output_dtype",
           [](const Graph& g, int32_t id, int32_t i) {
             return static_cast<int>(node_of(g, id).out_dtypes.at(i));
           })
      .def("output_shape",
           [](const Graph& g, int32_t id, int32_t i) {
             return shape_to_python(node_of(g, id).out_shapes.at(i));
           })
      .def("attr_names",
           [](const Graph& g, int32_t id) {
             std::vector<std::string> out;
             for (const auto& kv : node_of(g, id).attrs.items()) out.push_back(kv.first);
             return out;
           })
      .def("get_attr",
           [](const Graph& g, int32_t id, const std::string& name) -> py::object {
             const AttrValue* v = node_of(g, id).attrs.find(name);
             if (!v)
               throw ValueError("Operation '" + node_of(g, id).name + "' has no attr named '" +
                                name + "'.");
             return attr_to_python(*v);
           })
      .def("var_resolve",
           [](Graph& g, const std::string& name, int reuse, const py::object& shape,
              int dtype) -> int32_t {
             const VariableRecord* r = g.variable_store().resolve(
                 name, static_cast<Reuse>(reuse), shape_from_python(shape),
                 static_cast<DType>(dtype));
             return r ? r->node : -1;
           })
      .def("var_add",
           [](Graph& g, const std::string& name, const py::object& shape, int dtype,
              int32_t node, bool trainable, const std::string& defined_at) {
             g.variable_store().add(
                 {name, shape_from_python(shape), static_cast<DType>(dtype), node, trainable,
                  defined_at});
           })
      .def("var_names", [](Graph& g) { return g.variable_store().names(); });

  m.def("registered_ops", [] { return OpRegistry::global().types(); });
}

}  // namespace pgx::py_bind
