"""``clip_by_value``: elementwise clipping, built as TF1 builds it from ``Minimum`` and
``Maximum`` (``clip_by_value/Minimum`` then the ``clip_by_value`` node itself)."""

from __future__ import annotations

from typing import Any, Optional

from ..framework import ops
from . import math_ops

__all__ = ["clip_by_value"]


def clip_by_value(t: Any, clip_value_min: Any, clip_value_max: Any,
                  name: Optional[str] = None) -> ops.Tensor:
    """``t`` with values below ``clip_value_min`` raised to it and values above
    ``clip_value_max`` lowered to it. The bounds broadcast against ``t`` but may not enlarge
    its shape.

    Raises:
      ValueError: if a bound's shape would change the shape of ``t``.
      TypeError: if the dtypes differ.
    """
    with ops.name_scope(name, "clip_by_value", [t, clip_value_min, clip_value_max]) as scope:
        values = ops.convert_to_tensor(t, name="t")
        t_min = math_ops.minimum(values, clip_value_max)
        if not values.shape.is_compatible_with(t_min.shape):
            raise ValueError("Shapes %s and %s are incompatible: clip_value_max would change "
                             "the shape of t" % (values.shape, t_min.shape))
        t_max = math_ops.maximum(t_min, clip_value_min, name=scope)
        if not values.shape.is_compatible_with(t_max.shape):
            raise ValueError("Shapes %s and %s are incompatible: clip_value_min would change "
                             "the shape of t" % (values.shape, t_max.shape))
        return t_max
