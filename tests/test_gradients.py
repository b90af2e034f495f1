"""tf.gradients: TF1's semantics and node names, and the ops gradients are built from."""

from __future__ import annotations

import numpy as np
import pytest

import pygraphx as tf
from pygraphx.framework import gradient_registry
from pygraphx.ops import grad_ops


def _new_ops(before: int):
    return tf.get_default_graph().get_operations()[before:]


def _count() -> int:
    return len(tf.get_default_graph().get_operations())


# ---------------------------------------------------------------------------------------------
# Chapter 9: linear regression by hand-built gradients


def _linear_regression(rs: np.random.RandomState):
    data = rs.uniform(-1, 1, size=(20, 3)).astype(np.float32)
    target = rs.uniform(-1, 1, size=(20, 1)).astype(np.float32)
    X = tf.constant(data, dtype=tf.float32, name="X")
    y = tf.constant(target, dtype=tf.float32, name="y")
    theta = tf.Variable(tf.random_uniform([3, 1], -1.0, 1.0, seed=42), name="theta")
    y_pred = tf.matmul(X, theta, name="predictions")
    error = y_pred - y
    mse = tf.reduce_mean(tf.square(error), name="mse")
    return data, target, theta, mse


def test_chapter9_gradient_names_match_tf():
    _, _, theta, mse = _linear_regression(np.random.RandomState(0))
    n = _count()
    grad = tf.gradients(mse, [theta])[0]
    assert grad.name == "gradients/predictions_grad/MatMul_1:0"
    got = [(op.name, op.type) for op in _new_ops(n)]
    # The nodes TF 1.x (tf.compat.v1, graph mode) builds for this graph, in order.
    assert got == [
        ("gradients/Shape", "Const"),
        ("gradients/grad_ys_0/Const", "Const"),
        ("gradients/grad_ys_0", "Fill"),
        ("gradients/mse_grad/Reshape/shape", "Const"),
        ("gradients/mse_grad/Reshape", "Reshape"),
        ("gradients/mse_grad/Const", "Const"),
        ("gradients/mse_grad/Tile", "Tile"),
        ("gradients/mse_grad/Const_1", "Const"),
        ("gradients/mse_grad/truediv", "RealDiv"),
        ("gradients/Square_grad/Const", "Const"),
        ("gradients/Square_grad/Mul", "Mul"),
        ("gradients/Square_grad/Mul_1", "Mul"),
        ("gradients/sub_grad/Neg", "Neg"),
        ("gradients/predictions_grad/MatMul", "MatMul"),
        ("gradients/predictions_grad/MatMul_1", "MatMul"),
    ]
    sq = tf.get_default_graph().get_operation_by_name("gradients/Square_grad/Const")
    assert [c.name for c in sq.control_inputs] == ["gradients/mse_grad/truediv"]
    mm = tf.get_default_graph().get_operation_by_name("gradients/predictions_grad/MatMul")
    assert [t.name for t in mm.inputs] == ["gradients/Square_grad/Mul_1:0", "theta/read:0"]
    assert tf.gradients(mse, [theta])[0].name == "gradients_1/predictions_grad/MatMul_1:0"


def test_chapter9_gradient_descent_matches_numpy(sess):
    data, target, theta, mse = _linear_regression(np.random.RandomState(1))
    grad = tf.gradients(mse, [theta])[0]
    training_op = tf.assign(theta, theta - 0.1 * grad)
    sess.run(tf.global_variables_initializer())
    t = sess.run(theta).astype(np.float64)
    for _ in range(5):
        expected = 2.0 / len(data) * data.T.astype(np.float64) @ (data @ t - target)
        g, _ = sess.run([grad, training_op])
        np.testing.assert_allclose(g, expected, rtol=1e-4, atol=1e-6)
        t = t - 0.1 * expected
    np.testing.assert_allclose(sess.run(theta), t, rtol=1e-4, atol=1e-6)


# ---------------------------------------------------------------------------------------------
# Arguments and results


def test_single_tensors_and_lists(sess):
    x = tf.placeholder(tf.float32, [3], name="x")
    z = tf.placeholder(tf.float32, [3], name="z")
    y = x * z
    single = tf.gradients(y, x)
    assert isinstance(single, list) and len(single) == 1
    both = tf.gradients([y], (x, z))
    xv, zv = np.array([1.0, 2.0, 3.0], np.float32), np.array([4.0, 5.0, 6.0], np.float32)
    gx, gz = sess.run(both, {x: xv, z: zv})
    np.testing.assert_allclose(gx, zv)
    np.testing.assert_allclose(gz, xv)


def test_several_ys_are_summed(sess):
    x = tf.placeholder(tf.float32, [3], name="x")
    ys = [x * 2.0, tf.square(x)]
    n = _count()
    g = tf.gradients(ys, x)[0]
    assert g.name == "gradients/AddN:0"
    names = [op.name for op in _new_ops(n)]
    assert names[:6] == ["gradients/Shape", "gradients/grad_ys_0/Const", "gradients/grad_ys_0",
                         "gradients/Shape_1", "gradients/grad_ys_1/Const",
                         "gradients/grad_ys_1"]
    xv = np.array([1.0, -2.0, 3.0], np.float32)
    np.testing.assert_allclose(sess.run(g, {x: xv}), 2.0 + 2.0 * xv)


def test_several_paths_are_summed_with_add_n(sess):
    x = tf.placeholder(tf.float64, [2, 3], name="a")
    y = tf.exp(x) + tf.log(x) + tf.sigmoid(x)
    n = _count()
    g = tf.gradients(y, x)[0]
    assert g.name == "gradients/AddN:0"
    assert [op.name for op in _new_ops(n)][3:] == [
        "gradients/Sigmoid_grad/SigmoidGrad", "gradients/Exp_grad/mul",
        "gradients/Log_grad/Reciprocal", "gradients/Log_grad/mul", "gradients/AddN"]
    xv = np.random.RandomState(2).uniform(0.5, 2, (2, 3))
    s = 1 / (1 + np.exp(-xv))
    np.testing.assert_allclose(sess.run(g, {x: xv}), np.exp(xv) + 1 / xv + s * (1 - s))


def test_grad_ys(sess):
    x = tf.placeholder(tf.float32, [2], name="x")
    y = tf.square(x)
    g = tf.gradients(y, x, grad_ys=tf.constant([1.0, 10.0]))[0]
    np.testing.assert_allclose(sess.run(g, {x: [3.0, 4.0]}), [6.0, 80.0])
    ident = tf.get_default_graph().get_operation_by_name("gradients/grad_ys_0")
    assert ident.type == "Identity"
    # Python values are accepted (as y's dtype); None means ones.
    g2 = tf.gradients([y, 2.0 * x], x, grad_ys=[[0.5, 0.5], None])[0]
    np.testing.assert_allclose(sess.run(g2, {x: [3.0, 4.0]}), [5.0, 6.0])


def test_grad_ys_errors():
    x = tf.placeholder(tf.float32, [2], name="x")
    y = x * 3.0
    with pytest.raises(ValueError, match="Passed 2 grad_ys for 1 ys"):
        tf.gradients(y, x, grad_ys=[1.0, 2.0])
    with pytest.raises(TypeError, match="float64"):
        tf.gradients(y, x, grad_ys=tf.constant([1.0, 2.0], tf.float64))
    with pytest.raises(ValueError, match=r"grad_ys\[0\] has shape \(3,\)"):
        tf.gradients(y, x, grad_ys=tf.constant([1.0, 2.0, 3.0]))


def test_unconnected_and_integer_xs_get_none(sess):
    a = tf.placeholder(tf.float32, [2], name="a")
    b = tf.placeholder(tf.float32, [2], name="b")
    i = tf.placeholder(tf.int32, [2], name="i")
    assert tf.gradients(a * 2.0, [a, b])[1] is None
    assert tf.gradients(i * 3, i) == [None]
    # Only the float path carries a gradient: the round trip through int32 does not.
    y = tf.cast(tf.cast(a, tf.int32), tf.float32) + a * 5.0
    assert tf.gradients(y, i) == [None]
    g = tf.gradients(y, a)[0]
    np.testing.assert_allclose(sess.run(g, {a: [1.5, 2.5]}), [5.0, 5.0])
    # A tensor is its own gradient source, whatever its dtype (as in TF).
    assert tf.gradients(a, a)[0].name == "gradients_4/grad_ys_0:0"


def test_stop_gradient_op(sess):
    a = tf.placeholder(tf.float32, [2], name="a")
    y = tf.stop_gradient(a * 2.0) * a + a * a
    g = tf.gradients(y, a)[0]
    np.testing.assert_allclose(sess.run(g, {a: [1.0, 3.0]}), [2.0 + 2.0, 6.0 + 6.0])
    assert tf.gradients(tf.stop_gradient(a), a) == [None]
    assert tf.get_default_graph().get_operations()  # the graph was built
    assert gradient_registry.get_gradient_function("StopGradient") is None


def test_stop_gradients_argument(sess):
    a = tf.placeholder(tf.float32, [2], name="a")
    b = a * 2.0
    y = b * a
    g = tf.gradients(y, a, stop_gradients=[b])[0]
    # b is treated as a constant: dy/da = b.
    np.testing.assert_allclose(sess.run(g, {a: [1.0, 3.0]}), [2.0, 6.0])
    g_full = tf.gradients(y, a)[0]
    np.testing.assert_allclose(sess.run(g_full, {a: [1.0, 3.0]}), [4.0, 12.0])
    # Stopping at an x still reports that x's own gradient.
    gb = tf.gradients(y, [a, b], stop_gradients=[b])
    np.testing.assert_allclose(sess.run(gb[1], {a: [1.0, 3.0]}), [1.0, 3.0])


def test_name_scopes():
    a = tf.placeholder(tf.float32, [2], name="a")
    assert tf.gradients(a * 2.0, a)[0].name == "gradients/mul_grad/Mul:0"
    assert tf.gradients(a * 2.0, a)[0].name == "gradients_1/mul_1_grad/Mul:0"
    assert tf.gradients(a * 2.0, a, name="mygrads")[0].name == "mygrads/mul_2_grad/Mul:0"
    with tf.name_scope("outer"):
        g = tf.gradients(a * 2.0, a)[0]
    assert g.name == "outer/gradients/outer/mul_grad/Mul:0"


def test_op_without_gradient_raises_lookup_error(monkeypatch):
    a = tf.placeholder(tf.float32, [2], name="a")
    y = tf.tanh(a, name="squash")
    monkeypatch.delitem(gradient_registry._gradient_functions, "Tanh")
    with pytest.raises(LookupError, match=r"'squash' \(op type: Tanh\)"):
        tf.gradients(y, a)
    # Not on a path from xs: no complaint.
    b = tf.placeholder(tf.float32, [2], name="b")
    assert tf.gradients(y + b, b)[0] is not None


def test_gradient_function_with_wrong_arity_is_reported(monkeypatch):
    a = tf.placeholder(tf.float32, [2], name="a")
    y = tf.tanh(a)
    monkeypatch.setitem(gradient_registry._gradient_functions, "Tanh",
                        lambda op, grad: [grad, grad])
    with pytest.raises(ValueError, match="Num gradients 2 generated for op Tanh do not match "
                                         "num inputs 1"):
        tf.gradients(y, a)


def test_variables_as_xs(sess):
    v = tf.Variable([1.0, 2.0], name="v")
    y = v * 2.0 + tf.reduce_sum(v * v)
    g_var, g_read, g_new_read = tf.gradients(y, [v, v.value(), v.read_value()])
    assert g_var is g_read
    assert g_new_read is None
    sess.run(v.initializer)
    # The scalar sum is broadcast over v's two elements, so it counts twice.
    np.testing.assert_allclose(sess.run(g_var), 2.0 + 2 * 2.0 * np.array([1.0, 2.0]))
    w = tf.get_variable("w", shape=[2], initializer=tf.ones_initializer())
    gw = tf.gradients(tf.reduce_sum(w * 3.0), w)[0]
    sess.run(w.initializer)
    np.testing.assert_allclose(sess.run(gw), [3.0, 3.0])


def test_gate_gradients_groups_input_gradients(sess):
    a = tf.placeholder(tf.float32, [2, 2], name="a")
    b = tf.placeholder(tf.float32, [2, 2], name="b")
    y = tf.matmul(a, b)
    ga, gb = tf.gradients(y, [a, b], gate_gradients=True)
    assert ga.name == "gradients/MatMul_grad/tuple/control_dependency:0"
    assert gb.name == "gradients/MatMul_grad/tuple/control_dependency_1:0"
    av = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    bv = np.array([[0.5, -1.0], [2.0, 1.0]], np.float32)
    got_a, got_b = sess.run([ga, gb], {a: av, b: bv})
    np.testing.assert_allclose(got_a, np.ones((2, 2)) @ bv.T)
    np.testing.assert_allclose(got_b, av.T @ np.ones((2, 2)))


def test_aggregation_method():
    a = tf.placeholder(tf.float32, [2], name="a")
    for m in (tf.AggregationMethod.ADD_N, tf.AggregationMethod.EXPERIMENTAL_TREE,
              tf.AggregationMethod.EXPERIMENTAL_ACCUMULATE_N, None):
        assert tf.gradients(a * a, a, aggregation_method=m)[0].op.type == "AddN"
    with pytest.raises(ValueError, match="Invalid `aggregation_method` specified 7"):
        tf.gradients(a * 2.0, a, aggregation_method=7)


def test_unused_outputs_get_zeros(sess):
    a = tf.placeholder(tf.float32, [2, 3], name="a")
    parts = tf.unstack(a)
    g = tf.gradients(parts[1] * 2.0, a)[0]
    zeros = tf.get_default_graph().get_operation_by_name("gradients/zeros_like")
    assert zeros.type == "ZerosLike"
    assert g.name == "gradients/unstack_grad/stack:0"
    np.testing.assert_allclose(sess.run(g, {a: np.ones((2, 3))}), [[0, 0, 0], [2, 2, 2]])


# ---------------------------------------------------------------------------------------------
# Broadcasting: constant reduction axes when shapes are static, run-time ones otherwise


def test_static_broadcasting_builds_no_shape_arithmetic():
    a = tf.placeholder(tf.float32, [2, 3], name="a")
    b = tf.placeholder(tf.float32, [3], name="b")
    n = _count()
    ga, gb = tf.gradients(a + b, [a, b])
    assert ga.name == "gradients/grad_ys_0:0"
    assert gb.name == "gradients/add_grad/Reshape:0"
    types = {op.type for op in _new_ops(n)}
    assert not types & {"Shape", "BroadcastGradientArgs"}


def test_partially_known_shapes_still_reduce_by_constant_axes(sess):
    a = tf.placeholder(tf.float32, [None, 3], name="a")
    b = tf.placeholder(tf.float32, [3], name="b")
    n = _count()
    ga, gb = tf.gradients(a * b, [a, b])
    types = [op.type for op in _new_ops(n)]
    assert "BroadcastGradientArgs" not in types
    av = np.arange(6, dtype=np.float32).reshape(2, 3)
    bv = np.array([1.0, 2.0, 3.0], np.float32)
    got_a, got_b = sess.run([ga, gb], {a: av, b: bv})
    np.testing.assert_allclose(got_a, np.broadcast_to(bv, (2, 3)))
    np.testing.assert_allclose(got_b, av.sum(axis=0))


def test_unknown_shapes_use_broadcast_gradient_args(sess):
    a = tf.placeholder(tf.float32, None, name="a")
    b = tf.placeholder(tf.float32, [None, 1], name="b")
    n = _count()
    ga, gb = tf.gradients(a - b, [a, b])
    names = [op.name for op in _new_ops(n)]
    assert "gradients/sub_grad/BroadcastGradientArgs" in names
    av = np.ones((2, 4), np.float32)
    bv = np.ones((2, 1), np.float32)
    got_a, got_b = sess.run([ga, gb], {a: av, b: bv})
    np.testing.assert_allclose(got_a, np.ones((2, 4)))
    np.testing.assert_allclose(got_b, -4 * np.ones((2, 1)))
    got_a, got_b = sess.run([ga, gb], {a: np.ones((3,), np.float32), b: bv})
    np.testing.assert_allclose(got_a, 2 * np.ones(3))
    np.testing.assert_allclose(got_b, -3 * np.ones((2, 1)))


def test_mixed_graph_matches_numpy(sess):
    rs = np.random.RandomState(3)
    x = tf.placeholder(tf.float64, [None, 4], name="x")
    w = tf.Variable(rs.normal(size=(4, 3)), name="w")
    b = tf.Variable(rs.normal(size=(3,)), name="b")
    s = tf.Variable(rs.normal(size=(1, 3)), name="s")
    h = tf.nn.relu(tf.matmul(x, w) + b)
    z = tf.add_n([h * s, h, tf.square(h)])
    loss = tf.reduce_mean(tf.reduce_sum(z, axis=1)) + tf.reduce_max(h)
    grads = tf.gradients(loss, [w, b, s, x])
    sess.run(tf.global_variables_initializer())
    xv = rs.normal(size=(5, 4))
    got = sess.run(grads, {x: xv})
    wv, bv, sv = sess.run([w, b, s])
    pre = xv @ wv + bv
    hv = np.maximum(pre, 0)
    dh = (sv + 1 + 2 * hv) / len(xv)
    mask = (hv == hv.max()).astype(np.float64)
    dh = dh + mask / mask.sum()
    dpre = dh * (pre > 0)
    np.testing.assert_allclose(got[0], xv.T @ dpre, rtol=1e-10)
    np.testing.assert_allclose(got[1], dpre.sum(axis=0), rtol=1e-10)
    np.testing.assert_allclose(got[2], (hv / len(xv)).sum(axis=0, keepdims=True), rtol=1e-10)
    np.testing.assert_allclose(got[3], dpre @ wv.T, rtol=1e-10)


# ---------------------------------------------------------------------------------------------
# The ops gradients are built from


def test_activation_gradient_ops(sess):
    rs = np.random.RandomState(4)
    yv = rs.uniform(0.1, 0.9, (3, 5)).astype(np.float32)
    dyv = rs.uniform(-1, 1, (3, 5)).astype(np.float32)
    y = tf.constant(yv)
    dy = tf.constant(dyv)
    out = sess.run([grad_ops.relu_grad(dy, y - 0.5), grad_ops.sigmoid_grad(y, dy),
                    grad_ops.tanh_grad(y, dy), grad_ops.sqrt_grad(y, dy),
                    grad_ops.reciprocal_grad(y, dy)])
    np.testing.assert_allclose(out[0], np.where(yv - 0.5 > 0, dyv, 0))
    np.testing.assert_allclose(out[1], dyv * yv * (1 - yv), rtol=1e-6)
    np.testing.assert_allclose(out[2], dyv * (1 - yv * yv), rtol=1e-6)
    np.testing.assert_allclose(out[3], dyv * 0.5 / yv, rtol=1e-6)
    np.testing.assert_allclose(out[4], -dyv * yv * yv, rtol=1e-6)
    assert grad_ops.sigmoid_grad(y, dy).op.type == "SigmoidGrad"
    with pytest.raises(ValueError):
        grad_ops.tanh_grad(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError):
        grad_ops.sqrt_grad(tf.constant([1, 2]), tf.constant([1, 2]))


def test_activation_gradient_ops_on_large_inputs(sess):
    rs = np.random.RandomState(5)
    yv = rs.uniform(0.1, 0.9, 300000).astype(np.float32)
    dyv = rs.uniform(-1, 1, 300000).astype(np.float32)
    got = sess.run(grad_ops.tanh_grad(tf.constant(yv), tf.constant(dyv)))
    np.testing.assert_allclose(got, dyv * (1 - yv * yv), rtol=1e-6)


def test_broadcast_gradient_args(sess):
    r0, r1 = grad_ops.broadcast_gradient_args([2, 3, 1], [3, 4])
    np.testing.assert_array_equal(sess.run(r0), [2])
    np.testing.assert_array_equal(sess.run(r1), [0])
    r0, r1 = grad_ops.broadcast_gradient_args(tf.constant([1, 1], tf.int64), [5, 1])
    assert r0.dtype == tf.int64
    v0, v1 = sess.run([r0, r1])
    np.testing.assert_array_equal(v0, [0, 1])
    np.testing.assert_array_equal(v1, [1])
    s = tf.placeholder(tf.int32, [None])
    bad, _ = grad_ops.broadcast_gradient_args(s, [4])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Incompatible shapes: \[3\] vs. "
                                                             r"\[4\]"):
        sess.run(bad, {s: [3]})


def test_unsorted_segment_sum(sess):
    data = np.arange(12, dtype=np.float32).reshape(4, 3)
    out = tf.unsorted_segment_sum(data, [0, 2, 0, -1], 3)
    assert out.shape.as_list() == [3, 3]
    assert out.op.name == "UnsortedSegmentSum"
    np.testing.assert_allclose(sess.run(out), [data[0] + data[2], [0, 0, 0], data[1]])
    ids2 = tf.constant([[1, 0], [1, 1]])
    out2 = tf.unsorted_segment_sum(tf.constant(np.ones((2, 2, 2), np.int64)), ids2, 2)
    assert out2.shape.as_list() == [2, 2]
    np.testing.assert_array_equal(sess.run(out2), [[1, 1], [3, 3]])
    big = tf.unsorted_segment_sum(tf.ones([50000, 8]), tf.zeros([50000], tf.int32) + 1, 2)
    np.testing.assert_allclose(sess.run(big), [[0] * 8, [50000] * 8])
    with pytest.raises(ValueError, match="prefix"):
        tf.unsorted_segment_sum(data, [0, 1, 2], 3)
    bad = tf.unsorted_segment_sum(data, [0, 3, 0, 1], 3)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"segment_ids\[1\] = 3 is out of "
                                                             r"range"):
        sess.run(bad)


def test_strided_slice_grad(sess):
    dy = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    out = grad_ops.strided_slice_grad([3, 4], [1, 0], [3, 4], [1, 2], dy)
    assert out.shape.as_list() == [3, 4]
    np.testing.assert_allclose(sess.run(out), [[0, 0, 0, 0], [1, 0, 2, 0], [3, 0, 4, 0]])
    bad = grad_ops.strided_slice_grad([3, 4], [1, 0], [3, 4], [1, 2], tf.constant([1.0]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="shape of dy"):
        sess.run(bad)


# ---------------------------------------------------------------------------------------------
# tf.test.compute_gradient


def test_compute_gradient_needs_a_default_session():
    x = tf.placeholder(tf.float64, [2])
    with pytest.raises(ValueError, match="default session"):
        tf.test.compute_gradient(x, [2], x * 2.0, [2])


def test_compute_gradient_jacobians():
    x = tf.placeholder(tf.float64, [2], name="x")
    z = tf.placeholder(tf.float64, [3], name="z")
    y = tf.reshape(x, [2, 1]) * z  # y[i, j] = x[i] * z[j]
    xv, zv = np.array([1.0, 2.0]), np.array([3.0, 4.0, 5.0])
    with tf.Session():
        jt, jn = tf.test.compute_gradient(x, [2], y, [2, 3], x_init_value=xv,
                                          extra_feed_dict={z: zv})
        assert jt.shape == (2, 6)
        expected = np.zeros((2, 6))
        expected[0, 0:3] = zv
        expected[1, 3:6] = zv
        np.testing.assert_allclose(jt, expected)
        np.testing.assert_allclose(jn, expected, atol=1e-8)
        # With a list, each x is perturbed in turn; the others come from extra_feed_dict.
        held = {x: xv, z: zv}
        both = tf.test.compute_gradient([x, z], [[2], [3]], y, [2, 3], x_init_value=[xv, zv],
                                        extra_feed_dict=held)
        assert len(both) == 2 and both[1][0].shape == (3, 6)
        err = tf.test.compute_gradient_error([x, z], [[2], [3]], y, [2, 3],
                                             x_init_value=[xv, zv], extra_feed_dict=held)
        assert err < 1e-8
        # A wrong gradient shows up as an error.
        w = tf.placeholder(tf.float64, [2], name="w")
        assert tf.test.compute_gradient_error(w, [2], tf.stop_gradient(w) * w, [2]) > 0.1


def test_compute_gradient_runs_init_targets():
    v = tf.Variable(np.array([2.0, 3.0]), name="v")
    x = tf.placeholder(tf.float64, [2], name="x")
    with tf.Session():
        err = tf.test.compute_gradient_error(x, [2], x * v, [2], init_targets=[v.initializer])
    assert err < 1e-8
