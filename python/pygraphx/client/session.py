"""``Session`` and ``InteractiveSession``: run a graph with feeds and nested fetches.

The facade flattens any nesting of fetches (tensors, operations, names, variables; lists,
tuples, namedtuples, dicts) into endpoint lists, asks the core for a cached plan and rebuilds the
caller's structure from the returned arrays.
"""

from __future__ import annotations

import collections
import contextlib
import threading
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from .. import _core
from .. import errors
from ..framework import ops

__all__ = ["Session", "InteractiveSession", "ConfigProto", "GraphOptions", "OptimizerOptions",
           "RunOptions", "RunMetadata", "GPUOptions", "get_default_session"]


class OptimizerOptions:
    """Plan-time graph optimisations of a session (``GraphOptions.optimizer_options``).

    As in TF1, the default level ``L1`` eliminates common subexpressions and folds constants
    whatever the two switches say; with ``opt_level=OptimizerOptions.L0`` each runs only when
    its switch is on. ``max_folded_constant_in_bytes`` (0: 4 MiB) bounds a folded result;
    larger ones are computed at run time.

    Fusion of elementwise ops into one kernel follows TF1's fusing compiler switch,
    ``global_jit_level``: ``OFF`` disables it, ``ON_1``/``ON_2`` enable it at any level, and
    ``DEFAULT`` leaves it to ``opt_level`` (on at ``L1``, off at ``L0``).
    """

    L1 = 0
    L0 = -1
    DEFAULT = 0
    OFF = -1
    ON_1 = 1
    ON_2 = 2

    def __init__(self, do_common_subexpression_elimination: bool = False,
                 do_constant_folding: bool = False, max_folded_constant_in_bytes: int = 0,
                 do_function_inlining: bool = False, opt_level: int = 0,
                 global_jit_level: int = 0, **kwargs: Any):
        if opt_level not in (self.L0, self.L1):
            raise ValueError("opt_level must be OptimizerOptions.L0 or OptimizerOptions.L1, "
                             "got %r" % (opt_level,))
        if global_jit_level not in (self.OFF, self.DEFAULT, self.ON_1, self.ON_2):
            raise ValueError("global_jit_level must be OptimizerOptions.OFF, DEFAULT, ON_1 or "
                             "ON_2, got %r" % (global_jit_level,))
        if not isinstance(max_folded_constant_in_bytes, int) or max_folded_constant_in_bytes < 0:
            raise ValueError("max_folded_constant_in_bytes must be a non-negative integer, "
                             "got %r" % (max_folded_constant_in_bytes,))
        self.do_common_subexpression_elimination = bool(do_common_subexpression_elimination)
        self.do_constant_folding = bool(do_constant_folding)
        self.max_folded_constant_in_bytes = max_folded_constant_in_bytes
        self.do_function_inlining = do_function_inlining
        self.opt_level = opt_level
        self.global_jit_level = global_jit_level
        for k, v in kwargs.items():
            setattr(self, k, v)

    def _rewrites(self) -> Tuple[bool, bool, int]:
        """(common-subexpression elimination, constant folding, byte limit) for the core."""
        on = self.opt_level == self.L1
        return (on or self.do_common_subexpression_elimination,
                on or self.do_constant_folding, self.max_folded_constant_in_bytes)

    def _elementwise_fusion(self) -> bool:
        """Whether plans fuse elementwise ops (``global_jit_level``, else ``opt_level``)."""
        if self.global_jit_level == self.OFF:
            return False
        return self.global_jit_level in (self.ON_1, self.ON_2) or self.opt_level == self.L1


class GraphOptions:
    """Graph options of a session; ``optimizer_options`` controls plan-time rewrites."""

    def __init__(self, optimizer_options: Optional[OptimizerOptions] = None,
                 infer_shapes: bool = False, place_pruned_graph: bool = False,
                 build_cost_model: int = 0, **kwargs: Any):
        self.optimizer_options = (optimizer_options if optimizer_options is not None
                                  else OptimizerOptions())
        self.infer_shapes = infer_shapes
        self.place_pruned_graph = place_pruned_graph
        self.build_cost_model = build_cost_model
        for k, v in kwargs.items():
            setattr(self, k, v)


class ConfigProto:
    """Session configuration. The thread counts and ``graph_options.optimizer_options`` affect
    execution; other TF fields are accepted and kept so that TF code constructing them runs
    unchanged."""

    def __init__(self, intra_op_parallelism_threads: int = 0,
                 inter_op_parallelism_threads: int = 0, allow_soft_placement: bool = False,
                 log_device_placement: bool = False, device_count: Optional[dict] = None,
                 gpu_options: Any = None, graph_options: Optional[GraphOptions] = None,
                 **kwargs: Any):
        for name, v in (("intra_op_parallelism_threads", intra_op_parallelism_threads),
                        ("inter_op_parallelism_threads", inter_op_parallelism_threads)):
            if not isinstance(v, int) or v < 0:
                raise ValueError("%s must be a non-negative integer, got %r" % (name, v))
        self.intra_op_parallelism_threads = intra_op_parallelism_threads
        self.inter_op_parallelism_threads = inter_op_parallelism_threads
        self.allow_soft_placement = allow_soft_placement
        self.log_device_placement = log_device_placement
        self.device_count = dict(device_count or {})
        self.gpu_options = gpu_options if gpu_options is not None else GPUOptions()
        self.graph_options = graph_options if graph_options is not None else GraphOptions()
        for k, v in kwargs.items():
            setattr(self, k, v)


class GPUOptions:
    """Accepted for compatibility; pygraphx runs on the CPU."""

    def __init__(self, allow_growth: bool = False, per_process_gpu_memory_fraction: float = 1.0,
                 **kwargs: Any):
        self.allow_growth = allow_growth
        self.per_process_gpu_memory_fraction = per_process_gpu_memory_fraction


class RunOptions:
    """Accepted by ``Session.run(options=...)``; tracing levels have no effect."""

    NO_TRACE, SOFTWARE_TRACE, HARDWARE_TRACE, FULL_TRACE = 0, 1, 2, 3

    def __init__(self, trace_level: int = 0, timeout_in_ms: int = 0, **kwargs: Any):
        self.trace_level = trace_level
        self.timeout_in_ms = timeout_in_ms


class RunMetadata:
    """Filled by ``Session.run(run_metadata=...)`` (empty: no step stats are collected)."""

    def __init__(self) -> None:
        self.step_stats = None
        self.partition_graphs: list = []


# ---------------------------------------------------------------------------------------------
# Default session stack


class _SessionStack(threading.local):
    def __init__(self) -> None:
        self.stack: List["BaseSession"] = []


_session_stack = _SessionStack()


def get_default_session() -> Optional["BaseSession"]:
    s = _session_stack.stack
    return s[-1] if s else None


def _session_for(graph: ops.Graph, session: Optional["BaseSession"], what: str
                 ) -> "BaseSession":
    if session is None:
        session = get_default_session()
        if session is None:
            raise ValueError(
                "Cannot %s using `%s()`: No default session is registered. Use `with "
                "sess.as_default()%s` or pass an explicit session to `%s(session=sess)`"
                # TF1's two messages differ by a colon after as_default().
                % ("evaluate tensor" if what == "eval" else "execute operation", what,
                   "" if what == "eval" else ":", what))
        if session.graph is not graph:
            raise ValueError(
                "Cannot use the default session to %s: the %s's graph is different from the "
                "session's graph. Pass an explicit session to `%s(session=sess)`."
                % ("evaluate tensor" if what == "eval" else "execute operation",
                   "tensor" if what == "eval" else "operation", what))
    elif session.graph is not graph:
        raise ValueError(
            "Cannot use the given session to %s: the %s's graph is different from the "
            "session's graph." % ("evaluate tensor" if what == "eval" else "execute operation",
                                  "tensor" if what == "eval" else "operation"))
    return session


def _eval_using_default_session(tensor: Any, feed_dict: Optional[dict], graph: ops.Graph,
                                session: Optional["BaseSession"]) -> Any:
    return _session_for(graph, session, "eval").run(tensor, feed_dict)


def _run_using_default_session(op: Any, feed_dict: Optional[dict], graph: ops.Graph,
                               session: Optional["BaseSession"]) -> None:
    _session_for(graph, session, "run").run(op, feed_dict)


# ---------------------------------------------------------------------------------------------
# Fetch structures


def _check_fed_shape(arr: np.ndarray, dims: Optional[Sequence[Optional[int]]],
                     t: ops.Tensor) -> None:
    """Raises TF's ValueError when a fed array's shape does not satisfy the tensor's static
    dims (None: unknown rank or dimension)."""
    if dims is None:
        return
    shape = arr.shape
    fits = len(shape) == len(dims)
    if fits:
        for d, n in zip(dims, shape):
            if d is not None and d != n:
                fits = False
                break
    if not fits:
        raise ValueError("Cannot feed value of shape %r for Tensor %r, which has shape %r"
                         % (shape, t.name, str(t.shape)))


class _FetchPlan:
    """Flattened fetches: unique endpoints and targets, and how to rebuild the structure."""

    __slots__ = ("endpoints", "targets", "rebuild", "tensors", "plans")

    def __init__(self, graph: ops.Graph, fetches: Any):
        self.endpoints: List[Tuple[int, int]] = []
        self.tensors: List[ops.Tensor] = []
        self.targets: List[int] = []
        # Compiled plans by fed endpoints: (graph mutation version, plan). Only fetch plans
        # that the session caches live long enough for this to pay off.
        self.plans: Dict[Tuple[Tuple[int, int], ...], Tuple[int, Any]] = {}
        index: Dict[Tuple[int, int], int] = {}
        target_set: set = set()

        def leaf(fetch: Any) -> Callable[[list], Any]:
            if fetch is None:
                raise TypeError("Fetch argument None has invalid type <class 'NoneType'>")
            try:
                el = graph.as_graph_element(fetch, allow_tensor=True, allow_operation=True)
            except TypeError as e:
                raise TypeError("Fetch argument %r has invalid type %r, must be a string or "
                                "Tensor. (%s)" % (fetch, type(fetch), e)) from None
            except ValueError as e:
                raise ValueError("Fetch argument %r cannot be interpreted as a Tensor. (%s)"
                                 % (fetch, e)) from None
            except KeyError as e:
                raise ValueError("Fetch argument %r cannot be interpreted as a Tensor. (%s)"
                                 % (fetch, e.args[0])) from None
            if not graph.is_fetchable(el):
                raise ValueError("Operation %r has been marked as not fetchable." % el.name)
            if isinstance(el, ops.Operation):
                if el._id not in target_set:
                    target_set.add(el._id)
                    self.targets.append(el._id)
                return lambda vals: None
            ep = (el._op._id, el._value_index)
            i = index.get(ep)
            if i is None:
                i = index[ep] = len(self.endpoints)
                self.endpoints.append(ep)
                self.tensors.append(el)
            return lambda vals, i=i: vals[i]

        def build(fetch: Any) -> Callable[[list], Any]:
            if isinstance(fetch, (list, tuple)) and not hasattr(fetch, "_as_graph_element"):
                subs = [build(f) for f in fetch]
                if isinstance(fetch, tuple) and hasattr(fetch, "_fields"):
                    cls = type(fetch)
                    return lambda vals: cls(*[s(vals) for s in subs])
                cls = type(fetch)
                if cls in (list, tuple):
                    return lambda vals: cls(s(vals) for s in subs)
                return lambda vals: cls([s(vals) for s in subs])
            if isinstance(fetch, collections.abc.Mapping):
                keys = list(fetch.keys())
                subs = [build(fetch[k]) for k in keys]
                cls = type(fetch)

                def rebuild_map(vals: list) -> Any:
                    items = [(k, s(vals)) for k, s in zip(keys, subs)]
                    if cls is collections.defaultdict:
                        d = collections.defaultdict(fetch.default_factory)
                        d.update(items)
                        return d
                    return cls(items)

                return rebuild_map
            return leaf(fetch)

        self.rebuild = build(fetches)


# ---------------------------------------------------------------------------------------------
# Repeated runs

_RUN_CACHE_SIZE = 256


def _run_key(fetches: Any, feed_dict: Optional[dict]) -> Any:
    """The key of a run in the session's run cache, or None when it is not cached (fetches
    other than one tensor or operation or a plain list/tuple of them)."""
    cls = fetches.__class__
    if cls is not ops.Tensor and cls is not ops.Operation:
        if cls is not list and cls is not tuple:
            return None
        for f in fetches:
            if f.__class__ is not ops.Tensor and f.__class__ is not ops.Operation:
                return None
        fetches = (cls, *fetches)
    if not feed_dict:
        return fetches, None
    return fetches, tuple(feed_dict)


def _first_value(vals: list) -> Any:
    """The rebuild of a single tensor fetch."""
    return vals[0]


def _checked_feed_values(specs: list, feed_dict: dict) -> list:
    """The fed values of a cached run, converted as ``BaseSession._feeds`` does (the keys were
    resolved and found feedable when the run was cached). Their shapes are checked by the core,
    which raises the same ValueError as ``_check_fed_shape``."""
    vals = []
    for (t, np_dtype), value in zip(specs, feed_dict.values()):
        if value.__class__ is np.ndarray and (value.dtype is np_dtype or value.dtype == np_dtype) \
                and value.flags.c_contiguous:
            vals.append(value)
            continue
        if isinstance(value, (ops.Tensor, ops.Operation)):
            raise TypeError("The value of a feed cannot be a tf.Tensor object. Acceptable "
                            "feed values include Python scalars, strings, lists, numpy "
                            "ndarrays, or TensorHandles. For reference, the tensor object "
                            "was %s which was passed to the feed with key %s." % (value, t))
        try:
            vals.append(np.asarray(value, dtype=np_dtype, order="C"))
        except (TypeError, ValueError) as e:
            raise type(e)("Cannot feed value %r for Tensor %r of dtype %s: %s"
                          % (value, t.name, t.dtype.base_dtype.name, e)) from None
    return vals


# ---------------------------------------------------------------------------------------------
# Sessions


class BaseSession:
    """Runs one graph with its own variable values."""

    def __init__(self, target: str = "", graph: Optional[ops.Graph] = None,
                 config: Optional[ConfigProto] = None):
        if graph is None:
            graph = ops.get_default_graph()
        elif not isinstance(graph, ops.Graph):
            raise TypeError("graph must be a tf.Graph, but got %s" % type(graph))
        if target not in ("", None) and not isinstance(target, str):
            raise TypeError("target must be a string, but got %s" % type(target))
        self._graph = graph
        self._config = config if config is not None else ConfigProto()
        self._target = target
        optimizer = self._config.graph_options.optimizer_options
        cse, folding, fold_bytes = optimizer._rewrites()
        self._c = _core.Session(graph._c, self._config.intra_op_parallelism_threads,
                                self._config.inter_op_parallelism_threads, cse, folding,
                                fold_bytes, optimizer._elementwise_fusion())
        self._closed = False
        self._default_graph_cm: Any = None
        self._default_session_cm: Any = None
        self._fetch_cache: Dict[Any, _FetchPlan] = {}
        self._feed_cache: Dict[Any, Tuple[int, Any]] = {}
        # Runs already prepared, by (fetches, feed keys), for fetches that are one tensor or
        # operation or a plain list/tuple of them: (graph mutation version, feed/fetch rules
        # version, plan, [(tensor, NumPy dtype, static dims) per feed key], rebuild).
        self._run_cache: Dict[Any, tuple] = {}

    @property
    def graph(self) -> ops.Graph:
        return self._graph

    @property
    def graph_def(self) -> Any:
        return self._graph

    @property
    def sess_str(self) -> str:
        return self._target

    def list_devices(self) -> list:
        return []

    # -- running -------------------------------------------------------------------------------

    def _fetch_plan(self, fetches: Any) -> _FetchPlan:
        # Single handles are cached by identity: the graph never changes an existing node.
        if isinstance(fetches, (ops.Tensor, ops.Operation)):
            fp = self._fetch_cache.get(fetches)
            if fp is None:
                fp = self._fetch_cache[fetches] = _FetchPlan(self._graph, fetches)
            return fp
        return _FetchPlan(self._graph, fetches)

    def _feed_target(self, key: Any) -> Tuple[ops.Tensor, Tuple[int, int], Any, Any]:
        """(tensor, endpoint, NumPy dtype, static dims) of a feed key, cached per key until the
        graph changes a static shape (``set_shape``)."""
        version = self._graph._c.mutation_version
        hit = self._feed_cache.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        try:
            t = self._graph.as_graph_element(key, allow_tensor=True, allow_operation=False)
        except (TypeError, KeyError) as e:
            raise TypeError("Cannot interpret feed_dict key as Tensor: %s" % (e,)) from None
        target = (t, (t._op._id, t._value_index), t.dtype.base_dtype.as_numpy_dtype,
                  t.shape._to_core())
        self._feed_cache[key] = (version, target)
        return target

    def _feeds(self, feed_dict: Optional[dict]) -> Tuple[List[Tuple[int, int]], list]:
        if not feed_dict:
            return [], []
        eps: List[Tuple[int, int]] = []
        vals = []
        for key, value in feed_dict.items():
            t, ep, np_dtype, dims = self._feed_target(key)
            if isinstance(value, (ops.Tensor, ops.Operation)):
                raise TypeError("The value of a feed cannot be a tf.Tensor object. Acceptable "
                                "feed values include Python scalars, strings, lists, numpy "
                                "ndarrays, or TensorHandles. For reference, the tensor object "
                                "was %s which was passed to the feed with key %s." % (value, t))
            if not self._graph.is_feedable(t):
                raise ValueError("Tensor %s may not be fed." % t)
            if isinstance(value, np.ndarray) and value.dtype == np_dtype and \
                    value.flags.c_contiguous:
                arr = value
            else:
                try:
                    arr = np.asarray(value, dtype=np_dtype, order="C")
                except (TypeError, ValueError) as e:
                    # TF1 lets NumPy's own exception class through; keep it, name the tensor.
                    raise type(e)("Cannot feed value %r for Tensor %r of dtype %s: %s"
                                  % (value, t.name, t.dtype.base_dtype.name, e)) from None
            _check_fed_shape(arr, dims, t)
            eps.append(ep)
            vals.append(arr)
        return eps, vals

    def run(self, fetches: Any, feed_dict: Optional[dict] = None, options: Any = None,
            run_metadata: Any = None) -> Any:
        """Runs the nodes that ``fetches`` need and returns their values in the same structure.

        Raises:
          RuntimeError: if the session is closed.
          TypeError: for fetches or feeds of an invalid type.
          ValueError: for fetches or feeds not in this graph, or fed values of a wrong shape.
          errors.InvalidArgumentError: when a placeholder the fetches need is not fed.
          errors.FailedPreconditionError: when an uninitialised variable is read.
          errors.OpError: any other run-time failure, naming the node and its source line.
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        key = _run_key(fetches, feed_dict)
        if key is not None:
            entry = self._run_cache.get(key)
            if (entry is not None and entry[0] == self._graph._c.mutation_version
                    and entry[1] == self._graph._feed_fetch_rules):
                # Same fetches and feed keys as an earlier run on an unchanged graph: only
                # the fed values need checking.
                vals = [] if not feed_dict else _checked_feed_values(entry[3], feed_dict)
                try:
                    out = self._c.run(entry[2], vals)
                except errors.OpError as e:
                    self._attach_op(e)
                    raise
                rebuild = entry[4]
                return out[0] if rebuild is None else rebuild(out)
        version = self._graph._c.mutation_version
        fp = self._fetch_plan(fetches)
        feed_eps, feed_vals = self._feeds(feed_dict)
        try:
            plans_key = tuple(feed_eps)
            hit = fp.plans.get(plans_key)
            if hit is not None and hit[0] == version:
                plan = hit[1]
            else:
                plan = self._c.prepare(feed_eps, fp.endpoints, fp.targets)
                fp.plans[plans_key] = (version, plan)
        except errors.OpError as e:
            self._attach_op(e)
            raise
        if key is not None:
            if len(self._run_cache) >= _RUN_CACHE_SIZE:
                self._run_cache.clear()
            specs = []
            for k in feed_dict or ():
                t, _, np_dtype, _ = self._feed_target(k)
                specs.append((t, np.dtype(np_dtype)))
            self._run_cache[key] = (version, self._graph._feed_fetch_rules, plan, specs,
                                    None if fetches.__class__ is ops.Tensor else fp.rebuild)
        try:
            vals = self._c.run(plan, feed_vals)
        except errors.OpError as e:
            self._attach_op(e)
            raise
        return fp.rebuild(vals)

    def _attach_op(self, e: errors.OpError) -> None:
        name = getattr(e, "_node_name", "")
        if name and e._op is None:
            nid = self._graph._c.find(name)
            if nid >= 0:
                e._op = self._graph._ops[nid]

    def make_callable(self, fetches: Any, feed_list: Optional[Sequence[Any]] = None,
                      accept_options: bool = False) -> Callable[..., Any]:
        """A function running ``fetches`` with positional values for ``feed_list``; the plan
        is compiled once."""
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        fp = _FetchPlan(self._graph, fetches)
        feed_tensors = [self._graph.as_graph_element(f, allow_tensor=True, allow_operation=False)
                        for f in (feed_list or [])]
        feed_eps = [(t._op._id, t._value_index) for t in feed_tensors]
        dtypes = [t.dtype.base_dtype.as_numpy_dtype for t in feed_tensors]
        try:
            plan = self._c.prepare(feed_eps, fp.endpoints, fp.targets)
        except errors.OpError as e:
            self._attach_op(e)
            raise
        run = self._c.run
        rebuild = fp.rebuild
        if fetches.__class__ is ops.Tensor:
            rebuild = _first_value

        if not feed_eps:
            def call_without_feeds(*args: Any, **kwargs: Any) -> Any:
                if args:
                    raise ValueError("Expected 0 feed values, got %d" % len(args))
                if self._closed:
                    raise RuntimeError("Attempted to use a closed Session.")
                try:
                    return rebuild(run(plan, []))
                except errors.OpError as e:
                    self._attach_op(e)
                    raise

            return call_without_feeds

        n_feeds = len(feed_eps)
        dtypes = [np.dtype(dt) for dt in dtypes]

        def call(*args: Any, **kwargs: Any) -> Any:
            if len(args) != n_feeds:
                raise ValueError("Expected %d feed values, got %d" % (n_feeds, len(args)))
            vals = []
            for a, dt in zip(args, dtypes):  # shapes are checked by the core
                if a.__class__ is np.ndarray and (a.dtype is dt or a.dtype == dt) \
                        and a.flags.c_contiguous:
                    vals.append(a)
                else:
                    vals.append(np.asarray(a, dtype=dt, order="C"))
            if self._closed:
                raise RuntimeError("Attempted to use a closed Session.")
            try:
                return rebuild(run(plan, vals))
            except errors.OpError as e:
                self._attach_op(e)
                raise

        return call

    # -- lifetime ------------------------------------------------------------------------------

    def close(self) -> None:
        """Frees the session's variable values and kernels. Later runs raise RuntimeError."""
        if not self._closed:
            self._closed = True
            self._c.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    @contextlib.contextmanager
    def as_default(self) -> Iterator["BaseSession"]:
        """Makes this the default session (for ``Tensor.eval`` and ``Operation.run``)."""
        _session_stack.stack.append(self)
        try:
            yield self
        finally:
            _session_stack.stack.remove(self)

    def __enter__(self) -> "BaseSession":
        self._default_graph_cm = self._graph.as_default()
        self._default_graph_cm.__enter__()
        self._default_session_cm = self.as_default()
        self._default_session_cm.__enter__()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            self._default_session_cm.__exit__(exc_type, exc, tb)
            self._default_graph_cm.__exit__(exc_type, exc, tb)
        finally:
            self._default_session_cm = None
            self._default_graph_cm = None
            self.close()


class Session(BaseSession):
    """``tf.Session(target='', graph=None, config=None)``."""


class InteractiveSession(BaseSession):
    """A session that installs itself as the default session on construction."""

    def __init__(self, target: str = "", graph: Optional[ops.Graph] = None,
                 config: Optional[ConfigProto] = None):
        super().__init__(target, graph, config)
        _session_stack.stack.append(self)
        self._installed = True

    def close(self) -> None:
        super().close()
        if getattr(self, "_installed", False):
            self._installed = False
            if self in _session_stack.stack:
                _session_stack.stack.remove(self)
