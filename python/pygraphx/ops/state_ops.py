"""Variable nodes and assignment: ``assign``, ``assign_add``, ``assign_sub``."""

from __future__ import annotations

from typing import Any, Optional

from .. import dtypes as _dtypes
from ..framework import ops

__all__ = ["assign", "assign_add", "assign_sub", "is_variable_initialized"]


def variable_op_v2(shape: Any, dtype: Any, name: str) -> ops.Tensor:
    """The VariableV2 node holding a session's value of a variable."""
    op = ops.get_default_graph().create_op(
        "VariableV2", [], {"shape": ops.attr_shape(shape), "dtype": ops.attr_dtype(dtype)},
        name=name)
    return op.outputs[0]


class NotAVariableError(TypeError, AttributeError):
    """``tf.assign`` (or ``assign_add``/``assign_sub``) given something that is not a variable.

    TF1 falls back to ``ref.assign(...)`` there and so raises ``AttributeError`` ("'Tensor'
    object has no attribute 'assign'"); this class is also a ``TypeError``, which is what the
    mistake is, so code written against either keeps working.
    """


def _ref(ref: Any) -> ops.Tensor:
    """The VariableV2 tensor behind a Variable or a ref tensor.

    Raises:
      NotAVariableError: (a TypeError and an AttributeError) if ``ref`` is not a variable.
    """
    el = ref._as_graph_element() if hasattr(ref, "_as_graph_element") else ref
    if not isinstance(el, ops.Tensor) or el.op.type != "VariableV2":
        raise NotAVariableError("'%s' is not a variable: only variables (tf.Variable or "
                                "tf.get_variable) can be assigned to"
                                % getattr(el, "name", el))
    return el


def _update(op_type: str, ref: Any, value: Any, name: Optional[str], default: str,
            attrs: Optional[dict] = None) -> ops.Tensor:
    r = _ref(ref)
    with ops.name_scope(name, default, [r]) as scope:
        v = ops.convert_to_tensor(value, dtype=r.dtype.base_dtype, name="value")
        op = r.graph.create_op(op_type, [r, v], attrs, name=scope)
    t = op.outputs[0]
    t._dtype = r.dtype  # assignment ops return the (ref) variable
    return t


def assign(ref: Any, value: Any, validate_shape: Optional[bool] = None,
           use_locking: Optional[bool] = None, name: Optional[str] = None) -> ops.Tensor:
    """Assigns ``value`` to the variable ``ref``; returns the new value.

    Raises:
      TypeError: if ``ref`` is not a variable.
      ValueError: if the value's static shape or dtype does not match the variable's.
    """
    vs = True if validate_shape is None else bool(validate_shape)
    # TF1's Assign op defaults use_locking to True (AssignAdd/AssignSub default to False).
    lock = True if use_locking is None else bool(use_locking)
    return _update("Assign", ref, value, name, "Assign",
                   {"validate_shape": ops.attr_bool(vs), "use_locking": ops.attr_bool(lock)})


def assign_add(ref: Any, value: Any, use_locking: Optional[bool] = None,
               name: Optional[str] = None) -> ops.Tensor:
    """Adds ``value`` to the variable ``ref``; returns the new value."""
    return _update("AssignAdd", ref, value, name, "AssignAdd",
                   {"use_locking": ops.attr_bool(bool(use_locking))})


def assign_sub(ref: Any, value: Any, use_locking: Optional[bool] = None,
               name: Optional[str] = None) -> ops.Tensor:
    """Subtracts ``value`` from the variable ``ref``; returns the new value."""
    return _update("AssignSub", ref, value, name, "AssignSub",
                   {"use_locking": ops.attr_bool(bool(use_locking))})


def is_variable_initialized(variable: Any, name: Optional[str] = None) -> ops.Tensor:
    """A bool scalar: whether ``variable`` holds a value in the running session."""
    r = _ref(variable)
    return r.graph.create_op("IsVariableInitialized", [r], name=name or "IsVariableInitialized"
                             ).outputs[0]


_ = _dtypes
