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
import sys
import threading
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from .. import _core
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

    def _repr_svg_(self) -> Optional[str]:
        """The graph drawn by Graphviz for notebooks; None (text fallback) without ``dot``."""
        from .. import drawing

        return drawing._svg_or_none(self)


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
