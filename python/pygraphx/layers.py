"""``tf.layers``: TF1's functional ``dense`` layer.

Variables are created with ``get_variable`` inside ``variable_scope(name or "dense")``, so an
unnamed layer gets ``dense/kernel:0`` and ``dense/bias:0``, the next unnamed one ``dense_1/...``,
and a named layer called again with ``reuse=True`` shares its variables while its ops go into a
fresh name scope (``dense_1/MatMul``), as in TF1.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from .framework import ops
from .ops import array_ops, init_ops, linalg_ops, nn_ops
from .ops.variable_scope import get_variable, variable_scope

__all__ = ["dense"]


_ZEROS = init_ops.zeros_initializer()  # stateless, so one instance serves every call


def dense(inputs: Any, units: int, activation: Optional[Callable[..., Any]] = None,
          use_bias: bool = True, kernel_initializer: Any = None,
          bias_initializer: Any = _ZEROS, kernel_regularizer: Any = None,
          bias_regularizer: Any = None, activity_regularizer: Any = None,
          kernel_constraint: Any = None, bias_constraint: Any = None, trainable: bool = True,
          name: Optional[str] = None, reuse: Any = None) -> ops.Tensor:
    """A fully connected layer: ``activation(inputs @ kernel + bias)``.

    Args:
      inputs: a float tensor of rank >= 2 whose last dimension is statically known.
      units: the number of outputs.
      activation: a function applied to the result (e.g. ``tf.nn.relu``), or None.
      use_bias: whether to add a bias vector.
      kernel_initializer: defaults to ``glorot_uniform_initializer``.
      bias_initializer: defaults to zeros.
      kernel_regularizer, bias_regularizer: functions of a variable whose result is added to
        the ``REGULARIZATION_LOSSES`` collection.
      activity_regularizer: a function of the output, added to that collection likewise.
      kernel_constraint, bias_constraint: projections stored on the variables
        (``Variable.constraint``) for optimizers to apply.
      trainable: whether the variables go into ``TRAINABLE_VARIABLES``.
      name: the layer's variable scope (default a fresh ``dense``, ``dense_1`` ...).
      reuse: reuse the variables of an earlier layer of the same name.

    Returns:
      A tensor of ``inputs``' shape with the last dimension replaced by ``units``.

    Raises:
      ValueError: if ``units`` is not positive, the last dimension of ``inputs`` is unknown,
        the rank is below 2, or the variables exist without ``reuse`` (or not with it).
    """
    if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
        raise ValueError("units must be a positive integer, got %r" % (units,))
    x = ops.convert_to_tensor(inputs)
    dtype = x.dtype.base_dtype
    if not dtype.is_floating:
        raise ValueError("Unable to build `Dense` layer with non-floating point dtype %s"
                         % dtype)
    rank = x.shape.ndims
    if rank is not None and rank < 2:
        raise ValueError("Input 0 of layer %s is incompatible with the layer: expected "
                         "min_ndim=2, found ndim=%d. Full shape received: %s"
                         % (name or "dense", rank, x.shape))
    last = x.shape[-1].value if rank else None
    if last is None:
        raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                         "Found `None`.")
    with variable_scope(name, default_name="dense", values=[x], reuse=reuse):
        kernel = get_variable("kernel", shape=[last, units], dtype=dtype,
                              initializer=kernel_initializer or
                              init_ops.glorot_uniform_initializer(),
                              regularizer=kernel_regularizer, trainable=trainable,
                              constraint=kernel_constraint)
        bias = None
        if use_bias:
            bias = get_variable("bias", shape=[units], dtype=dtype,
                                initializer=bias_initializer, regularizer=bias_regularizer,
                                trainable=trainable, constraint=bias_constraint)
        if rank == 2:
            outputs = linalg_ops.matmul(x, kernel)
        else:
            # Rank > 2 (or unknown): contract the last axis, as TF's tensordot does.
            flat = array_ops.reshape(x, [-1, last])
            outputs = linalg_ops.matmul(flat, kernel)
            out_shape = array_ops.concat([array_ops.shape(x)[:-1], [units]], 0)
            outputs = array_ops.reshape(outputs, out_shape)
            if rank is not None:
                outputs.set_shape(x.shape[:-1].concatenate([units]))
        if bias is not None:
            outputs = nn_ops.bias_add(outputs, bias)
        if activation is not None:
            outputs = activation(outputs)
        if activity_regularizer is not None:
            with ops.name_scope("ActivityRegularizer"):
                penalty = activity_regularizer(outputs)
            if penalty is not None:
                ops.add_to_collection(ops.GraphKeys.REGULARIZATION_LOSSES, penalty)
        return outputs

