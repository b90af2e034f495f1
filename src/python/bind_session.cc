// Binding of pgx::Session: plan preparation with the GIL held, runs with it released.
#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "pygraphx/session.h"

namespace pgx::py_bind {

namespace {

std::vector<Endpoint> endpoints(const std::vector<std::pair<int32_t, int32_t>>& v) {
  std::vector<Endpoint> out;
  out.reserve(v.size());
  for (const auto& p : v) out.push_back({p.first, p.second});
  return out;
}

py::list run_plan(Session& s, const Plan& plan, const py::list& feeds) {
  std::vector<Tensor> values;
  values.reserve(feeds.size());
  for (py::handle a : feeds) values.push_back(tensor_view(py::reinterpret_borrow<py::array>(a)));
  std::vector<Tensor> out;
  {
    py::gil_scoped_release release;
    out = s.run(plan, std::move(values));
  }
  py::list result(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    Tensor t = std::move(out[i]);
    out[i] = Tensor();
    // TF1 returns a 0-d fetch as a NumPy scalar (np.float32(42.0)), not a 0-d array.
    const bool scalar = t.shape().empty();
    py::array a = to_numpy(t);
    result[i] = scalar ? a[py::tuple()] : py::object(std::move(a));
  }
  return result;
}

}  // namespace

void bind_session(py::module_& m) {
  py::class_<Plan, std::shared_ptr<Plan>>(m, "Plan")
      .def_property_readonly("num_nodes", [](const Plan& p) { return p.nodes.size(); })
      .def_property_readonly("node_names", [](const Plan& p) {
        std::vector<std::string> out;
        for (const PlanNode& n : p.nodes) out.push_back(n.node->name);
        return out;
      });

  py::class_<Session, std::shared_ptr<Session>>(m, "Session")
      .def(py::init([](std::shared_ptr<Graph> g, int intra, int inter, bool cse, bool folding,
                       int64_t max_folded_bytes, bool fusion) {
             SessionOptions o;
             o.intra_op_threads = intra;
             o.inter_op_threads = inter;
             o.rewrite.common_subexpression_elimination = cse;
             o.rewrite.constant_folding = folding;
             if (max_folded_bytes > 0) o.rewrite.max_folded_bytes = max_folded_bytes;
             o.rewrite.elementwise_fusion = fusion;
             return std::make_shared<Session>(std::move(g), o);
           }),
           py::arg("graph"), py::arg("intra_op_threads") = 0, py::arg("inter_op_threads") = 0,
           py::arg("common_subexpression_elimination") = true,
           py::arg("constant_folding") = true, py::arg("max_folded_constant_bytes") = 0,
           py::arg("elementwise_fusion") = true)
      .def(
          "prepare",
          [](Session& s, const std::vector<std::pair<int32_t, int32_t>>& feeds,
             const std::vector<std::pair<int32_t, int32_t>>& fetches,
             const std::vector<int32_t>& targets) {
            return s.prepare(endpoints(feeds), endpoints(fetches), targets);
          })
      .def("run", &run_plan)
      // Without the GIL: close waits for runs in flight, which may need it to release feeds.
      .def("close", &Session::close, py::call_guard<py::gil_scoped_release>())
      .def_property_readonly("closed", &Session::closed)
      .def_property_readonly("intra_op_threads", &Session::intra_op_threads)
      .def_property_readonly("inter_op_threads", &Session::inter_op_threads);
}

}  // namespace pgx::py_bind
