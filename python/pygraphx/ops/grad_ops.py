"""Wrappers of the ops that exist for gradients (TF's raw ops of the same names):
``ReluGrad``, ``SigmoidGrad``, ``TanhGrad``, ``SqrtGrad``, ``ReciprocalGrad``,
``BroadcastGradientArgs`` and ``StridedSliceGrad``."""

from __future__ import annotations

from typing import Any, Optional, Tuple

from ..framework import ops

__all__ = [
    "relu_grad",
    "sigmoid_grad",
    "tanh_grad",
    "sqrt_grad",
    "reciprocal_grad",
    "broadcast_gradient_args",
    "strided_slice_grad",
]


def _binary(op_type: str, a: Any, b: Any, names: Tuple[str, str], name: Optional[str]
            ) -> ops.Tensor:
    with ops.name_scope(name, op_type, [a, b]) as scope:
        a = ops.convert_to_tensor(a, name=names[0])
        b = ops.convert_to_tensor(b, name=names[1], preferred_dtype=a.dtype.base_dtype)
        return ops.make_op(op_type, [a, b], {"T": ops.attr_dtype(a.dtype)},
                           name=scope).outputs[0]


def relu_grad(gradients: Any, features: Any, name: Optional[str] = None) -> ops.Tensor:
    """``gradients`` where ``features > 0``, else 0 (op ``ReluGrad``)."""
    return _binary("ReluGrad", gradients, features, ("gradients", "features"), name)


def sigmoid_grad(y: Any, dy: Any, name: Optional[str] = None) -> ops.Tensor:
    """``dy * y * (1 - y)``, where ``y = sigmoid(x)`` (op ``SigmoidGrad``)."""
    return _binary("SigmoidGrad", y, dy, ("y", "dy"), name)


def tanh_grad(y: Any, dy: Any, name: Optional[str] = None) -> ops.Tensor:
    """``dy * (1 - y * y)``, where ``y = tanh(x)`` (op ``TanhGrad``)."""
    return _binary("TanhGrad", y, dy, ("y", "dy"), name)


def sqrt_grad(y: Any, dy: Any, name: Optional[str] = None) -> ops.Tensor:
    """``dy * 0.5 / y``, where ``y = sqrt(x)`` (op ``SqrtGrad``)."""
    return _binary("SqrtGrad", y, dy, ("y", "dy"), name)


def reciprocal_grad(y: Any, dy: Any, name: Optional[str] = None) -> ops.Tensor:
    """``-dy * y * y``, where ``y = 1 / x`` (op ``ReciprocalGrad``)."""
    return _binary("ReciprocalGrad", y, dy, ("y", "dy"), name)


def broadcast_gradient_args(s0: Any, s1: Any, name: Optional[str] = None
                            ) -> Tuple[ops.Tensor, ops.Tensor]:
    """The axes to sum a gradient of ``broadcast(shape s0, shape s1)`` over to get each
    operand's gradient (op ``BroadcastGradientArgs``; int32 or int64 shape vectors)."""
    with ops.name_scope(name, "BroadcastGradientArgs", [s0, s1]) as scope:
        a = ops.convert_to_tensor(s0, name="s0")
        b = ops.convert_to_tensor(s1, name="s1", preferred_dtype=a.dtype.base_dtype)
        op = ops.make_op("BroadcastGradientArgs", [a, b], {"T": ops.attr_dtype(a.dtype)},
                         name=scope)
        return op.outputs[0], op.outputs[1]


def strided_slice_grad(shape: Any, begin: Any, end: Any, strides: Any, dy: Any,
                       begin_mask: int = 0, end_mask: int = 0, ellipsis_mask: int = 0,
                       new_axis_mask: int = 0, shrink_axis_mask: int = 0,
                       name: Optional[str] = None) -> ops.Tensor:
    """Zeros of ``shape`` with ``dy`` written where ``StridedSlice`` with the same index
    arguments would read (op ``StridedSliceGrad``)."""
    with ops.name_scope(name, "StridedSliceGrad", [shape, begin, end, strides, dy]) as scope:
        s = ops.convert_to_tensor(shape, name="shape")
        b = ops.convert_to_tensor(begin, name="begin", dtype=s.dtype)
        e = ops.convert_to_tensor(end, name="end", dtype=s.dtype)
        st = ops.convert_to_tensor(strides, name="strides", dtype=s.dtype)
        g = ops.convert_to_tensor(dy, name="dy")
        attrs = {"T": ops.attr_dtype(g.dtype), "Index": ops.attr_dtype(s.dtype),
                 "begin_mask": ops.attr_int(begin_mask), "end_mask": ops.attr_int(end_mask),
                 "ellipsis_mask": ops.attr_int(ellipsis_mask),
                 "new_axis_mask": ops.attr_int(new_axis_mask),
                 "shrink_axis_mask": ops.attr_int(shrink_axis_mask)}
        return ops.make_op("StridedSliceGrad", [s, b, e, st, g], attrs, name=scope).outputs[0]
