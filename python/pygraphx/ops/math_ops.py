"""Elementwise math: arithmetic, comparisons, logic, unary functions, casts and ``add_n``.

This module also installs the ``Tensor`` operator overloads (``x + 1``, ``a < b``, ``-a``,
``a @ b`` ...) with TF1's node names: ``x + 1`` builds ``add/y`` and ``add``, ``tf.add(x, 1)``
builds ``Add/y`` and ``Add``.
"""

from __future__ import annotations

import numbers
from typing import Any, Callable, List, Optional, Sequence, Tuple

import numpy as np

from .. import dtypes as _dtypes
from ..framework import ops

__all__ = [
    "abs",
    "add",
    "add_n",
    "cast",
    "div",
    "divide",
    "equal",
    "exp",
    "floor_div",
    "floordiv",
    "floormod",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "log",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "maximum",
    "minimum",
    "mod",
    "multiply",
    "negative",
    "not_equal",
    "pow",
    "realdiv",
    "reciprocal",
    "sigmoid",
    "sign",
    "sqrt",
    "square",
    "subtract",
    "tanh",
    "to_double",
    "to_float",
    "to_int32",
    "to_int64",
    "truediv",
    "unsorted_segment_sum",
]


class DTypeMismatchError(TypeError, ValueError):
    """Inputs of one op have different dtypes.

    TF1 raises ``TypeError`` for ``tf.add(a, b)`` and ``ValueError`` for ``a + b``; this class
    is both, so code written against either keeps working.
    """


# ---------------------------------------------------------------------------------------------
# Input conversion, following TF's op-definition rules


def _is_tensor_like(value: Any) -> bool:
    return isinstance(value, ops.Tensor) or hasattr(value, "_as_graph_element")


def _convert(value: Any, dtype: Optional[_dtypes.DType], name: str) -> ops.Tensor:
    """A Tensor-like value as is; any other value as a Const of ``dtype`` named ``name``.

    Raises:
      ValueError: if ``value`` is None.
      TypeError: if the value cannot be represented in ``dtype``.
    """
    if _is_tensor_like(value):
        return ops.convert_to_tensor(value)
    if value is None:
        raise ValueError("None values not supported.")
    return ops.convert_to_tensor(value, dtype=dtype, name=name)


def _convert_inputs(op_type: str, args: Sequence[Tuple[str, Any]]) -> List[ops.Tensor]:
    """Converts inputs that share one type attribute, in order: the first fixes the dtype.

    Raises:
      DTypeMismatchError: if a Tensor input has another dtype than the first input.
      TypeError: if a Python value cannot be converted to that dtype.
      ValueError: if an input is None.
    """
    out: List[ops.Tensor] = []
    dtype: Optional[_dtypes.DType] = None
    first = ""
    for arg, value in args:
        try:
            t = _convert(value, dtype, arg)
        except (TypeError, ValueError) as e:
            if dtype is None or value is None:
                raise
            raise TypeError("Expected %s passed to parameter '%s' of op '%s', got %r of type "
                            "'%s' instead. Error: %s" % (dtype.name, arg, op_type, value,
                                                         type(value).__name__, e)) from None
        if dtype is None:
            dtype, first = t.dtype.base_dtype, arg
        elif t.dtype.base_dtype != dtype:
            raise DTypeMismatchError(
                "Input '%s' of '%s' Op has type %s that does not match type %s of argument "
                "'%s'." % (arg, op_type, t.dtype.base_dtype.name, dtype.name, first))
        out.append(t)
    return out


def _apply(op_type: str, args: Sequence[Tuple[str, Any]], name: Optional[str],
           attrs: Optional[dict] = None) -> ops.Tensor:
    """Builds one ``op_type`` node the way TF's generated wrappers do: inputs are converted
    inside the op's name scope (``Add/y``) and the node takes the scope's name."""
    with ops.name_scope(name, op_type, [v for _, v in args]) as scope:
        tensors = _convert_inputs(op_type, args)
        a = {"T": ops.attr_dtype(tensors[0].dtype)}
        if attrs:
            a.update(attrs)
        return ops.make_op(op_type, tensors, a, name=scope).outputs[0]


def _binary(op_type: str, x: Any, y: Any, name: Optional[str]) -> ops.Tensor:
    return _apply(op_type, [("x", x), ("y", y)], name)


def _unary(op_type: str, x: Any, name: Optional[str], arg: str = "x") -> ops.Tensor:
    return _apply(op_type, [(arg, x)], name)


def _binary_op(py_name: str, op_type: str, summary: str, allowed: str
               ) -> Callable[..., ops.Tensor]:
    """A public wrapper ``py_name(x, y, name=None)`` building one ``op_type`` node."""

    def fn(x: Any, y: Any, name: Optional[str] = None) -> ops.Tensor:
        return _binary(op_type, x, y, name)

    fn.__name__ = fn.__qualname__ = py_name
    fn.__doc__ = """%s, with NumPy broadcasting (op ``%s``).

    Raises:
      TypeError: if the inputs' dtypes differ (the error is also a ValueError) or are not
        %s.
      ValueError: if the static shapes cannot broadcast.
    """ % (summary, op_type, allowed)
    return fn


def _unary_op(py_name: str, op_type: str, summary: str, allowed: str
              ) -> Callable[..., ops.Tensor]:
    """A public wrapper ``py_name(x, name=None)`` building one ``op_type`` node."""

    def fn(x: Any, name: Optional[str] = None) -> ops.Tensor:
        return _unary(op_type, x, name)

    fn.__name__ = fn.__qualname__ = py_name
    fn.__doc__ = """%s (op ``%s``).

    Raises:
      TypeError: if the dtype of ``x`` is not %s.
    """ % (summary, op_type, allowed)
    return fn


_NUM = "float32, float64, int32 or int64"
_ANY = _NUM + " or bool"
_FLT = "float32 or float64"

add = _binary_op("add", "Add", "``x + y``", _NUM)
subtract = _binary_op("subtract", "Sub", "``x - y``", _NUM)
multiply = _binary_op("multiply", "Mul", "``x * y``", _NUM)
realdiv = _binary_op("realdiv", "RealDiv", "Floating-point ``x / y``", _FLT)
floor_div = _binary_op("floor_div", "FloorDiv",
                       "``x // y`` rounding toward -inf; integer division by zero fails when "
                       "run", _NUM)
floormod = _binary_op("floormod", "FloorMod",
                      "``x % y`` with the sign of ``y``, as Python; integer division by zero "
                      "fails when run", _NUM)
mod = floormod
maximum = _binary_op("maximum", "Maximum", "Elementwise maximum; NaN propagates", _NUM)
minimum = _binary_op("minimum", "Minimum", "Elementwise minimum; NaN propagates", _NUM)
equal = _binary_op("equal", "Equal", "Bool ``x == y``", _ANY)
not_equal = _binary_op("not_equal", "NotEqual", "Bool ``x != y``", _ANY)
less = _binary_op("less", "Less", "Bool ``x < y``", _NUM)
less_equal = _binary_op("less_equal", "LessEqual", "Bool ``x <= y``", _NUM)
greater = _binary_op("greater", "Greater", "Bool ``x > y``", _NUM)
greater_equal = _binary_op("greater_equal", "GreaterEqual", "Bool ``x >= y``", _NUM)
logical_and = _binary_op("logical_and", "LogicalAnd", "Elementwise AND", "bool")
logical_or = _binary_op("logical_or", "LogicalOr", "Elementwise OR", "bool")

negative = _unary_op("negative", "Neg", "``-x``", _NUM)
square = _unary_op("square", "Square", "``x * x``", _NUM)
sign = _unary_op("sign", "Sign", "-1, 0 or 1 by the sign of ``x``; NaN stays NaN", _NUM)
sqrt = _unary_op("sqrt", "Sqrt", "Square root", _FLT)
exp = _unary_op("exp", "Exp", "``e ** x``", _FLT)
log = _unary_op("log", "Log", "Natural logarithm", _FLT)
reciprocal = _unary_op("reciprocal", "Reciprocal", "``1 / x``", _FLT)
logical_not = _unary_op("logical_not", "LogicalNot", "Elementwise NOT", "bool")


# ---------------------------------------------------------------------------------------------
# Binary arithmetic


_TRUEDIV_TABLE = {
    _dtypes.int32: _dtypes.float64,
    _dtypes.int64: _dtypes.float64,
    _dtypes.float32: None,
    _dtypes.float64: None,
}


def truediv(x: Any, y: Any, name: Optional[str] = None) -> ops.Tensor:
    """Python 3 division: integers are cast to float64 first, as TF1's ``truediv``.

    Raises:
      TypeError: if the dtypes differ or are bool.
      ValueError: if the static shapes cannot broadcast.
    """
    with ops.name_scope(name, "truediv", [x, y]) as scope:
        x = _convert(x, None, "x")
        y = _convert(y, x.dtype.base_dtype, "y")
        x_dtype, y_dtype = x.dtype.base_dtype, y.dtype.base_dtype
        if x_dtype != y_dtype:
            raise DTypeMismatchError("`x` and `y` must have the same dtype, got %r != %r."
                                     % (x_dtype, y_dtype))
        if x_dtype not in _TRUEDIV_TABLE:
            raise TypeError("Invalid dtype %r in __truediv__. Expected one of %s."
                            % (x_dtype, sorted(d.name for d in _TRUEDIV_TABLE)))
        target = _TRUEDIV_TABLE[x_dtype]
        if target is not None:
            x = cast(x, target)
            y = cast(y, target)
        return realdiv(x, y, name=scope)


def divide(x: Any, y: Any, name: Optional[str] = None) -> ops.Tensor:
    """``x / y`` with Python 3 semantics (``truediv``).

    Raises:
      TypeError: if the dtypes differ or are bool.
      ValueError: if the static shapes cannot broadcast.
    """
    if name is not None:
        return truediv(x, y, name=name)
    if not _is_tensor_like(x):
        x = ops.convert_to_tensor(x, dtype=y.dtype.base_dtype if _is_tensor_like(y) else None)
    return x / y


def div(x: Any, y: Any, name: Optional[str] = None) -> ops.Tensor:
    """Python 2 division: ``RealDiv`` for floats, ``FloorDiv`` for integers (TF1's ``div``).

    Raises:
      TypeError: if the dtypes differ.
      ValueError: if the static shapes cannot broadcast.
    """
    with ops.name_scope(name, "div", [x, y]) as scope:
        x = _convert(x, None, "x")
        y = _convert(y, x.dtype.base_dtype, "y")
        if x.dtype.base_dtype != y.dtype.base_dtype:
            raise DTypeMismatchError("`x` and `y` must have the same dtype, got %r != %r."
                                     % (x.dtype.base_dtype, y.dtype.base_dtype))
        if x.dtype.is_floating:
            return realdiv(x, y, name=scope)
        return floor_div(x, y, name=scope)


def floordiv(x: Any, y: Any, name: Optional[str] = None) -> ops.Tensor:
    """``x // y`` rounding toward negative infinity, as Python (op ``FloorDiv``).

    Raises:
      TypeError: if the dtypes differ or are bool.
      ValueError: if the static shapes cannot broadcast.
    """
    with ops.name_scope(name, "floordiv", [x, y]) as scope:
        return floor_div(x, y, name=scope)


def pow(x: Any, y: Any, name: Optional[str] = None) -> ops.Tensor:  # noqa: A001 - TF's name
    """``x ** y`` elementwise (op ``Pow``); negative integer exponents fail at run time.

    Raises:
      TypeError: if the dtypes differ or are bool.
      ValueError: if the static shapes cannot broadcast.
    """
    with ops.name_scope(name, "Pow", [x]) as scope:
        return _binary("Pow", x, y, scope)


# ---------------------------------------------------------------------------------------------
# Comparisons and logic


def logical_xor(x: Any, y: Any, name: str = "LogicalXor") -> ops.Tensor:
    """Elementwise XOR of bool tensors, built from AND, OR and NOT as in TF1.

    Raises:
      TypeError: if an input is not bool.
      ValueError: if the static shapes cannot broadcast.
    """
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=name)


# ---------------------------------------------------------------------------------------------
# Unary functions


def abs(x: Any, name: Optional[str] = None) -> ops.Tensor:  # noqa: A001 - TF's name
    """``|x|`` (op ``Abs``).

    Raises:
      TypeError: if ``x`` is bool.
    """
    with ops.name_scope(name, "Abs", [x]) as scope:
        return _unary("Abs", _convert(x, None, "x"), scope)


def sigmoid(x: Any, name: Optional[str] = None) -> ops.Tensor:
    """``1 / (1 + exp(-x))`` (op ``Sigmoid``).

    Raises:
      TypeError: if ``x`` is not floating point.
    """
    with ops.name_scope(name, "Sigmoid", [x]) as scope:
        return _unary("Sigmoid", _convert(x, None, "x"), scope)


def tanh(x: Any, name: Optional[str] = None) -> ops.Tensor:
    """Hyperbolic tangent (op ``Tanh``).

    Raises:
      TypeError: if ``x`` is not floating point.
    """
    with ops.name_scope(name, "Tanh", [x]) as scope:
        return _unary("Tanh", _convert(x, None, "x"), scope)


def relu(features: Any, name: Optional[str] = None) -> ops.Tensor:
    """``max(features, 0)`` (op ``Relu``); exported as ``tf.nn.relu``.

    Raises:
      TypeError: if ``features`` is bool.
    """
    return _unary("Relu", features, name, arg="features")


# ---------------------------------------------------------------------------------------------
# Casts and sums


def cast(x: Any, dtype: Any, name: Optional[str] = None) -> ops.Tensor:
    """``x`` converted to ``dtype``; ``x`` itself when it already has that dtype.

    Floats convert to integers by truncation toward zero; anything converts to bool as
    "nonzero".

    Raises:
      TypeError: if ``dtype`` is not a supported type or ``x`` cannot be converted.
    """
    base = _dtypes.as_dtype(dtype).base_dtype
    if isinstance(x, ops.Tensor) and x.dtype.base_dtype == base:
        return x
    with ops.name_scope(name, "Cast", [x]) as scope:
        t = _convert(x, None, "x")
        if t.dtype.base_dtype == base:
            return t
        attrs = {"SrcT": ops.attr_dtype(t.dtype), "DstT": ops.attr_dtype(base),
                 "Truncate": ops.attr_bool(False)}
        return ops.make_op("Cast", [t], attrs, name=scope).outputs[0]


def to_float(x: Any, name: str = "ToFloat") -> ops.Tensor:
    """``cast(x, float32)``.

    Raises:
      TypeError: if ``x`` cannot be converted.
    """
    return cast(x, _dtypes.float32, name=name)


def to_double(x: Any, name: str = "ToDouble") -> ops.Tensor:
    """``cast(x, float64)``.

    Raises:
      TypeError: if ``x`` cannot be converted.
    """
    return cast(x, _dtypes.float64, name=name)


def to_int32(x: Any, name: str = "ToInt32") -> ops.Tensor:
    """``cast(x, int32)``.

    Raises:
      TypeError: if ``x`` cannot be converted.
    """
    return cast(x, _dtypes.int32, name=name)


def to_int64(x: Any, name: str = "ToInt64") -> ops.Tensor:
    """``cast(x, int64)``.

    Raises:
      TypeError: if ``x`` cannot be converted.
    """
    return cast(x, _dtypes.int64, name=name)


def add_n(inputs: Sequence[Any], name: Optional[str] = None) -> ops.Tensor:
    """The elementwise sum of tensors of one shape and dtype (op ``AddN``).

    A single input is returned as is (or through an ``Identity`` named ``name``).

    Raises:
      ValueError: if ``inputs`` is empty or not a list, or the static shapes differ.
      TypeError: if the dtypes differ.
    """
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise ValueError("inputs must be a list of at least one Tensor with the same dtype "
                         "and shape")
    tensors = [ops.convert_to_tensor(v) for v in inputs]
    if len(tensors) == 1:
        if name:
            return ops.make_op("Identity", tensors, {"T": ops.attr_dtype(tensors[0].dtype)},
                               name=name).outputs[0]
        return tensors[0]
    types = [t.dtype.base_dtype for t in tensors]
    if any(d != types[0] for d in types):
        raise DTypeMismatchError(
            "Tensors in list passed to 'inputs' of 'AddN' Op have types [%s] that don't all "
            "match." % ", ".join(d.name for d in types))
    with ops.name_scope(name, "AddN", tensors) as scope:
        attrs = {"N": ops.attr_int(len(tensors)), "T": ops.attr_dtype(types[0])}
        return ops.make_op("AddN", tensors, attrs, name=scope).outputs[0]


def unsorted_segment_sum(data: Any, segment_ids: Any, num_segments: Any,
                         name: Optional[str] = None) -> ops.Tensor:
    """Sums of the slices of ``data`` by segment: ``output[k, ...]`` adds every
    ``data[i..., ...]`` whose ``segment_ids[i...]`` is ``k`` (op ``UnsortedSegmentSum``).

    ``segment_ids``' shape must be a prefix of ``data``'s; negative ids are dropped; the
    output has shape ``[num_segments] + data.shape[segment_ids.ndim:]``.

    Raises:
      ValueError: if ``segment_ids``' static shape is not a prefix of ``data``'s.
      TypeError: if ``segment_ids`` or ``num_segments`` is not int32/int64.
      errors.InvalidArgumentError: at run time, for an id at or above ``num_segments``.
    """
    with ops.name_scope(name, "UnsortedSegmentSum", [data, segment_ids, num_segments]) as scope:
        d = ops.convert_to_tensor(data, name="data")
        ids = ops.convert_to_tensor(segment_ids, name="segment_ids")
        num = ops.convert_to_tensor(num_segments, name="num_segments")
        attrs = {"T": ops.attr_dtype(d.dtype), "Tindices": ops.attr_dtype(ids.dtype),
                 "Tnumsegments": ops.attr_dtype(num.dtype)}
        return ops.make_op("UnsortedSegmentSum", [d, ids, num], attrs, name=scope).outputs[0]


# ---------------------------------------------------------------------------------------------
# Tensor operator overloads

# Values for which a failed conversion is an error rather than a reason to let the other
# operand's reflected operator try.
_PLAIN_VALUES = (numbers.Number, np.ndarray, np.generic, list, tuple, str, bytes)


def _binary_op_wrapper(func: Callable[..., ops.Tensor], op_name: str
                       ) -> Tuple[Callable[[Any, Any], Any], Callable[[Any, Any], Any]]:
    """TF1's operator wrappers: a name scope ``op_name`` holding the converted operand."""

    def binary_op_wrapper(x: Any, y: Any) -> Any:
        with ops.name_scope(None, op_name, [x, y]) as name:
            if not isinstance(y, ops.Tensor):
                try:
                    y = _convert(y, x.dtype.base_dtype, "y")
                except TypeError:
                    if (not isinstance(y, _PLAIN_VALUES) and
                            hasattr(type(y), "__r%s__" % op_name)):
                        return NotImplemented
                    raise
            return func(x, y, name=name)

    def r_binary_op_wrapper(y: Any, x: Any) -> Any:
        with ops.name_scope(None, op_name, [x, y]) as name:
            x = _convert(x, y.dtype.base_dtype, "x")
            return func(x, y, name=name)

    binary_op_wrapper.__name__ = "__%s__" % op_name
    r_binary_op_wrapper.__name__ = "__r%s__" % op_name
    return binary_op_wrapper, r_binary_op_wrapper


def _matmul(x: Any, y: Any, name: Optional[str] = None) -> ops.Tensor:
    from . import linalg_ops

    return linalg_ops.matmul(x, y, name=name)


def _install_operators() -> None:
    binary = [
        (add, "add"), (subtract, "sub"), (multiply, "mul"), (div, "div"),
        (truediv, "truediv"), (floordiv, "floordiv"), (floormod, "mod"), (pow, "pow"),
        (logical_and, "and"), (logical_or, "or"), (logical_xor, "xor"), (_matmul, "matmul"),
    ]
    for func, op_name in binary:
        fwd, rev = _binary_op_wrapper(func, op_name)
        ops.Tensor._override_operator("__%s__" % op_name, fwd)
        ops.Tensor._override_operator("__r%s__" % op_name, rev)
    ops.Tensor._override_operator("__lt__", less)
    ops.Tensor._override_operator("__le__", less_equal)
    ops.Tensor._override_operator("__gt__", greater)
    ops.Tensor._override_operator("__ge__", greater_equal)
    ops.Tensor._override_operator("__neg__", negative)
    ops.Tensor._override_operator("__abs__", abs)
    ops.Tensor._override_operator("__invert__", logical_not)


_install_operators()
