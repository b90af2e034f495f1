"""Reductions (reduce_* and argmax/argmin) against NumPy, TF1's node names and static shapes,
build- and run-time errors, and bitwise-identical results across thread counts."""

from __future__ import annotations

import numpy as np
import pytest

import pygraphx as tf
from pygraphx import _core

DTYPES = [np.float32, np.float64, np.int32, np.int64]
AXES = [None, 0, 1, -1, 2, [0, 2], [1, 2], (0, 1, 2), [-1, 0], []]
REDUCTIONS = ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod"]


def _data(dtype, shape=(3, 4, 5), seed=0) -> np.ndarray:
    rs = np.random.RandomState(seed)
    if np.issubdtype(dtype, np.integer):
        return rs.randint(-3, 4, size=shape).astype(dtype)
    return (rs.rand(*shape) * 2 - 0.5).astype(dtype)


def _np_axis(axis):
    if axis is None:
        return None
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def _expected(fn: str, x: np.ndarray, axis, keepdims: bool) -> np.ndarray:
    ax = _np_axis(axis)
    if fn == "reduce_mean" and np.issubdtype(x.dtype, np.integer):
        s = np.sum(x, axis=ax, keepdims=keepdims, dtype=np.int64)
        n = x.size // max(np.asarray(s).size, 1)
        return (np.sign(s) * (np.abs(s) // n)).astype(x.dtype)  # truncating division, as TF
    npfn = {"reduce_sum": np.sum, "reduce_mean": np.mean, "reduce_max": np.max,
            "reduce_min": np.min, "reduce_prod": np.prod}[fn]
    if fn in ("reduce_sum", "reduce_prod") and np.issubdtype(x.dtype, np.integer):
        return npfn(x, axis=ax, keepdims=keepdims, dtype=np.int64).astype(x.dtype)
    return np.asarray(npfn(x, axis=ax, keepdims=keepdims)).astype(x.dtype)


@pytest.mark.parametrize("fn", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_reductions_match_numpy(sess, fn, dtype):
    x = _data(dtype)
    xt = tf.constant(x)
    cases = [(axis, kd) for axis in AXES for kd in (False, True)]
    outs = [getattr(tf, fn)(xt, axis=axis, keepdims=kd) for axis, kd in cases]
    for (axis, kd), t, got in zip(cases, outs, sess.run(outs)):
        want = _expected(fn, x, axis, kd)
        assert got.dtype == x.dtype, (axis, kd)
        assert got.shape == want.shape, (axis, kd)
        assert tuple(t.shape.as_list()) == want.shape, (axis, kd)
        rtol = {np.float32: 2e-6, np.float64: 1e-13}.get(dtype, 0)
        np.testing.assert_allclose(got, want, rtol=rtol, err_msg=str((axis, kd)))


@pytest.mark.parametrize("fn,npfn", [("reduce_all", np.all), ("reduce_any", np.any)])
def test_logical_reductions(sess, fn, npfn):
    x = np.random.RandomState(1).rand(4, 3, 6) > 0.3
    x[1] = True
    x[2, :, 0] = False
    outs, wants = [], []
    for axis in AXES:
        for kd in (False, True):
            outs.append(getattr(tf, fn)(x, axis=axis, keepdims=kd))
            wants.append(npfn(x, axis=_np_axis(axis), keepdims=kd))
    for got, want in zip(sess.run(outs), wants):
        assert got.dtype == np.bool_
        np.testing.assert_array_equal(got, want)


def test_node_names_follow_tf():
    x = tf.placeholder(tf.float32, [None, 3, 4])
    s = tf.reduce_sum(x)
    m = tf.reduce_mean(x, name="mse")
    mx = tf.reduce_max(x, axis=[0, -1], keepdims=True)
    with tf.name_scope("sc"):
        p = tf.reduce_prod(x, axis=[])
    lst = tf.reduce_all([True, False], axis=0, name="allx")
    assert s.op.name == "Sum" and s.op.type == "Sum"
    assert [t.name for t in s.op.inputs] == ["Placeholder:0", "Const:0"]
    assert m.op.name == "mse" and m.op.type == "Mean"
    assert m.op.inputs[1].name == "Const_1:0"
    assert [t.name for t in mx.op.inputs] == ["Placeholder:0", "Max/reduction_indices:0"]
    assert p.op.name == "sc/Prod"
    assert p.op.inputs[1].name == "sc/Prod/reduction_indices_1:0"
    assert p.op.inputs[1].dtype == tf.int32
    assert [t.name for t in lst.op.inputs] == ["allx/input:0", "allx/reduction_indices:0"]
    assert s.op.get_attr("keep_dims") is False and mx.op.get_attr("keep_dims") is True
    assert s.op.get_attr("Tidx") == tf.int32 and s.op.get_attr("T") == tf.float32


def test_static_shapes():
    x = tf.placeholder(tf.float32, [None, 3, 4])
    ax = tf.placeholder(tf.int32)
    u = tf.placeholder(tf.float32)
    assert tf.reduce_sum(x).shape.as_list() == []
    assert tf.reduce_sum(x, keepdims=True).shape.as_list() == [1, 1, 1]
    assert tf.reduce_min(x, 1).shape.as_list() == [None, 4]
    assert tf.reduce_min(x, [0, 2], keepdims=True).shape.as_list() == [1, 3, 1]
    assert tf.reduce_mean(x, axis=-1).shape.as_list() == [None, 3]
    assert tf.reduce_sum(x, axis=ax).shape.ndims is None
    assert tf.reduce_sum(x, axis=ax, keepdims=True).shape.as_list() == [None, None, None]
    assert tf.reduce_sum(u, axis=1).shape.ndims is None
    assert tf.reduce_sum(u, axis=1, keepdims=True).shape.ndims is None
    assert tf.reduce_sum(x, reduction_indices=[1], keep_dims=True).shape.as_list() == [None, 1, 4]


@pytest.mark.skipif("Range" not in _core.registered_ops(),
                    reason="needs the Range op of the math family")
def test_unknown_rank_full_reduction_is_scalar(sess):
    u = tf.placeholder(tf.float32)
    s = tf.reduce_sum(u)
    assert s.shape.as_list() == []
    assert [t.op.type for t in s.op.inputs[1].op.inputs] == ["Const", "Rank", "Const"]
    assert s.op.inputs[1].op.name == "range" and s.op.inputs[1].op.type == "Range"
    v = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    assert sess.run(s, {u: v}) == v.sum()


def test_fed_axis_and_int64_axis(sess):
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    ax = tf.placeholder(tf.int32)
    s = tf.reduce_sum(x, axis=ax)
    s64 = tf.reduce_max(x, axis=tf.constant([-1, 0], tf.int64), keepdims=True)
    np.testing.assert_array_equal(sess.run(s, {ax: [0, -1]}), x.sum(axis=(0, 2)))
    np.testing.assert_array_equal(sess.run(s, {ax: 1}), x.sum(axis=1))
    np.testing.assert_array_equal(sess.run(s64), x.max(axis=(0, 2), keepdims=True))
    assert s64.op.get_attr("Tidx") == tf.int64


def test_argument_aliases():
    x = tf.constant(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match="Cannot specify both 'reduction_indices' and 'axis'"):
        tf.reduce_sum(x, axis=0, reduction_indices=0)
    with pytest.raises(ValueError, match="Cannot specify both 'keep_dims' and 'keepdims'"):
        tf.reduce_sum(x, keepdims=True, keep_dims=True)
    with pytest.raises(ValueError, match="Cannot specify both 'dimension' and 'axis'"):
        tf.argmax(x, axis=1, dimension=1)


def test_build_time_errors():
    x = tf.constant(np.ones((3, 4), np.float32))
    with pytest.raises(ValueError, match=r"Invalid reduction dimension 2 for input with 2 "
                                         r"dimensions\. for 'Sum' \(op: 'Sum'\)"):
        tf.reduce_sum(x, axis=2)
    with pytest.raises(ValueError, match="Invalid reduction dimension -3"):
        tf.reduce_mean(x, axis=[0, -3])
    with pytest.raises(ValueError, match="Invalid reduction dimension 0 for input with 0"):
        tf.reduce_sum(tf.constant(1.0), axis=0)
    with pytest.raises(ValueError, match="Shape must be at most rank 1 but is rank 2"):
        tf.reduce_sum(x, axis=[[0], [1]])
    with pytest.raises(TypeError, match="DataType bool not in list of allowed values"):
        tf.reduce_sum(tf.constant([True, False]))
    with pytest.raises(TypeError, match="DataType bool not in list"):
        tf.reduce_max(tf.constant([True]))
    with pytest.raises(TypeError, match="Input 'input' of 'All' Op has type float32"):
        tf.reduce_all(x)
    with pytest.raises(TypeError, match="parameter 'reduction_indices' has DataType float32"):
        tf.reduce_sum(x, axis=0.5)
    with pytest.raises(TypeError, match="parameter 'reduction_indices' has DataType float32"):
        tf.reduce_sum(x, axis=tf.constant(0.0))


def test_run_time_axis_errors(sess):
    x = tf.constant(np.ones((3, 4), np.float32))
    ax = tf.placeholder(tf.int32)
    s = tf.reduce_sum(x, axis=ax)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Invalid reduction dimension 5 for input with 2 dimension"):
        sess.run(s, {ax: 5})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid reduction dimension -3"):
        sess.run(s, {ax: [-3]})
    dup = tf.reduce_sum(x, axis=[1, -1])
    assert dup.shape.as_list() == [3]
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Axes contains duplicate dimension: 1"):
        sess.run(dup)


def test_integer_semantics(sess):
    m = tf.reduce_mean(tf.constant([[-7, 2], [3, 4]]), axis=1)
    m64 = tf.reduce_mean(tf.constant([1, 2], tf.int64))
    big = tf.reduce_sum(tf.constant([2 ** 31 - 1, 1], tf.int32))
    prod = tf.reduce_prod(tf.constant([2 ** 20, 2 ** 12], tf.int32))
    r = sess.run([m, m64, big, prod])
    np.testing.assert_array_equal(r[0], np.array([-2, 3], np.int32))
    assert r[1] == 1 and r[1].dtype == np.int64
    assert r[2] == -2 ** 31  # wraps like int32 arithmetic
    assert r[3] == 0


def test_empty_reductions(sess):
    e = tf.constant(np.zeros((0, 3), np.float32))
    ei = tf.constant(np.zeros((0,), np.int32))
    eb = tf.constant(np.zeros((0,), np.bool_))
    r = sess.run([tf.reduce_sum(e, 0), tf.reduce_mean(e, 0), tf.reduce_max(e, 0),
                  tf.reduce_min(e, 0), tf.reduce_prod(e, 0), tf.reduce_max(ei),
                  tf.reduce_mean(ei), tf.reduce_all(eb), tf.reduce_any(eb),
                  tf.reduce_sum(e, 1)])
    np.testing.assert_array_equal(r[0], [0, 0, 0])
    assert np.isnan(r[1]).all()
    np.testing.assert_array_equal(r[2], [-np.inf] * 3)
    np.testing.assert_array_equal(r[3], [np.inf] * 3)
    np.testing.assert_array_equal(r[4], [1, 1, 1])
    assert r[5] == np.iinfo(np.int32).min and r[6] == 0
    assert r[7] == True and r[8] == False  # noqa: E712
    assert r[9].shape == (0,)


def test_nan_propagates_in_max_and_min(sess):
    v = np.array([[1.0, np.nan, 0.0], [3.0, 2.0, 5.0]], np.float32)
    r = sess.run([tf.reduce_max(v), tf.reduce_min(v), tf.reduce_max(v, axis=0),
                  tf.reduce_min(v, axis=1), tf.reduce_max(v.T, axis=0)])
    assert np.isnan(r[0]) and np.isnan(r[1])
    np.testing.assert_array_equal(r[2], [3.0, np.nan, 5.0])
    np.testing.assert_array_equal(r[3], [np.nan, 2.0])
    np.testing.assert_array_equal(r[4], [np.nan, 5.0])


def _one_thread_session() -> tf.Session:
    return tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1,
                                            inter_op_parallelism_threads=1))


def test_large_reductions_are_accurate_and_thread_independent(sess):
    rs = np.random.RandomState(7)
    flat = (rs.rand(1_000_003) * 2 - 0.7).astype(np.float32)
    few_rows = rs.randn(3, 300_001).astype(np.float32)
    few_cols = rs.randn(200_003, 3).astype(np.float32)
    wide = rs.randn(700, 900).astype(np.float64)
    cube = rs.randn(60, 70, 80).astype(np.float32)
    ints = rs.randint(-1000, 1000, size=1_000_000).astype(np.int32)
    outs = [tf.reduce_sum(flat), tf.reduce_mean(flat), tf.reduce_sum(few_rows, 1),
            tf.reduce_sum(few_cols, 0), tf.reduce_mean(wide, 0), tf.reduce_sum(wide, 1),
            tf.reduce_sum(cube, [0, 2]), tf.reduce_max(few_cols, 0), tf.reduce_sum(ints),
            tf.argmax(flat), tf.argmin(few_rows, 1), tf.argmax(few_cols, 0)]
    wants = [flat.astype(np.float64).sum(), flat.astype(np.float64).mean(),
             few_rows.astype(np.float64).sum(1), few_cols.astype(np.float64).sum(0),
             wide.mean(0), wide.sum(1), cube.astype(np.float64).sum((0, 2)),
             few_cols.max(0), ints.sum(), flat.argmax(), few_rows.argmin(1), few_cols.argmax(0)]
    got = sess.run(outs)
    for g, w in zip(got, wants):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-3)
    np.testing.assert_allclose(got[0], np.sum(flat), rtol=1e-6)  # NumPy's float32 pairwise
    with _one_thread_session() as one:
        ref = one.run(outs)
    for g, r in zip(got, ref):
        np.testing.assert_array_equal(g, r)


@pytest.mark.parametrize("dtype", DTYPES + [np.bool_], ids=lambda d: np.dtype(d).name)
def test_argmax_argmin_match_numpy(sess, dtype):
    x = (_data(dtype, (4, 5, 6), seed=3) if dtype is not np.bool_
         else np.random.RandomState(3).rand(4, 5, 6) > 0.5)
    cases = [(None, "ArgMax"), (0, "ArgMax"), (1, "ArgMin"), (-1, "ArgMax"), (2, "ArgMin")]
    outs = [(tf.argmax if t == "ArgMax" else tf.argmin)(x, axis=a) for a, t in cases]
    for (axis, t), out, got in zip(cases, outs, sess.run(outs)):
        npfn = np.argmax if t == "ArgMax" else np.argmin
        want = npfn(x, axis=0 if axis is None else axis)
        assert got.dtype == np.int64
        assert out.op.type == t
        np.testing.assert_array_equal(got, want)


def test_argmax_details(sess):
    x = tf.placeholder(tf.float32, [None, 3, 4])
    a = tf.argmax(x)
    b = tf.argmin(x, axis=2, output_type=tf.int32)
    c = tf.argmax([1.0, 2.0], name="am")
    assert a.op.name == "ArgMax" and a.op.inputs[1].name == "ArgMax/dimension:0"
    assert a.shape.as_list() == [3, 4] and a.dtype == tf.int64
    assert b.shape.as_list() == [None, 3] and b.dtype == tf.int32
    assert [t.name for t in c.op.inputs] == ["am/input:0", "am/dimension:0"]
    assert tf.argmax(x, dimension=1).shape.as_list() == [None, 4]
    assert tf.argmax(x, axis=tf.placeholder(tf.int32)).shape.as_list() == [None, None]
    ties = tf.argmax(tf.constant([1.0, 3.0, 3.0]))
    ties_min = tf.argmin(tf.constant([[2, 1], [1, 1]]), axis=0)
    nans = [tf.argmax(tf.constant([1.0, np.nan, 3.0])), tf.argmax(tf.constant([np.nan, 1.0])),
            tf.argmin(tf.constant([np.nan, 1.0])), tf.argmax(tf.constant([np.nan, np.nan]))]
    r = sess.run([ties, ties_min] + nans)
    assert r[0] == 1
    np.testing.assert_array_equal(r[1], [1, 0])
    assert list(r[2:]) == [2, 1, 1, 0]


def test_argmax_errors(sess):
    x = tf.constant(np.ones((3, 4), np.float32))
    with pytest.raises(ValueError, match=r"Dimension \(2\) must be in the range \[-2, 2\)"):
        tf.argmax(x, axis=2)
    with pytest.raises(TypeError, match="axis must be int or Tensor with integer datatype"):
        tf.argmax(x, axis=[1])
    with pytest.raises(ValueError, match="Shape must be rank 0 but is rank 1"):
        tf.argmax(x, axis=tf.constant([0]))
    with pytest.raises(TypeError, match="parameter 'output_type' has DataType float32"):
        tf.argmax(x, output_type=tf.float32)
    ax = tf.placeholder(tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Expected dimension in the range \[-2, 2\), but got 5"):
        sess.run(tf.argmax(x, axis=ax), {ax: 5})
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Reduction axis 0 is empty in shape \[0,3\]"):
        sess.run(tf.argmax(tf.constant(np.zeros((0, 3), np.float32)), axis=0))


def test_full_reduction_of_python_value_uses_rank_and_range(sess):
    # TF's _ReductionDims has no static rank for a non-Tensor input: Rank + Range, then the
    # value is converted again as "<op>/input".
    s = tf.reduce_sum([[1.0, 2.0], [3.0, 4.0]])
    k = tf.reduce_max([[1, 5, 2]], keepdims=True)
    got = [(o.name, o.type) for o in tf.get_default_graph().get_operations()]
    assert got[:7] == [("Rank/Const", "Const"), ("Rank", "Const"), ("range/start", "Const"),
                       ("range/delta", "Const"), ("range", "Range"), ("Sum/input", "Const"),
                       ("Sum", "Sum")]
    assert s.op.inputs[1].op.name == "range" and k.op.inputs[1].op.name == "range_1"
    assert str(s.shape) == "()" and str(k.shape) == "(1, 1)"
    assert sess.run(s) == 10.0
    np.testing.assert_array_equal(sess.run(k), np.array([[5]], np.int32))
    # A tensor of known rank keeps the constant axes.
    t = tf.reduce_mean(tf.constant([1.0, 3.0]))
    assert t.op.inputs[1].op.type == "Const"
