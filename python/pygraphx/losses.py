"""``tf.losses``: weighted losses, their reductions and the ``LOSSES`` collection helpers."""

from .ops.losses_impl import *  # noqa: F401,F403
from .ops.losses_impl import Reduction  # noqa: F401
