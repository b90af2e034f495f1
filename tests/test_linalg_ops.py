"""matmul (MatMul and BatchMatMulV2), the @ operator and matrix_inverse against NumPy, with
TF1's node names, static shapes and errors, and the Normal Equation of chapter 9."""

from __future__ import annotations

import numpy as np
import pytest

import pygraphx as tf

DTYPES = [np.float32, np.float64, np.int32, np.int64]
RTOL = {np.float32: 1e-5, np.float64: 1e-12, np.int32: 0, np.int64: 0}


def _rand(shape, dtype, seed):
    rs = np.random.RandomState(seed)
    if np.issubdtype(dtype, np.integer):
        return rs.randint(-5, 6, size=shape).astype(dtype)
    return rs.randn(*shape).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_matmul_transpose_flags(sess, dtype):
    a, b = _rand((7, 5), dtype, 1), _rand((5, 3), dtype, 2)
    cases = [
        (a, b, {}, a @ b),
        (a.T.copy(), b, {"transpose_a": True}, a @ b),
        (a, b.T.copy(), {"transpose_b": True}, a @ b),
        (a.T.copy(), b.T.copy(), {"transpose_a": True, "transpose_b": True}, a @ b),
        (a.T.copy(), b.T.copy(), {"adjoint_a": True, "adjoint_b": True}, a @ b),
        (a, a, {"transpose_b": True}, a @ a.T),
    ]
    outs = [tf.matmul(tf.constant(x), tf.constant(y), **kw) for x, y, kw, _ in cases]
    for (_, _, kw, want), out, got in zip(cases, outs, sess.run(outs)):
        assert out.op.type == "MatMul"
        assert got.dtype == dtype and got.shape == want.shape, kw
        assert tuple(out.shape.as_list()) == want.shape
        np.testing.assert_allclose(got, want, rtol=RTOL[dtype], atol=1e-5, err_msg=str(kw))
    assert outs[1].op.get_attr("transpose_a") is True
    assert outs[4].op.get_attr("transpose_b") is True


def test_integer_matmul_wraps_like_numpy(sess):
    a = np.random.RandomState(3).randint(-2 ** 20, 2 ** 20, size=(40, 300)).astype(np.int32)
    b = np.random.RandomState(4).randint(-2 ** 20, 2 ** 20, size=(300, 70)).astype(np.int32)
    got = sess.run(tf.matmul(a, b, transpose_b=False))
    np.testing.assert_array_equal(got, a @ b)
    big = np.random.RandomState(5).randint(-9, 10, size=(130, 257)).astype(np.int64)
    np.testing.assert_array_equal(sess.run(tf.matmul(big, big, transpose_a=True)), big.T @ big)


def test_names_and_static_shapes():
    p = tf.placeholder(tf.float32, [None, 4])
    w = tf.constant(np.ones((4, 3), np.float32))
    m = tf.matmul(p, w)
    assert m.op.name == "MatMul" and m.shape.as_list() == [None, 3]
    lit = tf.matmul([[1.0, 2.0]], [[3.0], [4.0]])
    assert [t.name for t in lit.op.inputs] == ["MatMul_1/a:0", "MatMul_1/b:0"]
    named = tf.matmul(p, w, name="mm")
    assert named.op.name == "mm"
    mixed = tf.matmul(p, [[1, 2], [3, 4], [5, 6], [7, 8]])
    assert mixed.op.inputs[1].name == "MatMul_2/b:0" and mixed.dtype == tf.float32
    q = tf.placeholder(tf.float32, [None, None])
    assert tf.matmul(q, p, transpose_a=True).shape.as_list() == [None, 4]
    u = tf.placeholder(tf.float32)
    bu = tf.matmul(u, w)
    assert bu.op.type == "BatchMatMulV2" and bu.shape.ndims is None


def test_build_time_errors():
    a = tf.constant(np.ones((2, 3), np.float32))
    b = tf.constant(np.ones((4, 5), np.float32))
    with pytest.raises(ValueError) as e:
        tf.matmul(a, b)
    assert str(e.value) == ("Dimensions must be equal, but are 3 and 4 for 'MatMul' (op: "
                            "'MatMul') with input shapes: [2,3], [4,5].")
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 2 and 4"):
        tf.matmul(a, b, transpose_a=True)
    with pytest.raises(ValueError, match="Shape must be rank 2 but is rank 1"):
        tf.matmul(a, tf.constant(np.ones(3, np.float32)))
    with pytest.raises(TypeError, match="Input 'b' of 'MatMul' Op has type float64 that does "
                                        "not match type float32 of argument 'a'"):
        tf.matmul(a, tf.constant(np.ones((3, 2))))
    with pytest.raises(TypeError, match="DataType bool not in list of allowed values"):
        tf.matmul(tf.constant([[True]]), tf.constant([[True]]))
    with pytest.raises(ValueError, match="Only one of `transpose_a` and `adjoint_a`"):
        tf.matmul(a, a, transpose_a=True, adjoint_a=True)


def test_run_time_size_mismatch(sess):
    pa = tf.placeholder(tf.float32, [None, None])
    pb = tf.placeholder(tf.float32, [None, None])
    m = tf.matmul(pa, pb)
    mt = tf.matmul(pa, pb, transpose_a=True, transpose_b=True)
    feed = {pa: np.ones((2, 3), np.float32), pb: np.ones((4, 5), np.float32)}
    for t in (m, mt):
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Matrix size-incompatible: In\[0\]: \[2,3\], In\[1\]: \[4,5\]"):
            sess.run(t, feed)


def test_empty_matrices(sess):
    r = sess.run([tf.matmul(np.zeros((2, 0), np.float32), np.zeros((0, 3), np.float32)),
                  tf.matmul(np.zeros((0, 3)), np.ones((3, 2))),
                  tf.matmul(np.zeros((2, 0), np.int32), np.zeros((0, 3), np.int32))])
    np.testing.assert_array_equal(r[0], np.zeros((2, 3), np.float32))
    assert r[1].shape == (0, 2)
    np.testing.assert_array_equal(r[2], np.zeros((2, 3), np.int32))


def test_large_float32_matmul_close_to_numpy(sess):
    rs = np.random.RandomState(11)
    a = rs.randn(1024, 1024).astype(np.float32)
    b = rs.randn(1024, 1024).astype(np.float32)
    pa = tf.placeholder(tf.float32, [1024, 1024])
    pb = tf.placeholder(tf.float32, [1024, 1024])
    c = tf.matmul(pa, pb)
    ct = tf.matmul(pa, pb, transpose_a=True)
    got, got_t = sess.run([c, ct], {pa: a, pb: b})
    want = a.astype(np.float64) @ b.astype(np.float64)
    scale = np.abs(want).max()
    assert np.abs(got - want).max() < 1e-4 * scale
    assert np.abs(got_t - a.T.astype(np.float64) @ b).max() < 1e-4 * scale


def test_parallel_branches_of_matmuls(sess):
    rs = np.random.RandomState(12)
    x = rs.randn(300, 200).astype(np.float32)
    ws = [rs.randn(200, 150).astype(np.float32) for _ in range(4)]
    p = tf.placeholder(tf.float32, [None, 200])
    outs = [tf.matmul(p, w) for w in ws]
    for got, w in zip(sess.run(outs, {p: x}), ws):
        np.testing.assert_allclose(got, x @ w, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_batch_matmul_broadcasting(sess, dtype):
    cases = [((5, 2, 3), (3, 4), {}), ((2, 1, 2, 3), (3, 3, 4), {}),
             ((5, 3, 2), (1, 3, 4), {"adjoint_a": True}),
             ((4, 2, 3), (4, 5, 3), {"transpose_b": True})]
    outs, wants = [], []
    for i, (sa, sb, kw) in enumerate(cases):
        a, b = _rand(sa, dtype, 20 + i), _rand(sb, dtype, 40 + i)
        outs.append(tf.matmul(a, b, **kw))
        aa = np.swapaxes(a, -1, -2) if kw.get("adjoint_a") else a
        bb = np.swapaxes(b, -1, -2) if kw.get("transpose_b") else b
        wants.append(np.matmul(aa, bb))
    for out, got, want in zip(outs, sess.run(outs), wants):
        assert out.op.type == "BatchMatMulV2"
        assert tuple(out.shape.as_list()) == want.shape == got.shape
        np.testing.assert_allclose(got, want, rtol=RTOL[dtype], atol=1e-5)
    assert outs[2].op.get_attr("adj_x") is True and outs[3].op.get_attr("adj_y") is True


def test_batch_matmul_errors(sess):
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 5 and 4"):
        tf.matmul(tf.constant(np.ones((5, 2, 3))), tf.constant(np.ones((4, 3, 4))))
    with pytest.raises(ValueError, match="Shape must be at least rank 2 but is rank 1"):
        tf.matmul(tf.constant(np.ones((2, 2, 3))), tf.constant(np.ones(3)))
    pa = tf.placeholder(tf.float32, [None, 2, 3])
    pb = tf.placeholder(tf.float32, [None, 3, 4])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="must have compatible batch dimensions"):
        sess.run(tf.matmul(pa, pb), {pa: np.ones((2, 2, 3)), pb: np.ones((3, 3, 4))})
    pc = tf.placeholder(tf.float32, [None, None, None])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Matrix size-incompatible"):
        sess.run(tf.matmul(pc, pc), {pc: np.ones((2, 2, 3))})


def test_matmul_operator(sess):
    a = tf.constant(np.arange(4, dtype=np.float32).reshape(2, 2))
    c = a @ a
    d = [[1.0, 2.0]] @ a
    assert c.op.name == "matmul" and c.op.type == "MatMul"
    assert d.op.name == "matmul_1" and d.op.inputs[0].name == "matmul_1/x:0"
    av = np.arange(4, dtype=np.float32).reshape(2, 2)
    rc, rd = sess.run([c, d])
    np.testing.assert_array_equal(rc, av @ av)
    np.testing.assert_array_equal(rd, np.array([[1.0, 2.0]], np.float32) @ av)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_matrix_inverse_matches_numpy(sess, dtype):
    rs = np.random.RandomState(5)
    single = (rs.randn(6, 6) + 6 * np.eye(6)).astype(dtype)
    batch = (rs.randn(3, 4, 5, 5) + 5 * np.eye(5)).astype(dtype)
    big = (rs.randn(200, 200) + 20 * np.eye(200)).astype(dtype)
    outs = [tf.matrix_inverse(single), tf.matrix_inverse(batch),
            tf.matrix_inverse(single, adjoint=True), tf.matrix_inverse(big)]
    wants = [np.linalg.inv(single), np.linalg.inv(batch), np.linalg.inv(single.T),
             np.linalg.inv(big)]
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for out, got, want in zip(outs, sess.run(outs), wants):
        assert got.dtype == dtype and out.shape.as_list() == list(want.shape)
        np.testing.assert_allclose(got, want, rtol=tol * 10, atol=tol)
    assert outs[0].op.name == "MatrixInverse" and outs[2].op.get_attr("adjoint") is True


def test_matrix_inverse_shapes_and_errors(sess):
    assert tf.matrix_inverse(tf.placeholder(tf.float32, [5, None, 3])).shape.as_list() == [5, 3, 3]
    lit = tf.matrix_inverse(np.eye(2))
    assert lit.op.inputs[0].name == "MatrixInverse_1/input:0" and lit.dtype == tf.float64
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 2 and 3"):
        tf.matrix_inverse(tf.constant(np.ones((2, 3), np.float32)))
    with pytest.raises(ValueError, match="Shape must be at least rank 2 but is rank 1"):
        tf.matrix_inverse(tf.constant(np.ones(3, np.float32)))
    with pytest.raises(TypeError, match="DataType int32 not in list of allowed values"):
        tf.matrix_inverse(tf.constant(np.ones((3, 3), np.int32)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input is not invertible."):
        sess.run(tf.matrix_inverse(tf.constant(np.ones((3, 3), np.float32))))
    stacked = np.stack([np.eye(2), np.zeros((2, 2))]).astype(np.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input is not invertible."):
        sess.run(tf.matrix_inverse(stacked))
    p = tf.placeholder(tf.float32, [None, None])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input matrix must be square."):
        sess.run(tf.matrix_inverse(p), {p: np.ones((2, 3), np.float32)})
    assert sess.run(tf.matrix_inverse(np.zeros((0, 0), np.float32))).shape == (0, 0)


def _housing_like(m: int = 200) -> tuple:
    """A regression set with features of very different scales and a bias column."""
    rs = np.random.RandomState(42)
    scales = np.array([2.0, 12.0, 5.0, 1.0, 30.0, 3.0, 2.0, 2.0])
    feats = rs.rand(m, 8) * scales + scales / 4
    X = np.c_[np.ones((m, 1)), feats]
    theta = rs.randn(9, 1)
    y = X @ theta + 0.1 * rs.randn(m, 1)
    return X.astype(np.float32), y.astype(np.float32)


def test_normal_equation(sess):
    X_np, y_np = _housing_like()
    X = tf.constant(X_np, dtype=tf.float32, name="X")
    y = tf.constant(y_np, dtype=tf.float32, name="y")
    XT = tf.constant(X_np.T.copy(), name="XT")
    theta = tf.matmul(tf.matmul(tf.matrix_inverse(tf.matmul(XT, X)), XT), y)
    theta_flags = tf.matmul(tf.matmul(tf.matrix_inverse(tf.matmul(X, X, transpose_a=True)), X,
                                      transpose_b=True), y)
    want = np.linalg.lstsq(X_np.astype(np.float64), y_np.astype(np.float64), rcond=None)[0]
    got, got_flags = sess.run([theta, theta_flags])
    assert got.shape == (9, 1) and theta.shape.as_list() == [9, 1]
    for g in (got, got_flags):
        assert np.linalg.norm(g - want) / np.linalg.norm(want) < 1e-3
