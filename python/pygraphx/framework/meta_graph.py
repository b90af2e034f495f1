"""Meta graphs: a graph, its collections and its saver, written to and rebuilt from a file.

The file is JSON (``docs/formats.md`` describes every field): each node with its op type,
inputs, control inputs, typed attributes, output dtypes and shapes and the source line where it
was built; the collections, by node name (variables with the names of their initializer,
snapshot and initial value and their trainable flag); the saver's definition. Import adds the
nodes through the core's ``add_node``, so every shape is inferred again, and rebuilds
``tf.Variable`` objects around the imported variable nodes.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import os
import re
from typing import Any, Dict, List, Optional, Union

import numpy as np

from .. import dtypes as _dtypes
from .graph import _VALID_OP_NAME, Graph, get_default_graph
from .tensor import Operation, Tensor
from .tensor_shape import TensorShape

__all__ = ["export_meta_graph", "import_scoped_meta_graph", "import_meta_graph",
           "read_meta_graph_file", "FORMAT", "FORMAT_VERSION"]

FORMAT = "pygraphx-meta-graph"
FORMAT_VERSION = 1
_log = logging.getLogger(__name__)
_TENSOR_DTYPES = ("float32", "float64", "int32", "int64", "bool")

# ---------------------------------------------------------------------------------------------
# Export


def _attr_to_json(kind: str, value: Any, where: str) -> dict:
    if kind == "dtype":
        return {"type": "dtype", "value": _dtypes.as_dtype(value).name}
    if kind == "shape":
        return {"type": "shape", "value": value}
    if kind in ("int", "bool", "str"):
        return {"type": kind, "value": value}
    if kind == "ints":
        return {"type": "ints", "value": [int(v) for v in value]}
    if kind == "float":
        v = float(value)
        return {"type": "float", "value": v if math.isfinite(v) else repr(v)}
    if kind == "tensor":
        arr = np.asarray(value, order="C")
        if arr.dtype.name not in _TENSOR_DTYPES:
            raise ValueError("%s: cannot export a tensor attribute of dtype %s"
                             % (where, arr.dtype))
        arr = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
        return {"type": "tensor", "dtype": arr.dtype.name, "shape": list(arr.shape),
                "data": base64.b64encode(arr.tobytes()).decode("ascii")}
    raise ValueError("%s: cannot export an attribute of kind %r" % (where, kind))


def _strip(name: str, scope: str) -> Optional[str]:
    """``name`` without ``scope`` ("" keeps it), or None when it is outside the scope."""
    if not scope:
        return name
    if name.startswith(scope):
        return name[len(scope):]
    return None


def _node_to_json(op: Operation, scope: str) -> dict:
    c = op.graph._c
    where = "Operation '%s'" % op.name

    def inside(name: str) -> str:
        stripped = _strip(name, scope)
        if stripped is None:
            raise ValueError("%s reads %s, which is outside export_scope %r"
                             % (where, name, scope[:-1]))
        return stripped

    return {
        "name": inside(op.name),
        "op": op.type,
        "inputs": [inside(t.name) for t in op.inputs],
        "control_inputs": [inside(o.name) for o in op.control_inputs],
        "attrs": {a: _attr_to_json(*c.get_attr(op._id, a), where) for a in c.attr_names(op._id)},
        "outputs": [{"dtype": t.dtype.name, "shape": t.shape._to_core()}
                    for t in op.outputs],
        "source": op.traceback_source,
    }


def _variable_to_json(v: Any, scope: str) -> Optional[dict]:
    names = {"variable_name": v._variable.name, "initializer_name": v._initializer_op.name,
             "snapshot_name": v._snapshot.name,
             "initial_value_name": v._initial_value.name if v._initial_value is not None else ""}
    out: Dict[str, Any] = {}
    for key, name in names.items():
        stripped = _strip(name, scope) if name else ""
        if stripped is None:
            return None
        out[key] = stripped
    out["trainable"] = bool(v.trainable)
    return out


def _collection_item(item: Any, scope: str, variables: Dict[str, dict]) -> Optional[dict]:
    """The JSON form of one collection item, or None when it cannot be exported."""
    from ..ops.variables import Variable

    if isinstance(item, Variable):
        entry = _variable_to_json(item, scope)
        if entry is None:
            return None
        variables.setdefault(entry["variable_name"], entry)
        return {"kind": "variable", "name": entry["variable_name"]}
    if isinstance(item, (Tensor, Operation)):
        name = _strip(item.name, scope)
        return None if name is None else {"kind": "tensor" if isinstance(item, Tensor)
                                          else "operation", "name": name}
    if isinstance(item, bool):
        return {"kind": "bool", "value": item}
    if isinstance(item, (int, np.integer)):
        return {"kind": "int", "value": int(item)}
    if isinstance(item, (float, np.floating)) and math.isfinite(item):
        return {"kind": "float", "value": float(item)}
    if isinstance(item, str):
        return {"kind": "str", "value": item}
    if isinstance(item, bytes):
        return {"kind": "bytes", "value": base64.b64encode(item).decode("ascii")}
    return None


def export_meta_graph(filename: Optional[str] = None, meta_info_def: Optional[dict] = None,
                      graph_def: Any = None, saver_def: Any = None,
                      collection_list: Optional[List[str]] = None, as_text: bool = False,
                      graph: Optional[Graph] = None, export_scope: Optional[str] = None,
                      clear_devices: bool = False, clear_extraneous_savers: bool = False,
                      strip_default_attrs: bool = False, save_debug_info: bool = False,
                      saver: Any = None, **kwargs: Any) -> dict:
    """The meta graph of ``graph`` (the default graph) as a dict, written to ``filename`` when
    given (atomically).

    ``saver`` (or its ``saver_def``) is recorded so that ``import_meta_graph`` returns a Saver.
    ``collection_list`` limits the collections written (default: all). With ``export_scope``,
    only nodes under that scope are written, with the scope removed from their names.
    Collection items of other types than variables, tensors, operations, numbers, strings and
    bytes are left out (logged).

    Raises:
      ValueError: if a node inside ``export_scope`` reads a node outside it, or ``graph_def``
        is given (pygraphx exports graphs, not GraphDefs).
    """
    if graph_def is not None:
        raise ValueError("graph_def is not accepted: pass graph= (the graph to export)")
    g = graph if graph is not None else get_default_graph()
    if saver is not None:
        saver_def = saver.as_saver_def()
    scope = ""
    if export_scope:
        scope = export_scope if export_scope.endswith("/") else export_scope + "/"
    nodes = []
    for op in g.get_operations():
        if _strip(op.name, scope) is not None:
            nodes.append(_node_to_json(op, scope))
    variables: Dict[str, dict] = {}
    collections: Dict[str, List[dict]] = {}
    keys = g.get_all_collection_keys() if collection_list is None else list(collection_list)
    for key in sorted(keys):
        items = []
        for item in g.get_collection(key):
            entry = _collection_item(item, scope, variables)
            if entry is None:
                if _strip(getattr(item, "name", ""), scope) is not None:
                    _log.info("Collection %r: item %r of type %s is not exported", key, item,
                              type(item).__name__)
                continue
            items.append(entry)
        collections[key] = items
    saver_json = None
    if saver_def is not None:
        saver_json = saver_def.to_dict()
        if scope:
            saver_json = _rescope_saver(saver_json, lambda n: _strip(n, scope))
    from .. import __version__

    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "meta_info": dict(meta_info_def or {}, pygraphx_version=__version__),
        "nodes": nodes,
        "variables": list(variables.values()),
        "collections": collections,
        "saver": saver_json,
    }
    if filename is not None:
        from ..training import checkpoint_io

        checkpoint_io.atomic_write(os.fspath(filename), _dumps(meta).encode("utf-8"))
    return meta


def _dumps(meta: dict) -> str:
    """JSON text with one node, variable or collection item per line (diffable, greppable)."""
    def dump(v: Any) -> str:
        return json.dumps(v, separators=(",", ":"))

    def listing(items: List[Any], indent: str) -> str:
        if not items:
            return "[]"
        return "[\n" + ",\n".join(indent + "  " + dump(i) for i in items) + "\n" + indent + "]"

    parts = []
    for key, value in meta.items():
        if key in ("nodes", "variables"):
            text = listing(value, " ")
        elif key == "collections":
            text = "{\n" + ",\n".join("  %s: %s" % (dump(k), listing(v, "  "))
                                       for k, v in value.items()) + "\n }" if value else "{}"
        else:
            text = dump(value)
        parts.append(" %s: %s" % (dump(key), text))
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _rescope_saver(saver_json: dict, rename: Any) -> Optional[dict]:
    out = dict(saver_json)
    entries = []
    for e in saver_json["entries"]:
        names = {k: rename(e[k]) for k in ("variable", "restored_value", "assign")}
        if any(v is None for v in names.values()):
            return None
        entries.append(dict(e, **names))
    out["entries"] = entries
    out["restore_op_name"] = rename(saver_json["restore_op_name"])
    return out if out["restore_op_name"] is not None else None


# ---------------------------------------------------------------------------------------------
# Import


def read_meta_graph_file(filename: str) -> dict:
    """The meta graph stored in ``filename``.

    Raises:
      OSError: if the file does not exist.
      ValueError: if it is not a pygraphx meta graph.
    """
    filename = os.fspath(filename)
    if not os.path.isfile(filename):
        raise OSError("File does not exist. Received: %s." % filename)
    with open(filename, "rb") as f:
        raw = f.read()
    try:
        meta = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ValueError("%s is not a pygraphx meta graph (%s)" % (filename, e)) from None
    _check_header(meta, filename)
    return meta


def _check_header(meta: Any, where: str) -> None:
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValueError("%s is not a pygraphx meta graph" % where)
    if meta.get("format_version") != FORMAT_VERSION:
        raise ValueError("%s has meta graph format version %r; this pygraphx reads version %d"
                         % (where, meta.get("format_version"), FORMAT_VERSION))


def _attr_from_json(a: dict, where: str) -> tuple:
    kind = a["type"]
    if kind == "dtype":
        return ("dtype", _dtypes.as_dtype(a["value"]).as_datatype_enum)
    if kind == "shape":
        return ("shape", a["value"])
    if kind in ("int", "bool", "str", "ints"):
        return (kind, a["value"])
    if kind == "float":
        return ("float", float(a["value"]))
    if kind == "tensor":
        if a["dtype"] not in _TENSOR_DTYPES:
            raise ValueError("%s: tensor attribute of unsupported dtype %r" % (where, a["dtype"]))
        dt = np.dtype(a["dtype"]).newbyteorder("<")
        data = base64.b64decode(a["data"].encode("ascii"), validate=True)
        arr = np.frombuffer(data, dtype=dt).reshape(a["shape"])
        return ("tensor", np.asarray(arr, dtype=dt.newbyteorder("="), order="C"))
    raise ValueError("%s: unknown attribute type %r" % (where, kind))


def _topological(nodes: List[dict]) -> List[dict]:
    """The nodes ordered so that every input and control input comes first (stable)."""
    by_name = {n["name"]: n for n in nodes}
    order: List[dict] = []
    state: Dict[str, int] = {}  # 1: in progress, 2: done
    for root in nodes:
        if state.get(root["name"]) == 2:
            continue
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            name = node["name"]
            if expanded:
                state[name] = 2
                order.append(node)
                continue
            if state.get(name) == 2:
                continue
            if state.get(name) == 1:
                raise ValueError("Meta graph has a cycle through node '%s'" % name)
            state[name] = 1
            stack.append((node, True))
            deps = [i.rpartition(":")[0] for i in node["inputs"]] + node["control_inputs"]
            for d in reversed(deps):
                if d not in by_name:
                    raise ValueError("Node '%s' reads '%s', which is not in the meta graph"
                                     % (name, d))
                if state.get(d) == 1:
                    raise ValueError("Meta graph has a cycle through node '%s'" % d)
                if state.get(d) != 2:
                    stack.append((by_name[d], False))
    return order


def _add_node(g: Graph, node: dict, name: str, inputs: List[Tensor],
              control_inputs: List[Operation]) -> Operation:
    """Adds one imported node through the core (shape inference included), keeping the source
    line recorded when it was first built."""
    if not _VALID_OP_NAME.match(name):
        raise ValueError("Meta graph node name %r is not a valid node name" % name)
    where = "Operation '%s'" % name
    attrs = {k: _attr_from_json(v, where) for k, v in node["attrs"].items()}
    in_eps = [(t._op._id, t._value_index) for t in inputs]
    ctrl = [c._id for c in control_inputs]
    with g._lock:
        try:
            node_id = g._c.add_node(node["op"], name, in_eps, ctrl, attrs, node.get("source", ""))
        except ValueError as e:
            raise ValueError("Cannot import node '%s' (%s): %s" % (name, node["op"], e)) from None
        op = Operation(g, node_id)
        g._ops.append(op)
        g._last_id += 1
    for t, out in zip(op.outputs, node.get("outputs", [])):
        recorded_dtype = _dtypes.as_dtype(out["dtype"])
        if t.dtype.base_dtype != recorded_dtype.base_dtype:
            raise ValueError("Imported node '%s' output %d has dtype %s, the meta graph says %s"
                             % (name, t.value_index, t.dtype.base_dtype.name, out["dtype"]))
        # Assignments return their variable by reference (see state_ops._update).
        t._dtype = recorded_dtype
        recorded = TensorShape(out["shape"])
        if not t.shape.is_compatible_with(recorded):
            raise ValueError("Imported node '%s' output %d has shape %s, the meta graph says %s"
                             % (name, t.value_index, t.shape, recorded))
        if recorded != t.shape:
            t.set_shape(t.shape.merge_with(recorded))
    return op


def import_scoped_meta_graph(meta_graph_or_file: Union[str, dict], graph: Optional[Graph] = None,
                             import_scope: Optional[str] = None, clear_devices: bool = False
                             ) -> Dict[str, Any]:
    """Adds the nodes and collections of a meta graph to ``graph`` (the default graph).

    Returns:
      ``{"variables": {name: Variable}, "saver_def": SaverDef or None, "scope": prefix}``.

    Raises:
      OSError: if the file does not exist.
      ValueError: if it is not a meta graph, or a node cannot be added (e.g. a name already
        used in the graph without ``import_scope``).
    """
    from ..ops.variables import Variable
    from ..training.saver import SaverDef

    if isinstance(meta_graph_or_file, dict):
        meta = meta_graph_or_file
        _check_header(meta, "The meta graph")
    else:
        meta = read_meta_graph_file(meta_graph_or_file)
    g = graph if graph is not None else get_default_graph()
    prefix = ""
    with g.as_default(), g.control_dependencies(None):
        if import_scope:
            with g.name_scope(import_scope) as scope:
                prefix = scope
        created: Dict[str, Operation] = {}
        try:
            for node in _topological(meta["nodes"]):
                inputs = []
                for i in node["inputs"]:
                    op_name, _, index = i.rpartition(":")
                    inputs.append(created[op_name].outputs[int(index)])
                ctrl = [created[c] for c in node["control_inputs"]]
                created[node["name"]] = _add_node(g, node, prefix + node["name"], inputs, ctrl)
        except (KeyError, TypeError, IndexError) as e:
            raise ValueError("Malformed meta graph: %r" % (e,)) from None
        variables: Dict[str, Variable] = {}
        for entry in meta.get("variables", []):
            variables[entry["variable_name"]] = Variable(variable_def=entry,
                                                         import_scope=prefix)
        for key, items in meta.get("collections", {}).items():
            for item in items:
                value = _collection_value(g, item, prefix, variables)
                if value is None:
                    _log.info("Collection %r: skipping an item of unknown kind %r", key,
                              item.get("kind") if isinstance(item, dict) else item)
                    continue
                g.add_to_collection(key, value)
    saver_def = None
    if meta.get("saver"):
        saver_def = SaverDef.from_dict(meta["saver"], prefix)
    return {"variables": variables, "saver_def": saver_def, "scope": prefix}


def _collection_value(g: Graph, item: Any, prefix: str, variables: Dict[str, Any]) -> Any:
    if not isinstance(item, dict):
        return None
    kind = item.get("kind")
    if kind == "variable":
        return variables[item["name"]]
    if kind == "tensor":
        return g.get_tensor_by_name(prefix + item["name"])
    if kind == "operation":
        return g.get_operation_by_name(prefix + item["name"])
    if kind in ("int", "float", "str", "bool"):
        return item["value"]
    if kind == "bytes":
        return base64.b64decode(item["value"])
    return None


def import_meta_graph(meta_graph_or_file: Union[str, dict], clear_devices: bool = False,
                      import_scope: Optional[str] = None, **kwargs: Any) -> Any:
    """Adds a meta graph (a ``.meta`` file or the dict ``export_meta_graph`` returned) to the
    default graph and returns a ``Saver`` for it.

    The Saver is the one recorded in the meta graph; when none was recorded, a new Saver of the
    imported global variables; None (logged) when there are no variables.

    Raises:
      OSError: if the file does not exist.
      ValueError: if it is not a pygraphx meta graph or its nodes cannot be added.
    """
    from ..training.saver import Saver

    result = import_scoped_meta_graph(meta_graph_or_file, import_scope=import_scope,
                                      clear_devices=clear_devices)
    if result["saver_def"] is not None:
        return Saver(saver_def=result["saver_def"])
    g = get_default_graph()
    scope_re = re.escape(result["scope"]) if result["scope"] else None
    if g.get_collection("variables", scope_re):
        return Saver(var_list=g.get_collection("variables", scope_re))
    _log.info("Saver not created because there are no variables in the graph to restore")
    return None
