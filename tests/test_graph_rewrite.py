"""Plan-time rewrites: common-subexpression elimination and constant folding.

Rewrites change what a plan runs, never the user's graph nor any result: every test compares
against a session with the rewrites switched off (``OptimizerOptions(opt_level=L0)``) or
against NumPy, for 1, 2 and 4 threads.
"""

from __future__ import annotations

import numpy as np
import pytest

import pygraphx as tf
from pygraphx import errors


def _config(threads: int, cse: bool = True, folding: bool = True, max_bytes: int = 0):
    opts = tf.OptimizerOptions(opt_level=tf.OptimizerOptions.L0,
                               do_common_subexpression_elimination=cse,
                               do_constant_folding=folding,
                               max_folded_constant_in_bytes=max_bytes)
    return tf.ConfigProto(intra_op_parallelism_threads=threads,
                          inter_op_parallelism_threads=threads,
                          graph_options=tf.GraphOptions(optimizer_options=opts))


@pytest.fixture
def plain_sess(threads):
    """A session with both rewrites off."""
    s = tf.Session(config=_config(threads, cse=False, folding=False))
    yield s
    s.close()


@pytest.fixture
def unfused_sess(threads):
    """A session with the default rewrites but elementwise fusion off, whose plans show what
    elimination and folding alone leave."""
    opts = tf.OptimizerOptions(global_jit_level=tf.OptimizerOptions.OFF)
    s = tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=threads,
                                         inter_op_parallelism_threads=threads,
                                         graph_options=tf.GraphOptions(optimizer_options=opts)))
    yield s
    s.close()


def _endpoints(tensors):
    return [(t._op._id, t._value_index) for t in tensors]


def _plan(sess, fetches, feeds=(), targets=()):
    """The core plan that ``sess.run(fetches, {feeds: ...})`` runs."""
    return sess._c.prepare(_endpoints(feeds), _endpoints(fetches), [op._id for op in targets])


# ---------------------------------------------------------------------------------------------
# Options


def test_rewrites_are_on_by_default_and_off_at_level_l0():
    on = tf.OptimizerOptions()
    assert on.opt_level == tf.OptimizerOptions.L1
    assert on._rewrites() == (True, True, 0)
    off = tf.OptimizerOptions(opt_level=tf.OptimizerOptions.L0)
    assert off._rewrites() == (False, False, 0)
    only_folding = tf.OptimizerOptions(opt_level=tf.OptimizerOptions.L0,
                                       do_constant_folding=True)
    assert only_folding._rewrites() == (False, True, 0)
    assert tf.ConfigProto().graph_options.optimizer_options.opt_level == 0


def test_invalid_optimizer_options_are_refused():
    with pytest.raises(ValueError, match="opt_level"):
        tf.OptimizerOptions(opt_level=3)
    with pytest.raises(ValueError, match="max_folded_constant_in_bytes"):
        tf.OptimizerOptions(max_folded_constant_in_bytes=-1)


# ---------------------------------------------------------------------------------------------
# Common-subexpression elimination


def test_equal_subexpressions_run_once(unfused_sess, plain_sess):
    sess = unfused_sess
    x = tf.placeholder(tf.float32, shape=(None, 3), name="x")
    a = tf.exp(x * 2.0)
    b = tf.exp(x * 2.0)
    out = tf.add(a, b, name="out")
    plan = _plan(sess, [out], [x])
    # The two constants 2.0, the two products and the two exponentials merge.
    assert plan.num_nodes == 4
    assert sorted(plan.node_names) == sorted(["mul/y", "mul", "Exp", "out"])
    assert _plan(plain_sess, [out], [x]).num_nodes == 7
    v = np.random.RandomState(0).rand(4, 3).astype(np.float32)
    got = sess.run(out, {x: v})
    np.testing.assert_array_equal(got, plain_sess.run(out, {x: v}))
    np.testing.assert_allclose(got, 2 * np.exp(v * 2), rtol=1e-6)


def test_fetches_of_eliminated_nodes_are_returned_unaliased(sess):
    x = tf.placeholder(tf.float32, shape=(3,))
    a = tf.square(x)
    b = tf.square(x)
    assert _plan(sess, [a, b], [x]).num_nodes == 1
    ra, rb = sess.run([a, b], {x: np.array([1.0, 2.0, 3.0], np.float32)})
    np.testing.assert_array_equal(ra, [1.0, 4.0, 9.0])
    np.testing.assert_array_equal(rb, [1.0, 4.0, 9.0])
    assert not np.shares_memory(ra, rb)
    ra[0] = 100.0
    assert rb[0] == 1.0


def test_nodes_differing_in_attributes_inputs_or_controls_stay_apart(sess):
    x = tf.placeholder(tf.float32, shape=(2, 3))
    s1 = tf.reduce_sum(x, 0, keepdims=True)
    s2 = tf.reduce_sum(x, 0, keepdims=False)
    m1 = tf.maximum(x, 0.0)
    m2 = tf.maximum(x, -0.0)  # a different constant bit pattern
    c1 = tf.cast(x, tf.int32)
    c2 = tf.cast(x, tf.float64)
    with tf.control_dependencies([s1]):
        n1 = tf.negative(x)
    n2 = tf.negative(x)
    fetches = [s1, s2, m1, m2, c1, c2, n1, n2]
    names = _plan(sess, fetches, [x]).node_names
    for t in fetches:
        assert t.op.name in names
    v = np.array([[1, -2, 3], [-4, 5, -6]], np.float32)
    r = sess.run(fetches, {x: v})
    assert r[0].shape == (1, 3) and r[1].shape == (3,)
    assert r[4].dtype == np.int32 and r[5].dtype == np.float64
    np.testing.assert_array_equal(r[6], -v)
    np.testing.assert_array_equal(r[7], -v)


def test_random_ops_are_never_merged(threads):
    tf.set_random_seed(7)
    r1 = tf.random_normal([4], seed=3)
    r2 = tf.random_normal([4], seed=3)  # same seeds: the same stream, but two of them
    with tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=threads,
                                          inter_op_parallelism_threads=threads)) as s:
        names = _plan(s, [r1, r2]).node_names
        assert r1.op.name in names and r2.op.name in names
        first = s.run(r1)
        second = s.run(r1)
        # r2's first draw is its own, not the continuation of r1's stream.
        np.testing.assert_array_equal(s.run(r2), first)
        assert not np.array_equal(first, second)
        a, b = s.run([r1, r2])
        assert not np.array_equal(a, b)


def test_assignments_are_never_merged(sess):
    v = tf.Variable(0.0)
    inc1 = tf.assign_add(v, 1.0)
    inc2 = tf.assign_add(v, 1.0)
    sess.run(v.initializer)
    sess.run([inc1.op, inc2.op])
    assert sess.run(v) == 2.0


# ---------------------------------------------------------------------------------------------
# Constant folding


def test_constant_subgraph_is_folded_into_one_constant(sess, plain_sess):
    c = tf.add(tf.constant(2.0) * 3.0, 1.0, name="c")
    plan = _plan(sess, [c])
    assert plan.num_nodes == 1 and plan.node_names == ["c"]
    assert _plan(plain_sess, [c]).num_nodes == 5
    assert sess.run(c) == plain_sess.run(c) == np.float32(7.0)


def test_only_constant_parts_fold(unfused_sess):
    sess = unfused_sess
    x = tf.placeholder(tf.float32, shape=(3,), name="x")
    w = tf.Variable([1.0, 2.0, 3.0], name="w")
    k = tf.reduce_sum(tf.constant([1.0, 2.0, 3.0]) * 2.0, name="k")
    y = tf.add(x * k, w, name="y")
    names = _plan(sess, [y], [x]).node_names
    # k's subgraph (two constants, a product, the reduction axes and the sum) is one constant;
    # the product with the placeholder and the variable's read stay (a VariableV2 node computes
    # nothing: its consumers read the variable, so it is not a node of the plan).
    assert sorted(names) == sorted(["k", "mul_1", "y", "w/read"])
    sess.run(w.initializer)
    np.testing.assert_array_equal(sess.run(y, {x: np.ones(3, np.float32)}),
                                  [13.0, 14.0, 15.0])


def test_fed_constants_are_not_folded(sess):
    c = tf.constant(3.0, name="c")
    d = tf.multiply(c, 2.0, name="d")
    assert sess.run(d) == 6.0
    assert sess.run(d, {c: 5.0}) == 10.0
    assert sess.run(d) == 6.0


def test_fetched_folded_value_is_a_private_copy(sess):
    c = tf.constant([1.0, 2.0]) + 1.0
    first = sess.run(c)
    first[0] = -50.0
    np.testing.assert_array_equal(sess.run(c), [2.0, 3.0])


def test_failing_constant_node_fails_at_run_time_with_its_name(sess):
    params = tf.constant([1.0, 2.0, 3.0])
    index = tf.constant([5]) + 0  # not a Const node: only known once folded
    bad = tf.gather(params, index, name="bad_gather")
    out = tf.identity(bad, name="out")
    ok = tf.identity(index, name="ok")
    plan = _plan(sess, [out])
    assert "bad_gather" in plan.node_names
    with pytest.raises(errors.InvalidArgumentError) as info:
        sess.run(out)
    assert "bad_gather" in str(info.value) and "test_graph_rewrite.py" in str(info.value)
    assert info.value.op is bad.op
    np.testing.assert_array_equal(sess.run(ok), [5])


def test_folded_node_keeps_its_control_dependencies(sess):
    v = tf.Variable(1.0)
    assign = tf.assign(v, 10.0)
    with tf.control_dependencies([assign]):
        c = tf.constant(2.0) * 3.0
    sess.run(v.initializer)
    assert sess.run(c) == 6.0
    assert sess.run(v) == 10.0


def test_large_results_are_not_folded(threads):
    big = tf.fill([1024, 1025], 1.5) * 2.0  # 4.1 MB of float32
    small = tf.fill([4, 4], 1.5) * 2.0
    with tf.Session(config=_config(threads)) as s:
        assert _plan(s, [big]).num_nodes > 1
        assert _plan(s, [small]).num_nodes == 1
        assert s.run(big)[1023, 1024] == 3.0
    with tf.Session(config=_config(threads, max_bytes=16)) as s:
        assert _plan(s, [small]).num_nodes > 1
        np.testing.assert_array_equal(s.run(small), np.full((4, 4), 3.0, np.float32))


def test_user_graph_is_unchanged_by_rewrites(sess):
    x = tf.placeholder(tf.float32, shape=(None, 2), name="x")
    y = (x * 2.0) + (x * 2.0) + tf.constant(1.0) * 4.0
    g = tf.get_default_graph()
    before = [(op.name, op.type, [str(t.shape) for t in op.outputs])
              for op in g.get_operations()]
    sess.run(y, {x: np.ones((3, 2), np.float32)})
    after = [(op.name, op.type, [str(t.shape) for t in op.outputs])
             for op in g.get_operations()]
    assert before == after


# ---------------------------------------------------------------------------------------------
# Whole graphs: identical with and without rewrites


def _relu_graph():
    def relu(X):
        with tf.name_scope("relu"):
            w = tf.Variable(tf.random_normal((3, 1), seed=1), name="weights")
            b = tf.Variable(0.0, name="bias")
            z = tf.add(tf.matmul(X, w), b, name="z")
            return tf.maximum(z, 0.0, name="max")

    X = tf.placeholder(tf.float32, shape=(None, 3), name="X")
    relus = [relu(X) for _ in range(5)]
    scale = tf.reduce_mean(tf.constant([[1.0, 2.0], [3.0, 4.0]]) ** 2.0)
    out = tf.add_n(relus, name="output") * scale + tf.reduce_sum(X * 2.0) + \
        tf.reduce_sum(X * 2.0)
    return X, out


def test_results_identical_with_and_without_rewrites(sess, plain_sess):
    X, out = _relu_graph()
    init = tf.global_variables_initializer()
    sess.run(init)
    plain_sess.run(init)
    # Same initial weights in both sessions (same seeds), so the outputs must match exactly.
    v = np.random.RandomState(1).rand(50, 3).astype(np.float32)
    assert _plan(sess, [out], [X]).num_nodes < _plan(plain_sess, [out], [X]).num_nodes
    for _ in range(3):
        np.testing.assert_array_equal(sess.run(out, {X: v}), plain_sess.run(out, {X: v}))


def test_training_step_identical_with_and_without_rewrites(sess, plain_sess):
    x = tf.placeholder(tf.float32, shape=(None, 2))
    y = tf.placeholder(tf.float32, shape=(None, 1))
    w = tf.Variable([[0.5], [-0.25]])
    b = tf.Variable(0.1)
    pred = tf.matmul(x, w) + b
    loss = tf.reduce_mean(tf.square(pred - y)) + 0.0 * tf.reduce_mean(tf.square(pred - y))
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    init = tf.global_variables_initializer()
    sess.run(init)
    plain_sess.run(init)
    rs = np.random.RandomState(2)
    for _ in range(5):
        fd = {x: rs.rand(8, 2).astype(np.float32), y: rs.rand(8, 1).astype(np.float32)}
        la, _ = sess.run([loss, step], fd)
        lb, _ = plain_sess.run([loss, step], fd)
        assert la == lb
    np.testing.assert_array_equal(sess.run(w), plain_sess.run(w))
