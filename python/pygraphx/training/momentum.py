"""``MomentumOptimizer``: ``accum = momentum * accum + grad``, ``var -= learning_rate * accum``
(or the Nesterov form with ``use_nesterov=True``)."""

from __future__ import annotations

from typing import Any

from ..framework import ops
from . import training_ops
from .optimizer import Optimizer

__all__ = ["MomentumOptimizer"]


class MomentumOptimizer(Optimizer):
    """Momentum. Each variable gets one slot, ``momentum`` (the variable ``<var>/Momentum``,
    zero-initialised). ``learning_rate`` and ``momentum`` are floats, tensors or functions."""

    def __init__(self, learning_rate: Any, momentum: Any, use_locking: bool = False,
                 name: str = "Momentum", use_nesterov: bool = False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov
        self._learning_rate_tensor: Any = None
        self._momentum_tensor: Any = None

    def _create_slots(self, var_list: list) -> None:
        for v in var_list:
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self) -> None:
        lr = self._call_if_callable(self._learning_rate)
        momentum = self._call_if_callable(self._momentum)
        self._learning_rate_tensor = ops.convert_to_tensor(lr, name="learning_rate")
        self._momentum_tensor = ops.convert_to_tensor(momentum, name="momentum")

    def _apply_dense(self, grad: ops.Tensor, var: Any) -> ops.Operation:
        return training_ops.apply_momentum(
            var, self.get_slot(var, "momentum"), self._cast(self._learning_rate_tensor, var),
            grad, self._cast(self._momentum_tensor, var), use_locking=self._use_locking,
            use_nesterov=self._use_nesterov).op
