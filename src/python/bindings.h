// Declarations of the binding units assembled by module.cc.
#pragma once

#include <pybind11/pybind11.h>

namespace pgx::py_bind {

namespace py = pybind11;

void bind_graph(py::module_& m);
void bind_session(py::module_& m);
void bind_pool_probes(py::module_& m);

}  // namespace pgx::py_bind
