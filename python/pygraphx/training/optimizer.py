"""``Optimizer``: the TF1 base class of the optimizers.

``minimize`` is ``compute_gradients`` (symbolic gradients of the loss with respect to the
variables) followed by ``apply_gradients`` (one fused update op per variable, named
``<Optimizer>/update_<var>/Apply<Rule>``, grouped into the returned train op). Subclasses give
the update rule through ``_create_slots``, ``_prepare``, ``_apply_dense`` and ``_finish``.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Tuple

from .. import dtypes as _dtypes
from ..framework import ops
from ..ops import control_flow_ops, math_ops, state_ops, variables
from . import slot_creator

__all__ = ["Optimizer"]

_GradsAndVars = List[Tuple[Optional[ops.Tensor], Any]]


def _var_key(var: Any) -> Tuple[Any, str]:
    """The key under which slots of ``var`` are kept: its graph and op name."""
    return (var.op.graph, var.op.name)


def _flatten(items: Any) -> list:
    if isinstance(items, (list, tuple)):
        out: list = []
        for i in items:
            out.extend(_flatten(i))
        return out
    return [items]


def _require_variable(v: Any) -> None:
    """Only variables (tf.Variable / tf.get_variable) can be updated by an optimizer.

    Raises:
      TypeError: for anything else (TF raises NotImplementedError "Trying to optimize
        unsupported type"; the mistake is the argument's type).
    """
    if not isinstance(v, variables.Variable):
        raise TypeError("Trying to optimize unsupported type %r: only variables "
                        "(tf.Variable or tf.get_variable) can be optimized" % (v,))


class Optimizer:
    """Base class for optimizers: ``minimize``, ``compute_gradients``, ``apply_gradients`` and
    access to the slot variables an optimizer keeps per trained variable.

    Raises (constructor):
      ValueError: if ``name`` is empty.
    """

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking: bool, name: str):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        # slot name -> {var key -> slot variable}
        self._slots: Dict[str, Dict[Tuple[Any, str], variables.Variable]] = {}
        # (name, graph) -> variable that is not tied to one trained variable (Adam's powers)
        self._non_slot_dict: Dict[Tuple[str, Any], variables.Variable] = {}

    def get_name(self) -> str:
        return self._name

    # -- the public steps ----------------------------------------------------------------------

    def minimize(self, loss: Any, global_step: Any = None, var_list: Any = None,
                 gate_gradients: int = GATE_OP, aggregation_method: Any = None,
                 colocate_gradients_with_ops: bool = False, name: Optional[str] = None,
                 grad_loss: Any = None) -> ops.Operation:
        """Adds the ops that update ``var_list`` (default: the trainable variables) to
        decrease ``loss``, and increment ``global_step`` when given. Returns the train op.

        Raises:
          ValueError: if no variable receives a gradient, or a dtype is not floating.
        """
        grads_and_vars = self.compute_gradients(
            loss, var_list=var_list, gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)
        if not any(g is not None for g, _ in grads_and_vars):
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops that do not "
                "support gradients, between variables %s and loss %s."
                % ([str(v) for _, v in grads_and_vars], loss))
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(self, loss: Any, var_list: Any = None,
                          gate_gradients: int = GATE_OP, aggregation_method: Any = None,
                          colocate_gradients_with_ops: bool = False, grad_loss: Any = None
                          ) -> _GradsAndVars:
        """The gradient of ``loss`` with respect to each variable of ``var_list`` (default:
        the trainable variables), as a list of ``(gradient, variable)`` pairs; the gradient is
        None for a variable that ``loss`` does not depend on.

        Raises:
          ValueError: if there are no variables, ``gate_gradients`` is not one of the GATE_*
            values, or ``loss`` or a variable is not of a floating dtype.
        """
        from .gradients_impl import gradients

        if callable(loss):
            loss = loss()
        if gate_gradients not in (Optimizer.GATE_NONE, Optimizer.GATE_OP,
                                  Optimizer.GATE_GRAPH):
            raise ValueError("gate_gradients must be one of: Optimizer.GATE_NONE, "
                             "Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not %s"
                             % gate_gradients)
        loss = ops.convert_to_tensor(loss)
        self._assert_valid_dtypes([loss])
        if grad_loss is not None:
            grad_loss = ops.convert_to_tensor(grad_loss)
            self._assert_valid_dtypes([grad_loss])
        if var_list is None:
            var_list = (variables.trainable_variables()
                        + ops.get_collection(ops.GraphKeys.TRAINABLE_RESOURCE_VARIABLES))
        else:
            var_list = _flatten(var_list)
        if not var_list:
            raise ValueError("No variables to optimize.")
        for v in var_list:
            _require_variable(v)
        grads = gradients(loss, [v._ref() for v in var_list], grad_ys=grad_loss,
                          gate_gradients=(gate_gradients == Optimizer.GATE_OP),
                          aggregation_method=aggregation_method,
                          colocate_gradients_with_ops=colocate_gradients_with_ops)
        if gate_gradients == Optimizer.GATE_GRAPH:
            present = [g for g in grads if g is not None]
            gated = iter(control_flow_ops.tuple(present)) if present else iter(())
            grads = [None if g is None else next(gated) for g in grads]
        grads_and_vars = list(zip(grads, var_list))
        self._assert_valid_dtypes([v for g, v in grads_and_vars if g is not None])
        return grads_and_vars

    def apply_gradients(self, grads_and_vars: Iterable[Tuple[Any, Any]], global_step: Any = None,
                        name: Optional[str] = None) -> ops.Operation:
        """Adds one update op per ``(gradient, variable)`` pair whose gradient is not None,
        then (after all of them) increments ``global_step`` when given. Returns the op that
        runs the whole step, also added to the ``TRAIN_OP`` collection.

        Raises:
          ValueError: if ``grads_and_vars`` is empty or every gradient is None, or a gradient's
            shape does not match its variable's.
          TypeError: if a gradient cannot be converted to a tensor or a variable is not one.
        """
        grads_and_vars = tuple(grads_and_vars)
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        converted = []
        for g, v in grads_and_vars:
            _require_variable(v)
            if g is not None:
                try:
                    g = ops.convert_to_tensor(g)
                except (TypeError, ValueError):
                    raise TypeError("Gradient must be convertible to a Tensor or None: %s"
                                    % (g,)) from None
            converted.append((g, v))
        var_list = [v for g, v in converted if g is not None]
        if not var_list:
            raise ValueError("No gradients provided for any variable: %s."
                             % ([str(v) for _, v in converted],))
        with ops.init_scope():
            self._create_slots(var_list)
        update_ops = []
        with ops.name_scope(name, self._name) as scope:
            self._prepare()
            for grad, var in converted:
                if grad is None:
                    continue
                with ops.name_scope("update_" + var.op.name):
                    update_ops.append(self._update_op(grad, var))
            if global_step is None:
                apply_updates = self._finish(update_ops, scope)
            else:
                with ops.control_dependencies([self._finish(update_ops, "update")]):
                    apply_updates = state_ops.assign_add(global_step, 1, name=scope).op
            train_ops = ops.get_collection_ref(ops.GraphKeys.TRAIN_OP)
            if apply_updates not in train_ops:
                train_ops.append(apply_updates)
            return apply_updates

    # -- slots ---------------------------------------------------------------------------------

    def get_slot_names(self) -> List[str]:
        """The names of the slots this optimizer creates, sorted ("m", "v" for Adam)."""
        return sorted(self._slots)

    def get_slot(self, var: Any, name: str) -> Optional[variables.Variable]:
        """The slot ``name`` created for ``var``, or None."""
        named = self._slots.get(name)
        if not named:
            return None
        return named.get(_var_key(var))

    def variables(self) -> List[variables.Variable]:
        """The optimizer's own variables in the default graph (slots and non-slot variables
        such as Adam's ``beta1_power``), sorted by name."""
        g = ops.get_default_graph()
        own = [v for (_, vg), v in self._non_slot_dict.items() if vg is g]
        for named in self._slots.values():
            own.extend(v for v in named.values() if v.graph is g)
        return sorted(own, key=lambda v: v.name)

    def _slot_dict(self, slot_name: str) -> Dict[Tuple[Any, str], variables.Variable]:
        return self._slots.setdefault(slot_name, {})

    def _zeros_slot(self, var: Any, slot_name: str, op_name: str) -> variables.Variable:
        named = self._slot_dict(slot_name)
        key = _var_key(var)
        if key not in named:
            named[key] = slot_creator.create_zeros_slot(var, op_name)
        return named[key]

    def _get_or_make_slot(self, var: Any, val: Any, slot_name: str, op_name: str
                          ) -> variables.Variable:
        named = self._slot_dict(slot_name)
        key = _var_key(var)
        if key not in named:
            named[key] = slot_creator.create_slot(var, val, op_name)
        return named[key]

    def _get_or_make_slot_with_initializer(self, var: Any, initializer: Any, shape: Any,
                                           dtype: Any, slot_name: str, op_name: str
                                           ) -> variables.Variable:
        named = self._slot_dict(slot_name)
        key = _var_key(var)
        if key not in named:
            named[key] = slot_creator.create_slot_with_initializer(var, initializer, shape,
                                                                   dtype, op_name)
        return named[key]

    def _create_non_slot_variable(self, initial_value: Any, name: str, colocate_with: Any
                                  ) -> variables.Variable:
        """A non-trainable variable ``name`` kept once per graph (Adam's beta powers)."""
        g = colocate_with.graph
        key = (name, g)
        v = self._non_slot_dict.get(key)
        if v is None:
            with g.as_default():
                v = variables.Variable(initial_value, name=name, trainable=False)
            self._non_slot_dict[key] = v
        return v

    def _get_non_slot_variable(self, name: str, graph: Any = None
                               ) -> Optional[variables.Variable]:
        return self._non_slot_dict.get((name, graph or ops.get_default_graph()))

    # -- hooks for subclasses --------------------------------------------------------------------

    def _valid_dtypes(self) -> set:
        return {_dtypes.float32, _dtypes.float64}

    def _assert_valid_dtypes(self, tensors: Iterable[Any]) -> None:
        valid = self._valid_dtypes()
        for t in tensors:
            dtype = t.dtype.base_dtype
            if dtype not in valid:
                raise ValueError("Invalid type %r for %s, expected: %s."
                                 % (dtype, t.name, sorted(valid, key=lambda d: d.name)))

    def _create_slots(self, var_list: List[Any]) -> None:
        """Creates the slot variables of every variable in ``var_list`` (none by default)."""

    def _prepare(self) -> None:
        """Converts the hyperparameters to tensors, once per ``apply_gradients``."""

    def _apply_dense(self, grad: ops.Tensor, var: Any) -> ops.Operation:
        raise TypeError("%s does not define an update rule (_apply_dense)"
                        % type(self).__name__)

    def _finish(self, update_ops: List[ops.Operation], name_scope: str) -> ops.Operation:
        """The op that completes a step: by default a group of the update ops."""
        return control_flow_ops.group(*update_ops, name=name_scope)

    def _update_op(self, grad: ops.Tensor, var: Any) -> ops.Operation:
        update = self._apply_dense(grad, var)
        if var.constraint is None:
            return update
        with ops.control_dependencies([update]):
            return var.assign(var.constraint(var)).op

    def _call_if_callable(self, param: Any) -> Any:
        """A hyperparameter given as a function is called each time the step is built."""
        return param() if callable(param) else param

    @staticmethod
    def _cast(value: Any, var: Any) -> ops.Tensor:
        return math_ops.cast(value, var.dtype.base_dtype)
