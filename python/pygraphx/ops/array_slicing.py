"""Slicing and gathering: Slice, StridedSlice (``Tensor.__getitem__``), Tile and GatherV2.

Re-exported by ``array_ops``; importing this module installs ``Tensor.__getitem__``, which
builds TF1's ``strided_slice`` nodes (with ``strided_slice/stack*`` index constants).
"""

from __future__ import annotations

import builtins
import numbers
from typing import Any, Optional, Sequence

import numpy as np

from .. import dtypes as _dtypes
from ..framework import ops
from ..framework.tensor_shape import Dimension
from . import constant_op
from .array_ops import (_INDEX_DTYPES, _autopack, _constant_value, _create, _index_tensor,
                        _t_attr, ones_like)

__all__ = ["slice", "strided_slice", "tile", "gather"]

_BUILTIN_SLICE = builtins.slice
_SLICE_TYPE_ERROR = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                     "scalar tf.int32/tf.int64 tensors are valid indices")

def slice(input_: Any, begin: Any, size: Any,  # noqa: A001
          name: Optional[str] = None) -> ops.Tensor:
    """The block of ``size`` elements (-1: to the end) starting at ``begin`` (op Slice).

    Raises:
      ValueError: if ``begin``/``size`` do not match the rank.
      TypeError: if ``begin`` or ``size`` is not integral.
    """
    with ops.name_scope(name, "Slice", [input_, begin, size]) as scope:
        x = ops.convert_to_tensor(input_, name="input")
        b = _index_tensor(begin, "begin")
        s = _index_tensor(size, "size", dtype=b.dtype)
        return _create("Slice", [x, b, s], {"T": _t_attr(x), "Index": _t_attr(b)},
                       scope).outputs[0]


def strided_slice(input_: Any, begin: Any, end: Any, strides: Any = None, begin_mask: int = 0,
                  end_mask: int = 0, ellipsis_mask: int = 0, new_axis_mask: int = 0,
                  shrink_axis_mask: int = 0, var: Any = None,
                  name: Optional[str] = None) -> ops.Tensor:
    """NumPy-style strided slicing with TF's mask encoding (op StridedSlice).

    Raises:
      ValueError: if an index is statically out of bounds, a stride is zero, or the spec uses
        more dimensions than the input has.
      TypeError: if an index argument is not integral.
    """
    if strides is None:
        strides = ones_like(begin)
    with ops.name_scope(name, "StridedSlice", [input_, begin, end, strides]) as scope:
        x = ops.convert_to_tensor(input_, name="input")
        b = _index_tensor(begin, "begin")
        e = _index_tensor(end, "end", dtype=b.dtype)
        st = _index_tensor(strides, "strides", dtype=b.dtype)
        attrs = {"T": _t_attr(x), "Index": _t_attr(b),
                 "begin_mask": ops.attr_int(begin_mask), "end_mask": ops.attr_int(end_mask),
                 "ellipsis_mask": ops.attr_int(ellipsis_mask),
                 "new_axis_mask": ops.attr_int(new_axis_mask),
                 "shrink_axis_mask": ops.attr_int(shrink_axis_mask)}
        out = _create("StridedSlice", [x, b, e, st], attrs, scope).outputs[0]
        if not out.shape.is_fully_defined() and x.shape.is_fully_defined():
            _refine_strided_slice(out, x, (b, e, st), (begin_mask, end_mask, ellipsis_mask,
                                                      new_axis_mask, shrink_axis_mask))
        return out


def _refine_strided_slice(out: ops.Tensor, x: ops.Tensor, spec: Sequence[ops.Tensor],
                          masks: Sequence[int]) -> None:
    """Static shape of a slice whose index inputs are computable but not Const nodes."""
    vals = [_constant_value(t) for t in spec]
    if any(v is None or v.ndim != 1 for v in vals):
        return
    begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_mask = masks
    index: list = []
    for i, (b, e, s) in enumerate(zip(*vals)):
        bit = 1 << i
        if ellipsis_mask & bit:
            index.append(Ellipsis)
        elif new_axis_mask & bit:
            index.append(None)
        elif shrink_mask & bit:
            index.append(int(b))
        else:
            index.append(_BUILTIN_SLICE(None if begin_mask & bit else int(b),
                                        None if end_mask & bit else int(e), int(s)))
    view = np.lib.stride_tricks.as_strided(np.zeros(1, np.int8), x.shape.as_list(),
                                           [0] * x.shape.ndims)
    try:
        out.set_shape(view[tuple(index)].shape)
    except (IndexError, ValueError):
        return


def _check_index(idx: Any) -> None:
    """Raises TypeError unless ``idx`` is an integer or a scalar int32/int64 tensor."""
    if isinstance(idx, (numbers.Integral, Dimension)) and not isinstance(idx, bool):
        return
    dtype = getattr(idx, "dtype", None)
    try:
        ok = dtype is not None and _dtypes.as_dtype(dtype).base_dtype in _INDEX_DTYPES
    except TypeError:
        ok = False
    if not ok or (isinstance(idx, ops.Tensor) and idx.shape.ndims not in (None, 0)) or (
            isinstance(idx, np.ndarray) and idx.ndim != 0):
        raise TypeError(_SLICE_TYPE_ERROR + ", got {!r}".format(idx))


def _stack_indices(values: list, dtype: _dtypes.DType) -> ops.Tensor:
    """TF's ``stack(values)`` of slice indices, as ``dtype`` (int64 when any index is)."""
    if any(isinstance(v, ops.Tensor) for v in values):
        return _autopack(values, dtype=dtype, name="stack")
    return constant_op.constant([int(v) for v in values], dtype=dtype, name="stack")


def _slice_helper(tensor: ops.Tensor, slice_spec: Any, var: Any = None) -> ops.Tensor:
    """``tensor[slice_spec]``: ints, slices with steps, Ellipsis, tf.newaxis and scalar tensors.

    Raises:
      TypeError: for an index of another kind (floats, lists, booleans).
      ValueError: for an index statically out of bounds or too many indices.
    """
    if not isinstance(slice_spec, (list, tuple)):
        slice_spec = [slice_spec]
    begin: list = []
    end: list = []
    strides: list = []
    begin_mask = end_mask = ellipsis_mask = new_axis_mask = shrink_axis_mask = 0
    for index, s in enumerate(slice_spec):
        bit = 1 << index
        if s is Ellipsis:
            begin.append(0), end.append(0), strides.append(1)
            ellipsis_mask |= bit
        elif s is None:
            begin.append(0), end.append(0), strides.append(1)
            new_axis_mask |= bit
        elif isinstance(s, _BUILTIN_SLICE):
            for part, out, mask_name in ((s.start, begin, "b"), (s.stop, end, "e")):
                if part is None or (isinstance(part, Dimension) and part.value is None):
                    out.append(0)
                    if mask_name == "b":
                        begin_mask |= bit
                    else:
                        end_mask |= bit
                else:
                    _check_index(part)
                    out.append(part)
            if s.step is None:
                strides.append(1)
            else:
                _check_index(s.step)
                strides.append(s.step)
        else:
            _check_index(s)
            begin.append(s)
            end.append(s + 1)
            strides.append(1)
            shrink_axis_mask |= bit
    values = [tensor] + [v for v in begin + end + strides if isinstance(v, ops.Tensor)]
    with ops.name_scope(None, "strided_slice", values) as name:
        if begin:
            wide = any(isinstance(v, ops.Tensor) and v.dtype.base_dtype == _dtypes.int64
                       for v in values[1:])
            kind = _dtypes.int64 if wide else _dtypes.int32
            packed_begin, packed_end, packed_strides = (
                _stack_indices(begin, kind), _stack_indices(end, kind),
                _stack_indices(strides, kind))
        else:
            packed_begin = packed_end = packed_strides = constant_op.constant(
                [], dtype=_dtypes.int32)
        return strided_slice(tensor, packed_begin, packed_end, packed_strides,
                             begin_mask=begin_mask, end_mask=end_mask,
                             shrink_axis_mask=shrink_axis_mask, new_axis_mask=new_axis_mask,
                             ellipsis_mask=ellipsis_mask, var=var, name=name)


def tile(input: Any, multiples: Any, name: Optional[str] = None) -> ops.Tensor:  # noqa: A002
    """``input`` repeated ``multiples[i]`` times along each dimension i (op Tile).

    Raises:
      ValueError: if ``multiples`` does not match the rank or has a negative entry.
    """
    with ops.name_scope(name, "Tile", [input, multiples]) as scope:
        x = ops.convert_to_tensor(input, name="input")
        m = _index_tensor(multiples, "multiples")
        return _create("Tile", [x, m], {"T": _t_attr(x), "Tmultiples": _t_attr(m)},
                       scope).outputs[0]


def gather(params: Any, indices: Any, validate_indices: Any = None, name: Optional[str] = None,
           axis: Any = None, batch_dims: int = 0) -> ops.Tensor:
    """Slices of ``params`` along ``axis`` at ``indices`` (op GatherV2).

    Raises:
      ValueError: if ``axis`` is out of range or ``batch_dims`` is not 0.
      TypeError: if ``indices`` is not integral.
    """
    if batch_dims != 0:
        raise ValueError("gather supports batch_dims=0 only, got %r" % (batch_dims,))
    if axis is None:
        axis = batch_dims
    with ops.name_scope(name, "GatherV2", [params, indices, axis]) as scope:
        p = ops.convert_to_tensor(params, name="params")
        i = _index_tensor(indices, "indices")
        a = _index_tensor(axis, "axis")
        attrs = {"Tparams": _t_attr(p), "Tindices": _t_attr(i), "Taxis": _t_attr(a),
                 "batch_dims": ops.attr_int(0)}
        return _create("GatherV2", [p, i, a], attrs, scope).outputs[0]


ops.Tensor._override_operator("__getitem__", _slice_helper)
