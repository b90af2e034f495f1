"""Checkpoint files on disk: atomic writes, the data file (safetensors) and the index.

A checkpoint with prefix ``P`` is two files, named as TF names them:

* ``P.data-00000-of-00001``: a safetensors file with every tensor; its ``__metadata__`` holds the
  format tag and a CRC32 of each tensor's bytes (``crc32/<name>``).
* ``P.index``: a small text manifest written last: it is the commit marker. It records the data
  file's size and the CRC32 of its header, each tensor's dtype and shape, and a CRC32 of itself.

Every file is written to a temporary file in the same directory, flushed, fsynced, renamed over
the target with ``os.replace`` and the directory fsynced. When a checkpoint overwrites one with
the same prefix, the new data file is first committed under ``P.data-00000-of-00001.pending``;
the reader takes whichever of the two data files matches the index, so a save interrupted at any
point leaves a complete checkpoint behind. ``docs/formats.md`` describes the layout.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import struct
import zlib
from typing import Dict, List, Optional, Tuple, Union

import numpy as np
import safetensors
import safetensors.numpy

from .. import dtypes as _dtypes
from .. import errors

__all__ = [
    "write_checkpoint",
    "read_checkpoint",
    "read_index",
    "checkpoint_exists",
    "delete_checkpoint",
    "atomic_write",
    "index_path",
    "data_path",
]

INDEX_MAGIC = b"pygraphx-checkpoint-index 1"
DATA_FORMAT = "pygraphx-checkpoint-data"
FORMAT_VERSION = 1
DATA_SUFFIX = ".data-00000-of-00001"
PENDING_SUFFIX = ".pending"
_CHUNK = 8 << 20
_HEADER_LINE = re.compile(rb"^crc32 ([0-9a-f]{8}) length ([0-9]{1,19})$")
_SUPPORTED = ("float32", "float64", "int32", "int64", "bool")


def index_path(prefix: str) -> str:
    return prefix + ".index"


def data_path(prefix: str) -> str:
    return prefix + DATA_SUFFIX


def checkpoint_exists(prefix: str) -> bool:
    """Whether a (committed) checkpoint with this prefix exists: its index file is present."""
    return os.path.isfile(index_path(os.fspath(prefix)))


def _crc(data: Union[bytes, memoryview]) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


# ---------------------------------------------------------------------------------------------
# Atomic writes


def _write_chunk(f, chunk: memoryview) -> None:
    """Writes one chunk of a file being saved (tests replace this to simulate a crash)."""
    f.write(chunk)


def _fsync_dir(directory: str) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: str, data: Union[bytes, bytearray, memoryview]) -> None:
    """Writes ``data`` to ``path`` so that readers see either the old file or the whole new one.

    The bytes go to a temporary file next to ``path`` that is flushed, fsynced and renamed over
    ``path``; the directory is then fsynced so that the rename itself is durable. On any failure
    the temporary file is removed and ``path`` is untouched.
    """
    directory = os.path.dirname(path) or "."
    tmp = os.path.join(directory, ".%s.tmp-%s" % (os.path.basename(path), secrets.token_hex(6)))
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            view = memoryview(data).cast("B")
            for off in range(0, len(view), _CHUNK):
                _write_chunk(f, view[off:off + _CHUNK])
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(directory)


def _replace(src: str, dst: str) -> None:
    os.replace(src, dst)
    _fsync_dir(os.path.dirname(dst) or ".")


# ---------------------------------------------------------------------------------------------
# Writing


def write_checkpoint(prefix: str, tensors: Dict[str, np.ndarray]) -> None:
    """Writes the checkpoint ``prefix`` holding ``tensors`` (name -> array), atomically.

    Raises:
      TypeError: for an array of a dtype checkpoints cannot hold.
      OSError: when the files cannot be written (the previous checkpoint is then intact).
    """
    arrays: Dict[str, np.ndarray] = {}
    meta = {"format": DATA_FORMAT, "format_version": str(FORMAT_VERSION),
            "checksum": "crc32"}
    entries = {}
    for name in sorted(tensors):
        arr = np.asarray(tensors[name])
        if arr.dtype.name not in _SUPPORTED:
            raise TypeError("Cannot save tensor %r of dtype %s: checkpoints hold %s"
                            % (name, arr.dtype, ", ".join(_SUPPORTED)))
        arr = np.asarray(arr, dtype=arr.dtype.newbyteorder("<"), order="C")
        arrays[name] = arr
        meta["crc32/" + name] = "%08x" % _crc(memoryview(arr).cast("B"))
        entries[name] = {"dtype": arr.dtype.name, "shape": list(arr.shape)}
    data = safetensors.numpy.save(arrays, metadata=meta)
    (header_len,) = struct.unpack_from("<Q", data, 0)
    manifest = {
        "format_version": FORMAT_VERSION,
        "data": {"file": os.path.basename(data_path(prefix)), "bytes": len(data),
                 "header_crc32": "%08x" % _crc(memoryview(data)[:8 + header_len])},
        "tensors": entries,
    }
    body = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    index = b"%s\ncrc32 %08x length %d\n%s" % (INDEX_MAGIC, _crc(body), len(body), body)
    # Data first (under the pending name), then the index that commits it, then the rename of
    # the data file to its final name. See the module docstring for why this order is safe.
    pending = data_path(prefix) + PENDING_SUFFIX
    atomic_write(pending, data)
    atomic_write(index_path(prefix), index)
    _replace(pending, data_path(prefix))


def delete_checkpoint(prefix: str) -> None:
    """Removes a checkpoint's files: the index (its commit marker) first."""
    for path in (index_path(prefix), data_path(prefix), data_path(prefix) + PENDING_SUFFIX):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


# ---------------------------------------------------------------------------------------------
# Reading


def _data_loss(prefix: str, what: str) -> errors.DataLossError:
    return errors.DataLossError(None, None, "Checkpoint %s is corrupted: %s" % (prefix, what))


def _truncated(prefix: str, what: str) -> errors.OutOfRangeError:
    return errors.OutOfRangeError(None, None, "Checkpoint %s is truncated: %s" % (prefix, what))


def _parse_index(prefix: str, raw: bytes) -> dict:
    path = index_path(prefix)
    first = raw.find(b"\n")
    if first < 0:
        if INDEX_MAGIC.startswith(raw):
            raise _truncated(prefix, "%s ends inside its header" % path)
        raise _data_loss(prefix, "%s does not start with the index header" % path)
    if raw[:first] != INDEX_MAGIC:
        raise _data_loss(prefix, "%s does not start with the index header" % path)
    second = raw.find(b"\n", first + 1)
    if second < 0:
        raise _truncated(prefix, "%s ends inside its header" % path)
    m = _HEADER_LINE.match(raw[first + 1:second])
    if m is None:
        raise _data_loss(prefix, "%s has a malformed checksum line" % path)
    body = raw[second + 1:]
    length = int(m.group(2))
    # The body ends with its only newline: a shorter body without it was cut off; one that
    # still ends with it but has another length has a corrupted length field.
    if len(body) < length and not body.endswith(b"\n"):
        raise _truncated(prefix, "%s has %d of its %d bytes" % (path, len(body), length))
    if len(body) != length:
        raise _data_loss(prefix, "%s has %d bytes where %d were recorded"
                         % (path, len(body), length))
    if "%08x" % _crc(body) != m.group(1).decode():
        raise _data_loss(prefix, "checksum mismatch in %s" % path)
    try:
        manifest = json.loads(body)
        data = manifest["data"]
        ok = (manifest["format_version"] == FORMAT_VERSION and isinstance(data["bytes"], int)
              and isinstance(data["file"], str) and isinstance(data["header_crc32"], str))
        for entry in manifest["tensors"].values():
            ok = ok and entry["dtype"] in _SUPPORTED and all(
                isinstance(d, int) and d >= 0 for d in entry["shape"])
    except (ValueError, KeyError, TypeError, AttributeError):
        ok = False
    if not ok:
        raise _data_loss(prefix, "%s is not a valid index" % path)
    return manifest


def read_index(prefix: str) -> Dict[str, Tuple[_dtypes.DType, List[int]]]:
    """name -> (dtype, shape) of every tensor in the checkpoint, from its (verified) index.

    Raises:
      ValueError: if ``prefix`` is not a checkpoint.
      errors.OutOfRangeError: if the index is truncated.
      errors.DataLossError: if it is corrupted.
    """
    manifest = _load_index(prefix)
    return {name: (_dtypes.as_dtype(e["dtype"]), list(e["shape"]))
            for name, e in manifest["tensors"].items()}


def _load_index(prefix: str) -> dict:
    prefix = os.fspath(prefix)
    try:
        with open(index_path(prefix), "rb") as f:
            raw = f.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise ValueError("The passed save_path is not a valid checkpoint: %s" % prefix) from None
    return _parse_index(prefix, raw)


def _read_data_file(prefix: str, manifest: dict) -> Tuple[str, bytes]:
    """The bytes of the data file that matches the index: the final one, else the pending one
    left by a save interrupted after its commit."""
    directory = os.path.dirname(prefix)
    final = os.path.join(directory, manifest["data"]["file"])
    expected = manifest["data"]["bytes"]
    first_problem: Optional[Exception] = None
    for path in (final, final + PENDING_SUFFIX):
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except FileNotFoundError:
            continue
        problem: Optional[Exception] = None
        if len(raw) < expected:
            problem = _truncated(prefix, "%s has %d of its %d bytes" % (path, len(raw), expected))
        elif len(raw) > expected:
            problem = _data_loss(prefix, "%s has %d bytes more than recorded"
                                 % (path, len(raw) - expected))
        else:
            (header_len,) = struct.unpack_from("<Q", raw, 0) if len(raw) >= 8 else (-1,)
            if not 0 <= header_len <= len(raw) - 8 or "%08x" % _crc(
                    memoryview(raw)[:8 + header_len]) != manifest["data"]["header_crc32"]:
                problem = _data_loss(prefix, "checksum mismatch in the header of %s" % path)
        if problem is None:
            return path, raw
        if first_problem is None:
            first_problem = problem
    if first_problem is not None:
        raise first_problem
    raise errors.NotFoundError(None, None, "Checkpoint %s: its data file %s is missing"
                               % (prefix, final))


def read_checkpoint(prefix: str) -> Dict[str, np.ndarray]:
    """Every tensor of the checkpoint ``prefix``, after verifying all checksums.

    Raises:
      ValueError: if ``prefix`` is not a checkpoint (no index file).
      errors.NotFoundError: if its data file is missing.
      errors.OutOfRangeError: if a file is truncated.
      errors.DataLossError: if any byte is corrupted.
    """
    prefix = os.fspath(prefix)
    manifest = _load_index(prefix)
    path, raw = _read_data_file(prefix, manifest)
    (header_len,) = struct.unpack_from("<Q", raw, 0)
    try:
        header = json.loads(raw[8:8 + header_len])
        meta = header.pop("__metadata__")
        ok = meta.get("format") == DATA_FORMAT
    except (ValueError, KeyError, AttributeError):
        ok = False
    if not ok or set(header) != set(manifest["tensors"]):
        raise _data_loss(prefix, "%s does not hold the tensors its index lists" % path)
    view = memoryview(raw)
    start = 8 + header_len
    for name, entry in manifest["tensors"].items():
        h = header[name]
        begin, end = h["data_offsets"]
        if h["shape"] != entry["shape"] or not 0 <= begin <= end <= len(raw) - start:
            raise _data_loss(prefix, "tensor %r in %s disagrees with the index" % (name, path))
        if "%08x" % _crc(view[start + begin:start + end]) != meta.get("crc32/" + name):
            raise _data_loss(prefix, "checksum mismatch for tensor %r in %s" % (name, path))
    try:
        arrays = safetensors.numpy.load(raw)
    except (safetensors.SafetensorError, ValueError) as e:
        raise _data_loss(prefix, "%s cannot be decoded (%s)" % (path, e)) from None
    for name, entry in manifest["tensors"].items():
        if arrays[name].dtype.name != entry["dtype"]:
            raise _data_loss(prefix, "tensor %r in %s has dtype %s, the index says %s"
                             % (name, path, arrays[name].dtype.name, entry["dtype"]))
    return arrays
