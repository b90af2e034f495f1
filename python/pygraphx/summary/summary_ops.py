"""``tf.summary.scalar``, ``histogram``, ``merge`` and ``merge_all``: graph ops producing
serialized TensorBoard ``Summary`` protocol buffers as scalar string tensors."""

from __future__ import annotations

import contextlib
import re
from typing import Any, Iterator, Optional, Sequence, Tuple

from ..framework import ops

__all__ = ["scalar", "histogram", "merge", "merge_all"]

# Summaries are outputs for TensorBoard, never part of a loss.
for _op_type in ("ScalarSummary", "HistogramSummary", "MergeSummary"):
    ops.NotDifferentiable(_op_type)

_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w\.]")


def _clean_tag(name: Optional[str]) -> Optional[str]:
    """``name`` with characters TensorBoard does not accept in tags replaced by '_' and leading
    slashes removed (TF1's rule)."""
    if name is None:
        return None
    return _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")


@contextlib.contextmanager
def _summary_scope(name: str, family: Optional[str], values: Sequence[Any]
                   ) -> Iterator[Tuple[str, str]]:
    """Opens the (uniquified) name scope of a summary and yields ``(tag, scope)``.

    The tag is the scope's full name; with a family, the scope is ``family/name`` and the tag
    is additionally prefixed with ``family/`` so TensorBoard groups it under the family.
    """
    name = _clean_tag(name)
    family = _clean_tag(family)
    base = name if family is None else "%s/%s" % (family, name)
    with ops.name_scope(base, values=list(values)) as scope:
        full = scope.rstrip("/")
        tag = full if family is None else "%s/%s" % (family, full)
        yield tag, scope


def _collect(value: ops.Tensor, collections: Optional[Sequence[str]],
             default: Sequence[str]) -> None:
    keys = default if collections is None else collections
    if isinstance(keys, str):
        keys = [keys]
    for key in keys:
        ops.add_to_collection(key, value)


def _string_const(value: str, name: str) -> ops.Tensor:
    return ops.convert_to_tensor(value, name=name)


def scalar(name: str, tensor: Any, collections: Optional[Sequence[str]] = None,
           family: Optional[str] = None) -> ops.Tensor:
    """A ``ScalarSummary`` of a real-valued scalar, named and tagged after its name scope.

    Returns a scalar string tensor holding a serialized ``Summary`` with one ``simple_value``;
    it is added to ``collections`` (default ``[GraphKeys.SUMMARIES]``).

    Raises:
      TypeError: if ``tensor`` is not float32, float64, int32 or int64.
    """
    with _summary_scope(name, family, [tensor]) as (tag, scope):
        values = ops.convert_to_tensor(tensor, name="values")
        tags = _string_const(tag, "tags")
        op = ops.make_op("ScalarSummary", [tags, values],
                         {"T": ops.attr_dtype(values.dtype)}, name=scope)
        out = op.outputs[0]
    _collect(out, collections, [ops.GraphKeys.SUMMARIES])
    return out


def histogram(name: str, values: Any, collections: Optional[Sequence[str]] = None,
              family: Optional[str] = None) -> ops.Tensor:
    """A ``HistogramSummary`` of ``values`` (any shape) with TensorBoard's default buckets.

    Running it raises ``errors.InvalidArgumentError`` naming the tag when a value is NaN or
    infinite.

    Raises:
      TypeError: if ``values`` is not float32, float64, int32 or int64.
    """
    with _summary_scope(name, family, [values]) as (tag, scope):
        vals = ops.convert_to_tensor(values, name="values")
        tag_t = _string_const(tag, "tag")
        op = ops.make_op("HistogramSummary", [tag_t, vals],
                         {"T": ops.attr_dtype(vals.dtype)}, name=scope)
        out = op.outputs[0]
    _collect(out, collections, [ops.GraphKeys.SUMMARIES])
    return out


def merge(inputs: Sequence[Any], collections: Optional[Sequence[str]] = None,
          name: Optional[str] = None) -> ops.Tensor:
    """A ``MergeSummary`` of serialized summaries: one ``Summary`` with all their values.

    Running it raises ``errors.InvalidArgumentError`` when two inputs carry the same tag.

    Raises:
      ValueError: if ``inputs`` is empty.
      TypeError: if an input is not a string tensor.
    """
    inputs = list(inputs)
    if not inputs:
        raise ValueError("List argument 'inputs' to 'MergeSummary' Op with length 0 shorter "
                         "than minimum length 1.")
    with ops.name_scope(name, "Merge", inputs):
        ts = [ops.convert_to_tensor(x) for x in inputs]
        op = ops.make_op("MergeSummary", ts, {"N": ops.attr_int(len(ts))}, name=name)
        out = op.outputs[0]
    _collect(out, collections, [])
    return out


def merge_all(key: str = ops.GraphKeys.SUMMARIES, scope: Optional[str] = None,
              name: Optional[str] = None) -> Optional[ops.Tensor]:
    """Merges every summary in collection ``key`` (filtered by ``scope``); None when there
    are none."""
    summaries = ops.get_collection(key, scope=scope)
    if not summaries:
        return None
    return merge(summaries, name=name)
