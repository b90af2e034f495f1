"""Graphs: node creation, names and name scopes, control dependencies, collections and the
per-thread default graph.

A ``Graph`` owns a ``_core.Graph`` (nodes, names, shapes, the variable store) and keeps what is
per-thread and Python-only: the name-scope and control-dependency stacks, collections and the
Python handle of each node.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from .. import _core
from .. import dtypes as _dtypes
from .tensor import Operation, Tensor

__all__ = [
    "Graph",
    "GraphKeys",
    "get_default_graph",
    "reset_default_graph",
    "name_scope",
    "control_dependencies",
    "add_to_collection",
    "add_to_collections",
    "get_collection",
    "get_collection_ref",
    "init_scope",
]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_VALID_OP_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$")
_VALID_SCOPE_NAME = re.compile(r"^[A-Za-z0-9_.\\/>-]*$")


# Each node records the user's line that built it (``file:line`` of the innermost frame outside
# this package), found by Graph.create_node from the Python frames.
_core.set_package_dir(_PACKAGE_DIR)


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
        self._implicit_op_seeds = 0  # op seeds handed out under a graph seed (random_ops)
        self._variable_objects: Dict[str, Any] = {}  # get_variable name -> Variable
        self._unfeedable: set = set()
        self._unfetchable: set = set()
        self._feed_fetch_rules = 0  # bumped when a tensor or op is made unfeedable/unfetchable

    # -- default graph -------------------------------------------------------------------------

    def as_default(self) -> "_DefaultGraphContext":
        """Makes this graph the default graph of the current thread inside the block."""
        return _DefaultGraphContext(self)

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

    def name_scope(self, name: Optional[str]) -> "_GraphNameScope":
        """Opens a (uniquified) name scope; a name ending in '/' re-enters it; None/"" resets."""
        return _GraphNameScope(self, name)

    # -- control dependencies ------------------------------------------------------------------

    def control_dependencies(self, control_inputs: Optional[Sequence[Any]]
                             ) -> "_ControlDependencies":
        """Ops created inside depend on ``control_inputs``; None clears the outer ones."""
        return _ControlDependencies(self, control_inputs)

    def _control_frame(self, control_inputs: Optional[Sequence[Any]]
                       ) -> Optional[Tuple[List[Operation], set]]:
        """The frame a ``control_dependencies`` block pushes (checking ``control_inputs``)."""
        if control_inputs is None:
            return None
        frame: List[Operation] = []
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
        return (frame, set())

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
        in_eps = []
        for t in inputs:
            top = t._op
            if top._graph is not self:
                self._raise_foreign_input(t, name)
            in_eps.append((top._id, t._value_index))
        ctrl = [c._id for c in control_inputs] if control_inputs else []
        thread = self._thread
        deps = thread.control_deps
        # (A barrier, control_dependencies(None), on top leaves no frame in effect.)
        frames = self._active_control_frames() if deps and deps[-1] is not None else None
        if frames:
            ctrl.extend(c._id for c in self._control_inputs_for({e[0] for e in in_eps}))
        with self._lock:
            # Naming (TF's checks and uniquification), shape inference and the user's source
            # line, in one call.
            node_id, full, dtype_codes = self._c.create_node(
                op_type, thread.name_stack, name, in_eps, ctrl, attrs or {})
            op = _new_operation(self, node_id, full, op_type, dtype_codes, tuple(inputs))
            self._ops.append(op)
            self._last_id += 1
        if frames:
            # Record the op as created inside every active frame (TF's controller.add_op).
            for _, seen in frames:
                seen.add(node_id)
        return op

    def _raise_foreign_input(self, t: Tensor, name: str) -> None:
        """The errors create_op raises for an input ``t`` from another graph, in TF's order:
        an invalid name first; else the name is taken and the input refused."""
        if name[-1] == "/":
            full = name[:-1]
        else:
            if not _VALID_SCOPE_NAME.match(name):
                raise ValueError("`%s` is not a valid node name. Accepted names conform to "
                                 "Regex /%s/" % (name, _VALID_OP_NAME.pattern))
            full = self.unique_name(name)
        if not _VALID_OP_NAME.match(full):
            raise ValueError("`%s` is not a valid node name. Accepted names conform to Regex "
                             "/%s/" % (full, _VALID_OP_NAME.pattern))
        raise ValueError("Tensor %s must be from the same graph as the op being created (%s)."
                         % (t.name, full))

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
        self._feed_fetch_rules += 1

    def prevent_fetching(self, op: Operation) -> None:
        self._unfetchable.add(op)
        self._feed_fetch_rules += 1

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

    def _repr_svg_(self) -> Optional[str]:
        """The graph drawn by Graphviz for notebooks; None (text fallback) without ``dot``."""
        from .. import drawing

        return drawing._svg_or_none(self)


# ---------------------------------------------------------------------------------------------
# Context managers of a graph (plain classes: they are entered for every op wrapper call)


class _DefaultGraphContext(contextlib.ContextDecorator):
    """``Graph.as_default()``: pushes the graph on this thread's default-graph stack."""

    __slots__ = ("_graph",)

    def __init__(self, graph: Graph) -> None:
        self._graph = graph

    def __enter__(self) -> Graph:
        _graph_stack.stack.append(self._graph)
        return self._graph

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        _graph_stack.stack.pop()


class _GraphNameScope:
    """``Graph.name_scope(name)``; the name is checked and uniquified on entry."""

    __slots__ = ("_graph", "_name", "_old")

    def __init__(self, graph: Graph, name: Optional[str]) -> None:
        self._graph = graph
        self._name = name

    def __enter__(self) -> str:
        name = self._name
        thread = self._graph._thread
        old = thread.name_stack
        if name:
            if not isinstance(name, str):
                raise TypeError("name_scope name must be a string, got %r" % (name,))
            # TF1's messages (a root scope must start like an op name; nested ones may not).
            if old:
                if not _VALID_SCOPE_NAME.match(name):
                    raise ValueError("'%s' is not a valid scope name. A scope name has to match "
                                     "the following pattern: %s"
                                     % (name, _VALID_SCOPE_NAME.pattern))
            elif not _VALID_OP_NAME.match(name):
                raise ValueError("'%s' is not a valid root scope name. A root scope name has to "
                                 "match the following pattern: %s"
                                 % (name, _VALID_OP_NAME.pattern))
            if name[-1] == "/":
                new = name[:-1]
            else:
                new = self._graph._c.unique_name(old + "/" + name if old else name, True)
        else:
            new = ""
        self._old = old
        thread.name_stack = new
        return new + "/" if new else ""

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self._graph._thread.name_stack = self._old


class _ControlDependencies:
    """``Graph.control_dependencies(control_inputs)``; the inputs are checked on entry."""

    __slots__ = ("_graph", "_inputs")

    def __init__(self, graph: Graph, control_inputs: Optional[Sequence[Any]]) -> None:
        self._graph = graph
        self._inputs = control_inputs

    def __enter__(self) -> None:
        g = self._graph
        g._thread.control_deps.append(g._control_frame(self._inputs))

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self._graph._thread.control_deps.pop()


def _new_operation(graph: Graph, node_id: int, name: str, op_type: str,
                   dtype_codes: Tuple[int, ...], inputs: Tuple[Tensor, ...]) -> Operation:
    """The handle of a node just added, from what the graph returned for it."""
    op = _new_op_object(Operation)
    op._graph = graph
    op._id = node_id
    op._name = name
    op._type = op_type
    op._inputs = inputs
    if op_type == "VariableV2":
        op._reads_var = True
    else:
        reads = False
        if inputs and op_type not in VARIABLE_SAFE_READS:
            for t in inputs:
                if t._op._reads_var:
                    reads = True
                    break
        op._reads_var = reads
    by_code = _REF_BY_CODE if op_type == "VariableV2" else _DTYPE_BY_CODE
    if len(dtype_codes) == 1:
        op._outputs = (Tensor(op, 0, by_code[dtype_codes[0]]),)
    else:
        op._outputs = tuple(Tensor(op, i, by_code[c]) for i, c in enumerate(dtype_codes))
    return op


# Ops whose value is safe to compute before the variables they read are initialised (the
# variable initialisers' guard stops at them).
VARIABLE_SAFE_READS = frozenset(("IsVariableInitialized", "InitializedValue"))
_new_op_object = object.__new__
_DTYPE_BY_CODE = dict(_dtypes._BY_ENUM)
_REF_BY_CODE = {code: d._as_ref for code, d in _dtypes._BY_ENUM.items()}


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


class name_scope:  # noqa: N801 - TF's public name
    """TF1's ``tf.name_scope(name, default_name=None, values=None)``.

    Raises (on entry):
      ValueError: if the name is not a valid scope name.
      TypeError: if ``default_name`` is given and is not a string.
    """

    __slots__ = ("_name", "_default_name", "_values", "_graph_cm", "_scope_cm")

    def __init__(self, name: Optional[str], default_name: Optional[str] = None,
                 values: Optional[Sequence[Any]] = None) -> None:
        self._name = name
        self._default_name = default_name
        self._values = values

    def __enter__(self) -> str:
        default_name = self._default_name
        if default_name is not None and not isinstance(default_name, str):
            raise TypeError("`default_name` type (%s) is not a string type. You likely meant to "
                            "pass this into the `values` kwarg." % type(default_name))
        n = default_name if self._name is None else self._name
        default = get_default_graph()
        g = _graph_of(self._values) if self._values else default
        graph_cm = None
        if g is not default:
            graph_cm = _DefaultGraphContext(g)
            graph_cm.__enter__()
        scope_cm = _GraphNameScope(g, n)
        try:
            scope = scope_cm.__enter__()
        except BaseException:
            if graph_cm is not None:
                graph_cm.__exit__(None, None, None)
            raise
        self._graph_cm = graph_cm
        self._scope_cm = scope_cm
        return scope

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        scope_cm = self._scope_cm
        scope_cm._graph._thread.name_stack = scope_cm._old
        if self._graph_cm is not None:
            self._graph_cm.__exit__(exc_type, exc, tb)


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


def init_scope() -> _ControlDependencies:
    """Clears control dependencies while lifting initialisation code (as TF's init_scope)."""
    return _ControlDependencies(get_default_graph(), None)
