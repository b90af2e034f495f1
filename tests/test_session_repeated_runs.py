"""Repeated runs with the same fetches and feed keys take a cached path: it must check fed
values, follow graph changes and raise what the first run raises."""

from __future__ import annotations

import numpy as np
import pytest

import pygraphx as tf

RUNS = 3  # the first run caches, the next ones use the cache


def _relu_graph():
    x = tf.placeholder(tf.float32, shape=(None, 3), name="X")
    w = tf.constant([[1.0], [-2.0], [0.5]], name="w")
    return x, tf.nn.relu(tf.matmul(x, w))


def test_values_follow_the_feeds(make_session):
    x, y = _relu_graph()
    sess = make_session()
    for i in range(RUNS):
        batch = np.full((i + 1, 3), float(i), np.float32)
        expected = np.maximum(batch @ np.array([[1.0], [-2.0], [0.5]], np.float32), 0)
        np.testing.assert_allclose(sess.run(y, {x: batch}), expected)
        # Python lists, other dtypes and non-contiguous arrays are converted as on the first run.
        np.testing.assert_allclose(sess.run(y, {x: batch.tolist()}), expected)
        np.testing.assert_allclose(sess.run(y, {x: batch.astype(np.float64)}), expected)
        wide = np.repeat(batch, 2, axis=1)[:, ::2]
        np.testing.assert_allclose(sess.run(y, {x: wide}), expected)


def test_fetch_structures_are_fresh_each_time(make_session):
    a = tf.constant(1.0)
    b = tf.constant(2.0)
    op = tf.no_op()
    sess = make_session()
    for _ in range(RUNS):
        out = sess.run([a, b, a])
        assert out == [1.0, 2.0, 1.0] and isinstance(out, list)
        out.append("mutated")
        assert sess.run((a, op)) == (1.0, None)
        assert sess.run(op) is None
        assert isinstance(sess.run(a), np.float32)


def test_errors_on_the_cached_path(make_session):
    x, y = _relu_graph()
    sess = make_session()
    ok = np.zeros((2, 3), np.float32)
    sess.run(y, {x: ok})
    for _ in range(RUNS):
        with pytest.raises(ValueError, match="Cannot feed value of shape"):
            sess.run(y, {x: np.zeros((2, 4), np.float32)})
        with pytest.raises(ValueError, match="Cannot feed value of shape"):
            sess.run(y, {x: np.zeros(3, np.float32)})
        with pytest.raises(TypeError, match="The value of a feed cannot be a tf.Tensor"):
            sess.run(y, {x: y})
        with pytest.raises(ValueError):
            sess.run(y, {x: [["a", "b", "c"]]})
    with pytest.raises(tf.errors.InvalidArgumentError):
        for _ in range(RUNS):
            sess.run(y)
    sess.close()
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(y, {x: ok})


def test_graph_changes_reach_cached_runs(make_session):
    x, y = _relu_graph()
    sess = make_session()
    for _ in range(RUNS):
        sess.run(y, {x: np.zeros((2, 3), np.float32)})
    x.set_shape((1, 3))  # narrowing the placeholder's shape changes what may be fed
    with pytest.raises(ValueError, match="Cannot feed value of shape"):
        sess.run(y, {x: np.zeros((2, 3), np.float32)})
    assert sess.run(y, {x: np.ones((1, 3), np.float32)}).shape == (1, 1)
    tf.get_default_graph().prevent_feeding(x)
    with pytest.raises(ValueError, match="may not be fed"):
        sess.run(y, {x: np.ones((1, 3), np.float32)})


def test_cached_runs_see_variable_updates(make_session):
    v = tf.Variable(0.0)
    inc = tf.assign_add(v, 1.0)
    sess = make_session()
    sess.run(v.initializer)
    assert [float(sess.run(inc)) for _ in range(RUNS)] == [1.0, 2.0, 3.0]
    assert sess.run(v) == 3.0


def test_feed_order_and_several_feeds(make_session):
    a = tf.placeholder(tf.float32, shape=(), name="a")
    b = tf.placeholder(tf.float32, shape=(), name="b")
    d = a - b
    sess = make_session()
    for i in range(RUNS):
        assert sess.run(d, {a: 5.0, b: float(i)}) == 5.0 - i
        assert sess.run(d, {b: float(i), a: 5.0}) == 5.0 - i


def test_large_results_of_earlier_runs_keep_their_values(make_session):
    # Large buffers released by a run are reused by later runs of the same sizes: a result the
    # caller still holds must never be one of them, and reused memory must hold new values.
    n = 1 << 16  # 256 KiB per float32 value, above the reuse threshold
    x = tf.placeholder(tf.float32, shape=(n,), name="X")
    y = tf.tanh(x * 2.0) + tf.sqrt(tf.abs(x))
    z = tf.matmul(tf.reshape(y, (256, 256)), tf.reshape(x, (256, 256)))
    sess = make_session()
    rng = np.random.RandomState(0)
    feeds = [rng.randn(n).astype(np.float32) for _ in range(4)]
    expected = []
    for v in feeds:
        ev = np.tanh(v * 2.0) + np.sqrt(np.abs(v))
        expected.append((ev, ev.reshape(256, 256) @ v.reshape(256, 256)))
    kept = [sess.run([y, z], {x: v}) for v in feeds]
    for (y_got, z_got), (y_want, z_want) in zip(kept, expected):
        np.testing.assert_allclose(y_got, y_want, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(z_got, z_want, rtol=1e-4, atol=1e-3)
    for i in range(8):  # results dropped at once: their memory comes back on the next run
        y_got, z_got = sess.run([y, z], {x: feeds[i % 4]})
        np.testing.assert_allclose(y_got, expected[i % 4][0], rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(z_got, expected[i % 4][1], rtol=1e-4, atol=1e-3)
