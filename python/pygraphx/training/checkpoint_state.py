"""The ``checkpoint`` state file: which checkpoints a directory holds and which is the latest.

The file is TF's text format of a ``CheckpointState``::

    model_checkpoint_path: "model.ckpt-3"
    all_model_checkpoint_paths: "model.ckpt-2"
    all_model_checkpoint_paths: "model.ckpt-3"

Paths are written relative to the directory when both the directory and the path were given
as relative paths (or with ``save_relative_paths``), else as given, and are returned joined
with the directory, as TF does.
"""

from __future__ import annotations

import logging
import os
import re
from typing import List, Optional

from . import checkpoint_io

__all__ = [
    "CheckpointState",
    "get_checkpoint_state",
    "update_checkpoint_state",
    "latest_checkpoint",
    "checkpoint_exists",
    "get_checkpoint_mtimes",
]

_log = logging.getLogger(__name__)
_LINE = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))\s*$')
_KNOWN_SCALARS = ("all_model_checkpoint_timestamps", "last_preserved_timestamp")


class CheckpointState:
    """``model_checkpoint_path`` and ``all_model_checkpoint_paths`` of a directory."""

    def __init__(self, model_checkpoint_path: str = "",
                 all_model_checkpoint_paths: Optional[List[str]] = None):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths or [])

    def __repr__(self) -> str:
        return _serialize(self)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, CheckpointState)
                and other.model_checkpoint_path == self.model_checkpoint_path
                and other.all_model_checkpoint_paths == self.all_model_checkpoint_paths)

    __hash__ = None  # type: ignore[assignment]


class _ParseError(ValueError):
    pass


def _escape(s: str) -> str:
    out = []
    for b in s.encode("utf-8"):
        c = chr(b)
        if c in "\\\"'":
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif b < 0x20 or b >= 0x7F:
            out.append("\\%03o" % b)
        else:
            out.append(c)
    return "".join(out)


_SIMPLE = {"n": 0x0A, "r": 0x0D, "t": 0x09, "\\": 0x5C, '"': 0x22, "'": 0x27, "a": 0x07,
           "b": 0x08, "f": 0x0C, "v": 0x0B, "?": 0x3F}


def _unescape(s: str) -> str:
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        if i + 1 >= len(s):
            raise _ParseError("dangling backslash")
        e = s[i + 1]
        if e in _SIMPLE:
            out.append(_SIMPLE[e])
            i += 2
        elif e in "01234567":
            m = re.match(r"[0-7]{1,3}", s[i + 1:])
            out.append(int(m.group(0), 8) & 0xFF)
            i += 1 + len(m.group(0))
        elif e in "xX":
            m = re.match(r"[0-9a-fA-F]{1,2}", s[i + 2:])
            if m is None:
                raise _ParseError("bad \\x escape")
            out.append(int(m.group(0), 16))
            i += 2 + len(m.group(0))
        else:
            raise _ParseError("unknown escape \\%s" % e)
    return out.decode("utf-8", errors="surrogateescape")


def _serialize(state: CheckpointState) -> str:
    lines = ['model_checkpoint_path: "%s"' % _escape(state.model_checkpoint_path)]
    lines += ['all_model_checkpoint_paths: "%s"' % _escape(p)
              for p in state.all_model_checkpoint_paths]
    return "\n".join(lines) + "\n"


def _parse(text: str) -> CheckpointState:
    state = CheckpointState()
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _LINE.match(line)
        if m is None:
            raise _ParseError("line %d: expected 'field: \"value\"', got %r" % (n, line))
        key, quoted, bare = m.groups()
        if key == "model_checkpoint_path" and quoted is not None:
            state.model_checkpoint_path = _unescape(quoted)
        elif key == "all_model_checkpoint_paths" and quoted is not None:
            state.all_model_checkpoint_paths.append(_unescape(quoted))
        elif key in _KNOWN_SCALARS and bare is not None:
            try:
                float(bare)
            except ValueError:
                raise _ParseError("line %d: %s must be a number" % (n, key)) from None
        else:
            raise _ParseError("line %d: unexpected field %r" % (n, key))
    return state


def _state_path(checkpoint_dir: str, latest_filename: Optional[str]) -> str:
    return os.path.join(checkpoint_dir, latest_filename or "checkpoint")


def get_checkpoint_state(checkpoint_dir: str, latest_filename: Optional[str] = None
                         ) -> Optional[CheckpointState]:
    """The state file of ``checkpoint_dir``, with relative paths joined to the directory.

    Returns None (and logs why) when the file is missing or cannot be parsed.

    Raises:
      ValueError: if the file names no ``model_checkpoint_path``.
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    path = _state_path(checkpoint_dir, latest_filename)
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except (OSError, UnicodeDecodeError) as e:
        _log.warning("%s: %s; checkpoint state ignored", path, e)
        return None
    try:
        state = _parse(text)
    except _ParseError as e:
        _log.warning("%s: cannot parse the checkpoint state (%s); ignored", path, e)
        return None
    if not state.model_checkpoint_path:
        raise ValueError("Invalid checkpoint state loaded from " + checkpoint_dir)
    if not os.path.isabs(state.model_checkpoint_path):
        state.model_checkpoint_path = os.path.join(checkpoint_dir, state.model_checkpoint_path)
    state.all_model_checkpoint_paths = [
        p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)
        for p in state.all_model_checkpoint_paths]
    return state


def update_checkpoint_state(save_dir: str, model_checkpoint_path: str,
                            all_model_checkpoint_paths: Optional[List[str]] = None,
                            latest_filename: Optional[str] = None,
                            save_relative_paths: bool = False) -> None:
    """Atomically rewrites the state file of ``save_dir``.

    ``model_checkpoint_path`` is appended to ``all_model_checkpoint_paths`` when missing.

    Raises:
      RuntimeError: if the state file would overwrite the checkpoint itself.
    """
    save_dir = os.fspath(save_dir)
    path = _state_path(save_dir, latest_filename)
    all_paths = list(all_model_checkpoint_paths or [])
    if not all_paths or all_paths[-1] != model_checkpoint_path:
        if model_checkpoint_path in all_paths:
            all_paths.remove(model_checkpoint_path)
        all_paths.append(model_checkpoint_path)
    if os.path.abspath(path) == os.path.abspath(model_checkpoint_path):
        raise RuntimeError("Save path '%s' conflicts with path used for checkpoint state.  "
                           "Please use a different save path." % model_checkpoint_path)

    def relative(p: str) -> str:
        if save_relative_paths or (not os.path.isabs(save_dir) and not os.path.isabs(p)):
            return os.path.relpath(p, save_dir or ".")
        return p

    state = CheckpointState(relative(model_checkpoint_path), [relative(p) for p in all_paths])
    checkpoint_io.atomic_write(path, _serialize(state).encode("utf-8"))


def checkpoint_exists(checkpoint_prefix: str) -> bool:
    """Whether a checkpoint with this prefix exists (its index file is present)."""
    return checkpoint_io.checkpoint_exists(checkpoint_prefix)


def get_checkpoint_mtimes(checkpoint_prefixes: List[str]) -> List[float]:
    """Modification times of the checkpoints that exist (the time their index was written)."""
    out = []
    for p in checkpoint_prefixes:
        try:
            out.append(os.stat(checkpoint_io.index_path(os.fspath(p))).st_mtime)
        except OSError:
            pass
    return out


def latest_checkpoint(checkpoint_dir: str, latest_filename: Optional[str] = None
                      ) -> Optional[str]:
    """The prefix of the latest checkpoint in ``checkpoint_dir``, or None when the state file
    is missing or names a checkpoint that does not exist."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not state.model_checkpoint_path:
        return None
    if checkpoint_io.checkpoint_exists(state.model_checkpoint_path):
        return state.model_checkpoint_path
    _log.error("Couldn't match files for checkpoint %s", state.model_checkpoint_path)
    return None
