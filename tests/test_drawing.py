"""pygraphx.drawing: DOT text with one cluster per name scope, and rendering through Graphviz.

The DOT text is parsed back (nodes, the clusters enclosing each, edges and their attributes) so
the tests check structure rather than formatting. Tests that run Graphviz's ``dot`` are skipped
when it is not installed.
"""

from __future__ import annotations

import re
import shutil
from typing import Dict, List, Tuple

import pytest

import pygraphx as tf
from pygraphx import drawing

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot is not installed")

_QUOTED = r'"((?:[^"\\]|\\.)*)"'
_CLUSTER_RE = re.compile(r"^\s*subgraph " + _QUOTED + r" \{$")
_NODE_RE = re.compile(r"^\s*" + _QUOTED + r" \[(.*)\];$")
_EDGE_RE = re.compile(r"^\s*" + _QUOTED + r" -> " + _QUOTED + r"(?: \[(.*)\])?;$")
_ATTR_RE = re.compile(r'(\w+)=(?:' + _QUOTED + r'|([^,\s"]+))')


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def _attrs(text: str) -> Dict[str, str]:
    out = {}
    for m in _ATTR_RE.finditer(text or ""):
        out[m.group(1)] = _unquote(m.group(2)) if m.group(2) is not None else m.group(3)
    return out


class ParsedDot:
    """Nodes (id -> attributes), the clusters around each node (outermost first), clusters
    (name -> label, parent) and edges (src, dst, attributes)."""

    def __init__(self, text: str) -> None:
        self.nodes: Dict[str, Dict[str, str]] = {}
        self.node_clusters: Dict[str, List[str]] = {}
        self.clusters: Dict[str, Dict[str, str]] = {}
        self.cluster_parent: Dict[str, str] = {}
        self.edges: List[Tuple[str, str, Dict[str, str]]] = []
        stack: List[str] = []
        lines = text.splitlines()
        assert lines[0] == "digraph G {" and lines[-1] == "}"
        for line in lines[1:-1]:
            m = _CLUSTER_RE.match(line)
            if m:
                name = _unquote(m.group(1))
                assert name not in self.clusters, "cluster %s written twice" % name
                self.clusters[name] = {}
                self.cluster_parent[name] = stack[-1] if stack else ""
                stack.append(name)
                continue
            if line.strip() == "}":
                stack.pop()
                continue
            if stack and line.strip().startswith("label="):
                self.clusters[stack[-1]] = _attrs(line)
                continue
            m = _EDGE_RE.match(line)
            if m:
                self.edges.append((_unquote(m.group(1)), _unquote(m.group(2)),
                                   _attrs(m.group(3))))
                continue
            m = _NODE_RE.match(line)
            if m:
                node = _unquote(m.group(1))
                assert node not in self.nodes, "node %s written twice" % node
                self.nodes[node] = _attrs(m.group(2))
                self.node_clusters[node] = list(stack)
                continue
            assert re.match(r"^\s*(graph|node|edge) \[.*\];$", line), line
        assert not stack

    def top_clusters(self) -> List[str]:
        return [c for c, p in self.cluster_parent.items() if p == ""]

    def edges_into(self, node: str) -> List[Tuple[str, Dict[str, str]]]:
        return [(s, a) for s, d, a in self.edges if d == node]


def _relu(X):
    threshold = tf.get_variable("threshold", shape=(),
                                initializer=tf.constant_initializer(0.0))
    w_shape = (int(X.get_shape()[1]), 1)
    w = tf.Variable(tf.random_normal(w_shape), name="weights")
    b = tf.Variable(0.0, name="bias")
    z = tf.add(tf.matmul(X, w), b, name="z")
    return tf.maximum(z, threshold, name="max")


def _five_relus():
    X = tf.placeholder(tf.float32, shape=(None, 3), name="X")
    relus = []
    for relu_index in range(5):
        with tf.variable_scope("relu", reuse=(relu_index >= 1)):
            relus.append(_relu(X))
    return tf.add_n(relus, name="output")


# ---------------------------------------------------------------------------------------------
# DOT text


def test_five_relus_have_five_clusters_and_one_threshold_in_the_first():
    _five_relus()
    dot = ParsedDot(drawing.to_dot())
    scopes = ["relu", "relu_1", "relu_2", "relu_3", "relu_4"]
    assert [c for c in dot.top_clusters()] == ["cluster_" + s for s in scopes]
    for s in scopes:
        assert dot.clusters["cluster_" + s]["label"] == s
        assert dot.nodes[s + "/max"]["label"] == "max\nMaximum"
        assert dot.node_clusters[s + "/max"] == ["cluster_" + s]
    # One threshold, created in the first scope, read by all five ReLUs.
    thresholds = [n for n in dot.nodes if n.endswith("threshold")]
    assert thresholds == ["relu/threshold"]
    assert dot.node_clusters["relu/threshold"][0] == "cluster_relu"
    assert dot.nodes["relu/threshold"]["label"] == "threshold\nVariableV2"
    readers = sorted(d for s, d, _ in dot.edges if s == "relu/threshold/read")
    assert readers == sorted(s + "/max" for s in scopes)
    # Ops outside any scope stay at the top level.
    assert dot.node_clusters["X"] == [] and dot.node_clusters["output"] == []
    assert sorted(s for s, _ in dot.edges_into("output")) == sorted(s + "/max" for s in scopes)


def test_every_op_is_a_node_and_every_input_an_edge():
    _five_relus()
    g = tf.get_default_graph()
    dot = ParsedDot(drawing.to_dot(g))
    ops = g.get_operations()
    assert set(dot.nodes) == {op.name for op in ops}
    expected = sorted((t.op.name, op.name) for op in ops for t in op.inputs)
    assert sorted((s, d) for s, d, a in dot.edges if a.get("style") != "dashed") == expected
    for op in ops:
        assert dot.nodes[op.name]["label"].split("\n")[:2] == [op.name.rpartition("/")[2],
                                                               op.type]


def test_nested_name_scopes_nest_clusters():
    with tf.name_scope("outer"):
        with tf.name_scope("inner"):
            a = tf.constant(1.0, name="a")
        b = tf.identity(a, name="b")
    with tf.name_scope("outer"):  # re-opened: a uniquified sibling scope
        tf.identity(b, name="c")
    dot = ParsedDot(drawing.to_dot())
    assert dot.node_clusters["outer/inner/a"] == ["cluster_outer", "cluster_outer/inner"]
    assert dot.clusters["cluster_outer/inner"]["label"] == "inner"
    assert dot.cluster_parent["cluster_outer/inner"] == "cluster_outer"
    assert dot.node_clusters["outer/b"] == ["cluster_outer"]
    assert dot.node_clusters["outer_1/c"] == ["cluster_outer_1"]
    assert dot.top_clusters() == ["cluster_outer", "cluster_outer_1"]


def test_an_op_named_like_a_scope_sits_in_that_scope():
    v = tf.Variable(2.0, name="v")
    dot = ParsedDot(drawing.to_dot())
    # The variable and its Assign/read form one box, as TensorBoard shows them.
    assert dot.node_clusters["v"] == ["cluster_v"]
    assert dot.node_clusters["v/read"] == ["cluster_v"]
    assert dot.clusters["cluster_v"]["label"] == "v"
    assert v.op.name == "v"


def test_odd_names_are_quoted_and_round_trip():
    names = ["a-b.c", "x>y", "back\\slash", "trail\\", "9lives", ".dot"]
    with tf.name_scope("sc-1.x"):
        made = [tf.constant(float(i), name=n) for i, n in enumerate(names)]
    tf.add_n(made, name="sum>all")
    text = drawing.to_dot()
    dot = ParsedDot(text)
    for n in names:
        full = "sc-1.x/" + n
        assert full in dot.nodes
        assert dot.nodes[full]["label"].split("\n")[0] == n
        assert dot.node_clusters[full] == ["cluster_sc-1.x"]
        assert (full, "sum>all") in [(s, d) for s, d, _ in dot.edges]
    assert '"sc-1.x/back\\\\slash"' in text and '"sc-1.x/trail\\\\"' in text


@needs_dot
def test_odd_names_are_accepted_by_graphviz():
    with tf.name_scope("sc-1.x"):
        a = tf.constant(1.0, name="trail\\")
        b = tf.constant(2.0, name="back\\slash")
    tf.add(a, b, name="q>r")
    svg = drawing.render()
    assert svg.count('class="node"') == 3
    assert svg.count('class="edge"') == 2


def test_control_inputs_are_dashed_edges():
    a = tf.constant(1.0, name="a")
    b = tf.constant(2.0, name="b")
    with tf.control_dependencies([a, b.op]):
        c = tf.identity(a, name="c")
    tf.no_op(name="n")._add_control_input(c.op)
    dot = ParsedDot(drawing.to_dot())
    into_c = dot.edges_into("c")
    assert ("a", {"label": "()"}) in into_c          # the data input
    dashed = sorted((s, d) for s, d, a in dot.edges if a.get("style") == "dashed")
    assert dashed == [("b", "c"), ("c", "n")]
    # a is already a data input of c, so it gets no control edge (as TF records it)
    assert ("a", "c") not in dashed


def test_edge_labels_are_static_shapes():
    X = tf.placeholder(tf.float32, shape=(None, 3), name="X")
    U = tf.placeholder(tf.float32, name="U")
    tf.reduce_sum(X, axis=1, name="s")
    tf.identity(U, name="unknown")
    a, b = tf.unstack(tf.zeros((2, 4)), name="parts")
    tf.add(a, b, name="ab")
    dot = ParsedDot(drawing.to_dot())
    assert dict(dot.edges_into("s"))["X"] == {"label": "(?, 3)"}
    assert dict(dot.edges_into("unknown"))["U"] == {}          # unknown rank: no label
    # A producer with several outputs names the output index.
    labels = sorted(a["label"] for s, a in dot.edges_into("ab"))
    assert labels == ["0: (4,)", "1: (4,)"]
    plain = ParsedDot(drawing.to_dot(show_shapes=False))
    assert all("label" not in a for _, _, a in plain.edges)


def test_small_constants_show_their_values():
    tf.constant([1.5, 2.0], name="small")
    tf.constant([[1, 2, 3], [4, 5, 6]], name="big")
    tf.constant(7, name="scalar")
    dot = ParsedDot(drawing.to_dot(max_const_elements=4))
    assert dot.nodes["small"]["label"] == "small\nConst\n[1.5, 2. ]"
    assert dot.nodes["big"]["label"] == "big\nConst"
    assert dot.nodes["scalar"]["label"] == "scalar\nConst\n7"
    dot = ParsedDot(drawing.to_dot(max_const_elements=6))
    assert dot.nodes["big"]["label"] == "big\nConst\n[[1, 2, 3], [4, 5, 6]]"
    dot = ParsedDot(drawing.to_dot(max_const_elements=0))
    assert dot.nodes["scalar"]["label"] == "scalar\nConst"


def test_string_constants_show_their_bytes_cut_to_a_short_label():
    x = tf.constant(2.0, name="x")
    tf.summary.scalar("MSE", x)
    tf.constant("y" * 100, name="long")
    dot = ParsedDot(drawing.to_dot())
    assert dot.nodes["MSE/tags"]["label"] == "tags\nConst\nb'MSE'"
    assert dot.node_clusters["MSE"] == ["cluster_MSE"]
    assert dot.nodes["long"]["label"] == "long\nConst\nb'" + "y" * 35 + "..."


def test_output_is_deterministic():
    graphs = []
    for _ in range(2):
        g = tf.Graph()
        with g.as_default():
            _five_relus()
        graphs.append(g)
    first = drawing.to_dot(graphs[0])
    assert drawing.to_dot(graphs[0]) == first
    assert drawing.to_dot(graphs[1]) == first


def test_default_graph_and_options():
    tf.constant(1.0, name="only")
    text = drawing.to_dot(title='A "title"', rankdir="LR")
    assert "rankdir=LR" in text and 'label="A \\"title\\""' in text
    assert list(ParsedDot(text).nodes) == ["only"]
    assert ParsedDot(drawing.to_dot(tf.Graph())).nodes == {}


def test_bad_arguments():
    with pytest.raises(TypeError, match="pygraphx Graph"):
        drawing.to_dot("not a graph")
    with pytest.raises(ValueError, match="rankdir"):
        drawing.to_dot(rankdir="up")
    with pytest.raises(ValueError, match="max_const_elements"):
        drawing.to_dot(max_const_elements=-1)
    with pytest.raises(ValueError, match="format"):
        drawing.render(format="pdf")


# ---------------------------------------------------------------------------------------------
# Rendering


@needs_dot
def test_render_svg_text():
    _five_relus()
    svg = drawing.render()
    assert isinstance(svg, str)
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
    for s in ("relu", "relu_1", "relu_2", "relu_3", "relu_4"):
        assert "<title>cluster_%s</title>" % s in svg
    assert "<title>relu/threshold</title>" in svg


@needs_dot
def test_render_to_files(tmp_path):
    _five_relus()
    svg_path = tmp_path / "g.svg"
    assert drawing.render(path=svg_path) == str(svg_path)
    assert "</svg>" in svg_path.read_text()
    png_path = str(tmp_path / "g.png")
    assert drawing.render(path=png_path, format="png") == png_path
    with open(png_path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    png = drawing.render(format="png")
    assert isinstance(png, bytes) and png[:4] == b"\x89PNG"


@needs_dot
def test_repr_svg_draws_the_graph():
    g = tf.get_default_graph()
    tf.constant(1.0, name="c")
    svg = g._repr_svg_()
    assert svg is not None and "<title>c</title>" in svg


def test_missing_dot_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    tf.constant(1.0)
    with pytest.raises(FileNotFoundError, match="Graphviz's `dot`"):
        drawing.render()
    with pytest.raises(FileNotFoundError, match="Graphviz's `dot`"):
        drawing.dot_executable()
    # Notebooks fall back to the text repr.
    assert tf.get_default_graph()._repr_svg_() is None


def test_dot_failure_is_a_runtime_error(monkeypatch):
    false = shutil.which("false")
    if false is None:
        pytest.skip("no `false` program")
    monkeypatch.setattr(drawing, "dot_executable", lambda: false)
    with pytest.raises(RuntimeError, match="dot failed with exit status 1"):
        drawing.render()
