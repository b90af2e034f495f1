"""``tf.range``."""

from __future__ import annotations

from typing import Any

from .. import dtypes as _dtypes
from ..framework import ops

__all__ = ["range"]

_builtin_range = range
# Wider types win when start, limit and delta differ, as in TF.
_RANK = {_dtypes.int32: 0, _dtypes.int64: 1, _dtypes.float32: 2, _dtypes.float64: 3}


def range(start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None,  # noqa: A001
          name: str = "range") -> ops.Tensor:
    """The sequence ``start, start + delta, ...`` up to but excluding ``limit``.

    ``range(n)`` counts from 0. Without ``dtype`` the widest input type is used.

    Raises:
      ValueError: when the inputs are constants and delta is 0 or points away from limit.
      errors.InvalidArgumentError: the same, found at run time for non-constant inputs.
    """
    if limit is None:
        start, limit = 0, start
    with ops.name_scope(name, "Range", [start, limit, delta]) as scope:
        want = None if dtype is None else _dtypes.as_dtype(dtype).base_dtype
        start_t = ops.convert_to_tensor(start, dtype=want, name="start")
        limit_t = ops.convert_to_tensor(limit, dtype=want, name="limit")
        delta_t = ops.convert_to_tensor(delta, dtype=want, name="delta")
        if want is None:
            kinds = [t.dtype.base_dtype for t in (start_t, limit_t, delta_t)]
            for k in kinds:
                if k not in _RANK:
                    raise TypeError("tf.range does not support dtype %s" % k.name)
            want = max(kinds, key=lambda d: _RANK[d])
            from . import math_ops

            start_t, limit_t, delta_t = [t if t.dtype.base_dtype == want else
                                         math_ops.cast(t, want)
                                         for t in (start_t, limit_t, delta_t)]
        return ops.make_op("Range", [start_t, limit_t, delta_t],
                           {"Tidx": ops.attr_dtype(want)}, name=scope).outputs[0]
