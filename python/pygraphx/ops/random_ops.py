"""Random tensors with TF1's seed rules: ``random_uniform``, ``random_normal``,
``truncated_normal``, ``random_shuffle``, ``set_random_seed`` and ``get_seed``.

Node structure, names and seeds follow TF 1.x, so for the same graph- and op-level seeds the
values are TF's (the C++ kernels reproduce TF's Philox streams).
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

from .. import dtypes as _dtypes
from ..framework import ops
from ..framework.tensor_shape import TensorShape, dimension_value

__all__ = [
    "get_seed", "set_random_seed", "random_uniform", "random_normal",
    "truncated_normal", "random_shuffle", "uniform", "normal", "shuffle",
]

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2 ** 31 - 1

_FLOAT_DTYPES = (_dtypes.float32, _dtypes.float64)
_INT_DTYPES = (_dtypes.int32, _dtypes.int64)


def _truncate_seed(seed: int) -> int:
    return int(seed) % _MAXINT32


def get_seed(op_seed: Optional[int]) -> Tuple[Optional[int], Optional[int]]:
    """The (graph seed, op seed) pair a random op uses, by TF1's rules.

    With a graph seed and no op seed, the op seed counts the seeds handed out so far in the
    default graph (0 for the first random op, 1 for the next ...), as TensorFlow's
    ``tf.compat.v1`` does, so a rebuilt graph gets the same seeds. (TF 1.x used the number of
    ops in the graph instead; the counter is what TensorFlow installs today compute.) With only
    an op seed the graph seed is ``DEFAULT_GRAPH_SEED``. With neither, ``(None, None)``: each
    session draws fresh seeds. ``(0, 0)`` becomes ``(0, 2**31 - 1)`` because the kernels read
    (0, 0) as "no seed".

    Args:
      op_seed: the op-level seed, or None.

    Returns:
      A tuple of two ints, or ``(None, None)``.
    """
    graph = ops.get_default_graph()
    global_seed = graph.seed
    if global_seed is not None:
        if op_seed is None:
            op_seed = graph._implicit_op_seeds
            graph._implicit_op_seeds += 1
        seeds: Tuple[Optional[int], Optional[int]] = (_truncate_seed(global_seed),
                                                      _truncate_seed(op_seed))
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, _truncate_seed(op_seed))
    else:
        seeds = (None, None)
    if seeds == (0, 0):
        return (0, _MAXINT32)
    return seeds


def set_random_seed(seed: Optional[int]) -> None:
    """Sets the graph-level seed of the default graph (None clears it)."""
    ops.get_default_graph().seed = seed


def _seed_attrs(seed: Optional[int]) -> dict:
    seed1, seed2 = get_seed(seed)
    return {"seed": ops.attr_int(seed1 or 0), "seed2": ops.attr_int(seed2 or 0)}


def _shape_tensor(shape: Any) -> ops.Tensor:
    """TF's ``shape_tensor``: a 1-D int32 (or int64) tensor named "shape".

    Raises:
      ValueError: for a partially known TensorShape.
    """
    if isinstance(shape, ops.Tensor) or hasattr(shape, "_as_graph_element"):
        return ops.convert_to_tensor(shape, name="shape")
    if isinstance(shape, TensorShape):
        if not shape.is_fully_defined():
            raise ValueError("Cannot convert a partially known TensorShape %s to a Tensor."
                             % (shape,))
        shape = shape.as_list()
    if isinstance(shape, (list, tuple)):
        if not shape:
            return ops.convert_to_tensor([], dtype=_dtypes.int32, name="shape")
        shape = [s if isinstance(s, ops.Tensor) else dimension_value(s) for s in shape]
    return ops.convert_to_tensor(shape, name="shape")


def _float_dtype(dtype: Any) -> _dtypes.DType:
    d = _dtypes.as_dtype(dtype).base_dtype
    if d not in _FLOAT_DTYPES:
        # TF fails converting the float mean to ``d`` (or, for an integer mean, on the op's
        # dtype attribute): a TypeError either way.
        raise TypeError("Value passed to parameter 'dtype' has DataType %s not in list of "
                        "allowed values: float32, float64" % d.name)
    return d


def _scaled(rnd: ops.Tensor, scale: ops.Tensor, offset: ops.Tensor, name: str) -> ops.Tensor:
    """``rnd * scale + offset`` as the nodes "mul" and ``name`` (an Add)."""
    g = rnd.graph
    mul = g.create_op("Mul", [rnd, scale], name="mul")._outputs[0]
    return g.create_op("Add", [mul, offset], name=name)._outputs[0]


def random_uniform(shape: Any, minval: Any = 0, maxval: Any = None,
                   dtype: Any = _dtypes.float32, seed: Optional[int] = None,
                   name: Optional[str] = None) -> ops.Tensor:
    """Values uniformly distributed in ``[minval, maxval)``.

    Floats: ``RandomUniform`` in [0, 1) scaled as ``rnd * (maxval - minval) + minval``
    (``maxval`` defaults to 1). Integers: ``RandomUniformInt``, which needs ``maxval``.

    Args:
      shape: 1-D integer tensor or Python list/tuple: the output shape.
      minval: lower bound (inclusive), scalar.
      maxval: upper bound (exclusive), scalar; required for integer dtypes.
      dtype: float32, float64, int32 or int64.
      seed: op-level seed (see ``set_random_seed``).
      name: name of the operation.

    Returns:
      A tensor of ``dtype`` and ``shape``.

    Raises:
      ValueError: for another dtype, or an integer dtype without ``maxval``.
      TypeError: if the bounds cannot be converted to ``dtype``.
    """
    dtype = _dtypes.as_dtype(dtype).base_dtype
    if dtype not in _FLOAT_DTYPES + _INT_DTYPES:
        raise ValueError("Invalid dtype %r" % (dtype,))
    if maxval is None:
        if dtype.is_integer:
            raise ValueError("Must specify maxval for integer dtype %r" % (dtype,))
        maxval = 1
    with ops.name_scope(name, "random_uniform", [shape, minval, maxval]) as scope:
        shape_t = _shape_tensor(shape)
        lo = ops.convert_to_tensor(minval, dtype=dtype, name="min")
        hi = ops.convert_to_tensor(maxval, dtype=dtype, name="max")
        g = shape_t.graph
        seeds = _seed_attrs(seed)
        if dtype.is_integer:
            attrs = dict(seeds, Tout=ops.attr_dtype(dtype), T=ops.attr_dtype(shape_t.dtype))
            return g.create_op("RandomUniformInt", [shape_t, lo, hi], attrs,
                               name=scope)._outputs[0]
        rnd = g.create_op("RandomUniform", [shape_t],
                          dict(seeds, dtype=ops.attr_dtype(dtype),
                               T=ops.attr_dtype(shape_t.dtype)),
                          name="RandomUniform")._outputs[0]
        rng = g.create_op("Sub", [hi, lo], name="sub")._outputs[0]
        return _scaled(rnd, rng, lo, scope)


def _normal_like(op_type: str, default_name: str, shape: Any, mean: Any, stddev: Any,
                 dtype: Any, seed: Optional[int], name: Optional[str]) -> ops.Tensor:
    dtype = _float_dtype(dtype)
    with ops.name_scope(name, default_name, [shape, mean, stddev]) as scope:
        shape_t = _shape_tensor(shape)
        mean_t = ops.convert_to_tensor(mean, dtype=dtype, name="mean")
        std_t = ops.convert_to_tensor(stddev, dtype=dtype, name="stddev")
        attrs = dict(_seed_attrs(seed), dtype=ops.attr_dtype(dtype),
                     T=ops.attr_dtype(shape_t.dtype))
        rnd = shape_t.graph.create_op(op_type, [shape_t], attrs, name=op_type)._outputs[0]
        return _scaled(rnd, std_t, mean_t, scope)


def random_normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = _dtypes.float32,
                  seed: Optional[int] = None, name: Optional[str] = None) -> ops.Tensor:
    """Values from a normal distribution: ``RandomStandardNormal * stddev + mean``.

    Args:
      shape: 1-D integer tensor or Python list/tuple: the output shape.
      mean: scalar or tensor broadcastable to the output.
      stddev: scalar or tensor broadcastable to the output.
      dtype: float32 or float64.
      seed: op-level seed (see ``set_random_seed``).
      name: name of the operation.

    Returns:
      A tensor of ``dtype`` and ``shape``.

    Raises:
      TypeError: for a non-floating dtype, or if ``mean`` or ``stddev`` cannot be converted
        to ``dtype``.
    """
    return _normal_like("RandomStandardNormal", "random_normal", shape, mean, stddev, dtype,
                        seed, name)


def truncated_normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0,
                     dtype: Any = _dtypes.float32, seed: Optional[int] = None,
                     name: Optional[str] = None) -> ops.Tensor:
    """Normal values redrawn when more than 2 standard deviations from the mean.

    Args:
      shape: 1-D integer tensor or Python list/tuple: the output shape.
      mean: scalar or tensor broadcastable to the output.
      stddev: scalar or tensor broadcastable to the output.
      dtype: float32 or float64.
      seed: op-level seed (see ``set_random_seed``).
      name: name of the operation.

    Returns:
      A tensor of ``dtype`` and ``shape``.

    Raises:
      TypeError: for a non-floating dtype, or if ``mean`` or ``stddev`` cannot be converted
        to ``dtype``.
    """
    return _normal_like("TruncatedNormal", "truncated_normal", shape, mean, stddev, dtype,
                        seed, name)


def random_shuffle(value: Any, seed: Optional[int] = None,
                   name: Optional[str] = None) -> ops.Tensor:
    """``value`` with its first dimension randomly permuted (``RandomShuffle``).

    Args:
      value: a tensor or a value convertible to one.
      seed: op-level seed (see ``set_random_seed``).
      name: name of the operation.

    Returns:
      A tensor of the same shape and dtype as ``value``.

    Raises:
      TypeError: if ``value`` cannot be converted to a tensor.
    """
    seeds = _seed_attrs(seed)
    with ops.name_scope(name, "RandomShuffle", [value]) as scope:
        t = ops.convert_to_tensor(value, name="value")
        return t.graph.create_op("RandomShuffle", [t], dict(seeds, T=ops.attr_dtype(t.dtype)),
                                 name=scope)._outputs[0]


# TF1's ``tf.random`` aliases.
uniform = random_uniform
normal = random_normal
shuffle = random_shuffle
