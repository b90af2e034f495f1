"""Grouping and ordering: ``group``, ``no_op``, ``tuple``, ``with_dependencies``."""

from __future__ import annotations

from typing import Any, List, Optional, Sequence

from ..framework import ops

__all__ = ["group", "no_op", "tuple", "with_dependencies"]

_builtin_tuple = tuple


def no_op(name: Optional[str] = None) -> ops.Operation:
    """An op that does nothing; useful as a control-dependency anchor."""
    return ops.get_default_graph().create_op("NoOp", [], name=name or "NoOp")


def _as_ops(inputs: Sequence[Any]) -> List[ops.Operation]:
    out = []
    for i in inputs:
        if isinstance(i, (list, _builtin_tuple)):
            out.extend(_as_ops(i))
            continue
        el = i._as_graph_element() if hasattr(i, "_as_graph_element") else i
        if isinstance(el, ops.Tensor):
            el = el.op
        if not isinstance(el, ops.Operation):
            raise TypeError("Expected tf.group() expected Tensor arguments not '%r' with "
                            "type '%s'" % (i, type(i)))
        out.append(el)
    return out


def group(*inputs: Any, **kwargs: Any) -> ops.Operation:
    """An op that runs all ``inputs`` (a NoOp with them as control inputs)."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError("Unknown keyword arguments: " + ", ".join(kwargs))
    deps = _as_ops(inputs)
    g = deps[0].graph if deps else ops.get_default_graph()
    with g.as_default(), ops.name_scope(name, "group_deps", deps) as scope:
        with g.control_dependencies(deps):
            return g.create_op("NoOp", [], name=scope)


def with_dependencies(dependencies: Sequence[Any], output_tensor: Any,
                      name: Optional[str] = None) -> ops.Tensor:
    """``output_tensor`` passed through an Identity that runs after ``dependencies``."""
    from . import array_ops

    with ops.name_scope(name, "control_dependency", list(dependencies) + [output_tensor]) as n:
        with ops.control_dependencies(dependencies):
            return array_ops.identity(ops.convert_to_tensor(output_tensor), name=n)


def tuple(tensors: Sequence[Any], name: Optional[str] = None,  # noqa: A001 - TF's name
          control_inputs: Optional[Sequence[Any]] = None) -> list:
    """The tensors, each available only after all of them are computed."""
    tensors = [ops.convert_to_tensor(t) for t in tensors]
    with ops.name_scope(name, "tuple", tensors):
        gate = group(*(tensors + list(control_inputs or [])))
        return [with_dependencies([gate], t) for t in tensors]
