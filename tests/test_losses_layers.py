"""tf.losses (values per reduction, weights, node names, collections, errors) and
tf.layers.dense (variable names and sharing, op names, values, regularizers, errors)."""

from __future__ import annotations

import numpy as np
import pytest

import pygraphx as tf

RNG = np.random.default_rng(5)
LABELS = RNG.standard_normal((4, 3)).astype(np.float32)
PREDS = RNG.standard_normal((4, 3)).astype(np.float32)
SQ = (PREDS - LABELS) ** 2


# ---------------------------------------------------------------------------------------------
# tf.losses


def test_mean_squared_error_value_names_and_collection(sess):
    loss = tf.losses.mean_squared_error(LABELS, PREDS)
    assert loss.name == "mean_squared_error/value:0" and loss.shape.as_list() == []
    g = tf.get_default_graph()
    assert g.get_operation_by_name("mean_squared_error/SquaredDifference").type == \
        "SquaredDifference"
    assert g.get_operation_by_name("mean_squared_error/num_present").type == "Sum"
    assert (g.get_operation_by_name(
        "mean_squared_error/assert_broadcastable/static_scalar_check_success").type == "NoOp")
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [loss]
    assert tf.losses.get_losses() == [loss]
    np.testing.assert_allclose(sess.run(loss), SQ.mean(), rtol=1e-6)


@pytest.mark.parametrize("reduction,want", [
    (tf.losses.Reduction.NONE, lambda w: SQ * w),
    (tf.losses.Reduction.SUM, lambda w: np.sum(SQ * w)),
    (tf.losses.Reduction.MEAN, lambda w: np.sum(SQ * w) / np.sum(np.ones_like(SQ) * w)),
    (tf.losses.Reduction.SUM_OVER_BATCH_SIZE, lambda w: np.sum(SQ * w) / SQ.size),
    (tf.losses.Reduction.SUM_BY_NONZERO_WEIGHTS,
     lambda w: np.sum(SQ * w) / np.count_nonzero(np.broadcast_to(w, SQ.shape))),
])
@pytest.mark.parametrize("weights", [2.0, np.array([[1.], [0.], [3.], [0.5]], np.float32),
                                     np.array([[0., 1., 2.]], np.float32)])
def test_reductions_and_weights(sess, reduction, want, weights):
    loss = tf.losses.mean_squared_error(LABELS, PREDS, weights=weights, reduction=reduction)
    np.testing.assert_allclose(sess.run(loss), want(weights), rtol=1e-5)


def test_zero_weights_give_zero_not_nan(sess):
    loss = tf.losses.mean_squared_error(LABELS, PREDS, weights=0.0)
    assert sess.run(loss) == 0.0


def test_weights_fed_with_unknown_shape(sess):
    w = tf.placeholder(tf.float32)
    loss = tf.losses.mean_squared_error(LABELS, PREDS, weights=w)
    wv = np.array([[1.], [0.], [1.], [1.]], np.float32)
    np.testing.assert_allclose(sess.run(loss, {w: wv}), np.sum(SQ * wv) / 9, rtol=1e-5)


def test_loss_errors():
    with pytest.raises(ValueError, match="weights can not be broadcast"):
        tf.losses.mean_squared_error(LABELS, PREDS, weights=np.ones(3, np.float32))
    with pytest.raises(ValueError, match="Mismatch at dim 0"):
        tf.losses.mean_squared_error(LABELS, PREDS, weights=np.ones((2, 3), np.float32))
    with pytest.raises(ValueError):
        tf.losses.mean_squared_error(LABELS, PREDS[:, :2])
    with pytest.raises(ValueError, match="labels must not be None"):
        tf.losses.mean_squared_error(None, PREDS)
    with pytest.raises(ValueError, match="Invalid Reduction Key"):
        tf.losses.mean_squared_error(LABELS, PREDS, reduction="bogus")


def test_loss_collection_none_and_scope():
    with tf.name_scope("outer"):
        loss = tf.losses.mean_squared_error(LABELS, PREDS, scope="mse", loss_collection=None)
    assert loss.name == "outer/mse/value:0"
    assert tf.get_collection(tf.GraphKeys.LOSSES) == []


def test_log_loss_and_other_losses(sess):
    z = RNG.random((4, 3)).astype(np.float32)
    p = RNG.uniform(0.05, 0.95, (4, 3)).astype(np.float32)
    eps = 1e-7
    ll = tf.losses.log_loss(z, p)
    assert ll.name == "log_loss/value:0"
    want = -z * np.log(p + eps) - (1 - z) * np.log(1 - p + eps)
    np.testing.assert_allclose(sess.run(ll), want.mean(), rtol=1e-5)

    ad = tf.losses.absolute_difference(LABELS, PREDS)
    np.testing.assert_allclose(sess.run(ad), np.abs(PREDS - LABELS).mean(), rtol=1e-6)

    logits = RNG.standard_normal((4, 3)).astype(np.float32)
    classes = np.array([0, 2, 1, 1], np.int32)
    sp = tf.losses.sparse_softmax_cross_entropy(classes, logits)
    assert sp.name == "sparse_softmax_cross_entropy_loss/value:0"
    logp = logits - np.log(np.sum(np.exp(logits), 1, keepdims=True))
    np.testing.assert_allclose(sess.run(sp), -logp[np.arange(4), classes].mean(), rtol=1e-5)

    onehot = np.eye(3, dtype=np.float32)[classes]
    sm = tf.losses.softmax_cross_entropy(onehot, logits, label_smoothing=0.1)
    smooth = onehot * 0.9 + 0.1 / 3
    np.testing.assert_allclose(sess.run(sm), -(smooth * logp).sum(1).mean(), rtol=1e-5)

    sg = tf.losses.sigmoid_cross_entropy(z, logits)
    want_sg = np.maximum(logits, 0) - logits * z + np.log1p(np.exp(-np.abs(logits)))
    np.testing.assert_allclose(sess.run(sg), want_sg.mean(), rtol=1e-5)
    assert len(tf.losses.get_losses()) == 5


def test_total_and_regularization_loss(sess):
    assert sess.run(tf.losses.get_regularization_loss()) == 0.0
    with pytest.raises(ValueError, match="No losses"):
        tf.losses.get_total_loss()
    mse = tf.losses.mean_squared_error(LABELS, PREDS)
    w = tf.get_variable("w", initializer=np.ones(3, np.float32),
                        regularizer=lambda v: 0.5 * tf.reduce_sum(v * v))
    reg = tf.losses.get_regularization_loss()
    total = tf.losses.get_total_loss()
    assert reg.name == "total_regularization_loss:0" and total.name == "total_loss:0"
    sess.run(w.initializer)
    np.testing.assert_allclose(sess.run(reg), 1.5, rtol=1e-6)
    np.testing.assert_allclose(sess.run(total), SQ.mean() + 1.5, rtol=1e-5)
    no_reg = tf.losses.get_total_loss(add_regularization_losses=False)
    np.testing.assert_allclose(sess.run(no_reg), sess.run(mse), rtol=1e-6)


# ---------------------------------------------------------------------------------------------
# tf.layers.dense


def test_dense_names_and_values(sess):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.layers.dense(x, 4, activation=tf.nn.relu)
    assert y.name == "dense/Relu:0" and y.shape.as_list() == [None, 4]
    g = tf.get_default_graph()
    assert g.get_operation_by_name("dense/MatMul").type == "MatMul"
    assert g.get_operation_by_name("dense/BiasAdd").type == "BiasAdd"
    names = [v.name for v in tf.trainable_variables()]
    assert names == ["dense/kernel:0", "dense/bias:0"]
    y2 = tf.layers.dense(x, 2)
    assert y2.name == "dense_1/BiasAdd:0"
    assert [v.name for v in tf.global_variables()][2:] == ["dense_1/kernel:0", "dense_1/bias:0"]
    sess.run(tf.global_variables_initializer())
    kernel, bias = sess.run(tf.trainable_variables()[:2])
    limit = np.sqrt(6 / (3 + 4))
    assert kernel.shape == (3, 4) and np.all(np.abs(kernel) <= limit)
    assert np.array_equal(bias, np.zeros(4, np.float32))
    xv = RNG.standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(sess.run(y, {x: xv}), np.maximum(xv @ kernel + bias, 0),
                               rtol=1e-5, atol=1e-6)


def test_dense_reuse_and_errors():
    x = tf.placeholder(tf.float32, [None, 3])
    tf.layers.dense(x, 4, name="hidden")
    y = tf.layers.dense(x, 4, name="hidden", reuse=True)
    assert y.name == "hidden_1/BiasAdd:0"
    assert len(tf.trainable_variables()) == 2
    assert y.op.inputs[1].name == "hidden/bias/read:0"
    assert y.op.inputs[0].op.inputs[1].name == "hidden/kernel/read:0"
    with pytest.raises(ValueError, match="already exists"):
        tf.layers.dense(x, 4, name="hidden")
    with pytest.raises(ValueError, match="does not exist|not exist"):
        tf.layers.dense(x, 4, name="other", reuse=True)
    with pytest.raises(ValueError, match="last dimension"):
        tf.layers.dense(tf.placeholder(tf.float32, [None, None]), 2)
    with pytest.raises(ValueError, match="min_ndim=2"):
        tf.layers.dense(tf.constant([1., 2.]), 2)
    with pytest.raises(ValueError, match="units"):
        tf.layers.dense(x, 0)


def test_dense_options(sess):
    x = tf.placeholder(tf.float64, [None, 2, 3])
    y = tf.layers.dense(x, 5, use_bias=False, trainable=False,
                        kernel_initializer=tf.constant_initializer(0.5),
                        kernel_regularizer=lambda k: tf.reduce_sum(k))
    assert y.shape.as_list() == [None, 2, 5] and y.dtype == tf.float64
    assert tf.trainable_variables() == []
    assert [v.name for v in tf.global_variables()] == ["dense/kernel:0"]
    reg = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(reg) == 1
    sess.run(tf.global_variables_initializer())
    xv = RNG.standard_normal((4, 2, 3))
    np.testing.assert_allclose(sess.run(y, {x: xv}), xv @ np.full((3, 5), 0.5), rtol=1e-12)
    np.testing.assert_allclose(sess.run(reg[0]), 7.5)
