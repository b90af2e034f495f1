"""Conversion of Python and NumPy values to tensors, and the attribute helpers op wrappers use
to create nodes.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from .. import dtypes as _dtypes
from .graph import Graph, get_default_graph
from .tensor import Operation, Tensor
from .tensor_shape import as_shape

__all__ = [
    "convert_to_tensor",
    "convert_n_to_tensor",
    "register_tensor_conversion_function",
    "constant_tensor",
    "make_op",
]

# ---------------------------------------------------------------------------------------------
# Conversion of Python values to tensors

_conversion_functions: List[Tuple[type, Callable]] = []


def register_tensor_conversion_function(base_type: Any, conversion_func: Callable,
                                        priority: int = 100) -> None:
    """Registers ``conversion_func(value, dtype=None, name=None, as_ref=False)``."""
    global _python_numbers_unclaimed
    _conversion_functions.append((base_type, conversion_func))
    bases = base_type if isinstance(base_type, tuple) else (base_type,)
    if any(issubclass(t, b) for b in bases for t in (int, float, list, tuple)):
        _python_numbers_unclaimed = False


# Whether no registered conversion function claims Python ints, floats, lists or tuples (so
# the fast paths of convert_to_tensor for them keep the registry's semantics).
_python_numbers_unclaimed = True
_INT32_MIN, _INT32_MAX = -2 ** 31, 2 ** 31 - 1
_INT64_MIN, _INT64_MAX = -2 ** 63, 2 ** 63 - 1


def _number_array(value: Any, cls: type, dtype: Optional[_dtypes.DType]
                  ) -> Optional[np.ndarray]:
    """``_to_numpy`` of a Python int or float (``cls`` is its exact type) for the common
    cases, with the same result; None for anything that needs ``_to_numpy``'s checks."""
    if dtype is None:
        if cls is float:
            return np.asarray(np.asarray(value), dtype=np.float32, order="C")
        if _INT32_MIN <= value <= _INT32_MAX:
            return np.asarray(value, dtype=np.int32)
        return None
    code = dtype._enum
    if code == 1 or code == 2:  # float32, float64 (ints convert too)
        if cls is int and not _INT64_MIN <= value <= _INT64_MAX:
            return None
        return np.asarray(np.asarray(value), dtype=dtype._np, order="C")
    if cls is int and ((code == 3 and _INT32_MIN <= value <= _INT32_MAX)
                       or (code == 9 and _INT64_MIN <= value <= _INT64_MAX)):
        return np.asarray(value, dtype=dtype._np)
    return None


def _int_list_array(value: Any, dtype: Optional[_dtypes.DType]) -> Optional[np.ndarray]:
    """``_to_numpy`` of a non-empty flat list/tuple of Python ints converted to int32 (inferred
    or asked for), with the same result; None otherwise."""
    if not value or (dtype is not None and dtype._enum != 3):
        return None
    for v in value:
        if v.__class__ is not int or not _INT32_MIN <= v <= _INT32_MAX:
            return None
    return np.array(value, dtype=np.int32)


def _is_text(x: Any) -> bool:
    return isinstance(x, (bytes, str))


def _is_string_value(value: Any) -> bool:
    """Whether ``value`` is string data: bytes/str, a NumPy bytes/str array or scalar, an
    object array of bytes/str, or a (nested) list of them."""
    if _is_text(value):
        return True
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        if arr.dtype.kind in "SU":
            return True
        return arr.dtype == object and arr.size > 0 and all(_is_text(x) for x in arr.flat)
    if isinstance(value, (list, tuple)):
        first = next(_python_leaves(value), None)
        if not (_is_text(first) or (isinstance(first, np.ndarray) and _is_string_value(first))):
            return False  # numeric data is recognised from its first leaf, without a full scan
        return all(_is_text(x) or (isinstance(x, np.ndarray) and _is_string_value(x))
                   for x in _python_leaves(value))
    return False


def _string_array(value: Any) -> np.ndarray:
    """``value`` as a C-ordered object array of ``bytes`` (str encoded as UTF-8, as TF does).

    Raises:
      TypeError: naming the first element that is not bytes or str.
    """
    arr = np.asarray(value, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    flat_out = out.reshape(-1)
    for i, x in enumerate(arr.flat):
        if isinstance(x, bytes):
            flat_out[i] = bytes(x)
        elif isinstance(x, str):
            flat_out[i] = x.encode("utf-8")
        else:
            raise TypeError("Expected string, but got %r of type '%s'."
                            % (x, type(x).__name__))
    return out


def _infer_dtype(value: Any) -> _dtypes.DType:
    """TF1's default dtype for a Python/NumPy value: float32 for floats, int32 for ints,
    string for bytes/str."""
    if _is_string_value(value):
        return _dtypes.string
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        arr = np.asarray(value)
        if arr.dtype.kind == "f" and arr.dtype.itemsize == 2:
            raise TypeError("float16 is not supported")
        if arr.dtype.kind in "fiub":
            if arr.dtype.kind == "u":
                return _dtypes.int64
            return _dtypes.as_dtype(arr.dtype if arr.dtype.itemsize >= 4 or arr.dtype.kind == "b"
                                    else np.int32)
        raise TypeError("Unsupported NumPy dtype %s" % arr.dtype)
    arr = np.asarray(value)
    if arr.dtype == object or arr.dtype.kind in "USO":
        raise TypeError("Failed to convert object of type %s to Tensor. Contents: %s. "
                        "Consider casting elements to a supported type."
                        % (type(value), value))
    if arr.dtype.kind == "b":
        return _dtypes.bool
    if arr.dtype.kind == "f":
        return _dtypes.float32
    if arr.dtype.kind in "iu":
        if arr.size and (arr.max() > np.iinfo(np.int32).max or arr.min() < np.iinfo(np.int32).min):
            return _dtypes.int64
        return _dtypes.int32
    raise TypeError("Failed to convert object of type %s to Tensor." % type(value))


def _python_leaves(value: Any) -> Iterator[Any]:
    """The scalars of a nested Python list/tuple (NumPy arrays inside count as one leaf)."""
    if isinstance(value, (list, tuple)):
        for v in value:
            yield from _python_leaves(v)
    else:
        yield value


def _to_numpy(value: Any, dtype: Optional[_dtypes.DType]) -> np.ndarray:
    """``value`` as an array of ``dtype`` (inferred when None), with TF1's checks.

    NumPy arrays and scalars are cast to ``dtype`` as in TF1 (``astype``); Python values must
    be compatible element by element: a float where an integer is expected, or a non-bool where
    a bool is expected, is a TypeError (bools are accepted as numbers, as in TF).

    Raises:
      ValueError: for ``None``, or Python integers outside an integer ``dtype``'s range.
      TypeError: for values that cannot be converted to ``dtype``.
    """
    if value is None:
        raise ValueError("None values not supported.")
    cls = value.__class__
    if cls is float or cls is int:
        arr = _number_array(value, cls, None if dtype is None else dtype.base_dtype)
        if arr is not None:
            return arr
    elif cls is list or cls is tuple:
        arr = _int_list_array(value, None if dtype is None else dtype.base_dtype)
        if arr is not None:
            return arr
    return _to_numpy_general(value, dtype)


def _to_numpy_general(value: Any, dtype: Optional[_dtypes.DType]) -> np.ndarray:
    """``_to_numpy`` without its shortcuts for Python numbers and int lists."""
    if value is None:
        raise ValueError("None values not supported.")
    if dtype is None:
        dtype = _infer_dtype(value)
    dtype = dtype.base_dtype
    if dtype.is_string:
        return _string_array(value)
    if _is_string_value(value):
        leaf = value if _is_text(value) else next(
            x for x in np.asarray(value, dtype=object).flat if _is_text(x))
        raise TypeError("Expected %s, but got %r of type '%s'."
                        % (dtype.name, leaf, type(leaf).__name__))
    arr = np.asarray(value)
    if arr.dtype == object or arr.dtype.kind in "USO":
        raise TypeError("Failed to convert object of type %s to Tensor. Contents: %s. "
                        "Consider casting elements to a supported type."
                        % (type(value), value))
    if not isinstance(value, (np.ndarray, np.generic)):
        for leaf in _python_leaves(value):
            if isinstance(leaf, np.ndarray):
                continue
            bad = False
            if dtype.is_integer:
                bad = isinstance(leaf, (float, np.floating))
            elif dtype.is_bool:
                bad = not isinstance(leaf, (bool, np.bool_))
            if bad:
                raise TypeError("Expected %s, got %r of type '%s' instead."
                                % (dtype.name, leaf, type(leaf).__name__))
        if dtype.is_integer and arr.dtype.kind in "iu" and arr.size:
            # Python integers that do not fit would wrap silently in the cast below.
            info = np.iinfo(dtype.as_numpy_dtype)
            lo, hi = int(arr.min()), int(arr.max())
            if lo < info.min or hi > info.max:
                raise ValueError("Value %d is out of range for %s [%d, %d]"
                                 % (lo if lo < info.min else hi, dtype.name, info.min, info.max))
    return np.asarray(arr, dtype=dtype.as_numpy_dtype, order="C")


def convert_to_tensor(value: Any, dtype: Any = None, name: Optional[str] = None,
                      preferred_dtype: Any = None, as_ref: bool = False) -> Tensor:
    """Converts a Tensor, Variable, NumPy array or Python value to a Tensor.

    Raises:
      ValueError: if a Tensor's dtype differs from ``dtype``.
      TypeError: if the value cannot be converted.
    """
    dtype = None if dtype is None else _dtypes.as_dtype(dtype)
    cls = value.__class__
    if _python_numbers_unclaimed:
        arr = None
        if cls is float or cls is int:
            if dtype is None and preferred_dtype is not None:
                arr = _number_array(value, cls, _dtypes.as_dtype(preferred_dtype).base_dtype)
            else:
                arr = _number_array(value, cls, None if dtype is None else dtype.base_dtype)
        elif (cls is list or cls is tuple) and dtype is None and preferred_dtype is None:
            arr = _int_list_array(value, None)
        if arr is not None:
            return constant_tensor(arr, name=name or "Const")
    if cls is Tensor:
        if dtype is not None and not dtype.base_dtype == value._dtype.base_dtype:
            raise ValueError("Tensor conversion requested dtype %s for Tensor with dtype %s: %r"
                             % (dtype.base_dtype.name, value.dtype.name, value))
        return value
    if isinstance(value, Tensor):
        if dtype is not None and not dtype.base_dtype == value.dtype.base_dtype:
            raise ValueError("Tensor conversion requested dtype %s for Tensor with dtype %s: %r"
                             % (dtype.base_dtype.name, value.dtype.name, value))
        return value
    for base, fn in _conversion_functions:
        if isinstance(value, base):
            t = fn(value, dtype=dtype, name=name, as_ref=as_ref)
            if dtype is not None and not dtype.base_dtype == t.dtype.base_dtype:
                raise ValueError("Tensor conversion requested dtype %s for Tensor with dtype "
                                 "%s: %r" % (dtype.base_dtype.name, t.dtype.name, t))
            return t
    if isinstance(value, Operation):
        raise TypeError("Can't convert Operation '%s' to Tensor (target dtype=%s, name=%s)"
                        % (value.name, dtype, name))
    if dtype is None and preferred_dtype is not None:
        try:
            arr = _to_numpy(value, _dtypes.as_dtype(preferred_dtype))
            return constant_tensor(arr, name=name or "Const")
        except (TypeError, ValueError):
            pass
    if isinstance(value, (list, tuple)) and any(
            isinstance(v, Tensor) or hasattr(v, "_as_graph_element")
            for v in _flatten_nested(value)):
        from ..ops import array_ops

        return array_ops._autopack(value, dtype=dtype, name=name or "packed")
    arr = _to_numpy(value, dtype)
    return constant_tensor(arr, name=name or "Const")


def _flatten_nested(value: Any) -> list:
    out = []
    for v in value:
        if isinstance(v, (list, tuple)):
            out.extend(_flatten_nested(v))
        else:
            out.append(v)
    return out


def constant_tensor(arr: np.ndarray, name: str = "Const") -> Tensor:
    """A Const node holding a copy of ``arr`` (already of a supported dtype; an object array
    of bytes for a string constant)."""
    g = get_default_graph()
    d = _DTYPE_BY_NUMPY.get(arr.dtype) or _dtypes.as_dtype(arr.dtype)
    attrs = {"value": ("tensor", arr), "dtype": ("dtype", d.as_datatype_enum)}
    op = g.create_op("Const", [], attrs, name=name)
    return op._outputs[0]


def convert_n_to_tensor(values: Sequence[Any], dtype: Any = None,
                        name: Optional[str] = None) -> List[Tensor]:
    return [convert_to_tensor(v, dtype=dtype, name=None if name is None else "%s_%d" % (name, i))
            for i, v in enumerate(values)]


# ---------------------------------------------------------------------------------------------
# Attribute helpers for op wrappers


def attr_dtype(d: Any) -> tuple:
    if d.__class__ is _DType:
        return ("dtype", d._enum)  # the base type's code, for a ref type too
    return ("dtype", _dtypes.as_dtype(d).base_dtype.as_datatype_enum)


_DType = _dtypes.DType
_DTYPE_BY_NUMPY = dict(_dtypes._BY_NP)


def attr_shape(s: Any) -> tuple:
    return ("shape", as_shape(s)._to_core())


def attr_int(v: int) -> tuple:
    return ("int", int(v))


def attr_float(v: float) -> tuple:
    return ("float", float(v))


def attr_bool(v: bool) -> tuple:
    return ("bool", bool(v))


def attr_str(v: str) -> tuple:
    return ("str", str(v))


def attr_ints(v: Sequence[int]) -> tuple:
    return ("ints", [int(x) for x in v])


def attr_tensor(arr: np.ndarray) -> tuple:
    return ("tensor", np.asarray(arr, order="C"))


def make_op(op_type: str, inputs: Sequence[Tensor], attrs: Optional[dict] = None,
            name: Optional[str] = None, graph: Optional[Graph] = None) -> Operation:
    """Creates an op in the inputs' graph (or the default graph), checking they share one."""
    g = graph
    for t in inputs:
        if g is None:
            g = t.graph
        elif t.graph is not g:
            raise ValueError("%s must be from the same graph as %s." % (t, inputs[0]))
    if g is None:
        g = get_default_graph()
    return g.create_op(op_type, inputs, attrs, name=name)
