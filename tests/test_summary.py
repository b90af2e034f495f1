"""Summary ops (scalar, histogram, merge, merge_all) and the TensorBoard FileWriter.

Serialized summaries are decoded with tensorboard's own protos; the events file is read back with
its EventAccumulator."""

from __future__ import annotations

import builtins
import glob
import os
import sys

import numpy as np
import pytest

import pygraphx as tf

summary_pb2 = pytest.importorskip("tensorboard.compat.proto.summary_pb2")
event_pb2 = pytest.importorskip("tensorboard.compat.proto.event_pb2")
event_accumulator = pytest.importorskip(
    "tensorboard.backend.event_processing.event_accumulator")


def _decode(data: bytes):
    assert type(data) is bytes
    return summary_pb2.Summary.FromString(data)


def _limits():
    """TensorBoard's default bucket right edges, built independently of the implementation."""
    pos = []
    v = 1e-12
    while v < 1e20:
        pos.append(v)
        v *= 1.1
    return np.array([-np.finfo(np.float64).max] + [-x for x in reversed(pos)] + [0.0] + pos
                    + [np.finfo(np.float64).max])


# ---- scalar ------------------------------------------------------------------------------------


def test_scalar_names_tag_and_value(sess):
    mse = tf.constant(0.25, name="loss_value")
    s = tf.summary.scalar("MSE", mse)
    assert s.op.name == "MSE" and s.op.type == "ScalarSummary"
    assert s.dtype == tf.string and s.shape.as_list() == []
    assert [t.name for t in s.op.inputs] == ["MSE/tags:0", "loss_value:0"]
    (v,) = _decode(sess.run(s)).value
    assert v.tag == "MSE" and v.simple_value == 0.25
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [s]


def test_scalar_in_name_scope_and_family(sess):
    x = tf.constant(2, dtype=tf.int64)
    with tf.name_scope("loss"):
        a = tf.summary.scalar("MSE", x)
        b = tf.summary.scalar("MSE", x, family="fam")
    c = tf.summary.scalar("MSE", x, family="fam")
    assert [a.op.name, b.op.name, c.op.name] == ["loss/MSE", "loss/fam/MSE", "fam/MSE"]
    tags = [_decode(sess.run(t)).value[0].tag for t in (a, b, c)]
    assert tags == ["loss/MSE", "fam/loss/fam/MSE", "fam/fam/MSE"]
    assert _decode(sess.run(a)).value[0].simple_value == 2.0


def test_scalar_repeated_name_is_uniquified_and_tag_cleaned(sess):
    x = tf.constant(1.0)
    a = tf.summary.scalar("acc", x)
    b = tf.summary.scalar("acc", x)
    c = tf.summary.scalar("a b:c", x)
    assert (a.op.name, b.op.name, c.op.name) == ("acc", "acc_1", "a_b_c")
    assert _decode(sess.run(b)).value[0].tag == "acc_1"


def test_scalar_collections_argument():
    x = tf.constant(1.0)
    s = tf.summary.scalar("x", x, collections=["mine"])
    assert tf.get_collection("mine") == [s]
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == []


def test_scalar_fed_value_float64(sess):
    p = tf.placeholder(tf.float64, [])
    s = tf.summary.scalar("p", p)
    assert _decode(sess.run(s, {p: 1e-3})).value[0].simple_value == pytest.approx(1e-3)


def test_scalar_summary_of_vector_tags_and_values(sess):
    tags = tf.constant([["a", "b"]])
    vals = tf.constant([[1.5, -2.0]])
    op = tf.get_default_graph().create_op("ScalarSummary", [tags, vals])
    values = _decode(sess.run(op.outputs[0])).value
    assert [(v.tag, v.simple_value) for v in values] == [("a", 1.5), ("b", -2.0)]


def test_scalar_summary_shape_mismatch_is_invalid_argument(sess):
    s = tf.summary.scalar("v", tf.constant([1.0, 2.0]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="not the same shape"):
        sess.run(s)


def test_scalar_refuses_non_real_values():
    with pytest.raises(TypeError, match="ScalarSummary.*bool"):
        tf.summary.scalar("b", tf.constant(True))


# ---- histogram ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
def test_histogram_statistics_match_numpy(sess, dtype):
    rng = np.random.default_rng(3)
    data = (rng.standard_normal(20000) * 50).astype(dtype)
    h = tf.summary.histogram("weights", tf.constant(data))
    assert h.op.name == "weights" and h.op.type == "HistogramSummary"
    (v,) = _decode(sess.run(h)).value
    assert v.tag == "weights"
    d = data.astype(np.float64)
    assert v.histo.min == d.min() and v.histo.max == d.max() and v.histo.num == d.size
    assert v.histo.sum == pytest.approx(d.sum(), rel=1e-9, abs=1e-6)
    assert v.histo.sum_squares == pytest.approx((d * d).sum(), rel=1e-9)
    assert sum(v.histo.bucket) == d.size
    assert len(v.histo.bucket) == len(v.histo.bucket_limit)
    # Every listed bucket holds exactly the values in (previous listed limit, its limit].
    limits = np.array(v.histo.bucket_limit)
    all_limits = _limits()
    idx = np.searchsorted(all_limits, d, side="right")
    edges = all_limits[idx]
    for lim, count in zip(limits, v.histo.bucket):
        if count:
            assert np.count_nonzero(edges == lim) == count


def test_histogram_buckets_elide_empty_runs(sess):
    h = tf.summary.histogram("w", tf.constant([1.0, -2.0, 0.0, 3.5]))
    histo = _decode(sess.run(h)).value[0].histo
    assert list(histo.bucket) == [0, 1, 0, 1, 0, 1, 0, 1, 0]
    assert histo.bucket_limit[2] == 0.0 and histo.bucket_limit[3] == 1e-12
    assert histo.bucket_limit[-1] == np.finfo(np.float64).max
    assert (histo.min, histo.max, histo.sum, histo.sum_squares) == (-2.0, 3.5, 2.5, 17.25)


def test_histogram_of_empty_tensor(sess):
    histo = _decode(sess.run(tf.summary.histogram("e", tf.zeros([0])))).value[0].histo
    assert histo.num == 0 and list(histo.bucket) == [0]
    assert histo.min == np.finfo(np.float64).max and histo.max == -np.finfo(np.float64).max


def test_histogram_in_scope_with_python_values(sess):
    with tf.name_scope("layer"):
        h = tf.summary.histogram("w", [1.0, 2.0])
    assert h.op.name == "layer/w"
    assert [t.name for t in h.op.inputs] == ["layer/w/tag:0", "layer/w/values:0"]
    assert _decode(sess.run(h)).value[0].tag == "layer/w"


@pytest.mark.parametrize("bad,msg", [(np.nan, "Nan in summary histogram for: hist"),
                                     (np.inf, "Infinity in Histogram for: hist"),
                                     (-np.inf, "Infinity in Histogram for: hist")])
def test_histogram_non_finite_is_invalid_argument(sess, bad, msg):
    p = tf.placeholder(tf.float32, [None])
    h = tf.summary.histogram("hist", p)
    data = np.ones(50000, np.float32)
    data[40000] = bad
    with pytest.raises(tf.errors.InvalidArgumentError, match=msg):
        sess.run(h, {p: data})


# ---- merge -------------------------------------------------------------------------------------


def test_merge_concatenates_values(sess):
    a = tf.summary.scalar("a", tf.constant(1.0))
    h = tf.summary.histogram("h", tf.constant([1.0, 2.0]))
    m = tf.summary.merge([a, h])
    assert m.op.name == "Merge/MergeSummary" and m.op.type == "MergeSummary"
    assert m.op.get_attr("N") == 2
    values = _decode(sess.run(m)).value
    assert [v.tag for v in values] == ["a", "h"]
    assert values[0].simple_value == 1.0 and values[1].histo.num == 2
    assert m not in tf.get_collection(tf.GraphKeys.SUMMARIES)


def test_merge_named_and_collections():
    a = tf.summary.scalar("a", tf.constant(1.0))
    m = tf.summary.merge([a], collections=["merged"], name="all")
    assert m.op.name == "all/all"
    assert tf.get_collection("merged") == [m]


def test_merge_duplicate_tags_is_invalid_argument(sess):
    a = tf.summary.scalar("dup", tf.constant(1.0))
    m = tf.summary.merge([a, tf.identity(a)])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Duplicate tag dup"):
        sess.run(m)


def test_merge_rejects_garbage_and_empty(sess):
    with pytest.raises(ValueError, match="length 0"):
        tf.summary.merge([])
    m = tf.summary.merge([tf.constant(b"\xff\xff")])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not parse"):
        sess.run(m)
    with pytest.raises(TypeError, match="MergeSummary.*float32"):
        tf.summary.merge([tf.constant(1.0)])


def test_merge_all(sess):
    assert tf.summary.merge_all() is None
    tf.summary.scalar("x", tf.constant(3.0))
    with tf.name_scope("inner"):
        tf.summary.histogram("y", tf.constant([1.0]))
    m = tf.summary.merge_all()
    assert [v.tag for v in _decode(sess.run(m)).value] == ["x", "inner/y"]
    only = tf.summary.merge_all(scope="inner")
    assert [v.tag for v in _decode(sess.run(only)).value] == ["inner/y"]
    assert tf.summary.merge_all(key="nothing") is None


def test_summary_proto_class_reexported():
    assert tf.summary.Summary is summary_pb2.Summary
    assert tf.summary.SessionLog is event_pb2.SessionLog


# ---- FileWriter --------------------------------------------------------------------------------


def _events_file(logdir):
    files = glob.glob(os.path.join(str(logdir), "events.out.tfevents.*"))
    assert len(files) == 1, files
    return files[0]


def _accumulator(path):
    acc = event_accumulator.EventAccumulator(path)
    acc.Reload()
    return acc


def test_file_writer_graph_and_scalar_curve(tmp_path):
    X = tf.placeholder(tf.float32, [None, 3], name="X")
    with tf.name_scope("relu"):
        w = tf.Variable(tf.ones([3, 1]), name="weights")
        z = tf.add(tf.matmul(X, w), 0.5, name="z")
    with tf.name_scope("relu"):
        z2 = tf.matmul(X, w)
    with tf.control_dependencies([z2.op]):
        out = tf.identity(z, name="out")
    mse = tf.reduce_mean(tf.square(out), name="mean_sq")
    s = tf.summary.scalar("MSE", mse)
    with tf.Session() as sess, tf.summary.FileWriter(str(tmp_path), tf.get_default_graph()) as fw:
        sess.run(tf.global_variables_initializer())
        expected = []
        for step in range(5):
            x = np.full((2, 3), step, np.float32)
            fw.add_summary(sess.run(s, {X: x}), step)
            expected.append(float(np.mean((x.sum(1) + 0.5) ** 2)))
    acc = _accumulator(_events_file(tmp_path))
    curve = acc.Scalars("MSE")
    assert [e.step for e in curve] == list(range(5))
    assert [e.value for e in curve] == pytest.approx(expected)
    gd = acc.Graph()
    nodes = {n.name: n for n in gd.node}
    assert "relu/MatMul" in nodes and "relu_1/MatMul" in nodes and "relu/weights" in nodes
    assert nodes["relu/MatMul"].op == "MatMul"
    assert list(nodes["relu/z"].input) == ["relu/MatMul", "relu/z/y"]
    assert list(nodes["out"].input) == ["relu/z", "^relu_1/MatMul"]
    assert nodes["X"].attr["dtype"].type == 1
    assert [d.size for d in nodes["X"].attr["shape"].shape.dim] == [-1, 3]
    assert [d.size for d in nodes["relu/MatMul"].attr["_output_shapes"].list.shape[0].dim] \
        == [-1, 1]
    const = nodes["relu/z/y"].attr["value"].tensor
    assert const.dtype == 1 and np.frombuffer(const.tensor_content, "<f4").tolist() == [0.5]
    tags = nodes["MSE/tags"].attr["value"].tensor
    assert tags.dtype == 7 and list(tags.string_val) == [b"MSE"]


def test_file_writer_histogram_and_merged(tmp_path):
    a = tf.summary.scalar("a", tf.constant(2.0))
    h = tf.summary.histogram("h", tf.constant([1.0, 2.0, 3.0]))
    m = tf.summary.merge_all()
    with tf.Session() as sess:
        fw = tf.summary.FileWriter(str(tmp_path), filename_suffix=".x")
        assert fw.get_logdir() == str(tmp_path)
        fw.add_summary(sess.run(m), global_step=7)
        fw.add_summary(_decode(sess.run(a)), global_step=8)  # a proto works too
        fw.close()
    path = _events_file(tmp_path)
    assert path.endswith(".x")
    acc = _accumulator(path)
    assert [(e.step, e.value) for e in acc.Scalars("a")] == [(7, 2.0), (8, 2.0)]
    (hist,) = acc.Histograms("h")
    assert hist.step == 7 and hist.histogram_value.num == 3 and hist.histogram_value.sum == 6
    del h


def test_file_writer_flush_session_log_and_event(tmp_path):
    fw = tf.summary.FileWriter(str(tmp_path))
    fw.add_session_log(event_pb2.SessionLog(status=event_pb2.SessionLog.START), 1)
    fw.add_event(event_pb2.Event(step=2, file_version="custom"))
    fw.flush()
    with open(_events_file(tmp_path), "rb") as f:
        assert len(f.read()) > 0
    events = []
    from tensorboard.backend.event_processing import event_file_loader

    for ev in event_file_loader.EventFileLoader(_events_file(tmp_path)).Load():
        events.append(ev)
    assert events[0].file_version.startswith("brain.Event")
    assert events[1].session_log.status == event_pb2.SessionLog.START and events[1].step == 1
    assert events[2].step == 2
    fw.close()


def test_file_writer_close_ignores_then_reopen(tmp_path):
    s = tf.summary.scalar("v", tf.constant(1.0))
    with tf.Session() as sess:
        data = sess.run(s)
    fw = tf.summary.FileWriter(str(tmp_path))
    fw.add_summary(data, 0)
    fw.close()
    fw.close()  # closing twice is harmless
    fw.add_summary(data, 1)  # ignored, as in TF
    first = _events_file(tmp_path)
    assert [e.step for e in _accumulator(first).Scalars("v")] == [0]
    fw.reopen()
    fw.add_summary(data, 2)
    fw.close()
    files = sorted(glob.glob(os.path.join(str(tmp_path), "events.out.tfevents.*")))
    assert len(files) == 2
    second = [f for f in files if f != first][0]
    assert [e.step for e in _accumulator(second).Scalars("v")] == [2]


def test_file_writer_argument_errors(tmp_path):
    fw = tf.summary.FileWriter(str(tmp_path))
    with pytest.raises(TypeError, match="Summary"):
        fw.add_summary(3.0)
    with pytest.raises(ValueError):
        fw.add_graph(tf.get_default_graph(), graph_def=object())
    fw.close()


def test_file_writer_without_tensorboard_raises_import_error(tmp_path, monkeypatch):
    for name in list(sys.modules):
        if name == "tensorboard" or name.startswith("tensorboard."):
            monkeypatch.delitem(sys.modules, name)
    real_import = builtins.__import__

    def blocked(name, *args, **kwargs):
        if name == "tensorboard" or name.startswith("tensorboard."):
            raise ImportError("No module named %r" % name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", blocked)
    monkeypatch.setitem(sys.modules, "tensorboard", None)
    with pytest.raises(ImportError, match=r'pip install "pygraphx\[tensorboard\]"'):
        tf.summary.FileWriter(str(tmp_path))
    assert not os.listdir(str(tmp_path))
    # The summary ops themselves need no tensorboard.
    s = tf.summary.scalar("x", tf.constant(1.0))
    with tf.Session() as sess:
        assert isinstance(sess.run(s), bytes)
