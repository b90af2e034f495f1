"""Internal: ``_FusedElementwise`` nodes, which evaluate a small program of elementwise float
ops in one pass over memory.

The plan-time fusion pass builds these in C++; ``_fused_elementwise`` builds one in a graph so
that the kernel can be tested and timed against the same expression made of ordinary ops. It is
not part of the TF API.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple, Union

from .. import dtypes as _dtypes
from ..framework import ops

__all__: list = []

# (op_type, operands) or ("Cast", operands, dtype). Operands number the inputs 0..n-1, then
# instruction k's result n + k.
Instruction = Union[Tuple[str, Sequence[int]], Tuple[str, Sequence[int], Any]]


def _fused_elementwise(inputs: Sequence[Any], program: Sequence[Instruction],
                       name: Optional[str] = None) -> ops.Tensor:
    """The result of the last instruction of ``program`` over ``inputs``, as one
    ``_FusedElementwise`` node.

    Each instruction is ``(op_type, operands)`` with op_type one of the fusable graph op types
    ("Add", "Sub", "Mul", "RealDiv", "Maximum", "Relu", "Exp", "AddN" ...), or
    ``("Cast", operands, dtype)``.

    Raises:
      ValueError: if the program is malformed, reads or makes a dtype other than float32 and
        float64, or its shapes do not broadcast (the message names the instruction).
    """
    with ops.name_scope(name, "FusedElementwise", list(inputs)) as scope:
        xs = [ops.convert_to_tensor(x, name="x_%d" % i) for i, x in enumerate(inputs)]
        dtypes = [x.dtype.base_dtype for x in xs]
        names, arity, operands, tout = [], [], [], []
        for k, instr in enumerate(program):
            op_type, args = instr[0], [int(a) for a in instr[1]]
            if not all(0 <= a < len(dtypes) for a in args) or not args:
                raise ValueError("instruction %d (%s) reads %s; values 0..%d exist"
                                 % (k, op_type, args, len(dtypes) - 1))
            dtype = _dtypes.as_dtype(instr[2]) if op_type == "Cast" else dtypes[args[0]]
            names.append(op_type)
            arity.append(len(args))
            operands.extend(args)
            tout.append(dtype.as_datatype_enum)
            dtypes.append(dtype)
        attrs = {
            "Tin": ("ints", [x.dtype.base_dtype.as_datatype_enum for x in xs]),
            "ops": ("str", " ".join(names)),
            "arity": ("ints", arity),
            "operands": ("ints", operands),
            "Tout": ("ints", tout),
        }
        return ops.get_default_graph().create_op("_FusedElementwise", xs, attrs,
                                                 name=scope).outputs[0]
