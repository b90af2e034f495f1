"""Gradients of the elementwise math ops (``math_ops``), of ``MatMul``/``BatchMatMulV2``/
``MatrixInverse`` (``linalg_ops``) and of the fused gradient ops themselves (``grad_ops``).

Binary ops broadcast, so their gradients are summed back to each input's shape
(``gradient_util.broadcast_grads``). Node names follow TF1's gradient functions
(``gradients/mul_grad/Mul``, ``gradients/Square_grad/Mul_1`` ...).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes as _dtypes
from ..framework import ops
from . import array_ops, grad_ops, linalg_ops, math_ops, reduction_ops
from .gradient_util import broadcast_grads, const, const_value, shape_of

# ---------------------------------------------------------------------------------------------
# Ops with no gradient


for _t in ("Less", "LessEqual", "Greater", "GreaterEqual", "Equal", "NotEqual", "LogicalAnd",
           "LogicalOr", "LogicalNot", "FloorDiv", "BroadcastGradientArgs", "_FusedElementwise"):
    ops.NotDifferentiable(_t)


# ---------------------------------------------------------------------------------------------
# Binary arithmetic


def _same_static_shapes(x: ops.Tensor, y: ops.Tensor, grad: ops.Tensor) -> bool:
    sx, sy, sg = x.shape, y.shape, grad.shape
    return (sx.is_fully_defined() and sy.is_fully_defined() and sx == sy
            and sg.is_fully_defined() and sg == sx)


@ops.RegisterGradient("Add")
def _add_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    x, y = op.inputs
    if _same_static_shapes(x, y, grad):
        return grad, grad
    return broadcast_grads(x, y, grad, grad)


@ops.RegisterGradient("AddV2")
def _add_v2_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return _add_grad(op, grad)


@ops.RegisterGradient("Sub")
def _sub_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    x, y = op.inputs
    if _same_static_shapes(x, y, grad):
        return grad, math_ops.negative(grad)
    return broadcast_grads(x, y, grad, math_ops.negative(grad))


@ops.RegisterGradient("Mul")
def _mul_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    x, y = op.inputs
    gx = math_ops.multiply(grad, y)
    gy = math_ops.multiply(x, grad)
    if _same_static_shapes(x, y, grad):
        return gx, gy
    return broadcast_grads(x, y, gx, gy)


@ops.RegisterGradient("RealDiv")
def _real_div_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    x, y = op.inputs
    gx = math_ops.realdiv(grad, y)
    gy = grad * math_ops.realdiv(math_ops.realdiv(math_ops.negative(x), y), y)
    return broadcast_grads(x, y, gx, gy)


@ops.RegisterGradient("FloorMod")
def _floor_mod_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # x mod y = x - floor(x / y) * y: d/dx = 1, d/dy = -floor(x / y).
    x, y = op.inputs
    gy = grad * math_ops.negative(math_ops.floor_div(x, y))
    return broadcast_grads(x, y, grad, gy)


def _min_max_grad(op: ops.Operation, grad: ops.Tensor, select_x: Any) -> Any:
    # The gradient goes to x where x is selected (ties go to x, as in TF), else to y.
    x, y = op.inputs
    xmask = select_x(x, y)
    gx = grad * math_ops.cast(xmask, grad.dtype)
    gy = grad * math_ops.cast(math_ops.logical_not(xmask), grad.dtype)
    return broadcast_grads(x, y, gx, gy)


@ops.RegisterGradient("Maximum")
def _maximum_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return _min_max_grad(op, grad, math_ops.greater_equal)


@ops.RegisterGradient("Minimum")
def _minimum_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return _min_max_grad(op, grad, math_ops.less_equal)


@ops.RegisterGradient("Pow")
def _pow_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # z = x ** y: dz/dx = y * x ** (y - 1); dz/dy = z * log(x), taken as 0 where x <= 0.
    x, y = op.inputs
    z = op.outputs[0]
    one = const(1, x.dtype, name="Const")
    gx = grad * y * math_ops.pow(x, y - one)
    positive = math_ops.cast(math_ops.greater(x, const(0, x.dtype, name="Const_1")), x.dtype)
    safe_x = x * positive + (one - positive)  # x where x > 0, else 1 (whose log is 0)
    gy = grad * z * math_ops.log(safe_x)
    return broadcast_grads(x, y, gx, gy)


# ---------------------------------------------------------------------------------------------
# Unary functions


@ops.RegisterGradient("Neg")
def _neg_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return math_ops.negative(grad)


@ops.RegisterGradient("Abs")
def _abs_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return grad * math_ops.sign(op.inputs[0])


@ops.RegisterGradient("Sign")
def _sign_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return array_ops.zeros_like(op.inputs[0])


@ops.RegisterGradient("Square")
def _square_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    x = op.inputs[0]
    with ops.control_dependencies([grad]):
        two = const(2, x.dtype)
    return math_ops.multiply(grad, math_ops.multiply(x, two))


@ops.RegisterGradient("Sqrt")
def _sqrt_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return grad_ops.sqrt_grad(op.outputs[0], grad)


@ops.RegisterGradient("Exp")
def _exp_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return grad * op.outputs[0]


@ops.RegisterGradient("Log")
def _log_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    with ops.control_dependencies([grad]):
        inv = math_ops.reciprocal(op.inputs[0])
    return grad * inv


@ops.RegisterGradient("Reciprocal")
def _reciprocal_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return grad_ops.reciprocal_grad(op.outputs[0], grad)


@ops.RegisterGradient("Sigmoid")
def _sigmoid_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return grad_ops.sigmoid_grad(op.outputs[0], grad)


@ops.RegisterGradient("Tanh")
def _tanh_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return grad_ops.tanh_grad(op.outputs[0], grad)


@ops.RegisterGradient("Relu")
def _relu_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return grad_ops.relu_grad(grad, op.outputs[0])


# ---------------------------------------------------------------------------------------------
# Second derivatives: gradients of the fused gradient ops


@ops.RegisterGradient("ReluGrad")
def _relu_grad_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # ReluGrad(g, f) is linear in g with the same mask; f only selects.
    features = op.inputs[1]
    return grad_ops.relu_grad(grad, features), array_ops.zeros_like(features)


@ops.RegisterGradient("SigmoidGrad")
def _sigmoid_grad_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # out = dy * y * (1 - y): d/dy = dy * (1 - 2y), d/ddy = y * (1 - y).
    y, dy = op.inputs
    with ops.control_dependencies([grad]):
        one = const(1, y.dtype)
        two = const(2, y.dtype, name="Const_1")
        gy = grad * dy * (one - two * y)
    return gy, grad_ops.sigmoid_grad(y, grad)


@ops.RegisterGradient("TanhGrad")
def _tanh_grad_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # out = dy * (1 - y^2): d/dy = -2 dy y, d/ddy = 1 - y^2.
    y, dy = op.inputs
    with ops.control_dependencies([grad]):
        minus_two = const(-2, y.dtype)
        gy = grad * minus_two * dy * y
    return gy, grad_ops.tanh_grad(y, grad)


@ops.RegisterGradient("SqrtGrad")
def _sqrt_grad_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # out = dy * 0.5 / y: d/dy = -out / y, d/ddy = 0.5 / y.
    y = op.inputs[0]
    out = op.outputs[0]
    with ops.control_dependencies([grad]):
        gy = math_ops.negative(grad) * math_ops.realdiv(out, y)
    return gy, grad_ops.sqrt_grad(y, grad)


@ops.RegisterGradient("ReciprocalGrad")
def _reciprocal_grad_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # out = -dy * y^2: d/dy = -2 dy y, d/ddy = -y^2.
    y, dy = op.inputs
    with ops.control_dependencies([grad]):
        minus_two = const(-2, y.dtype)
        gy = grad * minus_two * dy * y
    return gy, grad_ops.reciprocal_grad(y, grad)


# ---------------------------------------------------------------------------------------------
# Casts and sums


_FLOAT_TYPES = (_dtypes.float32, _dtypes.float64)


@ops.RegisterGradient("Cast")
def _cast_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    src = op.inputs[0].dtype.base_dtype
    if src in _FLOAT_TYPES and grad.dtype.base_dtype in _FLOAT_TYPES:
        return math_ops.cast(grad, src)
    return None


@ops.RegisterGradient("AddN")
def _add_n_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return [grad] * len(op.inputs)


# ---------------------------------------------------------------------------------------------
# Matrix products and inverse


@ops.RegisterGradient("MatMul")
def _matmul_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    ta = op.get_attr("transpose_a")
    tb = op.get_attr("transpose_b")
    a, b = op.inputs
    mm = linalg_ops.matmul
    if not ta and not tb:
        return mm(grad, b, transpose_b=True), mm(a, grad, transpose_a=True)
    if not ta and tb:
        return mm(grad, b), mm(grad, a, transpose_a=True)
    if ta and not tb:
        return mm(b, grad, transpose_b=True), mm(a, grad)
    return mm(b, grad, transpose_a=True, transpose_b=True), \
        mm(grad, a, transpose_a=True, transpose_b=True)


def _batch_matmul_v2(a: ops.Tensor, b: ops.Tensor, adj_x: bool = False, adj_y: bool = False
                     ) -> ops.Tensor:
    attrs = {"T": ops.attr_dtype(a.dtype), "adj_x": ops.attr_bool(adj_x),
             "adj_y": ops.attr_bool(adj_y)}
    return ops.make_op("BatchMatMulV2", [a, b], attrs, name="MatMul").outputs[0]


def _sum_batch_dims(g: ops.Tensor, x: ops.Tensor, other: ops.Tensor, name: str) -> ops.Tensor:
    """``g`` (of the broadcast batch shape) summed back to x's batch dimensions."""
    sx, so = x.shape, other.shape
    if sx.ndims is not None and so.ndims is not None:
        bx = x.shape.as_list()[:-2]
        bo = other.shape.as_list()[:-2]
        r = max(len(bx), len(bo))
        bx_p = [-2] * (r - len(bx)) + bx
        bo_p = [-2] * (r - len(bo)) + bo
        axes = []
        decidable = True
        for i, (p, q) in enumerate(zip(bx_p, bo_p)):
            if p == -2 or p == 1:
                axes.append(i)
            elif p is None and not (q == -2 or q == 1):
                decidable = False
        if decidable:
            if not axes:
                return g
            s = reduction_ops.reduce_sum(g, axes)
            return array_ops.reshape(s, shape_of(x, name=name))
    # Batch shapes known only at run time: reduce over BroadcastGradientArgs of them.
    shx = array_ops.shape(x)
    sho = array_ops.shape(other)
    bx_t = shx[:-2]
    bo_t = sho[:-2]
    rx, _ = grad_ops.broadcast_gradient_args(bx_t, bo_t)
    return array_ops.reshape(reduction_ops.reduce_sum(g, rx), shx)


@ops.RegisterGradient("BatchMatMulV2")
def _batch_matmul_v2_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    adj_x = op.get_attr("adj_x")
    adj_y = op.get_attr("adj_y")
    x, y = op.inputs
    bmm = _batch_matmul_v2
    if not adj_x and not adj_y:
        gx, gy = bmm(grad, y, False, True), bmm(x, grad, True, False)
    elif not adj_x and adj_y:
        gx, gy = bmm(grad, y, False, False), bmm(grad, x, True, False)
    elif adj_x and not adj_y:
        gx, gy = bmm(y, grad, False, True), bmm(x, grad, False, False)
    else:
        gx, gy = bmm(y, grad, True, True), bmm(grad, x, True, True)
    return _sum_batch_dims(gx, x, y, "Shape"), _sum_batch_dims(gy, y, x, "Shape_1")


@ops.RegisterGradient("MatrixInverse")
def _matrix_inverse_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # d(A^-1) = -A^-1 dA A^-1, so dL/dA = -A^-T G A^-T (with A^T in place of A when adjoint).
    ainv = op.outputs[0]
    adjoint = op.get_attr("adjoint")
    inner = linalg_ops.matmul(grad, ainv, adjoint_a=adjoint, adjoint_b=not adjoint)
    return math_ops.negative(linalg_ops.matmul(ainv, inner, adjoint_a=not adjoint))


# ---------------------------------------------------------------------------------------------
# Segment sums


@ops.RegisterGradient("UnsortedSegmentSum")
def _unsorted_segment_sum_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # Each data row receives the gradient of its segment; rows with a negative id were dropped
    # and receive zero.
    data, ids, _ = op.inputs
    known = const_value(ids)
    if known is not None and (np.asarray(known) >= 0).all():
        return array_ops.gather(grad, ids), None, None
    zero = const(0, ids.dtype, name="zero")
    rows = array_ops.gather(grad, math_ops.maximum(ids, zero))
    kept = math_ops.cast(math_ops.greater_equal(ids, zero), grad.dtype)
    extra = data.shape.ndims - ids.shape.ndims if (data.shape.ndims is not None and
                                                   ids.shape.ndims is not None) else None
    if extra is None:
        raise ValueError("The gradient of %s (UnsortedSegmentSum) needs data and segment_ids "
                         "of known rank" % op.name)
    for _ in range(extra):
        kept = array_ops.expand_dims(kept, -1)
    return rows * kept, None, None
