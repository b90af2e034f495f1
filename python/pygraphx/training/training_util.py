"""The global step: a scalar int64 variable ``global_step`` in the ``GLOBAL_STEP`` collection
that ``Optimizer.minimize(..., global_step=...)`` increments once per training step."""

from __future__ import annotations

import logging
from typing import Any, Optional

from .. import dtypes as _dtypes
from ..framework import ops
from ..ops import init_ops, variable_scope

__all__ = [
    "get_global_step",
    "create_global_step",
    "get_or_create_global_step",
    "global_step",
    "assert_global_step",
]

_log = logging.getLogger("pygraphx")


def global_step(sess: Any, global_step_tensor: Any) -> int:
    """The value of ``global_step_tensor`` (a variable, tensor or tensor name) in ``sess``, as
    a Python int."""
    return int(sess.run(global_step_tensor))


def assert_global_step(global_step_tensor: Any) -> None:
    """Checks that ``global_step_tensor`` can serve as a global step.

    Raises:
      TypeError: if it is not a variable or tensor, not of an integer type, or not a scalar.
    """
    from ..ops.variables import Variable

    if not isinstance(global_step_tensor, (Variable, ops.Tensor)):
        raise TypeError('Existing "global_step" must be a Variable or Tensor: %s.'
                        % (global_step_tensor,))
    if not global_step_tensor.dtype.base_dtype.is_integer:
        raise TypeError('Existing "global_step" does not have integer type: %s'
                        % global_step_tensor.dtype)
    shape = global_step_tensor.shape
    if shape.ndims != 0 and shape.is_fully_defined():
        raise TypeError('Existing "global_step" is not scalar: %s' % shape)


def get_global_step(graph: Optional[ops.Graph] = None) -> Any:
    """The global step of ``graph`` (default: the default graph): the only member of the
    ``GLOBAL_STEP`` collection, else the tensor named ``global_step:0``, else None.

    Raises:
      TypeError: if the global step found is not an integer scalar.
    """
    graph = graph or ops.get_default_graph()
    found = graph.get_collection(ops.GraphKeys.GLOBAL_STEP)
    if len(found) == 1:
        step = found[0]
    elif not found:
        try:
            step = graph.get_tensor_by_name("global_step:0")
        except KeyError:
            return None
    else:
        _log.error("Multiple tensors in global_step collection.")
        return None
    assert_global_step(step)
    return step


def create_global_step(graph: Optional[ops.Graph] = None) -> Any:
    """Creates the global step variable ``global_step`` (int64 scalar, zero-initialised,
    non-trainable, in ``GLOBAL_VARIABLES`` and ``GLOBAL_STEP``) in ``graph``.

    Raises:
      ValueError: if the graph already has a global step.
    """
    graph = graph or ops.get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default(), graph.name_scope(None):
        return variable_scope.get_variable(
            ops.GraphKeys.GLOBAL_STEP, shape=[], dtype=_dtypes.int64,
            initializer=init_ops.zeros_initializer(), trainable=False,
            collections=[ops.GraphKeys.GLOBAL_VARIABLES, ops.GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph: Optional[ops.Graph] = None) -> Any:
    """The global step of ``graph``, created first when there is none."""
    graph = graph or ops.get_default_graph()
    step = get_global_step(graph)
    if step is None:
        step = create_global_step(graph)
    return step
