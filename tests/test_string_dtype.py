"""The string dtype: constants, placeholders, feeds and fetches, data movement ops, and the
refusal of strings by numeric ops at build time."""

from __future__ import annotations

import gc

import numpy as np
import pytest

import pygraphx as tf


def _obj(*items):
    out = np.empty(len(items), dtype=object)
    out[:] = list(items)
    return out


# ---- dtype object ------------------------------------------------------------------------------


def test_string_dtype_properties():
    assert tf.string.name == "string"
    assert tf.string.as_datatype_enum == 7
    assert tf.string.as_numpy_dtype is np.object_
    assert repr(tf.string) == "tf.string"
    assert not (tf.string.is_floating or tf.string.is_integer or tf.string.is_bool)
    assert tf.string.size == 0
    with pytest.raises(TypeError):
        tf.string.min


@pytest.mark.parametrize("value", ["string", 7, np.object_, np.dtype("S3"), np.dtype("U5"),
                                   np.bytes_, np.str_])
def test_as_dtype_string(value):
    assert tf.as_dtype(value) == tf.string


@pytest.mark.parametrize("value", [bytes, str])
def test_as_dtype_rejects_python_text_types(value):
    with pytest.raises(TypeError):
        tf.as_dtype(value)


# ---- constants and fetches ---------------------------------------------------------------------


def test_scalar_constant_fetches_bytes(sess):
    c = tf.constant("héllo")
    assert c.dtype == tf.string and c.shape.as_list() == []
    v = sess.run(c)
    assert type(v) is bytes and v == "héllo".encode("utf-8")


def test_nd_constants_fetch_object_arrays_of_bytes(sess):
    c1 = tf.constant([b"a", b"bc"])
    c2 = tf.constant([["a", "b"], ["c", "d"]])
    v1, v2 = sess.run([c1, c2])
    assert v1.dtype == object and v1.shape == (2,) and v1.tolist() == [b"a", b"bc"]
    assert v2.shape == (2, 2) and v2.tolist() == [[b"a", b"b"], [b"c", b"d"]]
    assert all(type(x) is bytes for x in v2.flat)


@pytest.mark.parametrize("array", [np.array(["x", "yy"]), np.array([b"x", b"yy"]),
                                   _obj(b"x", "yy")])
def test_constant_from_numpy_string_arrays(sess, array):
    c = tf.constant(array)
    assert c.dtype == tf.string
    assert sess.run(c).tolist() == [b"x", b"yy"]


def test_constant_with_binary_and_empty_strings(sess):
    data = [b"", b"\x00\xff\x01", b"z" * 1000]
    assert sess.run(tf.constant(data)).tolist() == data


def test_constant_with_shape_fills_strings(sess):
    assert sess.run(tf.constant("ab", shape=[2, 2])).tolist() == [[b"ab", b"ab"]] * 2


def test_constant_string_errors():
    with pytest.raises(TypeError, match="Expected string, but got 1 of type 'int'"):
        tf.constant(1, dtype=tf.string)
    with pytest.raises(TypeError, match="Expected float32"):
        tf.constant("a", dtype=tf.float32)
    with pytest.raises(TypeError):
        tf.constant(["a", 1])


def test_string_constant_value_attr_round_trips():
    c = tf.constant([b"p", b"qq"])
    value = c.op.get_attr("value")
    assert value.dtype == object and value.tolist() == [b"p", b"qq"]
    assert c.op.get_attr("dtype") == tf.string


def test_fetched_strings_outlive_graph_and_session():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(["keep" * 10, "me" * 20])
        with tf.Session() as s:
            v = s.run(tf.identity(c))
    del g, c, s
    gc.collect()
    assert v.tolist() == [b"keep" * 10, b"me" * 20]


# ---- placeholders and feeds --------------------------------------------------------------------


@pytest.mark.parametrize("fed", [["a", b"b"], np.array(["a", "b"]), np.array([b"a", b"b"]),
                                 _obj("a", b"b"), ("a", "b")])
def test_feed_string_placeholder_forms(sess, fed):
    p = tf.placeholder(tf.string, [None])
    out = sess.run(tf.identity(p), {p: fed})
    assert out.dtype == object and out.tolist() == [b"a", b"b"]


def test_feed_scalar_str_and_bytes(sess):
    p = tf.placeholder(tf.string)
    assert sess.run(tf.identity(p), {p: "é"}) == "é".encode("utf-8")
    assert sess.run(tf.identity(p), {p: b"\xff"}) == b"\xff"


def test_feed_non_strings_into_string_placeholder_is_type_error(sess):
    p = tf.placeholder(tf.string, [None])
    with pytest.raises(TypeError, match="int"):
        sess.run(p, {p: [1, 2]})


def test_unfed_string_placeholder_error_names_dtype(sess):
    p = tf.placeholder(tf.string, [2], name="words")
    with pytest.raises(tf.errors.InvalidArgumentError, match="words.*dtype string"):
        sess.run(tf.identity(p))


def test_feed_shape_checked_for_strings(sess):
    p = tf.placeholder(tf.string, [2])
    with pytest.raises(ValueError):
        sess.run(p, {p: ["a", "b", "c"]})


def test_placeholder_with_default_strings(sess):
    d = tf.placeholder_with_default(tf.constant([b"x", b"y"]), [None])
    assert sess.run(d).tolist() == [b"x", b"y"]
    assert sess.run(d, {d: ["z"]}).tolist() == [b"z"]


# ---- data movement -----------------------------------------------------------------------------


def test_reshape_expand_squeeze_shape_of_strings(sess):
    c = tf.constant([["a", "b"], ["c", "d"]])
    r = tf.reshape(c, [4])
    assert sess.run(r).tolist() == [b"a", b"b", b"c", b"d"]
    assert sess.run(tf.expand_dims(r, 0)).shape == (1, 4)
    assert sess.run(tf.squeeze(tf.reshape(c, [1, 4]))).tolist() == [b"a", b"b", b"c", b"d"]
    assert sess.run(tf.shape(c)).tolist() == [2, 2]
    assert sess.run(tf.size(c)) == 4
    assert sess.run(tf.rank(c)) == 2


def test_stack_concat_unstack_strings(sess):
    a = tf.constant(["a", "bb"])
    b = tf.constant(["ccc", ""])
    assert sess.run(tf.stack([a, b])).tolist() == [[b"a", b"bb"], [b"ccc", b""]]
    assert sess.run(tf.stack([a, b], axis=1)).tolist() == [[b"a", b"ccc"], [b"bb", b""]]
    assert sess.run(tf.concat([a, b], 0)).tolist() == [b"a", b"bb", b"ccc", b""]
    x, y = sess.run(tf.unstack(tf.constant([["p", "q"], ["r", "s"]]), axis=1))
    assert x.tolist() == [b"p", b"r"] and y.tolist() == [b"q", b"s"]


def test_stack_of_fed_strings_large(sess):
    p = tf.placeholder(tf.string, [None])
    words = np.array(["w%d" % i for i in range(5000)])
    out = sess.run(tf.stack([p, p], axis=1), {p: words})
    assert out.shape == (5000, 2)
    assert out[4321, 1] == b"w4321"


# ---- refusal by numeric ops --------------------------------------------------------------------


@pytest.mark.parametrize("build,op", [
    (lambda s: tf.matmul(tf.reshape(s, [1, 2]), tf.reshape(s, [2, 1])), "MatMul"),
    (lambda s: tf.reduce_sum(s), "Sum"),
    (lambda s: tf.nn.relu(s), "Relu"),
    (lambda s: s + s, "Add"),
    (lambda s: s * s, "Mul"),
    (lambda s: tf.cast(s, tf.float32), "Cast"),
    (lambda s: tf.transpose(s), "Transpose"),
    (lambda s: tf.gather(s, [0]), "GatherV2"),
    (lambda s: tf.argmax(s), "ArgMax"),
    (lambda s: tf.zeros_like(tf.placeholder(tf.string, [None])), "ZerosLike"),
])
def test_numeric_ops_refuse_strings_at_build_time(build, op):
    s = tf.constant(["a", "b"])
    with pytest.raises(TypeError, match="Op %s .*does not support dtype string" % op):
        build(s)


def test_string_variable_refused():
    with pytest.raises(TypeError, match="VariableV2.*string"):
        tf.Variable("abc")


def test_refusal_leaves_graph_usable(sess):
    s = tf.constant(["a"])
    n_before = len(tf.get_default_graph().get_operations())
    with pytest.raises(TypeError):
        tf.reduce_max(s)
    assert all(op.type != "Max" for op in tf.get_default_graph().get_operations()[n_before:])
    assert sess.run(tf.identity(s)).tolist() == [b"a"]
