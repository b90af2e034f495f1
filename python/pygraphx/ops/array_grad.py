"""Gradients of the array ops: identity-like ops, reshapes, transposes, joining and splitting,
slicing, tiling, gathering and ``Fill``.

``GatherV2``'s gradient is a dense tensor (TF returns ``IndexedSlices``): the output gradient's
rows summed into the gathered rows by ``UnsortedSegmentSum``.
``Slice``'s gradient is built with ``StridedSliceGrad`` (TF pads with ``Pad``).
"""

from __future__ import annotations

from typing import Any, List, Optional

import numpy as np

from .. import dtypes as _dtypes
from ..framework import ops
from . import array_ops, grad_ops, math_ops, reduction_ops
from .gradient_util import const, const_value, op_output, shape_of, static_dims

for _t in ("Const", "Placeholder", "NoOp", "StopGradient", "Shape", "Size", "Rank", "ZerosLike",
           "OnesLike", "Range"):
    ops.NotDifferentiable(_t)


# ---------------------------------------------------------------------------------------------
# Identity-like ops and reshapes


@ops.RegisterGradient("Identity")
def _identity_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return grad


@ops.RegisterGradient("PlaceholderWithDefault")
def _placeholder_with_default_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return grad


@ops.RegisterGradient("Reshape")
def _reshape_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return array_ops.reshape(grad, shape_of(op.inputs[0])), None


@ops.RegisterGradient("ExpandDims")
def _expand_dims_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return array_ops.reshape(grad, shape_of(op.inputs[0])), None


@ops.RegisterGradient("Squeeze")
def _squeeze_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return array_ops.reshape(grad, shape_of(op.inputs[0]))


@ops.RegisterGradient("Transpose")
def _transpose_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    perm = op.inputs[1]
    p = const_value(perm)
    if p is not None:
        inverse = np.argsort(np.asarray(p).reshape(-1)).astype(np.int32)
        return array_ops.transpose(grad, inverse), None
    # inverse[perm[i]] = i: a segment sum of 0..n-1 into the positions perm names.
    n = array_ops.size(perm, out_type=perm.dtype.base_dtype)
    positions = op_output("Range", [const(0, perm.dtype, name="start"), n,
                                    const(1, perm.dtype, name="delta")],
                          {"Tidx": ops.attr_dtype(perm.dtype)}, name="range")
    inverse_t = math_ops.unsorted_segment_sum(positions, perm, n)
    return array_ops.transpose(grad, inverse_t), None


# ---------------------------------------------------------------------------------------------
# Joining and splitting


@ops.RegisterGradient("Pack")
def _pack_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return array_ops.unstack(grad, num=op.get_attr("N"), axis=op.get_attr("axis"))


@ops.RegisterGradient("Unpack")
def _unpack_grad(op: ops.Operation, *grads: ops.Tensor) -> Any:
    return array_ops.stack(list(grads), axis=op.get_attr("axis"))


@ops.RegisterGradient("ConcatV2")
def _concat_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # Each input's gradient is the slice of grad it was copied to: begin = offset along the
    # axis (0 elsewhere), size = its length along the axis (-1, "to the end", elsewhere).
    values = op.inputs[:-1]
    axis_t = op.inputs[-1]
    rank = grad.shape.ndims
    if rank is None:
        for v in values:
            rank = v.shape.ndims if rank is None else rank
    if rank is None:
        raise ValueError("The gradient of %s (ConcatV2) needs inputs of known rank"
                         % op.name)
    av = const_value(axis_t)
    lengths: List[Optional[int]] = [None] * len(values)
    if av is not None:
        ax = int(av) % rank
        lengths = [v.shape.as_list()[ax] if v.shape.ndims is not None else None
                   for v in values]
    out: List[Any] = []
    if av is not None and all(n is not None for n in lengths):
        offset = 0
        for n in lengths:
            begin = [0] * rank
            size = [-1] * rank
            begin[ax] = offset
            size[ax] = n
            out.append(array_ops.slice(grad, begin, size))
            offset += n
        return out + [None]
    # Lengths known only at run time: begin and size vectors from the inputs' shapes.
    axis32 = math_ops.floormod(math_ops.cast(axis_t, _dtypes.int32),
                               const(rank, _dtypes.int32, name="rank"))
    onehot = math_ops.cast(math_ops.equal(const(np.arange(rank), _dtypes.int32, name="axes"),
                                          axis32), _dtypes.int32)
    minus_one = const(-1, _dtypes.int32, name="minus_one")
    offset_vec = const(np.zeros(rank), _dtypes.int32, name="zero_offset")
    for v in values:
        along = array_ops.shape(v) * onehot  # the input's length at the axis, 0 elsewhere
        size = minus_one + onehot + along  # -1 off the axis, the length on it
        out.append(array_ops.slice(grad, offset_vec, size))
        offset_vec = offset_vec + along
    return out + [None]


# ---------------------------------------------------------------------------------------------
# Slicing, tiling and gathering


def _index_shape(x: ops.Tensor, dtype: _dtypes.DType) -> ops.Tensor:
    s = shape_of(x)
    return s if dtype == _dtypes.int32 else math_ops.cast(s, dtype)


@ops.RegisterGradient("Slice")
def _slice_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    x, begin, _ = op.inputs
    y = op.outputs[0]
    index_dt = begin.dtype.base_dtype
    b = const_value(begin)
    y_dims = static_dims(y)
    if b is not None and y_dims is not None:
        b = np.asarray(b).reshape(-1)
        end = const(b + np.asarray(y_dims, dtype=b.dtype), index_dt, name="end")
    else:
        end = begin + _index_shape(y, index_dt)
    rank = x.shape.ndims
    if rank is not None:
        strides = const(np.ones(rank), index_dt, name="strides")
    else:
        strides = array_ops.ones_like(begin)
    return grad_ops.strided_slice_grad(_index_shape(x, index_dt), begin, end, strides,
                                       grad), None, None


@ops.RegisterGradient("StridedSlice")
def _strided_slice_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    x, begin, end, strides = op.inputs
    masks = {k: op.get_attr(k) for k in ("begin_mask", "end_mask", "ellipsis_mask",
                                         "new_axis_mask", "shrink_axis_mask")}
    shape = _index_shape(x, begin.dtype.base_dtype)
    return (grad_ops.strided_slice_grad(shape, begin, end, strides, grad, **masks),
            None, None, None)


@ops.RegisterGradient("StridedSliceGrad")
def _strided_slice_grad_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # StridedSliceGrad places dy into zeros; its gradient reads the same positions back.
    _, begin, end, strides, _ = op.inputs
    masks = {k: op.get_attr(k) for k in ("begin_mask", "end_mask", "ellipsis_mask",
                                         "new_axis_mask", "shrink_axis_mask")}
    return (None, None, None, None,
            array_ops.strided_slice(grad, begin, end, strides, **masks))


@ops.RegisterGradient("Tile")
def _tile_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # Tile's output, reshaped to [m0, d0, m1, d1, ...], summed over the m axes.
    x, multiples = op.inputs
    dims = static_dims(x)
    m = const_value(multiples)
    if dims is not None and m is not None:
        m = [int(v) for v in np.asarray(m).reshape(-1)]
        split = [v for pair in zip(m, dims) for v in pair]
        axes = list(range(0, 2 * len(dims), 2))
        if all(v == 1 for v in m):
            return array_ops.reshape(grad, dims), None
        return reduction_ops.reduce_sum(array_ops.reshape(grad, split), axes), None
    m32 = math_ops.cast(multiples, _dtypes.int32)
    shape = array_ops.shape(x)
    split_t = array_ops.reshape(array_ops.transpose(array_ops.stack([m32, shape])), [-1])
    n = array_ops.size(split_t)
    axes_t = op_output("Range", [const(0, _dtypes.int32, name="start"), n,
                                 const(2, _dtypes.int32, name="delta")],
                       {"Tidx": ops.attr_dtype(_dtypes.int32)}, name="range")
    summed = reduction_ops.reduce_sum(array_ops.reshape(grad, split_t), axes_t)
    return array_ops.reshape(summed, shape), None


@ops.RegisterGradient("Fill")
def _fill_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    return None, reduction_ops.reduce_sum(grad)


@ops.RegisterGradient("GatherV2")
def _gather_grad(op: ops.Operation, grad: ops.Tensor) -> Any:
    # grad has shape outer + indices.shape + inner (outer = params dims before the axis).
    # Move the indices dims first, flatten them, sum rows into params' axis, move it back.
    params, indices, axis_t = op.inputs
    av = const_value(axis_t)
    p_rank = params.shape.ndims
    q_rank = indices.shape.ndims
    if av is None or p_rank is None or q_rank is None:
        raise ValueError("The gradient of %s (GatherV2) needs a constant axis and params and "
                         "indices of known rank" % op.name)
    axis = int(av) % p_rank
    num = _axis_length(params, axis)
    flat_idx = array_ops.reshape(indices, [-1])
    if axis == 0:
        dims = static_dims(params)
        if dims is not None:
            inner = const(dims[1:], _dtypes.int32, name="inner")
        else:
            inner = array_ops.shape(params)[1:]
        values = array_ops.reshape(grad, _concat_shape([-1], inner))
        return math_ops.unsorted_segment_sum(values, flat_idx, num), None, None
    g_rank = axis + q_rank + (p_rank - axis - 1)
    perm = (list(range(axis, axis + q_rank)) + list(range(axis))
            + list(range(axis + q_rank, g_rank)))
    moved = array_ops.transpose(grad, perm)
    rest_static = static_dims(params)
    if rest_static is not None:
        rest = const(rest_static[:axis] + rest_static[axis + 1:], _dtypes.int32, name="rest")
    else:
        s = array_ops.shape(params)
        rest = array_ops.concat([s[:axis], s[axis + 1:]], 0)
    values = array_ops.reshape(moved, _concat_shape([-1], rest))
    summed = math_ops.unsorted_segment_sum(values, flat_idx, num)
    back = list(range(1, axis + 1)) + [0] + list(range(axis + 1, p_rank))
    return array_ops.transpose(summed, back), None, None


def _axis_length(t: ops.Tensor, axis: int) -> Any:
    d = t.shape.as_list()[axis]
    if d is not None:
        return const(d, _dtypes.int32, name="num_segments")
    return array_ops.shape(t)[axis]


def _concat_shape(head: List[int], tail: ops.Tensor) -> ops.Tensor:
    v = const_value(tail)
    if v is not None:
        return const(list(head) + [int(d) for d in np.asarray(v).reshape(-1)], _dtypes.int32,
                     name="values_shape")
    return array_ops.concat([const(head, _dtypes.int32, name="head"), tail], 0)
