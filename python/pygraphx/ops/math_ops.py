"""math_ops (being written)."""

__all__: list = []
