"""The shortcuts of graph building give what the general code gives: conversion of Python
numbers and int lists, node naming in the compiled graph, cached shapes and inputs, and the
class-based scopes."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import pygraphx as tf
from pygraphx.framework import convert


def _general(value, dtype):
    """The general conversion, or the exception class it raises."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return convert._to_numpy_general(value, dtype)
    except (TypeError, ValueError) as e:
        return type(e)


NUMBERS = [0, 1, -7, 2 ** 31 - 1, 2 ** 31, -2 ** 31, -2 ** 31 - 1, 2 ** 63 - 1, 2 ** 63, 2 ** 70,
           0.0, -2.5, 0.1, 1e300, float("inf"), float("nan")]
DTYPES = [None, tf.float32, tf.float64, tf.int32, tf.int64, tf.bool, tf.string]


@pytest.mark.parametrize("value", NUMBERS, ids=repr)
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_number_shortcut_matches_general_conversion(value, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = convert._number_array(value, type(value), dtype)
    if fast is None:
        return  # left to the general conversion
    expected = _general(value, dtype)
    assert isinstance(expected, np.ndarray)
    assert fast.dtype == expected.dtype and fast.shape == expected.shape
    np.testing.assert_array_equal(fast, expected)


@pytest.mark.parametrize("value", [[3, 1], (2,), [0, -1, 2 ** 31 - 1], [1, 2.0], [1, True],
                                   [2 ** 31], [[1, 2]], []], ids=repr)
@pytest.mark.parametrize("dtype", [None, tf.int32, tf.int64, tf.float32], ids=str)
def test_int_list_shortcut_matches_general_conversion(value, dtype):
    fast = convert._int_list_array(value, dtype)
    if fast is None:
        return
    expected = _general(value, dtype)
    assert fast.dtype == expected.dtype
    np.testing.assert_array_equal(fast, expected)


@pytest.mark.parametrize("value", NUMBERS + [[3, 1], (2, 5), [1, 2.0], []], ids=repr)
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_to_numpy_matches_general_conversion(value, dtype):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = convert._to_numpy(value, dtype)
    except (TypeError, ValueError) as e:
        got = type(e)
    expected = _general(value, dtype)
    if isinstance(expected, type):
        assert got is expected
    else:
        assert got.dtype == expected.dtype and got.shape == expected.shape
        np.testing.assert_array_equal(got, expected)


def test_converted_numbers_keep_tf_dtypes_and_names():
    assert tf.convert_to_tensor(1.5).dtype == tf.float32
    assert tf.convert_to_tensor(3).dtype == tf.int32
    assert tf.convert_to_tensor(2 ** 40).dtype == tf.int64
    assert tf.convert_to_tensor(3, dtype=tf.float64).dtype == tf.float64
    assert tf.convert_to_tensor([3, 1]).dtype == tf.int32
    t = tf.convert_to_tensor(2, preferred_dtype=tf.float32, name="two")
    assert (t.dtype, t.op.name) == (tf.float32, "two")
    # A float where an integer is expected is still refused.
    with pytest.raises(TypeError):
        tf.convert_to_tensor(1.5, dtype=tf.int32)
    with pytest.raises(ValueError):
        tf.convert_to_tensor(2 ** 40, dtype=tf.int32)
    with tf.Session() as sess:
        assert sess.run(tf.convert_to_tensor(0.1)) == np.float32(0.1)


def test_registered_conversion_for_python_numbers_wins():
    calls = []

    class Number(float):
        pass

    def to_tensor(value, dtype=None, name=None, as_ref=False):
        calls.append(value)
        return tf.constant(float(value) * 2)

    tf.register_tensor_conversion_function(Number, to_tensor)
    t = tf.convert_to_tensor(Number(2.0))
    assert calls == [2.0]
    with tf.Session() as sess:
        assert sess.run(t) == 4.0


def test_node_names_are_checked_and_uniquified_as_before():
    g = tf.get_default_graph()
    assert tf.constant(1.0, name="c").op.name == "c"
    assert tf.constant(1.0, name="C").op.name == "C_1"  # case-insensitive, as in TF
    with tf.name_scope("s"):
        assert tf.constant(1.0, name="c").op.name == "s/c"
        assert tf.constant(1.0, name="c").op.name == "s/c_1"
        assert tf.constant(1.0, name="abs/").op.name == "abs"
    for bad in ("a b", "_a", "-a"):
        with pytest.raises(ValueError, match="is not a valid node name"):
            tf.constant(1.0, name=bad)
    with pytest.raises(ValueError, match="is not a valid node name"):
        g.create_op("NoOp", [], name="/")
    assert tf.constant(1.0, name="x.y>z-1").op.name == "x.y>z-1"


def test_traceback_source_is_the_users_line():
    t = tf.constant(1.0)
    assert t.op.traceback_source.startswith(__file__ + ":")


def test_foreign_input_is_refused_with_its_name():
    other = tf.Graph()
    with other.as_default():
        x = tf.constant(1.0, name="x")
    with pytest.raises(ValueError, match=r"Tensor x:0 must be from the same graph .*\(Identity\)"):
        tf.get_default_graph().create_op("Identity", [x])


def test_cached_shape_follows_set_shape():
    x = tf.placeholder(tf.float32, shape=(None, 3))
    assert x.shape.as_list() == [None, 3]
    x.set_shape((4, 3))
    assert x.shape.as_list() == [4, 3]
    assert tf.identity(x).shape.as_list() == [4, 3]
    with pytest.raises(ValueError):
        x.set_shape((5, 3))
    assert x.get_shape().as_list() == [4, 3]


def test_cached_inputs_are_the_graphs():
    a = tf.constant(1.0, name="a")
    b = tf.add(a, a, name="b")
    assert b.op.inputs == [a, a]
    assert b.op.inputs is not b.op.inputs  # a fresh list each time, as in TF
    g2 = tf.Graph()
    with g2.as_default():
        tf.train.import_meta_graph(tf.train.export_meta_graph(graph=a.graph))
        assert [t.name for t in g2.get_operation_by_name("b").inputs] == ["a:0", "a:0"]


def test_scopes_restore_state_when_the_block_raises():
    g = tf.get_default_graph()
    with pytest.raises(RuntimeError):
        with tf.name_scope("outer"):
            with tf.control_dependencies([tf.no_op()]):
                raise RuntimeError("boom")
    assert g.get_name_scope() == ""
    assert tf.constant(1.0, name="k").op.control_inputs == []
    other = tf.Graph()
    with pytest.raises(RuntimeError):
        with other.as_default():
            raise RuntimeError("boom")
    assert tf.get_default_graph() is g
    with pytest.raises(TypeError):
        with tf.name_scope(None, default_name=3):
            pass
    assert tf.get_default_graph() is g and g.get_name_scope() == ""
