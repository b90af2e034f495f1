"""Building blocks shared by the gradient functions (``*_grad.py``).

Gradients are built for training speed: whatever can be decided from static shapes is decided
here in Python and emitted as constants, so a training step runs no shape arithmetic; only
tensors whose shapes are unknown when the graph is built get ``Shape`` and
``BroadcastGradientArgs`` nodes.
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

from .. import dtypes as _dtypes
from ..framework import ops
from . import array_ops, reduction_ops

__all__ = [
    "const",
    "shape_of",
    "static_dims",
    "reduction_axes",
    "sum_to_shape",
    "broadcast_grads",
    "op_output",
    "const_value",
]

_MISSING = -2  # a dimension the operand does not have (left of its rank)


def const(value: Any, dtype: Any, name: str = "Const") -> ops.Tensor:
    """A ``Const`` of ``value`` as ``dtype``."""
    d = _dtypes.as_dtype(dtype).base_dtype
    return ops.constant_tensor(np.asarray(value, dtype=d.as_numpy_dtype), name=name)


def static_dims(t: ops.Tensor) -> Optional[List[int]]:
    """``t``'s shape as ints when it is fully known, else None."""
    s = t.shape
    return s.as_list() if s.is_fully_defined() else None


def shape_of(t: ops.Tensor, name: str = "Shape") -> ops.Tensor:
    """``t``'s shape as an int32 vector: a ``Const`` when static, else a ``Shape`` node."""
    dims = static_dims(t)
    if dims is not None:
        return const(dims, _dtypes.int32, name=name)
    return ops.make_op("Shape", [t], {"T": ops.attr_dtype(t.dtype),
                                      "out_type": ops.attr_dtype(_dtypes.int32)},
                       name=name).outputs[0]


def const_value(t: ops.Tensor) -> Optional[np.ndarray]:
    """``t``'s value when it is known while building (a Const, or the shape of a tensor of
    static shape ...), else None."""
    return array_ops._constant_value(t)


def op_output(op_type: str, inputs: Sequence[ops.Tensor], attrs: Optional[dict] = None,
              name: Optional[str] = None, index: int = 0) -> ops.Tensor:
    """Output ``index`` of a new ``op_type`` node named ``name`` (default: the op type)."""
    return ops.make_op(op_type, list(inputs), attrs, name=name or op_type).outputs[index]


def reduction_axes(x: ops.Tensor, other: ops.Tensor) -> Optional[List[int]]:
    """Axes of ``broadcast(x, other)`` to sum a gradient over to get x's gradient, decided from
    static shapes; None when they depend on sizes known only at run time.

    An axis x lacks, or where x has size 1, is summed (summing over a size-1 output axis is a
    no-op, so this is right whatever the other operand is); an axis where x has a known size
    other than 1 is not; an unknown size of x is not summed when the other operand cannot
    broadcast it (it lacks the axis or has size 1), and is undecidable otherwise.
    """
    sx, so = x.shape, other.shape
    if sx.ndims is None or so.ndims is None:
        return None
    dx, do = sx.as_list(), so.as_list()
    r = max(len(dx), len(do))
    dx = [_MISSING] * (r - len(dx)) + dx
    do = [_MISSING] * (r - len(do)) + do
    axes = []
    for i, (a, b) in enumerate(zip(dx, do)):
        if a == _MISSING or a == 1:
            axes.append(i)
        elif a is None and not (b == _MISSING or b == 1):
            return None
    return axes


def sum_to_shape(grad: ops.Tensor, x: ops.Tensor, axes: Sequence[int], shape_name: str
                 ) -> ops.Tensor:
    """``grad`` summed over constant ``axes`` and reshaped to x's shape (``grad`` itself when
    there is nothing to sum)."""
    if not axes:
        return grad
    s = reduction_ops.reduce_sum(grad, list(axes))
    return array_ops.reshape(s, shape_of(x, name=shape_name))


def broadcast_grads(x: ops.Tensor, y: ops.Tensor, gx: Optional[ops.Tensor],
                    gy: Optional[ops.Tensor]) -> Tuple[Optional[ops.Tensor],
                                                       Optional[ops.Tensor]]:
    """The gradients ``gx``, ``gy`` (of the broadcast output's shape) reduced to the shapes of
    the binary op's inputs ``x`` and ``y``."""
    ax = reduction_axes(x, y)
    ay = reduction_axes(y, x)
    if ax is not None and ay is not None:
        rx = None if gx is None else sum_to_shape(gx, x, ax, "Shape")
        ry = None if gy is None else sum_to_shape(gy, y, ay, "Shape_1")
        return rx, ry
    sx = shape_of(x, "Shape")
    sy = shape_of(y, "Shape_1")
    bga = ops.make_op("BroadcastGradientArgs", [sx, sy],
                      {"T": ops.attr_dtype(_dtypes.int32)}, name="BroadcastGradientArgs")
    rx_t, ry_t = bga.outputs
    out = []
    for g, axes, s in ((gx, rx_t, sx), (gy, ry_t, sy)):
        if g is None:
            out.append(None)
            continue
        out.append(array_ops.reshape(reduction_ops.reduce_sum(g, axes), s))
    return out[0], out[1]
