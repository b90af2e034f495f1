"""The random ops have no gradient: their outputs do not depend differentiably on their
inputs (shapes, seeds, bounds of integer draws)."""

from __future__ import annotations

from ..framework import ops

for _t in ("RandomUniform", "RandomUniformInt", "RandomStandardNormal", "TruncatedNormal",
           "RandomShuffle"):
    ops.NotDifferentiable(_t)
