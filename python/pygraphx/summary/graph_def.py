"""Conversion of a pygraphx ``Graph`` to TensorBoard's ``GraphDef`` protocol buffer.

Nodes keep their scoped names (``relu_1/MatMul``), so TensorBoard groups each name scope into one
box; inputs are ``name`` / ``name:i`` / ``^name`` (control) as in TF; attributes carry dtypes,
shapes, ``_output_shapes`` and the values of small constants.
"""

from __future__ import annotations

from typing import Any, List, NamedTuple, Optional

import numpy as np

from .. import dtypes as _dtypes
from . import _tensorboard

__all__ = ["graph_to_graph_def"]

# Constants with more elements than this are exported with dtype and shape only, so that a graph
# holding large arrays does not copy them into every events file.
MAX_CONST_ELEMENTS = 1024


def _shape_proto(pb: Any, dims: Optional[List[Optional[int]]]) -> Any:
    shape = pb.TensorShapeProto()
    if dims is None:
        shape.unknown_rank = True
    else:
        for d in dims:
            shape.dim.add(size=-1 if d is None else int(d))
    return shape


def _tensor_proto(pb: Any, arr: np.ndarray) -> Any:
    d = _dtypes.as_dtype(arr.dtype)
    t = pb.TensorProto(dtype=d.as_datatype_enum,
                       tensor_shape=_shape_proto(pb, list(arr.shape)))
    if arr.size > MAX_CONST_ELEMENTS:
        return t
    if d.is_string:
        t.string_val.extend(arr.reshape(-1).tolist())
    else:
        t.tensor_content = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
    return t


def _attr_value(pb: Any, kind: str, value: Any) -> Any:
    a = pb.AttrValue()
    if kind == "int":
        a.i = int(value)
    elif kind == "float":
        a.f = float(value)
    elif kind == "bool":
        a.b = bool(value)
    elif kind == "str":
        a.s = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    elif kind == "dtype":
        a.type = int(value)
    elif kind == "shape":
        a.shape.CopyFrom(_shape_proto(pb, value))
    elif kind == "ints":
        a.list.i.extend(int(v) for v in value)
    elif kind == "tensor":
        a.tensor.CopyFrom(_tensor_proto(pb, np.asarray(value)))
    else:
        raise TypeError("attribute kind %r has no GraphDef form" % (kind,))
    return a


def _input_name(tensor: Any) -> str:
    i = tensor.value_index
    return tensor.op.name if i == 0 else "%s:%d" % (tensor.op.name, i)


class _Protos(NamedTuple):
    AttrValue: Any
    TensorProto: Any
    TensorShapeProto: Any


def _protos() -> _Protos:
    load = _tensorboard.load
    return _Protos(load("compat.proto.attr_value_pb2").AttrValue,
                   load("compat.proto.tensor_pb2").TensorProto,
                   load("compat.proto.tensor_shape_pb2").TensorShapeProto)


def graph_to_graph_def(graph: Any) -> Any:
    """The ``graph_pb2.GraphDef`` of ``graph`` (tensorboard must be installed)."""
    _, _, graph_pb2 = _tensorboard.protos()
    pb = _protos()
    gd = graph_pb2.GraphDef()
    c = graph._c
    for op in graph.get_operations():
        node = gd.node.add(name=op.name, op=op.type)
        node.input.extend(_input_name(t) for t in op.inputs)
        node.input.extend("^" + o.name for o in op.control_inputs)
        names = c.attr_names(op._id)
        for name in names:
            kind, value = c.get_attr(op._id, name)
            node.attr[name].CopyFrom(_attr_value(pb, kind, value))
        if not op.outputs:
            continue
        if "T" not in names and "dtype" not in names:
            node.attr["T"].type = op.outputs[0].dtype.base_dtype.as_datatype_enum
        shapes = node.attr["_output_shapes"].list.shape
        for t in op.outputs:
            shapes.add().CopyFrom(_shape_proto(pb, t.shape._to_core()))
    return gd
