"""Drawing graphs: DOT text with one cluster per name scope, rendered by Graphviz.

``to_dot(graph)`` needs nothing but the graph. Every name scope becomes a nested
``subgraph "cluster_<scope>"`` labelled with the scope's last component, so the five ReLUs of
chapter 9 come out as five boxes (``relu``, ``relu_1`` ... ``relu_4``) the way TensorBoard folds
them. Each operation is a node whose id is its quoted full name and whose label is its short name
and type (an op named like a scope, such as a variable next to its ``Assign`` and ``read``, sits
inside that scope's box); data inputs are solid edges labelled with the tensor's static shape,
control inputs dashed edges. The text depends only on the graph, so the same graph always gives
the same DOT.

``render(graph)`` pipes that text through Graphviz's ``dot`` program (SVG or PNG), and
``Graph._repr_svg_`` uses it so a graph shows itself in a notebook when Graphviz is installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any, Dict, List, Optional, Tuple, Union, cast

import numpy as np

__all__ = ["to_dot", "render", "dot_executable"]

_FORMATS = ("svg", "png")
_RENDER_TIMEOUT_S = 120
_MAX_VALUE_CHARS = 40  # a Const's value in its label is cut to this many characters

# Node styles by op type: the graph's inputs and state stand out from the computation.
_VARIABLE_TYPES = frozenset({"VariableV2", "Variable", "VarHandleOp"})
_STYLE_VARIABLE = 'shape=box, style="rounded,filled", fillcolor="#d9e8fb"'
_STYLE_PLACEHOLDER = 'shape=box, style=filled, fillcolor="#fff2cc"'
_STYLE_CONST = 'shape=box, style=filled, fillcolor="#eeeeee", fontsize=8'
_STYLE_OP = 'shape=ellipse'


def _quote(text: str) -> str:
    """``text`` as a DOT double-quoted string (backslashes and quotes escaped)."""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"%s"' % text


def _scope_of(name: str) -> str:
    return name.rpartition("/")[0]


def _const_text(op: Any, max_elements: int) -> Optional[str]:
    """The value of a small Const for its label, or None when it has too many elements."""
    try:
        value = op.get_attr("value")
    except ValueError:
        return None
    value = np.asarray(value)
    if value.size > max_elements:
        return None
    if value.ndim == 0:
        text = str(value.item())
    else:
        text = " ".join(np.array2string(value, separator=", ", precision=4).split())
    if len(text) > _MAX_VALUE_CHARS:  # a long string constant
        text = text[:_MAX_VALUE_CHARS - 3] + "..."
    return text


def _node_label(op: Any, max_const_elements: int) -> str:
    lines = [op.name.rpartition("/")[2], op.type]
    if op.type == "Const" and max_const_elements > 0:
        text = _const_text(op, max_const_elements)
        if text is not None:
            lines.append(text)
    return "\n".join(lines)


def _node_style(op_type: str) -> str:
    if op_type in _VARIABLE_TYPES:
        return _STYLE_VARIABLE
    if op_type in ("Placeholder", "PlaceholderWithDefault"):
        return _STYLE_PLACEHOLDER
    if op_type == "Const":
        return _STYLE_CONST
    return _STYLE_OP


def _edge_label(tensor: Any) -> str:
    """The tensor's static shape when its rank is known (prefixed by the output index when
    the producer has several outputs), else an empty label."""
    shape = tensor.shape
    text = "" if shape.ndims is None else str(shape)
    if len(tensor.op.outputs) > 1:
        text = "%d: %s" % (tensor.value_index, text) if text else str(tensor.value_index)
    return text


class _Scope:
    """A name scope: its operations and sub-scopes, in the order they first appear."""

    __slots__ = ("name", "items")

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: List[Tuple[str, Any]] = []  # ("op", Operation) or ("scope", _Scope)


def _scope_tree(ops: List[Any]) -> _Scope:
    root = _Scope("")
    scopes: Dict[str, _Scope] = {"": root}

    def get(name: str) -> _Scope:
        scope = scopes.get(name)
        if scope is None:
            scope = _Scope(name)
            scopes[name] = scope
            get(_scope_of(name)).items.append(("scope", scope))
        return scope

    # An op whose name is also a scope (a variable and its ``Assign``/``read``, ``random_normal``
    # and its parts) is drawn inside that scope's box, as TensorBoard groups them.
    prefixes = {op.name[:i] for op in ops for i, ch in enumerate(op.name) if ch == "/"}
    for op in ops:
        home = op.name if op.name in prefixes else _scope_of(op.name)
        get(home).items.append(("op", op))
    return root


def to_dot(graph: Any = None, *, max_const_elements: int = 4, show_shapes: bool = True,
           rankdir: str = "BT", title: Optional[str] = None) -> str:
    """The graph as Graphviz DOT text, one nested cluster per name scope.

    Args:
      graph: a ``pygraphx.Graph``; the default graph when None.
      max_const_elements: a Const with at most this many elements shows its value in its
        label (0 shows no values).
      show_shapes: label data edges with the static shape of the tensor they carry.
      rankdir: Graphviz's layout direction; "BT" draws inputs at the bottom, as TensorBoard.
      title: a label for the whole drawing.

    Returns:
      The DOT text (deterministic: the same graph always gives the same text).

    Raises:
      TypeError: if ``graph`` is not a Graph.
      ValueError: if ``rankdir`` is not one of "TB", "BT", "LR", "RL", or
        ``max_const_elements`` is negative.
    """
    from .framework.graph import Graph, get_default_graph

    if graph is None:
        graph = get_default_graph()
    if not isinstance(graph, Graph):
        raise TypeError("to_dot expects a pygraphx Graph, got %s" % type(graph).__name__)
    if rankdir not in ("TB", "BT", "LR", "RL"):
        raise ValueError("rankdir must be one of 'TB', 'BT', 'LR', 'RL', got %r" % (rankdir,))
    if max_const_elements < 0:
        raise ValueError("max_const_elements must be >= 0, got %d" % max_const_elements)

    ops = graph.get_operations()
    out = ["digraph G {"]
    out.append("  graph [rankdir=%s, compound=true, fontname=Helvetica, fontsize=11%s];"
               % (rankdir, "" if title is None else ", label=%s, labelloc=t" % _quote(title)))
    out.append("  node [fontname=Helvetica, fontsize=10];")
    out.append("  edge [fontname=Helvetica, fontsize=8, color=\"#555555\"];")

    def emit(scope: _Scope, indent: str) -> None:
        for kind, item in scope.items:
            if kind == "scope":
                out.append("%ssubgraph %s {" % (indent, _quote("cluster_" + item.name)))
                out.append('%s  label=%s; style="rounded"; color="#999999";'
                           % (indent, _quote(item.name.rpartition("/")[2])))
                emit(item, indent + "  ")
                out.append("%s}" % indent)
            else:
                out.append("%s%s [label=%s, %s];"
                           % (indent, _quote(item.name),
                              _quote(_node_label(item, max_const_elements)),
                              _node_style(item.type)))

    emit(_scope_tree(ops), "  ")

    for op in ops:
        dst = _quote(op.name)
        for tensor in op.inputs:
            label = _edge_label(tensor) if show_shapes else ""
            attrs = " [label=%s]" % _quote(label) if label else ""
            out.append("  %s -> %s%s;" % (_quote(tensor.op.name), dst, attrs))
        for ctrl in op.control_inputs:
            out.append("  %s -> %s [style=dashed];" % (_quote(ctrl.name), dst))
    out.append("}")
    return "\n".join(out) + "\n"


def dot_executable() -> str:
    """The path of Graphviz's ``dot`` program.

    Raises:
      FileNotFoundError: when ``dot`` is not on the PATH.
    """
    path = shutil.which("dot")
    if path is None:
        raise FileNotFoundError(
            "Graphviz's `dot` program is needed to render a graph but was not found on the "
            "PATH. Install Graphviz (e.g. `apt-get install graphviz` or `brew install "
            "graphviz`), or use pygraphx.drawing.to_dot() for the DOT text.")
    return path


def render(graph: Any = None, path: Union[str, "os.PathLike[str]", None] = None,
           format: str = "svg", **dot_options: Any) -> Union[str, bytes]:
    """Draws the graph with Graphviz's ``dot``.

    Args:
      graph: a ``pygraphx.Graph``; the default graph when None.
      path: where to write the drawing; when None it is returned instead.
      format: "svg" or "png".
      **dot_options: passed to ``to_dot`` (``max_const_elements``, ``show_shapes``, ...).

    Returns:
      Without ``path``: the SVG text (str) or the PNG bytes. With ``path``: the path written.

    Raises:
      FileNotFoundError: when Graphviz's ``dot`` is not installed.
      ValueError: for a format other than "svg" and "png".
      RuntimeError: when ``dot`` fails (its error output is in the message).
    """
    if format not in _FORMATS:
        raise ValueError("render: format must be one of %s, got %r" % (", ".join(_FORMATS),
                                                                       format))
    source = to_dot(graph, **dot_options)
    proc = subprocess.run([dot_executable(), "-T" + format], input=source.encode("utf-8"),
                          capture_output=True, timeout=_RENDER_TIMEOUT_S, check=False)
    if proc.returncode != 0:
        raise RuntimeError("Graphviz's dot failed with exit status %d: %s"
                           % (proc.returncode, proc.stderr.decode("utf-8", "replace").strip()))
    data = proc.stdout
    if path is None:
        return data.decode("utf-8") if format == "svg" else data
    with open(path, "wb") as f:
        f.write(data)
    return os.fspath(path)


def _svg_or_none(graph: Any) -> Optional[str]:
    """The SVG drawing of ``graph`` when Graphviz is installed, else None."""
    if shutil.which("dot") is None:
        return None
    return cast(str, render(graph, format="svg"))
