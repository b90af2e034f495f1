"""tf.train.Saver and checkpoint files: round trips, names, pruning, the state file, every
restore error (with no variable changed), and saves interrupted by an exception or SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import pygraphx as tf
from pygraphx import errors
from pygraphx.training import checkpoint_io

# ---------------------------------------------------------------------------------------------
# Helpers

VALUES = {
    "f32": np.array([[1.5, -2.25], [3.0, 1e-30]], np.float32),
    "f64": np.array([np.pi, -1e300, 0.0], np.float64),
    "i32": np.array([[1, -2, 2**31 - 1]], np.int32),
    "i64": np.array([2**62, -(2**40)], np.int64),
    "flag": np.array([True, False, True]),
    "scalar": np.float32(7.5),
    "count": np.int64(-3),
}


def make_vars():
    return {k: tf.Variable(v, name=k) for k, v in VALUES.items()}


def values_of(sess, variables):
    return {k: sess.run(v) for k, v in variables.items()}


def assert_same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].dtype == b[k].dtype, k
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def scramble(sess, variables):
    """Gives every variable a value different from VALUES; returns the new values."""
    for k, v in variables.items():
        base = np.asarray(VALUES[k])
        new = np.logical_not(base) if base.dtype == bool else (base * 3 + 1).astype(base.dtype)
        sess.run(tf.assign(v, new))
    return values_of(sess, variables)


def read_state(directory, name="checkpoint"):
    with open(os.path.join(directory, name)) as f:
        return f.read()


# ---------------------------------------------------------------------------------------------
# Round trips and names


def test_round_trip_all_dtypes_and_scalars(sess, tmp_path):
    vs = make_vars()
    saver = tf.train.Saver()
    sess.run(tf.global_variables_initializer())
    saved = values_of(sess, vs)
    prefix = saver.save(sess, str(tmp_path / "model"))
    assert prefix == str(tmp_path / "model")
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "model.data-00000-of-00001",
                                            "model.index", "model.meta"]
    changed = scramble(sess, vs)
    assert not np.array_equal(changed["f32"], saved["f32"])
    saver.restore(sess, prefix)
    assert_same(values_of(sess, vs), saved)
    assert values_of(sess, vs)["scalar"].shape == ()


def test_restore_into_a_fresh_session_and_graph(tmp_path):
    make_vars()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        saver.save(sess, str(tmp_path / "m"))
    with tf.Graph().as_default():
        vs2 = {k: tf.Variable(np.zeros_like(v), name=k) for k, v in VALUES.items()}
        saver2 = tf.train.Saver()
        with tf.Session() as sess:
            # No initializer: restore alone makes the variables usable.
            saver2.restore(sess, str(tmp_path / "m"))
            assert_same(values_of(sess, vs2), {k: np.asarray(v) for k, v in VALUES.items()})


def test_node_names_under_save_scope():
    v = tf.Variable(1.0, name="v")
    w = tf.Variable(2.0, name="w")
    tf.train.Saver()
    tf.train.Saver([v])
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert names[8:] == ["save/restored_value", "save/Assign", "save/restored_value_1",
                         "save/Assign_1", "save/restore_all", "save_1/restored_value",
                         "save_1/Assign", "save_1/restore_all"]
    g = tf.get_default_graph()
    assert g.get_operation_by_name("save/restore_all").type == "NoOp"
    assert [o.name for o in g.get_operation_by_name("save/restore_all").control_inputs] == [
        "save/Assign", "save/Assign_1"]
    # Entries are sorted by checkpoint name: save/Assign restores v, save/Assign_1 restores w.
    assert g.get_operation_by_name("save/Assign").inputs[0].op is v.op
    assert g.get_operation_by_name("save/Assign_1").inputs[0].op is w.op


def test_saver_def():
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=3, keep_checkpoint_every_n_hours=2.0, name="mysaver")
    sd = saver.as_saver_def()
    assert sd is saver.saver_def
    assert sd.restore_op_name == "mysaver/restore_all"
    assert sd.max_to_keep == 3 and sd.keep_checkpoint_every_n_hours == 2.0 and sd.version == 2
    assert sd.entries == [("v", "v:0", "mysaver/restored_value:0", "mysaver/Assign")]


def test_dict_names_and_list_variables(sess, tmp_path):
    theta = tf.Variable([1.0, 2.0], name="theta")
    step = tf.Variable(4, name="step")
    saver = tf.train.Saver({"weights": theta, "global": step})
    sess.run(tf.global_variables_initializer())
    prefix = saver.save(sess, str(tmp_path / "m"))
    assert tf.train.list_variables(prefix) == [("global", []), ("weights", [2])]
    assert tf.train.list_variables(str(tmp_path)) == [("global", []), ("weights", [2])]
    np.testing.assert_array_equal(tf.train.load_variable(prefix, "weights"), [1.0, 2.0])
    assert tf.train.load_variable(prefix, "global:0") == 4
    reader = tf.train.NewCheckpointReader(prefix)
    assert reader.get_variable_to_shape_map() == {"global": [], "weights": [2]}
    assert reader.get_variable_to_dtype_map() == {"global": tf.int32, "weights": tf.float32}
    assert reader.has_tensor("weights") and not reader.has_tensor("theta")
    with pytest.raises(errors.NotFoundError, match="Key zzz not found in checkpoint"):
        tf.train.load_variable(prefix, "zzz")
    with pytest.raises(errors.NotFoundError, match="Failed to find any matching files for"):
        tf.train.list_variables(str(tmp_path / "nothing"))
    # Restoring by the dict's names into differently named variables.
    with tf.Graph().as_default():
        other = tf.Variable([0.0, 0.0], name="other")
        s2 = tf.train.Saver({"weights": other})
        with tf.Session() as sess2:
            s2.restore(sess2, prefix)
            np.testing.assert_array_equal(sess2.run(other), [1.0, 2.0])


@pytest.mark.parametrize("kind", ["int", "numpy", "tensor", "variable", "name"])
def test_global_step_suffix(tmp_path, kind):
    v = tf.Variable(1.0, name="v")
    gs = tf.Variable(42, name="global_step", trainable=False)
    saver = tf.train.Saver()
    step = {"int": 42, "numpy": np.int64(42), "tensor": tf.constant(42), "variable": gs,
            "name": "global_step:0"}[kind]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=step)
    assert prefix == str(tmp_path / "model.ckpt-42")
    assert tf.train.checkpoint_exists(prefix)
    assert os.path.exists(prefix + ".meta")
    _ = v


def test_pad_step_number(sess, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(pad_step_number=True)
    sess.run(tf.global_variables_initializer())
    assert saver.save(sess, str(tmp_path / "m"), global_step=7) == str(tmp_path / "m-00000007")


def test_save_without_meta_and_state(sess, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    sess.run(tf.global_variables_initializer())
    saver.save(sess, str(tmp_path / "m"), write_meta_graph=False, write_state=False)
    assert sorted(os.listdir(tmp_path)) == ["m.data-00000-of-00001", "m.index"]
    assert saver.last_checkpoints == []
    saver.save(sess, str(tmp_path / "m"), latest_filename="latest", meta_graph_suffix="graph")
    assert sorted(os.listdir(tmp_path)) == ["latest", "m.data-00000-of-00001", "m.graph",
                                            "m.index"]
    assert tf.train.latest_checkpoint(str(tmp_path), "latest") == str(tmp_path / "m")
    with pytest.raises(ValueError, match="must not contain path components"):
        saver.save(sess, str(tmp_path / "m"), latest_filename="a/b")


# ---------------------------------------------------------------------------------------------
# max_to_keep and the state file


def test_max_to_keep_prunes_files_and_state(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.mkdir("ck")
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(4):
            assert saver.save(sess, "ck/model.ckpt", global_step=i) == "ck/model.ckpt-%d" % i
    assert sorted(os.listdir("ck")) == [
        "checkpoint", "model.ckpt-2.data-00000-of-00001", "model.ckpt-2.index",
        "model.ckpt-2.meta", "model.ckpt-3.data-00000-of-00001", "model.ckpt-3.index",
        "model.ckpt-3.meta"]
    assert read_state("ck") == ('model_checkpoint_path: "model.ckpt-3"\n'
                                'all_model_checkpoint_paths: "model.ckpt-2"\n'
                                'all_model_checkpoint_paths: "model.ckpt-3"\n')
    assert saver.last_checkpoints == ["ck/model.ckpt-2", "ck/model.ckpt-3"]
    state = tf.train.get_checkpoint_state("ck")
    assert state.model_checkpoint_path == "ck/model.ckpt-3"
    assert state.all_model_checkpoint_paths == ["ck/model.ckpt-2", "ck/model.ckpt-3"]
    assert tf.train.latest_checkpoint("ck") == "ck/model.ckpt-3"


def test_absolute_paths_stay_absolute(sess, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    sess.run(tf.global_variables_initializer())
    saver.save(sess, str(tmp_path / "a"), global_step=3)
    assert read_state(tmp_path) == ('model_checkpoint_path: "%s"\nall_model_checkpoint_paths: '
                                    '"%s"\n' % (tmp_path / "a-3", tmp_path / "a-3"))
    rel = tf.train.Saver(save_relative_paths=True)
    rel.save(sess, str(tmp_path / "b"))
    assert read_state(tmp_path) == ('model_checkpoint_path: "b"\n'
                                    'all_model_checkpoint_paths: "b"\n')


@pytest.mark.parametrize("keep", [None, 0])
def test_max_to_keep_none_keeps_everything(sess, tmp_path, keep):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=keep, save_relative_paths=True)
    sess.run(tf.global_variables_initializer())
    for i in range(7):
        saver.save(sess, str(tmp_path / "c"), global_step=i)
    assert saver.last_checkpoints == []
    assert all(tf.train.checkpoint_exists(str(tmp_path / ("c-%d" % i))) for i in range(7))
    assert read_state(tmp_path) == ('model_checkpoint_path: "c-6"\n'
                                    'all_model_checkpoint_paths: "c-6"\n')


def test_keep_checkpoint_every_n_hours_keeps_old_ones(sess, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=1, keep_checkpoint_every_n_hours=1e-9)
    sess.run(tf.global_variables_initializer())
    for i in range(3):
        saver.save(sess, str(tmp_path / "k"), global_step=i)
    # Each one was older than the (tiny) interval: none is deleted, only one is tracked.
    assert all(tf.train.checkpoint_exists(str(tmp_path / ("k-%d" % i))) for i in range(3))
    assert saver.last_checkpoints == [str(tmp_path / "k-2")]


def test_saving_the_same_prefix_twice_keeps_one_entry(sess, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=3)
    sess.run(tf.global_variables_initializer())
    a = saver.save(sess, str(tmp_path / "a"))
    b = saver.save(sess, str(tmp_path / "b"))
    saver.save(sess, str(tmp_path / "a"))
    assert saver.last_checkpoints == [b, a]


def test_recover_and_set_last_checkpoints(sess, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=2)
    sess.run(tf.global_variables_initializer())
    paths = [saver.save(sess, str(tmp_path / "r"), global_step=i) for i in range(2)]
    other = tf.train.Saver(max_to_keep=2)
    other.recover_last_checkpoints(paths + [str(tmp_path / "gone")])
    assert other.last_checkpoints == paths
    other.save(sess, str(tmp_path / "r"), global_step=2)
    assert not tf.train.checkpoint_exists(paths[0])
    assert other.last_checkpoints == [paths[1], str(tmp_path / "r-2")]
    other.set_last_checkpoints_with_time([("x", 1.0)])
    assert other.last_checkpoints == ["x"]
    with pytest.raises(TypeError):
        other.set_last_checkpoints_with_time("x")


def test_latest_checkpoint_none_cases(tmp_path):
    assert tf.train.latest_checkpoint(str(tmp_path / "missing_dir")) is None
    assert tf.train.get_checkpoint_state(str(tmp_path / "missing_dir")) is None
    assert tf.train.latest_checkpoint(str(tmp_path)) is None
    (tmp_path / "checkpoint").write_text('model_checkpoint_path: "gone"\n'
                                         'all_model_checkpoint_paths: "gone"\n')
    assert tf.train.latest_checkpoint(str(tmp_path)) is None
    assert tf.train.get_checkpoint_state(str(tmp_path)).model_checkpoint_path == str(
        tmp_path / "gone")
    (tmp_path / "checkpoint").write_text("this is { not a state file")
    assert tf.train.get_checkpoint_state(str(tmp_path)) is None
    assert tf.train.latest_checkpoint(str(tmp_path)) is None


def test_state_file_escapes_paths(sess, tmp_path):
    d = tmp_path / 'we"ird\\dir é'
    d.mkdir()
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    sess.run(tf.global_variables_initializer())
    prefix = saver.save(sess, str(d / "m"))
    text = read_state(d)
    assert '\\"' in text and "\\\\" in text and "\\303\\251" in text
    assert tf.train.latest_checkpoint(str(d)) == prefix


# ---------------------------------------------------------------------------------------------
# Construction errors


def test_construction_errors():
    theta = tf.Variable([1.0, 2.0], name="theta")
    b = tf.Variable(5, name="b")
    with pytest.raises(ValueError, match="At least two variables have the same name: theta"):
        tf.train.Saver([theta, theta])
    with pytest.raises(ValueError, match="same saveable will be restored with two names"):
        tf.train.Saver({"a": theta, "b": theta})
    with pytest.raises(TypeError, match="can't convert Operation 'theta' to Tensor"):
        tf.train.Saver([theta.op])
    with pytest.raises(TypeError, match="Variable to save is not a Variable"):
        tf.train.Saver([theta + 1])
    with pytest.raises(TypeError, match="Not a variable"):
        tf.train.Saver({"x": theta + 1})
    with pytest.raises(TypeError, match="Name is not a string: 1"):
        tf.train.Saver({1: theta})
    with pytest.raises(ValueError, match="build cannot be deferred"):
        tf.train.Saver([b], defer_build=True)
    ops_before = len(tf.get_default_graph().get_operations())
    with pytest.raises(ValueError, match="At least two variables"):
        tf.train.Saver([b, theta, b])
    assert len(tf.get_default_graph().get_operations()) == ops_before


def test_no_variables(tmp_path):
    with pytest.raises(ValueError, match="No variables to save"):
        tf.train.Saver()
    saver = tf.train.Saver(allow_empty=True)
    assert saver.saver_def is None
    with tf.Session() as sess:
        assert saver.save(sess, str(tmp_path / "empty")) is None
        assert saver.restore(sess, str(tmp_path / "anything")) is None
    assert os.listdir(tmp_path) == []


def test_defer_build(sess, tmp_path):
    saver = tf.train.Saver(defer_build=True)
    v = tf.Variable(3.0, name="v")
    with pytest.raises(RuntimeError, match="build"):
        saver.save(sess, str(tmp_path / "m"))
    saver.build()
    sess.run(v.initializer)
    saver.save(sess, str(tmp_path / "m"))
    assert tf.train.list_variables(str(tmp_path / "m")) == [("v", [])]


# ---------------------------------------------------------------------------------------------
# Save errors


def test_save_errors(sess, tmp_path):
    v = tf.Variable([1.0], name="v")
    saver = tf.train.Saver()
    with pytest.raises(ValueError, match=r"Parent directory of .*nonexistent/model doesn't "
                                         r"exist, can't save\."):
        saver.save(sess, str(tmp_path / "nonexistent" / "model"))
    with pytest.raises(TypeError, match="'sess' must be a Session; x"):
        saver.save("x", str(tmp_path / "m"))
    with pytest.raises(errors.FailedPreconditionError):
        saver.save(sess, str(tmp_path / "m"))  # v is not initialised
    assert os.listdir(tmp_path) == []
    with tf.Graph().as_default():
        with tf.Session() as other:
            with pytest.raises(ValueError, match="graph"):
                saver.save(other, str(tmp_path / "m"))
    _ = v


# ---------------------------------------------------------------------------------------------
# Restore errors: class, message, and no variable changed


@pytest.fixture
def saved(tmp_path):
    """A checkpoint of two variables, and a session where they hold other values."""
    a = tf.Variable([1.0, 2.0, 3.0], name="a")
    b = tf.Variable([[1, 2], [3, 4]], name="b")
    saver = tf.train.Saver()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    prefix = saver.save(sess, str(tmp_path / "model"))
    sess.run([tf.assign(a, [9.0, 9.0, 9.0]), tf.assign(b, [[9, 9], [9, 9]])])
    before = {"a": sess.run(a), "b": sess.run(b)}
    yield {"a": a, "b": b, "saver": saver, "sess": sess, "prefix": prefix, "before": before}
    sess.close()


def assert_unchanged(s):
    assert_same({"a": s["sess"].run(s["a"]), "b": s["sess"].run(s["b"])}, s["before"])


def test_restore_none_and_not_a_checkpoint(saved, tmp_path):
    with pytest.raises(ValueError, match="Can't load save_path when it is None"):
        saved["saver"].restore(saved["sess"], None)
    with pytest.raises(ValueError, match="The passed save_path is not a valid checkpoint: "
                                         ".*nothing"):
        saved["saver"].restore(saved["sess"], str(tmp_path / "nothing"))
    assert_unchanged(saved)


def test_restore_missing_variable_changes_nothing(saved):
    c = tf.Variable([0.0], name="c")
    saved["sess"].run(c.initializer)
    saver = tf.train.Saver([saved["a"], c, saved["b"]])
    with pytest.raises(errors.NotFoundError, match="Key c not found in checkpoint"):
        saver.restore(saved["sess"], saved["prefix"])
    assert_unchanged(saved)
    np.testing.assert_array_equal(saved["sess"].run(c), [0.0])


def test_restore_shape_mismatch_changes_nothing(saved):
    wrong = tf.Variable([0.0, 0.0], name="wrong")
    saved["sess"].run(wrong.initializer)
    saver = tf.train.Saver({"a": wrong, "b": saved["b"]})
    with pytest.raises(errors.InvalidArgumentError) as ei:
        saver.restore(saved["sess"], saved["prefix"])
    msg = str(ei.value)
    assert "variable wrong has shape [2]" in msg and "tensor a has shape [3]" in msg
    assert_unchanged(saved)
    np.testing.assert_array_equal(saved["sess"].run(wrong), [0.0, 0.0])


def test_restore_dtype_mismatch_changes_nothing(saved):
    wrong = tf.Variable([0, 0, 0], name="wrong")
    saved["sess"].run(wrong.initializer)
    saver = tf.train.Saver({"b": saved["b"], "a": wrong})
    with pytest.raises(errors.InvalidArgumentError,
                       match="tensor_name = a; expected dtype int32 does not equal original "
                             "dtype float32 \\(variable wrong\\)"):
        saver.restore(saved["sess"], saved["prefix"])
    assert_unchanged(saved)


def test_restore_with_reshape_takes_the_saved_shape(saved):
    wrong = tf.Variable([0.0, 0.0], name="wrong", validate_shape=False)
    saver = tf.train.Saver({"a": wrong}, reshape=True)
    saver.restore(saved["sess"], saved["prefix"])
    np.testing.assert_array_equal(saved["sess"].run(wrong), [1.0, 2.0, 3.0])


def _flip(path, i):
    with open(path, "r+b") as f:
        f.seek(i)
        byte = f.read(1)
        f.seek(i)
        f.write(bytes([byte[0] ^ 0x5A]))


def _truncate(path, n):
    with open(path, "r+b") as f:
        f.truncate(n)


@pytest.mark.parametrize("which", ["data", "index"])
def test_every_corrupted_byte_is_data_loss(saved, which):
    prefix = saved["prefix"]
    path = checkpoint_io.data_path(prefix) if which == "data" else checkpoint_io.index_path(
        prefix)
    with open(path, "rb") as f:
        good = f.read()
    for i in range(len(good)):
        _flip(path, i)
        with pytest.raises(errors.DataLossError):
            saved["saver"].restore(saved["sess"], prefix)
        with open(path, "wb") as f:
            f.write(good)
    assert_unchanged(saved)
    saved["saver"].restore(saved["sess"], prefix)  # the intact file restores
    np.testing.assert_array_equal(saved["sess"].run(saved["a"]), [1.0, 2.0, 3.0])


@pytest.mark.parametrize("which", ["data", "index"])
def test_every_truncation_is_out_of_range(saved, which):
    prefix = saved["prefix"]
    path = checkpoint_io.data_path(prefix) if which == "data" else checkpoint_io.index_path(
        prefix)
    with open(path, "rb") as f:
        good = f.read()
    for n in range(len(good)):
        _truncate(path, n)
        with pytest.raises(errors.OutOfRangeError, match="truncated"):
            saved["saver"].restore(saved["sess"], prefix)
        with open(path, "wb") as f:
            f.write(good)
    assert_unchanged(saved)


def test_corruption_messages_name_the_problem(saved):
    prefix = saved["prefix"]
    data = checkpoint_io.data_path(prefix)
    size = os.path.getsize(data)
    _flip(data, size - 1)  # the last byte of the last tensor's data
    with pytest.raises(errors.DataLossError, match="checksum mismatch for tensor"):
        saved["saver"].restore(saved["sess"], prefix)
    os.unlink(data)
    with pytest.raises(errors.NotFoundError, match="data file .* is missing"):
        saved["saver"].restore(saved["sess"], prefix)
    assert_unchanged(saved)


def test_data_file_holds_checksums_in_safetensors_metadata(saved):
    from safetensors import safe_open

    with safe_open(checkpoint_io.data_path(saved["prefix"]), framework="numpy") as f:
        meta = f.metadata()
        assert sorted(f.keys()) == ["a", "b"]
        np.testing.assert_array_equal(f.get_tensor("a"), [1.0, 2.0, 3.0])
    assert meta["format"] == "pygraphx-checkpoint-data"
    assert set(meta) >= {"crc32/a", "crc32/b"}


# ---------------------------------------------------------------------------------------------
# Interrupted saves (exception)


class _Crash(Exception):
    pass


def _crash_after(monkeypatch, n_chunks):
    """Makes the n-th chunk written (counting from 1) write half its bytes and raise."""
    count = [0]
    real = checkpoint_io._write_chunk

    def write(f, chunk):
        count[0] += 1
        if count[0] == n_chunks:
            real(f, chunk[:len(chunk) // 2])
            raise _Crash("disk went away")
        real(f, chunk)

    monkeypatch.setattr(checkpoint_io, "_write_chunk", write)


@pytest.mark.parametrize("same_prefix", [False, True])
@pytest.mark.parametrize("crash_at", [1, 2, 3, 4, 5])
def test_failed_save_leaves_previous_checkpoint(tmp_path, monkeypatch, same_prefix, crash_at):
    monkeypatch.setattr(checkpoint_io, "_CHUNK", 3 << 20)
    big = tf.Variable(np.zeros(1 << 20, np.float32), name="big")  # 4 MB: two data chunks
    small = tf.Variable(1, name="small")
    saver = tf.train.Saver(max_to_keep=1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = saver.save(sess, str(tmp_path / "m"), global_step=None if same_prefix else 1)
        real_write_chunk = checkpoint_io._write_chunk
        state = read_state(tmp_path)
        files = sorted(os.listdir(tmp_path))
        sess.run([tf.assign(big, np.ones(1 << 20, np.float32)), tf.assign(small, 2)])
        # Chunks: data (2), index (1), meta (1), state (1).
        _crash_after(monkeypatch, crash_at)
        with pytest.raises(_Crash):
            saver.save(sess, str(tmp_path / "m"), global_step=None if same_prefix else 2)
        monkeypatch.setattr(checkpoint_io, "_write_chunk", real_write_chunk)
        assert not [f for f in os.listdir(tmp_path) if ".tmp-" in f]
        assert read_state(tmp_path) == state
        assert tf.train.latest_checkpoint(str(tmp_path)) == first
        if not same_prefix:
            assert set(files) <= set(os.listdir(tmp_path))
        saver.restore(sess, first)
        got_small = sess.run(small)
        # Overwriting one prefix: once the index is committed (crash in the meta or state
        # file), the prefix holds the new values; before, the old ones.
        expect_new = same_prefix and crash_at >= 4
        assert got_small == (2 if expect_new else 1)
        assert float(sess.run(big)[-1]) == (1.0 if expect_new else 0.0)


def test_crash_between_index_commit_and_data_rename(tmp_path, monkeypatch):
    v = tf.Variable([1.0, 2.0], name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(v.initializer)
        prefix = saver.save(sess, str(tmp_path / "m"))
        sess.run(tf.assign(v, [5.0, 6.0]))

        def crash(src, dst):
            raise _Crash("killed before the rename")

        monkeypatch.setattr(checkpoint_io, "_replace", crash)
        with pytest.raises(_Crash):
            saver.save(sess, prefix)
        monkeypatch.undo()
        assert os.path.exists(checkpoint_io.data_path(prefix) + ".pending")
        sess.run(tf.assign(v, [0.0, 0.0]))
        saver.restore(sess, prefix)  # the committed index names the pending data file
        np.testing.assert_array_equal(sess.run(v), [5.0, 6.0])
        saver.save(sess, prefix)  # the next save cleans up
        assert not os.path.exists(checkpoint_io.data_path(prefix) + ".pending")


# ---------------------------------------------------------------------------------------------
# Interrupted saves (SIGKILL in another process)

_KILL_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    import numpy as np
    import pygraphx as tf
    from pygraphx.training import checkpoint_io

    directory, point, same_prefix = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
    checkpoint_io._CHUNK = 4 << 20
    n = 3 << 20  # 12 MB: three data chunks
    big = tf.Variable(np.full(n, 1.0, np.float32), name="big")
    step = tf.Variable(1, name="step")
    saver = tf.train.Saver()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    path = os.path.join(directory, "model")
    saver.save(sess, path, global_step=None if same_prefix else 1)
    sess.run([tf.assign(big, np.full(n, 2.0, np.float32)), tf.assign(step, 2)])

    files = {"data": 1, "index": 2, "meta": 3, "state": 4}
    count = {"file": 0, "chunk": 0}
    real_atomic, real_chunk, real_replace = (checkpoint_io.atomic_write,
                                             checkpoint_io._write_chunk, checkpoint_io._replace)

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    def atomic(p, data):
        count["file"] += 1
        count["chunk"] = 0
        return real_atomic(p, data)

    def chunk(f, c):
        count["chunk"] += 1
        if point in files and count["file"] == files[point] and count["chunk"] == 2 - (
                point != "data"):
            real_chunk(f, c[:len(c) // 2])
            f.flush()
            os.fsync(f.fileno())
            die()
        real_chunk(f, c)

    def replace(src, dst):
        if point == "rename":
            die()
        real_replace(src, dst)

    checkpoint_io.atomic_write = atomic
    checkpoint_io._write_chunk = chunk
    checkpoint_io._replace = replace
    saver.save(sess, path, global_step=None if same_prefix else 2)
    print("save finished")
""")


def _child_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return env


@pytest.mark.parametrize("same_prefix", [False, True])
@pytest.mark.parametrize("point", ["data", "index", "rename", "meta", "state"])
def test_sigkill_during_save_leaves_a_restorable_checkpoint(tmp_path, point, same_prefix):
    proc = subprocess.run([sys.executable, "-c", _KILL_SCRIPT, str(tmp_path), point,
                           "1" if same_prefix else "0"], check=False, env=_child_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "save finished" not in proc.stdout
    latest = tf.train.latest_checkpoint(str(tmp_path))
    assert latest == str(tmp_path / ("model" if same_prefix else "model-1"))
    big = tf.Variable(np.zeros(3 << 20, np.float32), name="big")
    step = tf.Variable(0, name="step")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        saver.restore(sess, latest)
        committed = same_prefix and point in ("rename", "meta", "state")
        assert sess.run(step) == (2 if committed else 1)
        np.testing.assert_array_equal(sess.run(big), 2.0 if committed else 1.0)
        if not same_prefix and point in ("rename", "meta", "state"):
            saver.restore(sess, str(tmp_path / "model-2"))  # committed, not yet the latest
            assert sess.run(step) == 2
