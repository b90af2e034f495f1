"""Array ops: placeholders, identity and shape manipulation."""

from __future__ import annotations

from typing import Any, Optional

from .. import dtypes as _dtypes
from ..framework import ops
from ..framework.tensor_shape import TensorShape, as_shape

__all__ = ["placeholder", "placeholder_with_default", "identity", "stop_gradient"]


def placeholder(dtype: Any, shape: Any = None, name: Optional[str] = None) -> ops.Tensor:
    """A tensor that must be fed when a fetch depends on it.

    ``shape=None`` accepts any shape; ``None`` dimensions accept any size.
    """
    d = _dtypes.as_dtype(dtype).base_dtype
    s = TensorShape(None) if shape is None else as_shape(shape)
    op = ops.get_default_graph().create_op(
        "Placeholder", [], {"dtype": ops.attr_dtype(d), "shape": ops.attr_shape(s)},
        name=name or "Placeholder")
    return op.outputs[0]


def placeholder_with_default(input: Any, shape: Any, name: Optional[str] = None  # noqa: A002
                             ) -> ops.Tensor:
    """A placeholder that yields ``input`` when not fed.

    Raises:
      ValueError: if ``input``'s shape is not compatible with ``shape``.
    """
    x = ops.convert_to_tensor(input)
    op = x.graph.create_op("PlaceholderWithDefault", [x],
                           {"dtype": ops.attr_dtype(x.dtype), "shape": ops.attr_shape(shape)},
                           name=name or "PlaceholderWithDefault")
    return op.outputs[0]


def identity(input: Any, name: Optional[str] = None) -> ops.Tensor:  # noqa: A002
    """The same value, as a new node (reads a variable's current value)."""
    x = ops.convert_to_tensor(input)
    return x.graph.create_op("Identity", [x], name=name or "Identity").outputs[0]


def stop_gradient(input: Any, name: Optional[str] = None) -> ops.Tensor:  # noqa: A002
    """The same value; gradients do not flow through it."""
    x = ops.convert_to_tensor(input)
    return x.graph.create_op("StopGradient", [x], name=name or "StopGradient").outputs[0]
