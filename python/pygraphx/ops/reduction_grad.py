"""Gradients of the reductions ``Sum``, ``Mean``, ``Prod``, ``Max`` and ``Min``.

Each starts from the output gradient reshaped to the input's rank (reduced axes kept with
size 1). With static input shapes and constant axes that shape, the tile multiples and Mean's
divisor are Python constants; otherwise they are computed from ``Shape(x)`` at run time.
"""

from __future__ import annotations

from typing import Any, List, Optional, Union

import numpy as np

from .. import dtypes as _dtypes
from ..framework import ops
from . import array_ops, math_ops, reduction_ops
from .gradient_util import const, const_value, op_output, static_dims

for _t in ("ArgMax", "ArgMin", "All", "Any"):
    ops.NotDifferentiable(_t)

_Shape = Union[List[int], ops.Tensor]


def _static_axes(op: ops.Operation) -> Optional[List[int]]:
    """The reduction's axes normalised to [0, rank) when known while building."""
    rank = op.inputs[0].shape.ndims
    v = const_value(op.inputs[1])
    if rank is None or v is None:
        return None
    return sorted({int(a) % rank if rank else 0 for a in np.asarray(v).reshape(-1)})


def _int32(t: ops.Tensor) -> ops.Tensor:
    return math_ops.cast(t, _dtypes.int32)


def _kept_dims_shape(op: ops.Operation) -> _Shape:
    """The input's shape with the reduced axes set to 1: a list when every kept dimension is
    known while building (the batch dimension may be unknown if it is reduced), else an int32
    tensor computed from ``Shape(x)``."""
    x = op.inputs[0]
    axes = _static_axes(op)
    if axes is not None:
        dims = x.shape.as_list()
        kd = [1 if i in axes else d for i, d in enumerate(dims)]
        if all(d is not None for d in kd):
            return kd
        rank = len(dims)
        reduced = np.array([1 if i in axes else 0 for i in range(rank)], np.int32)
        kept = const(1 - reduced, _dtypes.int32, name="kept")
        return array_ops.shape(x) * kept + const(reduced, _dtypes.int32, name="reduced")
    # Rank or axes known only at run time: mark the reduced axes by comparing each axis with
    # every (normalised) reduction index.
    rank_t = array_ops.rank(x)
    axes_t = math_ops.floormod(_int32(op.inputs[1]), rank_t)
    all_axes = op_output("Range", [const(0, _dtypes.int32, name="start"), rank_t,
                                   const(1, _dtypes.int32, name="delta")],
                         {"Tidx": ops.attr_dtype(_dtypes.int32)}, name="range")
    hits = math_ops.equal(array_ops.expand_dims(all_axes, 1),
                          array_ops.reshape(axes_t, [1, -1]))
    reduced_t = _int32(reduction_ops.reduce_any(hits, axis=1))
    return (array_ops.shape(x) * (const(1, _dtypes.int32, name="one") - reduced_t)
            + reduced_t)


def _broadcast_to_input(op: ops.Operation, grad: ops.Tensor) -> ops.Tensor:
    """``grad`` reshaped to the kept-dims shape and tiled to the input's shape."""
    x = op.inputs[0]
    kd = _kept_dims_shape(op)
    g = array_ops.reshape(grad, kd)
    dims = static_dims(x)
    if isinstance(kd, list) and dims is not None:
        multiples = [d // k if k else 0 for d, k in zip(dims, kd)]
        if all(m == 1 for m in multiples):
            return g
        return array_ops.tile(g, const(multiples, _dtypes.int32))
    if isinstance(kd, list):
        divisor = const(np.maximum(kd, 1), _dtypes.int32)
    else:
        divisor = math_ops.maximum(kd, const(1, _dtypes.int32))
    return array_ops.tile(g, math_ops.floor_div(array_ops.shape(x), divisor))


@ops.RegisterGradient("Sum")
def _sum_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return _broadcast_to_input(op, grad), None


@ops.RegisterGradient("Mean")
def _mean_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    x, y = op.inputs[0], op.outputs[0]
    g = _broadcast_to_input(op, grad)
    dx, dy = static_dims(x), static_dims(y)
    if dx is not None and dy is not None:
        count = int(np.prod(dx, dtype=np.int64)) // max(int(np.prod(dy, dtype=np.int64)), 1)
        factor = const(count, g.dtype, name="Const_1")
    else:
        sx = array_ops.size(x)
        sy = array_ops.size(y)
        factor = math_ops.cast(math_ops.floor_div(sx, math_ops.maximum(sy, 1)), g.dtype)
    return math_ops.truediv(g, factor), None


@ops.RegisterGradient("Prod")
def _prod_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # d(prod)/dx_i is the product of the other elements. With no zero in a reduced group that
    # is prod / x_i; with exactly one zero, only the zero's gradient is non-zero (the product
    # of the non-zero elements); with more, all are zero. Computed without dividing by zero.
    x = op.inputs[0]
    axes = op.inputs[1]
    dt = x.dtype.base_dtype
    g = _broadcast_to_input(op, grad)
    zero = const(0, dt, name="zero")
    one = const(1, dt, name="one")
    is_zero = math_ops.cast(math_ops.equal(x, zero), dt)
    zeros_in_group = reduction_ops.reduce_sum(is_zero, axes, keepdims=True)
    safe_x = x + is_zero  # zeros replaced by ones
    prod_nonzero = reduction_ops.reduce_prod(safe_x, axes, keepdims=True)
    no_zero = math_ops.cast(math_ops.equal(zeros_in_group, zero), dt)
    one_zero = math_ops.cast(math_ops.equal(zeros_in_group, one), dt)
    others = (no_zero * math_ops.realdiv(prod_nonzero, safe_x)
              + one_zero * is_zero * prod_nonzero)
    return g * others, None


def _min_or_max_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # The gradient is shared equally by the elements equal to the extremum.
    x, y = op.inputs[0], op.outputs[0]
    kd = _kept_dims_shape(op)
    y_kd = array_ops.reshape(y, kd)
    g_kd = array_ops.reshape(grad, kd)
    indicators = math_ops.cast(math_ops.equal(y_kd, x), grad.dtype)
    num_selected = reduction_ops.reduce_sum(indicators, op.inputs[1], keepdims=True)
    return math_ops.realdiv(indicators, num_selected) * g_kd, None


@ops.RegisterGradient("Max")
def _max_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return _min_or_max_grad(op, grad)


@ops.RegisterGradient("Min")
def _min_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return _min_or_max_grad(op, grad)
