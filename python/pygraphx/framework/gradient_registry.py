"""Gradient functions by op type.

A gradient function is registered next to the Python wrapper of its op::

    @ops.RegisterGradient("Relu")
    def _relu_grad(op, grad):
        return gen_relu_grad(grad, op.outputs[0])

It receives the forward ``Operation`` and one gradient per output of that op (``None`` for an
output nothing downstream depends on, when the op has several outputs) and returns one gradient
per input (a ``Tensor`` or ``None``), as a list or tuple, or a single value for a one-input op.
It builds its nodes in the name scope that ``gradients`` opened for the op
(``gradients/<op name>_grad/``).

``NotDifferentiable("Shape")`` declares that an op type has no gradient: the gradient through it
is ``None``, and ``gradients`` does not complain about it.
"""

from __future__ import annotations

from typing import Callable, Dict, Optional, Set

__all__ = ["RegisterGradient", "NotDifferentiable", "no_gradient", "get_gradient_function"]

GradientFunction = Callable[..., object]

_gradient_functions: Dict[str, GradientFunction] = {}
_not_differentiable: Set[str] = set()


class RegisterGradient:
    """Decorator registering the gradient function of op type ``op_type``."""

    def __init__(self, op_type: str):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string, got %r" % (op_type,))
        self._op_type = op_type

    def __call__(self, fn: GradientFunction) -> GradientFunction:
        if self._op_type in _gradient_functions or self._op_type in _not_differentiable:
            raise KeyError("Registering two gradient with name '%s'! (Previous registration "
                           "was in %s)" % (self._op_type, _where(self._op_type)))
        _gradient_functions[self._op_type] = fn
        return fn


def NotDifferentiable(op_type: str) -> None:  # noqa: N802 - TF's name
    """Declares that ops of type ``op_type`` have no gradient."""
    if not isinstance(op_type, str):
        raise TypeError("op_type must be a string, got %r" % (op_type,))
    if op_type in _gradient_functions:
        raise KeyError("Registering two gradient with name '%s'! (Previous registration was in "
                       "%s)" % (op_type, _where(op_type)))
    _not_differentiable.add(op_type)


no_gradient = NotDifferentiable


def get_gradient_function(op_type: str) -> Optional[GradientFunction]:
    """The gradient function of ``op_type``; ``None`` when it is declared not differentiable.

    Raises ``LookupError`` (naming the op type) when nothing is registered for it.
    """
    if op_type in _not_differentiable:
        return None
    fn = _gradient_functions.get(op_type)
    if fn is None:
        raise LookupError("No gradient defined for operation type '%s'" % op_type)
    return fn


def _where(op_type: str) -> str:
    fn = _gradient_functions.get(op_type)
    if fn is None:
        return "NotDifferentiable"
    code = fn.__code__
    return "%s:%d" % (code.co_filename, code.co_firstlineno)
