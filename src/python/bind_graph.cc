// Binding of pgx::Graph and its variable store: node creation and introspection by id.
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "pygraphx/graph.h"
#include "pygraphx/op_registry.h"

namespace pgx::py_bind {

namespace {

const Node& node_of(const Graph& g, int32_t id) { return g.node(id); }

std::vector<Endpoint> endpoints(const std::vector<std::pair<int32_t, int32_t>>& v) {
  std::vector<Endpoint> out;
  out.reserve(v.size());
  for (const auto& p : v) out.push_back({p.first, p.second});
  return out;
}

Attrs attrs_from_python(const py::dict& attrs) {
  Attrs a;
  for (auto kv : attrs) a.set(kv.first.cast<std::string>(), attr_from_python(kv.second));
  return a;
}

// Files under this directory (the Python package) are skipped when looking for the user's line.
std::string& package_dir() {
  static std::string dir;
  return dir;
}

// What user_source() learns about code objects, kept across calls: whether a code object is
// the package's (or importlib's), and the line of each instruction offset already seen
// (CPython finds a frame's line by scanning the code's line table, which costs more than
// adding the node). Code objects in it are kept alive, so their addresses stay theirs; it is
// emptied when it grows large. Used with the GIL held.
class CodeInfoCache {
 public:
  static CodeInfoCache& get() {  // never destroyed: it may hold Python objects at exit
    static CodeInfoCache* cache = new CodeInfoCache();
    return *cache;
  }

  // Whether frames running `code` are the user's; the file name in `*file` when they are.
  bool is_user_code(PyCodeObject* code, std::string_view* file) {
    auto key = reinterpret_cast<PyObject*>(code);
    auto it = user_code_.find(key);
    if (it == user_code_.end()) {
      if (user_code_.size() >= kMaxEntries) clear();
      Py_ssize_t n = 0;
      const char* fn = PyUnicode_AsUTF8AndSize(code->co_filename, &n);
      if (fn == nullptr) throw py::error_already_set();
      const std::string_view name(fn, static_cast<size_t>(n));
      const std::string& skip = package_dir();
      const bool user = name.substr(0, skip.size()) != skip &&
                        name.find("importlib") == std::string_view::npos;
      Py_INCREF(key);
      it = user_code_.emplace(key, user).first;
    }
    if (it->second) {
      Py_ssize_t n = 0;
      const char* fn = PyUnicode_AsUTF8AndSize(code->co_filename, &n);  // cached by CPython
      if (fn == nullptr) throw py::error_already_set();
      *file = std::string_view(fn, static_cast<size_t>(n));
    }
    return it->second;
  }

  // The line `frame` (running `code`, already passed to is_user_code) is at.
  int line(PyFrameObject* frame, PyCodeObject* code) {
    const Key key{reinterpret_cast<PyObject*>(code), PyFrame_GetLasti(frame)};
    auto it = lines_.find(key);
    if (it != lines_.end()) return it->second;
    const int line = PyFrame_GetLineNumber(frame);
    if (lines_.size() >= kMaxLines) lines_.clear();
    lines_.emplace(key, line);
    return line;
  }

 private:
  static constexpr size_t kMaxEntries = 4096;
  static constexpr size_t kMaxLines = 65536;
  struct Key {
    PyObject* code;
    int lasti;
    bool operator==(const Key& o) const { return code == o.code && lasti == o.lasti; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return std::hash<const void*>()(k.code) * 31u + static_cast<size_t>(k.lasti);
    }
  };

  CodeInfoCache() = default;

 public:
  void clear() {
    lines_.clear();
    for (auto& kv : user_code_) Py_DECREF(kv.first);
    user_code_.clear();
  }

  std::unordered_map<PyObject*, bool> user_code_;
  std::unordered_map<Key, int, KeyHash> lines_;
};

// "file:line" of the innermost Python frame outside the package (and outside importlib): where
// the user built a node. Empty when every frame is the package's.
std::string user_source() {
  CodeInfoCache& cache = CodeInfoCache::get();
  PyFrameObject* f = PyEval_GetFrame();  // borrowed
  Py_XINCREF(f);
  std::string out;
  while (f != nullptr) {
    PyCodeObject* code = PyFrame_GetCode(f);
    std::string_view file;
    bool user = false;
    try {
      user = cache.is_user_code(code, &file);
      if (user) {
        out.assign(file);
        out += ':';
        out += std::to_string(cache.line(f, code));
      }
    } catch (...) {
      Py_DECREF(code);
      Py_DECREF(f);
      throw;
    }
    Py_DECREF(code);
    if (user) {
      Py_DECREF(f);
      break;
    }
    PyFrameObject* back = PyFrame_GetBack(f);  // new reference
    Py_DECREF(f);
    f = back;
  }
  return out;
}

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
            return g.add_node(type, name, endpoints(inputs), std::move(control_inputs),
                              attrs_from_python(attrs), std::move(source));
          })
      // One call per new op: naming (Graph::create_node), the user's source line, and what
      // the Python handles need back: (id, full name, output dtype codes).
      .def("create_node",
           [](Graph& g, const std::string& type, const std::string& scope, const std::string& name,
              const std::vector<std::pair<int32_t, int32_t>>& inputs,
              std::vector<int32_t> control_inputs, const py::dict& attrs) {
             const int32_t id =
                 g.create_node(type, scope, name, endpoints(inputs), std::move(control_inputs),
                               attrs_from_python(attrs), user_source());
             const Node& n = g.node(id);
             py::tuple dtypes(n.out_dtypes.size());
             for (size_t i = 0; i < n.out_dtypes.size(); ++i)
               dtypes[i] = py::int_(static_cast<int>(n.out_dtypes[i]));
             return py::make_tuple(id, n.name, std::move(dtypes));
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

  m.def(
      "set_package_dir",
      [](std::string dir) {
        package_dir() = std::move(dir);
        CodeInfoCache::get().clear();
      },
      "Frames of files under this directory are not the user's source line of a new node.");
  m.def("registered_ops", [] { return OpRegistry::global().types(); });
}

}  // namespace pgx::py_bind
