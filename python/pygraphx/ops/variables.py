"""``tf.Variable`` (TF1 reference variables) and the variable collections and initializers."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

import numpy as np

from .. import dtypes as _dtypes
from ..framework import graph as graph_module
from ..framework import ops
from ..framework.tensor_shape import TensorShape
from . import array_ops, control_flow_ops, state_ops

__all__ = [
    "Variable",
    "VariableV1",
    "global_variables",
    "all_variables",
    "trainable_variables",
    "local_variables",
    "model_variables",
    "moving_average_variables",
    "global_variables_initializer",
    "initialize_all_variables",
    "local_variables_initializer",
    "variables_initializer",
    "initialize_variables",
    "is_variable_initialized",
]


class Variable:
    """A variable: a VariableV2 node (``x:0``), its initializer (``x/Assign``) and a snapshot
    (``x/read:0``) that ops consume. Each session holds its own value.

    Raises (constructor):
      ValueError: if ``initial_value`` is missing, or (with validate_shape) its shape is not
        fully defined.
    """

    def __init__(self, initial_value: Any = None, trainable: Optional[bool] = None,
                 collections: Optional[List[str]] = None, validate_shape: bool = True,
                 caching_device: Any = None, name: Optional[str] = None,
                 variable_def: Any = None, dtype: Any = None, expected_shape: Any = None,
                 import_scope: Optional[str] = None, constraint: Optional[Callable] = None,
                 use_resource: Optional[bool] = None, synchronization: Any = None,
                 aggregation: Any = None, shape: Any = None):
        if variable_def is not None:
            if initial_value is not None:
                raise ValueError("variable_def and initial_value are mutually exclusive.")
            self._init_from_def(variable_def, import_scope)
            return
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        if trainable is None:
            trainable = True
        if collections is None:
            collections = [ops.GraphKeys.GLOBAL_VARIABLES]
        if not isinstance(collections, (list, tuple, set)):
            raise ValueError("collections argument to Variable constructor must be a list, "
                             "tuple, or set. Got %s of type %s" % (collections,
                                                                   type(collections)))
        collections = list(collections)
        if trainable and ops.GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections.append(ops.GraphKeys.TRAINABLE_VARIABLES)
        init_from_fn = callable(initial_value)
        self._trainable = trainable
        self._constraint = constraint
        with ops.init_scope():
            with ops.name_scope(name, "Variable",
                                [] if init_from_fn else [initial_value]) as scope:
                if init_from_fn:
                    with ops.name_scope("Initializer"):
                        init = ops.convert_to_tensor(initial_value(), dtype=dtype,
                                                     name="initial_value")
                else:
                    init = ops.convert_to_tensor(initial_value, dtype=dtype,
                                                 name="initial_value")
                self._initial_value = init
                self._graph = init.graph
                shape_ = init.shape if validate_shape else TensorShape(None)
                if shape is not None:
                    shape_ = TensorShape(shape)
                if validate_shape and not shape_.is_fully_defined():
                    raise ValueError("initial_value must have a shape specified: %s" % init)
                self._variable = state_ops.variable_op_v2(shape_, init.dtype.base_dtype,
                                                          name=scope)
                self._name = self._variable.op.name
                # If the initial value reads other variables, read them through their
                # initialized value, so this initializer runs before theirs (TF's
                # _try_guard_against_uninitialized_dependencies).
                self._initializer_op = state_ops.assign(
                    self._variable, _guard_uninitialized_dependencies(scope, init),
                    validate_shape=validate_shape).op
                with ops.name_scope("read") as read_scope:
                    self._snapshot = array_ops.identity(self._variable, name=read_scope)
        self._graph.add_to_collections(collections, self)
        self._save_slice_info = None

    def _init_from_def(self, variable_def: Dict[str, Any], import_scope: Optional[str]) -> None:
        """Rebuilds a Variable around nodes already in the default graph (an imported meta
        graph). ``variable_def`` names them: ``variable_name`` (the VariableV2 tensor),
        ``initializer_name``, ``snapshot_name``, ``initial_value_name`` (may be empty) and
        ``trainable``; ``import_scope`` is prepended to each. Adds it to no collection.

        Raises:
          KeyError: if a named node is not in the graph.
          ValueError: if ``variable_name`` does not name a VariableV2 output.
        """
        g = ops.get_default_graph()
        scope = import_scope or ""
        if scope and not scope.endswith("/"):
            scope += "/"

        def node(key: str, tensor: bool) -> Any:
            name = variable_def.get(key) or ""
            if not name:
                return None
            return g.as_graph_element(scope + name, allow_tensor=tensor,
                                      allow_operation=not tensor)

        self._variable = node("variable_name", True)
        if self._variable is None or self._variable.op.type != "VariableV2":
            raise ValueError("variable_def's variable_name %r is not a variable"
                             % variable_def.get("variable_name"))
        self._initializer_op = node("initializer_name", False)
        self._snapshot = node("snapshot_name", True)
        self._initial_value = node("initial_value_name", True)
        self._trainable = bool(variable_def.get("trainable", True))
        self._constraint = None
        self._graph = g
        self._name = self._variable.op.name
        self._save_slice_info = None

    # -- identity ------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self._variable.name

    @property
    def op(self) -> ops.Operation:
        return self._variable.op

    @property
    def graph(self) -> ops.Graph:
        return self._graph

    @property
    def dtype(self) -> _dtypes.DType:
        return self._variable.dtype

    @property
    def shape(self) -> TensorShape:
        return self._variable.shape

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def device(self) -> str:
        return ""

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def constraint(self) -> Optional[Callable]:
        return self._constraint

    @property
    def initializer(self) -> ops.Operation:
        return self._initializer_op

    @property
    def initial_value(self) -> ops.Tensor:
        return self._initial_value

    def _as_graph_element(self) -> ops.Tensor:
        return self._variable

    def _ref(self) -> ops.Tensor:
        return self._variable

    def value(self) -> ops.Tensor:
        """The snapshot tensor ``x/read:0`` through which ops read the variable."""
        return self._snapshot

    def initialized_value(self) -> ops.Tensor:
        """The variable's value if it is initialised, else its initial value: what
        initialising another variable from this one should use.

        TF 1.x builds ``cond(is_variable_initialized(v), v.read_value, lambda:
        v.initial_value)``: nine nodes (``IsVariableInitialized``, ``cond/Switch`` ...
        ``cond/Merge``). Here it is one ``InitializedValue`` node named ``cond``. Unlike TF's
        cond, the initial value is computed even when the variable is initialised (only its
        result is discarded), so a placeholder it reads must then be fed too.
        """
        with ops.init_scope():
            g = self._graph
            op = g.create_op("InitializedValue", [self._variable, self._initial_value],
                             name="cond")
            return op.outputs[0]

    def read_value(self) -> ops.Tensor:
        """A new Identity reading the variable's current value."""
        return array_ops.identity(self._variable, name="read")

    # -- running -------------------------------------------------------------------------------

    def eval(self, session: Any = None) -> np.ndarray:
        """The variable's value in ``session`` (or the default session)."""
        return self._variable.eval(session=session)

    def load(self, value: Any, session: Any = None) -> None:
        """Writes ``value`` into the variable in ``session`` (or the default session)."""
        from ..client import session as _session

        if session is None:
            session = _session.get_default_session()
            if session is None:
                raise ValueError("Either session argument should be provided or default "
                                 "session should be established")
        sess = _session._session_for(self._graph, session, "eval")
        sess.run(self._initializer_op, {self._initializer_op.inputs[1]: value})

    def assign(self, value: Any, use_locking: bool = False, name: Optional[str] = None,
               read_value: bool = True) -> Any:
        t = state_ops.assign(self._variable, value, use_locking=use_locking, name=name)
        return t if read_value else t.op

    def assign_add(self, delta: Any, use_locking: bool = False, name: Optional[str] = None,
                   read_value: bool = True) -> Any:
        t = state_ops.assign_add(self._variable, delta, use_locking=use_locking, name=name)
        return t if read_value else t.op

    def assign_sub(self, delta: Any, use_locking: bool = False, name: Optional[str] = None,
                   read_value: bool = True) -> Any:
        t = state_ops.assign_sub(self._variable, delta, use_locking=use_locking, name=name)
        return t if read_value else t.op

    def set_shape(self, shape: Any) -> None:
        self._variable.set_shape(shape)
        self._snapshot.set_shape(shape)

    def __repr__(self) -> str:
        return "<tf.Variable '%s' shape=%s dtype=%s>" % (self.name, self.shape, self.dtype.name)

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    def __bool__(self) -> bool:
        raise TypeError("Using a `tf.Variable` as a Python `bool` is not allowed.")

    def __iter__(self) -> Any:
        raise TypeError("'Variable' object is not iterable.")

    __array_priority__ = 100


# Ops whose value is already safe to read before other variables are initialised.
_GUARD_STOP_TYPES = graph_module.VARIABLE_SAFE_READS


def _find_variable(var_op: ops.Operation) -> Optional["Variable"]:
    names = (var_op.name, var_op.name + ":0")
    for key in (ops.GraphKeys.GLOBAL_VARIABLES, ops.GraphKeys.LOCAL_VARIABLES):
        for v in var_op.graph.get_collection(key):
            if isinstance(v, Variable) and v.name in names:
                return v
    return None


def _guard_uninitialized_dependencies(scope: str, initial_value: ops.Tensor) -> ops.Tensor:
    """TF's ``_try_guard_against_uninitialized_dependencies``: ``initial_value`` with every
    read of a (collected) variable replaced by that variable's ``initialized_value()``.

    Ops on the path from such a read are copied as ``<op name>_<scope>`` (``w/read_v`` and
    ``mul_v`` for ``v = tf.Variable(w * 2, name="v")``); ``initial_value`` is returned
    unchanged when it reads no variable.
    """
    if not initial_value._op._reads_var:
        return initial_value  # no variable read on the way: nothing to guard
    cache: Dict[int, ops.Operation] = {}

    def safe_op(op: ops.Operation) -> ops.Operation:
        hit = cache.get(op._id)
        if hit is not None:
            return hit
        new = op
        op_type = op._type
        if op_type in _GUARD_STOP_TYPES:
            pass
        elif op_type == "VariableV2":
            var = _find_variable(op)
            if var is not None:
                new = var.initialized_value().op
        else:
            inputs = op.inputs
            new_inputs = [safe_op(t._op)._outputs[t._value_index] for t in inputs]
            if any(a is not b for a, b in zip(new_inputs, inputs)):
                c = op.graph._c
                attrs = {a: c.get_attr(op._id, a) for a in c.attr_names(op._id)}
                new_name = (op.name + "_" + scope).replace(":", "_")
                new = op.graph.create_op(op.type, new_inputs, attrs, name=new_name)
        cache[op._id] = new
        return new

    return safe_op(initial_value.op).outputs[initial_value.value_index]


def _overload(operator: str) -> None:
    def fn(self: Variable, *args: Any) -> Any:
        return getattr(ops.Tensor, operator)(self._snapshot, *args)

    fn.__name__ = operator
    setattr(Variable, operator, fn)


for _op_name in ops.Tensor.OVERLOADABLE_OPERATORS:
    _overload(_op_name)


def _variable_to_tensor(v: Variable, dtype: Any = None, name: Optional[str] = None,
                        as_ref: bool = False) -> ops.Tensor:
    if dtype is not None and not _dtypes.as_dtype(dtype).base_dtype == v.dtype.base_dtype:
        raise ValueError("Incompatible type conversion requested to type '%s' for variable of "
                         "type '%s'" % (_dtypes.as_dtype(dtype).name, v.dtype.name))
    return v._variable if as_ref else v._snapshot


ops.register_tensor_conversion_function(Variable, _variable_to_tensor)

VariableV1 = Variable

# ---------------------------------------------------------------------------------------------
# Collections and initializers


def global_variables(scope: Optional[str] = None) -> list:
    return ops.get_collection(ops.GraphKeys.GLOBAL_VARIABLES, scope)


all_variables = global_variables


def trainable_variables(scope: Optional[str] = None) -> list:
    return ops.get_collection(ops.GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope: Optional[str] = None) -> list:
    return ops.get_collection(ops.GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope: Optional[str] = None) -> list:
    return ops.get_collection(ops.GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope: Optional[str] = None) -> list:
    return ops.get_collection(ops.GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


def variables_initializer(var_list: List[Variable], name: str = "init") -> ops.Operation:
    """An op that runs the initializers of ``var_list`` (a NoOp when it is empty)."""
    if var_list:
        return control_flow_ops.group(*[v.initializer for v in var_list], name=name)
    return control_flow_ops.no_op(name=name)


initialize_variables = variables_initializer


def global_variables_initializer() -> ops.Operation:
    """An op named ``init`` that initialises every global variable."""
    return variables_initializer(global_variables())


initialize_all_variables = global_variables_initializer


def local_variables_initializer() -> ops.Operation:
    return variables_initializer(local_variables())


def is_variable_initialized(variable: Variable) -> ops.Tensor:
    return state_ops.is_variable_initialized(variable)
