"""Chapter 9's first listings, run as a user would write them, with TF1's values."""

from __future__ import annotations

import numpy as np
import pytest

import pygraphx as tf


def test_first_graph_with_session_run_and_close():
    x = tf.Variable(3, name="x")
    y = tf.Variable(4, name="y")
    f = x * x * y + y + 2
    sess = tf.Session()
    sess.run(x.initializer)
    sess.run(y.initializer)
    result = sess.run(f)
    sess.close()
    assert result == 42
    assert result.dtype == np.int32
    assert (x.name, y.name) == ("x:0", "y:0")
    with pytest.raises(RuntimeError):
        sess.run(f)


def test_first_graph_with_block_and_eval():
    x = tf.Variable(3, name="x")
    y = tf.Variable(4, name="y")
    f = x * x * y + y + 2
    with tf.Session():
        x.initializer.run()
        y.initializer.run()
        result = f.eval()
    assert result == 42


def test_global_variables_initializer():
    x = tf.Variable(3, name="x")
    y = tf.Variable(4, name="y")
    f = x * x * y + y + 2
    init = tf.global_variables_initializer()
    assert init.name == "init"
    with tf.Session():
        init.run()
        assert f.eval() == 42


def test_interactive_session_is_default():
    x = tf.Variable(3, name="x")
    y = tf.Variable(4, name="y")
    f = x * x * y + y + 2
    init = tf.global_variables_initializer()
    sess = tf.InteractiveSession()
    try:
        assert tf.get_default_session() is sess
        init.run()
        assert f.eval() == 42
    finally:
        sess.close()
    assert tf.get_default_session() is not sess


def test_managing_graphs():
    x1 = tf.Variable(1)
    assert x1.graph is tf.get_default_graph()
    graph = tf.Graph()
    with graph.as_default():
        x2 = tf.Variable(2)
    assert x2.graph is graph
    assert x2.graph is not tf.get_default_graph()


def test_node_lifecycle_shared_dependencies_evaluated_once():
    w = tf.constant(3)
    x = w + 2
    y = x + 5
    z = x * 3
    with tf.Session() as sess:
        assert y.eval() == 10
        assert z.eval() == 15
    with tf.Session() as sess:
        y_val, z_val = sess.run([y, z])
    assert (y_val, z_val) == (10, 15)


def test_placeholder_feeding():
    A = tf.placeholder(tf.float32, shape=(None, 3))
    B = A + 5
    with tf.Session():
        B_val_1 = B.eval(feed_dict={A: [[1, 2, 3]]})
        B_val_2 = B.eval(feed_dict={A: [[4, 5, 6], [7, 8, 9]]})
    np.testing.assert_array_equal(B_val_1, [[6, 7, 8]])
    np.testing.assert_array_equal(B_val_2, [[9, 10, 11], [12, 13, 14]])
    assert B_val_1.dtype == np.float32
    assert str(B.shape) == "(?, 3)"


def _regression_data(m: int = 300, n: int = 8, seed: int = 0):
    rng = np.random.RandomState(seed)
    data = rng.randn(m, n) * rng.uniform(0.5, 3.0, size=n)
    target = data @ rng.randn(n) + 1.5 + 0.1 * rng.randn(m)
    return np.c_[np.ones((m, 1)), data], target.reshape(-1, 1)


def test_normal_equation_matches_least_squares():
    data_plus_bias, target = _regression_data()
    X = tf.constant(data_plus_bias, dtype=tf.float32, name="X")
    y = tf.constant(target, dtype=tf.float32, name="y")
    XT = tf.transpose(X)
    theta = tf.matmul(tf.matmul(tf.matrix_inverse(tf.matmul(XT, X)), XT), y)
    with tf.Session():
        theta_value = theta.eval()
    expected = np.linalg.lstsq(data_plus_bias, target, rcond=None)[0]
    assert theta_value.shape == (data_plus_bias.shape[1], 1)
    rel = np.linalg.norm(theta_value - expected) / np.linalg.norm(expected)
    assert rel <= 1e-3
    assert X.op.name == "X" and XT.op.name == "transpose"
