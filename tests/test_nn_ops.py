"""The nn op family against NumPy: softmax and the cross entropies (huge logits, -inf, empty
batches, float64), bias_add, l2_loss, the activations, clip_by_value, where/Select/SelectV2,
one_hot; TF1 node names, static shapes and error classes."""

from __future__ import annotations

import numpy as np
import pytest

import pygraphx as tf
from pygraphx import errors

FLOATS = [np.float32, np.float64]
RNG = np.random.default_rng(7)


def _tol(dtype):
    return dict(rtol=2e-6, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)


def np_softmax(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)
    e = np.exp(x - m)
    return e / np.sum(e, axis=axis, keepdims=True)


def np_log_softmax(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


# ---------------------------------------------------------------------------------------------
# Softmax


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(5,), (4, 7), (3, 2, 6), (300, 257)])
def test_softmax_and_log_softmax_match_numpy(sess, dtype, shape):
    x = (RNG.standard_normal(shape) * 5).astype(dtype)
    p = tf.placeholder(dtype, shape)
    s, ls = sess.run([tf.nn.softmax(p), tf.nn.log_softmax(p)], {p: x})
    assert s.dtype == dtype and ls.dtype == dtype
    np.testing.assert_allclose(s, np_softmax(x), **_tol(dtype))
    np.testing.assert_allclose(ls, np_log_softmax(x), **_tol(dtype))


def test_softmax_is_stable_for_huge_logits_and_handles_minus_inf(sess):
    x = np.array([[1000., 0., -1000.], [-np.inf, 0., 1.], [3e38, 3e38, -3e38]], np.float32)
    s, ls = sess.run([tf.nn.softmax(x), tf.nn.log_softmax(x)])
    np.testing.assert_allclose(s, [[1, 0, 0], [0, 0.26894142, 0.7310586], [0.5, 0.5, 0]],
                               rtol=1e-6, atol=1e-30)
    np.testing.assert_allclose(ls[0], [0, -1000, -2000], rtol=1e-6)
    assert ls[1, 0] == -np.inf
    np.testing.assert_allclose(ls[1, 1:], [-1.3132616, -0.31326166], rtol=1e-6)


def test_softmax_empty_inputs(sess):
    assert sess.run(tf.nn.softmax(tf.zeros([0, 3]))).shape == (0, 3)
    assert sess.run(tf.nn.log_softmax(tf.zeros([2, 0]))).shape == (2, 0)


@pytest.mark.parametrize("axis", [0, 1, -3])
def test_softmax_along_other_axes(sess, axis):
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    p = tf.placeholder(tf.float32, (2, 3, 4))
    y = tf.nn.softmax(p, axis=axis)
    assert y.shape.as_list() == [2, 3, 4]
    np.testing.assert_allclose(sess.run(y, {p: x}), np_softmax(x, axis), rtol=1e-5)
    z = tf.nn.log_softmax(p, dim=axis)
    np.testing.assert_allclose(sess.run(z, {p: x}), np_log_softmax(x, axis), rtol=1e-5,
                               atol=1e-6)


def test_softmax_names_and_errors():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    assert tf.nn.softmax(x).name == "Softmax:0"
    assert tf.nn.log_softmax(x, name="ls").name == "ls:0"
    assert tf.nn.softmax(x, axis=1).op.type == "Softmax"
    y = tf.nn.softmax(x, axis=0)
    assert y.op.type == "Transpose" and y.name == "transpose_1:0"
    assert tf.get_default_graph().get_operation_by_name("Softmax_2").type == "Softmax"
    with pytest.raises(ValueError, match="at least rank 1"):
        tf.nn.softmax(tf.constant(1.0))
    with pytest.raises(TypeError, match="logits"):
        tf.nn.softmax(tf.constant([1, 2]))
    with pytest.raises(errors.InvalidArgumentError, match="Dimension \\(2\\)"):
        tf.nn.softmax(x, axis=2)
    with pytest.raises(ValueError, match="both"):
        tf.nn.softmax(x, axis=0, dim=0)


# ---------------------------------------------------------------------------------------------
# Cross entropies


@pytest.mark.parametrize("dtype", FLOATS)
def test_softmax_cross_entropy_v2_matches_numpy(sess, dtype):
    logits = (RNG.standard_normal((64, 10)) * 4).astype(dtype)
    labels = np_softmax(RNG.standard_normal((64, 10))).astype(dtype)
    want = -np.sum(labels * np_log_softmax(logits), axis=-1)
    got = sess.run(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits))
    assert got.dtype == dtype
    np.testing.assert_allclose(got, want, rtol=1e-5 if dtype == np.float32 else 1e-12)


def test_softmax_cross_entropy_huge_logits_rank3_axis_and_empty(sess):
    got = sess.run(tf.nn.softmax_cross_entropy_with_logits_v2(
        labels=[[0., 1., 0.], [0.2, 0.3, 0.5]], logits=[[1000., 0., -1000.], [1., 2., 3.]]))
    np.testing.assert_allclose(got, [1000., 1.1076059], rtol=1e-6)
    logits = RNG.standard_normal((2, 4, 3)).astype(np.float32)
    labels = np_softmax(RNG.standard_normal((2, 4, 3))).astype(np.float32)
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    assert loss.shape.as_list() == [2, 4]
    assert loss.name == "softmax_cross_entropy_with_logits_1/Reshape_2:0"
    np.testing.assert_allclose(sess.run(loss), -np.sum(labels * np_log_softmax(logits), -1),
                               rtol=1e-5)
    loss0 = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, axis=0)
    np.testing.assert_allclose(sess.run(loss0),
                               -np.sum(labels * np_log_softmax(logits, 0), 0), rtol=1e-5)
    empty = tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.zeros([0, 3]),
                                                       logits=tf.zeros([0, 3]))
    assert sess.run(empty).shape == (0,)


def test_softmax_cross_entropy_v1_stops_labels_and_names():
    labels = tf.placeholder(tf.float32, [None, 3], name="y")
    logits = tf.placeholder(tf.float32, [None, 3], name="z")
    loss = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    assert loss.name == "softmax_cross_entropy_with_logits_sg/Reshape_2:0"
    g = tf.get_default_graph()
    stop = g.get_operation_by_name("softmax_cross_entropy_with_logits_sg/labels_stop_gradient")
    assert stop.type == "StopGradient"
    xent = g.get_operation_by_name("softmax_cross_entropy_with_logits_sg")
    assert xent.type == "SoftmaxCrossEntropyWithLogits"
    assert xent.inputs[1].op.inputs[0].op is stop
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.softmax_cross_entropy_with_logits(labels, logits)


def test_softmax_cross_entropy_run_time_shape_mismatch(sess):
    a = tf.placeholder(tf.float32, [None, None])
    b = tf.placeholder(tf.float32, [None, None])
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=b, logits=a)
    with pytest.raises(errors.InvalidArgumentError, match="logits_size=\\[2,3\\] "
                                                          "labels_size=\\[2,4\\]"):
        sess.run(loss, {a: np.zeros([2, 3]), b: np.zeros([2, 4])})
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.zeros([2, 4]),
                                                   logits=tf.zeros([2, 3]))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("label_dtype", [np.int32, np.int64])
def test_sparse_softmax_cross_entropy_matches_numpy(sess, dtype, label_dtype):
    logits = (RNG.standard_normal((300, 17)) * 3).astype(dtype)
    labels = RNG.integers(0, 17, 300).astype(label_dtype)
    want = -np_log_softmax(logits)[np.arange(300), labels]
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    assert loss.name == ("SparseSoftmaxCrossEntropyWithLogits/"
                         "SparseSoftmaxCrossEntropyWithLogits:0")
    got = sess.run(loss)
    assert got.dtype == dtype and got.shape == (300,)
    np.testing.assert_allclose(got, want, **(dict(rtol=1e-5, atol=1e-6) if dtype == np.float32
                                             else dict(rtol=1e-12)))


def test_sparse_softmax_cross_entropy_edges(sess):
    got = sess.run(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=[1, 0, 0], logits=[[-np.inf, 0., 1.], [-np.inf, 0., 1.], [1e30, 0., 0.]]))
    np.testing.assert_allclose(got[0], 1.3132616, rtol=1e-6)
    assert got[1] == np.inf and got[2] == 0
    empty = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.zeros([0], tf.int32),
                                                           logits=tf.zeros([0, 3]))
    assert sess.run(empty).shape == (0,)
    labels3 = RNG.integers(0, 3, (2, 4)).astype(np.int32)
    logits3 = RNG.standard_normal((2, 4, 3)).astype(np.float32)
    loss3 = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels3, logits=logits3)
    assert loss3.shape.as_list() == [2, 4]
    want = -np.take_along_axis(np_log_softmax(logits3), labels3[..., None], -1)[..., 0]
    np.testing.assert_allclose(sess.run(loss3), want, rtol=1e-5)


def test_sparse_softmax_cross_entropy_errors(sess):
    with pytest.raises(errors.InvalidArgumentError,
                       match=r"label value of 5 which is outside the valid range of \[0, 3\)"):
        sess.run(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 5],
                                                                logits=tf.zeros([2, 3])))
    with pytest.raises(errors.InvalidArgumentError, match="label value of -1"):
        sess.run(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[-1, 0],
                                                                logits=tf.zeros([2, 3])))
    with pytest.raises(errors.InvalidArgumentError, match="at least one class"):
        sess.run(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.zeros([2], tf.int32), logits=tf.zeros([2, 0])))
    with pytest.raises(ValueError, match="Rank mismatch"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[[1, 2]], logits=tf.zeros([2, 3]))
    with pytest.raises(ValueError, match="Shape mismatch"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 2, 0],
                                                       logits=tf.zeros([2, 3]))
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.sparse_softmax_cross_entropy_with_logits([0], [[1., 2.]])


@pytest.mark.parametrize("dtype", FLOATS)
def test_sigmoid_cross_entropy_matches_numpy_and_is_stable(sess, dtype):
    x = np.array([-1000., -3., 0., 2., 1000.], dtype)
    z = np.array([0., 1., 0.5, 0.25, 1.], dtype)
    loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x)
    assert loss.name == "logistic_loss:0"
    want = np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))
    got = sess.run(loss)
    assert got.dtype == dtype
    np.testing.assert_allclose(got, want, **_tol(dtype))
    assert np.all(np.isfinite(got))
    with pytest.raises(ValueError, match="same shape"):
        tf.nn.sigmoid_cross_entropy_with_logits(labels=[0., 1.], logits=[0., 1., 2.])
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.sigmoid_cross_entropy_with_logits([0.], [1.])


# ---------------------------------------------------------------------------------------------
# l2_loss, bias_add, activations


@pytest.mark.parametrize("dtype", FLOATS)
def test_l2_loss(sess, dtype):
    x = RNG.standard_normal((1000, 70)).astype(dtype)
    y = tf.nn.l2_loss(x)
    assert y.name == "L2Loss:0" and y.shape.as_list() == []
    np.testing.assert_allclose(sess.run(y), np.sum(x.astype(np.float64) ** 2) / 2,
                               rtol=1e-6 if dtype == np.float32 else 1e-12)
    assert sess.run(tf.nn.l2_loss(tf.zeros([0]))) == 0
    with pytest.raises(TypeError, match="'t'"):
        tf.nn.l2_loss(tf.constant([1, 2]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
def test_bias_add_and_grad(sess, dtype):
    v = (RNG.standard_normal((300, 5, 8)) * 10).astype(dtype)
    b = (RNG.standard_normal(8) * 10).astype(dtype)
    y = tf.nn.bias_add(v, b)
    assert y.name == "BiasAdd:0" and y.shape.as_list() == [300, 5, 8]
    np.testing.assert_array_equal(sess.run(y), v + b)
    g = tf.get_default_graph().create_op(
        "BiasAddGrad", [tf.constant(v)], {"T": ("dtype", tf.as_dtype(dtype).as_datatype_enum),
                                          "data_format": ("str", "NHWC")}).outputs[0]
    assert g.shape.as_list() == [8]
    np.testing.assert_allclose(sess.run(g), v.sum(axis=(0, 1)), rtol=1e-5)
    nchw = tf.nn.bias_add(v, np.arange(5).astype(dtype), data_format="NCHW")
    np.testing.assert_array_equal(sess.run(nchw), v + np.arange(5).astype(dtype)[:, None])


def test_bias_add_errors(sess):
    with pytest.raises(ValueError, match="rank 1"):
        tf.nn.bias_add(tf.zeros([2, 3]), tf.zeros([1, 3]))
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 4"):
        tf.nn.bias_add(tf.zeros([2, 3]), tf.zeros([4]))
    with pytest.raises(ValueError, match="at least rank 2"):
        tf.nn.bias_add(tf.zeros([3]), tf.zeros([3]))
    with pytest.raises(ValueError, match="data_format"):
        tf.nn.bias_add(tf.zeros([2, 3]), tf.zeros([3]), data_format="HWC")
    a = tf.placeholder(tf.float32, [None, None])
    b = tf.placeholder(tf.float32, [None])
    with pytest.raises(errors.InvalidArgumentError, match="as many biases"):
        sess.run(tf.nn.bias_add(a, b), {a: np.zeros([2, 3]), b: np.zeros([4])})


def _np_softplus(x):
    return np.logaddexp(0, x)


ACTIVATIONS = [
    (tf.nn.elu, lambda x: np.where(x < 0, np.expm1(x), x), "Elu"),
    (tf.nn.softplus, _np_softplus, "Softplus"),
    (tf.nn.relu6, lambda x: np.clip(x, 0, 6), "Relu6"),
    (tf.nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x), "LeakyRelu"),
    (tf.log1p, np.log1p, "Log1p"),
    (tf.expm1, np.expm1, "Expm1"),
]


@pytest.mark.parametrize("fn,ref,op_type", ACTIVATIONS, ids=[a[2] for a in ACTIVATIONS])
@pytest.mark.parametrize("dtype", FLOATS)
def test_activations(sess, fn, ref, op_type, dtype):
    x = np.concatenate([RNG.uniform(-20, 20, 70000),
                        [-800, -40, -14, -13.9, -1e-8, 0, 1e-8, 5.99, 6, 13.9, 14, 40, 800]])
    if op_type == "Log1p":
        x = np.abs(x) - 0.5
    x = x.astype(dtype)
    y = fn(x)
    assert y.op.type == op_type and y.name == op_type + ":0"
    with np.errstate(all="ignore"):
        want = ref(x.astype(np.float64)).astype(dtype)
    got = sess.run(y)
    assert got.dtype == dtype
    if dtype == np.float32:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_leaky_relu_alpha_int_inputs_and_type_errors(sess):
    np.testing.assert_allclose(sess.run(tf.nn.leaky_relu([-2., 3.], alpha=0.1)), [-0.2, 3.])
    y = tf.nn.leaky_relu(tf.constant([-2, 3]))
    assert y.dtype == tf.float32
    np.testing.assert_allclose(sess.run(y), [-0.4, 3.])
    np.testing.assert_array_equal(sess.run(tf.nn.relu6(tf.constant([-2, 3, 9]))), [0, 3, 6])
    with pytest.raises(TypeError, match="features"):
        tf.nn.elu(tf.constant([-2, 3]))
    with pytest.raises(TypeError, match="features"):
        tf.nn.softplus(tf.constant([True]))


def test_activation_grad_ops(sess):
    g = RNG.standard_normal(50)
    x = RNG.uniform(-8, 8, 50)
    x[:3] = [0., 6., -0.]

    def grad_op(op_type, a, b, **attrs):
        attrs["T"] = ("dtype", tf.float64.as_datatype_enum)
        return tf.get_default_graph().create_op(op_type, [tf.constant(a), tf.constant(b)],
                                                attrs).outputs[0]

    elu_y = np.where(x < 0, np.expm1(x), x)
    got = sess.run([grad_op("EluGrad", g, elu_y), grad_op("SoftplusGrad", g, x),
                    grad_op("Relu6Grad", g, x), grad_op("LeakyReluGrad", g, x,
                                                        alpha=("float", 0.3))])
    np.testing.assert_allclose(got[0], np.where(elu_y < 0, g * (elu_y + 1), g), rtol=1e-12)
    np.testing.assert_allclose(got[1], g / (1 + np.exp(-x)), rtol=1e-12)
    np.testing.assert_array_equal(got[2], np.where((x > 0) & (x < 6), g, 0))
    np.testing.assert_allclose(got[3], np.where(x > 0, g, 0.3 * g), rtol=1e-12)
    with pytest.raises(ValueError, match="must be equal"):
        grad_op("EluGrad", g, x[:3])


def test_squared_difference_and_div_no_nan(sess):
    a = RNG.standard_normal((4, 5))
    b = RNG.standard_normal(5)
    b[2] = 0
    sd, dn = sess.run([tf.squared_difference(a, b), tf.div_no_nan(a, b)])
    np.testing.assert_allclose(sd, (a - b) ** 2, rtol=1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.testing.assert_allclose(dn, np.where(b == 0, 0, a / b), rtol=1e-12)
    np.testing.assert_array_equal(sess.run(tf.squared_difference([1, 5], [4, 1])), [9, 16])


# ---------------------------------------------------------------------------------------------
# clip_by_value, where, one_hot


def test_clip_by_value(sess):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.clip_by_value(x, 0., 1.)
    assert y.name == "clip_by_value:0" and y.op.type == "Maximum"
    assert y.op.inputs[0].name == "clip_by_value/Minimum:0"
    v = RNG.uniform(-2, 2, (4, 3)).astype(np.float32)
    np.testing.assert_array_equal(sess.run(y, {x: v}), np.clip(v, 0, 1))
    np.testing.assert_array_equal(sess.run(tf.clip_by_value(tf.constant([1, 5, 9]), 2, 6)),
                                  [2, 5, 6])
    lo = np.array([0., 0.5, -1.], np.float32)
    np.testing.assert_array_equal(sess.run(tf.clip_by_value(x, lo, 1.), {x: v}),
                                  np.clip(v, lo, 1))
    with pytest.raises(ValueError):
        tf.clip_by_value(tf.zeros([2, 3]), tf.zeros([4]), 1.)
    with pytest.raises(ValueError):
        tf.clip_by_value(tf.zeros([3]), 0., tf.zeros([2, 3]))


def test_where_select(sess):
    c = RNG.random((300, 70)) > 0.5
    a = RNG.standard_normal((300, 70)).astype(np.float32)
    b = RNG.standard_normal((300, 70)).astype(np.float32)
    y = tf.where(c, a, b)
    assert y.name == "Select:0" and y.shape.as_list() == [300, 70]
    np.testing.assert_array_equal(sess.run(y), np.where(c, a, b))
    rows = c[:, 0]
    np.testing.assert_array_equal(sess.run(tf.where(rows, a, b)), np.where(rows[:, None], a, b))
    np.testing.assert_array_equal(sess.run(tf.where(True, a, b)), a)
    ints = sess.run(tf.where([True, False], [1, 2], [3, 4]))
    np.testing.assert_array_equal(ints, [1, 4])


def test_where_select_errors(sess):
    with pytest.raises(ValueError, match="Dimension 1 in both shapes must be equal"):
        tf.where([True, False], tf.zeros([2, 3]), tf.zeros([2, 4]))
    with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal"):
        tf.where([True, False, True], tf.zeros([2, 3]), tf.ones([2, 3]))
    with pytest.raises(ValueError, match="equal rank"):
        tf.where([[True, False, True]], tf.zeros([1, 3]), 1.)
    with pytest.raises(TypeError, match="'e'"):
        tf.where([True], tf.zeros([1]), tf.zeros([1], tf.float64))
    with pytest.raises(TypeError, match="bool"):
        tf.where([1.], tf.zeros([1]), tf.zeros([1]))
    with pytest.raises(ValueError, match="both be non-None"):
        tf.where([True], x=tf.zeros([1]))
    c = tf.placeholder(tf.bool, None)
    a = tf.placeholder(tf.float32, None)
    b = tf.placeholder(tf.float32, None)
    y = tf.where(c, a, b)
    with pytest.raises(errors.InvalidArgumentError, match="same size"):
        sess.run(y, {c: [True, False], a: np.zeros([2, 3]), b: np.zeros([2, 4])})
    with pytest.raises(errors.InvalidArgumentError, match="Number of batches"):
        sess.run(y, {c: [True, False, True], a: np.zeros([2, 3]), b: np.zeros([2, 3])})
    with pytest.raises(errors.InvalidArgumentError, match="at least a vector"):
        sess.run(y, {c: [True], a: 1., b: 2.})


def test_where_v2_broadcasts(sess):
    c = RNG.random((4, 1, 5)) > 0.5
    a = RNG.standard_normal((3, 1)).astype(np.float64)
    b = RNG.standard_normal(5)
    y = tf.where_v2(c, a, b)
    assert y.op.type == "SelectV2" and y.shape.as_list() == [4, 3, 5]
    np.testing.assert_array_equal(sess.run(y), np.where(c, a, b))
    with pytest.raises(ValueError):
        tf.where_v2([True, False], tf.zeros([3]), 1.)


def test_where_coordinates(sess):
    c = RNG.random((70, 300, 3)) > 0.7
    y = tf.where(c)
    assert y.name == "Where:0" and y.dtype == tf.int64 and y.shape.as_list() == [None, 3]
    np.testing.assert_array_equal(sess.run(y), np.argwhere(c))
    f = sess.run(tf.where([[0., 1.], [2., 0.]]))
    np.testing.assert_array_equal(f, [[0, 1], [1, 0]])
    assert sess.run(tf.where(tf.zeros([0, 2], tf.bool))).shape == (0, 2)
    with pytest.raises(errors.InvalidArgumentError, match="dimensions: 0"):
        sess.run(tf.where(True))


def test_one_hot(sess):
    y = tf.one_hot([1, 2, -1, 3], 3)
    assert y.name == "one_hot:0" and y.shape.as_list() == [4, 3] and y.dtype == tf.float32
    g = tf.get_default_graph()
    assert g.get_operation_by_name("one_hot/on_value").type == "Const"
    np.testing.assert_array_equal(sess.run(y), np.eye(3)[[1, 2, 0, 0]] * [[1], [1], [0], [0]])
    idx = tf.placeholder(tf.int64, [None])
    y0 = tf.one_hot(idx, 4, on_value=2., off_value=-1., axis=0)
    assert y0.shape.as_list() == [4, None]
    want = np.full((4, 3), -1.)
    want[[3, 0, 1], [0, 1, 2]] = 2.
    np.testing.assert_array_equal(sess.run(y0, {idx: [3, 0, 1]}), want)
    ind = RNG.integers(0, 5, (6, 7))
    y1 = tf.one_hot(ind, 5, axis=1, dtype=tf.int32)
    assert y1.dtype == tf.int32 and y1.shape.as_list() == [6, 5, 7]
    np.testing.assert_array_equal(sess.run(y1), np.moveaxis(np.eye(5, dtype=np.int32)[ind], 2, 1))
    yb = tf.one_hot([0, 1], 2, on_value=True, off_value=False)
    np.testing.assert_array_equal(sess.run(yb), [[True, False], [False, True]])


def test_one_hot_errors(sess):
    with pytest.raises(ValueError, match="must be non-negative but is -1"):
        tf.one_hot([0], -1)
    with pytest.raises(TypeError, match="indices"):
        tf.one_hot([0., 1.], 2)
    with pytest.raises(TypeError, match="does not match"):
        tf.one_hot([0, 1], 2, on_value=1., off_value=0)
    with pytest.raises(TypeError, match="does not match"):
        tf.one_hot([0, 1], 2, on_value=1., dtype=tf.int32)
    with pytest.raises(errors.InvalidArgumentError, match="Expected axis to be -1"):
        sess.run(tf.one_hot([0, 1], 2, axis=2))


def test_nn_ops_in_parallel_runs_are_deterministic(make_session):
    x = RNG.standard_normal((2000, 100)).astype(np.float32)
    p = tf.placeholder(tf.float32, [None, 100])
    fetches = [tf.nn.l2_loss(p), tf.nn.softmax(p),
               tf.nn.sparse_softmax_cross_entropy_with_logits(labels=np.arange(2000) % 100,
                                                              logits=p)]
    results = [make_session().run(fetches, {p: x}) for _ in range(2)]
    for a, b in zip(results[0], results[1]):
        np.testing.assert_array_equal(a, b)
