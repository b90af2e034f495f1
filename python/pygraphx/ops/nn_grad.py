"""Gradient functions of the nn op family: softmax and the cross entropies, ``L2Loss``,
``BiasAdd``, the activations and their gradient ops (second derivatives), ``Log1p``,
``Expm1``, ``SquaredDifference``, ``DivNoNan``, ``Select`` and ``SelectV2``. ``Where`` and
``OneHot`` have no gradient."""

from __future__ import annotations

from typing import Any, Optional

from ..framework import ops
from . import array_ops, math_ops, nn_ops, reduction_ops
from .gradient_util import broadcast_grads, reduction_axes, shape_of, sum_to_shape
from .math_extra_ops import div_no_nan

for _t in ("Where", "OneHot"):
    ops.NotDifferentiable(_t)


def _fused(op_type: str, inputs: list, like: ops.Tensor, attrs: Optional[dict] = None
           ) -> ops.Tensor:
    a = {"T": ops.attr_dtype(like.dtype)}
    a.update(attrs or {})
    return ops.make_op(op_type, inputs, a, name=op_type).outputs[0]


# ---------------------------------------------------------------------------------------------
# Softmax and cross entropy


@ops.RegisterGradient("Softmax")
def _softmax_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # dx = (g - sum(g * y)) * y along the last axis.
    y = op.outputs[0]
    dot = reduction_ops.reduce_sum(grad * y, -1, keepdims=True)
    return (grad - dot) * y


@ops.RegisterGradient("LogSoftmax")
def _log_softmax_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # dx = g - sum(g) * softmax(x), softmax(x) = exp(y).
    softmax = math_ops.exp(op.outputs[0])
    return grad - reduction_ops.reduce_sum(grad, -1, keepdims=True) * softmax


def _is_zero(t: Optional[ops.Tensor]) -> bool:
    """True when ``t`` is None or known while building to be all zeros."""
    if t is None:
        return True
    value = array_ops._constant_value(t)
    return value is not None and not value.any()


def _xent_logits_grad(op: ops.Operation, grad_loss: ops.Tensor,
                      grad_grad: Optional[ops.Tensor]) -> ops.Tensor:
    # The loss's gradient is the kernel's backprop output scaled per row; a gradient arriving
    # at the backprop output itself (a second derivative) adds its softmax Jacobian product.
    g = array_ops.expand_dims(grad_loss, -1) * op.outputs[1]
    if not _is_zero(grad_grad):
        softmax = nn_ops.softmax(op.inputs[0])
        dot = reduction_ops.reduce_sum(grad_grad * softmax, -1, keepdims=True)
        g = g + (grad_grad - dot) * softmax
    return g


@ops.RegisterGradient("SoftmaxCrossEntropyWithLogits")
def _softmax_xent_grad(op: ops.Operation, grad_loss: ops.Tensor,
                       grad_grad: Optional[ops.Tensor]) -> Any:
    logits, labels = op.inputs
    g_logits = _xent_logits_grad(op, grad_loss, grad_grad)
    g_labels = array_ops.expand_dims(grad_loss, -1) * -nn_ops.log_softmax(logits)
    if (logits.shape.is_fully_defined() and labels.shape.is_fully_defined() and
            logits.shape == labels.shape):
        return g_logits, g_labels
    return broadcast_grads(logits, labels, g_logits, g_labels)


@ops.RegisterGradient("SparseSoftmaxCrossEntropyWithLogits")
def _sparse_softmax_xent_grad(op: ops.Operation, grad_loss: ops.Tensor,
                              grad_grad: Optional[ops.Tensor]) -> Any:
    return _xent_logits_grad(op, grad_loss, grad_grad), None


# ---------------------------------------------------------------------------------------------
# L2Loss and BiasAdd


@ops.RegisterGradient("L2Loss")
def _l2_loss_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return op.inputs[0] * grad


def _data_format(op: ops.Operation) -> str:
    """The op's data_format attribute ("NHWC" when absent)."""
    try:
        fmt = op.get_attr("data_format")
    except ValueError:
        return "NHWC"
    return fmt if isinstance(fmt, str) else fmt.decode()


@ops.RegisterGradient("BiasAdd")
def _bias_add_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    attrs = {"data_format": ops.attr_str(_data_format(op))}
    return grad, _fused("BiasAddGrad", [grad], grad, attrs)


@ops.RegisterGradient("BiasAddGrad")
def _bias_add_grad_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # BiasAddGrad sums over every axis but the channel one: its gradient broadcasts `grad`
    # back along them.
    x = op.inputs[0]
    rank = x.shape.ndims
    if rank is None:
        raise ValueError("The gradient of BiasAddGrad needs an input of known rank, got %s"
                         % x)
    axis = 1 if _data_format(op) == "NCHW" and rank >= 3 else rank - 1
    shape = [1] * rank
    shape[axis] = -1
    return array_ops.ones_like(x) * array_ops.reshape(grad, shape)


# ---------------------------------------------------------------------------------------------
# Activations


@ops.RegisterGradient("Elu")
def _elu_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return _fused("EluGrad", [grad, op.outputs[0]], grad)


@ops.RegisterGradient("EluGrad")
def _elu_grad_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # EluGrad(g, y) = g * (y + 1) where y < 0, else g.
    g, y = op.inputs
    zeros = array_ops.zeros_like(y)
    return _fused("EluGrad", [grad, y], grad), array_ops.where(y < zeros, grad * g, zeros)


@ops.RegisterGradient("Softplus")
def _softplus_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return _fused("SoftplusGrad", [grad, op.inputs[0]], grad)


@ops.RegisterGradient("SoftplusGrad")
def _softplus_grad_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # SoftplusGrad(g, x) = g * sigmoid(x); d/dx = g * sigmoid'(x) = g / (e^-x + 2 + e^x).
    g, x = op.inputs
    d2x = grad * g / (math_ops.exp(-x) + 2.0 + math_ops.exp(x))
    return _fused("SoftplusGrad", [grad, x], grad), d2x


@ops.RegisterGradient("Relu6")
def _relu6_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return _fused("Relu6Grad", [grad, op.inputs[0]], grad)


@ops.RegisterGradient("Relu6Grad")
def _relu6_grad_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    x = op.inputs[1]
    return _fused("Relu6Grad", [grad, x], grad), array_ops.zeros_like(x)


def _alpha(op: ops.Operation) -> dict:
    return {"alpha": ops.attr_float(op.get_attr("alpha"))}


@ops.RegisterGradient("LeakyRelu")
def _leaky_relu_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return _fused("LeakyReluGrad", [grad, op.inputs[0]], grad, _alpha(op))


@ops.RegisterGradient("LeakyReluGrad")
def _leaky_relu_grad_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    x = op.inputs[1]
    return (_fused("LeakyReluGrad", [grad, x], grad, _alpha(op)), array_ops.zeros_like(x))


# ---------------------------------------------------------------------------------------------
# Elementwise math


@ops.RegisterGradient("Log1p")
def _log1p_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return grad * math_ops.reciprocal(1.0 + op.inputs[0])


@ops.RegisterGradient("Expm1")
def _expm1_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return grad * math_ops.exp(op.inputs[0])


@ops.RegisterGradient("SquaredDifference")
def _squared_difference_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    x, y = op.inputs
    gx = 2.0 * grad * (x - y) if x.dtype.is_floating else 2 * grad * (x - y)
    return broadcast_grads(x, y, gx, -gx)


@ops.RegisterGradient("DivNoNan")
def _div_no_nan_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    x, y = op.inputs
    gx = div_no_nan(grad, y)
    gy = grad * div_no_nan(div_no_nan(-x, y), y)
    return broadcast_grads(x, y, gx, gy)


# ---------------------------------------------------------------------------------------------
# Selection


@ops.RegisterGradient("Select")
def _select_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    c = op.inputs[0]
    zeros = array_ops.zeros_like(grad)
    return None, array_ops.where(c, grad, zeros), array_ops.where(c, zeros, grad)


def _reduce_to(g: ops.Tensor, x: ops.Tensor, out: ops.Tensor, shape_name: str) -> ops.Tensor:
    """``g`` (of ``out``'s broadcast shape) summed down to ``x``'s shape."""
    axes = reduction_axes(x, out)
    if axes is not None:
        return sum_to_shape(g, x, axes, shape_name)
    sx = shape_of(x, shape_name)
    rx, _ = ops.make_op("BroadcastGradientArgs", [sx, shape_of(out, shape_name + "_out")],
                        {"T": ops.attr_dtype(sx.dtype)},
                        name="BroadcastGradientArgs").outputs
    return array_ops.reshape(reduction_ops.reduce_sum(g, rx), sx)


@ops.RegisterGradient("SelectV2")
def _select_v2_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    c, x, y = op.inputs
    out = op.outputs[0]
    zeros = array_ops.zeros_like(grad)
    gx = array_ops.where_v2(c, grad, zeros)
    gy = array_ops.where_v2(c, zeros, grad)
    return None, _reduce_to(gx, x, out, "Shape"), _reduce_to(gy, y, out, "Shape_1")
