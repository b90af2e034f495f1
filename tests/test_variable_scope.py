"""variable_scope / get_variable sharing and the chapter 9 seed listings, against TF1.

Every expected name list and message below was taken from TF (tf.compat.v1, graph mode).
"""

from __future__ import annotations

import numpy as np
import pytest

import pygraphx as tf

ZERO = tf.constant_initializer(0.0)
ONE = tf.constant_initializer(1.0)


def op_names() -> list:
    return [op.name for op in tf.get_default_graph().get_operations()]


def needs(*names: str):
    """Skips a test until the other op families provide ``tf.<name>`` for each name."""
    missing = [n for n in names if not hasattr(tf, n)]
    return pytest.mark.skipif(bool(missing),
                              reason="waiting for ops from other families: %s" % missing)


# ---------------------------------------------------------------------------------------------
# Create / reuse rules


def test_get_variable_creates_scope_prefixed_variable():
    with tf.variable_scope("foo"):
        v = tf.get_variable("v", [1], initializer=ONE)
    assert v.name == "foo/v:0"
    assert repr(v) == "<tf.Variable 'foo/v:0' shape=(1,) dtype=float32_ref>"
    assert op_names() == ["foo/v/Initializer/Const", "foo/v", "foo/v/Assign", "foo/v/read"]


def test_reuse_true_on_missing_variable_is_value_error():
    with tf.variable_scope("foo", reuse=True):
        with pytest.raises(ValueError) as ei:
            tf.get_variable("v", [1], initializer=ONE)
    assert str(ei.value) == (
        "Variable foo/v does not exist, or was not created with tf.get_variable(). Did you mean "
        "to set reuse=tf.AUTO_REUSE in VarScope?")


def test_existing_variable_without_reuse_names_where_it_was_defined():
    def make():
        return tf.get_variable("v", [1], initializer=ONE)

    with tf.variable_scope("foo"):
        make()
    line = make.__code__.co_firstlineno + 1
    with tf.variable_scope("foo"):
        with pytest.raises(ValueError) as ei:
            make()
    msg = str(ei.value)
    assert msg.startswith("Variable foo/v already exists, disallowed. Did you mean to set "
                          "reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally defined "
                          "at:\n\n")
    # Innermost user frame first, as TF formats it.
    assert msg.split("\n")[2] == '  File "%s", line %d, in make' % (__file__, line)


def test_existing_variable_at_root_without_reuse():
    tf.get_variable("v", [1], initializer=ONE)
    with pytest.raises(ValueError, match="Variable v already exists, disallowed"):
        tf.get_variable("v", [1], initializer=ONE)


def test_reuse_true_returns_the_same_variable_object():
    with tf.variable_scope("foo"):
        v = tf.get_variable("v", [1], initializer=ONE)
    n = len(op_names())
    with tf.variable_scope("foo", reuse=True):
        w = tf.get_variable("v")
        assert tf.get_variable("v", [1]) is v
    assert w is v
    assert len(op_names()) == n


def test_auto_reuse_creates_then_reuses():
    with tf.variable_scope("foo", reuse=tf.AUTO_REUSE):
        v = tf.get_variable("v", [1], initializer=ONE)
    with tf.variable_scope("foo", reuse=tf.AUTO_REUSE):
        w = tf.get_variable("v", [1], initializer=ONE)
    assert v is w
    assert op_names() == ["foo/v/Initializer/Const", "foo/v", "foo/v/Assign", "foo/v/read"]


def test_reuse_is_inherited_and_cannot_be_turned_off():
    with tf.variable_scope("foo"):
        tf.get_variable("v", [1], initializer=ONE)
        with tf.variable_scope("bar"):
            b = tf.get_variable("b", [1], initializer=ONE)
    with tf.variable_scope("foo", reuse=True) as s:
        assert s.reuse is True
        with tf.variable_scope("bar", reuse=False) as s2:
            assert s2.reuse is True
            assert tf.get_variable("b") is b
            assert tf.get_variable_scope().reuse is True


def test_reuse_none_inside_reuse_true_stays_true():
    with tf.variable_scope("foo", reuse=True):
        with tf.variable_scope("bar", reuse=None) as s:
            assert s.reuse is True


def test_reuse_variables_turns_reuse_on_for_the_rest_of_the_block():
    with tf.variable_scope("foo") as scope:
        v = tf.get_variable("v", [1], initializer=ONE)
        assert scope.reuse is False
        scope.reuse_variables()
        assert scope.reuse is True
        assert tf.get_variable("v") is v
        assert tf.get_variable_scope().reuse is True
        with tf.variable_scope("bar", reuse=False) as inner:
            assert inner.reuse is True
    assert tf.get_variable_scope().reuse is False
    with tf.variable_scope("foo") as again:
        assert again.reuse is False


def test_auto_reuse_inheritance():
    with tf.variable_scope("foo", reuse=tf.AUTO_REUSE):
        with tf.variable_scope("bar", reuse=True) as s1:
            assert s1.reuse is True
        with tf.variable_scope("baz") as s2:
            assert s2.reuse is tf.AUTO_REUSE
        with tf.variable_scope("qux", reuse=False) as s3:
            assert s3.reuse is tf.AUTO_REUSE


def test_only_get_variable_variables_can_be_reused():
    with tf.variable_scope("relu"):
        tf.Variable(0.0, name="threshold")
    with tf.variable_scope("relu", reuse=True):
        with pytest.raises(ValueError, match="Variable relu/threshold does not exist, or was not "
                                             "created with tf.get_variable()"):
            tf.get_variable("threshold")


def test_shape_mismatch_on_reuse():
    with tf.variable_scope("foo"):
        tf.get_variable("v", [1], initializer=ONE)
    with tf.variable_scope("foo", reuse=True):
        with pytest.raises(ValueError) as ei:
            tf.get_variable("v", [2])
    assert str(ei.value) == ("Trying to share variable foo/v, but specified shape (2,) and found "
                             "shape (1,).")


def test_rank_mismatch_on_reuse():
    with tf.variable_scope("foo"):
        tf.get_variable("v", [1, 2], initializer=ONE)
    with tf.variable_scope("foo", reuse=True):
        with pytest.raises(ValueError, match=r"specified shape \(2,\) and found shape \(1, 2\)"):
            tf.get_variable("v", [2])


def test_compatible_partial_shape_reuses():
    with tf.variable_scope("foo"):
        v = tf.get_variable("v", [1, 2], initializer=ONE)
    with tf.variable_scope("foo", reuse=True):
        assert tf.get_variable("v", [None, 2]) is v


def test_dtype_mismatch_on_reuse():
    with tf.variable_scope("foo"):
        tf.get_variable("v", [1], initializer=ONE)
    with tf.variable_scope("foo", reuse=True):
        with pytest.raises(ValueError) as ei:
            tf.get_variable("v", [1], dtype=tf.float64)
    assert str(ei.value) == ("Trying to share variable foo/v, but specified dtype float64 and "
                             "found dtype float32_ref.")


def test_reuse_checks_the_scope_default_dtype():
    """TF1 compares with the scope's dtype (float32) when no dtype is given."""
    with tf.variable_scope("s"):
        tf.get_variable("v", initializer=3)
    with tf.variable_scope("s", reuse=True):
        with pytest.raises(ValueError, match="specified dtype float32 and found dtype int32_ref"):
            tf.get_variable("v")


# ---------------------------------------------------------------------------------------------
# Scope names


def test_reentering_a_variable_scope_object():
    with tf.variable_scope("foo") as foo_scope:
        c0 = tf.constant(1)
    with tf.variable_scope("bar"):
        with tf.variable_scope(foo_scope) as s:
            v = tf.get_variable("v", [1], initializer=ONE)
            c = tf.constant(1)
            assert [s.name, s.original_name_scope, v.name, c.op.name] == [
                "foo", "foo/", "foo/v:0", "bar/foo/Const"]
    with tf.variable_scope(foo_scope) as s:
        c = tf.constant(1)
        assert [s.name, s.original_name_scope, c.op.name, c0.op.name] == [
            "foo", "foo/", "foo_1/Const", "foo/Const"]


def test_reentered_scope_object_keeps_its_own_reuse():
    with tf.variable_scope("foo") as fs:
        v = tf.get_variable("v", [1], initializer=ONE)
    with tf.variable_scope("outer", reuse=True):
        with tf.variable_scope(fs) as s:
            with tf.variable_scope("inner") as s2:
                assert (s.reuse, s2.reuse, s2.name) == (False, False, "foo/inner")
    with tf.variable_scope(fs, reuse=True):
        assert tf.get_variable("v") is v


def test_reentered_scope_object_with_reuse_on():
    with tf.variable_scope("foo") as fs:
        fs.reuse_variables()
    with tf.variable_scope(fs, reuse=False) as s:
        assert s.reuse is True


def test_default_name_is_uniquified():
    with tf.variable_scope(None, default_name="dn") as s1:
        c1 = tf.constant(1)
    with tf.variable_scope(None, default_name="dn") as s2:
        c2 = tf.constant(1)
        v = tf.get_variable("v", [1], initializer=ONE)
    assert [s1.name, s2.name, c1.op.name, c2.op.name, v.name] == [
        "dn", "dn_1", "dn/Const", "dn_1/Const", "dn_1/v:0"]


def test_default_name_counts_are_per_parent_scope():
    with tf.variable_scope("a"):
        with tf.variable_scope(None, default_name="dn") as s1:
            pass
        with tf.variable_scope(None, default_name="dn") as s2:
            pass
    with tf.variable_scope("a"):
        with tf.variable_scope(None, default_name="dn") as s3:
            pass
    assert [s1.name, s2.name, s3.name] == ["a/dn", "a/dn_1", "a/dn"]


def test_variable_scope_opens_uniquified_name_scope():
    with tf.variable_scope("relu") as s1:
        c1 = tf.constant(1)
    with tf.variable_scope("relu") as s2:
        c2 = tf.constant(1)
    assert [s1.original_name_scope, s2.original_name_scope, c1.op.name, c2.op.name] == [
        "relu/", "relu_1/", "relu/Const", "relu_1/Const"]


def test_get_variable_ignores_name_scope_but_variable_uses_it():
    with tf.name_scope("ns"):
        v = tf.get_variable("v", [1], initializer=ONE)
        w = tf.Variable(1.0, name="w")
    assert (v.name, w.name) == ("v:0", "ns/w:0")
    assert op_names() == ["v/Initializer/Const", "v", "v/Assign", "v/read", "ns/w/initial_value",
                          "ns/w", "ns/w/Assign", "ns/w/read"]


def test_tf_variable_inside_variable_scope_gets_the_name_scope():
    with tf.variable_scope("vs"):
        w = tf.Variable(1.0, name="w")
        c = tf.constant(1, name="c")
    with tf.variable_scope("vs"):
        w2 = tf.Variable(1.0, name="w")
        v = tf.get_variable("v", [], initializer=ONE)
    assert [w.name, c.name, w2.name, v.name] == ["vs/w:0", "vs/c:0", "vs_1/w:0", "vs/v:0"]
    assert op_names() == [
        "vs/w/initial_value", "vs/w", "vs/w/Assign", "vs/w/read", "vs/c",
        "vs_1/w/initial_value", "vs_1/w", "vs_1/w/Assign", "vs_1/w/read",
        "vs/v/Initializer/Const", "vs/v", "vs/v/Assign", "vs/v/read"]


def test_get_variable_scope_name_and_reuse():
    root = tf.get_variable_scope()
    assert (root.name, root.reuse) == ("", False)
    with tf.variable_scope("a") as a:
        assert tf.get_variable_scope().name == "a"
        assert (a.name, a.reuse, a.original_name_scope) == ("a", False, "a/")
        with tf.variable_scope("b", reuse=True) as b:
            assert (b.name, b.reuse, b.original_name_scope) == ("a/b", True, "a/b/")
    assert tf.get_variable_scope().name == ""


def test_variable_scope_argument_errors():
    with pytest.raises(ValueError, match="reuse=True cannot be used without a name_or_scope"):
        with tf.variable_scope(None, default_name="x", reuse=True):
            pass
    with pytest.raises(TypeError, match="If default_name is None then name_or_scope is required"):
        with tf.variable_scope(None):
            pass
    with pytest.raises(TypeError, match="name_or_scope must be a string or VariableScope"):
        with tf.variable_scope(3):
            pass


# ---------------------------------------------------------------------------------------------
# Initializers, dtypes, shapes


def test_scope_default_initializer_is_inherited(sess):
    with tf.variable_scope("foo", initializer=tf.constant_initializer(0.4)):
        v = tf.get_variable("v", [1])
        with tf.variable_scope("bar"):
            w = tf.get_variable("w", [1])
        x = tf.get_variable("x", [1], initializer=tf.constant_initializer(0.3))
    sess.run(tf.global_variables_initializer())
    vv, ww, xx = sess.run([v, w, x])
    np.testing.assert_array_equal(vv, np.array([0.4], np.float32))
    np.testing.assert_array_equal(ww, np.array([0.4], np.float32))
    np.testing.assert_array_equal(xx, np.array([0.3], np.float32))


def test_scope_dtype_is_inherited():
    with tf.variable_scope("foo", dtype=tf.float64):
        v = tf.get_variable("v", [1], initializer=ONE)
        with tf.variable_scope("bar"):
            w = tf.get_variable("w", [1], initializer=ONE)
    assert v.dtype == tf.float64_ref and w.dtype == tf.float64_ref
    assert repr(v) == "<tf.Variable 'foo/v:0' shape=(1,) dtype=float64_ref>"


def test_get_variable_without_shape_or_initializer():
    with pytest.raises(ValueError) as ei:
        tf.get_variable("v")
    assert str(ei.value) == ("Variable v did not get an initializer, so its `shape` argument "
                             "must be specified.")


@pytest.mark.parametrize("shape", [None, [None, 2]])
def test_get_variable_initializer_needs_a_fully_defined_shape(shape):
    with pytest.raises(ValueError, match="The initializer passed is not valid"):
        tf.get_variable("v", shape=shape, initializer=tf.zeros_initializer())


def test_initializer_tensor(sess):
    v = tf.get_variable("v", initializer=tf.constant([1.0, 2.0]))
    assert v.name == "v:0" and v.shape.as_list() == [2]
    assert op_names() == ["Const", "v", "v/Assign", "v/read"]
    sess.run(v.initializer)
    np.testing.assert_array_equal(sess.run(v), np.array([1.0, 2.0], np.float32))


def test_initializer_constant_with_shape_is_an_error():
    with pytest.raises(ValueError, match="If initializer is a constant, do not specify shape."):
        tf.get_variable("v", shape=[2], initializer=tf.constant([1.0, 2.0]))


def test_initializer_ndarray(sess):
    v = tf.get_variable("v", initializer=np.array([1, 2], dtype=np.int64))
    assert v.dtype == tf.int64_ref and v.shape.as_list() == [2]
    assert op_names() == ["v/initial_value", "v", "v/Assign", "v/read"]
    sess.run(v.initializer)
    np.testing.assert_array_equal(sess.run(v), np.array([1, 2], np.int64))


def test_initializer_python_values():
    v = tf.get_variable("v", initializer=[1.5, 2.5])
    w = tf.get_variable("w", initializer=3)
    assert (v.dtype, v.shape.as_list()) == (tf.float32_ref, [2])
    assert (w.dtype, w.shape.as_list()) == (tf.int32_ref, [])
    assert op_names() == ["v/initial_value", "v", "v/Assign", "v/read",
                          "w/initial_value", "w", "w/Assign", "w/read"]


def test_initializer_value_with_explicit_dtype_leaves_tf_dtype_check_const():
    v = tf.get_variable("v", initializer=[1.0, 2.0], dtype=tf.float32)
    assert v.dtype == tf.float32_ref
    assert op_names() == ["Const", "v/initial_value", "v", "v/Assign", "v/read"]


@pytest.mark.parametrize("init,dtype,found,given", [
    ([1, 2], tf.float32, "int32", "float32"),
    ([1.5, 2], tf.int32, "float32", "int32"),
])
def test_initializer_value_and_explicit_dtype_must_match(init, dtype, found, given):
    with pytest.raises(ValueError) as ei:
        tf.get_variable("v", initializer=init, dtype=dtype)
    assert str(ei.value) == ("Initializer type '<dtype: '%s'>' and explicit dtype '<dtype: "
                             "'%s'>' don't match." % (found, given))


def test_initializer_tensor_and_explicit_dtype_must_match():
    with pytest.raises(ValueError, match="Initializer type '<dtype: 'int32'>' and explicit "
                                         "dtype '<dtype: 'float32'>' don't match."):
        tf.get_variable("v", initializer=tf.constant([1, 2]), dtype=tf.float32)


def test_python_value_ignores_scope_dtype():
    with tf.variable_scope("s", dtype=tf.float64):
        v = tf.get_variable("v", initializer=[1.0, 2.0])
    assert v.dtype == tf.float32_ref
    assert op_names() == ["s/v/initial_value", "s/v", "s/v/Assign", "s/v/read"]


def test_callable_initializer_without_arguments(sess):
    v = tf.get_variable("v", initializer=lambda: tf.constant([1.0, 2.0]))
    assert v.shape.as_list() == [2]
    assert op_names() == ["v/Initializer/Const", "v", "v/Assign", "v/read"]
    sess.run(v.initializer)
    np.testing.assert_array_equal(sess.run(v), np.array([1.0, 2.0], np.float32))


def test_constant_initializer_names():
    tf.get_variable("v", shape=(), initializer=tf.constant_initializer(0.0))
    assert op_names() == ["v/Initializer/Const", "v", "v/Assign", "v/read"]


@needs("random_uniform")
def test_default_glorot_initializer_names_and_range(sess):
    v = tf.get_variable("v", [2, 3])
    assert op_names() == [
        "v/Initializer/random_uniform/shape", "v/Initializer/random_uniform/min",
        "v/Initializer/random_uniform/max", "v/Initializer/random_uniform/RandomUniform",
        "v/Initializer/random_uniform/sub", "v/Initializer/random_uniform/mul",
        "v/Initializer/random_uniform", "v", "v/Assign", "v/read"]
    sess.run(v.initializer)
    limit = np.sqrt(6.0 / (2 + 3))
    val = sess.run(v)
    assert val.shape == (2, 3) and np.all(np.abs(val) <= limit)


@needs("zeros")
def test_default_integer_initializer_is_zeros(sess):
    v = tf.get_variable("v", [2], dtype=tf.int32)
    assert op_names() == ["v/Initializer/zeros", "v", "v/Assign", "v/read"]
    sess.run(v.initializer)
    np.testing.assert_array_equal(sess.run(v), np.zeros(2, np.int32))


@needs("ones")
def test_initializer_class_is_instantiated():
    v = tf.get_variable("v", [2], initializer=tf.ones_initializer)
    assert v.shape.as_list() == [2]
    assert op_names() == ["v/Initializer/ones", "v", "v/Assign", "v/read"]


def test_trainable_flags_and_collections():
    a = tf.get_variable("a", [1], initializer=ONE)
    b = tf.get_variable("b", [1], initializer=ONE, trainable=False)
    c = tf.Variable(1.0, name="c", trainable=False)
    d = tf.Variable(1.0, name="d", collections=["mine"])
    assert tf.GraphKeys.GLOBAL_VARIABLES == "variables"
    assert tf.GraphKeys.TRAINABLE_VARIABLES == "trainable_variables"
    assert tf.global_variables() == [a, b, c]
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == [a, b, c]
    assert tf.trainable_variables() == [a, d]
    assert tf.get_collection("mine") == [d]
    assert (a.trainable, b.trainable, c.trainable, d.trainable) == (True, False, False, True)


def test_get_variable_custom_collections():
    v = tf.get_variable("v", [1], initializer=ONE, collections=["c1"])
    assert tf.get_collection("c1") == [v]
    assert tf.global_variables() == []
    assert tf.trainable_variables() == [v]


# ---------------------------------------------------------------------------------------------
# The seed listings (n_features = 3), op names checked in full against TF.

N_FEATURES = 3
RANDOM_NORMAL = ["random_normal/shape", "random_normal/mean", "random_normal/stddev",
                 "random_normal/RandomStandardNormal", "random_normal/mul", "random_normal"]


def relu_block(prefix: str, last: list) -> list:
    """The ops one relu() call creates under ``prefix`` (TF's order)."""
    names = [prefix + "/" + n for n in RANDOM_NORMAL]
    names += [prefix + "/" + n for n in (
        "weights", "weights/Assign", "weights/read", "bias/initial_value", "bias", "bias/Assign",
        "bias/read", "MatMul", "z")]
    return names + [prefix + "/" + n for n in last]


PREFIXES = ["relu", "relu_1", "relu_2", "relu_3", "relu_4"]


@needs("random_normal", "matmul", "add", "maximum", "add_n")
def test_seed_modular_relu_with_name_scope(sess):
    def relu(X):
        with tf.name_scope("relu"):
            w_shape = (int(X.get_shape()[1]), 1)
            w = tf.Variable(tf.random_normal(w_shape), name="weights")
            b = tf.Variable(0.0, name="bias")
            z = tf.add(tf.matmul(X, w), b, name="z")
            return tf.maximum(z, 0., name="relu")

    X = tf.placeholder(tf.float32, shape=(None, N_FEATURES), name="X")
    relus = [relu(X) for i in range(5)]
    output = tf.add_n(relus, name="output")
    expected = ["X"]
    for p in PREFIXES:
        expected += relu_block(p, ["relu/y", "relu"])
    assert op_names() == expected + ["output"]
    assert output.name == "output:0"
    sess.run(tf.global_variables_initializer())
    xv = np.array([[1.0, -2.0, 3.0], [0.5, 0.5, -1.0]], np.float32)
    ws = sess.run(["%s/weights:0" % p for p in PREFIXES])
    want = sum(np.maximum(xv @ w, 0.0) for w in ws)
    np.testing.assert_allclose(sess.run(output, {X: xv}), want, rtol=1e-5)


@needs("random_normal", "matmul", "add", "maximum", "add_n")
def test_seed_threshold_as_parameter(sess):
    def relu(X, threshold):
        with tf.name_scope("relu"):
            w_shape = (int(X.get_shape()[1]), 1)
            w = tf.Variable(tf.random_normal(w_shape), name="weights")
            b = tf.Variable(0.0, name="bias")
            z = tf.add(tf.matmul(X, w), b, name="z")
            return tf.maximum(z, threshold, name="max")

    threshold = tf.Variable(0.0, name="threshold")
    X = tf.placeholder(tf.float32, shape=(None, N_FEATURES), name="X")
    relus = [relu(X, threshold) for i in range(5)]
    output = tf.add_n(relus, name="output")
    expected = ["threshold/initial_value", "threshold", "threshold/Assign", "threshold/read", "X"]
    for p in PREFIXES:
        expected += relu_block(p, ["max"])
    assert op_names() == expected + ["output"]
    sess.run(tf.global_variables_initializer())
    sess.run(tf.assign(threshold, 0.25))
    xv = np.array([[1.0, -2.0, 3.0]], np.float32)
    ws = sess.run(["%s/weights:0" % p for p in PREFIXES])
    want = sum(np.maximum(xv @ w, 0.25) for w in ws)
    np.testing.assert_allclose(sess.run(output, {X: xv}), want, rtol=1e-5)


@needs("random_normal", "matmul", "add", "maximum", "add_n")
def test_seed_threshold_as_function_attribute():
    def relu(X):
        with tf.name_scope("relu"):
            if not hasattr(relu, "threshold"):
                relu.threshold = tf.Variable(0.0, name="threshold")
            w_shape = int(X.get_shape()[1]), 1
            w = tf.Variable(tf.random_normal(w_shape), name="weights")
            b = tf.Variable(0.0, name="bias")
            z = tf.add(tf.matmul(X, w), b, name="z")
            return tf.maximum(z, relu.threshold, name="max")

    X = tf.placeholder(tf.float32, shape=(None, N_FEATURES), name="X")
    relus = [relu(X) for i in range(5)]
    tf.add_n(relus, name="output")
    expected = ["X", "relu/threshold/initial_value", "relu/threshold", "relu/threshold/Assign",
                "relu/threshold/read"]
    for p in PREFIXES:
        expected += relu_block(p, ["max"])
    assert op_names() == expected + ["output"]
    assert relu.threshold.name == "relu/threshold:0"


def _gv_threshold_graph(reuse_style: str) -> None:
    def relu(X):
        if reuse_style == "reuse=True":
            ctx = tf.variable_scope("relu", reuse=True)
        else:
            ctx = tf.variable_scope("relu")
        with ctx as scope:
            if reuse_style == "reuse_variables":
                scope.reuse_variables()
            threshold = tf.get_variable("threshold")
            w_shape = int(X.get_shape()[1]), 1
            w = tf.Variable(tf.random_normal(w_shape), name="weights")
            b = tf.Variable(0.0, name="bias")
            z = tf.add(tf.matmul(X, w), b, name="z")
            return tf.maximum(z, threshold, name="max")

    X = tf.placeholder(tf.float32, shape=(None, N_FEATURES), name="X")
    with tf.variable_scope("relu"):
        tf.get_variable("threshold", shape=(), initializer=tf.constant_initializer(0.0))
    relus = [relu(X) for relu_index in range(5)]
    tf.add_n(relus, name="output")


@needs("random_normal", "matmul", "add", "maximum", "add_n")
@pytest.mark.parametrize("reuse_style", ["reuse=True", "reuse_variables"])
def test_seed_get_variable_created_outside_relu(reuse_style):
    _gv_threshold_graph(reuse_style)
    expected = ["X", "relu/threshold/Initializer/Const", "relu/threshold",
                "relu/threshold/Assign", "relu/threshold/read"]
    for i in range(1, 6):
        expected += relu_block("relu_%d" % i, ["max"])
    assert op_names() == expected + ["output"]
    g = tf.get_default_graph()
    for i in range(1, 6):
        assert g.get_operation_by_name("relu_%d/max" % i).inputs[1].name == \
            "relu/threshold/read:0"


def test_seed_get_variable_listing_core_parts():
    """The get_variable parts of the seed that need no other op family."""
    with tf.variable_scope("relu"):
        threshold = tf.get_variable("threshold", shape=(),
                                    initializer=tf.constant_initializer(0.0))
    with tf.variable_scope("relu", reuse=True):
        assert tf.get_variable("threshold") is threshold
    with tf.variable_scope("relu") as scope:
        scope.reuse_variables()
        assert tf.get_variable("threshold") is threshold
    assert threshold.name == "relu/threshold:0"
    assert op_names() == ["relu/threshold/Initializer/Const", "relu/threshold",
                          "relu/threshold/Assign", "relu/threshold/read"]


@needs("random_normal", "matmul", "add", "maximum", "add_n")
def test_seed_final_version_shares_one_threshold(sess):
    def relu(X):
        threshold = tf.get_variable("threshold", shape=(),
                                    initializer=tf.constant_initializer(0.0))
        w_shape = (int(X.get_shape()[1]), 1)
        w = tf.Variable(tf.random_normal(w_shape), name="weights")
        b = tf.Variable(0.0, name="bias")
        z = tf.add(tf.matmul(X, w), b, name="z")
        return tf.maximum(z, threshold, name="max")

    X = tf.placeholder(tf.float32, shape=(None, N_FEATURES), name="X")
    relus = []
    for relu_index in range(5):
        with tf.variable_scope("relu", reuse=(relu_index >= 1)) as scope:  # noqa: F841 (the book's code)
            relus.append(relu(X))
    output = tf.add_n(relus, name="output")
    expected = ["X", "relu/threshold/Initializer/Const", "relu/threshold",
                "relu/threshold/Assign", "relu/threshold/read"]
    for p in PREFIXES:
        expected += relu_block(p, ["max"])
    assert op_names() == expected + ["output"]
    assert [v.name for v in tf.global_variables()] == [
        "relu/threshold:0", "relu/weights:0", "relu/bias:0", "relu_1/weights:0", "relu_1/bias:0",
        "relu_2/weights:0", "relu_2/bias:0", "relu_3/weights:0", "relu_3/bias:0",
        "relu_4/weights:0", "relu_4/bias:0"]
    sess.run(tf.global_variables_initializer())
    xv = np.array([[1.0, -2.0, 3.0], [2.0, 1.0, 0.0]], np.float32)
    ws = sess.run(["%s/weights:0" % p for p in PREFIXES])
    np.testing.assert_allclose(sess.run(output, {X: xv}),
                               sum(np.maximum(xv @ w, 0.0) for w in ws), rtol=1e-5)


def test_seed_final_version_core_parts():
    """reuse=(relu_index >= 1) with core ops: one shared threshold, name scopes relu..relu_4."""
    X = tf.placeholder(tf.float32, shape=(None, N_FEATURES), name="X")
    outs = []
    for relu_index in range(5):
        with tf.variable_scope("relu", reuse=(relu_index >= 1)):
            threshold = tf.get_variable("threshold", shape=(),
                                        initializer=tf.constant_initializer(0.0))
            outs.append((threshold, tf.identity(X, name="max")))
    assert all(t is outs[0][0] for t, _ in outs)
    assert [o.op.name for _, o in outs] == [p + "/max" for p in PREFIXES]
    assert [v.name for v in tf.global_variables()] == ["relu/threshold:0"]


def test_normal_and_variance_scaling_initializers_reject_integer_dtypes():
    # TF1's _assert_float_dtype (ValueError at construction); uniform accepts integers.
    for make in (tf.random_normal_initializer, tf.truncated_normal_initializer,
                 tf.variance_scaling_initializer, tf.glorot_uniform_initializer,
                 tf.glorot_normal_initializer):
        with pytest.raises(ValueError, match="Expected floating point type, got int32"):
            make(dtype=tf.int32)
    assert tf.random_uniform_initializer(0, 10, dtype=tf.int32).dtype == tf.int32
    # Through get_variable the dtype reaches random_normal, which raises TypeError as in TF.
    with pytest.raises(TypeError):
        tf.get_variable("ir", [2], dtype=tf.int32, initializer=tf.random_normal_initializer())
