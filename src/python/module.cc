// The pygraphx._core module: registers ops, binds the core and maps core exceptions to
// Python's ValueError/KeyError/TypeError/RuntimeError and to pygraphx.errors classes.
#include <pybind11/pybind11.h>

#include <unordered_map>

#include "bindings.h"
#include "pygraphx/op_registry.h"
#include "pygraphx/status.h"
#include "pygraphx/thread_pool.h"

namespace py = pybind11;

namespace {

// Code -> pygraphx.errors class, handed over by pygraphx.errors at import.
py::dict& error_classes() {
  static py::dict* d = new py::dict();
  return *d;
}

void raise_op_error(const pgx::OpError& e) {
  py::dict& classes = error_classes();
  py::int_ code(static_cast<int>(e.code()));
  if (!classes.contains(code)) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
    return;
  }
  py::object cls = classes[code];
  py::object exc = cls(py::none(), py::none(), py::str(e.what()));
  exc.attr("_node_name") = py::str(e.node());
  PyErr_SetObject(cls.ptr(), exc.ptr());
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "pygraphx compiled core";
  pgx::register_all_ops();
  pgx::py_bind::bind_graph(m);
  pgx::py_bind::bind_session(m);
  pgx::py_bind::bind_pool_probes(m);
  m.def("_set_error_classes", [](py::dict d) { error_classes() = d; });
  m.def("hardware_threads", &pgx::hardware_threads);

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const pgx::OpError& e) {
      raise_op_error(e);
    } catch (const pgx::ValueError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const pgx::KeyError& e) {
      PyErr_SetString(PyExc_KeyError, e.what());
    } catch (const pgx::TypeError& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    } catch (const pgx::RuntimeError& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
}
