"""Slot variables: per-variable optimizer state (momentum accumulators, Adam's moments ...).

A slot of the variable ``theta`` created by the optimizer ``Adam`` is the variable
``theta/Adam`` (the next one ``theta/Adam_1``): the scope ``<primary op name>/<name>`` made
unique the way ``variable_scope(None, default_name=...)`` does. Slots are non-trainable, in the
``GLOBAL_VARIABLES`` collection (so ``global_variables_initializer()`` built afterwards
initialises them) and created with ``get_variable``, so they can be looked up with reuse.
"""

from __future__ import annotations

from typing import Any, Optional

from .. import dtypes as _dtypes
from ..framework import ops
from ..framework.tensor_shape import TensorShape
from ..ops import init_ops, variable_scope, variables

__all__ = ["create_slot", "create_slot_with_initializer", "create_zeros_slot"]


def _primary_ref(primary: Any) -> ops.Tensor:
    el = primary._as_graph_element() if hasattr(primary, "_as_graph_element") else primary
    if not isinstance(el, ops.Tensor):
        raise TypeError("A slot is created for a variable or a tensor, got %r" % (primary,))
    return el


def _create_slot_var(primary: Any, initializer: Any, name: str, shape: Any, dtype: Any,
                     validate_shape: bool) -> variables.Variable:
    """The variable ``<scope>/<primary op name>/<name>[_k]`` with the given initial value."""
    prefix = _primary_ref(primary).op.name
    g = ops.get_default_graph()
    outer = variable_scope.get_variable_scope()
    # Entering the default-named scope picks the unique name (theta/Adam, theta/Adam_1 ...) and
    # opens its name scope. The variable is then created from the enclosing scope under that
    # relative name with a trailing "/", which re-enters the name scope just opened instead of
    # uniquifying it again (as TF's get_variable("") inside the slot's scope does).
    with variable_scope.variable_scope(None, default_name=prefix + "/" + name) as slot_scope:
        relative = slot_scope.name[len(outer.name) + 1:] if outer.name else slot_scope.name
        return variable_scope._get_variable_in(
            outer, g, relative + "/", shape, dtype, initializer, None, False, None,
            validate_shape, None)


def create_slot(primary: Any, val: Any, name: str, colocate_with_primary: bool = True
                ) -> variables.Variable:
    """A slot for ``primary`` initialised to the tensor ``val``.

    Raises:
      TypeError: if ``primary`` is not a variable or tensor.
    """
    val = ops.convert_to_tensor(val)
    validate_shape = val.shape.is_fully_defined()
    with ops.init_scope():
        return _create_slot_var(primary, val, name, None, None, validate_shape)


def create_slot_with_initializer(primary: Any, initializer: Any, shape: Any, dtype: Any,
                                 name: str, colocate_with_primary: bool = True
                                 ) -> variables.Variable:
    """A slot for ``primary`` of ``shape`` and ``dtype`` built by ``initializer`` (an
    initializer object, a callable taking ``(shape, dtype)``, or a tensor when ``shape`` is not
    fully defined).

    Raises:
      TypeError: if ``primary`` is not a variable or tensor.
    """
    shape = TensorShape(shape)
    dtype = _dtypes.as_dtype(dtype).base_dtype
    with ops.init_scope():
        if shape.is_fully_defined():
            return _create_slot_var(primary, initializer, name, shape, dtype, True)
        # A variable of partly known shape: its slot takes the shape of the value it starts
        # from (e.g. ones_like(primary)), which is only known when it is initialised.
        value = initializer if isinstance(initializer, ops.Tensor) else None
        if value is None:
            raise ValueError("Slot %s for %s: a variable whose shape %s is not fully defined "
                             "needs a tensor initial value" % (name, _primary_ref(primary).name,
                                                               shape))
        return _create_slot_var(primary, value, name, None, None, False)


def create_zeros_slot(primary: Any, name: str, dtype: Optional[Any] = None,
                      colocate_with_primary: bool = True) -> variables.Variable:
    """A slot of zeros with the shape and (unless ``dtype`` is given) the dtype of
    ``primary``.

    Raises:
      TypeError: if ``primary`` is not a variable or tensor.
    """
    ref = _primary_ref(primary)
    if dtype is None:
        dtype = ref.dtype
    dtype = _dtypes.as_dtype(dtype).base_dtype
    shape = ref.shape
    if shape.is_fully_defined():
        return create_slot_with_initializer(primary, init_ops.zeros_initializer(dtype=dtype),
                                            shape, dtype, name, colocate_with_primary)
    from ..ops import array_ops

    with ops.init_scope():
        value = array_ops.zeros(array_ops.shape(_initial_or_self(primary)), dtype=dtype)
    return create_slot(primary, value, name, colocate_with_primary)


def _initial_or_self(primary: Any) -> Any:
    """What a slot of a variable of partly known shape takes its shape from: the variable's
    initial value (TF uses the variable's value at initialisation time)."""
    iv = getattr(primary, "initialized_value", None)
    return iv() if callable(iv) else primary
