"""``AdamOptimizer`` (Kingma & Ba): bias-corrected first and second moment estimates."""

from __future__ import annotations

from typing import Any, List, Tuple

from ..framework import ops
from ..ops import control_flow_ops
from . import training_ops
from .optimizer import Optimizer

__all__ = ["AdamOptimizer"]


class AdamOptimizer(Optimizer):
    """Adam. Each variable gets the slots ``m`` (``<var>/Adam``) and ``v`` (``<var>/Adam_1``),
    zero-initialised; the optimizer keeps ``beta1_power`` and ``beta2_power`` (``beta1^t`` and
    ``beta2^t``, starting at ``beta1`` and ``beta2``), multiplied by ``beta1``/``beta2`` after
    each step's updates.

    Per step: ``lr_t = learning_rate * sqrt(1 - beta2^t) / (1 - beta1^t)``,
    ``m = beta1 * m + (1 - beta1) * g``, ``v = beta2 * v + (1 - beta2) * g^2``,
    ``var -= lr_t * m / (sqrt(v) + epsilon)``.
    """

    def __init__(self, learning_rate: Any = 0.001, beta1: Any = 0.9, beta2: Any = 0.999,
                 epsilon: Any = 1e-8, use_locking: bool = False, name: str = "Adam"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon
        self._lr_t: Any = None
        self._beta1_t: Any = None
        self._beta2_t: Any = None
        self._epsilon_t: Any = None

    def _get_beta_accumulators(self) -> Tuple[Any, Any]:
        g = ops.get_default_graph()
        return (self._get_non_slot_variable("beta1_power", graph=g),
                self._get_non_slot_variable("beta2_power", graph=g))

    def _create_slots(self, var_list: list) -> None:
        # The powers live with the first variable by name, as in TF.
        first_var = min(var_list, key=lambda x: x.name)
        self._create_non_slot_variable(self._beta1, "beta1_power", first_var)
        self._create_non_slot_variable(self._beta2, "beta2_power", first_var)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name)

    def _prepare(self) -> None:
        self._lr_t = ops.convert_to_tensor(self._call_if_callable(self._lr),
                                           name="learning_rate")
        self._beta1_t = ops.convert_to_tensor(self._call_if_callable(self._beta1), name="beta1")
        self._beta2_t = ops.convert_to_tensor(self._call_if_callable(self._beta2), name="beta2")
        self._epsilon_t = ops.convert_to_tensor(self._call_if_callable(self._epsilon),
                                                name="epsilon")

    def _apply_dense(self, grad: ops.Tensor, var: Any) -> ops.Operation:
        beta1_power, beta2_power = self._get_beta_accumulators()
        return training_ops.apply_adam(
            var, self.get_slot(var, "m"), self.get_slot(var, "v"),
            self._cast(beta1_power, var), self._cast(beta2_power, var),
            self._cast(self._lr_t, var), self._cast(self._beta1_t, var),
            self._cast(self._beta2_t, var), self._cast(self._epsilon_t, var), grad,
            use_locking=self._use_locking).op

    def _finish(self, update_ops: List[ops.Operation], name_scope: str) -> ops.Operation:
        # The powers advance only after every variable of the step has used them.
        with ops.control_dependencies(update_ops):
            beta1_power, beta2_power = self._get_beta_accumulators()
            update_beta1 = beta1_power.assign(beta1_power * self._beta1_t,
                                              use_locking=self._use_locking)
            update_beta2 = beta2_power.assign(beta2_power * self._beta2_t,
                                              use_locking=self._use_locking)
        return control_flow_ops.group(*update_ops + [update_beta1, update_beta2],
                                      name=name_scope)
