"""``tf.losses``: weighted losses reduced as TF1 reduces them, added to the ``LOSSES``
collection, and the collection helpers ``get_losses`` / ``get_total_loss``.

Every loss opens a name scope (``mean_squared_error/``...), checks statically that ``weights``
can broadcast to the losses (a scalar, or the losses' rank with each dimension 1 or equal),
multiplies, and reduces. With the default ``SUM_BY_NONZERO_WEIGHTS`` the sum is divided by the
number of non-zero weights (``num_present``) through ``DivNoNan`` (``.../value``), so all-zero
weights give 0 rather than NaN.
"""

from __future__ import annotations

from typing import Any, List, Optional

from .. import dtypes as _dtypes
from ..framework import ops
from . import array_ops, control_flow_ops, math_ops, nn_ops, reduction_ops
from .math_extra_ops import div_no_nan, squared_difference

__all__ = [
    "Reduction", "compute_weighted_loss", "absolute_difference", "mean_squared_error",
    "log_loss", "sigmoid_cross_entropy", "softmax_cross_entropy", "sparse_softmax_cross_entropy",
    "add_loss", "get_losses", "get_regularization_losses", "get_regularization_loss",
    "get_total_loss",
]


class Reduction:
    """How a weighted loss is reduced.

    ``NONE`` keeps the per-element losses; ``SUM`` sums them; ``MEAN`` divides the sum by the
    sum of the weights; ``SUM_OVER_BATCH_SIZE`` by the number of elements;
    ``SUM_BY_NONZERO_WEIGHTS`` (alias ``SUM_OVER_NONZERO_WEIGHTS``) by the number of non-zero
    weights.
    """

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls) -> tuple:
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE,
                cls.SUM_OVER_NONZERO_WEIGHTS, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key: Any) -> None:
        if key not in cls.all():
            raise ValueError("Invalid Reduction Key %s. Key should be one of %s."
                             % (key, cls.all()))


# ---------------------------------------------------------------------------------------------
# Weight broadcasting


def _assert_broadcastable(weights: Any, values: ops.Tensor) -> Optional[ops.Operation]:
    """TF's static weight check: a ``NoOp`` anchor when the shapes are known to be fine.

    Returns None when the shapes are only partly known (the multiplication then checks them
    when run).

    Raises:
      ValueError: if ``weights`` statically cannot broadcast to ``values``.
    """
    with ops.name_scope(None, "assert_broadcastable", [weights, values]):
        with ops.name_scope(None, "weights", [weights]) as weights_scope:
            w = ops.convert_to_tensor(weights, name=weights_scope)
            array_ops.shape(w, name="shape")
            array_ops.rank(w, name="rank")
        with ops.name_scope(None, "values", [values]):
            array_ops.shape(values, name="shape")
            array_ops.rank(values, name="rank")
        w_rank, v_rank = w.shape.ndims, values.shape.ndims
        if w_rank is None or v_rank is None:
            return None
        if w_rank == 0:
            return control_flow_ops.no_op(name="static_scalar_check_success")
        if w_rank != v_rank:
            raise ValueError("weights can not be broadcast to values. values.rank=%d. "
                             "weights.rank=%d. values.shape=%s. weights.shape=%s."
                             % (v_rank, w_rank, values.shape, w.shape))
        w_dims, v_dims = w.shape.as_list(), values.shape.as_list()
        for i, (wd, vd) in enumerate(zip(w_dims, v_dims)):
            if wd is not None and vd is not None and wd not in (1, vd):
                raise ValueError("weights can not be broadcast to values. Mismatch at dim %d. "
                                 "values.shape=%s, weights.shape=%s."
                                 % (i, values.shape, w.shape))
        if w.shape.is_fully_defined() and values.shape.is_fully_defined():
            return control_flow_ops.no_op(name="static_dims_check_success")
        return None


def _broadcast_weights(weights: ops.Tensor, values: ops.Tensor) -> ops.Tensor:
    """``weights`` broadcast to the shape of ``values`` (``weights * ones_like(values)``)."""
    with ops.name_scope(None, "broadcast_weights", [weights, values]) as scope:
        values = ops.convert_to_tensor(values, name="values")
        weights = ops.convert_to_tensor(weights, dtype=values.dtype.base_dtype, name="weights")
        if (weights.shape.is_fully_defined() and values.shape.is_fully_defined() and
                weights.shape.is_compatible_with(values.shape)):
            return weights
        check = _assert_broadcastable(weights, values)
        with ops.control_dependencies([check] if check is not None else []):
            return math_ops.multiply(weights, array_ops.ones_like(values), name=scope)


def _num_present(losses: ops.Tensor, weights: ops.Tensor) -> ops.Tensor:
    """The number of non-zero weights, with ``weights`` broadcast to ``losses``."""
    with ops.name_scope(None, "num_present", [losses, weights]) as scope:
        weights = math_ops.cast(weights, _dtypes.float32)
        present = array_ops.where(math_ops.equal(weights, 0.0), array_ops.zeros_like(weights),
                                  array_ops.ones_like(weights))
        present = _broadcast_weights(present, losses)
        return reduction_ops.reduce_sum(present, name=scope)


def _num_elements(losses: ops.Tensor) -> ops.Tensor:
    with ops.name_scope(None, "num_elements", [losses]) as scope:
        return math_ops.cast(array_ops.size(losses, name=scope), losses.dtype)


def _safe_mean(total: ops.Tensor, count: ops.Tensor) -> ops.Tensor:
    return div_no_nan(reduction_ops.reduce_sum(total), count, name="value")


# ---------------------------------------------------------------------------------------------
# The collection


def add_loss(loss: Any, loss_collection: Any = ops.GraphKeys.LOSSES) -> None:
    """Adds ``loss`` to ``loss_collection`` (nothing when the collection is None)."""
    if loss_collection:
        ops.add_to_collection(loss_collection, loss)


def get_losses(scope: Optional[str] = None,
               loss_collection: str = ops.GraphKeys.LOSSES) -> List[Any]:
    """The losses in ``loss_collection`` whose names match the ``scope`` prefix."""
    return ops.get_collection(loss_collection, scope)


def get_regularization_losses(scope: Optional[str] = None) -> List[Any]:
    """The tensors of the ``REGULARIZATION_LOSSES`` collection under ``scope``."""
    return ops.get_collection(ops.GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope: Optional[str] = None,
                            name: str = "total_regularization_loss") -> ops.Tensor:
    """The sum of the regularization losses (a constant 0.0 when there are none)."""
    losses = get_regularization_losses(scope)
    if losses:
        return math_ops.add_n(losses, name=name)
    from . import constant_op

    return constant_op.constant(0.0)


def get_total_loss(add_regularization_losses: bool = True, name: str = "total_loss",
                   scope: Optional[str] = None) -> ops.Tensor:
    """The sum of the collected losses, and of the regularization losses unless told not to.

    Raises:
      ValueError: if there are no losses at all.
    """
    losses = get_losses(scope)
    if add_regularization_losses:
        losses = losses + get_regularization_losses(scope)
    if not losses:
        raise ValueError("No losses found in the LOSSES or REGULARIZATION_LOSSES "
                         "collections.")
    return math_ops.add_n(losses, name=name)


# ---------------------------------------------------------------------------------------------
# Weighted losses


def compute_weighted_loss(losses: Any, weights: Any = 1.0, scope: Optional[str] = None,
                          loss_collection: Any = ops.GraphKeys.LOSSES,
                          reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> ops.Tensor:
    """``losses * weights`` reduced by ``reduction``, added to ``loss_collection``.

    Raises:
      ValueError: if ``reduction`` is unknown, ``weights`` is None, or the weights cannot
        broadcast to the losses.
    """
    Reduction.validate(reduction)
    if weights is None:
        raise ValueError("weights must not be None.")
    with ops.name_scope(scope, "weighted_loss", [losses, weights]):
        losses = ops.convert_to_tensor(losses)
        check = _assert_broadcastable(weights, losses)
        with ops.control_dependencies([check] if check is not None else []):
            input_dtype = losses.dtype.base_dtype
            losses = math_ops.cast(losses, _dtypes.float32)
            weights = math_ops.cast(weights, _dtypes.float32)
            weighted = math_ops.multiply(losses, weights)
            if reduction == Reduction.NONE:
                loss = weighted
            else:
                loss = reduction_ops.reduce_sum(weighted)
                if reduction == Reduction.MEAN:
                    loss = _safe_mean(loss, reduction_ops.reduce_sum(
                        array_ops.ones_like(losses) * weights))
                elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                    loss = _safe_mean(loss, _num_present(losses, weights))
                elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                    loss = _safe_mean(loss, _num_elements(losses))
            loss = math_ops.cast(loss, input_dtype)
            add_loss(loss, loss_collection)
            return loss


def _check_args(labels: Any, predictions: Any, what: str = "predictions") -> None:
    if labels is None:
        raise ValueError("labels must not be None.")
    if predictions is None:
        raise ValueError("%s must not be None." % what)


def _float_pair(labels: Any, predictions: Any) -> tuple:
    predictions = math_ops.cast(predictions, _dtypes.float32)
    labels = math_ops.cast(labels, _dtypes.float32)
    predictions.shape.assert_is_compatible_with(labels.shape)
    return labels, predictions


def absolute_difference(labels: Any, predictions: Any, weights: Any = 1.0,
                        scope: Optional[str] = None,
                        loss_collection: Any = ops.GraphKeys.LOSSES,
                        reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> ops.Tensor:
    """Weighted ``|predictions - labels|``.

    Raises:
      ValueError: if an input is None or the shapes of labels, predictions or weights do not
        fit.
    """
    _check_args(labels, predictions)
    with ops.name_scope(scope, "absolute_difference", [predictions, labels, weights]) as scope:
        labels, predictions = _float_pair(labels, predictions)
        losses = math_ops.abs(math_ops.subtract(predictions, labels))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def mean_squared_error(labels: Any, predictions: Any, weights: Any = 1.0,
                       scope: Optional[str] = None,
                       loss_collection: Any = ops.GraphKeys.LOSSES,
                       reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> ops.Tensor:
    """Weighted ``(predictions - labels) ** 2``; with the default reduction, the mean over the
    elements with non-zero weight.

    Raises:
      ValueError: if an input is None or the shapes of labels, predictions or weights do not
        fit.
    """
    _check_args(labels, predictions)
    with ops.name_scope(scope, "mean_squared_error", [predictions, labels, weights]) as scope:
        labels, predictions = _float_pair(labels, predictions)
        losses = squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def log_loss(labels: Any, predictions: Any, weights: Any = 1.0, epsilon: float = 1e-7,
             scope: Optional[str] = None, loss_collection: Any = ops.GraphKeys.LOSSES,
             reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> ops.Tensor:
    """Weighted binary log loss ``-z log(p + eps) - (1 - z) log(1 - p + eps)``.

    Raises:
      ValueError: if an input is None or the shapes of labels, predictions or weights do not
        fit.
    """
    _check_args(labels, predictions)
    with ops.name_scope(scope, "log_loss", [predictions, labels, weights]) as scope:
        labels, predictions = _float_pair(labels, predictions)
        losses = -math_ops.multiply(labels, math_ops.log(predictions + epsilon)) - \
            math_ops.multiply((1 - labels), math_ops.log(1 - predictions + epsilon))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sigmoid_cross_entropy(multi_class_labels: Any, logits: Any, weights: Any = 1.0,
                          label_smoothing: float = 0, scope: Optional[str] = None,
                          loss_collection: Any = ops.GraphKeys.LOSSES,
                          reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> ops.Tensor:
    """Weighted ``sigmoid_cross_entropy_with_logits``; labels are smoothed towards 1/2 by
    ``label_smoothing``.

    Raises:
      ValueError: if an input is None or the shapes do not fit.
    """
    _check_args(multi_class_labels, logits, "logits")
    with ops.name_scope(scope, "sigmoid_cross_entropy_loss",
                        [logits, multi_class_labels, weights]) as scope:
        logits = ops.convert_to_tensor(logits)
        labels = math_ops.cast(multi_class_labels, logits.dtype.base_dtype)
        logits.shape.assert_is_compatible_with(labels.shape)
        if label_smoothing > 0:
            labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = nn_ops.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                                          name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels: Any, logits: Any, weights: Any = 1.0,
                          label_smoothing: float = 0, scope: Optional[str] = None,
                          loss_collection: Any = ops.GraphKeys.LOSSES,
                          reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> ops.Tensor:
    """Weighted softmax cross entropy of one-hot labels ``[batch, classes]``; labels are
    smoothed towards uniform by ``label_smoothing``. No gradient flows into the labels.

    Raises:
      ValueError: if an input is None or the shapes do not fit.
    """
    _check_args(onehot_labels, logits, "logits")
    with ops.name_scope(scope, "softmax_cross_entropy_loss",
                        [logits, onehot_labels, weights]) as scope:
        logits = ops.convert_to_tensor(logits)
        labels = math_ops.cast(onehot_labels, logits.dtype.base_dtype)
        logits.shape.assert_is_compatible_with(labels.shape)
        if label_smoothing > 0:
            num_classes = math_ops.cast(array_ops.shape(labels)[-1], logits.dtype.base_dtype)
            labels = labels * (1 - label_smoothing) + label_smoothing / num_classes
        labels = array_ops.stop_gradient(labels, name="labels_stop_gradient")
        losses = nn_ops.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits,
                                                             name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sparse_softmax_cross_entropy(labels: Any, logits: Any, weights: Any = 1.0,
                                 scope: Optional[str] = None,
                                 loss_collection: Any = ops.GraphKeys.LOSSES,
                                 reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS
                                 ) -> ops.Tensor:
    """Weighted ``sparse_softmax_cross_entropy_with_logits`` of integer labels.

    Raises:
      ValueError: if an input is None or the shapes do not fit.
      errors.InvalidArgumentError: at run time, for a label outside ``[0, classes)``.
    """
    _check_args(labels, logits, "logits")
    with ops.name_scope(scope, "sparse_softmax_cross_entropy_loss",
                        [logits, labels, weights]) as scope:
        losses = nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                                 name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)
