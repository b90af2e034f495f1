"""Lazy access to the optional ``tensorboard`` package (the ``pygraphx[tensorboard]`` extra)."""

from __future__ import annotations

import importlib
from types import ModuleType

INSTALL_HINT = ('TensorBoard support needs the optional "tensorboard" package: '
                'pip install "pygraphx[tensorboard]"')


def load(module: str) -> ModuleType:
    """Imports ``tensorboard.<module>``.

    Raises:
      ImportError: saying which extra to install when tensorboard is not available.
    """
    try:
        return importlib.import_module("tensorboard." + module)
    except ImportError as e:
        raise ImportError("%s (%s)" % (INSTALL_HINT, e)) from e


def protos() -> tuple:
    """``(event_pb2, summary_pb2, graph_pb2)`` from ``tensorboard.compat.proto``."""
    return (load("compat.proto.event_pb2"), load("compat.proto.summary_pb2"),
            load("compat.proto.graph_pb2"))
