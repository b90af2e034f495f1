"""``variable_scope`` and ``get_variable``: TF1's variable sharing.

The store of get_variable records (names, shapes, dtypes, where defined) and the create/reuse
rules live in the compiled graph; this module keeps the per-thread scope stack and builds the
variable nodes.
"""

from __future__ import annotations

import enum
import inspect
import sys
from typing import Any, Callable, Optional

from .. import dtypes as _dtypes
from ..framework import ops
from ..framework.tensor_shape import TensorShape, as_shape
from . import variables

__all__ = ["AUTO_REUSE", "VariableScope", "variable_scope", "get_variable",
           "get_variable_scope", "variable_op_scope"]


class _ReuseMode(enum.Enum):
    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE


def _reuse_code(reuse: Any) -> int:
    if reuse is AUTO_REUSE:
        return 2
    return 1 if reuse else 0


def _merge_reuse(new: Any, old: Any) -> Any:
    """TF1: reuse can only be turned on inside a scope, never off."""
    return new or old


def _definition_site(max_frames: int = 5) -> str:
    """The user's stack where a variable is created, innermost first, as TF formats it.

    TF1 reports up to five frames of the creation traceback outside TensorFlow itself, each as
    ``  File "<file>", line <n>, in <function>`` followed by a newline.
    """
    f = sys._getframe(1)
    lines = []
    while f is not None and len(lines) < max_frames:
        fn = f.f_code.co_filename
        if not fn.startswith(ops._PACKAGE_DIR) and "importlib" not in fn:
            lines.append('  File "%s", line %d, in %s\n' % (fn, f.f_lineno, f.f_code.co_name))
        f = f.f_back
    return "".join(lines)


def _takes_no_arguments(fn: Any) -> bool:
    """Whether ``fn`` can be called without arguments (TF: an initializer without a shape)."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    return all(p.default is not inspect.Parameter.empty
               or p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
               for p in sig.parameters.values())


class VariableScope:
    """A variable scope's settings: name, reuse flag, default initializer and dtype."""

    def __init__(self, reuse: Any, name: str = "", initializer: Any = None,
                 regularizer: Any = None, caching_device: Any = None, partitioner: Any = None,
                 custom_getter: Any = None, name_scope: str = "", dtype: Any = _dtypes.float32,
                 use_resource: Any = None, constraint: Any = None):
        self._name = name
        self._reuse = reuse
        self._initializer = initializer
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = _dtypes.as_dtype(dtype)
        self._use_resource = use_resource
        self._constraint = constraint

    @property
    def name(self) -> str:
        return self._name

    @property
    def original_name_scope(self) -> str:
        return self._name_scope

    @property
    def reuse(self) -> Any:
        return self._reuse

    @property
    def initializer(self) -> Any:
        return self._initializer

    @property
    def dtype(self) -> _dtypes.DType:
        return self._dtype

    @property
    def regularizer(self) -> Any:
        return self._regularizer

    @property
    def caching_device(self) -> Any:
        return self._caching_device

    @property
    def partitioner(self) -> Any:
        return self._partitioner

    @property
    def custom_getter(self) -> Any:
        return self._custom_getter

    @property
    def use_resource(self) -> Any:
        return self._use_resource

    @property
    def constraint(self) -> Any:
        return self._constraint

    def reuse_variables(self) -> None:
        """Turns reuse on for the rest of this scope (it cannot be turned off again)."""
        self._reuse = True

    def set_initializer(self, initializer: Any) -> None:
        self._initializer = initializer

    def set_dtype(self, dtype: Any) -> None:
        self._dtype = _dtypes.as_dtype(dtype)

    def set_regularizer(self, regularizer: Any) -> None:
        self._regularizer = regularizer

    def set_caching_device(self, caching_device: Any) -> None:
        self._caching_device = caching_device

    def set_partitioner(self, partitioner: Any) -> None:
        self._partitioner = partitioner

    def set_custom_getter(self, custom_getter: Any) -> None:
        self._custom_getter = custom_getter

    def set_use_resource(self, use_resource: Any) -> None:
        self._use_resource = use_resource

    def get_variable(self, var_store: Any, name: str, shape: Any = None, dtype: Any = None,
                     initializer: Any = None, regularizer: Any = None,
                     trainable: Optional[bool] = None, collections: Any = None,
                     caching_device: Any = None, partitioner: Any = None,
                     validate_shape: bool = True, use_resource: Any = None,
                     custom_getter: Any = None, constraint: Any = None, **kwargs: Any) -> Any:
        return _get_variable_in(self, ops.get_default_graph(), name, shape, dtype, initializer,
                                regularizer, trainable, collections, validate_shape,
                                constraint)

    def __repr__(self) -> str:
        return "<VariableScope name=%r reuse=%r>" % (self._name, self._reuse)


def _state(g: ops.Graph) -> Any:
    st = g._thread
    if st.var_scope is None:
        st.var_scope = VariableScope(False)
    return st


def get_variable_scope() -> VariableScope:
    """The current variable scope of the default graph."""
    return _state(ops.get_default_graph()).var_scope


def _unique_default_scope(g: ops.Graph, prefix: str) -> str:
    st = _state(g)
    cur = st.var_scope.name
    name = cur + "/" + prefix if cur else prefix
    counts = st.var_scope_counts
    if counts.get(name, 0) == 0:
        return prefix
    idx = 1
    while counts.get("%s_%d" % (name, idx), 0) > 0:
        idx += 1
    return "%s_%d" % (prefix, idx)


class variable_scope:  # noqa: N801 - TF's public name
    """``tf.variable_scope(name_or_scope, default_name=None, values=None, initializer=None,
    ..., reuse=None, dtype=None, auxiliary_name_scope=True)``.

    Opens a variable scope (prefix of get_variable names, never uniquified) and a uniquified
    name scope for every other node.

    Raises:
      TypeError: if neither name_or_scope nor default_name is given.
      ValueError: if reuse=True is given without name_or_scope.
    """

    def __init__(self, name_or_scope: Any, default_name: Optional[str] = None,
                 values: Any = None, initializer: Any = None, regularizer: Any = None,
                 caching_device: Any = None, partitioner: Any = None,
                 custom_getter: Any = None, reuse: Any = None, dtype: Any = None,
                 use_resource: Any = None, constraint: Any = None,
                 auxiliary_name_scope: bool = True):
        if name_or_scope is None and default_name is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if name_or_scope is not None and not isinstance(name_or_scope, (str, VariableScope)):
            raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
        if reuse is True and name_or_scope is None:
            raise ValueError("reuse=True cannot be used without a name_or_scope")
        if reuse not in (None, True, False, AUTO_REUSE):
            raise ValueError("reuse must be True, False, None or tf.AUTO_REUSE, got %r"
                             % (reuse,))
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._values = values
        self._initializer = initializer
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._reuse = reuse
        self._dtype = dtype
        self._use_resource = use_resource
        self._constraint = constraint
        self._aux = auxiliary_name_scope
        self._graph: Optional[ops.Graph] = None

    def __enter__(self) -> VariableScope:
        g = ops._graph_of(self._values)
        self._graph = g
        self._graph_cm = g.as_default()
        self._graph_cm.__enter__()
        st = _state(g)
        old = st.var_scope
        self._old_scope = old
        self._old_counts = dict(st.var_scope_counts)
        nos = self._name_or_scope
        if isinstance(nos, VariableScope):
            new_name = nos.name
            ns_name = nos.name.split("/")[-1] if nos.name else None
            base = nos
            # TF1: a re-entered VariableScope object keeps its own reuse flag (the enclosing
            # scope's reuse is not inherited), unless reuse is given explicitly.
            reuse = self._reuse if self._reuse else nos.reuse
        else:
            rel = nos if nos is not None else _unique_default_scope(g, self._default_name)
            new_name = old.name + "/" + rel if old.name else rel
            ns_name = rel
            base = old
            reuse = _merge_reuse(self._reuse, old.reuse)
        if self._aux:
            self._ns_cm = g.name_scope(ns_name)
            ns = self._ns_cm.__enter__()
        else:
            self._ns_cm = None
            ns = base.original_name_scope
        counts = st.var_scope_counts
        counts[new_name] = counts.get(new_name, 0) + 1
        for k in list(counts):
            if k.startswith(new_name + "/"):
                counts[k] = 0
        scope = VariableScope(
            reuse, name=new_name,
            initializer=self._initializer if self._initializer is not None else base.initializer,
            regularizer=self._regularizer if self._regularizer is not None else base.regularizer,
            caching_device=self._caching_device or base.caching_device,
            partitioner=self._partitioner or base.partitioner,
            custom_getter=self._custom_getter or base.custom_getter,
            # TF1: a re-entered VariableScope object keeps its original name scope, even
            # though the nodes created inside go to a new (uniquified) name scope.
            name_scope=(nos.original_name_scope if isinstance(nos, VariableScope)
                        else (ns if ns else "")),
            dtype=self._dtype if self._dtype is not None else base.dtype,
            use_resource=self._use_resource if self._use_resource is not None
            else base.use_resource,
            constraint=self._constraint or base.constraint)
        st.var_scope = scope
        return scope

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        g = self._graph
        st = _state(g)
        st.var_scope = self._old_scope
        if isinstance(self._name_or_scope, VariableScope):
            st.var_scope_counts = self._old_counts
        if self._ns_cm is not None:
            self._ns_cm.__exit__(exc_type, exc, tb)
        self._graph_cm.__exit__(exc_type, exc, tb)


def variable_op_scope(values: Any, name_or_scope: Any, default_name: Optional[str] = None,
                      **kwargs: Any) -> variable_scope:
    """Deprecated TF1 alias: ``variable_scope(name_or_scope, default_name, values)``."""
    return variable_scope(name_or_scope, default_name=default_name, values=values, **kwargs)


def get_variable(name: str, shape: Any = None, dtype: Any = None, initializer: Any = None,
                 regularizer: Any = None, trainable: Optional[bool] = None,
                 collections: Any = None, caching_device: Any = None, partitioner: Any = None,
                 validate_shape: bool = True, use_resource: Any = None,
                 custom_getter: Any = None, constraint: Any = None, synchronization: Any = None,
                 aggregation: Any = None) -> variables.Variable:
    """Creates the variable ``<scope>/<name>`` or, when the scope allows reuse, returns it.

    Raises:
      ValueError: if it exists and reuse is off ("... already exists, disallowed. Did you mean
        to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?"), if reuse=True and it does not
        exist, if the shape or dtype differs from the existing one, or if the shape of a new
        variable is not fully defined.
    """
    g = ops.get_default_graph()
    return _get_variable_in(get_variable_scope(), g, name, shape, dtype, initializer,
                            regularizer, trainable, collections, validate_shape, constraint)


def _get_variable_in(scope: VariableScope, g: ops.Graph, name: str, shape: Any, dtype: Any,
                     initializer: Any, regularizer: Any, trainable: Optional[bool],
                     collections: Any, validate_shape: bool, constraint: Any
                     ) -> variables.Variable:
    """TF1's ``VariableScope.get_variable`` followed by ``_VariableStore._get_single_variable``.

    The order of the checks, the nodes they create and the messages follow TF1, so that graphs
    get the same node names (including TF's dtype-check ``Const`` at the root scope).
    """
    if not isinstance(name, str) or not name:
        raise ValueError("get_variable needs a non-empty string name, got %r" % (name,))
    full = scope.name + "/" + name if scope.name else name
    if dtype is not None:
        dtype = _dtypes.as_dtype(dtype).base_dtype
        if initializer is not None and not callable(initializer):
            # TF1 converts a value initializer (at the root name scope) to compare its dtype
            # with the explicit one; the conversion leaves a `Const` node in the graph.
            with g.as_default(), g.name_scope(None):
                init_dtype = ops.convert_to_tensor(initializer).dtype.base_dtype
            if init_dtype != dtype:
                raise ValueError("Initializer type '%s' and explicit dtype '%s' don't match."
                                 % (init_dtype, dtype))
    init = initializer if initializer is not None else scope.initializer
    dt = dtype if dtype is not None else scope.dtype.base_dtype
    from_value = init is not None and not callable(init)
    if shape is not None and from_value:
        raise ValueError("If initializer is a constant, do not specify shape.")
    var_shape = as_shape(shape) if shape is not None else TensorShape(None)
    # TF1 always checks the dtype on reuse: the explicit one or the scope's (float32 default).
    existing = g._c.var_resolve(full, _reuse_code(scope.reuse), var_shape._to_core(),
                                dt.as_datatype_enum)
    if existing >= 0:
        return g._variable_objects[full]

    # Create: work out the initial value (a value, or a function building it).
    variable_dtype: Any = None
    if from_value:
        init_value: Any = init
    else:
        if init is None:
            if shape is None:
                raise ValueError("Variable %s did not get an initializer, so its `shape` "
                                 "argument must be specified." % full)
            from . import init_ops

            if dt.is_floating:
                init = init_ops.glorot_uniform_initializer()
            elif dt.is_integer or dt.is_bool:
                init = init_ops.zeros_initializer()
            else:
                raise ValueError("An initializer for variable %s of %s is required"
                                 % (full, dt.base_dtype))
        if isinstance(init, type):
            init = init(dtype=dt)
        if var_shape.is_fully_defined():
            dims = var_shape.as_list()
            fn = init

            def init_value() -> Any:
                try:
                    return fn(dims, dtype=dt, partition_info=None)
                except TypeError as e:
                    if "partition_info" not in str(e):
                        raise
                    return fn(dims, dtype=dt)

            variable_dtype = dt
        elif _takes_no_arguments(init):
            # TF1: an initializer callable without arguments builds the value itself.
            init_value = init
        else:
            raise ValueError("The initializer passed is not valid. It should be a callable with "
                             "no arguments and the shape should not be provided or an instance "
                             "of `tf.keras.initializers.*' and `shape` should be fully defined. "
                             "(variable %s, shape %s)" % (full, var_shape))

    site = _definition_site()
    if trainable is None:
        trainable = True
    with g.as_default(), g.name_scope(None):
        v = variables.Variable(initial_value=init_value, trainable=trainable,
                               collections=collections, validate_shape=validate_shape,
                               name=full, dtype=variable_dtype, constraint=constraint)
    g._c.var_add(full, v.shape._to_core(), v.dtype.base_dtype.as_datatype_enum, v.op._id,
                 bool(trainable), site)
    g._variable_objects[full] = v
    if regularizer is None:
        regularizer = scope.regularizer
    if regularizer is not None:
        with g.as_default(), g.name_scope(full + "/Regularizer/"):
            loss = regularizer(v.value())
        if loss is not None:
            g.add_to_collection(ops.GraphKeys.REGULARIZATION_LOSSES, loss)
    return v


_ = Callable
