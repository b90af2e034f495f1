"""The plan-time elementwise fusion pass.

Fusion changes what a plan runs, never a result: every graph is run by a session that fuses
(the default) and by one that does not (``global_jit_level=OFF``) with the same thread count,
and the results must be bitwise identical. Plans are inspected to check what was fused, buffer
reuse is checked never to alias a fed or fetched value, and peak memory of long elementwise
chains is measured in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Callable, Dict, List, Sequence, Tuple

import numpy as np
import pytest

import pygraphx as tf
from pygraphx import errors

F32, F64 = np.float32, np.float64


def _config(threads: int, fusion: bool = True, **optimizer) -> tf.ConfigProto:
    if not fusion:
        optimizer["global_jit_level"] = tf.OptimizerOptions.OFF
    opts = tf.OptimizerOptions(**optimizer)
    return tf.ConfigProto(intra_op_parallelism_threads=threads,
                          inter_op_parallelism_threads=threads,
                          graph_options=tf.GraphOptions(optimizer_options=opts))


@pytest.fixture
def unfused_sess(threads):
    """A session with every rewrite but fusion, on the test's graph."""
    s = tf.Session(config=_config(threads, fusion=False))
    yield s
    s.close()


def _plan(sess: tf.Session, fetches, feeds=(), targets=()):
    """The core plan that ``sess.run(fetches, {feeds: ...})`` runs."""
    return sess._c.prepare([(t._op._id, t._value_index) for t in feeds],
                           [(t._op._id, t._value_index) for t in fetches],
                           [op._id for op in targets])


def _bits(a) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype == F32:
        return a.view(np.uint32)
    if a.dtype == F64:
        return a.view(np.uint64)
    return a


def _assert_identical(got: Sequence, want: Sequence) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_array_equal(_bits(g), _bits(w))


def _rand(rs: np.random.RandomState, shape, dtype=F32, low=-2.0, high=2.0) -> np.ndarray:
    return rs.uniform(low, high, size=shape).astype(dtype)


# ---------------------------------------------------------------------------------------------
# Switches


def test_fusion_is_on_at_l1_and_follows_global_jit_level():
    opts = tf.OptimizerOptions
    assert opts()._elementwise_fusion()
    assert not opts(opt_level=opts.L0)._elementwise_fusion()
    assert not opts(global_jit_level=opts.OFF)._elementwise_fusion()
    assert opts(opt_level=opts.L0, global_jit_level=opts.ON_1)._elementwise_fusion()
    assert opts(opt_level=opts.L0, global_jit_level=opts.ON_2)._elementwise_fusion()
    # The other rewrites do not depend on it.
    assert opts(global_jit_level=opts.OFF)._rewrites() == (True, True, 0)
    with pytest.raises(ValueError, match="global_jit_level"):
        opts(global_jit_level=3)


def test_fusion_switched_on_at_level_l0(threads):
    x = tf.placeholder(tf.float32, [5], name="x")
    y = tf.exp(x * 2.0, name="e")
    with tf.Session(config=_config(threads, opt_level=tf.OptimizerOptions.L0)) as plain, \
            tf.Session(config=_config(threads, opt_level=tf.OptimizerOptions.L0,
                                      global_jit_level=tf.OptimizerOptions.ON_1)) as fused:
        assert sorted(_plan(plain, [y], [x]).node_names) == ["e", "mul", "mul/y"]
        assert sorted(_plan(fused, [y], [x]).node_names) == ["e", "mul/y"]
        v = np.arange(5, dtype=F32)
        _assert_identical([fused.run(y, {x: v})], [plain.run(y, {x: v})])


# ---------------------------------------------------------------------------------------------
# The workload


def test_add_n_of_relus_is_one_fused_node(sess, unfused_sess):
    X = tf.placeholder(tf.float32, [None], name="X")
    coefs = [(1.0 + 0.25 * i, 0.5 - 0.3 * i) for i in range(5)]
    out = tf.add_n([tf.nn.relu(X * a + b) for a, b in coefs])
    plan = _plan(sess, [out], [X])
    # The 5 products, 5 sums, 5 ReLUs and the AddN are one node named as the AddN; the ten
    # scalar constants are its other inputs.
    computed = [n for n in plan.node_names if not n.endswith("/y")]
    assert computed == [out.op.name] and plan.num_nodes == 11
    assert _plan(unfused_sess, [out], [X]).num_nodes == 26
    x = _rand(np.random.RandomState(0), [3 * 2048 + 17])
    got = sess.run(out, {X: x})
    _assert_identical([got], [unfused_sess.run(out, {X: x})])
    want = sum(np.maximum(x * F32(a) + F32(b), F32(0)) for a, b in coefs)
    np.testing.assert_allclose(got, want, rtol=1e-6)


# ---------------------------------------------------------------------------------------------
# Fused against unfused over a set of graphs

Graph = Tuple[List[tf.Tensor], Dict[tf.Tensor, np.ndarray]]


def chain(rs) -> Graph:
    x = tf.placeholder(tf.float32, [None, 7])
    y = x
    for i in range(12):
        y = tf.tanh(y * 1.5 + 0.1 * i) if i % 2 else tf.sigmoid(y) - 0.25
    return [y], {x: _rand(rs, [300, 7])}


def tree(rs) -> Graph:
    a, b, c = (tf.placeholder(tf.float64, [4099]) for _ in range(3))
    left = tf.maximum(a * b, tf.abs(c))
    right = tf.sqrt(tf.square(b) + 1.0) / (tf.exp(-c) + 2.0)
    return [tf.minimum(left - right, tf.pow(tf.abs(a) + 0.5, b))], {
        a: _rand(rs, [4099], F64), b: _rand(rs, [4099], F64), c: _rand(rs, [4099], F64)}


def shared_dag(rs) -> Graph:
    # t is read twice by the same node and once by another, all inside the group.
    x = tf.placeholder(tf.float32, [65, 33])
    t = tf.tanh(x)
    return [t * t + t - tf.reciprocal(t + 3.0)], {x: _rand(rs, [65, 33])}


def add_n_tree(rs) -> Graph:
    x = tf.placeholder(tf.float32, [1000])
    y = tf.placeholder(tf.float32, [1000])
    terms = [tf.nn.relu(x * float(i) - y) for i in range(4)] + [tf.square(y), x]
    return [tf.add_n(terms) / 3.0], {x: _rand(rs, [1000]), y: _rand(rs, [1000])}


def broadcasting(rs) -> Graph:
    x = tf.placeholder(tf.float32, [None, 50, 40])
    row = tf.placeholder(tf.float32, [40])
    col = tf.placeholder(tf.float32, [50, 1])
    s = tf.placeholder(tf.float32, [])
    y = tf.nn.relu(x * row + col) - s
    z = tf.floormod(tf.floordiv(y, col + 3.0), row + 5.0)
    return [z], {x: _rand(rs, [3, 50, 40]), row: _rand(rs, [40]),
                 col: _rand(rs, [50, 1]), s: np.float32(0.3)}


def outer_broadcast(rs) -> Graph:
    a = tf.placeholder(tf.float64, [300, 1])
    b = tf.placeholder(tf.float64, [1, 200])
    return [tf.exp(a - b) * 0.5 + tf.sign(a)], {a: _rand(rs, [300, 1], F64),
                                                b: _rand(rs, [1, 200], F64)}


def mixed_dtypes(rs) -> Graph:
    x = tf.placeholder(tf.float32, [3000])
    d = tf.placeholder(tf.float64, [3000])
    wide = tf.cast(x, tf.float64)
    narrow = tf.cast(tf.exp(wide) * d - wide, tf.float32)
    back = tf.cast(tf.cast(d, tf.float32), tf.float64) * 2.0
    return [narrow + x, back], {x: _rand(rs, [3000]), d: _rand(rs, [3000], F64)}


def scalars(rs) -> Graph:
    a = tf.placeholder(tf.float32, [])
    b = tf.placeholder(tf.float32, [])
    y = tf.sqrt(tf.abs(a * b) + 1.0) - tf.negative(a)
    return [y, tf.log(tf.square(y) + 1.0)], {a: np.float32(1.5), b: np.float32(-0.25)}


def scalar_and_vector(rs) -> Graph:
    a = tf.placeholder(tf.float32, [])
    v = tf.placeholder(tf.float32, [5000])
    return [tf.exp(a * 2.0) * v + tf.sigmoid(a)], {a: np.float32(0.75), v: _rand(rs, [5000])}


def fetched_intermediate(rs) -> Graph:
    x = tf.placeholder(tf.float32, [2500])
    t = tf.exp(x * 0.5)
    return [t, tf.nn.relu(t - 1.0) * 3.0], {x: _rand(rs, [2500])}


def fed_intermediate(rs) -> Graph:
    x = tf.placeholder(tf.float32, [2500])
    t = tf.exp(x * 0.5)
    return [tf.nn.relu(t - 1.0) * 3.0, x * 4.0], {x: _rand(rs, [2500]),
                                                  t: _rand(rs, [2500], low=0.0)}


def int_and_float(rs) -> Graph:
    i = tf.placeholder(tf.int32, [100])
    x = tf.placeholder(tf.float32, [100])
    j = (i * 3 + 1) // 2  # int32: not fusable
    return [tf.cast(j, tf.float32) * x + 1.0, j], {
        i: rs.randint(-50, 50, size=[100]).astype(np.int32), x: _rand(rs, [100])}


def common_subexpressions(rs) -> Graph:
    x = tf.placeholder(tf.float32, [777])
    return [tf.exp(x * 2.0) + tf.exp(x * 2.0)], {x: _rand(rs, [777])}


def folded_constants(rs) -> Graph:
    x = tf.placeholder(tf.float32, [777])
    k = tf.constant([1.0, 2.0, 3.0]) * 2.0  # folded at plan time
    return [tf.nn.relu(x * tf.reduce_sum(k) - 3.0) + 1.0], {x: _rand(rs, [777])}


GRAPHS: Dict[str, Callable] = {f.__name__: f for f in [
    chain, tree, shared_dag, add_n_tree, broadcasting, outer_broadcast, mixed_dtypes, scalars,
    scalar_and_vector, fetched_intermediate, fed_intermediate, int_and_float,
    common_subexpressions, folded_constants]}


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_fused_results_are_bitwise_unfused(name, sess, unfused_sess):
    fetches, feed = GRAPHS[name](np.random.RandomState(len(name)))
    got = sess.run(fetches, feed)
    _assert_identical(got, unfused_sess.run(fetches, feed))
    _assert_identical(got, sess.run(fetches, feed))  # and again from the cached plan
    fused = _plan(sess, fetches, list(feed)).num_nodes
    unfused = _plan(unfused_sess, fetches, list(feed)).num_nodes
    if name == "int_and_float":
        # The float product and sum fuse; the int32 ops and the cast from int32 do not.
        assert fused == unfused - 1
    else:
        assert fused < unfused


@pytest.mark.parametrize("name", ["chain", "tree", "broadcasting", "add_n_tree", "mixed_dtypes"])
def test_results_do_not_depend_on_the_thread_count(name):
    fetches, feed = GRAPHS[name](np.random.RandomState(3))
    results = []
    for threads in (1, 2, 4):
        with tf.Session(config=_config(threads)) as s:
            results.append(s.run(fetches, feed))
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_big_chain_split_across_threads_is_bitwise_unfused(sess, unfused_sess):
    x = tf.placeholder(tf.float32, [None])
    y = x
    for i in range(6):
        y = tf.nn.relu(y * 1.01 - 0.02 * i) + tf.sigmoid(y)
    v = _rand(np.random.RandomState(5), [300_001])
    _assert_identical([sess.run(y, {x: v})], [unfused_sess.run(y, {x: v})])


# ---------------------------------------------------------------------------------------------
# What may and may not be fused


def test_fetched_intermediate_stays_a_node(sess):
    x = tf.placeholder(tf.float32, [10], name="x")
    t = tf.exp(x * 0.5, name="t")
    y = tf.nn.relu(t - 1.0, name="r") * 3.0
    assert "t" not in _plan(sess, [y], [x]).node_names
    names = _plan(sess, [t, y], [x]).node_names
    assert "t" in names and y.op.name in names and "r" not in names


def test_fed_intermediate_cuts_the_group(sess):
    x = tf.placeholder(tf.float32, [10], name="x")
    t = tf.exp(x * 0.5, name="t")
    y = tf.nn.relu(t - 1.0, name="r") * 3.0
    names = _plan(sess, [y], [t]).node_names
    # x's branch is not needed; what t feeds is one node.
    assert [n for n in names if not n.endswith("/y")] == [y.op.name]
    v = np.linspace(0, 3, 10).astype(F32)
    np.testing.assert_array_equal(sess.run(y, {t: v}),
                                  np.maximum(v - F32(1), F32(0)) * F32(3))


def test_a_value_read_outside_the_group_is_not_an_interior_node(sess):
    x = tf.placeholder(tf.float32, [10], name="x")
    t = tf.exp(x, name="t")
    y = tf.nn.relu(t - 1.0, name="y")
    z = tf.reduce_sum(t, name="z")  # not elementwise: t is read outside y's group
    names = _plan(sess, [y, z], [x]).node_names
    assert "t" in names and "y" in names and "sub" not in names


def test_control_inputs_of_members_are_kept(sess, unfused_sess):
    x = tf.placeholder(tf.float32, [10], name="x")
    counter = tf.Variable(0, name="counter")
    bump = tf.assign_add(counter, 1)
    with tf.control_dependencies([bump]):
        a = tf.multiply(x, 2.0, name="a")  # an interior member with a control input
    y = tf.exp(a, name="y") + 1.0
    names = _plan(sess, [y], [x]).node_names
    assert "a" not in names and "y" not in names and "AssignAdd" in names
    v = np.arange(10, dtype=F32) / 10
    for s in (sess, unfused_sess):
        s.run(counter.initializer)
        r1, r2 = s.run(y, {x: v}), s.run(y, {x: v})
        assert s.run(counter) == 2  # the control input ran on every run
        _assert_identical([r1], [r2])
    _assert_identical([sess.run(y, {x: v})], [unfused_sess.run(y, {x: v})])


def test_control_dependents_keep_their_source(sess):
    x = tf.placeholder(tf.float32, [10], name="x")
    a = tf.multiply(x, 2.0, name="a")
    y = tf.exp(a, name="y")
    with tf.control_dependencies([a.op]):
        z = tf.identity(x, name="z")
    names = _plan(sess, [y, z], [x]).node_names
    assert "a" in names and "y" in names  # a is observed on its own: nothing to fuse
    # A root with a control dependent is fused: the dependent waits for the fused node.
    w = tf.sqrt(tf.abs(x), name="w")
    with tf.control_dependencies([w.op]):
        u = tf.identity(x, name="u")
    names = _plan(sess, [w, u], [x]).node_names
    assert "w" in names and "Abs" not in names


def test_variable_reads_are_inputs_and_variables_are_left_intact(sess, unfused_sess):
    w = tf.Variable(np.linspace(-1, 1, 8).astype(F32), name="w")
    y = tf.nn.relu(w * 2.0 + 0.5, name="y") - 1.0
    for s in (sess, unfused_sess):
        s.run(w.initializer)
    got = sess.run(y)
    _assert_identical([got], [unfused_sess.run(y)])
    np.testing.assert_array_equal(sess.run(w), np.linspace(-1, 1, 8).astype(F32))
    assert "mul" not in _plan(sess, [y]).node_names


# ---------------------------------------------------------------------------------------------
# Errors still name a user node and its line


def test_runtime_shape_error_names_the_fused_root_with_the_unfused_message(sess, unfused_sess):
    x = tf.placeholder(tf.float32, [None], name="x")
    y = tf.placeholder(tf.float32, [None], name="y")
    out = tf.multiply(tf.nn.relu(x + y), 2.0, name="out")
    feed = {x: np.ones(3, F32), y: np.ones(4, F32)}
    with pytest.raises(errors.InvalidArgumentError) as unfused:
        unfused_sess.run(out, feed)
    with pytest.raises(errors.InvalidArgumentError) as fused:
        sess.run(out, feed)
    u, f = str(unfused.value), str(fused.value)
    assert u.split("\n\t [[node")[0] == f.split("\n\t [[node")[0]
    assert "Incompatible shapes: [3] vs. [4]" in f
    assert "[[node out (defined at " in f and "test_fusion_pass.py:" in f
    assert fused.value.op is not None and fused.value.op.name == "out"


def test_runtime_add_n_shape_error_matches_unfused(sess, unfused_sess):
    x = tf.placeholder(tf.float32, [None], name="x")
    y = tf.placeholder(tf.float32, [None], name="y")
    out = tf.add_n([tf.exp(x), tf.exp(y)], name="total")
    feed = {x: np.ones(3, F32), y: np.ones(2, F32)}
    messages = []
    for s in (unfused_sess, sess):
        with pytest.raises(errors.InvalidArgumentError) as e:
            s.run(out, feed)
        messages.append(str(e.value))
    assert messages[0] == messages[1]  # the root is the AddN in both
    assert "[3] != input 1: [2]" in messages[1]


# ---------------------------------------------------------------------------------------------
# Buffer reuse never aliases a fed or fetched value


def test_fetched_values_share_no_memory_with_feeds_or_each_other(sess, unfused_sess):
    x = tf.placeholder(tf.float32, [4096], name="x")
    t = tf.exp(x * 0.5, name="t")
    y = tf.nn.relu(t - 1.0) * 3.0
    v = _rand(np.random.RandomState(0), [4096])
    original = v.copy()
    xs, ts, ys = sess.run([x, t, y], {x: v})
    t_alone = unfused_sess.run(t, {x: v})
    arrays = [v, xs, ts, ys]
    for i in range(len(arrays)):
        for j in range(i + 1, len(arrays)):
            assert not np.shares_memory(arrays[i], arrays[j]), (i, j)
    np.testing.assert_array_equal(v, original)  # the feed was not written
    np.testing.assert_array_equal(ts, t_alone)  # nor the fetched t
    want = ys.copy()
    ys[:] = 7.0  # writing a fetched array changes nothing the session holds
    np.testing.assert_array_equal(sess.run(y, {x: v}), want)
    v[:] = 0.0
    np.testing.assert_array_equal(xs, original)
    np.testing.assert_array_equal(ts, t_alone)


def test_chain_over_a_fed_value_leaves_it_intact(sess, unfused_sess):
    x = tf.placeholder(tf.float32, [50_000], name="x")
    y = x
    for _ in range(10):
        y = tf.nn.bias_add(tf.reshape(y, [-1, 10]), tf.fill([10], 0.5))  # not fusable
        y = tf.reshape(tf.nn.relu(y) * 0.9, [-1])
    v = _rand(np.random.RandomState(2), [50_000])
    original = v.copy()
    for s in (sess, unfused_sess):
        out = s.run(y, {x: v})
        np.testing.assert_array_equal(v, original)
        assert not np.shares_memory(out, v)
    _assert_identical([sess.run(y, {x: v})], [unfused_sess.run(y, {x: v})])


# ---------------------------------------------------------------------------------------------
# Training graphs


def test_training_gives_identical_weights(threads):
    rs = np.random.RandomState(7)
    xs = rs.randn(200, 4).astype(F32)
    ys = (xs @ np.array([[1.0], [-2.0], [0.5], [0.0]], F32) > 0).astype(F32)
    final = []
    for fusion in (True, False):
        g = tf.Graph()
        with g.as_default():
            tf.set_random_seed(1)
            X = tf.placeholder(tf.float32, [None, 4])
            Y = tf.placeholder(tf.float32, [None, 1])
            w = tf.Variable(tf.random_uniform([4, 1], -1.0, 1.0), name="w")
            b = tf.Variable(tf.zeros([1]), name="b")
            p = tf.sigmoid(tf.matmul(X, w) + b)
            eps = 1e-7
            loss = -tf.reduce_mean(Y * tf.log(p + eps) + (1 - Y) * tf.log(1 - p + eps))
            step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
            with tf.Session(graph=g, config=_config(threads, fusion=fusion)) as s:
                s.run(tf.global_variables_initializer())
                losses = [s.run([step, loss], {X: xs[i:i + 50], Y: ys[i:i + 50]})[1]
                          for _ in range(5) for i in range(0, 200, 50)]
                final.append(s.run([w, b]) + [np.array(losses, F32)])
    _assert_identical(final[0], final[1])


def test_gradients_of_a_fused_expression_are_identical(sess, unfused_sess):
    x = tf.placeholder(tf.float64, [500])
    y = tf.reduce_sum(tf.tanh(x * 1.5) * tf.sigmoid(x) + tf.square(x - 0.5))
    g, = tf.gradients(y, [x])
    v = _rand(np.random.RandomState(4), [500], F64)
    _assert_identical([sess.run(g, {x: v})], [unfused_sess.run(g, {x: v})])
    assert _plan(sess, [g], [x]).num_nodes < _plan(unfused_sess, [g], [x]).num_nodes


# ---------------------------------------------------------------------------------------------
# Peak memory of long chains (a memory bound measured in a fresh process, not a timing)

PEAK_SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    import pygraphx as tf

    def status_mib(field):
        # VmRSS: resident now; VmHWM: the peak of this process image. (ru_maxrss would also
        # count the parent's peak: Linux carries it across fork and exec.)
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0
        raise AssertionError(field)

    variant, fusion = sys.argv[1], sys.argv[2] == "1"
    N = 1 << 22
    X = tf.placeholder(tf.float32, [N], name="X")
    y = X
    for i in range(50):
        if variant == "fusable":
            y = tf.nn.relu(y) if i % 2 else y * 1.0001 + 0.5
        else:  # every other op is a BiasAdd, which fusion does not take
            y = tf.tanh(y) if i % 2 else tf.reshape(
                tf.nn.bias_add(tf.reshape(y, [N // 4, 4]), [0.1, 0.2, 0.3, 0.4]), [N])
    opts = tf.OptimizerOptions(global_jit_level=0 if fusion else tf.OptimizerOptions.OFF)
    cfg = tf.ConfigProto(graph_options=tf.GraphOptions(optimizer_options=opts))
    with tf.Session(config=cfg) as s:
        base = status_mib("VmRSS")
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")  # restart VmHWM from the current RSS
        except OSError:
            pass
        x = np.empty(N, np.float32)
        x[:] = 0.25
        out = s.run(y, {X: x})
        peak = status_mib("VmHWM")
    print(peak - base, x.nbytes / 2.0 ** 20, float(out[0]))
""")


# Sanitizer runtimes keep freed memory in quarantine and add shadow memory: RSS says nothing
# about the executor there.
UNDER_SANITIZER = any(s in os.environ.get("LD_PRELOAD", "") for s in ("libasan", "libtsan"))


@pytest.mark.skipif(UNDER_SANITIZER, reason="RSS is not meaningful under a sanitizer runtime")
@pytest.mark.parametrize("variant,fusion", [("fusable", True), ("fusable", False),
                                            ("unfusable", True)])
def test_peak_memory_of_a_50_op_chain_stays_a_small_multiple_of_its_input(variant, fusion):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    proc = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, variant, "1" if fusion else "0"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    added, input_mib, first = (float(v) for v in proc.stdout.split())
    assert np.isfinite(first)
    # The input and the output are 16 MiB each; reusing buffers keeps the rest to one or two
    # more. Without reuse the 50 intermediates would add 800 MiB.
    assert added < 5 * input_mib, "peak grew by %.0f MiB for a %.0f MiB input" % (
        added, input_mib)
