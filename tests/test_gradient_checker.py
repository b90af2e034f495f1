"""Numeric checks of every op's gradient: the Jacobian from tf.gradients against central
differences, in float64, through tf.test.compute_gradient_error.

CHECKS has one entry per differentiable op type. Every op type in the registry must either
have an entry here or be declared NotDifferentiable: an op added without either fails
test_every_op_is_checked_or_not_differentiable. To add an op, add
``"OpType": [Case(build, [shape, ...]), ...]`` where ``build`` takes one float64 placeholder per
shape and returns the output to differentiate, or ``(output, extra_feeds)`` (and must build
at least one ``OpType`` node).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence

import numpy as np
import pytest

import pygraphx as tf
from pygraphx import _core
from pygraphx.framework.gradient_registry import get_gradient_function
from pygraphx.ops import grad_ops

F64 = tf.float64


class Case(NamedTuple):
    build: Callable[..., Any]
    shapes: Sequence[Sequence[int]]
    # Values of the inputs (default: uniform in [0, 1)); a callable gets the RandomState.
    inits: Optional[Callable[[np.random.RandomState], List[np.ndarray]]] = None
    # Placeholder shapes when they should be less static than the fed ones (None dims).
    ph_shapes: Optional[Sequence[Any]] = None
    tol: float = 1e-6


def raw(op_type: str, inputs: Sequence[tf.Tensor], attrs: Optional[dict] = None) -> tf.Tensor:
    """An op without a public wrapper of its own (AddV2 ...)."""
    a = {"T": ("dtype", inputs[0].dtype.base_dtype.as_datatype_enum)}
    a.update(attrs or {})
    return tf.get_default_graph().create_op(op_type, list(inputs), a, name=op_type).outputs[0]


def uniform(*ranges: Any) -> Callable[[np.random.RandomState], List[np.ndarray]]:
    """Inputs uniform in the given (low, high, shape) ranges."""
    return lambda rs: [rs.uniform(lo, hi, size=shape) for lo, hi, shape in ranges]


def away_from_zero(shape: Sequence[int]) -> Callable[[np.random.RandomState], List[np.ndarray]]:
    def make(rs: np.random.RandomState) -> List[np.ndarray]:
        v = rs.uniform(0.2, 1.0, size=shape)
        return [v * np.where(rs.uniform(size=shape) < 0.5, -1.0, 1.0)]
    return make


def spaced(shape: Sequence[int]) -> Callable[[np.random.RandomState], List[np.ndarray]]:
    """Distinct values at least 0.1 apart (no ties for max/min within a delta)."""
    def make(rs: np.random.RandomState) -> List[np.ndarray]:
        n = int(np.prod(shape))
        return [rs.permutation(np.arange(n) * 0.1 - 0.5 * n * 0.1).reshape(shape)]
    return make


def well_conditioned(n: int, batch: Sequence[int] = ()) -> Callable[..., List[np.ndarray]]:
    return lambda rs: [rs.uniform(-0.5, 0.5, size=list(batch) + [n, n]) + 2 * np.eye(n)]


def int_feed(value: Any, dtype: Any = tf.int32) -> Any:
    """A placeholder fed with an index value (an index known only at run time)."""
    ph = tf.placeholder(dtype, np.shape(value))
    return ph, {ph: np.asarray(value)}


def _perm_dynamic(x: tf.Tensor) -> Any:
    perm, feed = int_feed([2, 0, 1])
    return tf.transpose(x, perm), feed


def _initialized_value(x: tf.Tensor) -> tf.Tensor:
    v = tf.Variable(x, name="v")
    return v.initialized_value() * 2.0


CHECKS: Dict[str, List[Case]] = {
    # -- elementwise binary, with and without broadcasting, static and run-time shapes --------
    "Add": [Case(lambda a, b: tf.add(a, b), [(2, 3), (3,)]),
            Case(lambda a, b: tf.add(a, b), [(2, 3), (2, 1)], ph_shapes=[(None, 3), (None, 1)]),
            Case(lambda a, b: a + b, [(2, 3), (2, 3)])],
    "AddV2": [Case(lambda a, b: raw("AddV2", [a, b]), [(2, 1, 3), (4, 1)])],
    "Sub": [Case(lambda a, b: a - b, [(3, 1), (1, 4)]),
            Case(lambda a, b: a - b, [(2, 3), (2, 3)], ph_shapes=[None, None])],
    "Mul": [Case(lambda a, b: a * b, [(2, 3), (3,)]),
            Case(lambda a, b: a * b, [(2, 3), (3,)], ph_shapes=[(None, 3), (3,)]),
            Case(lambda a, b: a * b, [(2, 3), (2, 3)])],
    "RealDiv": [Case(lambda a, b: a / b, [(2, 3), (3,)],
                     inits=uniform((-1, 1, (2, 3)), (0.5, 2, (3,))))],
    "FloorMod": [Case(lambda a, b: tf.floormod(a, b), [(3,), (3,)],
                      inits=lambda rs: [np.array([1.3, 3.7, -5.2]), np.array([2.0, 2.0, 2.5])])],
    "Maximum": [Case(lambda a, b: tf.maximum(a, b), [(2, 3), (3,)],
                     inits=lambda rs: [np.arange(6.0).reshape(2, 3) * 0.3,
                                       np.array([0.55, 0.35, 1.05])])],
    "Minimum": [Case(lambda a, b: tf.minimum(a, b), [(2, 3), (3,)],
                     inits=lambda rs: [np.arange(6.0).reshape(2, 3) * 0.3,
                                       np.array([0.55, 0.35, 1.05])])],
    "Pow": [Case(lambda a, b: tf.pow(a, b), [(2, 3), (2, 3)],
                 inits=uniform((0.5, 2, (2, 3)), (-1.5, 2, (2, 3))), tol=1e-4)],
    # -- elementwise unary ---------------------------------------------------------------------
    "Neg": [Case(lambda a: -a, [(2, 3)])],
    "Abs": [Case(lambda a: tf.abs(a), [(2, 3)], inits=away_from_zero((2, 3)))],
    "Sign": [Case(lambda a: tf.sign(a) * a, [(2, 3)], inits=away_from_zero((2, 3)))],
    "Square": [Case(lambda a: tf.square(a), [(2, 3)])],
    "Sqrt": [Case(lambda a: tf.sqrt(a), [(2, 3)], inits=uniform((0.5, 2, (2, 3))))],
    "Exp": [Case(lambda a: tf.exp(a), [(2, 3)])],
    # Central differences are off by about delta^2 * f(3)(x) / 6: ~1e-5 for 1/x near 0.5.
    "Log": [Case(lambda a: tf.log(a), [(2, 3)], inits=uniform((0.5, 2, (2, 3))), tol=1e-4)],
    "Reciprocal": [Case(lambda a: tf.reciprocal(a), [(2, 3)], inits=uniform((0.5, 2, (2, 3))),
                        tol=1e-4)],
    "Sigmoid": [Case(lambda a: tf.sigmoid(a), [(2, 3)], inits=uniform((-3, 3, (2, 3))))],
    "Tanh": [Case(lambda a: tf.tanh(a), [(2, 3)], inits=uniform((-2, 2, (2, 3))))],
    "Relu": [Case(lambda a: tf.nn.relu(a), [(2, 3)], inits=away_from_zero((2, 3)))],
    "Cast": [Case(lambda a: tf.cast(tf.cast(a, tf.float32), F64) * 2.0, [(2, 3)], tol=1e-3)],
    "AddN": [Case(lambda a, b: tf.add_n([a, b, a]), [(2, 3), (2, 3)])],
    # -- second derivatives through the fused gradient ops ------------------------------------
    "ReluGrad": [Case(lambda g, f: grad_ops.relu_grad(g, f), [(2, 3), (2, 3)],
                      inits=lambda rs: [rs.uniform(-1, 1, (2, 3)),
                                        away_from_zero((2, 3))(rs)[0]])],
    "SigmoidGrad": [Case(lambda y, dy: grad_ops.sigmoid_grad(y, dy), [(2, 3), (2, 3)])],
    "TanhGrad": [Case(lambda y, dy: grad_ops.tanh_grad(y, dy), [(2, 3), (2, 3)])],
    "SqrtGrad": [Case(lambda y, dy: grad_ops.sqrt_grad(y, dy), [(2, 3), (2, 3)],
                      inits=uniform((0.5, 2, (2, 3)), (-1, 1, (2, 3))))],
    "ReciprocalGrad": [Case(lambda y, dy: grad_ops.reciprocal_grad(y, dy), [(2, 3), (2, 3)])],
    # -- linear algebra ----------------------------------------------------------------------
    "MatMul": [Case(lambda a, b: tf.matmul(a, b), [(2, 3), (3, 4)]),
               Case(lambda a, b: tf.matmul(a, b, transpose_a=True), [(3, 2), (3, 4)]),
               Case(lambda a, b: tf.matmul(a, b, transpose_b=True), [(2, 3), (4, 3)]),
               Case(lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
                    [(3, 2), (4, 3)])],
    "BatchMatMulV2": [
        Case(lambda a, b: tf.matmul(a, b), [(2, 2, 3), (3, 2)]),
        Case(lambda a, b: tf.matmul(a, b, adjoint_a=True), [(2, 1, 3, 2), (3, 3, 2)]),
        Case(lambda a, b: tf.matmul(a, b, transpose_b=True), [(2, 2, 3), (2, 4, 3)],
             ph_shapes=[(None, 2, 3), (None, 4, 3)]),
        Case(lambda a, b: tf.matmul(a, b, adjoint_a=True, adjoint_b=True),
             [(2, 3, 2), (4, 3)])],
    "MatrixInverse": [Case(lambda a: tf.matrix_inverse(a), [(3, 3)], inits=well_conditioned(3)),
                      Case(lambda a: tf.matrix_inverse(a, adjoint=True), [(2, 2, 2)],
                           inits=well_conditioned(2, [2]))],
    # -- reductions ----------------------------------------------------------------------------
    "Sum": [Case(lambda a: tf.reduce_sum(a, axis=1), [(2, 3, 2)]),
            Case(lambda a: tf.reduce_sum(a, axis=[0, -1], keepdims=True), [(2, 3, 2)]),
            Case(lambda a: tf.reduce_sum(a), [(2, 3)], ph_shapes=[None]),
            Case(lambda a: tf.reduce_sum(a, axis=0), [(3, 2)], ph_shapes=[(None, 2)])],
    "Mean": [Case(lambda a: tf.reduce_mean(a, axis=0), [(3, 2)]),
             Case(lambda a: tf.reduce_mean(a, axis=0), [(3, 2)], ph_shapes=[(None, 2)]),
             Case(lambda a: tf.reduce_mean(a), [(2, 3)])],
    "Prod": [Case(lambda a: tf.reduce_prod(a, axis=1), [(3, 3)],
                  inits=lambda rs: [np.array([[0.5, 1.5, 2.0], [0.0, 1.2, 0.8],
                                              [0.0, 0.0, 1.1]])]),
             Case(lambda a: tf.reduce_prod(a), [(2, 2)], inits=uniform((0.5, 1.5, (2, 2)))),
             Case(lambda a: tf.reduce_prod(a, axis=0), [(3, 2)], ph_shapes=[None],
                  inits=uniform((0.5, 1.5, (3, 2))))],
    "Max": [Case(lambda a: tf.reduce_max(a, axis=1), [(2, 3)], inits=spaced((2, 3))),
            Case(lambda a: tf.reduce_max(a), [(2, 3)], inits=spaced((2, 3))),
            Case(lambda a: tf.reduce_max(a, axis=1), [(2, 3)], inits=spaced((2, 3)),
                 ph_shapes=[(None, 3)])],
    "Min": [Case(lambda a: tf.reduce_min(a, axis=0), [(2, 3)], inits=spaced((2, 3)))],
    # -- array ops -----------------------------------------------------------------------------
    "Identity": [Case(lambda a: tf.identity(a) * 2.0, [(2, 3)])],
    "PlaceholderWithDefault": [
        Case(lambda a: tf.placeholder_with_default(a, [2, 3]) * 2.0, [(2, 3)])],
    "InitializedValue": [Case(_initialized_value, [(2, 3)])],
    "Reshape": [Case(lambda a: tf.reshape(a, [3, 2]) * [[1.0, 2.0]], [(2, 3)]),
                Case(lambda a: tf.reshape(a, [-1]), [(2, 3)], ph_shapes=[(None, 3)])],
    "ExpandDims": [Case(lambda a: tf.expand_dims(a, 1) * [[1.0], [2.0]], [(2, 3)])],
    "Squeeze": [Case(lambda a: tf.squeeze(a) * [1.0, 2.0, 3.0], [(1, 3, 1)])],
    "Transpose": [Case(lambda a: tf.transpose(a, [1, 2, 0]) * [1.0, 2.0], [(2, 3, 4)]),
                  Case(_perm_dynamic, [(2, 3, 4)])],
    "Pack": [Case(lambda a, b: tf.stack([a, b, a], axis=1), [(2, 3), (2, 3)])],
    "Unpack": [Case(lambda a: tf.unstack(a, axis=1)[1] * 2.0, [(2, 3)]),
               Case(lambda a: tf.add_n(tf.unstack(a)), [(3, 2)])],
    "ConcatV2": [Case(lambda a, b: tf.concat([a, b, a], 1), [(2, 3), (2, 1)]),
                 Case(lambda a, b: tf.concat([a, b], 0), [(2, 3), (1, 3)],
                      ph_shapes=[(None, 3), (None, 3)]),
                 Case(lambda a, b: tf.concat([a, b], -1), [(2, 3), (2, 2)],
                      ph_shapes=[(2, None), (2, None)])],
    "Slice": [Case(lambda a: tf.slice(a, [1, 0], [2, -1]), [(3, 4)]),
              Case(lambda a: tf.slice(a, [0, 1], [1, 2]), [(3, 4)], ph_shapes=[None])],
    "StridedSlice": [Case(lambda a: a[1:, ::2], [(3, 4)]),
                     Case(lambda a: a[:, 1], [(3, 4)]),
                     Case(lambda a: a[None, ..., ::-2], [(2, 5)]),
                     Case(lambda a: a[1:], [(3, 2)], ph_shapes=[(None, 2)])],
    "StridedSliceGrad": [Case(lambda dy: grad_ops.strided_slice_grad(
        [3, 4], [1, 0], [3, 4], [1, 2], dy), [(2, 2)])],
    "Tile": [Case(lambda a: tf.tile(a, [2, 1, 3]), [(2, 3, 1)]),
             Case(lambda a: tf.tile(a, [3, 2]), [(2, 2)], ph_shapes=[(None, 2)])],
    "Fill": [Case(lambda a: tf.fill([2, 3], a), [()])],
    "GatherV2": [Case(lambda a: tf.gather(a, [0, 2, 2]), [(4, 3)]),
                 Case(lambda a: tf.gather(a, [[1, 0], [1, 1]], axis=1), [(2, 3, 2)]),
                 Case(lambda a: tf.gather(a, [3, 0, 3]), [(4, 2)], ph_shapes=[(None, 2)])],
    "UnsortedSegmentSum": [Case(lambda a: tf.unsorted_segment_sum(a, [0, 2, 0, -1], 3),
                                [(4, 3)])],
    # -- nn ops --------------------------------------------------------------------------------
    "Softmax": [Case(lambda a: tf.nn.softmax(a), [(2, 4)], inits=uniform((-3, 3, (2, 4)))),
                Case(lambda a: tf.nn.softmax(a, axis=0), [(3, 2)], ph_shapes=[(None, 2)])],
    "LogSoftmax": [Case(lambda a: tf.nn.log_softmax(a), [(2, 4)],
                        inits=uniform((-3, 3, (2, 4))))],
    "SoftmaxCrossEntropyWithLogits": [
        Case(lambda a, b: tf.nn.softmax_cross_entropy_with_logits_v2(labels=b, logits=a),
             [(2, 3), (2, 3)],
             inits=lambda rs: [rs.uniform(-2, 2, (2, 3)), rs.dirichlet(np.ones(3), 2)]),
        Case(lambda a, b: tf.nn.softmax_cross_entropy_with_logits_v2(labels=b, logits=a),
             [(2, 2, 3), (2, 2, 3)], ph_shapes=[(None, 2, 3), (None, 2, 3)],
             inits=lambda rs: [rs.uniform(-2, 2, (2, 2, 3)),
                               rs.dirichlet(np.ones(3), (2, 2))])],
    "SparseSoftmaxCrossEntropyWithLogits": [
        Case(lambda a: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[2, 0], logits=a),
             [(2, 3)], inits=uniform((-2, 2, (2, 3)))),
        Case(lambda a: tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=[[1, 0], [2, 2]], logits=a), [(2, 2, 3)])],
    "L2Loss": [Case(lambda a: tf.nn.l2_loss(a), [(2, 3)])],
    "BiasAdd": [Case(lambda a, b: tf.nn.bias_add(a, b), [(2, 3), (3,)]),
                Case(lambda a, b: tf.nn.bias_add(a, b, data_format="NCHW"), [(2, 3, 2), (3,)],
                     ph_shapes=[(None, 3, 2), (3,)])],
    "BiasAddGrad": [Case(lambda g: raw("BiasAddGrad", [g]) * [1.0, 2.0, 3.0], [(2, 2, 3)])],
    "Elu": [Case(lambda a: tf.nn.elu(a), [(2, 3)], inits=away_from_zero((2, 3)))],
    "EluGrad": [Case(lambda g, y: raw("EluGrad", [g, y]), [(2, 3), (2, 3)],
                     inits=lambda rs: [rs.uniform(-1, 1, (2, 3)),
                                       rs.uniform(-0.9, 0.9, (2, 3))])],
    "Softplus": [Case(lambda a: tf.nn.softplus(a), [(2, 3)], inits=uniform((-3, 3, (2, 3))))],
    "SoftplusGrad": [Case(lambda g, x: raw("SoftplusGrad", [g, x]), [(2, 3), (2, 3)],
                          inits=uniform((-1, 1, (2, 3)), (-3, 3, (2, 3))))],
    "Relu6": [Case(lambda a: tf.nn.relu6(a), [(2, 3)],
                   inits=lambda rs: [np.array([[-1.0, 0.5, 3.0], [5.5, 7.0, 2.0]])])],
    "Relu6Grad": [Case(lambda g, x: raw("Relu6Grad", [g, x]), [(2, 3), (2, 3)],
                       inits=lambda rs: [rs.uniform(-1, 1, (2, 3)),
                                         np.array([[-1.0, 0.5, 3.0], [5.5, 7.0, 2.0]])])],
    "LeakyRelu": [Case(lambda a: tf.nn.leaky_relu(a, alpha=0.3), [(2, 3)],
                       inits=away_from_zero((2, 3)))],
    "LeakyReluGrad": [Case(lambda g, x: raw("LeakyReluGrad", [g, x], {"alpha": ("float", 0.3)}),
                           [(2, 3), (2, 3)],
                           inits=lambda rs: [rs.uniform(-1, 1, (2, 3)),
                                             away_from_zero((2, 3))(rs)[0]])],
    "Log1p": [Case(lambda a: tf.log1p(a), [(2, 3)])],
    "Expm1": [Case(lambda a: tf.expm1(a), [(2, 3)])],
    "SquaredDifference": [Case(lambda a, b: tf.squared_difference(a, b), [(2, 3), (3,)]),
                          Case(lambda a, b: tf.squared_difference(a, b), [(2, 3), (2, 1)],
                               ph_shapes=[(None, 3), (None, 1)])],
    "DivNoNan": [Case(lambda a, b: tf.div_no_nan(a, b), [(2, 3), (3,)],
                      inits=uniform((-1, 1, (2, 3)), (0.5, 2, (3,))), tol=1e-5)],
    "Select": [Case(lambda a, b: tf.where([[True, False, True], [False, False, True]], a, b),
                    [(2, 3), (2, 3)]),
               Case(lambda a, b: tf.where([False, True], a, b), [(2, 3), (2, 3)])],
    "SelectV2": [Case(lambda a, b: tf.where_v2([[True], [False]], a, b), [(3,), (2, 1)]),
                 Case(lambda a, b: tf.where_v2([True, False, True], a, b), [(2, 3), (2, 1)],
                      ph_shapes=[(None, 3), (None, 1)])],
}


def _not_differentiable(op_type: str) -> bool:
    try:
        return get_gradient_function(op_type) is None
    except LookupError:
        return False


def test_every_op_is_checked_or_not_differentiable():
    missing = [t for t in _core.registered_ops() if t not in CHECKS and not _not_differentiable(t)]
    assert not missing, ("op types with neither a gradient check in CHECKS nor a "
                         "NotDifferentiable declaration: %s" % missing)


def test_checked_ops_are_registered_and_differentiable():
    registered = set(_core.registered_ops())
    for op_type in CHECKS:
        assert op_type in registered, op_type
        assert get_gradient_function(op_type) is not None, op_type


CASES = [pytest.param(op_type, case, id="%s-%d" % (op_type, i))
         for op_type, cases in sorted(CHECKS.items()) for i, case in enumerate(cases)]


@pytest.mark.parametrize("op_type,case", CASES)
def test_gradient_matches_central_differences(op_type: str, case: Case):
    rs = np.random.RandomState(sum(map(ord, op_type)))
    ph_shapes = case.ph_shapes or case.shapes
    xs = [tf.placeholder(F64, s) for s in ph_shapes]
    built = case.build(*xs)
    y, feed = built if isinstance(built, tuple) else (built, None)
    types = {op.type for op in tf.get_default_graph().get_operations()}
    assert op_type in types, "the case for %s builds no %s node" % (op_type, op_type)
    if case.inits is not None:
        inits = [np.asarray(v, dtype=np.float64) for v in case.inits(rs)]
    else:
        inits = [rs.uniform(size=s) for s in case.shapes]
    with tf.Session() as sess:
        y_shape = sess.run(y, _feed(xs, inits, feed)).shape
        for i, (x, shape, value) in enumerate(zip(xs, case.shapes, inits)):
            # The other inputs are held at their values while x_i is perturbed.
            others = _feed(xs[:i] + xs[i + 1:], inits[:i] + inits[i + 1:], feed)
            err = tf.test.compute_gradient_error(x, list(shape), y, y_shape,
                                                 x_init_value=value, extra_feed_dict=others)
            assert err < case.tol, "%s, input %d: max |theoretical - numeric| = %g" % (
                op_type, i, err)


def _feed(xs: List[tf.Tensor], values: List[np.ndarray], extra: Optional[dict]) -> dict:
    feed = dict(zip(xs, values))
    feed.update(extra or {})
    return feed
