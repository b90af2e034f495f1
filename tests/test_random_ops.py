"""Random ops: TF1 seed rules, stream continuation across runs, thread independence, exact TF
values for fixed seeds, distribution statistics, dtypes, static shapes, errors and names."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import pygraphx as tf

RAW_TYPES = ("RandomUniform", "RandomStandardNormal", "TruncatedNormal")


def raw(t: tf.Tensor) -> tf.Tensor:
    """The kernel output (RandomUniform/...) under a wrapper's mul/add nodes."""
    op = t.op
    while op.type not in RAW_TYPES:
        op = op.inputs[0].op
    return op.outputs[0]


def raw_node(op_type: str, shape, dtype=tf.float32, seed: int = 0, seed2: int = 0) -> tf.Tensor:
    """A bare random kernel node, without the wrappers' Sub/Mul/Add."""
    from pygraphx.framework import ops

    g = tf.get_default_graph()
    s = tf.constant(shape, dtype=tf.int32)
    attrs = {"seed": ops.attr_int(seed), "seed2": ops.attr_int(seed2),
             "dtype": ops.attr_dtype(dtype), "T": ops.attr_dtype(tf.int32)}
    return g.create_op(op_type, [s], attrs, name=op_type)._outputs[0]


def run_twice(t, make=None):
    with (make() if make else tf.Session()) as s:
        return s.run(t), s.run(t)


# -- exact TF values ---------------------------------------------------------------------------
# The golden values below are TF's own for seeds (42, 5) — tf.set_random_seed(42) and op seed 5
# — taken from TensorFlow's tf.compat.v1 kernels (the same Philox kernels as TF 1.x).

GOLDEN_42_5 = {
    ("RandomUniform", tf.float32, 7): (
        [0.026210665702819824, 0.43446969985961914, 0.2668653726577759, 0.7104220390319824,
         0.8841468095779419, 0.17779135704040527, 0.5452859401702881],
        [0.9042627811431885, 0.9674854278564453, 0.03312098979949951, 0.29293036460876465,
         0.6744953393936157, 0.030569911003112793, 0.1996746063232422]),
    ("RandomUniform", tf.float64, 5): (
        [0.20968571572465766, 0.13492381332520775, 0.07317521642482161, 0.3622879559221752,
         0.3736753173917884],
        [0.53452560014815, 0.2524728669878038, 0.6329834772398035, 0.9575631768961863,
         0.19543110015494336]),
    ("RandomStandardNormal", tf.float32, 7): (
        [1.0800440311431885, -2.4731929302215576, -1.575430154800415, -0.40005195140838623,
         0.44604530930519104, 0.21750372648239136, 1.0418146848678589],
        [-0.09101701527833939, 0.4393022060394287, 2.516191244125366, -0.6956706047058105,
         0.1694134771823883, 0.8711372017860413, -1.4716862440109253]),
    ("RandomStandardNormal", tf.float64, 5): (
        [1.3253114064924385, 1.1695471764530267, 1.7409305594762636, -1.4828883183274637,
         0.7875344608705169],
        [1.119128635047716, -0.017389839892710132, -0.25199108746384485, 0.9225629576400886,
         1.1073692807193727]),
    ("TruncatedNormal", tf.float32, 7): (
        [1.0800440311431885, -1.575430154800415, -0.40005195140838623, 0.44604530930519104,
         -0.46030133962631226, -0.4392830431461334, 1.9015847444534302],
        [-0.09101701527833939, 0.4393022060394287, -0.6956706047058105, 0.1694134771823883,
         0.0012609038967639208, 1.6063146591186523, -0.787161111831665]),
    ("TruncatedNormal", tf.float64, 5): (
        [1.3253114064924385, 1.1695471764530267, -0.06365816739883154, 0.001756091036531222,
         -1.091538915355039],
        [1.119128635047716, -0.017389839892710132, -0.5873091300834777, 1.4920647750299254,
         -1.6482934905031263]),
}


@pytest.mark.parametrize("key", list(GOLDEN_42_5), ids=lambda k: "%s-%s" % (k[0], k[1].name))
def test_kernels_match_tf_exactly(key):
    op_type, dtype, n = key
    t = raw_node(op_type, [n], dtype, seed=42, seed2=5)
    r1, r2 = run_twice(t)
    assert r1.dtype == dtype.as_numpy_dtype
    np.testing.assert_array_equal(r1, np.array(GOLDEN_42_5[key][0], dtype.as_numpy_dtype))
    np.testing.assert_array_equal(r2, np.array(GOLDEN_42_5[key][1], dtype.as_numpy_dtype))
    # A new session replays the stream from its start.
    np.testing.assert_array_equal(run_twice(t)[0], r1)


@pytest.mark.parametrize("op_type,dtype,golden", [
    ("RandomUniform", tf.float32,
     ([0.026210665702819824, 0.3740229606628418, 0.24489140510559082, 0.5523730516433716],
      [0.2844672203063965, 0.6534632444381714, 0.21919167041778564, 0.07426655292510986])),
    ("RandomStandardNormal", tf.float32,
     ([1.0800440311431885, -0.9864305257797241, 0.03828757628798485, 0.33227914571762085],
      [-0.15266762673854828, -0.6674689054489136, 0.2609420716762543, 0.6702858805656433])),
    ("TruncatedNormal", tf.float32,
     ([1.0800440311431885, -0.9206684827804565, 1.1290465593338013, -0.643458366394043],
      [-0.15266762673854828, 1.8201555013656616, -0.27252641320228577, -1.6737730503082275])),
    ("TruncatedNormal", tf.float64,
     ([1.3253114064924385, -1.1566661347952132, -0.29510063908692297, 0.5776894724446756],
      [1.429927226775872, 0.5207676056775081, 1.0801449416002469, -0.06052080901400341])),
])
def test_large_outputs_match_tf_for_every_thread_count(sess, op_type, dtype, golden):
    # TF's values (seeds 42, 5) at scattered indices of a 100001-element output, which the
    # kernel fills in parallel chunks that each skip the generator to their own offset.
    t = raw_node(op_type, [100001], dtype, seed=42, seed2=5)
    idx = [0, 4099, 65537, 100000]
    r1, r2 = sess.run(t), sess.run(t)
    np.testing.assert_array_equal(r1[idx], np.array(golden[0], dtype.as_numpy_dtype))
    np.testing.assert_array_equal(r2[idx], np.array(golden[1], dtype.as_numpy_dtype))


def test_counter_carry_matches_tf(sess):
    # The first run reserves 256 * (2**24 - 1) Philox outputs, so the second run's counter
    # carries out of its low 32 bits at element 1024. TF's values for seeds (42, 5).
    t = raw_node("RandomUniform", [2 ** 24 - 1], seed=42, seed2=5)
    sess.run(t)
    r = sess.run(t)
    np.testing.assert_array_equal(
        r[[0, 1023, 1024, 1027, 5000, 2 ** 24 - 2]],
        np.array([0.04782867431640625, 0.711430549621582, 0.0034766197204589844,
                  0.8607383966445923, 0.7422353029251099, 0.9384506940841675], np.float32))


def test_wrappers_match_tf_values():
    # TF's values for the book's theta initialiser: random_uniform([3, 1], -1.0, 1.0, seed=42)
    # without a graph seed, i.e. seeds (87654321, 42).
    t = tf.random_uniform([3, 1], -1.0, 1.0, seed=42)
    r1, r2 = run_twice(t)
    np.testing.assert_array_equal(
        r1, np.array([[0.9045429229736328], [0.3548154830932617], [0.5906364917755127]],
                     np.float32))
    np.testing.assert_array_equal(
        r2, np.array([[-0.6374602317810059], [-0.47261548042297363], [-0.682391881942749]],
                     np.float32))


def test_uniform_int_and_shuffle_match_tf():
    tf.set_random_seed(42)
    i32 = tf.random_uniform([7], -5, 100, dtype=tf.int32, seed=5)
    i64 = tf.random_uniform([5], -5, 10 ** 12, dtype=tf.int64, seed=5)
    sh = tf.random_shuffle(list(range(10)), seed=5)
    with tf.Session() as s:
        a, b, c = s.run([i32, i64, sh])
        c2 = s.run(sh)
    # TF's values for seeds (42, 5).
    assert a.dtype == np.int32 and a.tolist() == [67, 93, 42, 80, 23, 38, 53]
    assert b.dtype == np.int64 and b.tolist() == [999625079415, 123885375517, 27729234606,
                                                  363919564759, 673587257333]
    assert c.tolist() == [7, 3, 0, 4, 5, 8, 1, 9, 6, 2]
    assert c2.tolist() == [6, 3, 7, 4, 8, 1, 5, 9, 0, 2]


# -- seeds -------------------------------------------------------------------------------------


def test_get_seed_rules():
    assert tf.random.get_seed(None) == (None, None)
    assert tf.random.get_seed(7) == (87654321, 7)
    assert tf.random.get_seed(2 ** 31 - 1 + 9) == (87654321, 9)
    tf.set_random_seed(0)
    assert tf.random.get_seed(0) == (0, 2 ** 31 - 1)
    tf.random.set_random_seed(42)
    assert tf.get_default_graph().seed == 42
    assert tf.random.get_seed(5) == (42, 5)
    tf.constant(1.0)
    tf.constant(2.0)
    # Implicit op seeds count the seeds handed out, not the ops (TensorFlow's tf.compat.v1).
    assert tf.random.get_seed(None) == (42, 0)
    assert tf.random.get_seed(None) == (42, 1)
    assert tf.random.get_seed(7) == (42, 7)
    assert tf.random.get_seed(None) == (42, 2)


def test_seed_attrs_on_nodes():
    a = tf.random_uniform([2], seed=3)
    b = tf.random_normal([2])
    assert raw(a).op.get_attr("seed") == 87654321 and raw(a).op.get_attr("seed2") == 3
    assert raw(b).op.get_attr("seed") == 0 and raw(b).op.get_attr("seed2") == 0
    tf.set_random_seed(11)
    c = tf.truncated_normal([2])
    # The first op seed handed out under the graph seed.
    assert raw(c).op.get_attr("seed") == 11
    assert raw(c).op.get_attr("seed2") == 0


def test_graph_seed_only_equals_explicit_op_seed():
    # With only a graph seed the first random op gets op seed 0.
    g1 = tf.Graph()
    with g1.as_default():
        tf.set_random_seed(42)
        tf.constant(1.0)  # other ops do not advance the op seed
        implicit = raw(tf.random_normal([6]))
    g2 = tf.Graph()
    with g2.as_default():
        tf.get_default_graph().seed = 42
        explicit = raw(tf.random_normal([6], seed=0))
    with tf.Session(graph=g1) as s1, tf.Session(graph=g2) as s2:
        np.testing.assert_array_equal(s1.run(implicit), s2.run(explicit))


def build_model(seed_graph, seed_a, seed_b):
    g = tf.Graph()
    with g.as_default():
        if seed_graph is not None:
            tf.set_random_seed(seed_graph)
        a = raw(tf.random_uniform([50], seed=seed_a))
        b = raw(tf.random_normal([50], seed=seed_b))
    with tf.Session(graph=g) as s:
        return s.run([a, b])


def test_same_graph_built_twice_gives_same_values():
    for seeds in [(42, None, None), (None, 1, 2), (7, 1, 2)]:
        x, y = build_model(*seeds), build_model(*seeds)
        np.testing.assert_array_equal(x[0], y[0])
        np.testing.assert_array_equal(x[1], y[1])


def test_different_seeds_differ():
    base = build_model(None, 1, 2)
    assert not np.array_equal(base[0], build_model(None, 3, 2)[0])
    assert not np.array_equal(base[0], build_model(5, 1, 2)[0])
    # Two ops under one graph seed get different op seeds.
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(42)
        u1, u2 = raw(tf.random_uniform([20])), raw(tf.random_uniform([20]))
        with tf.Session() as s:
            v1, v2 = s.run([u1, u2])
    assert not np.array_equal(v1, v2)


def test_runs_continue_the_stream_and_sessions_replay_it():
    t = tf.random_normal([100], seed=9)
    with tf.Session() as s:
        first = [s.run(t) for _ in range(3)]
    assert not np.array_equal(first[0], first[1])
    assert not np.array_equal(first[1], first[2])
    with tf.Session() as s:
        again = [s.run(t) for _ in range(3)]
    for x, y in zip(first, again):
        np.testing.assert_array_equal(x, y)


def test_unseeded_ops_differ_between_sessions_and_ops():
    a = tf.random_uniform([64])
    b = tf.random_uniform([64])
    with tf.Session() as s:
        va, vb = s.run([a, b])
    with tf.Session() as s:
        va2 = s.run(a)
    assert not np.array_equal(va, vb)
    assert not np.array_equal(va, va2)


def test_concurrent_runs_reserve_disjoint_ranges():
    t = raw_node("RandomUniform", [257], seed=1, seed2=2)
    with tf.Session() as s:
        sequential = {s.run(t).tobytes() for _ in range(8)}
    results = []
    with tf.Session() as s:
        def work():
            results.append(s.run(t).tobytes())

        threads = [threading.Thread(target=work) for _ in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    assert set(results) == sequential


# -- threads -----------------------------------------------------------------------------------


@pytest.mark.parametrize("op_type", RAW_TYPES)
@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_values_independent_of_thread_count(make_session, op_type, dtype):
    t = raw_node(op_type, [1003, 301], dtype, seed=3, seed2=4)
    with make_session() as s:
        got = [s.run(t), s.run(t)]
    with tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1,
                                          inter_op_parallelism_threads=1)) as s1:
        ref = [s1.run(t), s1.run(t)]
    np.testing.assert_array_equal(got[0], ref[0])
    np.testing.assert_array_equal(got[1], ref[1])


def test_uniform_int_independent_of_thread_count(make_session):
    t = tf.random_uniform([100003], -3, 17, dtype=tf.int64, seed=2)
    with make_session() as s:
        got = s.run(t)
    with tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1)) as s1:
        np.testing.assert_array_equal(got, s1.run(t))


# -- distributions -----------------------------------------------------------------------------

N = 1_000_000


def test_uniform_statistics(sess):
    t = tf.random_uniform([N], -2.0, 3.0, seed=1)
    v = sess.run(t)
    assert v.min() >= -2.0 and v.max() <= 3.0
    assert abs(v.mean() - 0.5) < 0.01
    assert abs(v.std() - 5.0 / np.sqrt(12.0)) < 0.01
    r = sess.run(raw(t))
    assert r.min() >= 0.0 and r.max() < 1.0


def test_normal_statistics(sess):
    v = sess.run(tf.random_normal([N], mean=2.0, stddev=3.0, dtype=tf.float64, seed=1))
    assert v.dtype == np.float64
    assert abs(v.mean() - 2.0) < 0.015
    assert abs(v.std() - 3.0) < 0.015
    assert abs(np.mean(np.abs(v - 2.0) < 3.0) - 0.6827) < 0.003


def test_truncated_normal_statistics(sess):
    t = tf.truncated_normal([N], mean=1.0, stddev=0.5, seed=1)
    v = sess.run(t)
    assert v.min() >= 0.0 and v.max() <= 2.0  # float rounding of x * 0.5 + 1 may reach 2
    assert abs(v.mean() - 1.0) < 0.005
    # Standard deviation of N(0, 1) truncated to (-2, 2) is 0.87962.
    assert abs(v.std() - 0.5 * 0.87962) < 0.003
    r = sess.run(raw(t))
    assert np.abs(r).max() < 2.0


@pytest.mark.parametrize("dtype", [tf.int32, tf.int64])
def test_uniform_int_statistics(sess, dtype):
    v = sess.run(tf.random_uniform([N], -3, 7, dtype=dtype, seed=4))
    assert v.dtype == dtype.as_numpy_dtype
    assert v.min() == -3 and v.max() == 6
    counts = np.bincount(v + 3)
    assert np.all(np.abs(counts / N - 0.1) < 0.003)


def test_shuffle_is_a_permutation_of_rows():
    x = np.arange(60, dtype=np.float32).reshape(20, 3)
    y = tf.Session().run(tf.random_shuffle(x, seed=3))
    assert y.shape == (20, 3)
    assert not np.array_equal(x, y)
    assert sorted(map(tuple, y.tolist())) == sorted(map(tuple, x.tolist()))


# -- shapes, dtypes, names and errors ----------------------------------------------------------


def test_static_shapes():
    assert tf.random_uniform([3, 4]).shape.as_list() == [3, 4]
    assert tf.random_normal((2, 0, 5), dtype=tf.float64).dtype == tf.float64
    assert tf.truncated_normal(tf.TensorShape([2, 3])).shape.as_list() == [2, 3]
    assert tf.random_uniform([]).shape.as_list() == []
    p = tf.placeholder(tf.int32, [3])
    assert tf.random_normal(p).shape.as_list() == [None, None, None]
    assert tf.random_uniform(tf.placeholder(tf.int32, [None])).shape.ndims is None
    assert tf.random_uniform([2, -1]).shape.as_list() == [2, None]


def test_fed_shape():
    p = tf.placeholder(tf.int32, [None])
    t = tf.random_normal(p, seed=1)
    with tf.Session() as s:
        assert s.run(t, {p: [4, 2]}).shape == (4, 2)
        with pytest.raises(tf.errors.InvalidArgumentError, match="Dimension -2 must be >= 0"):
            s.run(t, {p: [4, -2]})


def test_errors():
    with pytest.raises(ValueError, match="Must specify maxval"):
        tf.random_uniform([2], dtype=tf.int32)
    with pytest.raises(ValueError):
        tf.random_uniform([2], dtype=tf.bool)
    # TF fails converting the mean (or on the op's dtype attr): TypeError, not ValueError.
    with pytest.raises(TypeError):
        tf.random_normal([2], dtype=tf.int32)
    with pytest.raises(TypeError):
        tf.truncated_normal([2], mean=0, stddev=1, dtype=tf.int64)
    with pytest.raises(ValueError, match="Invalid value in tensor used for shape: -2"):
        tf.random_uniform([2, -2])
    with pytest.raises(ValueError, match="rank 1"):
        tf.random_uniform([[2, 3]])
    t = tf.random_uniform([2, -1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Dimension -1 must be >= 0"):
        tf.Session().run(t)
    bad = tf.random_uniform([2], 3, 3, dtype=tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Need minval < maxval"):
        tf.Session().run(bad)


def test_zero_sized_outputs():
    with tf.Session() as s:
        assert s.run(raw_node("TruncatedNormal", [0, 3])).shape == (0, 3)
        assert s.run(tf.random_uniform([4, 0], 0, 5, dtype=tf.int32)).shape == (4, 0)


def test_node_names_and_types():
    tf.random_uniform([3, 1], -1, 1)
    tf.random_normal([2])
    tf.truncated_normal([2], name="tn")
    tf.random_uniform([4], 0, 10, dtype=tf.int32)
    tf.random_shuffle([1, 2, 3])
    got = [(o.name, o.type) for o in tf.get_default_graph().get_operations()]
    assert got == [
        ("random_uniform/shape", "Const"), ("random_uniform/min", "Const"),
        ("random_uniform/max", "Const"), ("random_uniform/RandomUniform", "RandomUniform"),
        ("random_uniform/sub", "Sub"), ("random_uniform/mul", "Mul"),
        ("random_uniform", "Add"),
        ("random_normal/shape", "Const"), ("random_normal/mean", "Const"),
        ("random_normal/stddev", "Const"),
        ("random_normal/RandomStandardNormal", "RandomStandardNormal"),
        ("random_normal/mul", "Mul"), ("random_normal", "Add"),
        ("tn/shape", "Const"), ("tn/mean", "Const"), ("tn/stddev", "Const"),
        ("tn/TruncatedNormal", "TruncatedNormal"), ("tn/mul", "Mul"), ("tn", "Add"),
        ("random_uniform_1/shape", "Const"), ("random_uniform_1/min", "Const"),
        ("random_uniform_1/max", "Const"), ("random_uniform_1", "RandomUniformInt"),
        ("RandomShuffle/value", "Const"), ("RandomShuffle", "RandomShuffle"),
    ]
    assert tf.get_default_graph().get_tensor_by_name("random_uniform/shape:0").dtype == tf.int32


def test_module_aliases():
    assert tf.random.uniform is tf.random_uniform
    assert tf.random.normal is tf.random_normal
    assert tf.random.truncated_normal is tf.truncated_normal
    assert tf.random.shuffle is tf.random_shuffle
    assert tf.random.set_random_seed is tf.set_random_seed


def test_graph_seed_only_values_are_tensorflows():
    # TensorFlow 2.21 (tf.compat.v1) with tf.set_random_seed(1): a get_variable's default
    # initializer takes op seed 0, the next random op 1, an explicit seed 5 does not count.
    tf.set_random_seed(1)
    tf.Variable(tf.constant([1.0]), name="w")
    k = tf.get_variable("k", [3, 2])
    z = tf.random_normal([2])
    u = tf.random_uniform([3], seed=5)
    t = tf.truncated_normal([2])
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        zv, uv, tv, kv = s.run([z, u, t, k])
    np.testing.assert_allclose(zv, [0.28183395, 2.3878284], rtol=1e-6)
    np.testing.assert_allclose(uv, [0.195606, 0.02986085, 0.36493087], rtol=1e-6)
    np.testing.assert_allclose(tv, [-1.0467793, 0.8397046], rtol=1e-6)
    np.testing.assert_allclose(kv, [[0.6850836, -0.9232967], [0.85814, -0.7246257],
                                    [-0.95717025, 0.09927082]], rtol=1e-6)
