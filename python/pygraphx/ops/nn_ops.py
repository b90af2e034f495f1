"""``tf.nn`` activations of the elementwise family: ``relu``, ``sigmoid`` and ``tanh``.

The kernels are the math family's; this module only exposes TF1's ``tf.nn`` names.
"""

from __future__ import annotations

from .math_ops import relu, sigmoid, tanh

__all__ = ["relu", "sigmoid", "tanh"]
