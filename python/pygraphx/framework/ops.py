"""Graphs, operations and tensors: the Python handles over the compiled graph.

A ``Graph`` owns a ``_core.Graph`` (nodes, names, shapes, the variable store) and keeps what is
per-thread and Python-only: the name-scope and control-dependency stacks, collections and the
Python handle of each node.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np

from .. import _core
from .. import dtypes as _dtypes
from .tensor_shape import TensorShape, as_shape

__all__ = [
    "Graph",
    "Operation",
    "Tensor",
    "GraphKeys",
    "get_default_graph",
    "reset_default_graph",
    "name_scope",
    "control_dependencies",
    "convert_to_tensor",
    "add_to_collection",
    "add_to_collections",
    "get_collection",
    "get_collection_ref",
    "register_tensor_conversion_function",
]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_VALID_OP_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$")
_VALID_SCOPE_NAME = re.compile(r"^[A-Za-z0-9_.\\/>-]*$")


def _user_source() -> str:
    """``file:line`` of the innermost frame outside this package: where the user built a node."""
    f = sys._getframe(2)
    while f is not None:
        fn = f.f_code.co_filename
        if not fn.startswith(_PACKAGE_DIR) and "importlib" not in fn:
            return "%s:%d" % (fn, f.f_lineno)
        f = f.f_back
    return ""


class GraphKeys:
    """Standard collection names, as in TF1."""

    GLOBAL_VARIABLES = "variables"
    VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    METRIC_VARIABLES = "metric_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    SUMMARIES = "summaries"
    QUEUE_RUNNERS = "queue_runners"
    TABLE_INITIALIZERS = "table_initializer"
    ASSET_FILEPATHS = "asset_filepaths"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    REGULARIZATION_LOSSES = "regularization_losses"
    CONCATENATED_VARIABLES = "concatenated_variables"
    SAVERS = "savers"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    SAVEABLE_OBJECTS = "saveable_objects"
    RESOURCES = "resources"
    LOCAL_RESOURCES = "local_resources"
    TRAINABLE_RESOURCE_VARIABLES = "trainable_resource_variables"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    SUMMARY_OP = "summary_op"
    GLOBAL_STEP = "global_step"
    EVAL_STEP = "eval_step"
    TRAIN_OP = "train_op"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"


# ---------------------------------------------------------------------------------------------
# Tensor and Operation


class Tensor:
    """A symbolic handle to output ``value_index`` of an ``Operation``."""

    __slots__ = ("_op", "_value_index", "_dtype", "__weakref__")

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
        g = self._op._graph
        return TensorShape(g._c.output_shape(self._op._id, self._value_index))

    def get_shape(self) -> TensorShape:
        return self.shape

    def set_shape(self, shape: Any) -> None:
        """Narrows the static shape. Raises ValueError when incompatible."""
        s = as_shape(shape)
        self._op._graph._c.set_output_shape(self._op._id, self._value_index, s._to_core())

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

    def __hash__(self) -> int:
        return id(self)

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

    __slots__ = ("_graph", "_id", "_name", "_type", "_outputs", "__weakref__")

    def __init__(self, graph: "Graph", node_id: int):
        self._graph = graph
        self._id = node_id
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
        ops = self._graph._ops
        return [ops[n]._outputs[i] for n, i in self._graph._c.node_inputs(self._id)]

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


# ---------------------------------------------------------------------------------------------
# Graph


class _ThreadState(threading.local):
    def __init__(self) -> None:
        self.name_stack = ""
        # One frame per `control_dependencies` block: None for a `control_dependencies(None)`
        # barrier, else (control ops, ids of the ops created inside the block).
        self.control_deps: List[Optional[Tuple[List[Operation], set]]] = []
        self.var_scope: Any = None
        self.var_scope_counts: Dict[str, int] = {}


class Graph:
    """A dataflow graph: operations, their names, collections and static shapes."""

    def __init__(self) -> None:
        self._c = _core.Graph()
        self._ops: List[Operation] = []
        self._collections: Dict[str, list] = {}
        self._thread = _ThreadState()
        self._lock = threading.RLock()
        self._seed: Optional[int] = None
        self._last_id = 0
        self._variable_objects: Dict[str, Any] = {}  # get_variable name -> Variable
        self._unfeedable: set = set()
        self._unfetchable: set = set()

    # -- default graph -------------------------------------------------------------------------

    @contextlib.contextmanager
    def as_default(self) -> Iterator["Graph"]:
        """Makes this graph the default graph of the current thread inside the block."""
        stack = _default_graph_stack()
        stack.append(self)
        try:
            yield self
        finally:
            stack.pop()

    # -- properties ----------------------------------------------------------------------------

    @property
    def seed(self) -> Optional[int]:
        return self._seed

    @seed.setter
    def seed(self, value: Optional[int]) -> None:
        self._seed = value

    @property
    def version(self) -> int:
        return len(self._ops)

    @property
    def finalized(self) -> bool:
        return self._c.finalized

    def finalize(self) -> None:
        """Makes the graph read-only: adding a node raises RuntimeError."""
        self._c.finalize()

    @property
    def graph_def_versions(self) -> Any:
        return None

    # -- names ---------------------------------------------------------------------------------

    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """TF1's unique name of ``name`` under the current name scope."""
        ns = self._thread.name_stack
        if ns:
            name = ns + "/" + name
        return self._c.unique_name(name, mark_as_used)

    def get_name_scope(self) -> str:
        return self._thread.name_stack

    @property
    def _name_stack(self) -> str:
        return self._thread.name_stack

    @contextlib.contextmanager
    def name_scope(self, name: Optional[str]) -> Iterator[str]:
        """Opens a (uniquified) name scope; a name ending in '/' re-enters it; None/"" resets."""
        if name:
            if not isinstance(name, str):
                raise TypeError("name_scope name must be a string, got %r" % (name,))
            # TF1's messages (a root scope must start like an op name; nested ones may not).
            if self._thread.name_stack:
                if not _VALID_SCOPE_NAME.match(name):
                    raise ValueError("'%s' is not a valid scope name. A scope name has to match "
                                     "the following pattern: %s"
                                     % (name, _VALID_SCOPE_NAME.pattern))
            elif not _VALID_OP_NAME.match(name):
                raise ValueError("'%s' is not a valid root scope name. A root scope name has to "
                                 "match the following pattern: %s"
                                 % (name, _VALID_OP_NAME.pattern))
        old = self._thread.name_stack
        if not name:
            new = ""
        elif name[-1] == "/":
            new = name[:-1]
        else:
            new = self.unique_name(name)
        self._thread.name_stack = new
        try:
            yield "" if not new else new + "/"
        finally:
            self._thread.name_stack = old

    # -- control dependencies ------------------------------------------------------------------

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs: Optional[Sequence[Any]]) -> Iterator[None]:
        """Ops created inside depend on ``control_inputs``; None clears the outer ones."""
        if control_inputs is None:
            frame: Optional[List[Operation]] = None
        else:
            frame = []
            for c in control_inputs:
                if hasattr(c, "_as_graph_element") and not isinstance(c, (Tensor, Operation)):
                    c = c._as_graph_element()
                if isinstance(c, Tensor):
                    c = c.op
                if not isinstance(c, Operation):
                    raise TypeError("Can not convert a %s into a Tensor or Operation."
                                    % type(c).__name__)
                self._check_same_graph(c)
                frame.append(c)
        self._thread.control_deps.append(None if frame is None else (frame, set()))
        try:
            yield
        finally:
            self._thread.control_deps.pop()

    def _active_control_frames(self) -> List[Tuple[List[Operation], set]]:
        """The control-dependency frames in effect (outermost first, after the last None)."""
        frames: List[Tuple[List[Operation], set]] = []
        for frame in reversed(self._thread.control_deps):
            if frame is None:
                break
            frames.append(frame)
        frames.reverse()
        return frames

    def _control_inputs_for(self, input_ops: set) -> List[Operation]:
        """TF1's ``_control_dependencies_for_inputs``: a new op gets each active frame's
        control ops, except ops it already consumes, and except the whole frame when one of
        its inputs was itself created inside that frame (it is already dominated)."""
        out: List[Operation] = []
        for ctrl, seen in self._active_control_frames():
            if any(i in seen for i in input_ops):
                continue
            out.extend(c for c in ctrl if c._id not in input_ops)
        return out

    def _current_control_inputs(self) -> List[Operation]:
        return self._control_inputs_for(set())

    # -- node creation -------------------------------------------------------------------------

    def _check_same_graph(self, item: Union[Tensor, Operation]) -> None:
        if item.graph is not self:
            raise ValueError("%r must be from the same graph as the ops created in %r."
                             % (item, self))

    def create_op(self, op_type: str, inputs: Sequence[Tensor], attrs: Optional[dict] = None,
                  name: Optional[str] = None, control_inputs: Sequence[Operation] = ()
                  ) -> Operation:
        """Adds a node. ``name`` is uniquified under the current name scope unless it ends
        with '/', in which case it is used as is (TF's name_from_scope_name).

        Raises:
          ValueError: for an invalid name, inputs from another graph, or shapes/dtypes the op
            rejects (the message names the op).
        """
        name = name or op_type
        if name[-1] == "/":
            full = name[:-1]
        else:
            if not _VALID_SCOPE_NAME.match(name):
                raise ValueError("`%s` is not a valid node name. Accepted names conform to "
                                 "Regex /%s/" % (name, _VALID_OP_NAME.pattern))
            full = self.unique_name(name)
        if not _VALID_OP_NAME.match(full):
            # TF1's message and class for names such as "a b" or "_a".
            raise ValueError("`%s` is not a valid node name. Accepted names conform to Regex "
                             "/%s/" % (full, _VALID_OP_NAME.pattern))
        in_eps = []
        for t in inputs:
            if t._op._graph is not self:
                raise ValueError(
                    "Tensor %s must be from the same graph as the op being created (%s)."
                    % (t.name, full))
            in_eps.append((t._op._id, t._value_index))
        ctrl = [c._id for c in control_inputs]
        input_ops = {t._op._id for t in inputs}
        frames = self._active_control_frames()
        if frames:
            ctrl.extend(c._id for c in self._control_inputs_for(input_ops))
        with self._lock:
            node_id = self._c.add_node(op_type, full, in_eps, ctrl, attrs or {}, _user_source())
            op = Operation(self, node_id)
            self._ops.append(op)
            self._last_id += 1
        # Record the op as created inside every active frame (TF's controller.add_op).
        for _, seen in frames:
            seen.add(node_id)
        return op

    # -- lookup --------------------------------------------------------------------------------

    def get_operations(self) -> List[Operation]:
        return list(self._ops)

    def get_operation_by_name(self, name: str) -> Operation:
        """Raises KeyError when absent, TypeError for a non-string, ValueError for a tensor
        name."""
        if not isinstance(name, str):
            raise TypeError("Operation names are strings (or similar), not %s."
                            % type(name).__name__)
        return self.as_graph_element(name, allow_tensor=False, allow_operation=True)

    def get_tensor_by_name(self, name: str) -> Tensor:
        """Raises KeyError when absent, ValueError for an operation name."""
        if not isinstance(name, str):
            raise TypeError("Tensor names are strings (or similar), not %s."
                            % type(name).__name__)
        return self.as_graph_element(name, allow_tensor=True, allow_operation=False)

    def as_graph_element(self, obj: Any, allow_tensor: bool = True,
                         allow_operation: bool = True) -> Union[Tensor, Operation]:
        """The Tensor or Operation that ``obj`` (a handle or a name) refers to in this graph."""
        if allow_tensor and allow_operation:
            types_str = "Tensor or Operation"
        elif allow_tensor:
            types_str = "Tensor"
        else:
            types_str = "Operation"
        if hasattr(obj, "_as_graph_element") and not isinstance(obj, (Tensor, Operation)):
            obj = obj._as_graph_element()
        if isinstance(obj, str):
            if ":" in obj and allow_tensor:
                op_name, _, idx = obj.rpartition(":")
                try:
                    out_n = int(idx)
                except ValueError:
                    raise ValueError("The name %r looks a like a Tensor name, but is not a valid "
                                     "one. Tensor names must be of the form "
                                     "\"<op_name>:<output_index>\"." % obj) from None
                nid = self._c.find(op_name)
                if nid < 0:
                    raise KeyError("The name %r refers to a Tensor which does not exist. The "
                                   "operation, %r, does not exist in the graph."
                                   % (obj, op_name))
                op = self._ops[nid]
                if out_n >= len(op._outputs) or out_n < 0:
                    raise KeyError("The name %r refers to a Tensor which does not exist. The "
                                   "operation, %r, exists but only has %d outputs."
                                   % (obj, op_name, len(op._outputs)))
                return op._outputs[out_n]
            if ":" in obj and not allow_tensor:
                raise ValueError("Name %r appears to refer to a Tensor, not a %s."
                                 % (obj, types_str))
            nid = self._c.find(obj)
            if nid < 0:
                raise KeyError("The name %r refers to an Operation not in the graph." % obj)
            if not allow_operation:
                raise ValueError("The name %r refers to an Operation, not a %s. Tensor names "
                                 "must be of the form \"<op_name>:<output_index>\"."
                                 % (obj, types_str))
            return self._ops[nid]
        if isinstance(obj, Tensor) and allow_tensor:
            if obj.graph is not self:
                raise ValueError("Tensor %s is not an element of this graph." % obj)
            return obj
        if isinstance(obj, Operation) and allow_operation:
            if obj.graph is not self:
                raise ValueError("Operation %s is not an element of this graph." % obj)
            return obj
        raise TypeError("Can not convert a %s into a %s." % (type(obj).__name__, types_str))

    # -- collections ---------------------------------------------------------------------------

    def add_to_collection(self, name: str, value: Any) -> None:
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names: Any, value: Any) -> None:
        names = (names,) if isinstance(names, str) else set(names)
        for n in names:
            self.add_to_collection(n, value)

    def get_collection_ref(self, name: str) -> list:
        return self._collections.setdefault(name, [])

    def get_collection(self, name: str, scope: Optional[str] = None) -> list:
        items = self._collections.get(name, [])
        if scope is None:
            return list(items)
        pattern = re.compile(scope)
        out = []
        for item in items:
            n = getattr(item, "name", None)
            if n is not None and pattern.match(n):
                out.append(item)
        return out

    def get_all_collection_keys(self) -> List[str]:
        return [k for k, v in self._collections.items() if isinstance(k, str)]

    def clear_collection(self, name: str) -> None:
        self._collections.pop(name, None)

    # -- feeding and fetching ------------------------------------------------------------------

    def prevent_feeding(self, tensor: Tensor) -> None:
        self._unfeedable.add(tensor)

    def prevent_fetching(self, op: Operation) -> None:
        self._unfetchable.add(op)

    def is_feedable(self, tensor: Tensor) -> bool:
        return tensor not in self._unfeedable

    def is_fetchable(self, tensor_or_op: Any) -> bool:
        op = tensor_or_op.op if isinstance(tensor_or_op, Tensor) else tensor_or_op
        return op not in self._unfetchable

    # -- misc ----------------------------------------------------------------------------------

    def _is_function(self, name: str) -> bool:
        return False

    def __repr__(self) -> str:
        return "<pygraphx.Graph with %d operations>" % len(self._ops)


# ---------------------------------------------------------------------------------------------
# Default graph


class _DefaultGraphStack(threading.local):
    def __init__(self) -> None:
        self.stack: List[Graph] = []


_global_default_graph: Optional[Graph] = None
_graph_stack = _DefaultGraphStack()


def _default_graph_stack() -> List[Graph]:
    return _graph_stack.stack


def get_default_graph() -> Graph:
    """The innermost ``as_default`` graph of this thread, else the global default graph."""
    stack = _graph_stack.stack
    if stack:
        return stack[-1]
    global _global_default_graph
    if _global_default_graph is None:
        _global_default_graph = Graph()
    return _global_default_graph


def reset_default_graph() -> None:
    """Replaces the global default graph. Raises AssertionError inside a graph context."""
    if _graph_stack.stack:
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs. If "
                             "you need a cleared graph, exit the nesting and create a new "
                             "graph.")
    global _global_default_graph
    _global_default_graph = Graph()


# ---------------------------------------------------------------------------------------------
# Scopes


def _graph_of(values: Any) -> Graph:
    if values:
        for v in values:
            g = getattr(v, "graph", None)
            if isinstance(g, Graph):
                return g
    return get_default_graph()


@contextlib.contextmanager
def name_scope(name: Optional[str], default_name: Optional[str] = None,
               values: Optional[Sequence[Any]] = None) -> Iterator[str]:
    """TF1's ``tf.name_scope(name, default_name=None, values=None)``.

    Raises:
      ValueError: if the name is not a valid scope name.
      TypeError: if ``default_name`` is given and is not a string.
    """
    if default_name is not None and not isinstance(default_name, str):
        raise TypeError("`default_name` type (%s) is not a string type. You likely meant to "
                        "pass this into the `values` kwarg." % type(default_name))
    n = default_name if name is None else name
    g = _graph_of(values)
    with g.as_default() if g is not get_default_graph() else contextlib.nullcontext():
        with g.name_scope(n) as scope:
            yield scope


def control_dependencies(control_inputs: Optional[Sequence[Any]]) -> Any:
    """``tf.control_dependencies`` on the default graph."""
    return get_default_graph().control_dependencies(control_inputs)


def add_to_collection(name: str, value: Any) -> None:
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names: Any, value: Any) -> None:
    get_default_graph().add_to_collections(names, value)


def get_collection(key: str, scope: Optional[str] = None) -> list:
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key: str) -> list:
    return get_default_graph().get_collection_ref(key)


@contextlib.contextmanager
def init_scope() -> Iterator[None]:
    """Clears control dependencies while lifting initialisation code (as TF's init_scope)."""
    with control_dependencies(None):
        yield


# ---------------------------------------------------------------------------------------------
# Conversion of Python values to tensors

_conversion_functions: List[Tuple[type, Callable]] = []


def register_tensor_conversion_function(base_type: Any, conversion_func: Callable,
                                        priority: int = 100) -> None:
    """Registers ``conversion_func(value, dtype=None, name=None, as_ref=False)``."""
    _conversion_functions.append((base_type, conversion_func))


def _infer_dtype(value: Any) -> _dtypes.DType:
    """TF1's default dtype for a Python/NumPy value: float32 for floats, int32 for ints."""
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        arr = np.asarray(value)
        if arr.dtype.kind == "f" and arr.dtype.itemsize == 2:
            raise TypeError("float16 is not supported")
        if arr.dtype.kind in "fiub":
            if arr.dtype.kind == "u":
                return _dtypes.int64
            return _dtypes.as_dtype(arr.dtype if arr.dtype.itemsize >= 4 or arr.dtype.kind == "b"
                                    else np.int32)
        raise TypeError("Unsupported NumPy dtype %s" % arr.dtype)
    arr = np.asarray(value)
    if arr.dtype == object or arr.dtype.kind in "USO":
        raise TypeError("Failed to convert object of type %s to Tensor. Contents: %s. "
                        "Consider casting elements to a supported type."
                        % (type(value), value))
    if arr.dtype.kind == "b":
        return _dtypes.bool
    if arr.dtype.kind == "f":
        return _dtypes.float32
    if arr.dtype.kind in "iu":
        if arr.size and (arr.max() > np.iinfo(np.int32).max or arr.min() < np.iinfo(np.int32).min):
            return _dtypes.int64
        return _dtypes.int32
    raise TypeError("Failed to convert object of type %s to Tensor." % type(value))


def _python_leaves(value: Any) -> Iterator[Any]:
    """The scalars of a nested Python list/tuple (NumPy arrays inside count as one leaf)."""
    if isinstance(value, (list, tuple)):
        for v in value:
            yield from _python_leaves(v)
    else:
        yield value


def _to_numpy(value: Any, dtype: Optional[_dtypes.DType]) -> np.ndarray:
    """``value`` as an array of ``dtype`` (inferred when None), with TF1's checks.

    NumPy arrays and scalars are cast to ``dtype`` as in TF1 (``astype``); Python values must
    be compatible element by element: a float where an integer is expected, or a non-bool where
    a bool is expected, is a TypeError (bools are accepted as numbers, as in TF).

    Raises:
      ValueError: for ``None``, or Python integers outside an integer ``dtype``'s range.
      TypeError: for values that cannot be converted to ``dtype``.
    """
    if value is None:
        raise ValueError("None values not supported.")
    if dtype is None:
        dtype = _infer_dtype(value)
    dtype = dtype.base_dtype
    arr = np.asarray(value)
    if arr.dtype == object or arr.dtype.kind in "USO":
        raise TypeError("Failed to convert object of type %s to Tensor. Contents: %s. "
                        "Consider casting elements to a supported type."
                        % (type(value), value))
    if not isinstance(value, (np.ndarray, np.generic)):
        for leaf in _python_leaves(value):
            if isinstance(leaf, np.ndarray):
                continue
            bad = False
            if dtype.is_integer:
                bad = isinstance(leaf, (float, np.floating))
            elif dtype.is_bool:
                bad = not isinstance(leaf, (bool, np.bool_))
            if bad:
                raise TypeError("Expected %s, got %r of type '%s' instead."
                                % (dtype.name, leaf, type(leaf).__name__))
        if dtype.is_integer and arr.dtype.kind in "iu" and arr.size:
            # Python integers that do not fit would wrap silently in the cast below.
            info = np.iinfo(dtype.as_numpy_dtype)
            lo, hi = int(arr.min()), int(arr.max())
            if lo < info.min or hi > info.max:
                raise ValueError("Value %d is out of range for %s [%d, %d]"
                                 % (lo if lo < info.min else hi, dtype.name, info.min, info.max))
    return np.asarray(arr, dtype=dtype.as_numpy_dtype, order="C")


def convert_to_tensor(value: Any, dtype: Any = None, name: Optional[str] = None,
                      preferred_dtype: Any = None, as_ref: bool = False) -> Tensor:
    """Converts a Tensor, Variable, NumPy array or Python value to a Tensor.

    Raises:
      ValueError: if a Tensor's dtype differs from ``dtype``.
      TypeError: if the value cannot be converted.
    """
    dtype = None if dtype is None else _dtypes.as_dtype(dtype)
    if isinstance(value, Tensor):
        if dtype is not None and not dtype.base_dtype == value.dtype.base_dtype:
            raise ValueError("Tensor conversion requested dtype %s for Tensor with dtype %s: %r"
                             % (dtype.base_dtype.name, value.dtype.name, value))
        return value
    for base, fn in _conversion_functions:
        if isinstance(value, base):
            t = fn(value, dtype=dtype, name=name, as_ref=as_ref)
            if dtype is not None and not dtype.base_dtype == t.dtype.base_dtype:
                raise ValueError("Tensor conversion requested dtype %s for Tensor with dtype "
                                 "%s: %r" % (dtype.base_dtype.name, t.dtype.name, t))
            return t
    if isinstance(value, Operation):
        raise TypeError("Can't convert Operation '%s' to Tensor (target dtype=%s, name=%s)"
                        % (value.name, dtype, name))
    if dtype is None and preferred_dtype is not None:
        try:
            arr = _to_numpy(value, _dtypes.as_dtype(preferred_dtype))
            return constant_tensor(arr, name=name or "Const")
        except (TypeError, ValueError):
            pass
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) or hasattr(v, "_as_graph_element")
                                                for v in _flatten_nested(value)):
        from ..ops import array_ops

        return array_ops._autopack(value, dtype=dtype, name=name or "packed")
    arr = _to_numpy(value, dtype)
    return constant_tensor(arr, name=name or "Const")


def _flatten_nested(value: Any) -> list:
    out = []
    for v in value:
        if isinstance(v, (list, tuple)):
            out.extend(_flatten_nested(v))
        else:
            out.append(v)
    return out


def constant_tensor(arr: np.ndarray, name: str = "Const") -> Tensor:
    """A Const node holding a copy of ``arr`` (already of a supported dtype)."""
    g = get_default_graph()
    d = _dtypes.as_dtype(arr.dtype)
    op = g.create_op("Const", [], {"value": ("tensor", arr), "dtype": ("dtype", d.as_datatype_enum)},
                     name=name)
    return op._outputs[0]


def convert_n_to_tensor(values: Sequence[Any], dtype: Any = None,
                        name: Optional[str] = None) -> List[Tensor]:
    return [convert_to_tensor(v, dtype=dtype, name=None if name is None else "%s_%d" % (name, i))
            for i, v in enumerate(values)]


# ---------------------------------------------------------------------------------------------
# Attribute helpers for op wrappers


def attr_dtype(d: Any) -> tuple:
    return ("dtype", _dtypes.as_dtype(d).base_dtype.as_datatype_enum)


def attr_shape(s: Any) -> tuple:
    return ("shape", as_shape(s)._to_core())


def attr_int(v: int) -> tuple:
    return ("int", int(v))


def attr_float(v: float) -> tuple:
    return ("float", float(v))


def attr_bool(v: bool) -> tuple:
    return ("bool", bool(v))


def attr_str(v: str) -> tuple:
    return ("str", str(v))


def attr_ints(v: Sequence[int]) -> tuple:
    return ("ints", [int(x) for x in v])


def attr_tensor(arr: np.ndarray) -> tuple:
    return ("tensor", np.asarray(arr, order="C"))


def make_op(op_type: str, inputs: Sequence[Tensor], attrs: Optional[dict] = None,
            name: Optional[str] = None, graph: Optional[Graph] = None) -> Operation:
    """Creates an op in the inputs' graph (or the default graph), checking they share one."""
    g = graph
    for t in inputs:
        if g is None:
            g = t.graph
        elif t.graph is not g:
            raise ValueError("%s must be from the same graph as %s." % (t, inputs[0]))
    if g is None:
        g = get_default_graph()
    return g.create_op(op_type, inputs, attrs, name=name)
