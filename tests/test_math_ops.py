"""The elementwise math family against NumPy: values per dtype, broadcasting, shape inference,
TF1 node names of the operator overloads, error classes, threading and input forwarding."""

from __future__ import annotations

import numpy as np
import pytest

import pygraphx as tf
from pygraphx import errors

FLOATS = [np.float32, np.float64]
INTS = [np.int32, np.int64]
NUMERIC = FLOATS + INTS

RNG = np.random.default_rng(1234)


def _data(dtype, shape, low=-10, high=10, nonzero=False):
    if np.issubdtype(dtype, np.integer):
        a = RNG.integers(low, high, size=shape).astype(dtype)
        if nonzero:
            a[a == 0] = 3
        return a
    a = RNG.uniform(low, high, size=shape).astype(dtype)
    if nonzero:
        a[np.abs(a) < 0.1] = 0.5
    return a


def _check(got, want, dtype):
    assert got.dtype == np.dtype(want.dtype), (got.dtype, want.dtype)
    assert got.shape == want.shape
    if np.issubdtype(dtype, np.floating):
        rtol = 2e-6 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-30)
    else:
        np.testing.assert_array_equal(got, want)


def _np_floordiv(a, b):
    return np.floor_divide(a, b)


BINARY = [
    # (tf function, numpy function, dtypes, divisor must be nonzero)
    (tf.add, np.add, NUMERIC, False),
    (tf.subtract, np.subtract, NUMERIC, False),
    (tf.multiply, np.multiply, NUMERIC, False),
    (tf.maximum, np.maximum, NUMERIC, False),
    (tf.minimum, np.minimum, NUMERIC, False),
    (tf.floordiv, _np_floordiv, NUMERIC, True),
    (tf.floormod, np.mod, NUMERIC, True),
    (tf.realdiv, np.true_divide, FLOATS, True),
]


def _fn_id(v):
    return getattr(v, "__name__", "")


@pytest.mark.parametrize("fn,np_fn,dtypes,nonzero", BINARY, ids=_fn_id)
def test_binary_ops_match_numpy_for_every_dtype(sess, fn, np_fn, dtypes, nonzero):
    for dtype in dtypes:
        a = _data(dtype, (4, 5))
        b = _data(dtype, (4, 5), nonzero=nonzero)
        pa = tf.placeholder(tf.as_dtype(dtype), (None, 5))
        pb = tf.placeholder(tf.as_dtype(dtype), (None, 5))
        out = fn(pa, pb)
        assert out.dtype == tf.as_dtype(dtype)
        _check(sess.run(out, {pa: a, pb: b}), np_fn(a, b).astype(dtype), dtype)


@pytest.mark.parametrize("dtype", NUMERIC)
def test_pow_matches_numpy(sess, dtype):
    a = _data(dtype, (3, 4), -5, 6)
    b = _data(dtype, (3, 4), 0, 6)
    if np.issubdtype(dtype, np.floating):
        a = np.abs(a) + np.asarray(0.5, dtype)
    out = tf.pow(tf.constant(a), tf.constant(b))
    _check(sess.run(out), np.power(a, b), dtype)


@pytest.mark.parametrize("dtype", INTS)
def test_floor_division_and_modulo_follow_python_signs(sess, dtype):
    a = np.array([-7, 7, -7, 7, 0, -1, 6], dtype)
    b = np.array([2, -2, -2, 2, 5, 3, -3], dtype)
    q, r = sess.run([tf.constant(a) // tf.constant(b), tf.constant(a) % tf.constant(b)])
    np.testing.assert_array_equal(q, [x // y for x, y in zip(a.tolist(), b.tolist())])
    np.testing.assert_array_equal(r, [x % y for x, y in zip(a.tolist(), b.tolist())])


def test_integer_min_divided_by_minus_one_wraps_like_tf(sess):
    lo = np.iinfo(np.int32).min
    q, r = sess.run([tf.constant([lo], tf.int32) // -1, tf.constant([lo], tf.int32) % -1])
    assert q.tolist() == [lo] and r.tolist() == [0]


@pytest.mark.parametrize("dtype", FLOATS)
def test_float_floor_division_and_modulo(sess, dtype):
    a = np.array([-7.5, 7.5, -7.5, 7.5, 1.0], dtype)
    b = np.array([2.0, -2.0, -2.0, 2.0, 0.0], dtype)
    q, r = sess.run([tf.constant(a) // tf.constant(b), tf.constant(a) % tf.constant(b)])
    np.testing.assert_array_equal(q[:4], [-4.0, -4.0, 3.0, 3.0])
    np.testing.assert_array_equal(r[:4], [0.5, -0.5, -1.5, 1.5])
    assert np.isinf(q[4]) and np.isnan(r[4])


@pytest.mark.parametrize("op", ["floordiv", "floormod"])
@pytest.mark.parametrize("dtype", [tf.int32, tf.int64])
def test_integer_division_by_zero_raises_invalid_argument(sess, op, dtype):
    a = tf.placeholder(dtype)
    b = tf.placeholder(dtype)
    out = getattr(tf, op)(a, b)
    with pytest.raises(errors.InvalidArgumentError, match="Integer division by zero"):
        sess.run(out, {a: [4, 5, 6], b: [1, 0, 2]})
    # The same graph still runs with valid divisors.
    assert sess.run(out, {a: [4, 5, 6], b: [1, 2, 4]}).tolist() == (
        [4, 2, 1] if op == "floordiv" else [0, 1, 2])


def test_integer_pow_to_negative_power_raises(sess):
    out = tf.pow(tf.constant([2, 3]), tf.constant([1, -1]))
    with pytest.raises(errors.InvalidArgumentError, match="negative integer powers"):
        sess.run(out)


@pytest.mark.parametrize("dtype", INTS)
def test_integer_arithmetic_wraps_like_numpy(sess, dtype):
    info = np.iinfo(dtype)
    a = np.array([info.max, info.min, info.max], dtype)
    b = np.array([1, -1, 2], dtype)
    s, d, m = sess.run([tf.constant(a) + b, tf.constant(a) - b, tf.constant(a) * b])
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(s, a + b)
        np.testing.assert_array_equal(d, a - b)
        np.testing.assert_array_equal(m, a * b)


COMPARISONS = [
    (tf.less, np.less), (tf.less_equal, np.less_equal), (tf.greater, np.greater),
    (tf.greater_equal, np.greater_equal), (tf.equal, np.equal), (tf.not_equal, np.not_equal),
]


@pytest.mark.parametrize("fn,np_fn", COMPARISONS, ids=_fn_id)
def test_comparisons_output_bool(sess, fn, np_fn):
    for dtype in NUMERIC:
        a = _data(dtype, (6, 7), -3, 3)
        b = _data(dtype, (7,), -3, 3)
        b[:3] = a[0, :3]  # some exact ties
        out = fn(tf.constant(a), tf.constant(b))
        assert out.dtype == tf.bool
        np.testing.assert_array_equal(sess.run(out), np_fn(a, b))


def test_equality_and_logic_on_bool(sess):
    a = np.array([True, True, False, False])
    b = np.array([True, False, True, False])
    ta, tb = tf.constant(a), tf.constant(b)
    got = sess.run([tf.equal(ta, tb), tf.not_equal(ta, tb), tf.logical_and(ta, tb),
                    tf.logical_or(ta, tb), tf.logical_not(ta), tf.logical_xor(ta, tb),
                    ta & tb, ta | tb, ~ta, ta ^ tb])
    want = [a == b, a != b, a & b, a | b, ~a, a ^ b, a & b, a | b, ~a, a ^ b]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("fn", [tf.add, tf.less, tf.maximum, tf.floordiv])
def test_bool_inputs_to_arithmetic_raise_type_error(fn):
    with pytest.raises(TypeError, match="bool"):
        fn(tf.constant([True]), tf.constant([False]))


def test_logical_ops_reject_non_bool():
    with pytest.raises(TypeError):
        tf.logical_and(tf.constant([1.0]), tf.constant([2.0]))
    with pytest.raises(TypeError):
        tf.logical_not(tf.constant([1]))


UNARY = [
    # (tf function, numpy reference, dtypes, input range)
    (tf.negative, np.negative, NUMERIC, (-10, 10)),
    (tf.abs, np.abs, NUMERIC, (-10, 10)),
    (tf.square, np.square, NUMERIC, (-10, 10)),
    (tf.sign, np.sign, NUMERIC, (-3, 3)),
    (tf.nn.relu, lambda a: np.maximum(a, 0).astype(a.dtype), NUMERIC, (-10, 10)),
    (tf.sqrt, np.sqrt, FLOATS, (0, 100)),
    (tf.exp, np.exp, FLOATS, (-80, 80)),
    (tf.log, np.log, FLOATS, (1e-3, 1e3)),
    (tf.sigmoid, lambda a: (1 / (1 + np.exp(-a.astype(np.float64)))).astype(a.dtype), FLOATS,
     (-30, 30)),
    (tf.tanh, np.tanh, FLOATS, (-12, 12)),
    (tf.reciprocal, np.reciprocal, FLOATS, (0.5, 10)),
]


@pytest.mark.parametrize("fn,np_fn,dtypes,rng", UNARY, ids=_fn_id)
def test_unary_ops_match_numpy(sess, fn, np_fn, dtypes, rng):
    for dtype in dtypes:
        a = _data(dtype, (1000,), *rng)
        if np.issubdtype(dtype, np.floating) and rng[0] < 0:
            # Dense near zero too, where tanh/sigmoid switch formulas.
            a[:200] = np.linspace(-1, 1, 200).astype(dtype)
        p = tf.placeholder(tf.as_dtype(dtype), (None,))
        out = fn(p)
        assert out.dtype == tf.as_dtype(dtype)
        want = np_fn(a.astype(np.float64) if dtype == np.float32 else a).astype(dtype)
        _check(sess.run(out, {p: a}), want, dtype)


@pytest.mark.parametrize("fn", [tf.sqrt, tf.exp, tf.log, tf.sigmoid, tf.tanh, tf.reciprocal])
def test_float_only_unary_ops_reject_integers(fn):
    with pytest.raises(TypeError, match="int32"):
        fn(tf.constant([1, 2]))


def test_transcendentals_at_extremes(sess):
    for dtype in FLOATS:
        a = np.array([-np.inf, -1000, -104, -88, -20, -1e-8, 0, 1e-8, 20, 88, 88.7, 89, 1000,
                      np.inf, np.nan], dtype)
        e, t, s = sess.run([tf.exp(tf.constant(a)), tf.tanh(tf.constant(a)),
                            tf.sigmoid(tf.constant(a))])
        with np.errstate(over="ignore"):
            np.testing.assert_allclose(e, np.exp(a.astype(np.float64)).astype(dtype),
                                       rtol=2e-6, atol=1e-44)
            np.testing.assert_allclose(t, np.tanh(a), rtol=2e-6, atol=1e-30)
            want_s = (1 / (1 + np.exp(-a.astype(np.float64)))).astype(dtype)
            np.testing.assert_allclose(s, want_s, rtol=2e-6, atol=1e-38)


def test_maximum_minimum_and_sign_propagate_nan(sess):
    a = tf.constant([1.0, np.nan, np.nan])
    b = tf.constant([np.nan, 1.0, np.nan])
    mx, mn, sg = sess.run([tf.maximum(a, b), tf.minimum(a, b), tf.sign(a)])
    assert np.isnan(mx).all() and np.isnan(mn).all()
    assert sg[0] == 1.0 and np.isnan(sg[1])


# ---------------------------------------------------------------------------------------------
# Broadcasting and shape inference

BROADCAST_SHAPES = [
    ((), (4, 5)),            # scalar on the left
    ((4, 5), ()),            # scalar on the right
    ((4, 5), (5,)),          # row
    ((4, 5), (4, 1)),        # column
    ((4, 1), (1, 5)),        # outer product
    ((2, 3, 4), (4,)),       # rank extension
    ((2, 1, 4), (3, 1)),     # both sides broadcast, mixed
    ((2, 3, 1, 5), (3, 4, 1)),
    ((1, 1), (3,)),          # size-1 tensor that is not a scalar
    ((0, 3), (3,)),          # empty
    ((2, 3, 4, 5, 6), (1, 3, 1, 5, 1)),
]


@pytest.mark.parametrize("sa,sb", BROADCAST_SHAPES, ids=str)
def test_broadcasting_matches_numpy(sess, sa, sb):
    a = _data(np.float32, sa)
    b = _data(np.float32, sb, nonzero=True)
    pa = tf.placeholder(tf.float32, [None] * len(sa))
    pb = tf.placeholder(tf.float32, [None] * len(sb))
    outs = [pa + pb, pa - pb, pa * pb, pa / pb, tf.maximum(pa, pb), pa < pb]
    got = sess.run(outs, {pa: a, pb: b})
    want = [a + b, a - b, a * b, a / b, np.maximum(a, b), a < b]
    for g, w in zip(got, want):
        _check(g, w, np.float32)
    static = (tf.constant(a) + tf.constant(b)).shape.as_list()
    assert static == list(np.broadcast_shapes(sa, sb))


def test_incompatible_static_shapes_raise_value_error():
    with pytest.raises(ValueError, match="3 and 4"):
        tf.constant(np.zeros((2, 3), np.float32)) + tf.constant(np.zeros(4, np.float32))
    with pytest.raises(ValueError):
        tf.multiply(tf.placeholder(tf.float32, (None, 3)), tf.placeholder(tf.float32, (2,)))


def test_incompatible_fed_shapes_raise_invalid_argument(sess):
    a = tf.placeholder(tf.float32, (None, 3))
    b = tf.placeholder(tf.float32, (None, 3))
    out = a + b
    msg = r"Incompatible shapes: \[2,3\] vs. \[4,3\]"
    with pytest.raises(errors.InvalidArgumentError, match=msg):
        sess.run(out, {a: np.ones((2, 3)), b: np.ones((4, 3))})


def test_shape_inference_with_unknown_dims():
    x = tf.placeholder(tf.float32, (None, 3))
    assert (x + tf.constant([1.0, 2.0, 3.0])).shape.as_list() == [None, 3]
    assert (x * 2).shape.as_list() == [None, 3]
    col = tf.placeholder(tf.float32, (None, 1))
    assert (col + tf.placeholder(tf.float32, (None,))).shape.as_list() == [None, None]
    assert (col + tf.placeholder(tf.float32, (5,))).shape.as_list() == [None, 5]
    assert (x + tf.placeholder(tf.float32)).shape.ndims is None
    assert (x < 1).shape.as_list() == [None, 3]
    assert tf.exp(x).shape.as_list() == [None, 3]
    assert tf.add_n([x, tf.placeholder(tf.float32, (2, None))]).shape.as_list() == [2, 3]


# ---------------------------------------------------------------------------------------------
# Names of nodes built by the operator overloads and the functions


def _op_names(graph):
    return [op.name for op in graph.get_operations()]


def test_operator_overload_names_match_tf1(fresh_graph):
    x = tf.placeholder(tf.float32, (None, 3), name="x")
    a = x + 1
    b = x + 1
    c = 1 + x
    assert (a.op.name, b.op.name, c.op.name) == ("add", "add_1", "add_2")
    assert a.op.type == "Add"
    assert _op_names(fresh_graph)[1:] == ["add/y", "add", "add_1/y", "add_1", "add_2/x", "add_2"]
    assert fresh_graph.get_operation_by_name("add/y").type == "Const"
    assert a.op.inputs[0] is x and a.op.inputs[1].op.name == "add/y"
    assert c.op.inputs[1] is x and c.op.inputs[0].op.name == "add_2/x"
    y = tf.placeholder(tf.float32, (None, 3), name="y")
    b_ = tf.placeholder(tf.bool, name="b")
    cases = [
        (x * y, "mul", "Mul"), (x - y, "sub", "Sub"), (x / y, "truediv", "RealDiv"),
        (x // y, "floordiv", "FloorDiv"), (x % y, "mod", "FloorMod"), (x ** y, "pow", "Pow"),
        (-x, "Neg", "Neg"), (abs(x), "Abs", "Abs"), (x < y, "Less", "Less"),
        (x <= y, "LessEqual", "LessEqual"), (x > y, "Greater", "Greater"),
        (x >= y, "GreaterEqual", "GreaterEqual"), (b_ & b_, "and", "LogicalAnd"),
        (b_ | b_, "or", "LogicalOr"), (~b_, "LogicalNot", "LogicalNot"),
        (2 - x, "sub_1", "Sub"), (2 / x, "truediv_1", "RealDiv"),
    ]
    for t, name, typ in cases:
        assert (t.op.name, t.op.type) == (name, typ)
    assert fresh_graph.get_operation_by_name("sub_1/x").type == "Const"
    assert (x == x) is True and (x == y) is False  # identity comparison, as in TF1


def test_function_names_match_tf1(fresh_graph):
    x = tf.placeholder(tf.float32, (None, 3), name="x")
    assert tf.add(x, x).op.name == "Add"
    t = tf.add(x, 1)
    assert t.op.name == "Add_1" and t.op.inputs[1].op.name == "Add_1/y"
    assert tf.maximum(x, 0.0, name="relu").op.name == "relu"
    assert fresh_graph.get_operation_by_name("relu/y").type == "Const"
    assert tf.nn.relu(x).op.name == "Relu_1"  # names are unique case-insensitively
    assert tf.add_n([x, x]).op.name == "AddN"
    assert tf.cast(x, tf.int32).op.name == "Cast"
    assert tf.square(x).op.name == "Square"
    assert tf.subtract(x, x).op.name == "Sub"
    assert tf.multiply(x, x).op.name == "Mul"
    assert tf.divide(x, x).op.name == "truediv"
    assert tf.truediv(x, 2.0).op.name == "truediv_1"
    assert tf.floordiv(x, 2.0).op.name == "floordiv"
    assert tf.mod(x, 2.0).op.name == "FloorMod"
    assert tf.pow(x, 2.0).op.name == "Pow"
    assert tf.to_int32(x).op.name == "ToInt32"
    assert tf.to_float(x) is x
    assert tf.sigmoid(x).op.name == "Sigmoid" and tf.tanh(x).op.name == "Tanh"


def test_integer_true_division_casts_to_float64(sess, fresh_graph):
    i = tf.placeholder(tf.int32, name="i")
    q = i / 2
    assert q.dtype == tf.float64 and q.op.type == "RealDiv"
    assert _op_names(fresh_graph)[1:] == ["truediv/y", "truediv/Cast", "truediv/Cast_1",
                                          "truediv"]
    np.testing.assert_allclose(sess.run(q, {i: [-3, 3, 7]}), [-1.5, 1.5, 3.5])
    d = tf.div(i, 2)
    assert d.op.type == "FloorDiv" and d.op.name == "div"
    assert sess.run(d, {i: [-3, 3]}).tolist() == [-2, 1]


def test_numpy_arrays_and_lists_as_operands(sess, fresh_graph):
    x = tf.placeholder(tf.float32, (None, 3), name="x")
    a = x + np.array([1.0, 2.0, 3.0])  # float64 array takes x's dtype
    b = np.array([1.0, 2.0, 3.0]) * x
    c = [1.0, 2.0, 3.0] - x
    assert a.dtype == tf.float32 and a.op.inputs[1].op.name == "add/y"
    assert b.op.name == "mul" and b.op.inputs[0].op.name == "mul/x"
    assert c.op.name == "sub"
    v = np.arange(6, dtype=np.float32).reshape(2, 3)
    ga, gb, gc = sess.run([a, b, c], {x: v})
    np.testing.assert_allclose(ga, v + [1, 2, 3])
    np.testing.assert_allclose(gb, v * [1, 2, 3])
    np.testing.assert_allclose(gc, [1, 2, 3] - v)


def test_python_scalars_take_the_tensor_dtype(sess):
    i = tf.constant([1, 2], tf.int64)
    assert (i + 1).dtype == tf.int64 and (2 * i).dtype == tf.int64
    d = tf.constant([1.0], tf.float64)
    assert (d * 2).dtype == tf.float64
    assert sess.run(i * 3).tolist() == [3, 6]
    with pytest.raises(TypeError):
        tf.constant([1, 2]) + 1.5


def test_mismatched_dtypes_raise_type_error_and_value_error():
    f = tf.placeholder(tf.float32)
    i = tf.placeholder(tf.int32)
    for build in (lambda: tf.add(f, i), lambda: f + i, lambda: tf.maximum(i, f),
                  lambda: f * i, lambda: tf.add_n([f, i]), lambda: tf.truediv(f, i)):
        with pytest.raises(TypeError, match="float32"):
            build()
        with pytest.raises(ValueError):
            build()


def test_none_operand_raises_value_error():
    with pytest.raises(ValueError, match="None"):
        tf.placeholder(tf.float32) + None


def test_tensors_of_two_graphs_cannot_be_combined():
    a = tf.constant(1.0)
    with tf.Graph().as_default():
        b = tf.constant(2.0)
    with pytest.raises(ValueError):
        tf.add(a, b)


# ---------------------------------------------------------------------------------------------
# Cast and add_n


def test_cast_semantics(sess):
    f = tf.constant([-1.7, -0.5, 0.0, 0.5, 1.7, 2.5])
    got = sess.run([tf.cast(f, tf.int32), tf.to_int64(f), tf.cast(f, tf.bool),
                    tf.to_double(f), tf.cast(tf.constant([True, False]), tf.float32),
                    tf.to_float(tf.constant([3, -4])), tf.cast(tf.constant([2**40], tf.int64),
                                                               tf.float64)])
    assert got[0].tolist() == [-1, 0, 0, 0, 1, 2] and got[0].dtype == np.int32
    assert got[1].tolist() == [-1, 0, 0, 0, 1, 2] and got[1].dtype == np.int64
    assert got[2].tolist() == [True, True, False, True, True, True]
    assert got[3].dtype == np.float64
    np.testing.assert_allclose(got[3], np.float32([-1.7, -0.5, 0.0, 0.5, 1.7, 2.5]))
    assert got[4].tolist() == [1.0, 0.0] and got[5].tolist() == [3.0, -4.0]
    assert got[6].tolist() == [2.0 ** 40]
    c = tf.cast(f, tf.int32, name="c")
    assert c.op.get_attr("DstT") == tf.int32 and c.op.get_attr("SrcT") == tf.float32
    assert tf.cast(f, tf.float32) is f


@pytest.mark.parametrize("dtype", NUMERIC)
def test_add_n_sums_inputs(sess, dtype):
    xs = [_data(dtype, (3, 4)) for _ in range(5)]
    ps = [tf.placeholder(tf.as_dtype(dtype), (None, 4)) for _ in xs]
    for k in (2, 3, 5):
        out = tf.add_n(ps[:k])
        assert out.op.type == "AddN"
        _check(sess.run(out, dict(zip(ps, xs))), np.sum(xs[:k], axis=0).astype(dtype), dtype)


def test_add_n_edge_cases(sess):
    x = tf.placeholder(tf.float32, (None, 3))
    assert tf.add_n([x]) is x
    assert tf.add_n([x], name="one").op.type == "Identity"
    assert sess.run(tf.add_n([1.0, 2.0, 3.5])) == 6.5
    with pytest.raises(ValueError):
        tf.add_n([])
    with pytest.raises(ValueError):
        tf.add_n(x)
    with pytest.raises(ValueError):
        tf.add_n([tf.constant(np.zeros((2, 3), np.float32)), tf.constant(np.zeros(3, np.float32))])
    a, b = tf.placeholder(tf.float32), tf.placeholder(tf.float32)
    with pytest.raises(errors.InvalidArgumentError):
        sess.run(tf.add_n([a, b]), {a: np.ones(3), b: np.ones(4)})


# ---------------------------------------------------------------------------------------------
# Large arrays (parallel_for), thread counts, input forwarding

BIG = 1 << 20


def test_large_arrays_match_numpy(sess):
    a = _data(np.float32, (BIG,), -5, 5)
    b = _data(np.float32, (BIG,), 0.5, 5)
    pa = tf.placeholder(tf.float32, (None,))
    pb = tf.placeholder(tf.float32, (None,))
    outs = [pa + pb, pa * pb, pa / pb, tf.exp(pa), tf.tanh(pa), tf.sigmoid(pa), pa < pb,
            tf.nn.relu(pa), tf.cast(pa, tf.int32), tf.add_n([pa, pb, pa]), pa // pb]
    got = sess.run(outs, {pa: a, pb: b})
    a64 = a.astype(np.float64)
    np.testing.assert_array_equal(got[0], a + b)
    np.testing.assert_array_equal(got[1], a * b)
    np.testing.assert_array_equal(got[2], a / b)
    np.testing.assert_allclose(got[3], np.exp(a64), rtol=2e-6)
    np.testing.assert_allclose(got[4], np.tanh(a64), rtol=2e-6, atol=1e-30)
    np.testing.assert_allclose(got[5], 1 / (1 + np.exp(-a64)), rtol=2e-6)
    np.testing.assert_array_equal(got[6], a < b)
    np.testing.assert_array_equal(got[7], np.maximum(a, 0))
    np.testing.assert_array_equal(got[8], a.astype(np.int32))
    np.testing.assert_array_equal(got[9], (a + b) + a)
    np.testing.assert_array_equal(got[10], np.floor_divide(a, b))


@pytest.mark.parametrize("sa,sb", [((1024, 1024), (1024,)), ((1024, 1024), (1024, 1)),
                                   ((64, 128, 128), (128, 1)), ((BIG,), ()),
                                   # rows that parallel chunks split in the middle
                                   ((1001, 1047), (1047,)), ((1047, 1001), (1047, 1)),
                                   ((3, 1001, 347), (1001, 1))], ids=str)
def test_large_broadcasts_match_numpy(sess, sa, sb):
    a = _data(np.float64, sa)
    b = _data(np.float64, sb)
    pa = tf.placeholder(tf.float64)
    pb = tf.placeholder(tf.float64)
    got = sess.run([pa - pb, pb - pa, tf.maximum(pa, pb)], {pa: a, pb: b})
    np.testing.assert_array_equal(got[0], a - b)
    np.testing.assert_array_equal(got[1], b - a)
    np.testing.assert_array_equal(got[2], np.maximum(a, b))


def test_results_are_identical_for_1_2_and_4_threads():
    a = _data(np.float32, (BIG + 13,), -20, 20)
    p = tf.placeholder(tf.float32, (None,))
    outs = [tf.exp(p), tf.tanh(p), tf.sigmoid(p) * p + 1, tf.add_n([p, p, p]), p * 3 - 1,
            p // 3.0, p % 3.0]
    results = []
    for n in (1, 2, 4):
        cfg = tf.ConfigProto(intra_op_parallelism_threads=n, inter_op_parallelism_threads=n)
        with tf.Session(config=cfg) as s:
            results.append(s.run(outs, {p: a}))
    for other in results[1:]:
        for x, y in zip(results[0], other):
            np.testing.assert_array_equal(x, y)


def test_fed_arrays_are_never_modified(sess):
    a = _data(np.float32, (BIG,))
    b = _data(np.float32, (BIG,))
    a0, b0 = a.copy(), b.copy()
    pa = tf.placeholder(tf.float32, (None,))
    pb = tf.placeholder(tf.float32, (None,))
    out = tf.exp(-(pa * 2.0 + pb)) + tf.nn.relu(pa) + tf.square(pb)
    got = sess.run(out, {pa: a, pb: b})
    np.testing.assert_array_equal(a, a0)
    np.testing.assert_array_equal(b, b0)
    want = np.exp(-(a0.astype(np.float64) * 2 + b0)) + np.maximum(a0, 0) + np.square(b0)
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_fetched_intermediates_are_not_clobbered(sess):
    a = _data(np.float32, (BIG,))
    p = tf.placeholder(tf.float32, (None,))
    y = p * 2.0          # fetched and consumed downstream: must keep its value
    z = tf.exp(y + 1.0)  # y + 1 would overwrite y if forwarding ignored the fetch
    w = -z
    gy, gz, gw = sess.run([y, z, w], {p: a})
    np.testing.assert_array_equal(gy, a * 2)
    np.testing.assert_allclose(gz, np.exp(a.astype(np.float64) * 2 + 1), rtol=2e-6)
    np.testing.assert_array_equal(gw, -gz)


def test_shared_intermediates_and_constants_are_not_clobbered(sess):
    base = _data(np.float32, (1000,))
    c = tf.constant(base)
    y = c * 2.0                       # one buffer, three consumers
    z1, z2, z3 = y + 1.0, y * 3.0, y + y
    first = sess.run([z1, z2, z3])
    second = sess.run([z1, z2, z3, c])
    for got in (first, second):
        np.testing.assert_array_equal(got[0], base * 2 + 1)
        np.testing.assert_array_equal(got[1], base * 2 * 3)
        np.testing.assert_array_equal(got[2], base * 2 + base * 2)
    np.testing.assert_array_equal(second[3], base)
    # A long chain that may forward each step still computes the right thing.
    t = c
    for _ in range(5):
        t = tf.nn.relu(t * 1.5 - 0.5)
    want = base.copy()
    for _ in range(5):
        want = np.maximum(want * np.float32(1.5) - np.float32(0.5), 0)
    np.testing.assert_allclose(sess.run(t), want, rtol=1e-6)
    np.testing.assert_array_equal(sess.run(c), base)
