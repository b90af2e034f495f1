"""The framework namespace op wrappers build with: graphs, tensors, operations, scopes,
conversion and attribute helpers, gathered from their modules (``graph``, ``tensor``,
``convert``) under the one name TF's code uses, ``ops``."""

from __future__ import annotations

from .convert import (  # noqa: F401
    _infer_dtype,
    _to_numpy,
    attr_bool,
    attr_dtype,
    attr_float,
    attr_int,
    attr_ints,
    attr_shape,
    attr_str,
    attr_tensor,
    constant_tensor,
    convert_n_to_tensor,
    convert_to_tensor,
    make_op,
    register_tensor_conversion_function,
)
from .graph import (  # noqa: F401
    _PACKAGE_DIR,
    Graph,
    GraphKeys,
    _graph_of,
    add_to_collection,
    add_to_collections,
    control_dependencies,
    get_collection,
    get_collection_ref,
    get_default_graph,
    init_scope,
    name_scope,
    reset_default_graph,
)
from .gradient_registry import NotDifferentiable, RegisterGradient, no_gradient  # noqa: F401
from .tensor import Operation, Tensor  # noqa: F401

__all__ = [
    "Graph",
    "Operation",
    "Tensor",
    "GraphKeys",
    "get_default_graph",
    "reset_default_graph",
    "name_scope",
    "control_dependencies",
    "convert_to_tensor",
    "add_to_collection",
    "add_to_collections",
    "get_collection",
    "get_collection_ref",
    "register_tensor_conversion_function",
    "RegisterGradient",
    "NotDifferentiable",
    "no_gradient",
]
