"""Array ops: placeholders, identity, constant-filled tensors, shape manipulation and slicing.

Node names follow TF1's Python wrappers: each op opens a name scope (its ``name`` or a default),
non-tensor arguments become ``Const`` nodes named after the argument inside that scope, and the
op itself takes the scope's name. Slicing (``Tensor.__getitem__``) lives in array_slicing.
"""

from __future__ import annotations

import numbers
from typing import Any, List, Optional, Sequence

import numpy as np

from .. import dtypes as _dtypes
from ..framework import ops
from ..framework.tensor_shape import TensorShape, as_shape
from . import constant_op

__all__ = [
    "placeholder", "placeholder_with_default", "identity", "stop_gradient", "newaxis", "zeros",
    "ones", "fill", "zeros_like", "ones_like", "reshape", "transpose", "concat", "stack",
    "unstack", "shape", "size", "rank", "expand_dims", "squeeze", "slice", "strided_slice",
    "tile", "gather", "where", "where_v2", "one_hot",
]

newaxis = None

_INDEX_DTYPES = (_dtypes.int32, _dtypes.int64)


def placeholder(dtype: Any, shape: Any = None, name: Optional[str] = None) -> ops.Tensor:
    """A tensor that must be fed when a fetch depends on it.

    ``shape=None`` accepts any shape; ``None`` dimensions accept any size.
    """
    d = _dtypes.as_dtype(dtype).base_dtype
    s = TensorShape(None) if shape is None else as_shape(shape)
    op = ops.get_default_graph().create_op(
        "Placeholder", [], {"dtype": ops.attr_dtype(d), "shape": ops.attr_shape(s)},
        name=name or "Placeholder")
    return op.outputs[0]


def placeholder_with_default(input: Any, shape: Any, name: Optional[str] = None  # noqa: A002
                             ) -> ops.Tensor:
    """A placeholder that yields ``input`` when not fed.

    Raises:
      ValueError: if ``input``'s shape is not compatible with ``shape``.
    """
    # As TF's generated wrapper: a Python default becomes "<name>/input".
    with ops.name_scope(name, "PlaceholderWithDefault", [input]) as scope:
        x = ops.convert_to_tensor(input, name="input")
        op = x.graph.create_op("PlaceholderWithDefault", [x],
                               {"dtype": ops.attr_dtype(x.dtype),
                                "shape": ops.attr_shape(shape)}, name=scope)
    return op.outputs[0]


def identity(input: Any, name: Optional[str] = None) -> ops.Tensor:  # noqa: A002
    """The same value, as a new node (reads a variable's current value)."""
    if isinstance(input, ops.Tensor):
        return input.graph.create_op("Identity", [input], name=name or "Identity").outputs[0]
    with ops.name_scope(name, "Identity", [input]) as scope:
        x = ops.convert_to_tensor(input, name="input")  # "Identity/input", as in TF
        return x.graph.create_op("Identity", [x], name=scope).outputs[0]


def stop_gradient(input: Any, name: Optional[str] = None) -> ops.Tensor:  # noqa: A002
    """The same value; gradients do not flow through it."""
    with ops.name_scope(name, "StopGradient", [input]) as scope:
        x = ops.convert_to_tensor(input, name="input")
        return x.graph.create_op("StopGradient", [x], name=scope).outputs[0]


# ---------------------------------------------------------------------------------------------
# Helpers


def _index_tensor(value: Any, arg: str, dtype: Any = None) -> ops.Tensor:
    """``value`` as an int32/int64 tensor named ``arg`` in the current scope.

    Raises:
      TypeError: if the value is not integral.
    """
    empty = (isinstance(value, (list, tuple)) and len(value) == 0) or (
        isinstance(value, np.ndarray) and value.size == 0 and value.dtype.kind == "f")
    if dtype is None and empty:
        dtype = _dtypes.int32  # an empty list is an empty shape, as in TF: reshape(x, [])
    t = ops.convert_to_tensor(value, dtype=dtype, name=arg)
    if t.dtype.base_dtype not in _INDEX_DTYPES:
        raise TypeError("Value passed to parameter '%s' has DataType %s not in list of allowed "
                        "values: int32, int64" % (arg, t.dtype.base_dtype.name))
    return t


def _create(op_type: str, inputs: Sequence[ops.Tensor], attrs: dict, scope: str) -> ops.Operation:
    """Creates ``op_type`` named exactly after the open ``scope`` ("name/")."""
    return ops.get_default_graph().create_op(op_type, inputs, attrs, name=scope or op_type)


def _t_attr(t: ops.Tensor) -> tuple:
    return ops.attr_dtype(t.dtype.base_dtype)


def _constant_value(t: ops.Tensor) -> Optional[np.ndarray]:
    """The value of ``t`` when it is known at graph-building time, else None."""
    op = t.op
    kind = op.type
    if kind == "Const":
        return np.asarray(op.get_attr("value"))
    if kind in ("Shape", "Size", "Rank"):
        s = op.inputs[0].shape
        if kind == "Rank":
            return None if s.ndims is None else np.asarray(s.ndims, np.int32)
        if not s.is_fully_defined():
            return None
        v = s.as_list() if kind == "Shape" else int(np.prod(s.as_list(), dtype=np.int64))
        return np.asarray(v, dtype=t.dtype.base_dtype.as_numpy_dtype)
    if kind in ("Identity", "StopGradient"):
        return _constant_value(op.inputs[0])
    if kind == "Fill":
        dims, value = _constant_value(op.inputs[0]), _constant_value(op.inputs[1])
        if dims is None or value is None:
            return None
        return np.full([int(d) for d in dims], value, dtype=value.dtype)
    if kind == "Pack":
        vals = [_constant_value(i) for i in op.inputs]
        if any(v is None for v in vals):
            return None
        return np.stack(vals, axis=op.get_attr("axis"))
    return None


def _constant_value_as_shape(t: ops.Tensor) -> TensorShape:
    """The static shape a 1-D shape tensor is known to describe (TF's constant_value_as_shape)."""
    op = t.op
    if op.type == "Shape":
        return op.inputs[0].shape
    if op.type == "Pack":
        dims = []
        for inp in op.inputs:
            v = _constant_value(inp)
            dims.append(None if v is None or v.ndim != 0 or int(v) < 0 else int(v))
        return TensorShape(dims)
    if op.type == "ConcatV2":
        out = TensorShape([])
        for inp in op.inputs[:-1]:
            out = out.concatenate(_constant_value_as_shape(inp))
        return out
    v = _constant_value(t)
    if v is not None and v.ndim == 1:
        return TensorShape([None if d < 0 else int(d) for d in v])
    n = t.shape[0].value if t.shape.ndims == 1 else None
    return TensorShape(None) if n is None else TensorShape([None] * n)


def _refine_shape(out: ops.Tensor, shape_tensor: ops.Tensor) -> ops.Tensor:
    """Narrows ``out``'s static shape with what a non-constant shape input is known to be."""
    if shape_tensor.op.type != "Const":
        inferred = _constant_value_as_shape(shape_tensor)
        if inferred.ndims is not None and out.shape.is_compatible_with(inferred):
            out.set_shape(inferred)
    return out


def _static_dims(shape: Any) -> Optional[List[int]]:
    """A Python/NumPy/TensorShape shape as ints, or None when it holds tensors or unknowns."""
    if isinstance(shape, TensorShape):
        return shape.as_list() if shape.is_fully_defined() else None
    if isinstance(shape, (numbers.Integral, np.integer)):
        return [int(shape)]
    try:
        arr = np.asarray(shape)
    except TypeError:
        return None
    if arr.dtype.kind not in "iu" and not (arr.size == 0 and arr.ndim == 1):
        return None
    return [int(d) for d in arr.reshape(-1)]


def _filled(shape: Any, value: Any, dtype: _dtypes.DType, scope: str) -> ops.Tensor:
    """TF's zeros/ones body: a Const when small and static, else Fill(shape, value)."""
    if isinstance(shape, ops.Tensor):
        shape_t = shape
    else:
        dims = _static_dims(shape)
        if dims is not None:
            if all(d >= 0 for d in dims) and int(np.prod(dims, dtype=np.int64)) < 1000:
                arr = np.full(dims, value, dtype=dtype.as_numpy_dtype)
                return ops.constant_tensor(arr, name=scope)
            big = any(d > np.iinfo(np.int32).max for d in dims)
            shape_t = constant_op.constant(dims, dtype=_dtypes.int64 if big else _dtypes.int32,
                                           name="shape_as_tensor")
        else:
            shape_t = ops.convert_to_tensor(shape, dtype=_dtypes.int32)
    if shape_t.shape.ndims == 0:
        shape_t = reshape(shape_t, [-1])
    value_t = constant_op.constant(value, dtype=dtype, name="Const")
    return _fill_op(shape_t, value_t, scope)


def _fill_op(dims: ops.Tensor, value: ops.Tensor, scope: str) -> ops.Tensor:
    if dims.dtype.base_dtype not in _INDEX_DTYPES:
        raise TypeError("Value passed to parameter 'dims' has DataType %s not in list of allowed "
                        "values: int32, int64" % dims.dtype.base_dtype.name)
    op = _create("Fill", [dims, value],
                 {"T": _t_attr(value), "index_type": _t_attr(dims)}, scope)
    return _refine_shape(op.outputs[0], dims)


# ---------------------------------------------------------------------------------------------
# Constant-filled tensors


def zeros(shape: Any, dtype: Any = _dtypes.float32, name: Optional[str] = None) -> ops.Tensor:
    """A tensor of ``shape`` filled with zeros (a Const below 1000 elements, else Fill).

    Raises:
      ValueError: if the shape has a negative dimension.
      TypeError: if the shape is not integral.
    """
    dtype = _dtypes.as_dtype(dtype).base_dtype
    with ops.name_scope(name, "zeros", [shape]) as scope:
        return _filled(shape, False if dtype.is_bool else 0, dtype, scope)


def ones(shape: Any, dtype: Any = _dtypes.float32, name: Optional[str] = None) -> ops.Tensor:
    """A tensor of ``shape`` filled with ones (a Const below 1000 elements, else Fill).

    Raises:
      ValueError: if the shape has a negative dimension.
      TypeError: if the shape is not integral.
    """
    dtype = _dtypes.as_dtype(dtype).base_dtype
    with ops.name_scope(name, "ones", [shape]) as scope:
        return _filled(shape, True if dtype.is_bool else 1, dtype, scope)


def fill(dims: Any, value: Any, name: Optional[str] = None) -> ops.Tensor:
    """A tensor of shape ``dims`` filled with the scalar ``value`` (op Fill).

    Raises:
      ValueError: if ``dims`` has a negative entry or ``value`` is not a scalar.
      TypeError: if ``dims`` is not integral.
    """
    with ops.name_scope(name, "Fill", [dims, value]) as scope:
        dims_t = _index_tensor(dims, "dims")
        value_t = ops.convert_to_tensor(value, name="value")
        return _fill_op(dims_t, value_t, scope)


def _shape_internal(input: Any, name: Optional[str] = None, optimize: bool = True,  # noqa: A002
                    out_type: Any = None) -> ops.Tensor:
    with ops.name_scope(name, "Shape", [input]) as scope:
        x = ops.convert_to_tensor(input)
        s = x.shape
        if optimize and s.is_fully_defined():
            if out_type is None:
                return constant_op.constant(s.as_list(), dtype=_dtypes.int32,
                                            name="shape_as_tensor")
            return constant_op.constant(s.as_list(), dtype=out_type, name=scope)
        out_type = _dtypes.as_dtype(out_type or _dtypes.int32)
        return _create("Shape", [x], {"T": _t_attr(x), "out_type": ops.attr_dtype(out_type)},
                       scope).outputs[0]


def zeros_like(tensor: Any, dtype: Any = None, name: Optional[str] = None,
               optimize: bool = True) -> ops.Tensor:
    """Zeros with the shape of ``tensor`` (a Const when its shape is static, else ZerosLike)."""
    with ops.name_scope(name, "zeros_like", [tensor]) as scope:
        x = ops.convert_to_tensor(tensor, name="tensor")
        base = x.dtype.base_dtype
        dtype = None if dtype is None else _dtypes.as_dtype(dtype).base_dtype
        if optimize and x.shape.is_fully_defined():
            return zeros(x.shape.as_list(), dtype=dtype or base, name=scope)
        if dtype is not None and dtype != base:
            return zeros(_shape_internal(x, optimize=optimize), dtype=dtype, name=scope)
        return _create("ZerosLike", [x], {"T": _t_attr(x)}, scope).outputs[0]


def ones_like(tensor: Any, dtype: Any = None, name: Optional[str] = None,
              optimize: bool = True) -> ops.Tensor:
    """Ones with the shape of ``tensor`` (Fill of its shape, as TF1 builds it)."""
    with ops.name_scope(name, "ones_like", [tensor]) as scope:
        x = ops.convert_to_tensor(tensor, name="tensor")
        ones_shape = _shape_internal(x, optimize=optimize)
        ret = ones(ones_shape, dtype=dtype or x.dtype.base_dtype, name=scope)
        ret.set_shape(x.shape)
        return ret


# ---------------------------------------------------------------------------------------------
# Shapes


def shape(input: Any, name: Optional[str] = None, out_type: Any = _dtypes.int32  # noqa: A002
          ) -> ops.Tensor:
    """The shape of ``input`` as a 1-D tensor (a Const when the static shape is complete)."""
    return _shape_internal(input, name, optimize=True, out_type=out_type)


def size(input: Any, name: Optional[str] = None, out_type: Any = _dtypes.int32  # noqa: A002
         ) -> ops.Tensor:
    """The number of elements of ``input`` (a Const when the static shape is complete)."""
    out_type = _dtypes.as_dtype(out_type).base_dtype
    with ops.name_scope(name, "Size", [input]) as scope:
        x = ops.convert_to_tensor(input)
        if x.shape.is_fully_defined():
            n = int(np.prod(x.shape.as_list(), dtype=np.int64))
            return constant_op.constant(n, dtype=out_type, name=scope)
        return _create("Size", [x], {"T": _t_attr(x), "out_type": ops.attr_dtype(out_type)},
                       scope).outputs[0]


def rank(input: Any, name: Optional[str] = None) -> ops.Tensor:  # noqa: A002
    """The number of dimensions of ``input`` (a Const when the rank is known)."""
    with ops.name_scope(name, "Rank", [input]) as scope:
        x = ops.convert_to_tensor(input)
        if x.shape.ndims is not None:
            return constant_op.constant(x.shape.ndims, dtype=_dtypes.int32, name=scope)
        return _create("Rank", [x], {"T": _t_attr(x)}, scope).outputs[0]


def reshape(tensor: Any, shape: Any, name: Optional[str] = None) -> ops.Tensor:  # noqa: F811
    """``tensor`` with a new shape of the same element count; one dim may be -1 (inferred).

    Raises:
      ValueError: if the element counts are statically known to differ.
      TypeError: if ``shape`` is not integral.
    """
    with ops.name_scope(name, "Reshape", [tensor, shape]) as scope:
        x = ops.convert_to_tensor(tensor, name="tensor")
        s = _index_tensor(shape, "shape")
        op = _create("Reshape", [x, s], {"T": _t_attr(x), "Tshape": _t_attr(s)}, scope)
        return _refine_shape(op.outputs[0], s)


def expand_dims(input: Any, axis: Any = None, name: Optional[str] = None,  # noqa: A002
                dim: Any = None) -> ops.Tensor:
    """``input`` with a size-1 dimension inserted at ``axis`` (op ExpandDims).

    Raises:
      ValueError: if no axis (or both ``axis`` and ``dim``) is given, or it is out of range.
    """
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    with ops.name_scope(name, "ExpandDims", [input]) as scope:
        x = ops.convert_to_tensor(input, name="input")
        d = _index_tensor(axis, "dim")
        return _create("ExpandDims", [x, d], {"T": _t_attr(x), "Tdim": _t_attr(d)},
                       scope).outputs[0]


def squeeze(input: Any, axis: Any = None, name: Optional[str] = None,  # noqa: A002
            squeeze_dims: Any = None) -> ops.Tensor:
    """``input`` without size-1 dimensions (only those in ``axis`` when given).

    Raises:
      ValueError: if a listed dimension is not 1 or out of range, or both ``axis`` and
        ``squeeze_dims`` are given.
    """
    if axis is not None and squeeze_dims is not None:
        raise ValueError("Cannot specify both 'axis' and 'squeeze_dims'")
    axis = squeeze_dims if axis is None else axis
    if axis is None:
        axis = []
    elif np.isscalar(axis):
        axis = [axis]
    with ops.name_scope(name, "Squeeze", [input]) as scope:
        x = ops.convert_to_tensor(input, name="input")
        return _create("Squeeze", [x], {"T": _t_attr(x), "squeeze_dims": ops.attr_ints(axis)},
                       scope).outputs[0]


def transpose(a: Any, perm: Any = None, name: str = "transpose",
              conjugate: bool = False) -> ops.Tensor:
    """Permutes the dimensions of ``a``; ``perm=None`` reverses them (op Transpose).

    Raises:
      ValueError: if ``perm`` does not match the rank or names a dimension out of range.
    """
    with ops.name_scope(name, "transpose", [a]) as scope:
        x = ops.convert_to_tensor(a, name="a")
        if perm is None:
            nd = x.shape.ndims
            if nd is None:
                perm = _reversed_range_of_rank(x)
            else:
                perm = np.arange(nd - 1, -1, -1, dtype=np.int32)
        p = _index_tensor(perm, "perm")
        return _create("Transpose", [x, p], {"T": _t_attr(x), "Tperm": _t_attr(p)},
                       scope).outputs[0]


def _reversed_range_of_rank(x: ops.Tensor) -> ops.Tensor:
    """TF's ``Range(Rank(x) - 1, -1, -1)`` for an input of unknown rank."""
    g = ops.get_default_graph()
    int32 = ops.attr_dtype(_dtypes.int32)
    r = rank(x)
    with ops.name_scope(None, "sub", [r]) as sub_scope:
        y = constant_op.constant(1, dtype=_dtypes.int32, name="y")
        start = _create("Sub", [r, y], {"T": int32}, sub_scope).outputs[0]
    with ops.name_scope(None, "Range", [start]) as range_scope:
        limit = constant_op.constant(-1, dtype=_dtypes.int32, name="limit")
        delta = constant_op.constant(-1, dtype=_dtypes.int32, name="delta")
        out = g.create_op("Range", [start, limit, delta], {"Tidx": int32}, name=range_scope)
    return out.outputs[0]


# ---------------------------------------------------------------------------------------------
# Joining and splitting


def _convert_list(values: Sequence[Any], arg: str, op_type: str) -> List[ops.Tensor]:
    """Converts a list argument, non-tensors taking the first tensor's dtype.

    Raises:
      TypeError: if the converted tensors do not all have one dtype.
    """
    dtype = None
    for v in values:
        if isinstance(v, ops.Tensor):
            dtype = v.dtype.base_dtype
            break
    out = [ops.convert_to_tensor(v, dtype=dtype if not isinstance(v, ops.Tensor) else None,
                                 name="%s_%d" % (arg, i)) for i, v in enumerate(values)]
    kinds = [t.dtype.base_dtype for t in out]
    if any(k != kinds[0] for k in kinds):
        raise TypeError("Tensors in list passed to '%s' of '%s' Op have types [%s] that don't "
                        "all match." % (arg, op_type, ", ".join(k.name for k in kinds)))
    return out


def concat(values: Any, axis: Any, name: str = "concat") -> ops.Tensor:
    """Concatenates tensors along ``axis`` (op ConcatV2; Identity for a single tensor).

    Raises:
      ValueError: if ranks or non-axis dimensions differ or the axis is out of range.
      TypeError: if the values have different dtypes.
    """
    if not isinstance(values, (list, tuple)):
        values = [values]
    if len(values) == 1:
        with ops.name_scope(name):
            ax = ops.convert_to_tensor(axis, name="concat_dim", dtype=_dtypes.int32)
            ax.shape.assert_has_rank(0)
            return identity(values[0], name=name)
    with ops.name_scope(name, "ConcatV2", list(values)) as scope:
        ts = _convert_list(values, "values", "ConcatV2")
        ax = _index_tensor(axis, "axis")
        attrs = {"N": ops.attr_int(len(ts)), "T": _t_attr(ts[0]), "Tidx": _t_attr(ax)}
        return _create("ConcatV2", ts + [ax], attrs, scope).outputs[0]


def _pack(values: Sequence[ops.Tensor], axis: int, scope: str) -> ops.Tensor:
    attrs = {"N": ops.attr_int(len(values)), "T": _t_attr(values[0]),
             "axis": ops.attr_int(axis)}
    return _create("Pack", list(values), attrs, scope).outputs[0]


def stack(values: Sequence[Any], axis: int = 0, name: str = "stack") -> ops.Tensor:
    """Stacks rank-R tensors into one rank-(R+1) tensor along ``axis`` (op Pack).

    Raises:
      ValueError: if the shapes differ or ``axis`` is out of range.
      TypeError: if the values have different dtypes.
    """
    if axis == 0:
        try:
            return ops.convert_to_tensor(values, name=name)
        except (TypeError, ValueError):
            pass
    first = values[0]
    nd = first.shape.ndims if isinstance(first, ops.Tensor) else np.ndim(first)
    if nd is not None and not -nd - 1 <= axis < nd + 1:
        raise ValueError("Argument `axis` = %d not in range [%d, %d)" % (axis, -nd - 1, nd + 1))
    with ops.name_scope(name, "Pack", list(values)) as scope:
        return _pack(_convert_list(values, "values", "Pack"), axis, scope)


def unstack(value: Any, num: Optional[int] = None, axis: int = 0,
            name: str = "unstack") -> List[ops.Tensor]:
    """Splits ``value`` along ``axis`` into ``num`` tensors (op Unpack).

    Raises:
      ValueError: if ``num`` is not given and cannot be inferred, or ``axis`` is out of range.
    """
    x = ops.convert_to_tensor(value)
    if num is None:
        s = x.shape
        if s.ndims is not None:
            if axis < -s.ndims or axis >= s.ndims:
                raise ValueError("Argument `axis` = %d not in range [%d, %d)"
                                 % (axis, -s.ndims, s.ndims))
            num = s[axis].value
        if num is None:
            raise ValueError("Cannot infer argument `num` from shape %s" % s)
    with ops.name_scope(name, "Unpack", [x]) as scope:
        attrs = {"T": _t_attr(x), "num": ops.attr_int(num), "axis": ops.attr_int(axis)}
        return _create("Unpack", [x], attrs, scope).outputs


def _is_tensor_like(v: Any) -> bool:
    return isinstance(v, ops.Tensor) or (hasattr(v, "_as_graph_element")
                                         and not isinstance(v, ops.Operation))


def _first_dtype(value: Any) -> Optional[_dtypes.DType]:
    for v in value:
        if _is_tensor_like(v):
            return ops.convert_to_tensor(v).dtype.base_dtype
        if isinstance(v, (list, tuple)):
            d = _first_dtype(v)
            if d is not None:
                return d
    return None


def _autopack_helper(value: Sequence[Any], dtype: _dtypes.DType, name: str) -> Any:
    must_pack = False
    elems: list = []
    with ops.name_scope(name) as scope:
        for i, elem in enumerate(value):
            if _is_tensor_like(elem):
                t = ops.convert_to_tensor(elem)
                if t.dtype.base_dtype != dtype:
                    raise TypeError("Cannot convert a list containing a tensor of dtype %s to %s "
                                    "(Tensor is: %r)" % (t.dtype.name, dtype.name, t))
                elems.append(t)
                must_pack = True
            elif isinstance(elem, (list, tuple)):
                sub = _autopack_helper(elem, dtype, str(i))
                must_pack = must_pack or isinstance(sub, ops.Tensor)
                elems.append(sub)
            else:
                elems.append(elem)
        if not must_pack:
            return elems
        ts = [e if isinstance(e, ops.Tensor)
              else constant_op.constant(e, dtype=dtype, name=str(i)) for i, e in enumerate(elems)]
        return _pack(ts, 0, scope)


def _autopack(value: Sequence[Any], dtype: Any = None, name: str = "packed") -> ops.Tensor:
    """Packs a (nested) list holding tensors into one tensor, as TF's autopacking conversion.

    Raises:
      TypeError: if a tensor's dtype differs from ``dtype`` or the first tensor's dtype.
      ValueError: if the elements' shapes differ.
    """
    inferred = _first_dtype(value)
    dtype = inferred if dtype is None else _dtypes.as_dtype(dtype).base_dtype
    return _autopack_helper(value, dtype, name)


# Slicing and gathering live in array_slicing (which installs Tensor.__getitem__); they are part
# of this module's public surface.
from .array_slicing import gather, slice, strided_slice, tile  # noqa: E402,F401,A004


# ---------------------------------------------------------------------------------------------
# Selection and one-hot encoding


def where(condition: Any, x: Any = None, y: Any = None, name: Optional[str] = None
          ) -> ops.Tensor:
    """TF1's ``where``: with ``x`` and ``y``, the elements of ``x`` where ``condition`` is true
    and of ``y`` elsewhere (op ``Select``; ``condition`` is a scalar, a vector over the first
    dimension of ``x``, or of ``x``'s shape). With neither, the int64 coordinates
    ``[num_true, rank]`` of the true elements (op ``Where``).

    Raises:
      ValueError: if only one of ``x`` and ``y`` is given, or the static shapes disagree.
      TypeError: if ``condition`` is not bool or the dtypes of ``x`` and ``y`` differ.
    """
    if x is None and y is None:
        return _where_coordinates(condition, name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    return _select("Select", condition, x, y, name)


def where_v2(condition: Any, x: Any = None, y: Any = None, name: Optional[str] = None
             ) -> ops.Tensor:
    """``where`` with ``condition``, ``x`` and ``y`` broadcast together (op ``SelectV2``).

    Raises:
      ValueError: if only one of ``x`` and ``y`` is given, or the shapes cannot broadcast.
      TypeError: if ``condition`` is not bool or the dtypes of ``x`` and ``y`` differ.
    """
    if x is None and y is None:
        return _where_coordinates(condition, name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    return _select("SelectV2", condition, x, y, name)


def _where_coordinates(condition: Any, name: Optional[str]) -> ops.Tensor:
    with ops.name_scope(name, "Where", [condition]) as scope:
        c = ops.convert_to_tensor(condition, name="input")
        return _create("Where", [c], {"T": _t_attr(c)}, scope).outputs[0]


def _select(op_type: str, condition: Any, x: Any, y: Any, name: Optional[str]) -> ops.Tensor:
    with ops.name_scope(name, op_type, [condition, x, y]) as scope:
        try:
            c = ops.convert_to_tensor(condition, dtype=_dtypes.bool, name="condition")
        except (TypeError, ValueError) as e:
            raise TypeError("Expected bool passed to parameter 'condition' of op '%s', got %r. "
                            "Error: %s" % (op_type, condition, e)) from None
        t = ops.convert_to_tensor(x, name="t")
        # A tensor keeps its dtype (a mismatch is the op's TypeError); other values take t's.
        e = ops.convert_to_tensor(y, dtype=None if _is_tensor_like(y) else t.dtype.base_dtype,
                                  name="e")
        return _create(op_type, [c, t, e], {"T": _t_attr(t)}, scope).outputs[0]


def _convert_with_hint(value: Any, dtype: Optional[_dtypes.DType], name: str) -> ops.Tensor:
    """``value`` converted to ``dtype`` when it can be, else to its own dtype (TF's
    ``dtype_hint``)."""
    if dtype is not None and not _is_tensor_like(value):
        try:
            return ops.convert_to_tensor(value, dtype=dtype, name=name)
        except (TypeError, ValueError):
            pass
    return ops.convert_to_tensor(value, name=name)


def one_hot(indices: Any, depth: Any, on_value: Any = None, off_value: Any = None,
            axis: Any = None, dtype: Any = None, name: Optional[str] = None) -> ops.Tensor:
    """A one-hot encoding of ``indices``: a new dimension of length ``depth`` at ``axis``
    (default last) holding ``on_value`` (default 1) at each index and ``off_value`` (default
    0) elsewhere; an index outside ``[0, depth)`` gives an all-off row (op ``OneHot``).

    The dtype is ``dtype``, else that of ``on_value``/``off_value``, else float32.

    Raises:
      TypeError: if the dtypes of ``on_value``, ``off_value`` and ``dtype`` disagree, or
        ``indices`` is not int32/int64.
      ValueError: if ``depth`` is a negative constant.
      errors.InvalidArgumentError: at run time, if ``axis`` is not -1 or in ``[0, rank]``.
    """
    want = None if dtype is None else _dtypes.as_dtype(dtype).base_dtype
    with ops.name_scope(name, "one_hot", [indices, depth, on_value, off_value, axis,
                                          dtype]) as scope:
        on = None if on_value is None else _convert_with_hint(on_value, want, "on_value")
        off = None if off_value is None else _convert_with_hint(off_value, want, "off_value")
        on_dtype = None if on is None else on.dtype.base_dtype
        off_dtype = None if off is None else off.dtype.base_dtype
        if on is not None or off is not None:
            if want is not None:
                for value_dtype, what in ((on_dtype, "on_value"), (off_dtype, "off_value")):
                    if value_dtype is not None and value_dtype != want:
                        raise TypeError("dtype {0} of {1} does not match dtype parameter {2}"
                                        .format(value_dtype, what, want))
            else:
                want = on_dtype if on is not None else off_dtype
        elif want is None:
            want = _dtypes.float32
        if on is None:
            on, on_dtype = constant_op.constant(1, dtype=want, name="on_value"), want
        if off is None:
            off, off_dtype = constant_op.constant(0, dtype=want, name="off_value"), want
        if on_dtype != off_dtype:
            raise TypeError("dtype {0} of on_value does not match dtype {1} of off_value"
                            .format(on_dtype, off_dtype))
        idx = _index_tensor(indices, "indices")
        d = ops.convert_to_tensor(depth, dtype=_dtypes.int32, name="depth")
        attrs = {"T": _t_attr(on), "TI": _t_attr(idx),
                 "axis": ops.attr_int(-1 if axis is None else axis)}
        return _create("OneHot", [idx, d, on, off], attrs, scope).outputs[0]
