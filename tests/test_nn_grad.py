"""Gradients of the nn op family against central finite differences (float64), second
derivatives of the fused gradient ops, and the ops declared not differentiable."""

from __future__ import annotations

import numpy as np
import pytest

import pygraphx as tf

RNG = np.random.default_rng(11)


def _numeric_jacobian_dot(sess, y, xs, values, w, eps=1e-6):
    """d(sum(w * y))/dx for each x in xs, by central differences."""
    feed = dict(zip(xs, values))
    out = []
    for x, v in zip(xs, values):
        g = np.zeros_like(v)
        flat = g.reshape(-1)
        for i in range(v.size):
            plus, minus = v.copy(), v.copy()
            plus.reshape(-1)[i] += eps
            minus.reshape(-1)[i] -= eps
            fp = np.sum(w * sess.run(y, {**feed, x: plus}))
            fm = np.sum(w * sess.run(y, {**feed, x: minus}))
            flat[i] = (fp - fm) / (2 * eps)
        out.append(g)
    return out


def _check(sess, fn, *values, atol=1e-6):
    """Compares tf.gradients of sum(w * fn(*xs)) with finite differences."""
    xs = [tf.placeholder(tf.float64, v.shape) for v in values]
    y = fn(*xs)
    w = RNG.standard_normal(y.shape.as_list())
    grads = tf.gradients(tf.reduce_sum(y * w), xs)
    got = sess.run(grads, dict(zip(xs, values)))
    want = _numeric_jacobian_dot(sess, y, xs, list(values), w)
    for g, n in zip(got, want):
        np.testing.assert_allclose(g, n, rtol=1e-5, atol=atol)


def _away_from(v, points, margin=0.05):
    for p in points:
        v = np.where(np.abs(v - p) < margin, p + margin * 2, v)
    return v


X34 = RNG.standard_normal((3, 4)) * 2

CASES = [
    ("Softmax", lambda x: tf.nn.softmax(x), [X34]),
    ("Softmax_axis0", lambda x: tf.nn.softmax(x, axis=0), [X34]),
    ("LogSoftmax", lambda x: tf.nn.log_softmax(x), [X34]),
    ("SoftmaxCrossEntropyWithLogits",
     lambda x, z: tf.nn.softmax_cross_entropy_with_logits_v2(labels=z, logits=x),
     [X34, np.random.default_rng(3).dirichlet(np.ones(4), 3)]),
    ("SoftmaxCrossEntropyWithLogits_rank3",
     lambda x, z: tf.nn.softmax_cross_entropy_with_logits_v2(labels=z, logits=x),
     [RNG.standard_normal((2, 3, 4)), np.random.default_rng(4).dirichlet(np.ones(4), (2, 3))]),
    ("SparseSoftmaxCrossEntropyWithLogits",
     lambda x: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 3, 1], logits=x),
     [X34]),
    ("sigmoid_cross_entropy_with_logits",
     lambda x, z: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
     [_away_from(X34, [0]), RNG.random((3, 4))]),
    ("L2Loss", lambda x: tf.nn.l2_loss(x), [X34]),
    ("BiasAdd", lambda x, b: tf.nn.bias_add(x, b), [RNG.standard_normal((2, 3, 4)),
                                                   RNG.standard_normal(4)]),
    ("BiasAdd_NCHW", lambda x, b: tf.nn.bias_add(x, b, data_format="NCHW"),
     [RNG.standard_normal((2, 3, 4)), RNG.standard_normal(3)]),
    ("Elu", lambda x: tf.nn.elu(x), [_away_from(X34, [0])]),
    ("Softplus", lambda x: tf.nn.softplus(x), [X34]),
    ("Relu6", lambda x: tf.nn.relu6(x), [_away_from(X34 * 4, [0, 6])]),
    ("LeakyRelu", lambda x: tf.nn.leaky_relu(x, alpha=0.3), [_away_from(X34, [0])]),
    ("Log1p", lambda x: tf.log1p(x), [np.abs(X34)]),
    ("Expm1", lambda x: tf.expm1(x), [X34]),
    ("SquaredDifference", lambda x, y: tf.squared_difference(x, y),
     [X34, RNG.standard_normal(4)]),
    ("DivNoNan", lambda x, y: tf.div_no_nan(x, y), [X34, RNG.standard_normal((3, 1)) + 3]),
    ("Select", lambda x, y: tf.where(X34 > 0, x, y), [X34, RNG.standard_normal((3, 4))]),
    ("Select_rows", lambda x, y: tf.where([True, False, True], x, y),
     [X34, RNG.standard_normal((3, 4))]),
    ("SelectV2", lambda x, y: tf.where_v2(RNG.random((2, 3, 4)) > 0.5, x, y),
     [RNG.standard_normal((3, 1)), RNG.standard_normal(4)]),
    ("clip_by_value", lambda x: tf.clip_by_value(x, -1., 1.), [_away_from(X34, [-1, 1])]),
]


@pytest.mark.parametrize("fn,values", [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_gradient_matches_finite_differences(fn, values):
    with tf.Session() as sess:
        _check(sess, fn, *values)


def test_loss_gradients_match_closed_forms():
    # tf.losses compute in float32 (as TF): compared with the closed-form derivatives.
    labels = RNG.random((3, 4)).astype(np.float32)
    preds = RNG.uniform(0.1, 0.9, (3, 4)).astype(np.float32)
    p = tf.placeholder(tf.float32, [3, 4])
    z = tf.placeholder(tf.float32, [3, 4])
    mse = tf.losses.mean_squared_error(z, p)
    ll = tf.losses.log_loss(z, p)
    weighted = tf.losses.mean_squared_error(z, p, weights=[[1.], [0.], [2.]])
    with tf.Session() as sess:
        g_mse, g_lab, g_ll, g_w = sess.run(tf.gradients(mse, [p, z]) + tf.gradients(ll, [p]) +
                                           tf.gradients(weighted, [p]), {p: preds, z: labels})
    np.testing.assert_allclose(g_mse, 2 * (preds - labels) / 12, rtol=1e-5)
    np.testing.assert_allclose(g_lab, -2 * (preds - labels) / 12, rtol=1e-5)
    eps = 1e-7
    want_ll = (-labels / (preds + eps) + (1 - labels) / (1 - preds + eps)) / 12
    np.testing.assert_allclose(g_ll, want_ll, rtol=1e-5)
    w = np.array([[1.], [0.], [2.]], np.float32)
    np.testing.assert_allclose(g_w, 2 * w * (preds - labels) / 8, rtol=1e-5)


SECOND = [
    ("EluGrad", lambda x: tf.nn.elu(x), _away_from(X34, [0])),
    ("SoftplusGrad", lambda x: tf.nn.softplus(x), X34),
    ("Relu6Grad", lambda x: tf.nn.relu6(x), _away_from(X34 * 4, [0, 6])),
    ("LeakyReluGrad", lambda x: tf.nn.leaky_relu(x), _away_from(X34, [0])),
    ("BiasAddGrad", lambda x: tf.nn.bias_add(x, tf.constant(np.arange(4.))) ** 2, X34),
    ("SoftmaxCrossEntropyWithLogits_backprop",
     lambda x: tf.nn.softmax_cross_entropy_with_logits_v2(labels=np.full((3, 4), 0.25),
                                                          logits=x), X34),
]


@pytest.mark.parametrize("fn,value", [(c[1], c[2]) for c in SECOND], ids=[c[0] for c in SECOND])
def test_second_derivatives(fn, value):
    """The gradient of sum(w * dy/dx) against finite differences of dy/dx."""
    with tf.Session() as sess:
        def first(x):
            return tf.gradients(tf.reduce_sum(fn(x) * np.linspace(-1, 1, 12).reshape(3, 4)
                                              if fn(x).shape.ndims == 2 else fn(x)), x)[0]

        _check(sess, first, value, atol=1e-5)


def test_gradient_op_names_and_non_differentiable():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.nn.elu(tf.nn.bias_add(x, [1., 2., 3.]))
    gx, = tf.gradients(tf.reduce_sum(y), [x])
    g = tf.get_default_graph()
    assert g.get_operation_by_name("gradients/Elu_grad/EluGrad").type == "EluGrad"
    assert g.get_operation_by_name("gradients/BiasAdd_grad/BiasAddGrad").type == "BiasAddGrad"
    assert gx.shape.as_list() == [None, 3]
    idx = tf.placeholder(tf.int32, [None])
    onehot = tf.one_hot(idx, 3)
    coords = tf.cast(tf.where(x > 0), tf.float32)
    assert tf.gradients(tf.reduce_sum(onehot), [idx]) == [None]
    assert tf.gradients(tf.reduce_sum(coords), [x]) == [None]
    labels = tf.placeholder(tf.int32, [None])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=x)
    assert tf.gradients(loss, [labels]) == [None]


def test_v1_softmax_cross_entropy_gives_labels_no_gradient():
    labels = tf.placeholder(tf.float32, [None, 3])
    logits = tf.placeholder(tf.float32, [None, 3])
    v1 = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    v2 = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    assert tf.gradients(v1, [labels]) == [None]
    assert tf.gradients(v2, [labels])[0] is not None


def test_dense_layer_trains_with_gradients():
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.int32, [None])
    logits = tf.layers.dense(tf.layers.dense(x, 8, activation=tf.nn.elu), 3)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                         logits=logits))
    params = tf.trainable_variables()
    grads = tf.gradients(loss, params)
    updates = [tf.assign_sub(p, 0.5 * g) for p, g in zip(params, grads)]
    xs = RNG.standard_normal((64, 4)).astype(np.float32)
    ys = (xs[:, 0] > 0).astype(np.int32) + (xs[:, 1] > 0).astype(np.int32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: xs, y: ys})
        for _ in range(100):
            sess.run(updates, {x: xs, y: ys})
        last = sess.run(loss, {x: xs, y: ys})
    assert last < first * 0.5
