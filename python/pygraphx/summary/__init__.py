"""``tf.summary``: summary ops and the TensorBoard ``FileWriter``.

The ops are part of the core; writing events files uses the optional ``tensorboard`` package
(``pip install "pygraphx[tensorboard]"``), imported only when a ``FileWriter`` is created or a
proto class (``tf.summary.Summary``, ``SessionLog``, ``Event``) is first used.
"""

from __future__ import annotations

from typing import Any

from .summary_ops import histogram, merge, merge_all, scalar
from .writer import FileWriter

__all__ = ["scalar", "histogram", "merge", "merge_all", "FileWriter", "Summary", "SessionLog",
           "Event"]

_PROTO_CLASSES = {"Summary": "summary_pb2", "SessionLog": "event_pb2", "Event": "event_pb2"}


def __getattr__(name: str) -> Any:
    module = _PROTO_CLASSES.get(name)
    if module is None:
        raise AttributeError("module %r has no attribute %r" % (__name__, name))
    from . import _tensorboard

    try:
        return getattr(_tensorboard.load("compat.proto." + module), name)
    except ImportError as e:
        raise AttributeError("pygraphx.summary.%s: %s" % (name, e)) from None
