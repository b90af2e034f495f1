"""Reductions: ``reduce_sum``, ``reduce_mean``, ``reduce_max``, ``reduce_min``, ``reduce_prod``,
``reduce_all``, ``reduce_any``, ``argmax`` and ``argmin``, with TF1's signatures and node names.

The axes are a second input tensor, as in TF: ``axis=None`` becomes a ``Const`` of all axes in
the current name scope; an explicit axis becomes ``<op>/reduction_indices``.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .. import dtypes as _dtypes
from ..framework import ops

__all__ = [
    "reduce_sum",
    "reduce_mean",
    "reduce_max",
    "reduce_min",
    "reduce_prod",
    "reduce_all",
    "reduce_any",
    "argmax",
    "argmin",
]

_INDEX_DTYPES = (_dtypes.int32, _dtypes.int64)


def _lookup(new_name: str, new_value: Any, old_name: str, old_value: Any) -> Any:
    """TF's deprecated_argument_lookup.

    Raises:
      ValueError: if both the new and the deprecated argument are given.
    """
    if old_value is not None:
        if new_value is not None:
            raise ValueError("Cannot specify both '%s' and '%s'." % (old_name, new_name))
        return old_value
    return new_value


def _is_tensor_like(value: Any) -> bool:
    return isinstance(value, ops.Tensor) or hasattr(value, "_as_graph_element")


def _index_tensor(value: Any, name: str) -> ops.Tensor:
    """``value`` (a tensor or Python/NumPy integers) as an int32/int64 tensor named ``name``.

    Raises:
      TypeError: if the value is not of an integer type.
    """
    if _is_tensor_like(value):
        t = ops.convert_to_tensor(value)
        if t.dtype.base_dtype not in _INDEX_DTYPES:
            raise TypeError("Value passed to parameter '%s' has DataType %s not in list of "
                            "allowed values: int32, int64" % (name, t.dtype.base_dtype.name))
        return t
    arr = np.asarray(value)
    if arr.size == 0 and arr.dtype.kind not in "iu":
        # TF first converts an empty list with its default dtype (float32), rejects it and
        # converts again as int32; the first constant stays in the graph, so the axes node
        # is "<name>_1". Kept for identical node names.
        ops.constant_tensor(np.zeros(arr.shape, np.float32), name=name)
        return ops.constant_tensor(np.zeros(arr.shape, np.int32), name=name)
    if arr.dtype.kind not in "iu":
        raise TypeError("Value passed to parameter '%s' has DataType %s not in list of "
                        "allowed values: int32, int64" % (name, ops._infer_dtype(value).name))
    return ops.convert_to_tensor(value, name=name)


def _all_axes(input_tensor: Any) -> ops.Tensor:
    """TF's ``_ReductionDims`` for ``axis=None``: a ``Const`` of every axis when the input is
    a tensor of known rank, ``Range(0, Rank(x), 1)`` otherwise (TF takes this path for Python
    and NumPy inputs too, so ``reduce_sum([[1., 2.]])`` builds ``Rank/Const``, ``Rank`` and
    ``range`` before ``Sum/input``)."""
    x: Any = input_tensor
    rank = None
    if _is_tensor_like(input_tensor):
        x = ops.convert_to_tensor(input_tensor)
        rank = x.shape.ndims
    if rank is None:
        from . import array_ops

        r = array_ops.rank(x)
        with ops.name_scope(None, "range", [r]) as scope:
            start = ops.constant_tensor(np.array(0, np.int32), name="start")
            delta = ops.constant_tensor(np.array(1, np.int32), name="delta")
            return ops.make_op("Range", [start, r, delta],
                               {"Tidx": ops.attr_dtype(_dtypes.int32)}, name=scope).outputs[0]
    return ops.constant_tensor(np.arange(rank, dtype=np.int32), name="Const")


def _reduce(op_type: str, input_tensor: Any, axis: Any, keepdims: Any, name: Optional[str],
            reduction_indices: Any, keep_dims: Any) -> ops.Tensor:
    axis = _lookup("axis", axis, "reduction_indices", reduction_indices)
    keepdims = _lookup("keepdims", keepdims, "keep_dims", keep_dims)
    keepdims = False if keepdims is None else bool(keepdims)
    axes = _all_axes(input_tensor) if axis is None else None
    with ops.name_scope(name, op_type, [input_tensor]) as scope:
        x = ops.convert_to_tensor(input_tensor, name="input")
        if axes is None:
            axes = _index_tensor(axis, "reduction_indices")
        attrs = {"T": ops.attr_dtype(x.dtype), "Tidx": ops.attr_dtype(axes.dtype),
                 "keep_dims": ops.attr_bool(keepdims)}
        out = ops.make_op(op_type, [x, axes], attrs, name=scope).outputs[0]
    if axis is None and not keepdims and out.shape.ndims is None:
        out.set_shape(())  # TF's _may_reduce_to_scalar
    elif axis is None and keepdims and x.shape.ndims is not None:
        # Axes from Range(0, Rank(x)) with a known rank: TF's shape inference evaluates that
        # constant subgraph, so every dimension is known to be 1.
        out.set_shape([1] * x.shape.ndims)
    return out


_REDUCE_DOC = """{summary}

    Args:
      input_tensor: the tensor to reduce{types}.
      axis: the dimensions to reduce (an int, a list of ints or an int32/int64 tensor;
        negative values count from the end). None reduces all dimensions.
      keepdims: if true, reduced dimensions are kept with length 1.
      name: the op's name (default "{op}").
      reduction_indices: deprecated alias of ``axis``.
      keep_dims: deprecated alias of ``keepdims``.

    Returns:
      The reduced tensor, of the input's dtype.

    Raises:
      ValueError: if an axis is out of range for the input's static rank, the axis has rank
        above 1, or both an argument and its deprecated alias are given.
      TypeError: if the input's dtype is not accepted{types} or the axis is not integer.
      errors.InvalidArgumentError: at run time, for an out-of-range or repeated axis that was
        not a constant.
    """


def _make_reduction(py_name: str, op_type: str, summary: str, types: str) -> Any:
    def reduction(input_tensor: Any, axis: Any = None, keepdims: Any = None,
                  name: Optional[str] = None, reduction_indices: Any = None,
                  keep_dims: Any = None) -> ops.Tensor:
        return _reduce(op_type, input_tensor, axis, keepdims, name, reduction_indices,
                       keep_dims)

    reduction.__name__ = reduction.__qualname__ = py_name
    reduction.__doc__ = _REDUCE_DOC.format(summary=summary, types=types, op=op_type)
    return reduction


_NUMERIC = " (float32, float64, int32 or int64)"
reduce_sum = _make_reduction("reduce_sum", "Sum", "Sum of elements across dimensions.",
                             _NUMERIC)
reduce_mean = _make_reduction(
    "reduce_mean", "Mean",
    "Mean of elements across dimensions (integer inputs use integer division, as TF).",
    _NUMERIC)
reduce_max = _make_reduction("reduce_max", "Max",
                             "Maximum across dimensions (NaN propagates; -inf when empty).",
                             _NUMERIC)
reduce_min = _make_reduction("reduce_min", "Min",
                             "Minimum across dimensions (NaN propagates; inf when empty).",
                             _NUMERIC)
reduce_prod = _make_reduction("reduce_prod", "Prod", "Product of elements across dimensions.",
                              _NUMERIC)
reduce_all = _make_reduction("reduce_all", "All", "Logical and across dimensions.",
                             " (bool)")
reduce_any = _make_reduction("reduce_any", "Any", "Logical or across dimensions.", " (bool)")


def _arg_reduce(op_type: str, input: Any, axis: Any, output_type: Any,  # noqa: A002
                name: Optional[str]) -> ops.Tensor:
    out_t = _dtypes.as_dtype(output_type).base_dtype
    if out_t not in _INDEX_DTYPES:
        raise TypeError("Value passed to parameter 'output_type' has DataType %s not in list "
                        "of allowed values: int32, int64" % out_t.name)
    if not _is_tensor_like(axis):
        arr = np.asarray(axis)
        if arr.ndim != 0 or arr.dtype.kind not in "iu":
            raise TypeError("axis must be int or Tensor with integer datatype")
    with ops.name_scope(name, op_type, [input]) as scope:
        x = ops.convert_to_tensor(input, name="input")
        dim = _index_tensor(axis, "dimension")
        attrs = {"T": ops.attr_dtype(x.dtype), "Tidx": ops.attr_dtype(dim.dtype),
                 "output_type": ops.attr_dtype(out_t)}
        return ops.make_op(op_type, [x, dim], attrs, name=scope).outputs[0]


def argmax(input: Any, axis: Any = None, name: Optional[str] = None,  # noqa: A002
           dimension: Any = None, output_type: Any = _dtypes.int64) -> ops.Tensor:
    """Index of the largest value along ``axis`` (0 when None). Ties give the first index; NaN
    never wins unless all values are NaN.

    Args:
      input: the tensor to search.
      axis: the dimension to reduce (an int or an integer scalar tensor; default 0).
      name: the op's name (default "ArgMax").
      dimension: deprecated alias of ``axis``.
      output_type: int32 or int64 (the default).

    Returns:
      An ``output_type`` tensor with ``axis`` removed from the input's shape.

    Raises:
      ValueError: if both ``axis`` and ``dimension`` are given, or the axis is out of range.
      TypeError: if ``axis`` is not an integer scalar or ``output_type`` is not int32/int64.
      errors.InvalidArgumentError: at run time, for an out-of-range fed axis or an empty axis.
    """
    axis = _lookup("axis", axis, "dimension", dimension)
    return _arg_reduce("ArgMax", input, 0 if axis is None else axis, output_type, name)


def argmin(input: Any, axis: Any = None, name: Optional[str] = None,  # noqa: A002
           dimension: Any = None, output_type: Any = _dtypes.int64) -> ops.Tensor:
    """Index of the smallest value along ``axis`` (0 when None); see ``argmax``.

    Raises:
      ValueError: if both ``axis`` and ``dimension`` are given, or the axis is out of range.
      TypeError: if ``axis`` is not an integer scalar or ``output_type`` is not int32/int64.
      errors.InvalidArgumentError: at run time, for an out-of-range fed axis or an empty axis.
    """
    axis = _lookup("axis", axis, "dimension", dimension)
    return _arg_reduce("ArgMin", input, 0 if axis is None else axis, output_type, name)
