"""Optimizers: each update rule against a NumPy implementation of TF's documented rule, slot
variables and their names, Adam's beta powers, the global step, errors, failed steps, thread
counts, and chapter 9's linear regression trained with GradientDescentOptimizer and
MomentumOptimizer."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import pygraphx as tf
from pygraphx.training import training_ops

HAVE_GRADIENTS = importlib.util.find_spec("pygraphx.training.gradients_impl") is not None
needs_gradients = pytest.mark.skipif(not HAVE_GRADIENTS, reason="symbolic gradients not built")

SHAPE = (3, 4)
STEPS = 5


# ---------------------------------------------------------------------------------------------
# NumPy references (float64), one step each: state is a dict of arrays, updated in place.
# Hyperparameters given as Python floats become float32 constants (cast to the variable's
# dtype), as in TF, so the references round them to float32 first.


def f32(x):
    return float(np.float32(x))


def ref_gradient_descent(st, g, lr=0.1):
    st["var"] = st["var"] - f32(lr) * g


def ref_momentum(st, g, lr=0.1, momentum=0.9, nesterov=False):
    lr, momentum = f32(lr), f32(momentum)
    st["momentum"] = st["momentum"] * momentum + g
    if nesterov:
        st["var"] = st["var"] - (g * lr + st["momentum"] * momentum * lr)
    else:
        st["var"] = st["var"] - lr * st["momentum"]


def ref_adam(st, g, lr=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    lr, beta1, beta2, epsilon = f32(lr), f32(beta1), f32(beta2), f32(epsilon)
    # beta1_power and beta2_power are float32 variables multiplied in float32
    b1p = st.get("beta1_power", np.float32(beta1))
    b2p = st.get("beta2_power", np.float32(beta2))
    lr_t = lr * np.sqrt(1 - float(b2p)) / (1 - float(b1p))
    st["m"] = beta1 * st["m"] + (1 - beta1) * g
    st["v"] = beta2 * st["v"] + (1 - beta2) * g * g
    st["var"] = st["var"] - lr_t * st["m"] / (np.sqrt(st["v"]) + epsilon)
    st["beta1_power"] = np.float32(b1p * np.float32(beta1))
    st["beta2_power"] = np.float32(b2p * np.float32(beta2))


def ref_rmsprop(st, g, lr=0.01, decay=0.9, momentum=0.0, epsilon=1e-10, centered=False):
    lr, decay, momentum, epsilon = f32(lr), f32(decay), f32(momentum), f32(epsilon)
    st["rms"] = decay * st["rms"] + (1 - decay) * g * g
    denom = st["rms"]
    if centered:
        st["mg"] = decay * st["mg"] + (1 - decay) * g
        denom = denom - st["mg"] ** 2
    st["momentum"] = momentum * st["momentum"] + lr * g / np.sqrt(denom + epsilon)
    st["var"] = st["var"] - st["momentum"]


def ref_adagrad(st, g, lr=0.1):
    st["accumulator"] = st["accumulator"] + g * g
    st["var"] = st["var"] - f32(lr) * g / np.sqrt(st["accumulator"])


# name -> (optimizer factory, reference step, {slot name: initial value})
CASES = {
    "gd": (lambda: tf.train.GradientDescentOptimizer(0.1), ref_gradient_descent, {}),
    "momentum": (lambda: tf.train.MomentumOptimizer(0.1, 0.9), ref_momentum,
                 {"momentum": 0.0}),
    "nesterov": (lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
                 lambda st, g: ref_momentum(st, g, nesterov=True), {"momentum": 0.0}),
    "adam": (lambda: tf.train.AdamOptimizer(0.01), ref_adam, {"m": 0.0, "v": 0.0}),
    "rmsprop": (lambda: tf.train.RMSPropOptimizer(0.01), ref_rmsprop,
                {"rms": 1.0, "momentum": 0.0}),
    "rmsprop_momentum": (lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.5),
                         lambda st, g: ref_rmsprop(st, g, momentum=0.5),
                         {"rms": 1.0, "momentum": 0.0}),
    "rmsprop_centered": (lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.5, centered=True),
                         lambda st, g: ref_rmsprop(st, g, momentum=0.5, centered=True),
                         {"rms": 1.0, "momentum": 0.0, "mg": 0.0}),
    "adagrad": (lambda: tf.train.AdagradOptimizer(0.1), ref_adagrad, {"accumulator": 0.1}),
}

TOL = {np.float32: dict(rtol=2e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-14)}


def _grads(dtype, steps=STEPS, shape=SHAPE, seed=0):
    rs = np.random.RandomState(seed)
    return [rs.randn(*shape).astype(dtype) for _ in range(steps)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("case", list(CASES))
def test_update_matches_numpy_reference(sess, case, dtype):
    make, ref_step, slot_init = CASES[case]
    init = np.random.RandomState(1).randn(*SHAPE).astype(dtype)
    theta = tf.Variable(init, name="theta")
    g = tf.placeholder(theta.dtype.base_dtype, SHAPE, name="g")
    opt = make()
    train = opt.apply_gradients([(g, theta)])
    sess.run(tf.global_variables_initializer())
    st = {"var": init.astype(np.float64)}
    st.update({k: np.full(SHAPE, f32(v) if dtype == np.float32 else v)
               for k, v in slot_init.items()})
    for grad in _grads(dtype):
        sess.run(train, {g: grad})
        ref_step(st, grad.astype(np.float64))
        got = sess.run(theta)
        assert got.dtype == dtype
        np.testing.assert_allclose(got, st["var"], **TOL[dtype])
        for name in slot_init:
            np.testing.assert_allclose(sess.run(opt.get_slot(theta, name)), st[name],
                                       **TOL[dtype])


# ---------------------------------------------------------------------------------------------
# Slots and names


SLOT_NAMES = {
    "gd": {},
    "momentum": {"momentum": "theta/Momentum:0"},
    "adam": {"m": "theta/Adam:0", "v": "theta/Adam_1:0"},
    "rmsprop": {"rms": "theta/RMSProp:0", "momentum": "theta/RMSProp_1:0"},
    "rmsprop_centered": {"rms": "theta/RMSProp:0", "mg": "theta/RMSProp_1:0",
                         "momentum": "theta/RMSProp_2:0"},
    "adagrad": {"accumulator": "theta/Adagrad:0"},
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("case", list(SLOT_NAMES))
def test_slots_names_shapes_initial_values(case, dtype):
    make, _, slot_init = CASES[case]
    theta = tf.Variable(np.ones((2, 3), dtype), name="theta")
    opt = make()
    opt.apply_gradients([(tf.constant(np.ones((2, 3), dtype)), theta)])
    init = tf.global_variables_initializer()  # built after the slots: initialises them too
    assert opt.get_slot_names() == sorted(SLOT_NAMES[case])
    assert tf.trainable_variables() == [theta]
    with tf.Session() as s:
        s.run(init)
        for name, var_name in SLOT_NAMES[case].items():
            slot = opt.get_slot(theta, name)
            assert slot.name == var_name
            assert not slot.trainable
            assert slot in tf.global_variables()
            assert slot.shape.as_list() == [2, 3]
            assert slot.dtype.base_dtype == theta.dtype.base_dtype
            value = s.run(slot)
            assert value.dtype == dtype
            np.testing.assert_array_equal(value, np.full((2, 3), slot_init[name], dtype))
    assert opt.get_slot(theta, "no_such_slot") is None
    other = tf.Variable(1.0, name="other")
    assert all(opt.get_slot(other, n) is None for n in SLOT_NAMES[case])


def test_slot_initializer_node_names_match_tf():
    theta = tf.Variable([1.0, 2.0], name="theta")
    g = tf.constant([1.0, 1.0])
    tf.train.MomentumOptimizer(0.1, 0.9).apply_gradients([(g, theta)])
    tf.train.RMSPropOptimizer(0.1).apply_gradients([(g, theta)])
    tf.train.AdagradOptimizer(0.1).apply_gradients([(g, theta)])
    names = {op.name for op in tf.get_default_graph().get_operations()}
    for n in ("theta/Momentum/Initializer/zeros", "theta/Momentum/Assign", "theta/Momentum/read",
              "theta/RMSProp/Initializer/ones", "theta/RMSProp_1/Initializer/zeros",
              "theta/Adagrad/Initializer/Const"):
        assert n in names


def test_optimizer_op_names_match_tf():
    theta = tf.Variable([[1.0], [2.0]], name="theta")
    opt = tf.train.AdamOptimizer(0.1)
    grad = tf.constant([[1.0], [1.0]], name="grad")
    before = len(tf.get_default_graph().get_operations())
    train = opt.apply_gradients([(grad, theta)])
    made = [(op.name, op.type) for op in tf.get_default_graph().get_operations()[before:]]
    assert made == [
        ("beta1_power/initial_value", "Const"), ("beta1_power", "VariableV2"),
        ("beta1_power/Assign", "Assign"), ("beta1_power/read", "Identity"),
        ("beta2_power/initial_value", "Const"), ("beta2_power", "VariableV2"),
        ("beta2_power/Assign", "Assign"), ("beta2_power/read", "Identity"),
        ("theta/Adam/Initializer/zeros", "Const"), ("theta/Adam", "VariableV2"),
        ("theta/Adam/Assign", "Assign"), ("theta/Adam/read", "Identity"),
        ("theta/Adam_1/Initializer/zeros", "Const"), ("theta/Adam_1", "VariableV2"),
        ("theta/Adam_1/Assign", "Assign"), ("theta/Adam_1/read", "Identity"),
        ("Adam/learning_rate", "Const"), ("Adam/beta1", "Const"), ("Adam/beta2", "Const"),
        ("Adam/epsilon", "Const"), ("Adam/update_theta/ApplyAdam", "ApplyAdam"),
        ("Adam/mul", "Mul"), ("Adam/Assign", "Assign"), ("Adam/mul_1", "Mul"),
        ("Adam/Assign_1", "Assign"), ("Adam", "NoOp")]
    update = tf.get_default_graph().get_operation_by_name("Adam/update_theta/ApplyAdam")
    assert [t.name for t in update.inputs] == [
        "theta:0", "theta/Adam:0", "theta/Adam_1:0", "beta1_power/read:0", "beta2_power/read:0",
        "Adam/learning_rate:0", "Adam/beta1:0", "Adam/beta2:0", "Adam/epsilon:0", "grad:0"]
    assert update.outputs[0].dtype == tf.float32_ref
    assert train.name == "Adam" and train.type == "NoOp"
    assert tf.get_collection(tf.GraphKeys.TRAIN_OP) == [train]
    assert [v.name for v in opt.variables()] == [
        "beta1_power:0", "beta2_power:0", "theta/Adam:0", "theta/Adam_1:0"]


def test_names_with_global_step_and_custom_name():
    theta = tf.Variable([1.0], name="theta")
    gs = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.1).apply_gradients(
        [(tf.constant([1.0]), theta)], global_step=gs)
    g = tf.get_default_graph()
    assert (train.name, train.type) == ("GradientDescent", "AssignAdd")
    assert g.get_operation_by_name("GradientDescent/update").type == "NoOp"
    assert g.get_operation_by_name("GradientDescent/update_theta/ApplyGradientDescent")
    other = tf.train.MomentumOptimizer(0.1, 0.5).apply_gradients(
        [(tf.constant([1.0]), theta)], name="step")
    assert other.name == "step"
    assert g.get_operation_by_name("step/update_theta/ApplyMomentum").type == "ApplyMomentum"


def test_two_optimizers_on_one_variable_get_distinct_slots(sess):
    theta = tf.Variable([1.0, 2.0], name="theta")
    g = tf.constant([1.0, 1.0])
    a = tf.train.MomentumOptimizer(0.1, 0.9)
    b = tf.train.MomentumOptimizer(0.1, 0.9)
    ta = a.apply_gradients([(g, theta)])
    tb = b.apply_gradients([(g, theta)])
    assert a.get_slot(theta, "momentum").name == "theta/Momentum:0"
    assert b.get_slot(theta, "momentum").name == "theta/Momentum_1:0"
    sess.run(tf.global_variables_initializer())
    sess.run(ta)
    sess.run(ta)
    sess.run(tb)
    np.testing.assert_allclose(sess.run(a.get_slot(theta, "momentum")), [1.9, 1.9], rtol=1e-6)
    np.testing.assert_allclose(sess.run(b.get_slot(theta, "momentum")), [1.0, 1.0])


def test_slots_inside_variable_scope_and_reuse_lookup():
    with tf.variable_scope("train"):
        w = tf.get_variable("w", [2])
        tf.train.MomentumOptimizer(0.1, 0.9).apply_gradients([(tf.constant([1.0, 1.0]), w)])
    names = [v.name for v in tf.global_variables()]
    assert names == ["train/w:0", "train/train/w/Momentum:0"]  # as TF names them


# ---------------------------------------------------------------------------------------------
# Adam's beta powers


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_adam_beta_powers(sess, dtype):
    theta = tf.Variable(np.zeros(3, dtype), name="theta")
    opt = tf.train.AdamOptimizer(0.01, beta1=0.8, beta2=0.99)
    train = opt.apply_gradients([(tf.constant(np.ones(3, dtype)), theta)])
    b1 = tf.get_default_graph().get_tensor_by_name("beta1_power:0")
    b2 = tf.get_default_graph().get_tensor_by_name("beta2_power:0")
    assert b1.dtype == tf.float32_ref and b2.dtype == tf.float32_ref  # from Python floats, as TF
    assert not any(v.name.startswith("beta") for v in tf.trainable_variables())
    sess.run(tf.global_variables_initializer())
    np.testing.assert_allclose(sess.run([b1, b2]), [0.8, 0.99], rtol=1e-7)
    for t in range(1, 4):
        sess.run(train)
        np.testing.assert_allclose(sess.run([b1, b2]), [0.8 ** (t + 1), 0.99 ** (t + 1)],
                                   rtol=1e-6)
    # With a constant gradient of 1 the bias-corrected step is lr each time.
    np.testing.assert_allclose(sess.run(theta), np.full(3, -0.03), rtol=1e-5)


def test_adam_powers_shared_by_all_variables_and_updated_once_per_step(sess):
    a = tf.Variable([1.0], name="a")
    b = tf.Variable([1.0, 2.0], name="b")
    opt = tf.train.AdamOptimizer(0.1)
    train = opt.apply_gradients([(tf.constant([1.0]), a), (tf.constant([1.0, 1.0]), b)])
    sess.run(tf.global_variables_initializer())
    sess.run(train)
    b1 = tf.get_default_graph().get_tensor_by_name("beta1_power:0")
    np.testing.assert_allclose(sess.run(b1), 0.81, rtol=1e-6)
    np.testing.assert_allclose(sess.run(a), [0.9], rtol=1e-5)
    np.testing.assert_allclose(sess.run(b), [0.9, 1.9], rtol=1e-5)


def test_raw_adam_nesterov(sess):
    var = tf.Variable([1.0, -2.0, 0.5], dtype=tf.float64, name="var")
    m = tf.Variable([0.1, 0.2, -0.3], dtype=tf.float64, name="m")
    v = tf.Variable([0.01, 0.04, 0.09], dtype=tf.float64, name="v")
    g = np.array([0.3, -0.7, 1.1])
    out = training_ops.apply_adam(var, m, v, 0.9 ** 3, 0.999 ** 3, 0.05, 0.9, 0.999, 1e-7, g,
                                  use_nesterov=True)
    sess.run(tf.global_variables_initializer())
    got = sess.run(out)
    lr_t = 0.05 * np.sqrt(1 - 0.999 ** 3) / (1 - 0.9 ** 3)
    m1 = np.array([0.1, 0.2, -0.3]) * 0.9 + 0.1 * g
    v1 = np.array([0.01, 0.04, 0.09]) * 0.999 + 0.001 * g * g
    want = np.array([1.0, -2.0, 0.5]) - lr_t * (g * 0.1 + 0.9 * m1) / (np.sqrt(v1) + 1e-7)
    np.testing.assert_allclose(got, want, rtol=1e-13)
    np.testing.assert_allclose(sess.run([m, v]), [m1, v1], rtol=1e-13)


def test_raw_adagrad_without_slot_update(sess):
    var = tf.Variable([1.0, 2.0], name="var")
    acc = tf.Variable([4.0, 16.0], name="acc")
    out = training_ops.apply_adagrad(var, acc, 0.5, [2.0, 4.0], update_slots=False)
    sess.run(tf.global_variables_initializer())
    np.testing.assert_allclose(sess.run(out), [1.0 - 0.5 * 2 / 2, 2.0 - 0.5 * 4 / 4])
    np.testing.assert_array_equal(sess.run(acc), [4.0, 16.0])


def test_raw_update_output_is_the_variable(sess):
    var = tf.Variable([1.0, 2.0], name="var")
    out = training_ops.apply_gradient_descent(var, 0.5, [2.0, 2.0])
    assert out.op.type == "ApplyGradientDescent" and out.op.name == "ApplyGradientDescent"
    assert out.dtype == tf.float32_ref and out.shape.as_list() == [2]
    assert [t.name for t in out.op.inputs][:2] == ["var:0", "ApplyGradientDescent/alpha:0"]
    sess.run(var.initializer)
    np.testing.assert_array_equal(sess.run(out), [0.0, 1.0])
    np.testing.assert_array_equal(sess.run(var), [0.0, 1.0])


# ---------------------------------------------------------------------------------------------
# Hyperparameters as tensors and functions


def test_learning_rate_placeholder_and_callable(sess):
    theta = tf.Variable([1.0, 1.0], name="theta")
    lr = tf.placeholder(tf.float32, [], name="lr")
    step_a = tf.train.GradientDescentOptimizer(lr).apply_gradients([(tf.constant([1.0, 2.0]),
                                                                     theta)])
    step_b = tf.train.MomentumOptimizer(lambda: 0.25, lambda: 0.0).apply_gradients(
        [(tf.constant([1.0, 2.0]), theta)])
    sess.run(tf.global_variables_initializer())
    sess.run(step_a, {lr: 0.5})
    np.testing.assert_allclose(sess.run(theta), [0.5, 0.0])
    sess.run(step_b)
    np.testing.assert_allclose(sess.run(theta), [0.25, -0.5])


def test_float64_variable_with_float_hyperparameters(sess):
    theta = tf.Variable(np.array([1.0, 2.0]), name="theta")
    assert theta.dtype.base_dtype == tf.float64
    train = tf.train.RMSPropOptimizer(0.1, momentum=0.2).apply_gradients(
        [(tf.constant(np.array([0.5, -0.5])), theta)])
    sess.run(tf.global_variables_initializer())
    sess.run(train)
    st = {"var": np.array([1.0, 2.0]), "rms": np.ones(2), "momentum": np.zeros(2)}
    ref_rmsprop(st, np.array([0.5, -0.5]), lr=0.1, momentum=0.2)
    # the float32 hyperparameters are cast to float64 (0.1f is not 0.1)
    np.testing.assert_allclose(sess.run(theta), st["var"], rtol=1e-7)


# ---------------------------------------------------------------------------------------------
# The global step


def test_global_step_variable():
    assert tf.train.get_global_step() is None
    gs = tf.train.get_or_create_global_step()
    assert gs.name == "global_step:0"
    assert gs.dtype == tf.int64_ref and gs.shape.as_list() == []
    assert tf.get_collection(tf.GraphKeys.GLOBAL_STEP) == [gs]
    assert gs in tf.global_variables() and gs not in tf.trainable_variables()
    assert tf.train.get_global_step() is gs
    assert tf.train.get_or_create_global_step() is gs
    assert [op.name for op in tf.get_default_graph().get_operations()] == [
        "global_step/Initializer/zeros", "global_step", "global_step/Assign", "global_step/read"]
    with pytest.raises(ValueError, match='"global_step" already exists.'):
        tf.train.create_global_step()
    other = tf.Graph()
    assert tf.train.get_global_step(other) is None
    made = tf.train.create_global_step(other)
    assert made.graph is other and tf.train.get_global_step(other) is made


def test_global_step_found_by_name_and_type_checked():
    v = tf.Variable(0, name="global_step")
    assert tf.train.get_global_step().name == v.name
    g = tf.Graph()
    with g.as_default():
        tf.Variable(0.0, name="global_step")
        with pytest.raises(TypeError, match="does not have integer type"):
            tf.train.get_global_step()


def test_global_step_incremented_after_updates(sess):
    theta = tf.Variable([1.0], name="theta")
    gs = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(0.1).apply_gradients([(tf.constant([1.0]), theta)],
                                                        global_step=gs)
    sess.run(tf.global_variables_initializer())
    for _ in range(3):
        sess.run(train)
    step = tf.train.global_step(sess, gs)
    assert step == 3 and type(step) is int
    assert tf.train.global_step(sess, "global_step:0") == 3
    # the increment waits for every update, including Adam's power updates
    update = tf.get_default_graph().get_operation_by_name("Adam/update")
    assert {c.name for c in update.control_inputs} == {
        "Adam/update_theta/ApplyAdam", "Adam/Assign", "Adam/Assign_1"}
    assert train.control_inputs == [] and train.inputs[1].op.control_inputs == [update]


# ---------------------------------------------------------------------------------------------
# Which variables are updated


def test_none_gradients_are_skipped(sess):
    a = tf.Variable([1.0], name="a")
    b = tf.Variable([5.0], name="b")
    opt = tf.train.MomentumOptimizer(0.5, 0.9)
    train = opt.apply_gradients([(tf.constant([1.0]), a), (None, b)])
    assert opt.get_slot(b, "momentum") is None
    assert tf.get_default_graph().get_operations()[-1].control_inputs[0].name == \
        "Momentum/update_a/ApplyMomentum"
    sess.run(tf.global_variables_initializer())
    sess.run(train)
    assert sess.run(a)[0] == pytest.approx(0.5)
    assert sess.run(b)[0] == 5.0


def test_apply_gradients_with_processed_gradients(sess):
    theta = tf.Variable([1.0, 2.0, 3.0], name="theta")
    raw = tf.placeholder(tf.float32, [3], name="raw")
    clipped = tf.minimum(tf.maximum(raw, -1.0), 1.0)
    train = tf.train.GradientDescentOptimizer(0.5).apply_gradients([(clipped, theta)])
    sess.run(tf.global_variables_initializer())
    sess.run(train, {raw: [5.0, -0.5, -7.0]})
    np.testing.assert_allclose(sess.run(theta), [0.5, 2.25, 3.5])


# ---------------------------------------------------------------------------------------------
# Errors


def test_no_gradients_error():
    theta = tf.Variable([1.0], name="theta")
    opt = tf.train.GradientDescentOptimizer(0.1)
    with pytest.raises(ValueError, match=r"No gradients provided for any variable: .*theta"):
        opt.apply_gradients([(None, theta)])
    with pytest.raises(ValueError, match="No variables provided."):
        opt.apply_gradients([])
    with pytest.raises(TypeError, match="unsupported type"):
        opt.apply_gradients([(tf.constant([1.0]), tf.constant([1.0]))])


def test_constructor_errors():
    with pytest.raises(ValueError, match="initial_accumulator_value must be positive"):
        tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0)
    with pytest.raises(ValueError, match="Must specify the optimizer name"):
        tf.train.GradientDescentOptimizer(0.1, name="")


def test_shape_mismatch_at_build_time_names_the_variable():
    theta = tf.Variable([[1.0], [2.0]], name="theta")
    opt = tf.train.MomentumOptimizer(0.1, 0.9)
    with pytest.raises(ValueError, match=r"ApplyMomentum: var theta has shape \(2, 1\) but "
                                         r"grad .* has shape \(3,\)"):
        opt.apply_gradients([(tf.constant([1.0, 2.0, 3.0]), theta)])
    with pytest.raises(ValueError, match="rank 0"):
        training_ops.apply_gradient_descent(theta, tf.constant([0.1]), tf.ones([2, 1]))


def test_non_float_variable_rejected():
    v = tf.Variable([1, 2], name="ints")
    with pytest.raises(ValueError, match="float32 or float64"):
        tf.train.GradientDescentOptimizer(0.1).apply_gradients([(tf.constant([1, 1]), v)])


def test_shape_mismatch_at_run_time(sess):
    theta = tf.Variable([[1.0], [2.0]], name="theta")
    g = tf.placeholder(tf.float32, None, name="g")
    train = tf.train.GradientDescentOptimizer(0.1).apply_gradients([(g, theta)])
    sess.run(theta.initializer)
    with pytest.raises(tf.errors.InvalidArgumentError) as e:
        sess.run(train, {g: np.ones(3, np.float32)})
    msg = str(e.value)
    assert "ApplyGradientDescent" in msg and "update_theta" in msg
    assert "[2,1]" in msg and "[3]" in msg
    np.testing.assert_array_equal(sess.run(theta), [[1.0], [2.0]])


def test_uninitialized_slot(sess):
    theta = tf.Variable([1.0], name="theta")
    train = tf.train.MomentumOptimizer(0.1, 0.9).apply_gradients([(tf.constant([1.0]), theta)])
    sess.run(theta.initializer)
    with pytest.raises(tf.errors.FailedPreconditionError,
                       match="Attempting to use uninitialized value theta/Momentum"):
        sess.run(train)
    assert sess.run(theta)[0] == 1.0


def test_failed_step_changes_no_variable(sess):
    a = tf.Variable([1.0, 2.0], name="a")
    b = tf.Variable([3.0, 4.0], name="b")
    gs = tf.train.get_or_create_global_step()
    gb = tf.placeholder(tf.float32, None, name="gb")
    opt = tf.train.AdamOptimizer(0.1)
    train = opt.apply_gradients([(tf.constant([1.0, 1.0]), a), (gb, b)], global_step=gs)
    sess.run(tf.global_variables_initializer())
    watched = [a, b, gs] + opt.variables()
    before = sess.run(watched)
    with pytest.raises(tf.errors.InvalidArgumentError):
        sess.run(train, {gb: np.ones(5, np.float32)})
    for x, y in zip(before, sess.run(watched)):
        np.testing.assert_array_equal(x, y)
    sess.run(train, {gb: np.ones(2, np.float32)})
    assert tf.train.global_step(sess, gs) == 1
    assert not np.array_equal(sess.run(b), before[1])


def test_steps_writing_into_reused_buffers_and_a_failed_step(sess):
    # From the third step on, updates write into the buffers of values they replaced earlier;
    # every fetched value must still be the one of its step, and a failed step commits nothing.
    n = 50_000
    rs = np.random.RandomState(5)
    init = rs.randn(n).astype(np.float32)
    grads = [rs.randn(n).astype(np.float32) for _ in range(6)]
    theta = tf.Variable(init, name="theta")
    g = tf.placeholder(tf.float32, None, name="g")
    opt = tf.train.AdamOptimizer(0.01)
    train = opt.apply_gradients([(g, theta)])
    m = opt.get_slot(theta, "m")
    sess.run(tf.global_variables_initializer())
    st = {"var": init.astype(np.float64), "m": np.zeros(n), "v": np.zeros(n)}
    fetched, want = [], []
    for k, grad in enumerate(grads):
        if k == 3:  # a failed step in the middle commits nothing
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run(train, {g: grad[:-1]})
        out = sess.run([train, theta, m], {g: grad})
        ref_adam(st, grad.astype(np.float64))
        fetched.append(out[1:])
        want.append((st["var"].copy(), st["m"].copy()))
    for (got_var, got_m), (want_var, want_m) in zip(fetched, want):
        np.testing.assert_allclose(got_var, want_var, rtol=2e-5, atol=1e-6)
        np.testing.assert_allclose(got_m, want_m, rtol=2e-5, atol=1e-6)


# ---------------------------------------------------------------------------------------------
# Big variables: parallel updates give the same bits on every thread count


@pytest.mark.parametrize("case", ["gd", "momentum", "adam", "rmsprop_centered", "adagrad"])
def test_large_variable_identical_over_thread_counts(case):
    n = 300_000
    rs = np.random.RandomState(3)
    init = rs.randn(n).astype(np.float32)
    grads = [rs.randn(n).astype(np.float32) for _ in range(3)]
    theta = tf.Variable(init, name="theta")
    g = tf.placeholder(tf.float32, [n], name="g")
    make, ref_step, slot_init = CASES[case]
    train = make().apply_gradients([(g, theta)])
    init_op = tf.global_variables_initializer()
    results = []
    for threads in (1, 2, 4):
        cfg = tf.ConfigProto(intra_op_parallelism_threads=threads,
                             inter_op_parallelism_threads=threads)
        with tf.Session(config=cfg) as s:
            s.run(init_op)
            for grad in grads:
                s.run(train, {g: grad})
            results.append(s.run(theta))
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_array_equal(results[0], results[2])
    st = {"var": init.astype(np.float64)}
    st.update({k: np.full(n, v) for k, v in slot_init.items()})
    for grad in grads:
        ref_step(st, grad.astype(np.float64))
    np.testing.assert_allclose(results[0], st["var"], rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------------------------------------
# Chapter 9: linear regression by gradient descent


def _scaled_housing_like(m=1000, n=8, seed=42):
    """Standardised features with correlations, a bias column and a noisy linear target."""
    rs = np.random.RandomState(seed)
    mix = rs.randn(n, n) * 0.5 + np.eye(n)
    feats = rs.randn(m, n) @ mix
    feats = (feats - feats.mean(axis=0)) / feats.std(axis=0)
    X = np.c_[np.ones((m, 1)), feats]
    y = X @ rs.randn(n + 1, 1) + 0.7 * rs.randn(m, 1)
    return X.astype(np.float32), y.astype(np.float32)


def _best_mse(X, y):
    Xd, yd = X.astype(np.float64), y.astype(np.float64)
    theta = np.linalg.inv(Xd.T @ Xd) @ Xd.T @ yd
    return float(np.mean((Xd @ theta - yd) ** 2))


def _train_linear_regression(make_optimizer, use_minimize):
    X_np, y_np = _scaled_housing_like()
    m, n = X_np.shape
    X = tf.constant(X_np, dtype=tf.float32, name="X")
    y = tf.constant(y_np, dtype=tf.float32, name="y")
    theta = tf.Variable(tf.random_uniform([n, 1], -1.0, 1.0, seed=42), name="theta")
    y_pred = tf.matmul(X, theta, name="predictions")
    error = y_pred - y
    mse = tf.reduce_mean(tf.square(error), name="mse")
    optimizer = make_optimizer()
    if use_minimize:
        training_op = optimizer.minimize(mse)
    else:
        gradients = 2 / m * tf.matmul(tf.transpose(X), error)
        training_op = optimizer.apply_gradients([(gradients, theta)])
    init = tf.global_variables_initializer()
    with tf.Session() as sess:
        sess.run(init)
        for _ in range(1000):
            sess.run(training_op)
        return sess.run(mse), _best_mse(X_np, y_np)


OPTIMIZERS_CH9 = {
    "gradient_descent": lambda: tf.train.GradientDescentOptimizer(learning_rate=0.01),
    "momentum": lambda: tf.train.MomentumOptimizer(learning_rate=0.01, momentum=0.9),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS_CH9))
def test_chapter9_linear_regression_manual_gradients(name):
    mse, best = _train_linear_regression(OPTIMIZERS_CH9[name], use_minimize=False)
    assert best <= mse < best * 1.01


@needs_gradients
@pytest.mark.parametrize("name", list(OPTIMIZERS_CH9))
def test_chapter9_linear_regression_minimize(name):
    mse, best = _train_linear_regression(OPTIMIZERS_CH9[name], use_minimize=True)
    assert best <= mse < best * 1.01


# ---------------------------------------------------------------------------------------------
# minimize and compute_gradients (symbolic gradients)


def _quadratic():
    """loss = sum((a * x - t)^2) + 3 * b with a known gradient."""
    x = tf.Variable([1.0, -2.0, 0.5], name="x")
    b = tf.Variable(2.0, name="b")
    frozen = tf.Variable(4.0, name="frozen", trainable=False)
    a = np.array([2.0, 1.0, -1.0], np.float32)
    t = np.array([1.0, 1.0, 1.0], np.float32)
    loss = tf.reduce_sum(tf.square(a * x - t)) + 3.0 * b + frozen
    return x, b, frozen, a, t, loss


@needs_gradients
def test_compute_gradients_pairs_and_values(sess):
    x, b, frozen, a, t, loss = _quadratic()
    unused = tf.Variable(1.0, name="unused")
    opt = tf.train.GradientDescentOptimizer(0.1)
    gv = opt.compute_gradients(loss)
    assert [v for _, v in gv] == [x, b, unused]  # the trainable variables, in order
    assert gv[2][0] is None
    sess.run(tf.global_variables_initializer())
    gx, gb = sess.run([gv[0][0], gv[1][0]])
    x0 = np.array([1.0, -2.0, 0.5], np.float32)
    np.testing.assert_allclose(gx, 2 * a * (a * x0 - t), rtol=1e-6)
    assert gb == pytest.approx(3.0)
    gv_list = opt.compute_gradients(loss, var_list=[frozen])
    assert gv_list[0][1] is frozen and sess.run(gv_list[0][0]) == pytest.approx(1.0)


@needs_gradients
def test_minimize_var_list_and_global_step(sess):
    x, b, frozen, a, t, loss = _quadratic()
    gs = tf.train.get_or_create_global_step()
    train = tf.train.MomentumOptimizer(0.05, 0.9).minimize(loss, global_step=gs, var_list=[b])
    assert train.name == "Momentum" and train.type == "AssignAdd"
    sess.run(tf.global_variables_initializer())
    x0 = sess.run(x)
    for _ in range(3):
        sess.run(train)
    np.testing.assert_array_equal(sess.run(x), x0)  # not in var_list
    # b's gradient is always 3: accum = 3, 5.7, 8.13; b = 2 - 0.05 * (3 + 5.7 + 8.13)
    assert sess.run(b) == pytest.approx(2 - 0.05 * (3 + 5.7 + 8.13), rel=1e-6)
    assert tf.train.global_step(sess, gs) == 3


@needs_gradients
def test_processed_gradients_from_compute_gradients(sess):
    x, b, frozen, a, t, loss = _quadratic()
    opt = tf.train.GradientDescentOptimizer(0.1)
    gv = opt.compute_gradients(loss, var_list=[x, b])
    capped = [(tf.minimum(tf.maximum(g, -1.0), 1.0), v) for g, v in gv]
    train = opt.apply_gradients(capped)
    sess.run(tf.global_variables_initializer())
    x0 = np.array([1.0, -2.0, 0.5], np.float32)
    sess.run(train)
    want = x0 - 0.1 * np.clip(2 * a * (a * x0 - t), -1, 1)
    np.testing.assert_allclose(sess.run(x), want, rtol=1e-6)
    assert sess.run(b) == pytest.approx(2.0 - 0.1)


@needs_gradients
@pytest.mark.parametrize("gate", [tf.train.Optimizer.GATE_NONE, tf.train.Optimizer.GATE_OP,
                                  tf.train.Optimizer.GATE_GRAPH])
def test_gate_gradients_and_grad_loss(sess, gate):
    x, b, frozen, a, t, loss = _quadratic()
    opt = tf.train.GradientDescentOptimizer(0.1)
    gv = opt.compute_gradients(loss, gate_gradients=gate, grad_loss=tf.constant(2.0))
    sess.run(tf.global_variables_initializer())
    assert sess.run(gv[1][0]) == pytest.approx(6.0)
    with pytest.raises(ValueError, match="gate_gradients must be one of"):
        opt.compute_gradients(loss, gate_gradients=7)


@needs_gradients
def test_minimize_errors():
    x = tf.Variable([1.0], name="x")
    c = tf.constant([2.0])
    opt = tf.train.GradientDescentOptimizer(0.1)
    with pytest.raises(ValueError, match="No gradients provided for any variable, check your "
                                         "graph for ops that do not support gradients"):
        opt.minimize(tf.reduce_sum(c * c), var_list=[x])
    with tf.Graph().as_default(), pytest.raises(ValueError, match="No variables to optimize."):
        opt.minimize(tf.constant(1.0))


@needs_gradients
def test_minimize_integer_loss_rejected():
    tf.Variable([1.0], name="x")
    with pytest.raises(ValueError, match="Invalid type"):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.constant(3))


@needs_gradients
def test_minimize_callable_loss_and_names(sess):
    x, b, frozen, a, t, loss = _quadratic()
    train = tf.train.AdamOptimizer(0.1).minimize(lambda: loss)
    g = tf.get_default_graph()
    assert train.name == "Adam"
    for n in ("Adam/update_x/ApplyAdam", "Adam/update_b/ApplyAdam", "x/Adam", "x/Adam_1",
              "b/Adam", "b/Adam_1"):
        assert g.get_operation_by_name(n)
    sess.run(tf.global_variables_initializer())
    sess.run(train)
    # Adam's first step moves every coordinate by the learning rate, against the gradient
    np.testing.assert_allclose(sess.run(x), np.array([1.0, -2.0, 0.5]) - 0.1 * np.sign(
        2 * a * (a * np.array([1.0, -2.0, 0.5]) - t)), rtol=1e-5)
