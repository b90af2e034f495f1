"""Graphs, operations, tensors, shapes, collections and control dependencies against TF1."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import pygraphx as tf


def op_names(graph=None) -> list:
    g = graph or tf.get_default_graph()
    return [op.name for op in g.get_operations()]


# ---------------------------------------------------------------------------------------------
# Default graphs


def test_nodes_land_in_the_default_graph(fresh_graph):
    x1 = tf.Variable(1)
    assert x1.graph is tf.get_default_graph()
    assert tf.get_default_graph() is fresh_graph


def test_as_default_nests_and_restores(fresh_graph):
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1)
        assert tf.get_default_graph() is g
        h = tf.Graph()
        with h.as_default():
            assert tf.get_default_graph() is h
        assert tf.get_default_graph() is g
    assert c.graph is g
    assert tf.get_default_graph() is fresh_graph
    assert op_names(g) == ["Const"] and op_names(fresh_graph) == []


def test_default_graph_is_per_thread():
    g = tf.Graph()
    seen = []
    with g.as_default():
        t = threading.Thread(target=lambda: seen.append(tf.get_default_graph() is g))
        t.start()
        t.join()
    assert seen == [False]


def test_reset_default_graph_inside_a_graph_context_is_assertion_error():
    with pytest.raises(AssertionError, match="Do not use tf.reset_default_graph"):
        tf.reset_default_graph()


def test_reset_default_graph_outside_contexts():
    """Run in a thread: it has no graph stack, like a notebook's top level."""
    result = {}

    def body():
        g0 = tf.get_default_graph()
        tf.constant(1)
        tf.reset_default_graph()
        g1 = tf.get_default_graph()
        result["different"] = g1 is not g0
        result["empty"] = g1.get_operations() == []

    t = threading.Thread(target=body)
    t.start()
    t.join()
    assert result == {"different": True, "empty": True}


def test_graph_version_counts_ops():
    g = tf.get_default_graph()
    assert g.version == 0
    tf.constant(1)
    assert g.version == 1


# ---------------------------------------------------------------------------------------------
# Lookup


def test_get_operations_in_creation_order():
    a = tf.constant(1, name="a")
    tf.identity(a, name="b")
    assert op_names() == ["a", "b"]


def test_get_operation_and_tensor_by_name():
    c = tf.constant(1, name="c")
    g = tf.get_default_graph()
    assert g.get_operation_by_name("c") is c.op
    assert g.get_tensor_by_name("c:0") is c
    assert g.as_graph_element("c") is c.op
    assert g.as_graph_element("c:0") is c


def test_get_operation_by_name_errors():
    tf.constant(1, name="c")
    g = tf.get_default_graph()
    with pytest.raises(KeyError, match="The name 'nope' refers to an Operation not in the graph."):
        g.get_operation_by_name("nope")
    with pytest.raises(ValueError, match="Name 'c:0' appears to refer to a Tensor, not a "
                                         "Operation."):
        g.get_operation_by_name("c:0")
    with pytest.raises(TypeError, match="Operation names are strings"):
        g.get_operation_by_name(3)


def test_get_tensor_by_name_errors():
    tf.constant(1, name="c")
    g = tf.get_default_graph()
    with pytest.raises(ValueError, match="The name 'c' refers to an Operation, not a Tensor."):
        g.get_tensor_by_name("c")
    with pytest.raises(KeyError, match="The operation, 'nope', does not exist in the graph."):
        g.get_tensor_by_name("nope:0")
    with pytest.raises(KeyError, match="The operation, 'c', exists but only has 1 outputs."):
        g.get_tensor_by_name("c:1")
    with pytest.raises(ValueError, match="looks a like a Tensor name, but is not a valid one"):
        g.get_tensor_by_name("c:x")
    with pytest.raises(TypeError, match="Tensor names are strings"):
        g.get_tensor_by_name(3)


def test_as_graph_element_errors():
    g = tf.get_default_graph()
    with pytest.raises(TypeError, match="Can not convert a int into a Tensor or Operation."):
        g.as_graph_element(3)
    other = tf.Graph()
    with other.as_default():
        c = tf.constant(1)
    with pytest.raises(ValueError, match="is not an element of this graph"):
        g.as_graph_element(c)


def test_as_graph_element_of_a_variable_is_its_ref_tensor():
    v = tf.Variable(1.0, name="v")
    e = tf.get_default_graph().as_graph_element(v)
    assert e.name == "v:0"
    assert repr(e) == "<tf.Tensor 'v:0' shape=() dtype=float32_ref>"


# ---------------------------------------------------------------------------------------------
# Collections


def test_collections():
    tf.add_to_collection("k", 1)
    tf.add_to_collection("k", 2)
    tf.add_to_collections(["a", "b"], 3)
    tf.get_collection_ref("k").append(4)
    g = tf.get_default_graph()
    assert tf.get_collection("k") == [1, 2, 4]
    assert tf.get_collection("a") == [3] and tf.get_collection("b") == [3]
    assert tf.get_collection("nope") == []
    assert sorted(g.get_all_collection_keys()) == ["a", "b", "k"]
    got = tf.get_collection("k")
    got.append(5)
    assert tf.get_collection("k") == [1, 2, 4]


def test_collection_scope_filter():
    tf.Variable(1.0, name="a")
    with tf.name_scope("s"):
        b = tf.Variable(1.0, name="b")
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope="s") == [b]
    assert tf.global_variables("s") == [b]


# ---------------------------------------------------------------------------------------------
# finalize, mixing graphs


def test_finalized_graph_rejects_new_ops():
    g = tf.get_default_graph()
    tf.constant(1)
    g.finalize()
    assert g.finalized
    with pytest.raises(RuntimeError, match="Graph is finalized and cannot be modified."):
        tf.constant(2)
    assert op_names() == ["Const"]


def test_mixing_tensors_of_two_graphs_is_value_error():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1.0)
    d = tf.constant(2.0)
    with pytest.raises(ValueError):
        tf.group(c, d)
    with pytest.raises(ValueError):
        tf.assign(tf.Variable(1.0), c)


def test_op_on_foreign_tensor_is_built_in_the_tensors_graph():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1.0)
    i = tf.identity(c)
    assert i.graph is g


@pytest.mark.skipif(not hasattr(tf, "add"), reason="waiting for math ops")
def test_binary_op_on_two_graphs_is_value_error():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1.0)
    with pytest.raises(ValueError):
        tf.add(c, tf.constant(2.0))


# ---------------------------------------------------------------------------------------------
# Control dependencies


def test_control_dependencies_nest_and_none_clears():
    a = tf.constant(1, name="a")
    b = tf.constant(2, name="b")
    with tf.control_dependencies([a]):
        c = tf.constant(3, name="c")
        with tf.control_dependencies([b]):
            d = tf.constant(4, name="d")
            with tf.control_dependencies(None):
                e = tf.constant(5, name="e")
                with tf.control_dependencies([b]):
                    f = tf.constant(6, name="f")
    got = [[o.name for o in t.op.control_inputs] for t in (c, d, e, f)]
    assert got == [["a"], ["a", "b"], [], ["b"]]


def test_control_dependency_skipped_for_data_inputs_and_dominated_ops():
    a = tf.constant(1, name="a")
    with tf.control_dependencies([a]):
        i = tf.identity(a, name="i")  # a is a data input
        j = tf.identity(i, name="j")  # i was created inside the block: already dominated
    assert i.op.control_inputs == [] and j.op.control_inputs == []


def test_control_dependency_on_tensor_op_and_variable_initializer():
    v = tf.Variable(1.0, name="v")
    with tf.control_dependencies([v.initializer]):
        c = tf.identity(v, name="c")
    assert [o.name for o in c.op.control_inputs] == ["v/Assign"]


def test_control_dependencies_bad_input():
    with pytest.raises(TypeError, match="Can not convert a int into a Tensor or Operation."):
        with tf.control_dependencies([3]):
            pass


def test_variable_created_in_control_dependencies_has_none():
    c = tf.constant(1.0, name="c")
    with tf.control_dependencies([c]):
        tf.Variable(1.0, name="v")
    assert all(op.control_inputs == [] for op in tf.get_default_graph().get_operations())


def test_control_dependency_orders_execution(sess):
    v = tf.Variable(1.0, name="v")
    a = tf.assign(v, 5.0)
    with tf.control_dependencies([a]):
        r = tf.identity(v.value())  # v/read is outside the block: re-read after a
        r2 = v.read_value()
    sess.run(v.initializer)
    assert sess.run(r2) == np.float32(5.0)
    assert r.op.control_inputs == [a.op]


# ---------------------------------------------------------------------------------------------
# Tensor and Operation attributes


def test_tensor_and_operation_attributes():
    x = tf.placeholder(tf.float32, shape=(None, 3), name="X")
    c = tf.constant([[1, 2]], name="c")
    i = tf.identity(x, name="i")
    assert x.op.type == "Placeholder"
    assert x.op.get_attr("dtype") == tf.float32
    assert x.op.get_attr("shape").as_list() == [None, 3]
    assert c.op.get_attr("dtype") == tf.int32
    assert list(i.op.inputs) == [x]
    assert [t.name for t in i.op.outputs] == ["i:0"]
    assert x.op.outputs[0] is x
    assert x.consumers() == [i.op]
    assert x.graph is tf.get_default_graph() and i.op.graph is x.graph
    assert x.dtype == tf.float32
    assert x.shape.as_list() == [None, 3]
    assert x.get_shape().ndims == 2
    assert c.shape.as_list() == [1, 2]
    assert i.op.control_inputs == []


def test_get_attr_missing_is_value_error():
    x = tf.placeholder(tf.float32, name="X")
    with pytest.raises(ValueError, match="Operation 'X' has no attr named 'nope'."):
        x.op.get_attr("nope")


def test_reprs():
    x = tf.placeholder(tf.float32, shape=(None, 3), name="X")
    c = tf.constant([1.0, 2.0], name="c")
    u = tf.placeholder(tf.float32)
    v = tf.Variable([[1.0, 2.0]], name="v")
    assert repr(x) == "<tf.Tensor 'X:0' shape=(?, 3) dtype=float32>"
    assert str(c) == 'Tensor("c:0", shape=(2,), dtype=float32)'
    assert repr(c.op) == "<tf.Operation 'c' type=Const>"
    assert repr(u) == "<tf.Tensor 'Placeholder:0' shape=<unknown> dtype=float32>"
    assert str(u) == 'Tensor("Placeholder:0", dtype=float32)'
    assert repr(v) == "<tf.Variable 'v:0' shape=(1, 2) dtype=float32_ref>"
    assert str(v.value()) == 'Tensor("v/read:0", shape=(1, 2), dtype=float32)'
    assert repr(tf.Variable(1, name="w")) == "<tf.Variable 'w:0' shape=() dtype=int32_ref>"


def test_tensor_is_not_a_python_bool_nor_iterable_nor_sized():
    c = tf.constant([1, 2])
    with pytest.raises(TypeError):
        bool(c)
    with pytest.raises(TypeError):
        iter(c)
    with pytest.raises(TypeError):
        a, b = c
    with pytest.raises(TypeError, match="len is not well defined"):
        len(c)


# ---------------------------------------------------------------------------------------------
# TensorShape and Dimension


def test_dimensions_of_a_partial_shape():
    x = tf.placeholder(tf.float32, shape=(None, 3), name="X")
    d0, d1 = x.shape[0], x.shape[1]
    assert repr(d0) == "Dimension(None)" and repr(d1) == "Dimension(3)"
    assert d0.value is None and d1.value == 3
    assert int(d1) == 3
    assert str(d0) == "?"
    assert (d1 == 3) is True
    assert (d0 == 3) is None
    assert repr(x.shape) == "TensorShape([Dimension(None), Dimension(3)])"
    assert str(x.shape) == "(?, 3)"
    assert x.shape[1:].as_list() == [3]
    assert x.shape.ndims == 2 and len(x.shape) == 2
    assert not x.shape.is_fully_defined()
    with pytest.raises(TypeError):
        int(d0)


def test_unknown_shape():
    u = tf.placeholder(tf.float32)
    assert u.shape == tf.TensorShape(None)
    assert repr(u.shape) == "TensorShape(None)"
    assert u.shape.ndims is None
    assert u.shape[0].value is None
    with pytest.raises(ValueError, match="as_list\\(\\) is not defined on an unknown TensorShape."):
        u.shape.as_list()


def test_tensor_shape_operations():
    s = tf.TensorShape([None, 3])
    assert s.merge_with([2, None]).as_list() == [2, 3]
    assert s.is_compatible_with([2, 3]) and not s.is_compatible_with([2, 4])
    assert s.num_elements() is None
    assert tf.TensorShape([2, 3]).num_elements() == 6
    assert s.concatenate([4]).as_list() == [None, 3, 4]
    assert repr(tf.TensorShape([])) == "TensorShape([])"
    assert tf.Dimension(3) + 2 == tf.Dimension(5)
    assert (tf.Dimension(None) + 2).value is None
    assert tf.TensorShape([1, 2]) == [1, 2]
    with pytest.raises(ValueError):
        s.merge_with([2, 4])


def test_set_shape_narrows_and_rejects_incompatible():
    p = tf.placeholder(tf.float32, shape=(None, 3))
    p.set_shape([4, 3])
    assert p.shape.as_list() == [4, 3]
    with pytest.raises(ValueError):
        p.set_shape([4, 2])


# ---------------------------------------------------------------------------------------------
# convert_to_tensor and constants


def test_convert_to_tensor_default_dtypes():
    t = tf.convert_to_tensor([[1, 2], [3, 4]])
    f = tf.convert_to_tensor(1.5)
    d = tf.convert_to_tensor(np.float64(1.5))
    i64 = tf.convert_to_tensor(np.array([1], dtype=np.int64))
    big = tf.convert_to_tensor(2 ** 40)
    b = tf.convert_to_tensor([True, False])
    assert [x.dtype for x in (t, f, d, i64, big, b)] == [tf.int32, tf.float32, tf.float64,
                                                         tf.int64, tf.int64, tf.bool]
    assert [t.op.name, f.op.name] == ["Const", "Const_1"]
    assert tf.convert_to_tensor(t) is t


def test_convert_to_tensor_errors():
    with pytest.raises(ValueError, match="Tensor conversion requested dtype float32 for Tensor "
                                         "with dtype int32"):
        tf.convert_to_tensor(tf.constant(1), dtype=tf.float32)
    with pytest.raises(ValueError, match="None values not supported."):
        tf.convert_to_tensor(None)
    with pytest.raises(TypeError):
        tf.convert_to_tensor([1, None])
    with pytest.raises(TypeError):
        tf.convert_to_tensor(tf.no_op())


def test_convert_python_values_to_explicit_dtypes():
    assert tf.convert_to_tensor([1, 2], dtype=tf.float32).dtype == tf.float32
    assert tf.convert_to_tensor(True, dtype=tf.int32).dtype == tf.int32
    assert tf.constant(True, dtype=tf.float32).dtype == tf.float32
    # NumPy values are cast, as in TF.
    assert tf.constant(np.array([1.5]), dtype=tf.int32).dtype == tf.int32
    assert tf.constant(np.float32(1.0), dtype=tf.int32).dtype == tf.int32
    with pytest.raises(TypeError, match="Expected int32"):
        tf.convert_to_tensor([1.0, 2.0], dtype=tf.int32)
    with pytest.raises(TypeError, match="Expected int64"):
        tf.constant(1.0, dtype=tf.int64)
    with pytest.raises(TypeError, match="Expected bool"):
        tf.constant(1, dtype=tf.bool)


def test_constant_fill_and_reshape(sess):
    a = tf.constant(5, dtype=tf.float32)
    b = tf.constant([1, 2, 3], shape=[2, 3])
    c = tf.constant(0.5, shape=[2])
    assert [repr(a), repr(b), repr(c)] == [
        "<tf.Tensor 'Const:0' shape=() dtype=float32>",
        "<tf.Tensor 'Const_1:0' shape=(2, 3) dtype=int32>",
        "<tf.Tensor 'Const_2:0' shape=(2,) dtype=float32>"]
    av, bv, cv = sess.run([a, b, c])
    assert av == np.float32(5.0) and type(av) is np.float32
    np.testing.assert_array_equal(bv, np.array([[1, 2, 3], [3, 3, 3]], np.int32))
    np.testing.assert_array_equal(cv, np.array([0.5, 0.5], np.float32))
    with pytest.raises(ValueError, match="Too many elements provided"):
        tf.constant([1, 2, 3], shape=[2])


def test_placeholder_with_default(sess):
    p = tf.placeholder_with_default([1.0, 2.0], shape=[None])
    assert repr(p) == "<tf.Tensor 'PlaceholderWithDefault:0' shape=(?,) dtype=float32>"
    np.testing.assert_array_equal(sess.run(p), np.array([1.0, 2.0], np.float32))
    np.testing.assert_array_equal(sess.run(p, {p: [3.0]}), np.array([3.0], np.float32))


# ---------------------------------------------------------------------------------------------
# group / no_op / initializer names


def test_group_and_no_op_names():
    a = tf.constant(1)
    b = tf.constant(2)
    g1 = tf.group(a, b)
    g2 = tf.group(a, b, name="mygroup")
    n = tf.no_op()
    assert [g1.name, g2.name, n.name, g1.type] == ["group_deps", "mygroup", "NoOp", "NoOp"]
    assert sorted(o.name for o in g1.control_inputs) == ["Const", "Const_1"]
    assert tf.group().name == "group_deps_1"


def test_initializer_op_names():
    assert tf.global_variables_initializer().name == "init"
    v = tf.Variable(1.0, name="v")
    tf.Variable(1.0, name="w")
    i = tf.global_variables_initializer()
    k = tf.variables_initializer([v])
    assert [i.name, k.name, i.type] == ["init_1", "init_2", "NoOp"]
    assert sorted(o.name for o in i.control_inputs) == ["v/Assign", "w/Assign"]
    assert [o.name for o in k.control_inputs] == ["v/Assign"]


def test_python_default_of_placeholder_with_default_is_named_input():
    # TF converts the default inside the op's scope: "PlaceholderWithDefault/input", "e/input".
    p = tf.placeholder_with_default([1.0, 2.0], shape=[2])
    e = tf.placeholder_with_default(np.zeros((2, 3)), shape=[None, 3], name="e")
    ops_ = [(o.name, o.type) for o in tf.get_default_graph().get_operations()]
    assert ops_ == [("PlaceholderWithDefault/input", "Const"),
                    ("PlaceholderWithDefault", "PlaceholderWithDefault"),
                    ("e/input", "Const"), ("e", "PlaceholderWithDefault")]
    assert (str(p.shape), p.dtype, str(e.shape), e.dtype) == ("(2,)", tf.float32, "(?, 3)",
                                                              tf.float64)
