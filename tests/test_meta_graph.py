"""Meta graphs: export and import of nodes, attributes, shapes, collections, variables and the
saver, import scopes, errors, and training resumed in a fresh process after a kill."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import pygraphx as tf
from pygraphx.framework import meta_graph


def build_model():
    """A small graph touching every attribute kind, with variables and collections."""
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    theta = tf.Variable([[1.0], [2.0]], name="theta")
    frozen = tf.Variable(3, name="frozen", trainable=False)
    y = tf.matmul(x, theta, name="y")
    r = tf.reshape(y, [-1], name="r")
    s = tf.reduce_sum(r, axis=0, keepdims=True, name="s")
    scaled = tf.multiply(s, 0.5, name="scaled")
    flags = tf.constant([True, False], name="flags")
    big = tf.constant(np.arange(6, dtype=np.int64).reshape(2, 3), name="big")
    step = tf.assign(theta, theta * 0.5, name="step")
    with tf.control_dependencies([step]):
        after = tf.identity(scaled, name="after")
    tf.add_to_collection("train_op", step)
    tf.add_to_collection("mine", y)
    tf.add_to_collection("mine", step.op)
    tf.add_to_collection("mine", 7)
    tf.add_to_collection("mine", "text")
    return {"x": x, "theta": theta, "frozen": frozen, "y": y, "after": after, "flags": flags,
            "big": big, "r": r}


def describe(graph):
    """Everything import must reproduce, node by node (source lines aside)."""
    out = []
    for op in graph.get_operations():
        out.append((op.name, op.type, [t.name for t in op.inputs],
                    [c.name for c in op.control_inputs],
                    sorted((k, repr(v)) for k, v in op.node_def["attr"].items()),
                    [(t.dtype.name, str(t.shape)) for t in op.outputs]))
    return out


def test_round_trip_reproduces_every_node(tmp_path):
    build_model()
    g = tf.get_default_graph()
    meta = tf.train.export_meta_graph(str(tmp_path / "m.meta"))
    assert meta["format"] == "pygraphx-meta-graph" and meta["format_version"] == 1
    with open(tmp_path / "m.meta") as f:
        assert json.load(f) == meta
    with tf.Graph().as_default() as g2:
        # No saver was recorded: import builds a new one for the variables (as TF does).
        assert tf.train.import_meta_graph(str(tmp_path / "m.meta")) is not None
        n = len(g.get_operations())
        assert describe(g2)[:n] == describe(g)
        assert {op.name.split("/")[0] for op in g2.get_operations()[n:]} == {"save"}
        # The source line each node was built on travels with it.
        assert g2.get_operation_by_name("y").traceback_source == \
            g.get_operation_by_name("y").traceback_source
        assert "test_meta_graph.py" in g2.get_operation_by_name("y").traceback_source


def test_import_runs_the_same_values():
    m = build_model()
    g = tf.get_default_graph()
    meta = tf.train.export_meta_graph()
    feed = {m["x"]: [[1.0, 2.0], [3.0, 4.0]]}
    with tf.Session(graph=g) as sess:
        sess.run(tf.global_variables_initializer())
        want = sess.run([m["after"], m["flags"], m["big"], m["theta"]], feed)
    with tf.Graph().as_default() as g2:
        tf.train.import_meta_graph(meta)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run(["after:0", "flags:0", "big:0", "theta:0"], {"x:0": feed[m["x"]]})
    for a, b in zip(want, got):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    _ = g2


def test_collections_and_variables_after_import(caplog):
    build_model()
    tf.add_to_collection("mine", object())  # not exportable: left out, logged
    with caplog.at_level(logging.INFO, logger="pygraphx.framework.meta_graph"):
        meta = tf.train.export_meta_graph()
    assert any("not exported" in r.getMessage() for r in caplog.records)
    with tf.Graph().as_default() as g:
        tf.train.import_meta_graph(meta)
        assert [v.name for v in tf.global_variables()] == ["theta:0", "frozen:0"]
        assert [v.name for v in tf.trainable_variables()] == ["theta:0"]
        theta = tf.global_variables()[0]
        assert isinstance(theta, tf.Variable)
        assert tf.trainable_variables()[0] is theta  # one object per variable
        assert theta.initializer.name == "theta/Assign"
        assert theta.value().name == "theta/read:0"
        assert theta.initial_value.name == "theta/initial_value:0"
        assert theta.dtype == tf.float32_ref and theta.shape.as_list() == [2, 1]
        assert not tf.global_variables()[1].trainable
        train = tf.get_collection("train_op")
        assert [t.name for t in train] == ["step:0"] and train[0].dtype == tf.float32_ref
        mine = tf.get_collection("mine")
        assert [type(i).__name__ for i in mine] == ["Tensor", "Operation", "int", "str"]
        assert mine[0].name == "y:0" and mine[1].name == "step" and mine[2:] == [7, "text"]
        assert g.get_tensor_by_name("y:0").shape.as_list() == [None, 1]
        # New graph building on the imported variables works.
        init = tf.global_variables_initializer()
        double = theta.assign(theta * 2.0)
        with tf.Session() as sess:
            sess.run(init)
            np.testing.assert_array_equal(sess.run(double), [[2.0], [4.0]])
            sess.run(train)
            np.testing.assert_array_equal(sess.run(theta), [[1.0], [2.0]])


def test_unknown_collection_items_are_skipped_with_a_log(caplog):
    build_model()
    meta = tf.train.export_meta_graph()
    meta["collections"]["mine"].append({"kind": "queue_runner", "name": "q"})
    with tf.Graph().as_default():
        with caplog.at_level(logging.INFO, logger="pygraphx.framework.meta_graph"):
            tf.train.import_meta_graph(meta)
        assert len(tf.get_collection("mine")) == 4
    assert any("queue_runner" in r.getMessage() for r in caplog.records)


def test_set_shape_narrowing_survives_import():
    p = tf.placeholder(tf.float32, None, name="p")
    p.set_shape([3, None])
    meta = tf.train.export_meta_graph()
    with tf.Graph().as_default() as g:
        tf.train.import_meta_graph(meta)
        assert g.get_tensor_by_name("p:0").shape.as_list() == [3, None]


def test_import_scope_prefixes_names_and_saver_restores(tmp_path):
    m = build_model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(m["theta"], [[5.0], [6.0]]))
        prefix = saver.save(sess, str(tmp_path / "model"))
    with tf.Graph().as_default() as g:
        s2 = tf.train.import_meta_graph(prefix + ".meta", import_scope="imp")
        assert s2.saver_def.restore_op_name == "imp/save/restore_all"
        assert g.get_operation_by_name("imp/y").inputs[1].name == "imp/theta/read:0"
        assert [v.name for v in tf.global_variables()] == ["imp/theta:0", "imp/frozen:0"]
        assert tf.get_collection("train_op")[0].name == "imp/step:0"
        # A second import gets its own scope.
        tf.train.import_meta_graph(prefix + ".meta", import_scope="imp")
        assert g.get_operation_by_name("imp_1/y").type == "MatMul"
        with tf.Session() as sess:
            s2.restore(sess, prefix)  # checkpoint names are unscoped
            np.testing.assert_array_equal(sess.run("imp/theta:0"), [[5.0], [6.0]])
            assert sess.run("imp/frozen:0") == 3


def test_export_scope_strips_the_scope():
    with tf.name_scope("outer"):
        a = tf.constant(2.0, name="a")
        tf.multiply(a, 3.0, name="b")
    tf.constant(1.0, name="elsewhere")
    meta = tf.train.export_meta_graph(export_scope="outer")
    assert [n["name"] for n in meta["nodes"]] == ["a", "b/y", "b"]
    with tf.Graph().as_default():
        tf.train.import_meta_graph(meta, import_scope="inner")
        with tf.Session() as sess:
            assert sess.run("inner/b:0") == 6.0


def test_export_scope_with_inputs_from_outside_is_an_error():
    a = tf.constant(2.0, name="a")
    with tf.name_scope("outer"):
        tf.multiply(a, 3.0, name="b")
    with pytest.raises(ValueError, match="outside export_scope 'outer'"):
        tf.train.export_meta_graph(export_scope="outer")


def test_collection_list_limits_collections():
    build_model()
    meta = tf.train.export_meta_graph(collection_list=["train_op"])
    assert list(meta["collections"]) == ["train_op"]
    with tf.Graph().as_default():
        tf.train.import_meta_graph(meta)
        assert tf.global_variables() == []
        assert [t.name for t in tf.get_collection("train_op")] == ["step:0"]


def test_import_returns_none_or_a_new_saver(tmp_path, caplog):
    tf.constant(1.0, name="c")
    meta = tf.train.export_meta_graph()
    with tf.Graph().as_default():
        with caplog.at_level(logging.INFO, logger="pygraphx.framework.meta_graph"):
            assert tf.train.import_meta_graph(meta) is None
    assert any("no variables" in r.getMessage() for r in caplog.records)
    with tf.Graph().as_default():
        v = tf.Variable([1.0, 2.0], name="v")
        meta = tf.train.export_meta_graph()
    with tf.Graph().as_default():
        saver = tf.train.import_meta_graph(meta)
        assert saver is not None and saver.saver_def.restore_op_name == "save/restore_all"
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saver.save(sess, str(tmp_path / "m"))
        assert tf.train.list_variables(str(tmp_path / "m")) == [("v", [2])]
    _ = v


def test_export_with_saver_argument():
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=9)
    meta = tf.train.export_meta_graph(saver=saver)
    assert meta["saver"]["max_to_keep"] == 9
    assert saver.export_meta_graph()["saver"]["restore_op_name"] == "save/restore_all"
    with tf.Graph().as_default():
        assert tf.train.import_meta_graph(meta).saver_def.max_to_keep == 9


def test_import_errors(tmp_path):
    with pytest.raises(OSError, match="File does not exist"):
        tf.train.import_meta_graph(str(tmp_path / "none.meta"))
    (tmp_path / "bad.meta").write_text("{not json")
    with pytest.raises(ValueError, match="is not a pygraphx meta graph"):
        tf.train.import_meta_graph(str(tmp_path / "bad.meta"))
    (tmp_path / "other.meta").write_text('{"format": "something else"}')
    with pytest.raises(ValueError, match="is not a pygraphx meta graph"):
        tf.train.import_meta_graph(str(tmp_path / "other.meta"))
    tf.constant(1.0, name="c")
    meta = tf.train.export_meta_graph()
    with pytest.raises(ValueError, match="Cannot import node 'c'"):
        tf.train.import_meta_graph(meta)  # 'c' already exists in this graph
    newer = dict(meta, format_version=99)
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="format version 99"):
            tf.train.import_meta_graph(newer)


def test_nodes_are_imported_in_dependency_order():
    a = tf.constant(1.0, name="a")
    b = tf.identity(a, name="b")
    later = tf.no_op(name="later")
    b.op._add_control_input(later)  # a control input created after its consumer
    meta = tf.train.export_meta_graph()
    with tf.Graph().as_default() as g:
        tf.train.import_meta_graph(meta)
        assert [c.name for c in g.get_operation_by_name("b").control_inputs] == ["later"]
    meta["nodes"][0]["control_inputs"] = ["b"]  # a -> b -> a
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="cycle"):
            tf.train.import_meta_graph(meta)


def test_variable_def_hook():
    v = tf.Variable([1.0], name="v")
    entry = meta_graph._variable_to_json(v, "")
    assert entry == {"variable_name": "v:0", "initializer_name": "v/Assign",
                     "snapshot_name": "v/read:0", "initial_value_name": "v/initial_value:0",
                     "trainable": True}
    again = tf.Variable(variable_def=entry)
    assert again.op is v.op and again.initializer is v.initializer
    assert again not in tf.global_variables()  # the importer decides the collections
    with pytest.raises(ValueError, match="mutually exclusive"):
        tf.Variable(1.0, variable_def=entry)
    with pytest.raises(ValueError, match="is not a variable"):
        tf.Variable(variable_def=dict(entry, variable_name="v/read:0"))


# ---------------------------------------------------------------------------------------------
# Training resumed in a fresh process

_TRAIN_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    import numpy as np
    import pygraphx as tf

    mode, directory, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
    path = os.path.join(directory, "model.ckpt")

    def build():
        rng = np.random.RandomState(0)
        X = tf.constant(rng.randn(64, 3).astype(np.float32), name="X")
        y = tf.constant(rng.randn(64, 1).astype(np.float32), name="y")
        theta = tf.Variable(tf.random_uniform([3, 1], -1.0, 1.0, seed=42), name="theta")
        global_step = tf.Variable(0, name="global_step", trainable=False)
        error = tf.matmul(X, theta) - y
        mse = tf.reduce_mean(tf.square(error), name="mse")
        gradients = 2.0 / 64 * tf.matmul(tf.transpose(X), error)
        train_op = tf.group(tf.assign(theta, theta - 0.05 * gradients),
                            tf.assign_add(global_step, 1), name="train_op")
        tf.add_to_collection("train_op", train_op)
        tf.add_to_collection("loss", mse)
        return theta, global_step, train_op

    def report(sess, theta, global_step):
        np.save(os.path.join(directory, mode + ".npy"), sess.run(theta))
        print("step", sess.run(global_step))

    config = tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
    if mode in ("full", "a", "a_kill"):
        theta, global_step, train_op = build()
        saver = tf.train.Saver(max_to_keep=2)
        sess = tf.Session(config=config)
        sess.run(tf.global_variables_initializer())
        steps = total if mode == "full" else total // 2
        for i in range(steps):
            sess.run(train_op)
            if mode != "full" and (i + 1) % 3 == 0:
                saver.save(sess, path, global_step=global_step)
        if mode == "full":
            report(sess, theta, global_step)
            sys.exit(0)
        saver.save(sess, path, global_step=global_step)
        sys.stdout.flush()
        # Dies without any cleanup (no atexit, no close).
        if mode == "a_kill":
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(3)
    else:
        latest = tf.train.latest_checkpoint(directory)
        saver = tf.train.import_meta_graph(latest + ".meta")
        graph = tf.get_default_graph()
        theta = graph.get_tensor_by_name("theta:0")
        global_step = [v for v in tf.global_variables() if v.op.name == "global_step"][0]
        train_op = tf.get_collection("train_op")[0]
        sess = tf.Session(config=config)
        saver.restore(sess, latest)
        print("resumed at", sess.run(global_step))
        while sess.run(global_step) < total:
            sess.run(train_op)
        saver.save(sess, path, global_step=global_step)
        report(sess, theta, global_step)
""")


def _run(args, directory):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return subprocess.run([sys.executable, "-c", _TRAIN_SCRIPT, args, str(directory), "20"],
                          check=False, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("how", ["a", "a_kill"])
def test_training_resumes_in_a_fresh_process(tmp_path, how):
    full_dir = tmp_path / "full"
    resumed_dir = tmp_path / "resumed"
    full_dir.mkdir()
    resumed_dir.mkdir()
    full = _run("full", full_dir)
    assert full.returncode == 0, full.stderr
    a = _run(how, resumed_dir)
    assert a.returncode == (-signal.SIGKILL if how == "a_kill" else 3), a.stderr
    assert tf.train.latest_checkpoint(str(resumed_dir)) == str(resumed_dir / "model.ckpt-10")
    assert sorted(os.listdir(resumed_dir)) == [
        "checkpoint", "model.ckpt-10.data-00000-of-00001", "model.ckpt-10.index",
        "model.ckpt-10.meta", "model.ckpt-9.data-00000-of-00001", "model.ckpt-9.index",
        "model.ckpt-9.meta"]
    b = _run("b", resumed_dir)
    assert b.returncode == 0, b.stderr
    assert "resumed at 10" in b.stdout and "step 20" in b.stdout
    want = np.load(full_dir / "full.npy")
    got = np.load(resumed_dir / "b.npy")
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, want)
    # Training did continue from the checkpoint (and B's own save holds the final values).
    at_10 = tf.train.load_variable(str(resumed_dir / "model.ckpt-10"), "theta")
    assert np.abs(got - at_10).max() > 1e-4
    np.testing.assert_array_equal(
        tf.train.load_variable(str(resumed_dir / "model.ckpt-20"), "theta"), got)
