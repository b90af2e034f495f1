"""The fused optimizer update ops (TF's raw ``training_ops``): ``apply_gradient_descent``,
``apply_momentum``, ``apply_adam``, ``apply_rms_prop``, ``apply_centered_rms_prop`` and
``apply_adagrad``.

Each takes the variable and its slot variables by reference, updates them in one pass when the
op runs and returns the variable's new value (a ref tensor, as ``assign`` does).
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

from ..framework import ops
from ..ops import state_ops

__all__ = [
    "apply_gradient_descent",
    "apply_momentum",
    "apply_adam",
    "apply_rms_prop",
    "apply_centered_rms_prop",
    "apply_adagrad",
]

# (input name, value) pairs, in the op's input order; the first is always the variable.
_Inputs = Sequence[Tuple[str, Any]]


# Updates write variables; nothing differentiates through them.
for _op_type in ("ApplyGradientDescent", "ApplyMomentum", "ApplyAdam", "ApplyRMSProp",
                 "ApplyCenteredRMSProp", "ApplyAdagrad"):
    ops.NotDifferentiable(_op_type)

def _apply(op_type: str, refs: _Inputs, values: _Inputs, order: Sequence[str],
           attrs: dict, name: Optional[str]) -> ops.Tensor:
    """Creates ``op_type`` with reference inputs ``refs`` and value inputs ``values``, wired in
    TF's input ``order``.

    Raises:
      TypeError: if a reference input is not a variable.
      ValueError: if a slot or the gradient does not have the variable's shape, or a
        hyperparameter cannot be converted to the variable's dtype or is not a scalar.
    """
    ref_tensors = {n: state_ops._ref(v) for n, v in refs}
    var_name, var = refs[0][0], ref_tensors[refs[0][0]]
    dtype = var.dtype.base_dtype
    g = var.graph
    with g.as_default(), ops.name_scope(name, op_type, [var]) as scope:
        value_tensors = {n: ops.convert_to_tensor(v, dtype=dtype, name=n) for n, v in values}
        by_name = dict(ref_tensors)
        by_name.update(value_tensors)
        grad_name = "delta" if "delta" in value_tensors else "grad"
        for n in [n for n, _ in refs[1:]] + [grad_name]:
            t = by_name[n]
            if not var.shape.is_compatible_with(t.shape):
                raise ValueError("%s: %s %s has shape %s but %s %s has shape %s"
                                 % (op_type, var_name, var.op.name, var.shape, n,
                                    t.op.name if n in ref_tensors else t.name, t.shape))
        inputs: List[ops.Tensor] = [by_name[n] for n in order]
        op = g.create_op(op_type, inputs, attrs, name=scope)
    out = op.outputs[0]
    out._dtype = var.dtype  # the update returns the (ref) variable
    return out


def _locking(use_locking: Any) -> dict:
    return {"use_locking": ops.attr_bool(bool(use_locking))}


def apply_gradient_descent(var: Any, alpha: Any, delta: Any, use_locking: bool = False,
                           name: Optional[str] = None) -> ops.Tensor:
    """``var -= alpha * delta``."""
    return _apply("ApplyGradientDescent", [("var", var)], [("alpha", alpha), ("delta", delta)],
                  ("var", "alpha", "delta"), _locking(use_locking), name)


def apply_momentum(var: Any, accum: Any, lr: Any, grad: Any, momentum: Any,
                   use_locking: bool = False, use_nesterov: bool = False,
                   name: Optional[str] = None) -> ops.Tensor:
    """``accum = accum * momentum + grad``; ``var -= lr * accum`` (Nesterov:
    ``var -= grad * lr + accum * momentum * lr``)."""
    attrs = _locking(use_locking)
    attrs["use_nesterov"] = ops.attr_bool(bool(use_nesterov))
    return _apply("ApplyMomentum", [("var", var), ("accum", accum)],
                  [("lr", lr), ("grad", grad), ("momentum", momentum)],
                  ("var", "accum", "lr", "grad", "momentum"), attrs, name)


def apply_adam(var: Any, m: Any, v: Any, beta1_power: Any, beta2_power: Any, lr: Any,
               beta1: Any, beta2: Any, epsilon: Any, grad: Any, use_locking: bool = False,
               use_nesterov: bool = False, name: Optional[str] = None) -> ops.Tensor:
    """Adam: ``lr_t = lr * sqrt(1 - beta2_power) / (1 - beta1_power)``,
    ``m += (grad - m) * (1 - beta1)``, ``v += (grad^2 - v) * (1 - beta2)``,
    ``var -= lr_t * m / (sqrt(v) + epsilon)``."""
    attrs = _locking(use_locking)
    attrs["use_nesterov"] = ops.attr_bool(bool(use_nesterov))
    return _apply("ApplyAdam", [("var", var), ("m", m), ("v", v)],
                  [("beta1_power", beta1_power), ("beta2_power", beta2_power), ("lr", lr),
                   ("beta1", beta1), ("beta2", beta2), ("epsilon", epsilon), ("grad", grad)],
                  ("var", "m", "v", "beta1_power", "beta2_power", "lr", "beta1", "beta2",
                   "epsilon", "grad"), attrs, name)


def apply_rms_prop(var: Any, ms: Any, mom: Any, lr: Any, rho: Any, momentum: Any, epsilon: Any,
                   grad: Any, use_locking: bool = False, name: Optional[str] = None
                   ) -> ops.Tensor:
    """``ms += (grad^2 - ms) * (1 - rho)``; ``mom = mom * momentum + lr * grad /
    sqrt(ms + epsilon)``; ``var -= mom``."""
    return _apply("ApplyRMSProp", [("var", var), ("ms", ms), ("mom", mom)],
                  [("lr", lr), ("rho", rho), ("momentum", momentum), ("epsilon", epsilon),
                   ("grad", grad)],
                  ("var", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad"),
                  _locking(use_locking), name)


def apply_centered_rms_prop(var: Any, mg: Any, ms: Any, mom: Any, lr: Any, rho: Any,
                            momentum: Any, epsilon: Any, grad: Any, use_locking: bool = False,
                            name: Optional[str] = None) -> ops.Tensor:
    """RMSProp with the second moment centred by the mean gradient ``mg``:
    ``mom = mom * momentum + lr * grad / sqrt(ms - mg^2 + epsilon)``."""
    return _apply("ApplyCenteredRMSProp",
                  [("var", var), ("mg", mg), ("ms", ms), ("mom", mom)],
                  [("lr", lr), ("rho", rho), ("momentum", momentum), ("epsilon", epsilon),
                   ("grad", grad)],
                  ("var", "mg", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad"),
                  _locking(use_locking), name)


def apply_adagrad(var: Any, accum: Any, lr: Any, grad: Any, use_locking: bool = False,
                  update_slots: bool = True, name: Optional[str] = None) -> ops.Tensor:
    """``accum += grad^2`` (when ``update_slots``); ``var -= lr * grad / sqrt(accum)``."""
    attrs = _locking(use_locking)
    attrs["update_slots"] = ops.attr_bool(bool(update_slots))
    return _apply("ApplyAdagrad", [("var", var), ("accum", accum)],
                  [("lr", lr), ("grad", grad)], ("var", "accum", "lr", "grad"), attrs, name)
