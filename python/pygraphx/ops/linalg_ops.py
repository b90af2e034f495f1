"""Linear algebra: ``matmul`` (MatMul, or BatchMatMulV2 above rank 2) and ``matrix_inverse``,
with TF1's signatures and node names; also installs the ``@`` operator on tensors.
"""

from __future__ import annotations

from typing import Any, Optional

from ..framework import ops

__all__ = ["matmul", "matrix_inverse"]


def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
           adjoint_a: bool = False, adjoint_b: bool = False, a_is_sparse: bool = False,
           b_is_sparse: bool = False, name: Optional[str] = None) -> ops.Tensor:
    """Matrix product ``op(a) @ op(b)``, where ``op`` transposes when asked.

    Rank-2 inputs give a ``MatMul`` node; inputs of rank above 2 (or unknown rank) give a
    ``BatchMatMulV2`` node whose leading (batch) dimensions broadcast. For real dtypes the
    adjoint is the transpose. The sparsity hints are accepted and ignored.

    Args:
      a: float32, float64, int32 or int64 tensor of rank >= 2.
      b: tensor of the same dtype (Python values are converted to a's dtype).
      transpose_a: transpose ``a`` before multiplying.
      transpose_b: transpose ``b`` before multiplying.
      adjoint_a: same as ``transpose_a`` for real dtypes.
      adjoint_b: same as ``transpose_b`` for real dtypes.
      a_is_sparse: ignored.
      b_is_sparse: ignored.
      name: the op's name (default "MatMul").

    Returns:
      The product, of a's dtype.

    Raises:
      ValueError: if both ``transpose_x`` and ``adjoint_x`` are set, a rank is wrong, or the
        static inner (or batch) dimensions do not match.
      TypeError: if the dtypes differ or are not numeric.
      errors.InvalidArgumentError: at run time, when dimensions known only then do not match.
    """
    with ops.name_scope(name, "MatMul", [a, b]) as scope:
        if transpose_a and adjoint_a:
            raise ValueError("Only one of `transpose_a` and `adjoint_a` can be True. Received "
                             "`transpose_a`=True, `adjoint_a`=True.")
        if transpose_b and adjoint_b:
            raise ValueError("Only one of `transpose_b` and `adjoint_b` can be True. Received "
                             "`transpose_b`=True, `adjoint_b`=True.")
        a = ops.convert_to_tensor(a, name="a")
        b = ops.convert_to_tensor(b, preferred_dtype=a.dtype.base_dtype, name="b")
        ta = bool(transpose_a or adjoint_a)
        tb = bool(transpose_b or adjoint_b)
        ra, rb = a.shape.ndims, b.shape.ndims
        if ra is None or rb is None or ra > 2 or rb > 2:
            attrs = {"T": ops.attr_dtype(a.dtype), "adj_x": ops.attr_bool(ta),
                     "adj_y": ops.attr_bool(tb)}
            return ops.make_op("BatchMatMulV2", [a, b], attrs, name=scope).outputs[0]
        attrs = {"T": ops.attr_dtype(a.dtype), "transpose_a": ops.attr_bool(ta),
                 "transpose_b": ops.attr_bool(tb)}
        return ops.make_op("MatMul", [a, b], attrs, name=scope).outputs[0]


def matrix_inverse(input: Any, adjoint: bool = False,  # noqa: A002 - TF's name
                   name: Optional[str] = None) -> ops.Tensor:
    """Inverse of each square matrix in the innermost two dimensions (LU with partial
    pivoting); with ``adjoint``, the inverse of each matrix's transpose.

    Args:
      input: float32 or float64 tensor of shape ``[..., M, M]``.
      adjoint: invert the (conjugate) transpose instead.
      name: the op's name (default "MatrixInverse").

    Returns:
      A tensor of the input's shape and dtype.

    Raises:
      ValueError: if the input has rank below 2 or its static matrices are not square.
      TypeError: if the dtype is not float32 or float64.
      errors.InvalidArgumentError: at run time, if a matrix is singular ("Input is not
        invertible.") or not square.
    """
    with ops.name_scope(name, "MatrixInverse", [input]) as scope:
        x = ops.convert_to_tensor(input, name="input")
        attrs = {"T": ops.attr_dtype(x.dtype), "adjoint": ops.attr_bool(adjoint)}
        return ops.make_op("MatrixInverse", [x], attrs, name=scope).outputs[0]
