"""``RMSPropOptimizer`` (Hinton's lecture 6e), TF1's variant with momentum and an optional
centred second moment."""

from __future__ import annotations

from typing import Any

from ..framework import ops
from ..ops import init_ops
from . import training_ops
from .optimizer import Optimizer

__all__ = ["RMSPropOptimizer"]


class RMSPropOptimizer(Optimizer):
    """RMSProp. Each variable gets the slots ``rms`` (``<var>/RMSProp``, initialised to ones),
    ``momentum`` (zeros) and, when ``centered``, ``mg`` (zeros; created before ``momentum``, so
    the slot variables are ``<var>/RMSProp_1`` = mg and ``<var>/RMSProp_2`` = momentum).

    Per step: ``ms = decay * ms + (1 - decay) * g^2``,
    ``mom = momentum * mom + learning_rate * g / sqrt(ms + epsilon)``, ``var -= mom``
    (centred: ``mg = decay * mg + (1 - decay) * g`` and ``ms - mg^2`` under the root).
    """

    def __init__(self, learning_rate: Any, decay: Any = 0.9, momentum: Any = 0.0,
                 epsilon: Any = 1e-10, use_locking: bool = False, centered: bool = False,
                 name: str = "RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered
        self._learning_rate_tensor: Any = None
        self._decay_tensor: Any = None
        self._momentum_tensor: Any = None
        self._epsilon_tensor: Any = None

    def _create_slots(self, var_list: list) -> None:
        from ..ops import array_ops

        for v in var_list:
            dtype = v.dtype.base_dtype
            if v.shape.is_fully_defined():
                init_rms: Any = init_ops.ones_initializer(dtype=dtype)
            else:
                init_rms = array_ops.ones_like(v.initialized_value())
            self._get_or_make_slot_with_initializer(v, init_rms, v.shape, dtype, "rms",
                                                    self._name)
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self) -> None:
        c = self._call_if_callable
        self._learning_rate_tensor = ops.convert_to_tensor(c(self._learning_rate),
                                                           name="learning_rate")
        self._decay_tensor = ops.convert_to_tensor(c(self._decay), name="decay")
        self._momentum_tensor = ops.convert_to_tensor(c(self._momentum), name="momentum")
        self._epsilon_tensor = ops.convert_to_tensor(c(self._epsilon), name="epsilon")

    def _apply_dense(self, grad: ops.Tensor, var: Any) -> ops.Operation:
        rms = self.get_slot(var, "rms")
        mom = self.get_slot(var, "momentum")
        hyper = (self._cast(self._learning_rate_tensor, var),
                 self._cast(self._decay_tensor, var), self._cast(self._momentum_tensor, var),
                 self._cast(self._epsilon_tensor, var))
        if self._centered:
            mg = self.get_slot(var, "mg")
            return training_ops.apply_centered_rms_prop(
                var, mg, rms, mom, *hyper, grad, use_locking=self._use_locking).op
        return training_ops.apply_rms_prop(var, rms, mom, *hyper, grad,
                                           use_locking=self._use_locking).op
