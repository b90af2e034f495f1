"""Array ops against NumPy: values for every dtype, static shapes (also with unknown dims),
TF1 node names, build-time (ValueError/TypeError) and run-time (InvalidArgumentError) errors,
Tensor.__getitem__ slicing and multi-threaded transposes."""

from __future__ import annotations

import numpy as np
import pytest

import pygraphx as tf
from pygraphx import _core

DTYPES = [(tf.float32, np.float32), (tf.float64, np.float64), (tf.int32, np.int32),
          (tf.int64, np.int64), (tf.bool, np.bool_)]
DTYPE_IDS = [d.name for d, _ in DTYPES]


def arange(shape, np_dtype, seed=0):
    """Distinct values of ``np_dtype`` (random booleans for bool)."""
    n = int(np.prod(shape))
    if np_dtype == np.bool_:
        return np.random.RandomState(seed).rand(*shape) > 0.5
    return (np.arange(n) - n // 3).astype(np_dtype).reshape(shape)


def run(fetches, feed_dict=None):
    with tf.Session() as s:
        return s.run(fetches, feed_dict)


def names(graph):
    return [(op.name, op.type) for op in graph.get_operations()]


# ---------------------------------------------------------------------------------------------
# Node names (checked against TF 1.x graph mode)


def test_node_names_match_tf1(fresh_graph):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    c = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    tf.zeros([2, 3])
    tf.zeros(tf.shape(x))
    tf.fill([2, 3], 5.0)
    tf.zeros_like(x)
    tf.ones_like(x)
    tf.reshape(x, [-1])
    tf.transpose(x)
    tf.concat([x, x], 1)
    tf.stack([x, x])
    tf.expand_dims(x, 0)
    tf.squeeze(c)
    x[0]
    tf.convert_to_tensor([c, c])
    tf.unstack(c)
    tf.tile(c, [2, 1])
    tf.gather(c, [1, 0])
    tf.slice(c, [0, 1], [1, 2])
    tf.zeros([1000, 1000])
    tf.concat([x], 0)
    tf.ones_like(c, dtype=tf.int32)
    expected = [
        ("x", "Placeholder"), ("Const", "Const"), ("zeros", "Const"), ("Shape", "Shape"),
        ("zeros_1/Const", "Const"), ("zeros_1", "Fill"), ("Fill/dims", "Const"),
        ("Fill/value", "Const"), ("Fill", "Fill"), ("zeros_like", "ZerosLike"),
        ("ones_like/Shape", "Shape"), ("ones_like/Const", "Const"), ("ones_like", "Fill"),
        ("Reshape/shape", "Const"), ("Reshape", "Reshape"), ("transpose/perm", "Const"),
        ("transpose", "Transpose"), ("concat/axis", "Const"), ("concat", "ConcatV2"),
        ("stack", "Pack"), ("ExpandDims/dim", "Const"), ("ExpandDims", "ExpandDims"),
        ("Squeeze", "Squeeze"), ("strided_slice/stack", "Const"),
        ("strided_slice/stack_1", "Const"), ("strided_slice/stack_2", "Const"),
        ("strided_slice", "StridedSlice"), ("packed", "Pack"), ("unstack", "Unpack"),
        ("Tile/multiples", "Const"), ("Tile", "Tile"), ("GatherV2/indices", "Const"),
        ("GatherV2/axis", "Const"), ("GatherV2", "GatherV2"), ("Slice/begin", "Const"),
        ("Slice/size", "Const"), ("Slice", "Slice"), ("zeros_2/shape_as_tensor", "Const"),
        ("zeros_2/Const", "Const"), ("zeros_2", "Fill"), ("concat_1/concat_dim", "Const"),
        ("concat_1/concat", "Identity"), ("ones_like_1/Shape/shape_as_tensor", "Const"),
        ("ones_like_1/Const", "Const"), ("ones_like_1", "Fill"),
    ]
    assert names(fresh_graph) == expected


def test_constant_folded_wrappers_names_and_types(fresh_graph):
    c = tf.constant(np.zeros((2, 3), np.float32))
    u = tf.placeholder(tf.float32, name="u")
    assert (tf.shape(c).op.type, tf.shape(c).op.name) == ("Const", "Shape_1")
    assert (tf.size(c).op.type, tf.rank(c).op.type) == ("Const", "Const")
    assert (tf.rank(u).op.type, tf.size(u).op.type, tf.shape(u).op.type) == (
        "Rank", "Size", "Shape")
    assert tf.stack([1, 2]).op.type == "Const"
    assert tf.zeros_like(c).op.type == "Const"
    assert tf.ones([2, 3], name="o").op.name == "o"
    t = tf.transpose(c, name="tt")
    assert [i.op.name for i in t.op.inputs] == ["Const", "tt/perm"]
    mixed = tf.convert_to_tensor([u, 1.0])
    assert [i.op.name for i in mixed.op.inputs] == ["u", "packed/1"]
    i = tf.placeholder(tf.int32, [])
    s = c[i]
    assert s.op.inputs[1].op.type == "Pack" and s.op.inputs[1].op.name == "strided_slice/stack"
    assert s.shape.as_list() == [3]


# ---------------------------------------------------------------------------------------------
# zeros / ones / fill / zeros_like / ones_like


@pytest.mark.parametrize("dtype,np_dtype", DTYPES, ids=DTYPE_IDS)
def test_filled_tensors_every_dtype(dtype, np_dtype):
    x = tf.placeholder(dtype, [None, 4])
    v = arange((3, 4), np_dtype)
    outs = run([tf.zeros([2, 3], dtype), tf.ones([2, 3], dtype), tf.zeros([40, 30], dtype),
                tf.ones([1000, 2], dtype), tf.zeros(tf.shape(x), dtype), tf.zeros_like(x),
                tf.ones_like(x), tf.zeros_like(x, dtype=tf.int64), tf.ones_like(v)], {x: v})
    expected = [np.zeros((2, 3)), np.ones((2, 3)), np.zeros((40, 30)), np.ones((1000, 2)),
                np.zeros((3, 4)), np.zeros((3, 4)), np.ones((3, 4)), np.zeros((3, 4)),
                np.ones((3, 4))]
    kinds = [np_dtype] * 7 + [np.int64, np_dtype]
    for got, want, kind in zip(outs, expected, kinds):
        assert got.dtype == kind and got.shape == want.shape
        np.testing.assert_array_equal(got, want.astype(kind))


@pytest.mark.parametrize("dtype,np_dtype", DTYPES, ids=DTYPE_IDS)
def test_fill_every_dtype(dtype, np_dtype):
    value = np_dtype(True) if np_dtype == np.bool_ else np_dtype(7)
    d = tf.placeholder(tf.int32, [None])
    f = tf.fill(d, tf.constant(value, dtype=dtype))
    assert f.shape.ndims is None
    got = run(f, {d: [3, 2, 2]})
    np.testing.assert_array_equal(got, np.full((3, 2, 2), value, np_dtype))
    assert run(tf.fill([0, 5], value)).shape == (0, 5)


def test_filled_static_shapes():
    x = tf.placeholder(tf.float32, [None, 3])
    n = tf.placeholder(tf.int32, [2])
    assert tf.zeros(tf.shape(x)).shape.as_list() == [None, 3]
    assert tf.ones([tf.shape(x)[0], 5]).shape.as_list() == [None, 5]
    assert tf.fill(n, 1.0).shape.as_list() == [None, None]
    assert tf.fill([4, 1], 1.0).shape.as_list() == [4, 1]
    assert tf.zeros(5).shape.as_list() == [5]
    assert tf.zeros([]).shape.as_list() == []
    assert tf.zeros_like(x).shape.as_list() == [None, 3]
    assert tf.ones_like(x, dtype=tf.int32).shape.as_list() == [None, 3]
    assert tf.zeros([2, 2], tf.bool).dtype == tf.bool


def test_fill_errors():
    with pytest.raises(ValueError, match="Fill dimensions must be >= 0"):
        tf.fill([-1, 2], 1.0)
    with pytest.raises(ValueError, match="Fill dimensions must be >= 0"):
        tf.zeros([-1, 2])
    with pytest.raises(TypeError, match="'dims' has DataType float32"):
        tf.fill([1.5, 2.0], 1.0)
    with pytest.raises(ValueError, match="rank 0"):
        tf.fill([2], [1.0, 2.0])
    d = tf.placeholder(tf.int32)
    f = tf.fill(d, 1.0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Dimension -1 must be >= 0"):
        run(f, {d: [-1, 2]})
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"dims must represent a vector, got shape \[1,2\]"):
        run(f, {d: [[1, 2]]})


# ---------------------------------------------------------------------------------------------
# reshape


@pytest.mark.parametrize("dtype,np_dtype", DTYPES, ids=DTYPE_IDS)
def test_reshape_every_dtype(dtype, np_dtype):
    v = arange((2, 3, 4), np_dtype)
    x = tf.placeholder(dtype, [None, 3, 4])
    outs = run([tf.reshape(x, [-1]), tf.reshape(x, [4, -1]), tf.reshape(x, [2, 12]),
                tf.reshape(x, tf.shape(x)), tf.reshape(x, [tf.shape(x)[0], -1])], {x: v})
    for got, want in zip(outs, [v.reshape(-1), v.reshape(4, -1), v.reshape(2, 12), v,
                                v.reshape(2, -1)]):
        assert got.dtype == np_dtype
        np.testing.assert_array_equal(got, want)


def test_reshape_static_shapes():
    x = tf.placeholder(tf.float32, [None, 3])
    c = tf.constant(np.zeros((4, 6), np.float32))
    u = tf.placeholder(tf.float32)
    assert tf.reshape(c, [-1, 3]).shape.as_list() == [8, 3]
    assert tf.reshape(c, [2, -1, 2]).shape.as_list() == [2, 6, 2]
    assert tf.reshape(x, [-1]).shape.as_list() == [None]
    assert tf.reshape(x, [-1, 3, 1]).shape.as_list() == [None, 3, 1]
    assert tf.reshape(x, tf.shape(x)).shape.as_list() == [None, 3]
    assert tf.reshape(x, [tf.shape(x)[0], 3, 1]).shape.as_list() == [None, 3, 1]
    assert tf.reshape(u, [2, -1]).shape.as_list() == [2, None]
    assert tf.reshape(c, tf.placeholder(tf.int32, [3])).shape.as_list() == [None] * 3
    assert tf.reshape(c, tf.placeholder(tf.int32)).shape.ndims is None
    assert tf.reshape(tf.zeros([0, 3]), [0, -1]).shape.as_list() == [0, None]


def test_reshape_errors():
    c = tf.constant(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"Cannot reshape a tensor with 6 elements to shape "
                                         r"\[4\] \(4 elements\)"):
        tf.reshape(c, [4])
    with pytest.raises(ValueError, match="evenly divisible by 4 but is 6"):
        tf.reshape(c, [4, -1])
    with pytest.raises(ValueError, match="evenly divisible by 3 but is 8"):
        tf.reshape(tf.placeholder(tf.float32, [None, 3]), [4, 2])
    with pytest.raises(ValueError, match="Invalid value in tensor used for shape: -2"):
        tf.reshape(c, [-2, 3])
    with pytest.raises(TypeError, match="'shape' has DataType float32"):
        tf.reshape(c, [2.0, 3.0])
    u = tf.placeholder(tf.float32)
    s = tf.placeholder(tf.int32)
    r = tf.reshape(u, s)
    v = np.zeros((2, 3), np.float32)
    cases = [([4], "Input to reshape is a tensor with 6 values, but the requested shape has 4"),
             ([4, -1], "Input to reshape is a tensor with 6 values, but the requested shape "
                       "requires a multiple of 4"),
             ([-1, -1], "Only one input size may be -1, not both 0 and 1"),
             ([-2, -3], "Size 0 must be non-negative, not -2")]
    for shape, msg in cases:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            run(r, {u: v, s: shape})
        assert msg in e.value.message
    np.testing.assert_array_equal(run(r, {u: np.zeros((0, 3), np.float32), s: [0, 3]}),
                                  np.zeros((0, 3)))


# ---------------------------------------------------------------------------------------------
# transpose


PERMS = [[1, 0, 2], [0, 2, 1], [2, 1, 0], [2, 0, 1], [1, 2, 0], [0, 1, 2]]


@pytest.mark.parametrize("dtype,np_dtype", DTYPES, ids=DTYPE_IDS)
def test_transpose_every_dtype_and_perm(dtype, np_dtype):
    v = arange((3, 4, 5), np_dtype)
    x = tf.placeholder(dtype, [None, 4, 5])
    outs = run([tf.transpose(x, p) for p in PERMS] + [tf.transpose(x)], {x: v})
    for got, p in zip(outs, PERMS + [None]):
        want = v.transpose(p)
        assert got.dtype == np_dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)


def test_transpose_static_shapes_and_size_one_dims():
    x = tf.placeholder(tf.float32, [None, 3])
    assert tf.transpose(x).shape.as_list() == [3, None]
    assert tf.transpose(x, tf.placeholder(tf.int32, [2])).shape.as_list() == [None, None]
    assert tf.transpose(tf.placeholder(tf.float32), [1, 0, 2]).shape.as_list() == [None] * 3
    v = np.arange(12, dtype=np.float32).reshape(1, 3, 1, 4)
    c = tf.constant(v)
    for p in ([2, 0, 1, 3], [0, 1, 3, 2], [3, 2, 1, 0], [1, 0, 3, 2]):
        np.testing.assert_array_equal(run(tf.transpose(c, p)), v.transpose(p))
    assert run(tf.transpose(tf.zeros([0, 3]))).shape == (3, 0)
    assert run(tf.transpose(tf.constant(5.0))) == 5.0


@pytest.mark.skipif(not {"Sub", "Range"} <= set(_core.registered_ops()),
                    reason="needs the Sub and Range ops of the math family")
def test_transpose_unknown_rank_uses_rank_range():
    u = tf.placeholder(tf.float32)
    t = tf.transpose(u)
    assert t.op.inputs[1].op.name == "transpose/Range"
    v = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    np.testing.assert_array_equal(run(t, {u: v}), v.T)


@pytest.mark.parametrize("shape,perm", [((1500, 1700), (1, 0)), ((6, 300, 500), (0, 2, 1)),
                                        ((40, 30, 20, 25), (3, 1, 0, 2)),
                                        ((50, 60, 70), (2, 0, 1)), ((64, 2, 300, 9), (0, 2, 1, 3)),
                                        ((1001, 333), (1, 0)), ((7, 129, 131), (0, 2, 1)),
                                        ((3, 5, 1000, 3), (2, 1, 3, 0))])
def test_transpose_large_across_threads(sess, shape, perm):
    v = np.random.RandomState(1).rand(*shape).astype(np.float32)
    x = tf.placeholder(tf.float32, [None] * len(shape))
    t = tf.transpose(x, perm)
    got = sess.run(t, {x: v})
    np.testing.assert_array_equal(got, v.transpose(perm))
    d = v.astype(np.float64)
    np.testing.assert_array_equal(sess.run(tf.transpose(tf.constant(d), perm)),
                                  d.transpose(perm))


def test_transpose_errors():
    c = tf.constant(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match="Dimension must be 2 but is 1"):
        tf.transpose(c, [0])
    with pytest.raises(ValueError, match="perm dim 2 is out of range of input rank 2"):
        tf.transpose(c, [0, 2])
    u = tf.placeholder(tf.float32)
    p = tf.placeholder(tf.int32)
    t = tf.transpose(u, p)
    v = np.zeros((2, 3), np.float32)
    for perm, msg in [([0, 0], r"1 is missing from \{0,0\}"),
                      ([0], "transpose expects a vector of size 2. But input\\(1\\) is a "
                            "vector of size 1"),
                      ([0, 2], r"2 is out of range \[0 .. 2\)")]:
        with pytest.raises(tf.errors.InvalidArgumentError, match=msg):
            run(t, {u: v, p: perm})


# ---------------------------------------------------------------------------------------------
# concat / stack / unstack


@pytest.mark.parametrize("dtype,np_dtype", DTYPES, ids=DTYPE_IDS)
def test_concat_stack_unstack_every_dtype(dtype, np_dtype):
    a, b = arange((2, 3, 4), np_dtype, 1), arange((2, 3, 4), np_dtype, 2)
    x = tf.placeholder(dtype, [None, 3, 4])
    y = tf.constant(b)
    fetch = [tf.concat([x, y], 0), tf.concat([x, y], 1), tf.concat([x, y, x], -1),
             tf.stack([x, y]), tf.stack([x, y], axis=2), tf.stack([x, y], axis=-1),
             tf.unstack(y), tf.unstack(y, axis=2)]
    got = run(fetch, {x: a})
    want = [np.concatenate([a, b], 0), np.concatenate([a, b], 1),
            np.concatenate([a, b, a], -1), np.stack([a, b]), np.stack([a, b], 2),
            np.stack([a, b], -1), list(b), [b[:, :, i] for i in range(4)]]
    for g, w in zip(got[:6], want[:6]):
        assert g.dtype == np_dtype
        np.testing.assert_array_equal(g, w)
    for gs, ws in zip(got[6:], want[6:]):
        assert len(gs) == len(ws)
        for g, w in zip(gs, ws):
            np.testing.assert_array_equal(g, w)


def test_concat_stack_static_shapes():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [2, None])
    assert tf.concat([x, x], 0).shape.as_list() == [None, 3]
    assert tf.concat([x, x], 1).shape.as_list() == [None, 6]
    assert tf.concat([x, y], 0).shape.as_list() == [None, 3]
    assert tf.concat([x, y], 1).shape.as_list() == [2, None]
    assert tf.concat([x, x], tf.placeholder(tf.int32, [])).shape.as_list() == [None, None]
    assert tf.stack([x, y], 1).shape.as_list() == [2, 2, 3]
    assert [t.shape.as_list() for t in tf.unstack(tf.zeros([2, 4, 3]), axis=1)] == [[2, 3]] * 4
    assert tf.unstack(x, num=2)[0].shape.as_list() == [3]
    assert tf.unstack(x, axis=1)[0].shape.as_list() == [None]


def test_concat_stack_errors():
    c = tf.constant(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match="Shape must be rank 2 but is rank 1"):
        tf.concat([c, tf.constant([1.0])], 0)
    with pytest.raises(ValueError, match="Dimension 1 in both shapes must be equal, but are 3 "
                                         "and 4"):
        tf.concat([c, tf.zeros([2, 4])], 0)
    with pytest.raises(ValueError, match="Shape must be at least rank 3 but is rank 2"):
        tf.concat([c, c], 2)
    with pytest.raises(TypeError, match=r"have types \[float32, int32\] that don't all match"):
        tf.concat([c, tf.constant([[1, 2, 3]])], 0)
    with pytest.raises(ValueError, match="Dimension 1 in both shapes must be equal, but are 3 "
                                         "and 4"):
        tf.stack([c, tf.zeros([2, 4])])
    with pytest.raises(ValueError, match=r"Argument `axis` = 3 not in range \[-3, 3\)"):
        tf.stack([c, c], axis=3)
    with pytest.raises(ValueError, match=r"Cannot infer argument `num` from shape \(\?, 3\)"):
        tf.unstack(tf.placeholder(tf.float32, [None, 3]))
    u = tf.placeholder(tf.float32)
    a = tf.placeholder(tf.int32)
    v = np.zeros((2, 3), np.float32)
    checks = [
        (tf.concat([u, tf.zeros([2, 4])], 0), {u: v}, "ConcatOp : Dimension 1 in both shapes "
         r"must be equal: shape\[0\] = \[2,3\] vs. shape\[1\] = \[2,4\]"),
        (tf.concat([u, tf.zeros([2, 4])], 0), {u: [1.0]}, "ConcatOp : Ranks of all input "
         r"tensors should match: shape\[0\] = \[1\] vs. shape\[1\] = \[2,4\]"),
        (tf.concat([u, u], a), {u: v, a: 5}, "ConcatOp : Expected concatenating dimensions "
         r"in the range \[-2, 2\), but got 5"),
        (tf.stack([u, tf.zeros([2, 4])]), {u: v}, r"Shapes of all inputs must match: "
         r"values\[0\].shape = \[2,3\] != values\[1\].shape = \[2,4\]"),
        (tf.unstack(u, num=2)[0], {u: v.T}, r"Input shape axis 0 must equal 2, got shape "
         r"\[3,2\]"),
    ]
    for t, feed, msg in checks:
        with pytest.raises(tf.errors.InvalidArgumentError, match=msg):
            run(t, feed)


def test_convert_list_of_tensors_packs():
    a = tf.placeholder(tf.float32, [None, 2])
    b = tf.constant([[1.0, 2.0]])
    p = tf.convert_to_tensor([a, b])
    assert p.op.type == "Pack" and p.shape.as_list() == [2, 1, 2]
    nested = tf.convert_to_tensor([[a[0, 0], 2.0], [3.0, 4.0]])
    assert nested.op.type == "Pack" and nested.shape.as_list() == [2, 2]
    va = np.array([[5.0, 6.0]], np.float32)
    got_p, got_n = run([p, nested], {a: va})
    np.testing.assert_array_equal(got_p, [[[5, 6]], [[1, 2]]])
    np.testing.assert_array_equal(got_n, [[5, 2], [3, 4]])
    with pytest.raises(TypeError, match="Cannot convert a list containing a tensor of dtype"):
        tf.convert_to_tensor([a, tf.constant([[1, 2]])])
    with pytest.raises(TypeError, match="Cannot convert a list containing a tensor of dtype"):
        tf.convert_to_tensor([a, b], dtype=tf.int32)
    with pytest.raises(ValueError, match="must be equal"):
        tf.convert_to_tensor([a, tf.zeros([1, 3])])


# ---------------------------------------------------------------------------------------------
# shape / size / rank / expand_dims / squeeze


def test_shape_size_rank_values_and_types():
    x = tf.placeholder(tf.float64, [None, 3, None])
    v = np.zeros((4, 3, 2))
    s64 = tf.shape(x, out_type=tf.int64)
    assert s64.dtype == tf.int64 and tf.shape(x).dtype == tf.int32
    assert tf.shape(x).shape.as_list() == [3]
    assert tf.shape(tf.placeholder(tf.float32)).shape.as_list() == [None]
    b = tf.placeholder(tf.bool)
    got = run([tf.shape(x), s64, tf.size(x), tf.size(x, out_type=tf.int64), tf.rank(x),
               tf.rank(b), tf.shape(tf.constant(True))], {x: v, b: np.zeros((2, 2, 2, 2), bool)})
    np.testing.assert_array_equal(got[0], [4, 3, 2])
    assert got[1].dtype == np.int64 and list(got[1]) == [4, 3, 2]
    assert got[2] == 24 and got[3].dtype == np.int64 and got[4] == 3 and got[5] == 4
    assert got[6].shape == (0,)


@pytest.mark.parametrize("dtype,np_dtype", DTYPES, ids=DTYPE_IDS)
def test_expand_dims_squeeze_every_dtype(dtype, np_dtype):
    v = arange((2, 1, 3, 1), np_dtype)
    x = tf.placeholder(dtype, [None, 1, 3, 1])
    fetch = [tf.expand_dims(x, 0), tf.expand_dims(x, -1), tf.expand_dims(x, axis=2),
             tf.expand_dims(x, dim=4), tf.squeeze(x), tf.squeeze(x, [1]), tf.squeeze(x, -1),
             tf.squeeze(x, squeeze_dims=[1, 3])]
    want = [v[None], v[..., None], np.expand_dims(v, 2), np.expand_dims(v, 4), v.squeeze(),
            v.squeeze(1), v.squeeze(-1), v.squeeze((1, 3))]
    for g, w in zip(run(fetch, {x: v}), want):
        assert g.dtype == np_dtype
        np.testing.assert_array_equal(g, w)
    shapes = [t.shape.as_list() for i, t in enumerate(fetch) if i != 4]
    assert shapes == [[1, None, 1, 3, 1], [None, 1, 3, 1, 1], [None, 1, 1, 3, 1],
                      [None, 1, 3, 1, 1], [None, 3, 1], [None, 1, 3], [None, 3]]
    assert fetch[4].shape.ndims is None  # the unknown batch dim might be 1


def test_expand_dims_squeeze_errors():
    c = tf.constant(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"dim 3 not in the interval \[-3, 2\]"):
        tf.expand_dims(c, 3)
    with pytest.raises(ValueError, match="Must specify an axis argument to tf.expand_dims"):
        tf.expand_dims(c)
    with pytest.raises(ValueError, match="Cannot specify both 'axis' and 'dim'"):
        tf.expand_dims(c, 0, dim=0)
    with pytest.raises(ValueError, match=r"Can not squeeze dim\[0\], expected a dimension of 1, "
                                         "got 2"):
        tf.squeeze(c, [0])
    with pytest.raises(ValueError, match=r"squeeze_dims\[0\] not in \[-2,2\)"):
        tf.squeeze(c, [2])
    u = tf.placeholder(tf.float32)
    i = tf.placeholder(tf.int32)
    v = np.zeros((2, 3), np.float32)
    checks = [(tf.squeeze(u, [0]), {u: v}, r"Can not squeeze dim\[0\], expected a dimension "
                                           "of 1, got 2"),
              (tf.squeeze(u, [3]), {u: v}, "Tried to squeeze dim index 3 for tensor with 2 "
                                           "dimensions"),
              (tf.expand_dims(u, i), {u: v, i: 4}, "Tried to expand dim index 4 for tensor "
                                                   "with 2 dimensions")]
    for t, feed, msg in checks:
        with pytest.raises(tf.errors.InvalidArgumentError, match=msg):
            run(t, feed)


# ---------------------------------------------------------------------------------------------
# Slicing: Tensor.__getitem__, slice, strided_slice


class _Index:
    def __getitem__(self, key):
        return key


IX = _Index()
SLICE_TABLE = [
    IX[0], IX[-1], IX[1:], IX[:-1], IX[::2], IX[::-1], IX[3:0:-1], IX[-2::-2], IX[1, 2],
    IX[1, 2, 3], IX[:, 1], IX[:, :, -1], IX[..., 0], IX[0, ...], IX[..., 1:3], IX[1, ..., 2],
    IX[None], IX[:, None], IX[..., None], IX[None, 0, None, ..., ::-1], IX[1:3, ::-1, None, -1],
    IX[10:], IX[-10:2], IX[2:1], IX[:, 5:1:-2], IX[...], IX[()], IX[np.int64(1)],
    IX[:, np.int32(-2):], IX[0, :, None, 1:4:2],
]


@pytest.mark.parametrize("index", SLICE_TABLE, ids=[repr(i) for i in SLICE_TABLE])
def test_getitem_matches_numpy(index):
    v = np.arange(4 * 5 * 6, dtype=np.float32).reshape(4, 5, 6)
    want = v[index]
    known = tf.constant(v)[index]
    assert known.shape.as_list() == list(want.shape)
    x = tf.placeholder(tf.float32, [None, 5, None])
    partial = x[index]
    assert partial.shape.is_compatible_with(want.shape)
    assert partial.op.name == "strided_slice_1" and partial.op.type == "StridedSlice"
    got_known, got_partial = run([known, partial], {x: v})
    np.testing.assert_array_equal(got_known, want)
    np.testing.assert_array_equal(got_partial, want)


@pytest.mark.parametrize("dtype,np_dtype", DTYPES, ids=DTYPE_IDS)
def test_getitem_every_dtype(dtype, np_dtype):
    v = arange((3, 4, 5), np_dtype)
    x = tf.placeholder(dtype, [3, 4, 5])
    got = run([x[1], x[:, ::-2, 1:4], x[..., 0, None], x[2, 3, 4]], {x: v})
    for g, w in zip(got, [v[1], v[:, ::-2, 1:4], v[..., 0, None], v[2, 3, 4]]):
        assert g.dtype == np_dtype
        np.testing.assert_array_equal(g, w)


def test_getitem_static_shape_with_unknown_dims():
    x = tf.placeholder(tf.float32, [None, 3])
    assert x[0].shape.as_list() == [3]
    assert x[:, 1].shape.as_list() == [None]
    assert x[::-1, 1:].shape.as_list() == [None, 2]
    assert x[tf.newaxis, ..., 0].shape.as_list() == [1, None]
    assert tf.placeholder(tf.float32)[..., 1].shape.ndims is None
    assert tf.newaxis is None


def test_getitem_tensor_index():
    v = np.arange(12, dtype=np.int32).reshape(3, 4)
    c = tf.constant(v)
    i = tf.placeholder(tf.int32, [])
    row = c[i]
    assert row.shape.as_list() == [4]
    j = tf.placeholder(tf.int64, [])
    got = run([row, c[j, ::-1]], {i: 2, j: 1})
    np.testing.assert_array_equal(got[0], v[2])
    np.testing.assert_array_equal(got[1], v[1, ::-1])
    np.testing.assert_array_equal(run(c[[0, 1]]), v[0, 1])  # a list is a tuple of indices
    if _has_add():
        np.testing.assert_array_equal(run(c[:, i], {i: 3}), v[:, 3])


def _has_add():
    return "AddV2" in _core.registered_ops() or "Add" in _core.registered_ops()


def test_getitem_errors():
    c = tf.constant(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match="slice index 5 of dimension 0 out of bounds"):
        c[5]
    with pytest.raises(ValueError, match="slice index -1 of dimension 0 out of bounds"):
        c[-3]
    with pytest.raises(ValueError, match="Index out of range using input dim 2; input has only "
                                         "2 dims"):
        c[0, 0, 0]
    with pytest.raises(ValueError, match=r"strides\[0\] must be non-zero"):
        c[::0]
    with pytest.raises(ValueError, match="Multiple ellipses in slice spec not allowed"):
        c[..., ...]
    for bad in (1.5, "a", tf.constant([0, 1]), tf.constant(1.0), np.array([0, 1]), True):
        with pytest.raises(TypeError, match="Only integers, slices"):
            c[bad]
    u = tf.placeholder(tf.float32)
    s = u[5]
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="slice index 5 of dimension 0 out of bounds"):
        run(s, {u: np.zeros((2, 3), np.float32)})
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Index out of range using input dim 2; input has only 2 dims"):
        run(u[0, 0, 0], {u: np.zeros((2, 3), np.float32)})


@pytest.mark.parametrize("dtype,np_dtype", DTYPES, ids=DTYPE_IDS)
def test_slice_and_strided_slice_ops(dtype, np_dtype):
    v = arange((4, 5, 6), np_dtype)
    x = tf.placeholder(dtype, [None, 5, 6])
    fetch = [tf.slice(x, [1, 0, 2], [2, -1, 3]), tf.slice(x, [0, 0, 0], [-1, -1, -1]),
             tf.strided_slice(x, [0, 1], [4, 5]),
             tf.strided_slice(x, [3, 0, 5], [0, 5, 0], [-1, 2, -2], begin_mask=2, end_mask=4),
             tf.strided_slice(x, [0, 2], [0, 3], [1, 1], ellipsis_mask=1, shrink_axis_mask=2),
             tf.strided_slice(x, [0, 0], [1, 1], new_axis_mask=1)]
    want = [v[1:3, :, 2:5], v, v[0:4, 1:5], v[3:0:-1, ::2, 5::-2], v[..., 2], v[None, 0:1]]
    for g, w in zip(run(fetch, {x: v}), want):
        assert g.dtype == np_dtype
        np.testing.assert_array_equal(g, w)
    assert fetch[0].shape.as_list() == [2, 5, 3]
    assert fetch[1].shape.as_list() == [None, 5, 6]
    assert fetch[3].shape.as_list() == [None, 3, 3]
    assert fetch[4].shape.as_list() == [None, 5]


def test_slice_errors():
    u = tf.placeholder(tf.float32)
    v = np.zeros((2, 3), np.float32)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Expected size\[0\] in \[0, 2\], but got 3"):
        run(tf.slice(u, [0, 0], [3, 1]), {u: v})
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Expected begin\[1\] in \[0, 3\], but got 4"):
        run(tf.slice(u, [0, 4], [1, 0]), {u: v})
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Expected begin and size arguments to be 1-D tensors of size 1"):
        run(tf.slice(u, [0, 0], [1, 1]), {u: [1.0]})
    with pytest.raises(ValueError, match="Expected begin and size arguments to be 1-D tensors "
                                         "of size 2"):
        tf.slice(tf.constant(v), [0], [1])


# ---------------------------------------------------------------------------------------------
# tile / gather


@pytest.mark.parametrize("dtype,np_dtype", DTYPES, ids=DTYPE_IDS)
def test_tile_and_gather_every_dtype(dtype, np_dtype):
    v = arange((3, 4, 2), np_dtype)
    x = tf.placeholder(dtype, [None, 4, 2])
    idx = tf.placeholder(tf.int64, [None])
    fetch = [tf.tile(x, [2, 1, 3]), tf.tile(x, [1, 0, 1]), tf.gather(x, [2, 0, 2]),
             tf.gather(x, idx, axis=1), tf.gather(x, [[1, 0], [0, 1]], axis=-1),
             tf.gather(x, 1)]
    want = [np.tile(v, (2, 1, 3)), np.tile(v, (1, 0, 1)), v[[2, 0, 2]], v[:, [3, 1]],
            v[:, :, [[1, 0], [0, 1]]], v[1]]
    for g, w in zip(run(fetch, {x: v, idx: [3, 1]}), want):
        assert g.dtype == np_dtype
        np.testing.assert_array_equal(g, w)
    assert [t.shape.as_list() for t in fetch] == [
        [None, 4, 6], [None, 0, 2], [3, 4, 2], [None, None, 2], [None, 4, 2, 2], [4, 2]]


def test_tile_gather_errors():
    c = tf.constant(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match="Shape must be rank 2 but is rank 1"):
        tf.tile(c, [2])
    with pytest.raises(ValueError, match=r"Expected axis in the range \[-2, 2\), but got 2"):
        tf.gather(c, [0], axis=2)
    u = tf.placeholder(tf.float32)
    m = tf.placeholder(tf.int32)
    v = np.zeros((2, 3), np.float32)
    checks = [(tf.tile(u, m), {u: v, m: [2]}, "Expected multiples argument to be a vector of "
                                              "length 2 but got length 1"),
              (tf.tile(u, m), {u: v, m: [2, -1]}, r"Expected multiples\[1\] >= 0, but got -1"),
              (tf.gather(u, [0, 5]), {u: v}, r"indices\[1\] = 5 is not in \[0, 2\)")]
    for t, feed, msg in checks:
        with pytest.raises(tf.errors.InvalidArgumentError, match=msg):
            run(t, feed)


def test_variables_slice_stack_and_reshape():
    v = np.arange(6, dtype=np.float32).reshape(2, 3)
    var = tf.Variable(v, name="w")
    parts = [var[1, ::-1], tf.stack([var, var]), tf.reshape(var, [-1]),
             tf.convert_to_tensor([var, tf.zeros([2, 3])]), tf.transpose(var), tf.shape(var)]
    assert parts[0].op.inputs[0].op.name == "w/read"
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        got = s.run(parts)
    for g, w in zip(got, [v[1, ::-1], np.stack([v, v]), v.reshape(-1),
                          np.stack([v, np.zeros_like(v)]), v.T, [2, 3]]):
        np.testing.assert_array_equal(g, w)


def test_identity_and_stop_gradient_name_python_inputs_like_tf():
    x = tf.placeholder(tf.float32, [2])
    a = tf.identity([[1.0, 2.0]])
    b = tf.identity([1, 2], name="idn")
    c = tf.stop_gradient([1.0])
    d = tf.identity(x)
    got = [(o.name, o.type) for o in tf.get_default_graph().get_operations()][1:]
    assert got == [("Identity/input", "Const"), ("Identity", "Identity"),
                   ("idn/input", "Const"), ("idn", "Identity"),
                   ("StopGradient/input", "Const"), ("StopGradient", "StopGradient"),
                   ("Identity_1", "Identity")]
    assert d.op.inputs[0] is x
    assert [str(t.shape) for t in (a, b, c)] == ["(1, 2)", "(2,)", "(1,)"]
