"""Initializers for ``get_variable``: constant, zeros, ones, random and Glorot (the default
for floating variables)."""

from __future__ import annotations

import math
from typing import Any, Optional, Sequence

import numpy as np

from .. import dtypes as _dtypes
from ..framework import ops

__all__ = [
    "Initializer", "Zeros", "Ones", "Constant", "RandomUniform", "RandomNormal",
    "TruncatedNormal", "VarianceScaling", "GlorotUniform", "GlorotNormal",
    "zeros_initializer", "ones_initializer", "constant_initializer",
    "random_uniform_initializer", "random_normal_initializer", "truncated_normal_initializer",
    "variance_scaling_initializer", "glorot_uniform_initializer", "glorot_normal_initializer",
]


def _dtype(d: Any, default: Any = _dtypes.float32) -> _dtypes.DType:
    return _dtypes.as_dtype(d if d is not None else default).base_dtype


def _float_dtype(d: Any) -> _dtypes.DType:
    """TF1's ``_assert_float_dtype``: normal and variance-scaling initializers only build
    floating values.

    Raises:
      ValueError: for a non-floating dtype.
    """
    dt = _dtype(d)
    if not dt.is_floating:
        raise ValueError("Expected floating point type, got %s." % dt.name)
    return dt


class Initializer:
    """Base class: ``init(shape, dtype=None, partition_info=None)`` builds the initial value."""

    def __call__(self, shape: Sequence[int], dtype: Any = None, partition_info: Any = None
                 ) -> ops.Tensor:
        raise TypeError("%s does not build values" % type(self).__name__)

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Initializer":
        return cls(**config)


class Zeros(Initializer):
    """Initializes to 0."""

    def __init__(self, dtype: Any = _dtypes.float32):
        self.dtype = _dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        from . import array_ops

        return array_ops.zeros(shape, _dtype(dtype, self.dtype))

    def get_config(self):
        return {"dtype": self.dtype.name}


class Ones(Initializer):
    """Initializes to 1."""

    def __init__(self, dtype: Any = _dtypes.float32):
        self.dtype = _dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        from . import array_ops

        return array_ops.ones(shape, _dtype(dtype, self.dtype))

    def get_config(self):
        return {"dtype": self.dtype.name}


class Constant(Initializer):
    """Initializes to ``value`` (a scalar fills the shape; a list must fit it, as in TF1)."""

    def __init__(self, value: Any = 0, dtype: Any = _dtypes.float32, verify_shape: bool = False):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError("Invalid type for initial value: %s (expected Python scalar, list "
                            "or tuple of values, or numpy.ndarray)." % type(value))
        self.value = value
        self.dtype = _dtype(dtype)
        self._verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        from . import constant_op

        vs = self._verify_shape if verify_shape is None else verify_shape
        return constant_op.constant(self.value, dtype=_dtype(dtype, self.dtype), shape=shape,
                                    verify_shape=vs)

    def get_config(self):
        return {"value": self.value, "dtype": self.dtype.name}


class RandomUniform(Initializer):
    """Uniform values in [minval, maxval)."""

    def __init__(self, minval: Any = 0, maxval: Any = None, seed: Optional[int] = None,
                 dtype: Any = _dtypes.float32):
        self.minval, self.maxval, self.seed, self.dtype = minval, maxval, seed, _dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        from . import random_ops

        return random_ops.random_uniform(shape, self.minval, self.maxval,
                                         _dtype(dtype, self.dtype), seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed,
                "dtype": self.dtype.name}


class RandomNormal(Initializer):
    """Normal values with ``mean`` and ``stddev``."""

    def __init__(self, mean: Any = 0.0, stddev: Any = 1.0, seed: Optional[int] = None,
                 dtype: Any = _dtypes.float32):
        self.mean, self.stddev, self.seed = mean, stddev, seed
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        from . import random_ops

        return random_ops.random_normal(shape, self.mean, self.stddev,
                                        _dtype(dtype, self.dtype), seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


class TruncatedNormal(Initializer):
    """Normal values redrawn when more than two standard deviations from the mean."""

    def __init__(self, mean: Any = 0.0, stddev: Any = 1.0, seed: Optional[int] = None,
                 dtype: Any = _dtypes.float32):
        self.mean, self.stddev, self.seed = mean, stddev, seed
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        from . import random_ops

        return random_ops.truncated_normal(shape, self.mean, self.stddev,
                                           _dtype(dtype, self.dtype), seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


def _fans(shape: Sequence[int]) -> tuple:
    if len(shape) < 1:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    if len(shape) == 2:
        return float(shape[0]), float(shape[1])
    receptive = 1.0
    for d in shape[:-2]:
        receptive *= d
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(Initializer):
    """Values scaled to the fan-in/fan-out of the shape (TF1's variance_scaling_initializer)."""

    def __init__(self, scale: float = 1.0, mode: str = "fan_in",
                 distribution: str = "truncated_normal", seed: Optional[int] = None,
                 dtype: Any = _dtypes.float32):
        if scale <= 0.0:
            raise ValueError("`scale` must be positive float.")
        if mode not in {"fan_in", "fan_out", "fan_avg"}:
            raise ValueError("Invalid `mode` argument:", mode)
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in {"uniform", "truncated_normal", "untruncated_normal"}:
            raise ValueError("Invalid `distribution` argument:", distribution)
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.seed, self.dtype = seed, _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        from . import random_ops

        dt = _dtype(dtype, self.dtype)
        fan_in, fan_out = _fans(list(shape))
        n = {"fan_in": max(1.0, fan_in), "fan_out": max(1.0, fan_out),
             "fan_avg": max(1.0, (fan_in + fan_out) / 2.0)}[self.mode]
        s = self.scale / n
        if self.distribution == "truncated_normal":
            return random_ops.truncated_normal(shape, 0.0, math.sqrt(s) / .87962566103423978,
                                               dt, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random_ops.random_normal(shape, 0.0, math.sqrt(s), dt, seed=self.seed)
        limit = math.sqrt(3.0 * s)
        return random_ops.random_uniform(shape, -limit, limit, dt, seed=self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "dtype": self.dtype.name}


class GlorotUniform(VarianceScaling):
    """Uniform in ±sqrt(6 / (fan_in + fan_out)): the default for floating variables."""

    def __init__(self, seed: Optional[int] = None, dtype: Any = _dtypes.float32):
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    """Truncated normal with stddev sqrt(2 / (fan_in + fan_out))."""

    def __init__(self, seed: Optional[int] = None, dtype: Any = _dtypes.float32):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_uniform_initializer = RandomUniform
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
