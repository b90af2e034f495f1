"""tf.range against NumPy: dtypes, widening, static lengths, node names and errors."""

from __future__ import annotations

import numpy as np
import pytest

import pygraphx as tf


@pytest.mark.parametrize("args", [(5,), (2, 9), (2, 9, 3), (9, 2, -2), (0,), (1.0, 2.0, 0.25)])
def test_values_match_numpy(sess, args):
    r = tf.range(*args)
    expected = np.arange(*args)
    got = sess.run(r)
    np.testing.assert_allclose(got, expected)
    assert r.shape.as_list() == [len(expected)]


def test_dtype_widening_and_explicit_dtype(sess):
    assert tf.range(5).dtype == tf.int32
    assert tf.range(1, 10, 2.0).dtype == tf.float32
    assert tf.range(np.int64(3)).dtype == tf.int64
    r = tf.range(4, dtype=tf.float64)
    assert r.dtype == tf.float64
    np.testing.assert_array_equal(sess.run(r), np.arange(4.0))


def test_node_names_as_tf():
    tf.range(5)
    tf.range(1, 10, 2.0)
    tf.range(tf.constant(3))
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert names == ["range/start", "range/limit", "range/delta", "range",
                     "range_1/start", "range_1/limit", "range_1/delta", "range_1/Cast",
                     "range_1/Cast_1", "range_1", "Const", "range_2/start", "range_2/delta",
                     "range_2"]


@pytest.mark.parametrize("args,message", [
    ((5, 2, 1), "Requires start <= limit when delta > 0: 5/2"),
    ((0, 5, 0), "Requires delta != 0"),
    ((2, 5, -1), "Requires start >= limit when delta < 0: 2/5"),
])
def test_constant_errors_at_build_time(args, message):
    with pytest.raises(ValueError, match=message):
        tf.range(*args)


def test_fed_limit_unknown_length_and_run_time_error(sess):
    n = tf.placeholder(tf.int32, ())
    r = tf.range(n)
    assert r.shape.as_list() == [None]
    np.testing.assert_array_equal(sess.run(r, {n: 4}), [0, 1, 2, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="start <= limit"):
        sess.run(r, {n: -1})
    # The session stays usable after a failed run.
    np.testing.assert_array_equal(sess.run(r, {n: 2}), [0, 1])


def test_non_scalar_inputs_rejected():
    with pytest.raises(ValueError, match="must be a scalar"):
        tf.range(tf.constant([1, 2]))
