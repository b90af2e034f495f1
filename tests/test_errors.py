"""pygraphx.errors: TF's OpError classes, codes, attributes and run-time messages."""

from __future__ import annotations

import pickle

import pytest

import pygraphx as tf
from pygraphx import errors

CLASSES = [
    ("CancelledError", 1), ("UnknownError", 2), ("InvalidArgumentError", 3),
    ("DeadlineExceededError", 4), ("NotFoundError", 5), ("AlreadyExistsError", 6),
    ("PermissionDeniedError", 7), ("ResourceExhaustedError", 8),
    ("FailedPreconditionError", 9), ("AbortedError", 10), ("OutOfRangeError", 11),
    ("UnimplementedError", 12), ("InternalError", 13), ("UnavailableError", 14),
    ("DataLossError", 15), ("UnauthenticatedError", 16),
]


@pytest.mark.parametrize("name,code", CLASSES)
def test_error_classes_and_codes(name, code):
    cls = getattr(errors, name)
    assert cls is getattr(tf.errors, name)
    assert issubclass(cls, errors.OpError) and issubclass(cls, Exception)
    e = cls(None, None, "boom")
    assert (e.message, e.op, e.node_def, e.error_code, str(e)) == ("boom", None, None, code,
                                                                    "boom")
    assert errors.exception_type_from_error_code(code) is cls
    assert getattr(errors, _const_name(name)) == code


def _const_name(cls_name: str) -> str:
    base = cls_name[:-len("Error")]
    out = ""
    for i, ch in enumerate(base):
        if ch.isupper() and i:
            out += "_"
        out += ch.upper()
    return out


def test_op_error_base():
    e = errors.OpError(None, None, "msg", errors.INTERNAL)
    assert e.error_code == errors.INTERNAL and e.message == "msg"
    assert errors.OK == 0


def test_error_pickles():
    e = errors.NotFoundError(None, None, "gone")
    e2 = pickle.loads(pickle.dumps(e))
    assert type(e2) is errors.NotFoundError and e2.message == "gone"


def test_runtime_error_names_node_and_user_line(sess):
    x = tf.placeholder(tf.float32, shape=(2,), name="X")
    line = test_runtime_error_names_node_and_user_line.__code__.co_firstlineno + 1
    with pytest.raises(tf.errors.InvalidArgumentError) as ei:
        sess.run(x)
    msg = str(ei.value)
    assert "[[node X (defined at %s:%d)]]" % (__file__, line) in msg
    assert ei.value.op is x.op and ei.value.op.traceback_source == "%s:%d" % (__file__, line)


def test_kernel_error_names_the_failing_node(sess):
    v = tf.Variable([1.0, 2.0], name="v")
    p = tf.placeholder(tf.float32, name="p")
    a = tf.assign(v, p, name="set_v")
    line = test_kernel_error_names_the_failing_node.__code__.co_firstlineno + 3
    sess.run(v.initializer)
    with pytest.raises(tf.errors.InvalidArgumentError) as ei:
        sess.run(a, {p: [1.0]})
    assert ei.value.op is a.op
    assert "Assign requires shapes of both tensors to match" in ei.value.message
    assert "[[node set_v (defined at %s:%d)]]" % (__file__, line) in ei.value.message


def test_uninitialized_variable_error(sess):
    v = tf.Variable(1.0, name="weights")
    y = tf.identity(v, name="y")
    with pytest.raises(tf.errors.FailedPreconditionError) as ei:
        sess.run(y)
    e = ei.value
    assert isinstance(e, tf.errors.OpError)
    assert e.error_code == tf.errors.FAILED_PRECONDITION
    assert e.message.startswith("Attempting to use uninitialized value weights")
    assert e.op is not None and e.op.name == "weights/read"


def test_build_time_errors_are_not_op_errors():
    v = tf.Variable([1.0, 2.0], name="v")
    with pytest.raises(ValueError) as ei:
        tf.assign(v, [1.0, 2.0, 3.0])
    assert not isinstance(ei.value, tf.errors.OpError)
