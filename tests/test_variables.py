"""tf.Variable: nodes, initialisation, assignment and per-session values, against TF1."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import pygraphx as tf


def op_names() -> list:
    return [op.name for op in tf.get_default_graph().get_operations()]


def test_variable_nodes_and_names():
    x = tf.Variable(3, name="x")
    y = tf.Variable(4, name="y")
    assert op_names() == ["x/initial_value", "x", "x/Assign", "x/read",
                          "y/initial_value", "y", "y/Assign", "y/read"]
    assert (x.name, x.op.name, x.op.type) == ("x:0", "x", "VariableV2")
    assert x.initializer.name == "x/Assign" and x.initializer.type == "Assign"
    assert x.initial_value.name == "x/initial_value:0"
    assert x.value().name == "x/read:0"
    assert [t.name for t in x.initializer.inputs] == ["x:0", "x/initial_value:0"]
    assert x.dtype == tf.int32_ref and y.dtype.base_dtype == tf.int32
    assert x.op.get_attr("dtype") == tf.int32
    assert x.op.get_attr("shape").as_list() == []
    assert x.initializer.get_attr("use_locking") is True
    assert x.initializer.get_attr("validate_shape") is True


def test_default_variable_names():
    v = tf.Variable(1.0)
    w = tf.Variable(2.0)
    assert (v.name, w.name) == ("Variable:0", "Variable_1:0")


def test_first_graph_of_the_chapter(sess):
    x = tf.Variable(3, name="x")
    y = tf.Variable(4, name="y")
    sess.run(x.initializer)
    sess.run(y.initializer)
    assert sess.run(x) == 3 and type(sess.run(x)) is np.int32
    with sess.as_default():
        assert x.eval() == 3
        assert y.eval(session=sess) == 4


def test_read_value_and_value():
    v = tf.Variable(1.0, name="v")
    r = v.read_value()
    assert (r.name, r.op.type) == ("read:0", "Identity")
    assert v.value().name == "v/read:0"


def test_initial_value_required():
    with pytest.raises(ValueError, match="initial_value must be specified."):
        tf.Variable()


def test_callable_initial_value_and_dtype():
    tf.Variable(lambda: tf.constant([1.0, 2.0]), name="v")
    w = tf.Variable(1, name="w", dtype=tf.float32)
    assert repr(w) == "<tf.Variable 'w:0' shape=() dtype=float32_ref>"
    assert op_names() == ["v/Initializer/Const", "v", "v/Assign", "v/read",
                          "w/initial_value", "w", "w/Assign", "w/read"]


def test_initial_value_shape_must_be_known():
    p = tf.placeholder(tf.float32)
    with pytest.raises(ValueError, match="initial_value must have a shape specified"):
        tf.Variable(p)
    v = tf.Variable(p, validate_shape=False, name="v")
    assert repr(v) == "<tf.Variable 'v:0' shape=<unknown> dtype=float32_ref>"


def test_variable_from_a_tensor(sess):
    c = tf.constant([1.0, 2.0], name="c")
    v = tf.Variable(c, name="v")
    assert op_names() == ["c", "v", "v/Assign", "v/read"]
    sess.run(v.initializer)
    np.testing.assert_array_equal(sess.run(v), np.array([1.0, 2.0], np.float32))


def test_initialized_value_initialises_another_variable(sess):
    a = tf.Variable([1.0, 2.0], name="a")
    b = tf.Variable(a.initialized_value(), name="b")
    sess.run(b.initializer)
    np.testing.assert_array_equal(sess.run(b), np.array([1.0, 2.0], np.float32))


def test_trainable_and_collections():
    v = tf.Variable(1.0, name="v", trainable=False)
    w = tf.Variable(1.0, name="w")
    assert (v.trainable, w.trainable) == (False, True)
    assert tf.trainable_variables() == [w]
    assert tf.global_variables() == [v, w]
    with pytest.raises(ValueError, match="collections argument to Variable constructor must be"):
        tf.Variable(1.0, collections="mine")


def test_global_variables_initializer(sess):
    v = tf.Variable([1.0, 2.0], name="v")
    w = tf.Variable(3, name="w")
    init = tf.global_variables_initializer()
    assert init.name == "init"
    with sess.as_default():
        init.run()
        np.testing.assert_array_equal(v.eval(), np.array([1.0, 2.0], np.float32))
        assert w.eval() == 3


def test_variables_initializer_only_initialises_its_list(sess):
    v = tf.Variable(1.0, name="v")
    w = tf.Variable(2.0, name="w")
    sess.run(tf.variables_initializer([v]))
    assert sess.run(v) == np.float32(1.0)
    with pytest.raises(tf.errors.FailedPreconditionError):
        sess.run(w)


def test_is_variable_initialized(sess):
    v = tf.Variable(1.0, name="v")
    i = tf.is_variable_initialized(v)
    assert i.name == "IsVariableInitialized:0"
    assert sess.run(i) == np.False_
    sess.run(v.initializer)
    assert sess.run(i) == np.True_


# ---------------------------------------------------------------------------------------------
# Assignment


def test_assign_ops_and_names(sess):
    v = tf.Variable(10.0, name="v")
    a = v.assign(2.0)
    b = v.assign_add(3.0)
    c = v.assign_sub(1.0)
    d = tf.assign(v, 7.0)
    assert [a.name, b.name, c.name, d.name] == ["Assign:0", "AssignAdd:0", "AssignSub:0",
                                                "Assign_1:0"]
    assert repr(a) == "<tf.Tensor 'Assign:0' shape=() dtype=float32_ref>"
    assert [t.name for t in b.op.inputs] == ["v:0", "AssignAdd/value:0"]
    assert [x.op.get_attr("use_locking") for x in (a, b, c, d)] == [False, False, False, True]
    sess.run(v.initializer)
    assert [sess.run(a), sess.run(b), sess.run(c), sess.run(v)] == [2.0, 5.0, 4.0, 4.0]
    assert sess.run(d) == 7.0


def test_assign_read_value_false_returns_the_op():
    v = tf.Variable(1.0, name="v")
    a = v.assign(2.0, read_value=False)
    assert isinstance(a, tf.Operation) and a.name == "Assign"


def test_assign_shape_and_dtype_checked_at_build_time():
    v = tf.Variable([1.0, 2.0], name="v")
    with pytest.raises(ValueError):
        tf.assign(v, [1.0, 2.0, 3.0])
    # Python ints convert to the variable's float dtype, as in TF.
    assert tf.assign(v, [1, 2]).shape.as_list() == [2]
    with pytest.raises(TypeError):
        tf.assign(tf.constant(1.0), 2.0)


def test_assign_from_placeholder(sess):
    v = tf.Variable([1.0, 2.0], name="v")
    p = tf.placeholder(tf.float32, shape=(2,))
    a = tf.assign(v, p)
    sess.run(v.initializer)
    sess.run(a, {p: [5, 6]})
    np.testing.assert_array_equal(sess.run(v), np.array([5.0, 6.0], np.float32))


def test_assign_wrong_runtime_shape_is_invalid_argument(sess):
    v = tf.Variable([1.0, 2.0], name="v")
    p = tf.placeholder(tf.float32)
    a = tf.assign(v, p)
    sess.run(v.initializer)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Assign requires shapes of both tensors to match. lhs shape= \[2\] "
                             r"rhs shape= \[3\]"):
        sess.run(a, {p: [5, 6, 7]})


def test_read_after_assign_under_control_dependency(sess):
    v = tf.Variable(1.0, name="v")
    a = tf.assign(v, 5.0)
    with tf.control_dependencies([a]):
        r = v.read_value()
    sess.run(v.initializer)
    assert sess.run(r) == np.float32(5.0)


def test_read_under_control_dependency_on_initializer(sess):
    """The value is read when the reader runs, after its control inputs (TF ref semantics)."""
    v = tf.Variable(3.0, name="v")
    with tf.control_dependencies([v.initializer]):
        r = v.read_value()
    assert sess.run(r) == np.float32(3.0)


def test_load(sess):
    v = tf.Variable([1.0, 2.0], name="v")
    sess.run(v.initializer)
    with sess.as_default():
        v.load([5.0, 6.0])
        np.testing.assert_array_equal(v.eval(), np.array([5.0, 6.0], np.float32))
    v.load([7.0, 8.0], sess)
    np.testing.assert_array_equal(sess.run(v), np.array([7.0, 8.0], np.float32))


def test_load_without_session():
    v = tf.Variable([1.0, 2.0], name="v")
    with pytest.raises(ValueError, match="Either session argument should be provided or default "
                                         "session should be established"):
        v.load([5.0, 6.0])


# ---------------------------------------------------------------------------------------------
# Per-session values and lifetime


def test_uninitialized_read_is_failed_precondition(sess):
    v = tf.Variable(1.0, name="v")
    y = tf.identity(v, name="y")
    with pytest.raises(tf.errors.FailedPreconditionError) as ei:
        sess.run(y)
    assert ei.value.op is not None and ei.value.op.name == "v/read"
    assert "Attempting to use uninitialized value v" in ei.value.message
    with pytest.raises(tf.errors.FailedPreconditionError) as ei:
        sess.run(v)
    assert ei.value.op is v.op
    assert "Attempting to use uninitialized value v" in str(ei.value)


def test_each_session_has_its_own_values(make_session):
    v = tf.Variable(1.0, name="v")
    a = tf.assign(v, 5.0)
    s1, s2 = make_session(), make_session()
    s1.run(v.initializer)
    s2.run(v.initializer)
    s1.run(a)
    assert (s1.run(v), s2.run(v)) == (5.0, 1.0)
    s3 = make_session()
    with pytest.raises(tf.errors.FailedPreconditionError):
        s3.run(v)


def test_variable_lives_until_the_session_closes(make_session):
    v = tf.Variable(1.0, name="v")
    s1 = make_session()
    s1.run(v.initializer)
    s1.close()
    with pytest.raises(RuntimeError, match="Attempted to use a closed Session."):
        s1.run(v)
    s2 = make_session()
    with pytest.raises(tf.errors.FailedPreconditionError):
        s2.run(v)


def test_two_sessions_in_two_threads_have_their_own_copies(make_session):
    v = tf.Variable(0.0, name="v")
    inc = tf.assign_add(v, 1.0)
    sessions = [make_session(), make_session()]
    results = {}

    def work(i: int) -> None:
        s = sessions[i]
        s.run(v.initializer)
        for _ in range(200 * (i + 1)):
            s.run(inc)
        results[i] = s.run(v)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {0: 200.0, 1: 400.0}


def test_failed_run_leaves_variables_unchanged(sess):
    """pygraphx commits a run's variable writes only when the run succeeds."""
    v = tf.Variable(1.0, name="v")
    p = tf.placeholder(tf.float32, name="p")
    a = tf.assign(v, 5.0)
    with tf.control_dependencies([a]):
        bad = tf.assign(v, p)
    sess.run(v.initializer)
    with pytest.raises(tf.errors.InvalidArgumentError):
        sess.run(bad, {p: [1.0, 2.0]})
    assert sess.run(v) == np.float32(1.0)


def test_fetched_variable_value_is_an_owned_copy(sess):
    v = tf.Variable([1.0, 2.0])
    sess.run(v.initializer)
    r = sess.run(v)
    r[0] = 9.0
    r2 = sess.run(v.value())
    r2[1] = 7.0
    np.testing.assert_array_equal(sess.run(v), np.array([1.0, 2.0], np.float32))


def test_set_any_value_with_assign_and_placeholder(sess):
    """Exercise: a variable can be set to any value during execution."""
    v = tf.Variable(tf.constant(0.0, shape=[2, 2]), name="v")
    p = tf.placeholder(tf.float32, shape=[2, 2])
    a = tf.assign(v, p)
    sess.run(v.initializer)
    for k in range(3):
        val = np.full((2, 2), k, np.float32)
        sess.run(a, {p: val})
        np.testing.assert_array_equal(sess.run(v), val)


def test_initial_value_reading_another_variable_is_guarded(sess):
    # TF's _try_guard_against_uninitialized_dependencies: v's initializer reads w through
    # w.initialized_value(), so global_variables_initializer works in any order and
    # v.initializer works before w is initialised.
    w = tf.Variable(tf.constant([1.0, 2.0]), name="w")
    v = tf.Variable(w * 2, name="v")
    names = op_names()
    assert names[names.index("v"):] == ["v", "v/cond", "w/read_v", "mul_v", "v/Assign",
                                        "v/read"]
    assert v.initializer.inputs[1].op.name == "mul_v"
    assert v.initial_value.op.name == "mul"  # the user's tensor is left as is
    sess.run(v.initializer)
    np.testing.assert_array_equal(sess.run(v), np.array([2.0, 4.0], np.float32))
    with pytest.raises(tf.errors.FailedPreconditionError):
        sess.run(w)  # reading w's initial value did not initialise w
    sess.run(tf.global_variables_initializer())
    sess.run(w.assign([5.0, 5.0]))
    sess.run(v.initializer)  # now reads w's current value
    np.testing.assert_array_equal(sess.run([w, v]), [[5.0, 5.0], [10.0, 10.0]])


def test_global_initializer_with_dependent_variables(make_session):
    for _ in range(20):
        g = tf.Graph()
        with g.as_default():
            a = tf.Variable(tf.ones([50, 50]) * 3, name="a")
            b = tf.Variable(a * 2, name="b")
            init = tf.global_variables_initializer()
        s = make_session(g)
        s.run(init)
        np.testing.assert_array_equal(s.run(b), np.full((50, 50), 6.0, np.float32))


def test_initialized_value_reads_without_reinitialising(sess):
    # TF1.x: cond(is_variable_initialized(a), a.read_value, lambda: a.initial_value).
    a = tf.Variable([1.0, 2.0], name="a")
    b = tf.Variable(a.initialized_value() + 1, name="b")
    iv = a.initialized_value()
    assert (iv.op.name, iv.op.type, str(iv.shape), iv.dtype) == ("cond_1", "InitializedValue",
                                                                "(2,)", tf.float32)
    np.testing.assert_array_equal(sess.run(iv), [1.0, 2.0])  # uninitialised: initial value
    sess.run(b.initializer)
    with pytest.raises(tf.errors.FailedPreconditionError):
        sess.run(a)
    sess.run(a.initializer)
    sess.run(a.assign([7.0, 8.0]))
    sess.run(b.initializer)
    np.testing.assert_array_equal(sess.run([a, b]), [[7.0, 8.0], [8.0, 9.0]])


def test_guard_takes_no_graph_level_op_seed():
    # Graph-level seeds count random ops, not nodes: the guard's single node changes nothing.
    tf.set_random_seed(1)
    w = tf.Variable(tf.constant([1.0]), name="w")
    tf.Variable(w * 2, name="v")
    z = tf.random_normal([2])
    seed2 = z.op.inputs[0].op.inputs[0].op.get_attr("seed2")
    assert seed2 == 0


def test_assign_to_a_tensor_raises_attribute_error_as_tf():
    # TF1 falls back to ref.assign(...): AttributeError. Ours is also a TypeError.
    x = tf.constant(1.0)
    for fn in (tf.assign, tf.assign_add, tf.assign_sub):
        with pytest.raises(AttributeError, match="is not a variable"):
            fn(x + 1, 1.0)
        with pytest.raises(TypeError):
            fn(x, 1.0)
