"""The fused elementwise kernel (``_FusedElementwise``) against the same expression built from
the ordinary ops: results must be bitwise identical, for float32 and float64, every operand
layout (full, single element, row, column and general broadcasts), sizes around the kernel's
block boundaries and 1, 2 and 4 threads.

The reference runs every op of the expression on its own: each of its intermediates is fetched,
so no plan-time rewrite can merge them.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
import pytest

import pygraphx as tf
from pygraphx.ops.fused_ops import _fused_elementwise

BLOCK = 2048  # FusedElementwiseKernel::kBlock

BINARY = {
    "Add": tf.add, "Sub": tf.subtract, "Mul": tf.multiply, "RealDiv": tf.realdiv,
    "FloorDiv": tf.floordiv, "FloorMod": tf.floormod, "Maximum": tf.maximum,
    "Minimum": tf.minimum, "Pow": tf.pow,
}
UNARY = {
    "Neg": tf.negative, "Abs": tf.abs, "Square": tf.square, "Sign": tf.sign,
    "Relu": tf.nn.relu, "Sqrt": tf.sqrt, "Exp": tf.exp, "Log": tf.log, "Sigmoid": tf.sigmoid,
    "Tanh": tf.tanh, "Reciprocal": tf.reciprocal,
}
DTYPES = [np.float32, np.float64]


def ordinary(op_type: str, args: List[tf.Tensor], instr: Sequence[Any]) -> tf.Tensor:
    """The instruction as the ordinary op (checked to be that op type)."""
    if op_type in BINARY:
        out = BINARY[op_type](*args)
    elif op_type == "AddV2":
        out = tf.get_default_graph().create_op(
            "AddV2", args, {"T": ("dtype", args[0].dtype.as_datatype_enum)}).outputs[0]
    elif op_type in UNARY:
        out = UNARY[op_type](*args)
    elif op_type == "AddN":
        out = tf.add_n(args)
    elif op_type == "Cast":
        out = tf.cast(args[0], instr[2])
    else:
        raise AssertionError(op_type)
    passes_through = (op_type == "AddN" and len(args) == 1) or (
        op_type == "Cast" and out is args[0])
    assert passes_through or out.op.type == op_type
    return out


def build(inputs: Sequence[np.ndarray], program: Sequence[Any]
          ) -> Tuple[tf.Tensor, List[tf.Tensor], Dict[Any, np.ndarray]]:
    """Placeholders for the inputs, the fused node and the unfused values (output last)."""
    phs = [tf.placeholder(x.dtype, x.shape, name="in%d" % i) for i, x in enumerate(inputs)]
    values: List[tf.Tensor] = list(phs)
    for instr in program:
        values.append(ordinary(instr[0], [values[a] for a in instr[1]], instr))
    fused = _fused_elementwise(phs, program)
    return fused, values[len(phs):], dict(zip(phs, inputs))


def bits(a: np.ndarray) -> np.ndarray:
    return a.view(np.uint32 if a.dtype == np.float32 else np.uint64)


def check(sess: tf.Session, inputs: Sequence[np.ndarray], program: Sequence[Any]) -> np.ndarray:
    fused, unfused, feed = build(inputs, program)
    got, *ref = sess.run([fused] + unfused, feed)
    want = np.asarray(ref[-1])
    got = np.asarray(got)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert tuple(fused.shape.as_list()) == want.shape
    np.testing.assert_array_equal(bits(got), bits(want))
    return got


def values(rs: np.random.RandomState, shape: Sequence[int], dtype: Any) -> np.ndarray:
    """Normal values with zeros of both signs, infinities and NaNs mixed in."""
    x = rs.standard_normal(shape) * 3
    flat = x.reshape(-1)
    specials = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, 100.0, -100.0]
    for i, s in enumerate(specials):
        if i * 7 < flat.size:
            flat[i * 7] = s
    return x.astype(dtype)


# ---------------------------------------------------------------------------------------------
# Each op


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("op_type", sorted(BINARY) + ["AddV2"])
def test_binary_op(sess, op_type, dtype):
    rs = np.random.RandomState(1)
    n = BLOCK * 2 + 5
    inputs = [values(rs, [n], dtype), values(rs, [n], dtype)]
    if op_type == "Pow":
        inputs[0] = np.abs(inputs[0])  # real results mostly, NaNs where the base is NaN
    check(sess, inputs, [(op_type, (0, 1))])
    # Either operand a single element, and the operand order kept.
    check(sess, [inputs[0], np.asarray(dtype(1.75))], [(op_type, (0, 1))])
    check(sess, [np.asarray(dtype(-1.25)), inputs[1]], [(op_type, (0, 1))])


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("op_type", sorted(UNARY))
def test_unary_op(sess, op_type, dtype):
    rs = np.random.RandomState(2)
    x = values(rs, [BLOCK * 2 + 5], dtype)
    check(sess, [x], [(op_type, (0,))])
    # Exp, Tanh and Sigmoid over their whole range, where float32 takes its polynomial paths.
    wide = np.linspace(-120, 120, 10001).astype(dtype)
    check(sess, [wide], [(op_type, (0,))])


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
def test_add_n(sess, dtype):
    rs = np.random.RandomState(3)
    xs = [values(rs, [3, 1500], dtype) for _ in range(4)]
    check(sess, xs, [("AddN", (0, 1, 2, 3))])
    check(sess, xs[:2], [("AddN", (1, 0, 1))])
    check(sess, xs[:2], [("Mul", (0, 1)), ("AddN", (2,)), ("Relu", (3,))])


def test_add_n_of_one_input_passes_it_through(sess):
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    check(sess, [x], [("AddN", (0,))])
    check(sess, [x], [("Cast", (0,), tf.float32)])


def test_cast_between_float32_and_float64(sess):
    rs = np.random.RandomState(4)
    x = values(rs, [5000], np.float64)
    x[100:110] = [1e300, -1e300, 1e-310, 3.4028235e38, 3.4028236e38, 1 + 2.0 ** -30, 0.1, 1 / 3,
                  2.0 ** -149, 2.0 ** -150]
    check(sess, [x], [("Cast", (0,), tf.float32)])
    with np.errstate(over="ignore"):
        x32 = x.astype(np.float32)
    check(sess, [x32], [("Cast", (0,), tf.float64)])
    # Mixed-precision chain: up, compute in float64, back down.
    y = values(rs, [5000], np.float32)
    check(sess, [y, x], [("Cast", (0,), tf.float64), ("Mul", (2, 1)), ("Exp", (3,)),
                         ("Cast", (4,), tf.float32), ("Add", (5, 0))])


# ---------------------------------------------------------------------------------------------
# Operand layouts

# A program over two inputs (x, y) with broadcasting binary ops, unary ops and sharing.
MIXED = [("Mul", (0, 1)), ("Add", (2, 0)), ("Tanh", (3,)), ("Maximum", (4, 1)),
         ("Sub", (5, 2)), ("Square", (6,)), ("AddN", (7, 6, 7))]

LAYOUTS = {
    "same": ([600, 7], [600, 7]),
    "scalar": ([600, 7], []),
    "scalar_first": ([], [600, 7]),
    "one_element_rank2": ([1, 1], [4200]),
    "row": ([600, 7], [7]),
    "row_first": ([7], [600, 7]),
    "column": ([600, 7], [600, 1]),
    "column_first": ([600, 1], [600, 7]),
    "outer": ([600, 1], [1, 7]),  # neither operand has the output's shape
    "general": ([5, 1, 30, 7], [40, 1, 7]),
    "middle": ([3, 2000, 2], [3, 1, 2]),
}


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_broadcast_layouts(sess, layout, dtype):
    rs = np.random.RandomState(5)
    a, b = LAYOUTS[layout]
    check(sess, [values(rs, a, dtype), values(rs, b, dtype)], MIXED)


def test_intermediate_smaller_than_output(sess):
    """(row + row) * column: the sum has the row's shape and is recomputed per output row."""
    rs = np.random.RandomState(6)
    row1, row2 = rs.standard_normal([2, 900]).astype(np.float32)
    col = rs.standard_normal([700, 1]).astype(np.float32)
    check(sess, [row1, row2, col], [("Add", (0, 1)), ("Exp", (3,)), ("Mul", (4, 2))])


def test_single_element_subexpressions(sess):
    """Steps over single elements only run once; their results broadcast like inputs."""
    rs = np.random.RandomState(7)
    x = rs.standard_normal([3000]).astype(np.float64)
    a, b = np.float64(0.3), np.asarray([[1.7]])
    out = check(sess, [x, a, b], [("Mul", (1, 2)), ("Sigmoid", (3,)), ("Sub", (0, 4)),
                                  ("Mul", (4, 5))])
    assert out.shape == (1, 3000)


def test_all_single_elements(sess):
    check(sess, [np.float32(2.5), np.float32(-1.5)],
          [("Mul", (0, 1)), ("Exp", (2,)), ("Add", (3, 1))])
    check(sess, [np.full([1, 1], 2.5), np.float64(3.0)], [("Pow", (0, 1)), ("Neg", (2,))])


# ---------------------------------------------------------------------------------------------
# Sizes and the issue's workload


def relu_sum_program(n_relus: int) -> List[Any]:
    """add_n([relu(X * a_i + b_i) for i]) over inputs X, a_0, b_0, a_1, b_1 ..."""
    program: List[Any] = []
    first = 1 + 2 * n_relus
    relus = []
    for i in range(n_relus):
        v = first + len(program)
        program += [("Mul", (0, 1 + 2 * i)), ("Add", (v, 2 + 2 * i)), ("Relu", (v + 1,))]
        relus.append(v + 2)
    program.append(("AddN", tuple(relus)))
    return program


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("size", [0, 1, 2, BLOCK - 1, BLOCK, BLOCK + 1, 4095, 4096, 4097,
                                  2 * BLOCK + 1, 1_000_003])
def test_sizes_around_blocks(sess, size, dtype):
    rs = np.random.RandomState(size % 1000)
    x = rs.standard_normal([size]).astype(dtype)
    coeffs = [np.asarray(v, dtype) for v in rs.standard_normal(10)]
    check(sess, [x] + coeffs, relu_sum_program(5))


def test_issue_workload_rows(sess):
    """The 5-ReLU sum over a [rows, 3] batch with per-column weights and biases."""
    rs = np.random.RandomState(8)
    x = rs.standard_normal([10000, 3]).astype(np.float32)
    coeffs = [rs.standard_normal([3]).astype(np.float32) for _ in range(10)]
    got = check(sess, [x] + coeffs, relu_sum_program(5))
    want = sum(np.maximum(x * coeffs[2 * i] + coeffs[2 * i + 1], 0) for i in range(5))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_results_do_not_depend_on_thread_count(make_session):
    rs = np.random.RandomState(9)
    inputs = [rs.standard_normal([700_001]).astype(np.float32), np.float32(0.5),
              rs.standard_normal([1]).astype(np.float32)]
    fused = _fused_elementwise(inputs, [("Mul", (0, 1)), ("Tanh", (3,)), ("Sub", (4, 2)),
                                        ("Exp", (5,)), ("AddN", (6, 4, 3))])
    results = []
    for threads in (1, 2, 4):
        cfg = tf.ConfigProto(intra_op_parallelism_threads=threads,
                             inter_op_parallelism_threads=threads)
        with tf.Session(config=cfg) as s:
            results.append(s.run(fused))
    for r in results[1:]:
        np.testing.assert_array_equal(bits(r), bits(results[0]))


# ---------------------------------------------------------------------------------------------
# Buffers


def test_writes_into_an_exclusive_input_without_touching_shared_ones(sess):
    x = tf.placeholder(tf.float32, [5000])
    t = x * 2.0  # computed in the run: its buffer may be reused by the fused node
    fused = _fused_elementwise([t, x], [("Add", (0, 1)), ("Relu", (2,))])
    xv = np.random.RandomState(10).standard_normal(5000).astype(np.float32)
    xcopy = xv.copy()
    out = sess.run(fused, {x: xv})
    np.testing.assert_array_equal(out, np.maximum(xv * 2 + xv, 0))
    np.testing.assert_array_equal(xv, xcopy)  # the fed array is never written
    # When t is fetched too, the fused node must not write into it.
    out2, tv = sess.run([fused, t], {x: xv})
    np.testing.assert_array_equal(tv, xv * 2)
    np.testing.assert_array_equal(out2, out)


# ---------------------------------------------------------------------------------------------
# Shapes and errors


def test_static_shape_and_dtype():
    x = tf.placeholder(tf.float32, [None, 3])
    col = tf.placeholder(tf.float32, [None, 1])
    y = _fused_elementwise([x, col], [("Mul", (0, 1)), ("Cast", (2,), tf.float64)])
    assert y.dtype == tf.float64
    assert y.shape.as_list() == [None, 3]
    assert y.op.type == "_FusedElementwise"
    assert y.op.name == "FusedElementwise"
    z = _fused_elementwise([tf.placeholder(tf.float64, [2, 1, 4]), tf.placeholder(tf.float64)],
                           [("Add", (0, 1))], name="fz")
    assert z.shape.ndims is None and z.op.name == "fz"


def test_static_shape_errors():
    x = tf.placeholder(tf.float32, [2, 3])
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        _fused_elementwise([x, tf.placeholder(tf.float32, [4])], [("Add", (0, 1))])
    with pytest.raises(ValueError, match="AddN must all have the same shape"):
        _fused_elementwise([x, tf.placeholder(tf.float32, [3])], [("AddN", (0, 1))])


def test_malformed_programs_are_rejected():
    x = tf.placeholder(tf.float32, [3])
    y = tf.placeholder(tf.float32, [3])
    with pytest.raises(ValueError, match="op type 'MatMul' cannot be fused"):
        _fused_elementwise([x, y], [("MatMul", (0, 1))])
    with pytest.raises(ValueError, match="has 1 operands, expected 2"):
        _fused_elementwise([x], [("Add", (0,))])
    with pytest.raises(ValueError, match="reads"):
        _fused_elementwise([x], [("Relu", (3,))])
    with pytest.raises(ValueError, match="input 1 is not used by the output"):
        _fused_elementwise([x, y], [("Relu", (0,))])
    with pytest.raises(ValueError, match="does not contribute to the output"):
        _fused_elementwise([x], [("Relu", (0,)), ("Exp", (0,))])
    with pytest.raises(ValueError, match="no instructions"):
        _fused_elementwise([x], [])
    with pytest.raises(ValueError, match="mixes operand dtypes float32 and float64"):
        _fused_elementwise([x, tf.placeholder(tf.float64, [3])], [("Add", (0, 1))])
    with pytest.raises(ValueError, match="only float32 and float64 can be fused"):
        _fused_elementwise([tf.placeholder(tf.int32, [3])], [("Neg", (0,))])
    with pytest.raises(ValueError, match="cannot produce dtype int32"):
        _fused_elementwise([x], [("Cast", (0,), tf.int32)])


def test_run_time_shape_errors(sess):
    x = tf.placeholder(tf.float32, [None])
    y = tf.placeholder(tf.float32, [None])
    z = _fused_elementwise([x, y], [("Mul", (0, 1)), ("Exp", (2,))])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Incompatible shapes: \[3\] vs. \[4\]"):
        sess.run(z, {x: np.ones(3, np.float32), y: np.ones(4, np.float32)})
    s = _fused_elementwise([x, y], [("AddN", (0, 1))])
    with pytest.raises(tf.errors.InvalidArgumentError, match="must have the same size and shape"):
        sess.run(s, {x: np.ones(3, np.float32), y: np.ones(1, np.float32)})


def test_not_differentiable():
    x = tf.placeholder(tf.float32, [3])
    y = _fused_elementwise([x], [("Square", (0,))])
    assert tf.gradients(y, x) == [None]
