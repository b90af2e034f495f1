"""Elementwise math used by the losses: ``log1p``, ``expm1``, ``squared_difference`` and
``div_no_nan``, exported at top level under TF1's names."""

from __future__ import annotations

from .math_ops import _binary_op, _unary_op

__all__ = ["log1p", "expm1", "squared_difference", "div_no_nan"]

_FLT = "float32 or float64"

log1p = _unary_op("log1p", "Log1p", "``log(1 + x)``, accurate for small ``x``", _FLT)
expm1 = _unary_op("expm1", "Expm1", "``exp(x) - 1``, accurate for small ``x``", _FLT)
squared_difference = _binary_op("squared_difference", "SquaredDifference",
                                "``(x - y) * (x - y)``", "float32, float64, int32 or int64")
div_no_nan = _binary_op("div_no_nan", "DivNoNan", "``x / y``, or 0 where ``y`` is 0", _FLT)
