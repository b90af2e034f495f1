"""``tf.random``: random tensors and seeds."""

from .ops.random_ops import *  # noqa: F401,F403
