"""Gradients of the variable ops: assignments and initialisation checks have none;
``InitializedValue`` passes its gradient to whichever input it returned."""

from __future__ import annotations

from typing import Any

from ..framework import ops
from . import math_ops, state_ops

for _t in ("VariableV2", "Assign", "AssignAdd", "AssignSub", "IsVariableInitialized"):
    ops.NotDifferentiable(_t)


@ops.RegisterGradient("InitializedValue")
def _initialized_value_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # The op yields the variable's value once it is initialised, else the initial value; the
    # gradient goes to the same input, decided when the step runs.
    var, initial = op.inputs
    taken = math_ops.cast(state_ops.is_variable_initialized(var), grad.dtype)
    return grad * taken, grad * (1 - taken)
