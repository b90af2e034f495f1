"""MatMul's float paths against NumPy: matrix-vector shapes (one output column or row), thin
products with small inner dimensions, and products large enough to be split across the pool,
for both float dtypes, every transpose flag and 1, 2 and 4 threads."""

from __future__ import annotations

import ctypes
import itertools
import os

import numpy as np
import pytest

import pygraphx as tf

FLOAT_DTYPES = [np.float32, np.float64]
FLAGS = list(itertools.product([False, True], repeat=2))

# (m, k, n): one output column or row, around k = 1 and small k, 2-wide neighbours that take
# the general path, and long vectors that are split across threads.
SKINNY = [(10000, 3, 1), (1, 3, 10000), (1, 1, 1), (5, 1, 1), (1, 16, 1), (3, 17, 1),
          (1, 17, 4), (2, 3, 1), (1, 3, 2), (2, 16, 2), (10000, 3, 2), (2, 3, 10000),
          (70000, 5, 1), (1, 5, 70000), (3, 20000, 1), (1, 20000, 3)]
# General products, some big enough to be split by rows or by columns.
GENERAL = [(7, 5, 3), (300, 1, 300), (600, 300, 500), (64, 256, 2000), (513, 129, 65)]


def _operands(m, k, n, dtype, ta, tb, seed):
    rs = np.random.RandomState(seed)
    a = rs.randn(m, k).astype(dtype)
    b = rs.randn(k, n).astype(dtype)
    return a, b, (a.T.copy() if ta else a), (b.T.copy() if tb else b)


def _assert_product(got, a, b, dtype, what):
    """Within the forward error bound of a length-k dot product: |error| <= k eps |a||b|."""
    want = a.astype(np.float64) @ b.astype(np.float64)
    bound = np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64)
    eps = np.finfo(dtype).eps
    k = a.shape[1]
    assert got.dtype == dtype and got.shape == want.shape, what
    excess = np.abs(got - want) - (k + 2) * eps * bound - np.finfo(dtype).tiny
    assert excess.max(initial=-1.0) <= 0, what


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", SKINNY + GENERAL, ids=lambda s: "x".join(map(str, s)))
def test_matmul_matches_numpy_for_every_transpose_flag(sess, dtype, shape):
    m, k, n = shape
    cases = []
    for i, (ta, tb) in enumerate(FLAGS):
        a, b, sa, sb = _operands(m, k, n, dtype, ta, tb, seed=100 + i)
        pa = tf.placeholder(dtype, sa.shape)
        pb = tf.placeholder(dtype, sb.shape)
        out = tf.matmul(pa, pb, transpose_a=ta, transpose_b=tb)
        assert out.shape.as_list() == [m, n]
        cases.append((out, {pa: sa, pb: sb}, a, b, (ta, tb)))
    for out, feed, a, b, flags in cases:
        _assert_product(sess.run(out, feed), a, b, dtype, "%s %s" % (shape, flags))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=lambda d: np.dtype(d).name)
def test_matmul_results_agree_across_thread_counts(dtype):
    shapes = [(70000, 5, 1), (1, 5, 70000), (600, 300, 500), (64, 256, 2000)]
    g = tf.Graph()
    with g.as_default():
        feeds, outs, operands = {}, [], []
        for i, (m, k, n) in enumerate(shapes):
            a, b, _, _ = _operands(m, k, n, dtype, False, False, seed=200 + i)
            pa, pb = tf.placeholder(dtype, a.shape), tf.placeholder(dtype, b.shape)
            feeds.update({pa: a, pb: b})
            outs.append(tf.matmul(pa, pb))
            operands.append((a, b))
    results = {}
    for threads in (1, 2, 4):
        cfg = tf.ConfigProto(intra_op_parallelism_threads=threads,
                             inter_op_parallelism_threads=threads)
        with tf.Session(graph=g, config=cfg) as s:
            results[threads] = s.run(outs, feeds)
            again = s.run(outs, feeds)
        for first, second in zip(results[threads], again):
            np.testing.assert_array_equal(first, second)  # deterministic for a thread count
    for threads in (2, 4):
        for (a, b), one, many in zip(operands, results[1], results[threads]):
            _assert_product(many, a, b, dtype, "threads=%d" % threads)
            _assert_product(one, a, b, dtype, "threads=1")


def test_batch_matmul_of_vectors(sess):
    rs = np.random.RandomState(7)
    a = rs.randn(6, 1000, 3).astype(np.float32)
    b = rs.randn(6, 3, 1).astype(np.float32)
    c = rs.randn(1, 3).astype(np.float32)
    got_ab, got_cb = sess.run([tf.matmul(a, b), tf.matmul(c, b)])
    for i in range(6):
        _assert_product(got_ab[i], a[i], b[i], np.float32, "batch %d" % i)
        _assert_product(got_cb[i], c, b[i], np.float32, "broadcast batch %d" % i)


def _openblas():
    scipy_openblas32 = pytest.importorskip("scipy_openblas32")
    lib_dir = scipy_openblas32.get_lib_dir()
    names = [f for f in os.listdir(lib_dir) if f.startswith("libscipy_openblas") and ".so" in f]
    return ctypes.CDLL(os.path.join(lib_dir, names[0]))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=lambda d: np.dtype(d).name)
def test_openblas_runs_single_threaded_under_every_pool(sess, dtype):
    """Large products are split across the session's pool; OpenBLAS's own threads stay idle
    even when something else in the process asked it for more."""
    blas = _openblas()
    blas.scipy_openblas_set_num_threads(2)
    a, b, _, _ = _operands(300, 300, 300, dtype, False, False, seed=300)
    pa, pb = tf.placeholder(dtype, a.shape), tf.placeholder(dtype, b.shape)
    _assert_product(sess.run(tf.matmul(pa, pb), {pa: a, pb: b}), a, b, dtype, "300^3")
    assert blas.scipy_openblas_get_num_threads() == 1
    x = np.eye(50, dtype=dtype) * 2
    blas.scipy_openblas_set_num_threads(2)
    np.testing.assert_allclose(sess.run(tf.matrix_inverse(x)), np.eye(50) / 2)
    assert blas.scipy_openblas_get_num_threads() == 1
