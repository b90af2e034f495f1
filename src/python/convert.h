// Conversions between NumPy arrays / Python values and core types, shared by the bindings.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "pygraphx/attr.h"
#include "pygraphx/tensor.h"

namespace pgx::py_bind {

namespace py = pybind11;

DType dtype_from_numpy(const py::dtype& dt);
py::dtype numpy_dtype(DType t);

// Zero-copy view of a C-contiguous array of a supported dtype; the array is kept alive by the
// tensor's buffer. Object, bytes ('S') and str ('U') arrays become string tensors by copy
// (elements must be bytes or str; str is UTF-8 encoded). Throws TypeError for unsupported
// dtypes.
Tensor tensor_view(const py::array& a);
// Owned copy of an array.
Tensor tensor_copy(const py::array& a);
// A NumPy array that takes over the tensor's buffer (kept alive through a capsule) when `t`
// holds its only reference, or a copy otherwise. A string tensor becomes an object array of
// `bytes`.
py::array to_numpy(const Tensor& t);

// Attributes travel as (kind, value) pairs: ("int", 3), ("float", 1.0), ("bool", True),
// ("str", "x"), ("dtype", 1), ("shape", None | [dims, None for unknown]), ("ints", [..]),
// ("tensor", ndarray; an object array of bytes for a string tensor).
AttrValue attr_from_python(const py::handle& kind_value);
py::object attr_to_python(const AttrValue& v);
PartialShape shape_from_python(const py::handle& h);
py::object shape_to_python(const PartialShape& s);

}  // namespace pgx::py_bind
