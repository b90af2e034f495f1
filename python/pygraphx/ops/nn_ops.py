"""``tf.nn``: activations, softmax, the cross-entropy losses, ``l2_loss`` and ``bias_add``.

Signatures, default node names and build-time errors follow TF1's ``tf.nn``. Softmax along an
axis other than the last transposes that axis to the end and back, as TF does; the
cross-entropy wrappers flatten inputs of rank above 2 to ``[rows, classes]`` around the 2-D
kernels.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .. import dtypes as _dtypes
from .. import errors
from ..framework import ops
from . import array_ops, array_slicing, math_ops
from .math_extra_ops import log1p
from .math_ops import relu, sigmoid, tanh
from .sequence_ops import range as _range

__all__ = [
    "relu", "sigmoid", "tanh", "elu", "leaky_relu", "softplus", "relu6",
    "softmax", "log_softmax",
    "sigmoid_cross_entropy_with_logits", "softmax_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits_v2", "sparse_softmax_cross_entropy_with_logits",
    "l2_loss", "bias_add",
]

_FLOATS = (_dtypes.float32, _dtypes.float64)


def _float_input(value: Any, param: str, op_type: str, name: str) -> ops.Tensor:
    """``value`` as a float32/float64 tensor.

    Raises:
      TypeError: for any other dtype, naming the parameter as TF's op definitions do.
    """
    t = ops.convert_to_tensor(value, name=name)
    if t.dtype.base_dtype not in _FLOATS:
        raise TypeError("Value passed to parameter '%s' has DataType %s not in list of allowed "
                        "values: float32, float64 (op '%s')" % (param, t.dtype.base_dtype.name,
                                                                op_type))
    return t


def _unary_float(op_type: str, features: Any, name: Optional[str],
                 param: str = "features", attrs: Optional[dict] = None) -> ops.Tensor:
    with ops.name_scope(name, op_type, [features]) as scope:
        x = _float_input(features, param, op_type, param)
        a = {"T": ops.attr_dtype(x.dtype)}
        a.update(attrs or {})
        return ops.make_op(op_type, [x], a, name=scope).outputs[0]


# ---------------------------------------------------------------------------------------------
# Activations


def elu(features: Any, name: Optional[str] = None) -> ops.Tensor:
    """``features`` where positive, ``exp(features) - 1`` elsewhere (op ``Elu``).

    Raises:
      TypeError: if ``features`` is not float32 or float64.
    """
    return _unary_float("Elu", features, name)


def softplus(features: Any, name: Optional[str] = None) -> ops.Tensor:
    """``log(exp(features) + 1)``, without overflow for large inputs (op ``Softplus``).

    Raises:
      TypeError: if ``features`` is not float32 or float64.
    """
    return _unary_float("Softplus", features, name)


def relu6(features: Any, name: Optional[str] = None) -> ops.Tensor:
    """``min(max(features, 0), 6)`` (op ``Relu6``).

    Raises:
      TypeError: if ``features`` is bool.
    """
    with ops.name_scope(name, "Relu6", [features]) as scope:
        x = ops.convert_to_tensor(features, name="features")
        return ops.make_op("Relu6", [x], {"T": ops.attr_dtype(x.dtype)}, name=scope).outputs[0]


def leaky_relu(features: Any, alpha: float = 0.2, name: Optional[str] = None) -> ops.Tensor:
    """``features`` where positive, ``alpha * features`` elsewhere (op ``LeakyRelu``).

    Integer inputs are cast to float32 first, as in TF.

    Raises:
      TypeError: if ``features`` is bool.
    """
    with ops.name_scope(name, "LeakyRelu", [features, alpha]) as scope:
        x = ops.convert_to_tensor(features, name="features")
        if x.dtype.is_integer:
            x = math_ops.cast(x, _dtypes.float32)
        return _unary_float("LeakyRelu", x, scope, attrs={"alpha": ops.attr_float(alpha)})


# ---------------------------------------------------------------------------------------------
# Softmax


def _lookup_axis(axis: Any, dim: Any, default: int = -1) -> Any:
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'.")
    if dim is not None:
        return dim
    return default if axis is None else axis


def _swap_with_last(x: ops.Tensor, axis: int, last: ops.Tensor,
                    name: Optional[str] = None) -> ops.Tensor:
    """``x`` with dimension ``axis`` and the last one (``last``, a tensor) exchanged."""
    perm = array_ops.concat([_range(axis), [last], _range(axis + 1, last), [axis]], 0)
    return array_ops.transpose(x, perm, name=name or "transpose")


def _softmax(logits: Any, op_type: str, axis: Any, name: Optional[str]) -> ops.Tensor:
    default = "Softmax" if op_type == "Softmax" else "LogSoftmax"
    x = ops.convert_to_tensor(logits)
    if x.dtype.base_dtype not in _FLOATS:
        raise TypeError("Value passed to parameter 'logits' has DataType %s not in list of "
                        "allowed values: float32, float64" % x.dtype.base_dtype.name)
    shape = x.shape
    ndims = shape.ndims
    if isinstance(axis, ops.Tensor):
        value = array_ops._constant_value(axis)
        if value is None:
            raise ValueError("%s: the axis must be a constant, got %s" % (default, axis))
        axis = int(value)
    axis = int(axis)
    if axis == -1 or (ndims is not None and axis == ndims - 1):
        with ops.name_scope(name, default, [x]) as scope:
            return ops.make_op(op_type, [x], {"T": ops.attr_dtype(x.dtype)},
                               name=scope).outputs[0]
    if ndims is None:
        raise ValueError("%s along axis %d needs an input of known rank, got %s"
                         % (default, axis, x))
    if not -ndims <= axis < ndims:
        raise errors.InvalidArgumentError(
            None, None, "Dimension (%d) must be in the range [%d, %d) where %d is the number of "
            "dimensions in the input." % (axis, -ndims, ndims, ndims))
    axis %= ndims
    last = math_ops.subtract(array_ops.rank(x), 1)
    swapped = _swap_with_last(x, axis, last)
    out = ops.make_op(op_type, [swapped], {"T": ops.attr_dtype(x.dtype)},
                      name=default).outputs[0]
    out = _swap_with_last(out, axis, math_ops.subtract(array_ops.rank(x), 1), name=name)
    out.set_shape(shape)
    return out


def softmax(logits: Any, axis: Any = None, name: Optional[str] = None,
            dim: Any = None) -> ops.Tensor:
    """``exp(logits) / reduce_sum(exp(logits), axis)``, computed stably (op ``Softmax``).

    Args:
      logits: a float32/float64 tensor of rank >= 1.
      axis: the dimension softmax runs along (default -1, the last).
      name: the op's name.
      dim: deprecated alias of ``axis``.

    Raises:
      TypeError: if ``logits`` is not floating point.
      ValueError: if ``logits`` is a scalar, or both ``axis`` and ``dim`` are given.
      errors.InvalidArgumentError: if ``axis`` is out of range.
    """
    return _softmax(logits, "Softmax", _lookup_axis(axis, dim), name)


def log_softmax(logits: Any, axis: Any = None, name: Optional[str] = None,
                dim: Any = None) -> ops.Tensor:
    """``logits - log(reduce_sum(exp(logits), axis))``, computed stably (op ``LogSoftmax``).

    Raises:
      TypeError: if ``logits`` is not floating point.
      ValueError: if ``logits`` is a scalar, or both ``axis`` and ``dim`` are given.
      errors.InvalidArgumentError: if ``axis`` is out of range.
    """
    return _softmax(logits, "LogSoftmax", _lookup_axis(axis, dim), name)


# ---------------------------------------------------------------------------------------------
# Cross entropy


def _ensure_named(sentinel: Any, fn_name: str) -> None:
    if sentinel is not None:
        raise ValueError("Only call `%s` with named arguments (labels=..., logits=..., ...)"
                         % fn_name)


def sigmoid_cross_entropy_with_logits(_sentinel: Any = None, labels: Any = None,
                                      logits: Any = None,
                                      name: Optional[str] = None) -> ops.Tensor:
    """Elementwise logistic loss ``max(x, 0) - x * z + log(1 + exp(-|x|))`` of logits ``x``
    and labels ``z`` in [0, 1]; stable for any magnitude of ``x``.

    Raises:
      ValueError: if called with positional arguments, or the shapes differ.
    """
    _ensure_named(_sentinel, "sigmoid_cross_entropy_with_logits")
    with ops.name_scope(name, "logistic_loss", [logits, labels]) as scope:
        x = ops.convert_to_tensor(logits, name="logits")
        z = ops.convert_to_tensor(labels, dtype=x.dtype, name="labels")
        if not x.shape.is_compatible_with(z.shape):
            raise ValueError("logits and labels must have the same shape (%s vs %s)"
                             % (x.shape, z.shape))
        zeros = array_ops.zeros_like(x, dtype=x.dtype)
        cond = math_ops.greater_equal(x, zeros)
        relu_logits = array_ops.where(cond, x, zeros)
        neg_abs_logits = array_ops.where(cond, -x, x)
        return math_ops.add(relu_logits - x * z, log1p(math_ops.exp(neg_abs_logits)),
                            name=scope)


def _move_axis_last(t: ops.Tensor, axis: int) -> ops.Tensor:
    ndims = t.shape.ndims
    if ndims is None:
        raise ValueError("softmax_cross_entropy_with_logits along axis %d needs inputs of "
                         "known rank, got %s" % (axis, t))
    axis %= ndims
    if axis == ndims - 1:
        return t
    perm = [i for i in range(ndims) if i != axis] + [axis]
    return array_ops.transpose(t, perm)


def _flatten_outer_dims(t: ops.Tensor) -> ops.Tensor:
    """``t`` reshaped to ``[-1, last]``; the static shape is kept as precise as known."""
    last = t.shape[-1].value if t.shape.ndims else None
    if last is None:
        out = array_ops.reshape(t, array_ops.stack([-1, array_ops.shape(t)[-1]]))
    else:
        out = array_ops.reshape(t, [-1, last])
    if t.shape.is_fully_defined():
        rows = int(np.prod(t.shape.as_list()[:-1], dtype=np.int64))
        out.set_shape([rows, t.shape[-1].value])
    return out


def softmax_cross_entropy_with_logits_v2(labels: Any, logits: Any, axis: int = -1,
                                         name: Optional[str] = None,
                                         dim: Any = None) -> ops.Tensor:
    """Cross entropy between ``labels`` (a probability distribution along ``axis``) and
    ``softmax(logits)``; gradients flow into both inputs.

    Returns:
      The loss, of ``logits``' shape without ``axis``.

    Raises:
      ValueError: if the static shapes are incompatible or both ``axis`` and ``dim`` are
        given.
      TypeError: if the inputs are not floating point or their dtypes differ.
    """
    axis = _lookup_axis(axis if axis != -1 else None, dim)
    with ops.name_scope(name, "softmax_cross_entropy_with_logits", [logits, labels]) as scope:
        x = _float_input(logits, "features", "SoftmaxCrossEntropyWithLogits", "logits")
        z = ops.convert_to_tensor(labels, dtype=x.dtype, name="labels")
        x = _move_axis_last(x, axis) if axis != -1 else x
        z = _move_axis_last(z, axis) if axis != -1 else z
        if x.shape.ndims == 0:
            raise ValueError("logits must have at least one dimension, got %s" % x.shape)
        batch_shape = x.shape[:-1] if x.shape.ndims is not None else None
        x2 = _flatten_outer_dims(x)
        z2 = _flatten_outer_dims(z)
        op = ops.make_op("SoftmaxCrossEntropyWithLogits", [x2, z2],
                         {"T": ops.attr_dtype(x.dtype)}, name=scope)
        if x.shape.ndims is not None:
            outer = array_slicing.slice(array_ops.shape(x), [0], [x.shape.ndims - 1])
        else:
            outer = array_slicing.slice(array_ops.shape(x), [0],
                                        array_ops.reshape(math_ops.subtract(
                                            array_ops.rank(x), 1), [1]))
        loss = array_ops.reshape(op.outputs[0], outer)
        if batch_shape is not None:
            loss.set_shape(batch_shape)
        return loss


def softmax_cross_entropy_with_logits(_sentinel: Any = None, labels: Any = None,
                                      logits: Any = None, dim: int = -1,
                                      name: Optional[str] = None,
                                      axis: Any = None) -> ops.Tensor:
    """TF1's softmax cross entropy: as the v2 function, but no gradient flows into
    ``labels`` (they pass through ``labels_stop_gradient``).

    Raises:
      ValueError: if called with positional arguments or the shapes are incompatible.
    """
    _ensure_named(_sentinel, "softmax_cross_entropy_with_logits")
    axis = _lookup_axis(axis, dim if dim != -1 else None)
    with ops.name_scope(name, "softmax_cross_entropy_with_logits_sg",
                        [logits, labels]) as scope:
        labels = array_ops.stop_gradient(labels, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, axis=axis,
                                                name=scope)


def sparse_softmax_cross_entropy_with_logits(_sentinel: Any = None, labels: Any = None,
                                             logits: Any = None,
                                             name: Optional[str] = None) -> ops.Tensor:
    """Cross entropy between integer class ``labels`` (in ``[0, num_classes)``) and
    ``softmax(logits)`` along the last axis.

    Returns:
      The loss, of ``labels``' shape and ``logits``' dtype.

    Raises:
      ValueError: if called with positional arguments, ``logits`` is a scalar, the rank of
        ``labels`` is not the rank of ``logits`` minus 1, or the static shapes disagree.
      errors.InvalidArgumentError: at run time, for a label outside ``[0, num_classes)``.
    """
    _ensure_named(_sentinel, "sparse_softmax_cross_entropy_with_logits")
    with ops.name_scope(name, "SparseSoftmaxCrossEntropyWithLogits", [labels, logits]):
        z = ops.convert_to_tensor(labels)
        x = _float_input(logits, "features", "SparseSoftmaxCrossEntropyWithLogits", "logits")
        if z.dtype.base_dtype not in (_dtypes.int32, _dtypes.int64):
            raise TypeError("Value passed to parameter 'labels' has DataType %s not in list of "
                            "allowed values: int32, int64" % z.dtype.base_dtype.name)
        z_shape, x_shape = z.shape, x.shape
        if x_shape.ndims == 0:
            raise ValueError("Logits cannot be scalars - received shape %s." % x_shape)
        if (z_shape.ndims is not None and x_shape.ndims is not None and
                z_shape.ndims != x_shape.ndims - 1):
            raise ValueError("Rank mismatch: Rank of labels (received %s) should equal rank of "
                             "logits minus 1 (received %s)." % (z_shape.ndims, x_shape.ndims))
        if (z_shape.ndims is not None and x_shape.ndims is not None and
                not z_shape.is_compatible_with(x_shape[:-1])):
            raise ValueError("Shape mismatch: The shape of labels (received %s) should equal "
                             "the shape of logits except for the last dimension (received %s)."
                             % (z_shape, x_shape))
        attrs = {"T": ops.attr_dtype(x.dtype), "Tlabels": ops.attr_dtype(z.dtype)}
        if x_shape.ndims == 2:
            return ops.make_op("SparseSoftmaxCrossEntropyWithLogits", [x, z], attrs,
                               name="SparseSoftmaxCrossEntropyWithLogits").outputs[0]
        x2 = _flatten_outer_dims(x)
        z2 = array_ops.reshape(z, [-1])
        cost = ops.make_op("SparseSoftmaxCrossEntropyWithLogits", [x2, z2], attrs,
                           name="SparseSoftmaxCrossEntropyWithLogits").outputs[0]
        loss = array_ops.reshape(cost, array_ops.shape(z))
        if z_shape.ndims is not None:
            loss.set_shape(z_shape)
        return loss


# ---------------------------------------------------------------------------------------------
# L2 loss and bias


def l2_loss(t: Any, name: Optional[str] = None) -> ops.Tensor:
    """``sum(t ** 2) / 2`` as a scalar (op ``L2Loss``).

    Raises:
      TypeError: if ``t`` is not float32 or float64.
    """
    return _unary_float("L2Loss", t, name, param="t")


def _data_format(data_format: Optional[str]) -> str:
    if data_format is None:
        return "NHWC"
    if data_format.startswith("NC"):
        return "NCHW"
    if data_format.startswith("N") and data_format.endswith("C"):
        return "NHWC"
    raise ValueError("data_format must be of the form `N...C` or `NC...`")


def bias_add(value: Any, bias: Any, data_format: Optional[str] = None,
             name: Optional[str] = None) -> ops.Tensor:
    """``value + bias`` with the 1-D ``bias`` added along the channel dimension: the last one
    for ``"NHWC"`` (the default), dimension 1 for ``"NCHW"`` (op ``BiasAdd``).

    Raises:
      ValueError: if ``value`` has rank < 2, ``bias`` is not 1-D or its length does not match
        the channel dimension, or ``data_format`` is invalid.
      TypeError: if the dtypes differ.
    """
    fmt = _data_format(data_format)
    with ops.name_scope(name, "BiasAdd", [value, bias]) as scope:
        v = ops.convert_to_tensor(value, name="input")
        b = ops.convert_to_tensor(bias, dtype=v.dtype, name="bias")
        if b.dtype.base_dtype != v.dtype.base_dtype:
            raise ValueError("bias: Tensor conversion requested dtype %s for Tensor with dtype "
                             "%s: %r" % (v.dtype.base_dtype.name, b.dtype.base_dtype.name, b))
        attrs = {"T": ops.attr_dtype(v.dtype), "data_format": ops.attr_str(fmt)}
        return ops.make_op("BiasAdd", [v, b], attrs, name=scope).outputs[0]

