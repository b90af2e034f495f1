"""Session: fetch structures, feeds, defaults, make_callable and lifetime, against TF1."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import pygraphx as tf

NT = collections.namedtuple("NT", ["x", "y"])


@pytest.fixture
def consts():
    a = tf.constant(1.0, name="a")
    b = tf.constant([2, 3], name="b")
    n = tf.no_op(name="n")
    return a, b, n


# ---------------------------------------------------------------------------------------------
# Fetches


def test_fetch_single_tensor_is_numpy_scalar_or_array(sess, consts):
    a, b, _ = consts
    va = sess.run(a)
    assert type(va) is np.float32 and va == 1.0
    vb = sess.run(b)
    assert isinstance(vb, np.ndarray) and vb.dtype == np.int32
    np.testing.assert_array_equal(vb, [2, 3])


def test_fetch_scalar_types(sess):
    fetches = [tf.constant(5), tf.constant(2.5), tf.constant(True), tf.constant(np.int64(7)),
               tf.constant(np.float64(1.5))]
    got = sess.run(fetches)
    assert [type(x) for x in got] == [np.int32, np.float32, np.bool_, np.int64, np.float64]
    assert got == [5, 2.5, True, 7, 1.5]


def test_fetch_operation_is_none(sess, consts):
    _, _, n = consts
    assert sess.run(n) is None
    assert sess.run("n") is None


def test_fetch_by_name(sess, consts):
    assert sess.run("a:0") == np.float32(1.0)
    np.testing.assert_array_equal(sess.run("b:0"), [2, 3])


def test_fetch_list_tuple_dict(sess, consts):
    a, b, n = consts
    got = sess.run([a, b])
    assert isinstance(got, list) and got[0] == 1.0
    np.testing.assert_array_equal(got[1], [2, 3])
    t = sess.run((a, n))
    assert t == (1.0, None) and type(t) is tuple
    d = sess.run({"k": a, "j": [b, n]})
    assert set(d) == {"k", "j"} and d["k"] == 1.0 and d["j"][1] is None
    np.testing.assert_array_equal(d["j"][0], [2, 3])
    assert sess.run([]) == [] and sess.run({}) == {}


def test_fetch_ordered_dict_and_namedtuple(sess, consts):
    a, b, _ = consts
    od = sess.run(collections.OrderedDict([("z", a), ("a", b)]))
    assert type(od) is collections.OrderedDict and list(od) == ["z", "a"]
    nt = sess.run(NT(x=a, y=(b, [a])))
    assert type(nt) is NT and nt.x == 1.0 and type(nt.y) is tuple and nt.y[1] == [1.0]
    np.testing.assert_array_equal(nt.y[0], [2, 3])


def test_fetch_duplicates(sess, consts):
    a, _, _ = consts
    assert sess.run([a, a, "a:0"]) == [1.0, 1.0, 1.0]


def test_fetch_errors(sess, consts):
    with pytest.raises(TypeError, match="Fetch argument None has invalid type"):
        sess.run(None)
    with pytest.raises(TypeError, match="Fetch argument 3 has invalid type"):
        sess.run(3)
    with pytest.raises(ValueError, match="The operation, 'nope', does not exist in the graph."):
        sess.run("nope:0")
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1)
    with pytest.raises(ValueError, match="is not an element of this graph"):
        sess.run(c)


def test_fetch_variable_forms(sess):
    v = tf.Variable([1.0], name="v")
    sess.run(tf.global_variables_initializer())
    for f in (v, "v:0", v.value(), v.initial_value):
        np.testing.assert_array_equal(sess.run(f), [1.0])
    assert sess.run(v.initializer) is None


# ---------------------------------------------------------------------------------------------
# Feeds


def test_feed_placeholder_by_tensor_and_name(sess):
    x = tf.placeholder(tf.float32, shape=(None, 3), name="X")
    y = tf.identity(x, name="y")
    np.testing.assert_array_equal(sess.run(y, feed_dict={x: [[1, 2, 3]]}), [[1.0, 2.0, 3.0]])
    got = sess.run(y, {x: np.ones((2, 3))})
    assert got.dtype == np.float32 and got.shape == (2, 3)
    np.testing.assert_array_equal(sess.run(y, {"X:0": [[1, 2, 3]]}), [[1.0, 2.0, 3.0]])


def test_book_feeding_example(sess):
    A = tf.placeholder(tf.float32, shape=(None, 3))
    B = tf.identity(A)
    with sess.as_default():
        B_val_1 = B.eval(feed_dict={A: [[1, 2, 3]]})
        B_val_2 = B.eval(feed_dict={A: [[4, 5, 6], [7, 8, 9]]})
    np.testing.assert_array_equal(B_val_1, [[1, 2, 3]])
    np.testing.assert_array_equal(B_val_2, [[4, 5, 6], [7, 8, 9]])


@pytest.mark.skipif(not hasattr(tf.Tensor, "__add__"), reason="waiting for operator overloads")
def test_book_feeding_example_with_add(sess):
    A = tf.placeholder(tf.float32, shape=(None, 3))
    B = A + 5
    with sess.as_default():
        np.testing.assert_array_equal(B.eval(feed_dict={A: [[1, 2, 3]]}), [[6, 7, 8]])


def test_feed_shape_mismatch_is_value_error(sess):
    x = tf.placeholder(tf.float32, shape=(None, 3), name="X")
    with pytest.raises(ValueError) as ei:
        sess.run(x, feed_dict={x: [[1, 2]]})
    assert str(ei.value) == ("Cannot feed value of shape (1, 2) for Tensor 'X:0', which has "
                             "shape '(?, 3)'")
    s = tf.placeholder(tf.float32, shape=(3,), name="S")
    with pytest.raises(ValueError, match="Cannot feed value of shape \\(\\) for Tensor 'S:0'"):
        sess.run(s, feed_dict={s: 1.0})


def test_feed_value_that_is_a_tensor_is_type_error(sess):
    x = tf.placeholder(tf.float32, name="X")
    c = tf.constant(1.0)
    with pytest.raises(TypeError, match="The value of a feed cannot be a tf.Tensor object."):
        sess.run(x, feed_dict={x: c})


def test_feed_key_errors(sess):
    c = tf.constant(1.0, name="c")
    with pytest.raises(TypeError, match="Cannot interpret feed_dict key as Tensor"):
        sess.run(c, {3: 1.0})
    with pytest.raises(TypeError, match="Cannot interpret feed_dict key as Tensor"):
        sess.run(c, {c.op: 1.0})


def test_feed_is_converted_to_the_placeholder_dtype(sess):
    x = tf.placeholder(tf.int32, name="X")
    got = sess.run(x, {x: np.array([1.7, 2.2])})
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, [1, 2])
    f = tf.placeholder(tf.float32, name="F")
    with pytest.raises(ValueError):
        sess.run(f, {f: "abc"})


def test_missing_placeholder_is_invalid_argument_naming_it(sess):
    x = tf.placeholder(tf.float32, shape=(None, 3), name="X")
    y = tf.identity(x, name="y")
    with pytest.raises(tf.errors.InvalidArgumentError) as ei:
        sess.run(y)
    e = ei.value
    assert "You must feed a value for placeholder tensor 'X' with dtype float and shape [?,3]" \
        in e.message
    assert e.op is x.op
    assert e.error_code == tf.errors.INVALID_ARGUMENT


def test_missing_placeholder_messages_per_dtype(sess):
    i = tf.placeholder(tf.int32, shape=(), name="I")
    d = tf.placeholder(tf.float64, name="D")
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="placeholder tensor 'I' with dtype int32"):
        sess.run(i)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="placeholder tensor 'D' with dtype double"):
        sess.run(d)


def test_unneeded_placeholder_need_not_be_fed(sess):
    tf.placeholder(tf.float32, name="X")
    c = tf.constant(2.0, name="c")
    assert sess.run(c) == 2.0


def test_any_tensor_can_be_fed(sess):
    c = tf.constant(2.0, name="c")
    y = tf.identity(c, name="y")
    assert sess.run(y, {c: 5.0}) == 5.0
    assert sess.run(y) == 2.0


def test_feeding_an_intermediate_cuts_the_graph(sess):
    x = tf.placeholder(tf.float32, name="X")
    m = tf.identity(x, name="m")
    y = tf.identity(m, name="y")
    # X is upstream of m: it need not be fed once m is.
    assert sess.run(y, {m: 7.0}) == 7.0
    with pytest.raises(tf.errors.InvalidArgumentError, match="placeholder tensor 'X'"):
        sess.run(y)


def test_feeding_cuts_out_an_uninitialized_variable(sess):
    v = tf.Variable(1.0, name="v")
    y = tf.identity(v, name="y")
    assert sess.run(y, {v.value(): 3.0}) == 3.0


def test_fed_arrays_are_not_aliased_by_results(sess):
    x = tf.placeholder(tf.float32)
    y = tf.identity(x)
    a = np.array([1.0, 2.0], dtype=np.float32)
    r = sess.run(y, {x: a})
    r[0] = 9.0
    np.testing.assert_array_equal(a, [1.0, 2.0])


def test_fetched_constant_is_an_owned_copy(sess):
    c = tf.constant([1.0, 2.0])
    r = sess.run(c)
    r[0] = 9.0
    np.testing.assert_array_equal(sess.run(c), [1.0, 2.0])


# ---------------------------------------------------------------------------------------------
# Node evaluation


def test_each_node_runs_at_most_once_per_run(sess):
    v = tf.Variable(0.0, name="v")
    inc = tf.assign_add(v, 1.0)
    a = tf.identity(inc)
    b = tf.identity(inc)
    sess.run(v.initializer)
    got = sess.run([a, b, inc])
    assert got == [1.0, 1.0, 1.0]
    assert sess.run(v) == 1.0


def test_separate_evals_run_shared_nodes_again(sess):
    """Exercise 3: a.eval(), b.eval() is not sess.run([a, b])."""
    v = tf.Variable(0.0, name="v")
    inc = tf.assign_add(v, 1.0)
    a = tf.identity(inc)
    b = tf.identity(inc)
    sess.run(v.initializer)
    with sess.as_default():
        assert (a.eval(), b.eval()) == (1.0, 2.0)
    assert a.eval(session=sess) == 3.0  # same as sess.run(a): one more increment
    assert sess.run(a) == 4.0
    assert sess.run([a, b]) == [5.0, 5.0]  # shared dependency evaluated once
    assert sess.run(v) == 5.0


@pytest.mark.skipif(not hasattr(tf.Tensor, "__add__"), reason="waiting for operator overloads")
def test_node_value_lifecycle(sess):
    w = tf.constant(3)
    x = w + 2
    y = x + 5
    z = x * 3
    with sess.as_default():
        assert (y.eval(), z.eval()) == (10, 15)
    assert sess.run([y, z]) == [10, 15]


# ---------------------------------------------------------------------------------------------
# Default sessions and lifetime


def test_closed_session_raises_runtime_error(make_session):
    c = tf.constant(1.0)
    s = make_session()
    s.close()
    s.close()
    with pytest.raises(RuntimeError, match="Attempted to use a closed Session."):
        s.run(c)
    with pytest.raises(RuntimeError, match="Attempted to use a closed Session."):
        s.make_callable(c)


def test_with_session_makes_it_default_and_closes_it():
    c = tf.constant(3.0)
    n = tf.no_op()
    with tf.Session() as s:
        assert tf.get_default_session() is s
        assert c.eval() == 3.0
        assert n.run() is None
    assert tf.get_default_session() is None
    with pytest.raises(RuntimeError, match="closed Session"):
        s.run(c)


def test_as_default_does_not_close(make_session):
    c = tf.constant(3.0)
    s = make_session()
    with s.as_default():
        assert tf.get_default_session() is s
        assert c.eval() == 3.0
    assert tf.get_default_session() is None
    assert s.run(c) == 3.0


def test_interactive_session_installs_itself():
    c = tf.constant(3.0)
    s = tf.InteractiveSession()
    try:
        assert tf.get_default_session() is s
        assert c.eval() == 3.0
    finally:
        s.close()
    assert tf.get_default_session() is None


def test_eval_and_run_without_session():
    c = tf.constant(3.0)
    with pytest.raises(ValueError, match="Cannot evaluate tensor using `eval\\(\\)`: No default "
                                         "session is registered."):
        c.eval()
    with pytest.raises(ValueError, match="Cannot execute operation using `run\\(\\)`: No "
                                         "default session is registered. Use "
                                         "`with sess.as_default\\(\\):`"):
        tf.no_op().run()


def test_session_of_another_graph(make_session):
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1)
    s = make_session()
    with pytest.raises(ValueError, match="the tensor's graph is different from the session's "
                                         "graph"):
        c.eval(session=s)
    with s.as_default():
        with pytest.raises(ValueError, match="Cannot use the default session to evaluate tensor"):
            c.eval()
    s2 = make_session(graph=g)
    assert s2.graph is g and c.eval(session=s2) == 1


def test_session_graph_defaults_to_the_default_graph(fresh_graph, make_session):
    assert make_session().graph is fresh_graph
    with pytest.raises(TypeError):
        tf.Session(graph=3)


def test_a_session_runs_one_graph(make_session):
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        a = tf.constant(1)
    with g2.as_default():
        b = tf.constant(2)
    s = make_session(graph=g1)
    assert s.run(a) == 1
    with pytest.raises(ValueError):
        s.run([a, b])


# ---------------------------------------------------------------------------------------------
# make_callable, options, config


def test_make_callable_with_feed_list(sess):
    x = tf.placeholder(tf.float32, name="X")
    y = tf.identity(x)
    f = sess.make_callable(y, feed_list=[x])
    assert f(1.0) == 1.0
    np.testing.assert_array_equal(f([1.0, 2.0]), [1.0, 2.0])
    g = sess.make_callable([y, tf.no_op()], feed_list=["X:0"])
    assert g(3.0) == [3.0, None]
    with pytest.raises(ValueError):
        f()


def test_make_callable_without_feeds_and_structures(sess):
    a = tf.constant(1.0, name="a")
    f = sess.make_callable({"a": a, "t": (a,)})
    assert f() == {"a": 1.0, "t": (1.0,)}


def test_run_options_and_metadata_are_accepted(sess):
    c = tf.constant(1.0)
    opts = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    assert sess.run(c, options=opts, run_metadata=tf.RunMetadata()) == 1.0


def test_config_proto_thread_counts():
    cfg = tf.ConfigProto(intra_op_parallelism_threads=2, inter_op_parallelism_threads=3)
    assert (cfg.intra_op_parallelism_threads, cfg.inter_op_parallelism_threads) == (2, 3)
    c = tf.constant(1.0)
    with tf.Session(config=cfg) as s:
        assert s.run(c) == 1.0
    with pytest.raises(ValueError):
        tf.ConfigProto(intra_op_parallelism_threads=-1)


def test_close_while_another_thread_runs_waits_then_rejects_runs():
    import threading

    x = tf.placeholder(tf.float32, shape=(None, None))
    y = tf.reduce_sum(tf.matmul(x, x) + 1.0)
    data = np.ones((400, 400), np.float32)
    sess = tf.Session()
    outcomes = []
    started = threading.Event()

    def loop():
        for _ in range(100000):  # ends at the first run after close()
            try:
                v = sess.run(y, {x: data})
            except RuntimeError as e:
                outcomes.append(str(e))
                return
            outcomes.append(float(v))
            started.set()

    t = threading.Thread(target=loop)
    t.start()
    assert started.wait(30)
    sess.close()
    t.join(30)
    assert not t.is_alive()
    values = [o for o in outcomes if isinstance(o, float)]
    assert values and all(v == 400.0 * 400 * 400 + 400 * 400 for v in values)
    assert outcomes[-1] == "Attempted to use a closed Session."


def test_constant_of_out_of_range_python_int_is_an_error():
    with pytest.raises(ValueError, match="out of range for int32"):
        tf.constant(2 ** 40, dtype=tf.int32)
    with pytest.raises(ValueError, match="out of range for int64"):
        tf.constant(2 ** 63)
    assert tf.constant(2 ** 40).dtype == tf.int64


def test_feed_shape_check_follows_set_shape_after_earlier_runs(sess):
    x = tf.placeholder(tf.float32, shape=(None, None))
    y = x + 1.0
    assert sess.run(y, {x: np.zeros((2, 5), np.float32)}).shape == (2, 5)
    x.set_shape((None, 3))
    with pytest.raises(ValueError, match=r"Cannot feed value of shape \(2, 5\)"):
        sess.run(y, {x: np.zeros((2, 5), np.float32)})
    assert sess.run(y, {x: np.zeros((4, 3), np.float32)}).shape == (4, 3)
