"""``tf.constant``."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes as _dtypes
from ..framework import ops
from ..framework.tensor_shape import as_shape

__all__ = ["constant"]


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str = "Const",
             verify_shape: bool = False) -> ops.Tensor:
    """A Const node holding ``value``.

    With ``shape``, a value with as many elements is reshaped to it, and a shorter value is
    padded with its last element (a scalar fills the whole shape), as in TF1.

    Raises:
      TypeError: if the value cannot be converted to ``dtype``.
      ValueError: if the value's size does not fit ``shape`` (or differs with verify_shape).
    """
    dt = None if dtype is None else _dtypes.as_dtype(dtype).base_dtype
    if isinstance(value, ops.Tensor):
        raise TypeError("tf.constant expects a Python or NumPy value, got the Tensor %s; use "
                        "tf.identity to copy a tensor" % value.name)
    arr = ops._to_numpy(value, dt)
    if shape is not None:
        target = as_shape(shape)
        if not target.is_fully_defined():
            raise ValueError("tf.constant shape must be fully defined, got %s" % target)
        dims = tuple(target.as_list())
        n = int(np.prod(dims, dtype=np.int64))
        if verify_shape and arr.shape != dims:
            raise TypeError("Expected Tensor's shape: %s, got %s." % (dims, arr.shape))
        if arr.size == n:
            arr = arr.reshape(dims)
        elif 0 < arr.size < n:
            # TF1 fills the remaining elements with the last value given.
            flat = arr.reshape(-1)
            arr = np.concatenate([flat, np.full(n - flat.size, flat[-1], dtype=arr.dtype)])
            arr = arr.reshape(dims)
        else:
            raise ValueError("Too many elements provided. Needed at most %d, but received %d"
                             % (n, arr.size))
    return ops.constant_tensor(np.asarray(arr, order="C"), name=name)
