"""``AdagradOptimizer`` (Duchi et al.): per-coordinate steps scaled by the root of the summed
squared gradients."""

from __future__ import annotations

from typing import Any

from ..framework import ops
from ..ops import init_ops
from . import training_ops
from .optimizer import Optimizer

__all__ = ["AdagradOptimizer"]


class AdagradOptimizer(Optimizer):
    """Adagrad. Each variable gets one slot, ``accumulator`` (``<var>/Adagrad``, initialised
    to ``initial_accumulator_value``). Per step: ``accum += g^2``,
    ``var -= learning_rate * g / sqrt(accum)``.

    Raises (constructor):
      ValueError: if ``initial_accumulator_value`` is not positive.
    """

    def __init__(self, learning_rate: Any, initial_accumulator_value: float = 0.1,
                 use_locking: bool = False, name: str = "Adagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError("initial_accumulator_value must be positive: %s"
                             % initial_accumulator_value)
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value
        self._learning_rate_tensor: Any = None

    def _create_slots(self, var_list: list) -> None:
        from ..ops import array_ops

        for v in var_list:
            dtype = v.dtype.base_dtype
            if v.shape.is_fully_defined():
                init: Any = init_ops.constant_initializer(self._initial_accumulator_value,
                                                          dtype=dtype)
            else:
                init = array_ops.fill(array_ops.shape(v.initialized_value()),
                                      ops.convert_to_tensor(self._initial_accumulator_value,
                                                            dtype=dtype))
            self._get_or_make_slot_with_initializer(v, init, v.shape, dtype, "accumulator",
                                                    self._name)

    def _prepare(self) -> None:
        lr = self._call_if_callable(self._learning_rate)
        self._learning_rate_tensor = ops.convert_to_tensor(lr, name="learning_rate")

    def _apply_dense(self, grad: ops.Tensor, var: Any) -> ops.Operation:
        return training_ops.apply_adagrad(
            var, self.get_slot(var, "accumulator"), self._cast(self._learning_rate_tensor, var),
            grad, use_locking=self._use_locking).op
