"""Op names and name scopes, checked against TF1 (expected values taken from TF in TF1 mode)."""

from __future__ import annotations

import pytest

import pygraphx as tf


def op_names() -> list:
    return [op.name for op in tf.get_default_graph().get_operations()]


# ---------------------------------------------------------------------------------------------
# Uniquification


def test_repeated_name_gets_numbered_suffixes():
    a = tf.constant(1, name="a")
    b = tf.constant(1, name="a")
    c = tf.constant(1, name="a")
    assert [a.op.name, b.op.name, c.op.name] == ["a", "a_1", "a_2"]
    assert [a.name, b.name, c.name] == ["a:0", "a_1:0", "a_2:0"]


def test_default_names_use_the_op_type():
    a = tf.constant(1)
    b = tf.constant(2)
    p = tf.placeholder(tf.float32)
    i = tf.identity(p)
    assert [a.op.name, b.op.name, p.op.name, i.op.name] == ["Const", "Const_1", "Placeholder",
                                                            "Identity"]


def test_names_clash_case_insensitively():
    a = tf.constant(1, name="X")
    b = tf.constant(1, name="x")
    c = tf.constant(1, name="X")
    assert [a.op.name, b.op.name, c.op.name] == ["X", "x_1", "X_2"]


def test_explicit_suffixed_name_taken_earlier_is_skipped():
    ops = [tf.constant(1, name=n) for n in ("a_1", "a", "a", "a")]
    assert [t.op.name for t in ops] == ["a_1", "a", "a_2", "a_3"]


def test_explicit_suffixed_name_taken_later_is_uniquified_again():
    ops = [tf.constant(1, name=n) for n in ("a", "a_1", "a", "a_1")]
    assert [t.op.name for t in ops] == ["a", "a_1", "a_2", "a_1_1"]


def test_suffix_of_a_suffix():
    ops = [tf.constant(1, name=n) for n in ("a", "a", "a_1", "a_1_1")]
    assert [t.op.name for t in ops] == ["a", "a_1", "a_1_1", "a_1_1_1"]


def test_graph_unique_name_and_mark_as_used():
    g = tf.get_default_graph()
    assert g.unique_name("foo") == "foo"
    assert g.unique_name("foo") == "foo_1"
    assert g.unique_name("foo", mark_as_used=False) == "foo_2"
    assert g.unique_name("foo") == "foo_2"


def test_unique_name_includes_current_name_scope():
    g = tf.get_default_graph()
    with tf.name_scope("s"):
        assert g.unique_name("n") == "s/n"
        assert g.unique_name("n") == "s/n_1"


def test_tensor_names_are_op_name_colon_index():
    c = tf.constant([1.0, 2.0], name="c")
    assert c.name == "c:0"
    assert c.op.name == "c"
    assert c.value_index == 0
    v = tf.Variable(1.0, name="v")
    assert v.name == "v:0"
    assert v.value().name == "v/read:0"


def test_name_containing_slash_is_uniquified_as_a_whole():
    a = tf.constant(1, name="foo/bar")
    b = tf.constant(1, name="foo/bar")
    with tf.name_scope("foo") as s:
        c = tf.constant(1, name="bar")
    assert [a.op.name, b.op.name, s, c.op.name] == ["foo/bar", "foo/bar_1", "foo/", "foo/bar_2"]


@pytest.mark.parametrize("bad", ["a b", "_a", "-a", "a\tb"])
def test_invalid_op_name_is_value_error(bad):
    with pytest.raises(ValueError, match="is not a valid node name"):
        tf.constant(1, name=bad)
    assert op_names() == []


# ---------------------------------------------------------------------------------------------
# name_scope


def test_name_scope_entered_twice_is_uniquified():
    with tf.name_scope("relu") as s1:
        a = tf.constant(1)
    with tf.name_scope("relu") as s2:
        b = tf.constant(1)
    assert (s1, s2) == ("relu/", "relu_1/")
    assert (a.op.name, b.op.name) == ("relu/Const", "relu_1/Const")


def test_nested_name_scopes():
    with tf.name_scope("a") as s1:
        with tf.name_scope("b") as s2:
            c = tf.constant(1, name="c")
        with tf.name_scope("b") as s3:
            d = tf.constant(1)
    assert [s1, s2, s3, c.op.name, d.op.name] == ["a/", "a/b/", "a/b_1/", "a/b/c",
                                                  "a/b_1/Const"]


def test_scope_name_with_trailing_slash_reenters_exactly():
    with tf.name_scope("a") as s1:
        pass
    with tf.name_scope("x"):
        with tf.name_scope(s1) as s2:
            c = tf.constant(1, name="c")
    assert (s1, s2, c.op.name) == ("a/", "a/", "a/c")


def test_none_and_empty_reset_to_the_root():
    with tf.name_scope("a"):
        with tf.name_scope(None) as s:
            c = tf.constant(1, name="c")
        with tf.name_scope("") as s2:
            d = tf.constant(1, name="d")
        e = tf.constant(1, name="e")
    assert [s, s2, c.op.name, d.op.name, e.op.name] == ["", "", "c", "d", "a/e"]


def test_name_scope_default_name():
    with tf.name_scope(None, default_name="x") as s1:
        pass
    with tf.name_scope(None, default_name="x") as s2:
        pass
    with tf.name_scope("y", default_name="x") as s3:
        pass
    assert [s1, s2, s3] == ["x/", "x_1/", "y/"]


def test_name_scope_default_name_must_be_a_string():
    with pytest.raises(TypeError, match="`default_name` type"):
        with tf.name_scope(None, default_name=3):
            pass


def test_op_then_scope_of_the_same_name():
    tf.constant(1, name="relu")
    with tf.name_scope("relu") as s:
        b = tf.constant(1)
    assert (s, b.op.name) == ("relu_1/", "relu_1/Const")


def test_scope_then_op_of_the_same_name():
    with tf.name_scope("relu") as s:
        b = tf.constant(1)
    a = tf.constant(1, name="relu")
    assert (s, b.op.name, a.op.name) == ("relu/", "relu/Const", "relu_1")


def test_get_name_scope():
    g = tf.get_default_graph()
    with tf.name_scope("a"):
        with tf.name_scope("b"):
            assert g.get_name_scope() == "a/b"
    assert g.get_name_scope() == ""


@pytest.mark.parametrize("bad", ["a b", "_a", "-x"])
def test_invalid_root_scope_name(bad):
    with pytest.raises(ValueError, match="is not a valid root scope name"):
        with tf.name_scope(bad):
            pass


def test_nested_scope_may_start_with_underscore():
    with tf.name_scope("a"):
        with tf.name_scope("_b") as s:
            c = tf.constant(1, name="c")
    assert (s, c.op.name) == ("a/_b/", "a/_b/c")


def test_invalid_nested_scope_name():
    with tf.name_scope("a"):
        with pytest.raises(ValueError, match="is not a valid scope name"):
            with tf.name_scope("b c"):
                pass


def test_name_scope_restored_after_exception():
    with pytest.raises(RuntimeError):
        with tf.name_scope("a"):
            raise RuntimeError("boom")
    assert tf.constant(1, name="c").op.name == "c"


def test_book_loss_scope():
    """Chapter 9: error and mse inside name_scope("loss") (with tf.identity standing in)."""
    y = tf.placeholder(tf.float32, shape=(None, 1), name="y")
    with tf.name_scope("loss") as scope:
        error = tf.identity(y, name="sub")
        mse = tf.identity(error, name="mse")
    assert scope == "loss/"
    assert (error.op.name, mse.op.name) == ("loss/sub", "loss/mse")


def test_modular_relu_name_scopes_with_core_ops():
    """The five name-scoped ReLUs of the seed, built from core ops only."""
    x = tf.placeholder(tf.float32, shape=(None, 3), name="X")

    def relu(inp):
        with tf.name_scope("relu"):
            w = tf.Variable(tf.constant([[1.0], [2.0], [3.0]]), name="weights")
            b = tf.Variable(0.0, name="bias")
            return tf.identity(inp, name="relu"), w, b

    outs = [relu(x) for _ in range(5)]
    prefixes = ["relu"] + ["relu_%d" % i for i in range(1, 5)]
    assert [o[0].op.name for o in outs] == [p + "/relu" for p in prefixes]
    assert [o[1].name for o in outs] == [p + "/weights:0" for p in prefixes]
    assert [o[2].name for o in outs] == [p + "/bias:0" for p in prefixes]
    expected = ["X"]
    for p in prefixes:
        expected += [p + "/Const", p + "/weights", p + "/weights/Assign", p + "/weights/read",
                     p + "/bias/initial_value", p + "/bias", p + "/bias/Assign",
                     p + "/bias/read", p + "/relu"]
    assert op_names() == expected
