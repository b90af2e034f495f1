"""``tf.test``: the TF1 gradient checker.

``compute_gradient`` compares the Jacobian that ``tf.gradients`` computes (one run per element
of ``y``, feeding a one-hot output gradient) with central differences of ``y`` (two runs per
element of ``x``). Both run in the default session, which must exist (``with tf.Session():``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .client import session as _session
from .framework import ops
from .ops import array_ops, constant_op
from .training.gradients_impl import gradients

__all__ = ["compute_gradient", "compute_gradient_error"]

_FLOATS = ("float32", "float64")


def _size(shape: Sequence[int]) -> int:
    return int(np.prod(shape, dtype=np.int64))


def _default_session() -> Any:
    s = _session.get_default_session()
    if s is None:
        raise ValueError("compute_gradient needs a default session: call it inside "
                         "`with tf.Session():` (or `sess.as_default()`)")
    return s


def _feeds(extra: Optional[Dict[Any, Any]], own: Dict[Any, Any]) -> Dict[Any, Any]:
    out = dict(extra or {})
    out.update(own)
    return out


def _check_float(t: ops.Tensor, what: str) -> None:
    if t.dtype.base_dtype.name not in _FLOATS:
        raise TypeError("compute_gradient supports float32 and float64 %s, got %s of dtype %s"
                        % (what, t.name, t.dtype.base_dtype.name))


def _gradient_of(x: ops.Tensor, y: ops.Tensor, y_shape: Sequence[int]
                 ) -> Tuple[Optional[ops.Tensor], ops.Tensor]:
    """d(sum(y * dy))/dx, with dy a fed stand-in (an Identity of a Const, so that it can be
    fed even when the gradient is dy itself)."""
    with x.graph.as_default():
        dy_value = constant_op.constant(1.0, shape=list(y_shape), dtype=y.dtype.base_dtype)
        dy = array_ops.identity(dy_value)
    return gradients(y, x, dy)[0], dy_value


def _theoretical_jacobian(sess: Any, x: ops.Tensor, x_shape: Sequence[int], x_data: np.ndarray,
                          dx: Optional[ops.Tensor], dy: ops.Tensor, y_shape: Sequence[int],
                          extra: Optional[Dict[Any, Any]]) -> np.ndarray:
    x_size, y_size = _size(x_shape), _size(y_shape)
    jacobian = np.zeros((x_size, y_size), dtype=x.dtype.base_dtype.as_numpy_dtype)
    if dx is None or x_size == 0:
        return jacobian
    dy_data = np.zeros(list(y_shape), dtype=dy.dtype.base_dtype.as_numpy_dtype)
    flat = dy_data.reshape(-1)
    for col in range(y_size):
        flat[:] = 0
        flat[col] = 1
        g = sess.run(dx, feed_dict=_feeds(extra, {x: x_data, dy: dy_data}))
        jacobian[:, col] = np.asarray(g).reshape(-1)
    return jacobian


def _numeric_jacobian(sess: Any, x: ops.Tensor, x_shape: Sequence[int], x_data: np.ndarray,
                      y: ops.Tensor, y_shape: Sequence[int], delta: float,
                      extra: Optional[Dict[Any, Any]]) -> np.ndarray:
    x_size, y_size = _size(x_shape), _size(y_shape)
    x_np = x.dtype.base_dtype.as_numpy_dtype
    jacobian = np.zeros((x_size, y_size), dtype=x_np)
    x_data = np.array(x_data, dtype=x_np)
    for row in range(x_size):
        x_pos = x_data.copy()
        x_pos.reshape(-1)[row] += delta
        y_pos = sess.run(y, feed_dict=_feeds(extra, {x: x_pos}))
        x_neg = x_data.copy()
        x_neg.reshape(-1)[row] -= delta
        y_neg = sess.run(y, feed_dict=_feeds(extra, {x: x_neg}))
        diff = (np.asarray(y_pos, dtype=np.float64) - np.asarray(y_neg, dtype=np.float64))
        jacobian[row, :] = (diff / (2 * delta)).reshape(-1)
    return jacobian


def _one(sess: Any, x: ops.Tensor, x_shape: Sequence[int], dx: Optional[ops.Tensor],
         dy: ops.Tensor, y: ops.Tensor, y_shape: Sequence[int], x_init_value: Any,
         delta: float, extra: Optional[Dict[Any, Any]]) -> Tuple[np.ndarray, np.ndarray]:
    _check_float(x, "x")
    _check_float(y, "y")
    x_np = x.dtype.base_dtype.as_numpy_dtype
    if x_init_value is not None:
        x_data = np.asarray(x_init_value, dtype=x_np)
        if list(x_data.shape) != list(x_shape):
            raise ValueError("x_init_value has shape %s but x_shape is %s"
                             % (list(x_data.shape), list(x_shape)))
    else:
        x_data = np.random.random_sample(list(x_shape)).astype(x_np)
    theoretical = _theoretical_jacobian(sess, x, x_shape, x_data, dx, dy, y_shape, extra)
    numeric = _numeric_jacobian(sess, x, x_shape, x_data, y, y_shape, delta, extra)
    return theoretical, numeric


def compute_gradient(x: Any, x_shape: Any, y: ops.Tensor, y_shape: Sequence[int],
                     x_init_value: Any = None, delta: float = 1e-3,
                     init_targets: Optional[Sequence[Any]] = None,
                     extra_feed_dict: Optional[Dict[Any, Any]] = None) -> Any:
    """The theoretical and numeric Jacobians of ``y`` with respect to ``x``.

    Args:
      x: a tensor, or a list of tensors (then ``x_shape`` and ``x_init_value`` are lists).
      x_shape: the shape of x (fed while checking).
      y: the output tensor.
      y_shape: its shape.
      x_init_value: the value of x at which to differentiate; random in [0, 1) by default.
      delta: the perturbation of the central differences.
      init_targets: ops run first (variable initialisers).
      extra_feed_dict: other feeds for every run.

    Returns:
      ``(theoretical, numeric)``, two arrays of shape ``[x_size, y_size]`` (row i, column j:
      dy_j/dx_i); for a list ``x``, a list of such pairs.

    Raises:
      ValueError: without a default session, or if ``x_init_value`` does not match
        ``x_shape``.
      TypeError: if x or y is not float32/float64.
    """
    sess = _default_session()
    xs = x if isinstance(x, list) else [x]
    shapes = x_shape if isinstance(x, list) else [x_shape]
    inits = (x_init_value if x_init_value is not None else [None] * len(xs)) \
        if isinstance(x, list) else [x_init_value]
    pairs = [_gradient_of(xi, y, y_shape) for xi in xs]
    for target in init_targets or ():
        sess.run(target)
    out: List[Tuple[np.ndarray, np.ndarray]] = []
    for xi, si, (dx, dy), init in zip(xs, shapes, pairs, inits):
        out.append(_one(sess, xi, si, dx, dy, y, y_shape, init, delta, extra_feed_dict))
    return out if isinstance(x, list) else out[0]


def compute_gradient_error(x: Any, x_shape: Any, y: ops.Tensor, y_shape: Sequence[int],
                           x_init_value: Any = None, delta: float = 1e-3,
                           init_targets: Optional[Sequence[Any]] = None,
                           extra_feed_dict: Optional[Dict[Any, Any]] = None) -> float:
    """The largest absolute difference between the theoretical and numeric Jacobians (over
    all of ``x`` when it is a list); arguments as ``compute_gradient``."""
    result = compute_gradient(x, x_shape, y, y_shape, x_init_value, delta, init_targets,
                              extra_feed_dict)
    pairs = result if isinstance(result, list) else [result]
    error = 0.0
    for theoretical, numeric in pairs:
        if theoretical.size or numeric.size:
            error = max(error, float(np.fabs(theoretical - numeric).max()))
    return error
