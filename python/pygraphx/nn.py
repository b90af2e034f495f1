"""``tf.nn``: neural-network ops."""

from .ops.nn_ops import *  # noqa: F401,F403
