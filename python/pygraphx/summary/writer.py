"""``tf.summary.FileWriter``: writes summaries, the graph and session logs to a TensorBoard events
file through the optional ``tensorboard`` package."""

from __future__ import annotations

import time
from typing import Any, Optional

from . import _tensorboard
from .graph_def import graph_to_graph_def

__all__ = ["FileWriter"]


class FileWriter:
    """Writes ``Event`` protocol buffers to an events file in ``logdir``.

    As in TF1, writing is asynchronous: events are queued (``max_queue``) and written at least
    every ``flush_secs`` seconds, on ``flush()`` and on ``close()``. After ``close()`` events are
    ignored until ``reopen()`` starts a new events file. ``session`` is accepted for
    compatibility; events are always written by this object.

    Raises:
      ImportError: if tensorboard is not installed (``pip install "pygraphx[tensorboard]"``).
    """

    def __init__(self, logdir: str, graph: Any = None, max_queue: int = 10,
                 flush_secs: float = 120, graph_def: Any = None,
                 filename_suffix: Optional[str] = None, session: Any = None) -> None:
        writer_mod = _tensorboard.load("summary.writer.event_file_writer")
        self._event_pb2, self._summary_pb2, self._graph_pb2 = _tensorboard.protos()
        self._writer_cls = writer_mod.EventFileWriter
        self._logdir = str(logdir)
        self._max_queue = max_queue
        self._flush_secs = flush_secs
        self._suffix = filename_suffix or ""
        self._writer = self._open()
        self._closed = False
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    def _open(self) -> Any:
        return self._writer_cls(self._logdir, max_queue_size=self._max_queue,
                                flush_secs=self._flush_secs, filename_suffix=self._suffix)

    # -- events --------------------------------------------------------------------------------

    def add_event(self, event: Any) -> None:
        """Queues an ``Event`` proto (ignored once the writer is closed)."""
        if not self._closed:
            self._writer.add_event(event)

    def _add(self, global_step: Optional[int], **fields: Any) -> None:
        event = self._event_pb2.Event(wall_time=time.time(), **fields)
        if global_step is not None:
            event.step = int(global_step)
        self.add_event(event)

    def add_summary(self, summary: Any, global_step: Optional[int] = None) -> None:
        """Adds a ``Summary``: the bytes fetched from a summary op, or a ``Summary`` proto.

        Raises:
          TypeError: if ``summary`` is neither.
        """
        if isinstance(summary, (bytes, bytearray)):
            proto = self._summary_pb2.Summary()
            proto.ParseFromString(bytes(summary))
        elif isinstance(summary, self._summary_pb2.Summary):
            proto = summary
        elif hasattr(summary, "SerializeToString") and type(summary).__name__ == "Summary":
            proto = self._summary_pb2.Summary.FromString(summary.SerializeToString())
        else:
            raise TypeError("add_summary expects the serialized bytes of a Summary or a Summary "
                            "proto, got %s" % type(summary).__name__)
        self._add(global_step, summary=proto)

    def add_session_log(self, session_log: Any, global_step: Optional[int] = None) -> None:
        """Adds a ``SessionLog`` proto (e.g. ``SessionLog(status=SessionLog.START)``)."""
        self._add(global_step, session_log=session_log)

    def add_graph(self, graph: Any, global_step: Optional[int] = None,
                  graph_def: Any = None) -> None:
        """Adds the graph as a ``graph_def`` event, with its scoped node names.

        Raises:
          ValueError: if both ``graph`` and ``graph_def`` are given.
          TypeError: if ``graph`` is not a pygraphx Graph.
        """
        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph or graph_def (deprecated), but not both.")
        if graph is not None:
            from ..framework.graph import Graph

            if not isinstance(graph, Graph):
                raise TypeError("add_graph expects a pygraphx Graph, got %s"
                                % type(graph).__name__)
            graph_def = graph_to_graph_def(graph)
        elif isinstance(graph_def, (bytes, bytearray)):
            graph_def = self._graph_pb2.GraphDef.FromString(bytes(graph_def))
        if graph_def is None:
            return
        self._add(global_step, graph_def=graph_def.SerializeToString())

    # -- lifetime ------------------------------------------------------------------------------

    def get_logdir(self) -> str:
        return self._logdir

    def flush(self) -> None:
        """Writes every queued event to disk."""
        if not self._closed:
            self._writer.flush()

    def close(self) -> None:
        """Flushes and closes the events file; further events are ignored until reopen()."""
        if not self._closed:
            self._writer.close()
            self._closed = True

    def reopen(self) -> None:
        """After close(), starts a new events file in the same directory."""
        if self._closed:
            self._writer = self._open()
            self._closed = False

    def __enter__(self) -> "FileWriter":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
