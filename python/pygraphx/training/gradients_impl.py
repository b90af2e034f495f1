"""Symbolic differentiation: ``tf.gradients``.

``gradients(ys, xs)`` adds the nodes computing ``d(sum(ys))/dx`` for each ``x`` to the graph,
walking backwards from ``ys`` through the ops that lie between ``xs`` and ``ys`` and calling
each op type's registered gradient function (see ``framework/gradient_registry``). Everything it
builds lives under a ``gradients/`` name scope (``gradients_1/`` for the next call ...), each
op's part under ``gradients/<op name>_grad/``; several gradients reaching one tensor are summed
by an ``AddN`` in the ``gradients/`` scope, as TF1 does.
"""

from __future__ import annotations

import collections
from typing import Any, Dict, List, Optional, Sequence, Set

from .. import dtypes as _dtypes
from ..framework import ops
from ..framework.gradient_registry import get_gradient_function
from ..ops import array_ops, control_flow_ops, math_ops
# The gradient functions of the core ops register themselves on import.
from ..ops import array_grad, math_grad, random_grad, reduction_grad, state_grad  # noqa: F401

__all__ = ["gradients", "AggregationMethod"]


class AggregationMethod:
    """How gradients reaching one tensor are summed. Every method adds them with one ``AddN``
    here; the constants exist so TF1 code passing them keeps working."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


_VALID_AGGREGATION = (AggregationMethod.ADD_N, AggregationMethod.EXPERIMENTAL_TREE,
                      AggregationMethod.EXPERIMENTAL_ACCUMULATE_N)


def _as_list(x: Any) -> list:
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _is_backpropagatable(t: ops.Tensor) -> bool:
    """Only floating-point tensors carry gradients (integers and bools never do, as in TF)."""
    return t.dtype.base_dtype.is_floating


def _as_x(x: Any) -> ops.Tensor:
    """An ``xs`` entry as a tensor: a variable is its reference tensor (``v:0``), as TF1."""
    if isinstance(x, ops.Tensor):
        return x
    if hasattr(x, "_ref") and callable(x._ref):
        return x._ref()
    return ops.convert_to_tensor(x, name="x", as_ref=True)


def _reached_ops(from_ops: Sequence[ops.Operation]) -> Set[ops.Operation]:
    """Ops reachable forwards from ``from_ops`` through floating-point edges."""
    reached: Set[ops.Operation] = set()
    queue = collections.deque(from_ops)
    while queue:
        op = queue.popleft()
        if op in reached:
            continue
        reached.add(op)
        for out in op.outputs:
            if _is_backpropagatable(out):
                queue.extend(out.consumers())
    return reached


def _pending_count(to_ops: Sequence[ops.Operation], from_ops: Sequence[ops.Operation]
                   ) -> "tuple[Set[ops.Operation], Set[ops.Operation], Dict[ops.Operation, int]]":
    """The ops between ``from_ops`` and ``to_ops`` and, for each, how many of its consumers
    among them must pass a gradient back before its own gradient is complete."""
    reached = _reached_ops(from_ops)
    reachable_to = {op for op in to_ops if op in reached}
    between: Set[ops.Operation] = set()
    between_list: List[ops.Operation] = []
    queue = collections.deque(to_ops)
    while queue:
        op = queue.popleft()
        if op in reached:
            between.add(op)
            between_list.append(op)
            reached.discard(op)
            queue.extend(t.op for t in op.inputs)
    pending: Dict[ops.Operation, int] = collections.defaultdict(int)
    for op in between_list:
        for t in op.inputs:
            if t.op in between:
                pending[t.op] += 1
    return reachable_to, between, pending


def _stop_ops(from_ops: Sequence[ops.Operation], stop_gradient_ops: Sequence[ops.Operation],
              pending: Dict[ops.Operation, int]) -> Set[ops.Operation]:
    """Ops whose gradient function is never called: ``xs`` ops with no input on a path from
    another ``x`` (placeholders, variables ...), and the ops of ``stop_gradients``."""
    stop = set()
    for op in from_ops:
        if all(pending.get(t.op, 0) <= 0 for t in op.inputs):
            stop.add(op)
    stop.update(stop_gradient_ops)
    return stop


def _default_grad_ys(ys: List[ops.Tensor], grad_ys: List[Any]) -> List[ops.Tensor]:
    """One initial gradient per y: ones of y's shape (``grad_ys_<i>``), or the given value,
    checked against y's dtype and static shape."""
    if len(grad_ys) != len(ys):
        raise ValueError("Length mismatch. Passed %d grad_ys for %d ys" % (len(grad_ys), len(ys)))
    out = []
    for i, (y, gy) in enumerate(zip(ys, grad_ys)):
        if gy is None:
            shape = array_ops.shape(y)
            out.append(array_ops.ones(shape, dtype=y.dtype.base_dtype, name="grad_ys_%d" % i))
            continue
        gy = ops.convert_to_tensor(gy, name="grad_y_%d" % i,
                                   preferred_dtype=y.dtype.base_dtype)
        if gy.dtype.base_dtype != y.dtype.base_dtype:
            raise TypeError("grad_ys[%d] has dtype %s, but the tensor it is the gradient of, "
                            "%s, has dtype %s" % (i, gy.dtype.base_dtype.name, y.name,
                                                  y.dtype.base_dtype.name))
        if not gy.shape.is_compatible_with(y.shape):
            raise ValueError("grad_ys[%d] has shape %s, incompatible with the shape %s of %s"
                             % (i, gy.shape, y.shape, y.name))
        out.append(array_ops.identity(gy, name="grad_ys_%d" % i))
    return out


def _set_grad(grads: Dict[ops.Operation, list], t: ops.Tensor, grad: ops.Tensor) -> None:
    op_grads = grads.get(t.op)
    if op_grads is None:
        op_grads = [[] for _ in t.op.outputs]
        grads[t.op] = op_grads
    op_grads[t.value_index].append(grad)


def _aggregated_grads(grads: Dict[ops.Operation, list], op: ops.Operation) -> list:
    """Per output of ``op``: None, its one gradient, or the ``AddN`` of several (stored back so
    a later lookup of the same tensor sees the sum)."""
    out_grads = grads.get(op)
    if out_grads is None:
        return [None] * len(op.outputs)
    for i, g in enumerate(out_grads):
        if isinstance(g, list):
            if not g:
                out_grads[i] = None
            elif len(g) == 1:
                out_grads[i] = g[0]
            else:
                out_grads[i] = math_ops.add_n(g)
    return out_grads


def _get_grad(grads: Dict[ops.Operation, list], t: ops.Tensor) -> Optional[ops.Tensor]:
    op_grads = grads.get(t.op)
    if op_grads is None:
        return None
    g = op_grads[t.value_index]
    if isinstance(g, list):
        if not g:
            return None
        return g[0] if len(g) == 1 else math_ops.add_n(g)
    return g


def _verified_grads(op: ops.Operation, in_grads: Any) -> List[Optional[ops.Tensor]]:
    n = len(op.inputs)
    if isinstance(in_grads, (list, tuple)):
        in_grads = list(in_grads)
    else:
        in_grads = [in_grads]
    if len(in_grads) != n:
        raise ValueError("Num gradients %d generated for op %s do not match num inputs %d"
                         % (len(in_grads), op.node_def["name"], n))
    return in_grads


def _gate(in_grads: List[Optional[ops.Tensor]]) -> List[Optional[ops.Tensor]]:
    """TF's gate_gradients: every input gradient of one op is released only when all are."""
    present = [g for g in in_grads if g is not None]
    if len(present) < 2:
        return in_grads
    gated = iter(control_flow_ops.tuple(present))
    return [None if g is None else next(gated) for g in in_grads]


def gradients(ys: Any, xs: Any, grad_ys: Any = None, name: str = "gradients",
              colocate_gradients_with_ops: bool = False, gate_gradients: bool = False,
              aggregation_method: Any = None, stop_gradients: Any = None
              ) -> List[Optional[ops.Tensor]]:
    """The symbolic derivatives of ``sum(ys)`` with respect to each of ``xs``.

    Args:
      ys: a tensor or list of tensors to differentiate.
      xs: a tensor, variable or list of them to differentiate with respect to. A variable
        stands for its reference tensor (``v:0``), which also receives the gradient of every
        read through ``v.value()`` (``v/read:0``).
      grad_ys: optional list (one per y) of initial gradients; ``None`` entries and a missing
        list mean ones of y's shape.
      name: the name scope of the gradient nodes (uniquified: ``gradients``, ``gradients_1``).
      colocate_gradients_with_ops: accepted for compatibility (there is one device).
      gate_gradients: when true, the input gradients of each op are grouped with ``tuple`` so
        none is used before all are computed.
      aggregation_method: an ``AggregationMethod`` constant; all of them sum with ``AddN``.
      stop_gradients: tensors through which no gradient flows, as if each were a constant.

    Returns:
      One entry per x: its gradient, or ``None`` when ``ys`` do not depend on it through
      floating-point tensors.

    Raises:
      LookupError: if an op on a path from ``xs`` to ``ys`` has no registered gradient (the
        message names the op and its type).
      ValueError: if ``grad_ys`` does not match ``ys`` in length or shape, or
        ``aggregation_method`` is invalid.
      TypeError: if a ``grad_ys`` entry's dtype differs from its y's.
    """
    del colocate_gradients_with_ops  # one device: nothing to colocate
    if aggregation_method is not None and aggregation_method not in _VALID_AGGREGATION:
        raise ValueError("Invalid `aggregation_method` specified %s. Accepted values are %s."
                         % (aggregation_method, list(_VALID_AGGREGATION)))
    ys = [ops.convert_to_tensor(y, name="y") for y in _as_list(ys)]
    xs = [_as_x(x) for x in _as_list(xs)]
    grad_ys = _as_list(grad_ys) if grad_ys is not None else [None] * len(ys)
    stop_tensors = [ops.convert_to_tensor(t) for t in _as_list(stop_gradients)]
    values = ys + xs + stop_tensors + [g for g in grad_ys if isinstance(g, ops.Tensor)]
    with ops.name_scope(name, "gradients", values):
        grad_ys = _default_grad_ys(ys, grad_ys)
        to_ops = [y.op for y in ys]
        from_ops = [x.op for x in xs]
        reachable_to, between, pending = _pending_count(to_ops, from_ops)
        grads: Dict[ops.Operation, list] = {}
        for y, gy in zip(ys, grad_ys):
            _set_grad(grads, y, gy)
        queue: collections.deque = collections.deque()
        queued: Set[ops.Operation] = set()
        for op in to_ops:
            if pending.get(op, 0) == 0 and op not in queued and op in reachable_to:
                queued.add(op)
                queue.append(op)
        stop_ops = _stop_ops(from_ops, [t.op for t in stop_tensors], pending)
        while queue:
            op = queue.popleft()
            _backprop_op(op, grads, stop_ops, gate_gradients)
            for t in op.inputs:
                if t.op not in between:
                    continue
                pending[t.op] -= 1
                if pending[t.op] == 0:
                    queue.append(t.op)
        return [_get_grad(grads, x) for x in xs]


def _backprop_op(op: ops.Operation, grads: Dict[ops.Operation, list], stop_ops: Set[ops.Operation],
                 gate_gradients: bool) -> None:
    """Calls ``op``'s gradient function on its aggregated output gradients and records the
    gradients of its inputs."""
    out_grads = _aggregated_grads(grads, op)
    if not any(g is not None for g in out_grads) or op in stop_ops:
        return
    try:
        grad_fn = get_gradient_function(op.type)
    except LookupError:
        raise LookupError("No gradient defined for operation '%s' (op type: %s). Register one "
                          "with tf.RegisterGradient(\"%s\"), or stop gradients from flowing "
                          "through it with tf.stop_gradient." % (op.name, op.type, op.type)
                          ) from None
    if grad_fn is None:
        return
    inputs = op.inputs
    for i, g in enumerate(out_grads):
        if g is None and _is_backpropagatable(op.outputs[i]):
            # A multi-output op with some outputs unused: their gradient is zero.
            out = op.outputs[i]
            out_grads[i] = op.graph.create_op(
                "ZerosLike", [out], {"T": ops.attr_dtype(out.dtype)},
                name="zeros_like").outputs[0]
    with ops.name_scope(op.name + "_grad"):
        in_grads = _verified_grads(op, grad_fn(op, *out_grads))
        if gate_gradients:
            in_grads = _gate(in_grads)
    for index, (t_in, g) in enumerate(zip(inputs, in_grads)):
        if g is None:
            continue
        if not _is_backpropagatable(t_in):
            continue
        if isinstance(g, ops.Tensor):
            if not g.shape.is_compatible_with(t_in.shape):
                raise ValueError("Incompatible shapes between op input and calculated input "
                                 "gradient. Forward operation: %s. Input index: %d. Original "
                                 "input shape: %s. Calculated input gradient shape: %s"
                                 % (op.name, index, t_in.shape, g.shape))
            if not g.shape.is_fully_defined() and t_in.shape.ndims is not None:
                g.set_shape(g.shape.merge_with(t_in.shape))
        _set_grad(grads, t_in, g)


_ = _dtypes
