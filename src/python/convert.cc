// NumPy <-> Tensor and attribute conversions.
#include "convert.h"

#include <cstring>

#include <pybind11/stl.h>

#include "pygraphx/status.h"

namespace pgx::py_bind {

DType dtype_from_numpy(const py::dtype& dt) {
  const char kind = dt.kind();
  const auto size = dt.itemsize();
  if (kind == 'f' && size == 4) return DType::kFloat32;
  if (kind == 'f' && size == 8) return DType::kFloat64;
  if (kind == 'i' && size == 4) return DType::kInt32;
  if (kind == 'i' && size == 8) return DType::kInt64;
  if (kind == 'b') return DType::kBool;
  if (kind == 'O' || kind == 'S' || kind == 'U') return DType::kString;
  throw TypeError("unsupported array dtype " + std::string(py::str(dt)));
}

py::dtype numpy_dtype(DType t) {
  switch (t) {
    case DType::kFloat32: return py::dtype::of<float>();
    case DType::kFloat64: return py::dtype::of<double>();
    case DType::kInt32: return py::dtype::of<int32_t>();
    case DType::kInt64: return py::dtype::of<int64_t>();
    case DType::kBool: return py::dtype::of<bool>();
    case DType::kString: return py::dtype("O");
    default: throw TypeError("invalid dtype");
  }
}

namespace {
Dims dims_of(const py::array& a) {
  Dims d(a.ndim());
  for (py::ssize_t i = 0; i < a.ndim(); ++i) d[i] = a.shape(i);
  return d;
}
}  // namespace

// A string tensor with a copy of every element of an object, bytes ('S') or str ('U') array:
// bytes are taken as they are, str is encoded as UTF-8 (as TF does); anything else is a
// TypeError.
Tensor string_tensor_copy(const py::array& a) {
  Tensor out(DType::kString, dims_of(a));
  std::string* dst = out.data<std::string>();
  py::object flat = a.attr("ravel")();
  int64_t i = 0;
  for (py::handle item : flat) {
    if (PyBytes_Check(item.ptr())) {
      char* p = nullptr;
      Py_ssize_t n = 0;
      PyBytes_AsStringAndSize(item.ptr(), &p, &n);
      dst[i].assign(p, static_cast<size_t>(n));
    } else if (PyUnicode_Check(item.ptr())) {
      Py_ssize_t n = 0;
      const char* p = PyUnicode_AsUTF8AndSize(item.ptr(), &n);
      if (!p) throw py::error_already_set();
      dst[i].assign(p, static_cast<size_t>(n));
    } else {
      throw TypeError("Expected string (bytes or str), got " + std::string(py::repr(item)) +
                      " of type '" + std::string(py::str(py::type::handle_of(item).attr("__name__"))) +
                      "' in a string tensor");
    }
    ++i;
  }
  return out;
}

Tensor tensor_view(const py::array& a) {
  const DType t = dtype_from_numpy(a.dtype());
  if (t == DType::kString) return string_tensor_copy(a);
  if (!(a.flags() & py::array::c_style))
    throw ValueError("array must be C-contiguous");
  py::object keep = py::reinterpret_borrow<py::object>(a);
  auto* holder = new py::object(std::move(keep));
  auto buf = Buffer::wrap(const_cast<void*>(a.data()), a.nbytes(), [holder] {
    py::gil_scoped_acquire gil;
    delete holder;
  });
  return Tensor(t, dims_of(a), std::move(buf));
}

Tensor tensor_copy(const py::array& a) {
  const DType t = dtype_from_numpy(a.dtype());
  if (t == DType::kString) return string_tensor_copy(a);
  py::array c = py::array::ensure(a, py::array::c_style);
  Tensor out(t, dims_of(c));
  if (out.bytes()) std::memcpy(out.raw(), c.data(), out.bytes());
  return out;
}

py::array to_numpy(const Tensor& t) {
  std::vector<py::ssize_t> shape(t.shape().begin(), t.shape().end());
  if (t.dtype() == DType::kString) {
    py::array out(py::dtype("O"), shape);
    auto** slots = static_cast<PyObject**>(out.mutable_data());
    const std::string* src = t.data<std::string>();
    for (int64_t i = 0; i < t.size(); ++i) {
      PyObject* b = PyBytes_FromStringAndSize(src[i].data(), static_cast<Py_ssize_t>(src[i].size()));
      if (!b) throw py::error_already_set();
      Py_XDECREF(slots[i]);  // a fresh object array holds None references
      slots[i] = b;
    }
    return out;
  }
  // Zero-copy only when nothing else (a constant, a variable, a feed) holds the buffer, so a
  // caller writing into the array can never change graph or session state.
  if (!t.buffer()->owned() || t.buffer().use_count() > 1) {
    py::array out(numpy_dtype(t.dtype()), shape);
    if (t.bytes()) std::memcpy(out.mutable_data(), t.raw(), t.bytes());
    return out;
  }
  auto* keep = new std::shared_ptr<Buffer>(t.buffer());
  py::capsule owner(keep, [](void* p) { delete static_cast<std::shared_ptr<Buffer>*>(p); });
  return py::array(numpy_dtype(t.dtype()), shape, t.raw(), owner);
}

PartialShape shape_from_python(const py::handle& h) {
  if (h.is_none()) return PartialShape::unknown();
  Dims d;
  for (py::handle x : h) d.push_back(x.is_none() ? -1 : x.cast<int64_t>());
  return PartialShape(std::move(d));
}

py::object shape_to_python(const PartialShape& s) {
  if (!s.rank_known()) return py::none();
  py::list out;
  for (int64_t d : s.dims()) {
    if (d < 0)
      out.append(py::none());
    else
      out.append(py::int_(d));
  }
  return std::move(out);
}

AttrValue attr_from_python(const py::handle& kv) {
  py::tuple t = py::reinterpret_borrow<py::tuple>(kv);
  const std::string kind = t[0].cast<std::string>();
  py::handle v = t[1];
  if (kind == "int") return v.cast<int64_t>();
  if (kind == "float") return v.cast<double>();
  if (kind == "bool") return v.cast<bool>();
  if (kind == "str") return v.cast<std::string>();
  if (kind == "dtype") {
    const int raw = v.cast<int>();
    if (!dtype_is_valid(raw)) throw TypeError("invalid dtype code " + std::to_string(raw));
    return static_cast<DType>(raw);
  }
  if (kind == "shape") return shape_from_python(v);
  if (kind == "ints") return v.cast<std::vector<int64_t>>();
  if (kind == "tensor") return tensor_copy(py::reinterpret_borrow<py::array>(v));
  throw TypeError("unknown attribute kind '" + kind + "'");
}

py::object attr_to_python(const AttrValue& v) {
  return std::visit(
      [](const auto& x) -> py::object {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, int64_t>) return py::make_tuple("int", x);
        if constexpr (std::is_same_v<X, double>) return py::make_tuple("float", x);
        if constexpr (std::is_same_v<X, bool>) return py::make_tuple("bool", x);
        if constexpr (std::is_same_v<X, std::string>) return py::make_tuple("str", x);
        if constexpr (std::is_same_v<X, DType>) return py::make_tuple("dtype", int(x));
        if constexpr (std::is_same_v<X, PartialShape>)
          return py::make_tuple("shape", shape_to_python(x));
        if constexpr (std::is_same_v<X, std::vector<int64_t>>) return py::make_tuple("ints", x);
        if constexpr (std::is_same_v<X, Tensor>) return py::make_tuple("tensor", to_numpy(x));
        return py::none();
      },
      v);
}

}  // namespace pgx::py_bind
