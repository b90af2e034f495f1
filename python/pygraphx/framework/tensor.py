"""Tensor and Operation: Python handles to the outputs and nodes of a compiled graph.

A handle holds its graph and node id; names, types, shapes and attributes are read from the
compiled graph, so they always agree with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from .. import dtypes as _dtypes
from .tensor_shape import TensorShape, as_shape

if TYPE_CHECKING:
    from .graph import Graph

__all__ = ["Tensor", "Operation"]

# ---------------------------------------------------------------------------------------------
# Tensor and Operation


class Tensor:
    """A symbolic handle to output ``value_index`` of an ``Operation``."""

    # _shape_val: the static shape, read from the graph on first use (set_shape resets it).
    __slots__ = ("_op", "_value_index", "_dtype", "_shape_val", "__weakref__")

    # Operator overloads are installed by the math module (see ``_override_operator``).
    OVERLOADABLE_OPERATORS = frozenset({
        "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__div__",
        "__rdiv__", "__truediv__", "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__",
        "__rmod__", "__lt__", "__le__", "__gt__", "__ge__", "__and__", "__rand__", "__or__",
        "__ror__", "__xor__", "__rxor__", "__getitem__", "__pow__", "__rpow__", "__invert__",
        "__neg__", "__abs__", "__matmul__", "__rmatmul__",
    })

    def __init__(self, op: "Operation", value_index: int, dtype: _dtypes.DType):
        self._op = op
        self._value_index = value_index
        self._dtype = dtype
        self._shape_val: Optional[TensorShape] = None

    @classmethod
    def _override_operator(cls, operator: str, func: Callable) -> None:
        if operator not in cls.OVERLOADABLE_OPERATORS:
            raise ValueError("Overriding %s is disallowed" % operator)
        setattr(cls, operator, func)

    @property
    def op(self) -> "Operation":
        return self._op

    @property
    def graph(self) -> "Graph":
        return self._op._graph

    @property
    def name(self) -> str:
        return "%s:%d" % (self._op.name, self._value_index)

    @property
    def value_index(self) -> int:
        return self._value_index

    @property
    def dtype(self) -> _dtypes.DType:
        return self._dtype

    @property
    def device(self) -> str:
        return self._op.device

    @property
    def shape(self) -> TensorShape:
        s = self._shape_val
        if s is None:
            op = self._op
            s = self._shape_val = TensorShape._from_core(
                op._graph._c.output_shape(op._id, self._value_index))
        return s

    def get_shape(self) -> TensorShape:
        return self.shape

    def set_shape(self, shape: Any) -> None:
        """Narrows the static shape. Raises ValueError when incompatible."""
        s = as_shape(shape)
        self._op._graph._c.set_output_shape(self._op._id, self._value_index, s._to_core())
        self._shape_val = None

    def consumers(self) -> List["Operation"]:
        g = self._op._graph
        out = []
        for cid in g._c.node_consumers(self._op._id):
            if (self._op._id, self._value_index) in g._c.node_inputs(cid):
                out.append(g._ops[cid])
        return out

    def eval(self, feed_dict: Optional[dict] = None, session: Any = None) -> Any:
        """Runs the graph up to this tensor in ``session`` (or the default session)."""
        from ..client import session as _session

        return _session._eval_using_default_session(self, feed_dict, self.graph, session)

    def _as_graph_element(self) -> "Tensor":
        return self

    def _shape_as_list(self) -> Optional[List[Optional[int]]]:
        return self.shape._to_core()

    def __repr__(self) -> str:
        return "<tf.Tensor '%s' shape=%s dtype=%s>" % (self.name, self.shape, self._dtype.name)

    def __str__(self) -> str:
        # TF1 leaves the shape out when the rank is unknown.
        shape = self.shape
        return 'Tensor("%s"%s, dtype=%s)' % (
            self.name, "" if shape.ndims is None else ", shape=%s" % shape, self._dtype.name)

    # Identity hashing, in C (dicts keyed by tensors: feeds, caches).
    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    def __bool__(self) -> bool:
        raise TypeError(
            "Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is not None:` "
            "instead of `if t:` to test if a tensor is defined, and use TensorFlow ops such as "
            "tf.cond to execute subgraphs conditioned on the value of a tensor.")

    def __iter__(self) -> Iterator["Tensor"]:
        # TF1 graph mode never iterates a symbolic tensor (`a, b = t` raises TypeError).
        raise TypeError("Tensor objects are only iterable when eager execution is enabled. To "
                        "iterate over this tensor use tf.map_fn. (%s)" % self.name)

    def __len__(self) -> int:
        raise TypeError(
            "len is not well defined for symbolic Tensors. (%s) Please call `x.shape` rather "
            "than `len(x)` for shape information." % self.name)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        raise TypeError(
            "Cannot convert a symbolic Tensor (%s) to a numpy array." % self.name)

    __array_priority__ = 100


class Operation:
    """A node of the graph: its name, type, inputs, outputs, control inputs and attributes."""

    # _inputs: the data inputs (a node's never change once it is built), None until known.
    # _reads_var: False when no VariableV2 is reachable through the data inputs (without
    # passing an op that reads variables safely, see ``Graph.create_op``); True when one may be.
    __slots__ = ("_graph", "_id", "_name", "_type", "_outputs", "_inputs", "_reads_var",
                 "__weakref__")

    def __init__(self, graph: "Graph", node_id: int):
        self._graph = graph
        self._id = node_id
        self._inputs: Optional[Tuple[Tensor, ...]] = None
        self._reads_var = True
        c = graph._c
        self._name = c.node_name(node_id)
        self._type = c.node_type(node_id)
        dts = [_dtypes.as_dtype(c.output_dtype(node_id, i))
               for i in range(c.node_num_outputs(node_id))]
        if self._type == "VariableV2":
            dts = [d._as_ref for d in dts]
        self._outputs = tuple(Tensor(self, i, d) for i, d in enumerate(dts))

    @property
    def name(self) -> str:
        return self._name

    @property
    def type(self) -> str:
        return self._type

    @property
    def graph(self) -> "Graph":
        return self._graph

    @property
    def outputs(self) -> List[Tensor]:
        return list(self._outputs)

    def values(self) -> Tuple[Tensor, ...]:
        return self._outputs

    @property
    def inputs(self) -> List[Tensor]:
        ins = self._inputs
        if ins is None:
            ops = self._graph._ops
            ins = self._inputs = tuple(
                ops[n]._outputs[i] for n, i in self._graph._c.node_inputs(self._id))
        return list(ins)

    @property
    def control_inputs(self) -> List["Operation"]:
        ops = self._graph._ops
        return [ops[n] for n in self._graph._c.node_control_inputs(self._id)]

    @property
    def device(self) -> str:
        return ""

    @property
    def traceback_source(self) -> str:
        """``file:line`` where the node was built."""
        return self._graph._c.node_source(self._id)

    def _add_control_input(self, op: "Operation") -> None:
        self._graph._c.add_control_input(self._id, op._id)

    def _add_control_inputs(self, ops: Sequence["Operation"]) -> None:
        for op in ops:
            self._add_control_input(op)

    def get_attr(self, name: str) -> Any:
        """The attribute's value. Raises ValueError when the op has no such attribute."""
        kind, value = self._graph._c.get_attr(self._id, name)
        if kind == "dtype":
            return _dtypes.as_dtype(value)
        if kind == "shape":
            return TensorShape(value)
        return value

    @property
    def node_def(self) -> Dict[str, Any]:
        c = self._graph._c
        return {
            "name": self._name,
            "op": self._type,
            "input": [t.name for t in self.inputs] + ["^" + o.name for o in self.control_inputs],
            "attr": {a: self.get_attr(a) for a in c.attr_names(self._id)},
        }

    def run(self, feed_dict: Optional[dict] = None, session: Any = None) -> None:
        """Runs this operation in ``session`` (or the default session)."""
        from ..client import session as _session

        _session._run_using_default_session(self, feed_dict, self.graph, session)

    def _as_graph_element(self) -> "Operation":
        return self

    def __repr__(self) -> str:
        return "<tf.Operation '%s' type=%s>" % (self._name, self._type)

    def __str__(self) -> str:
        nd = self.node_def
        lines = ['name: "%s"' % nd["name"], 'op: "%s"' % nd["op"]]
        lines += ['input: "%s"' % i for i in nd["input"]]
        return "\n".join(lines) + "\n"
