"""``tf.train.Saver``: saves variables to checkpoints and restores them, all or nothing.

A Saver builds, under a ``save`` name scope, one Placeholder per variable
(``save/restored_value``, ``save/restored_value_1`` ...), an ``Assign`` of each into its variable
(``save/Assign``, ``save/Assign_1`` ...) and a ``save/restore_all`` NoOp grouping them.
``save`` reads every variable in one ``Session.run`` and writes the checkpoint files
(``checkpoint_io``); ``restore`` reads and verifies the checkpoint, checks every name, dtype and
shape, then runs ``save/restore_all`` once with the values fed. The executor commits variable
writes only when the whole run succeeds, so a failed restore changes no variable.
"""

from __future__ import annotations

import logging
import os
import re
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .. import dtypes as _dtypes
from .. import errors
from ..framework import ops
from ..ops import array_ops, control_flow_ops, state_ops
from ..ops import variables as _variables
from . import checkpoint_io
from .checkpoint_state import (
    checkpoint_exists,
    get_checkpoint_mtimes,
    latest_checkpoint,
    update_checkpoint_state,
)

__all__ = ["Saver", "SaverDef", "list_variables", "load_variable", "NewCheckpointReader",
           "CheckpointReader"]

_log = logging.getLogger(__name__)


class SaverDef:
    """What a Saver saves and the graph nodes that restore it (TF's ``SaverDef``).

    ``entries`` lists, per variable, ``(checkpoint name, variable tensor name, restored-value
    tensor name, assign op name)``. There are no filename or save tensors: pygraphx reads and
    writes checkpoint files in Python, so ``filename_tensor_name`` and ``save_tensor_name`` are
    empty.
    """

    V1 = 1
    V2 = 2

    def __init__(self, entries: Sequence[Tuple[str, str, str, str]], restore_op_name: str,
                 max_to_keep: int = 5, keep_checkpoint_every_n_hours: float = 10000.0,
                 sharded: bool = False, version: int = 2):
        self.entries = [tuple(e) for e in entries]
        self.restore_op_name = restore_op_name
        self.max_to_keep = max_to_keep
        self.keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self.sharded = sharded
        self.version = version
        self.filename_tensor_name = ""
        self.save_tensor_name = ""

    def to_dict(self) -> dict:
        return {
            "entries": [{"checkpoint_name": c, "variable": v, "restored_value": r, "assign": a}
                        for c, v, r, a in self.entries],
            "restore_op_name": self.restore_op_name,
            "max_to_keep": self.max_to_keep,
            "keep_checkpoint_every_n_hours": self.keep_checkpoint_every_n_hours,
            "sharded": self.sharded,
            "version": self.version,
        }

    @classmethod
    def from_dict(cls, d: dict, import_scope: str = "") -> "SaverDef":
        """The SaverDef stored in a meta graph, with node names moved under ``import_scope``
        (checkpoint names are kept)."""
        p = import_scope
        return cls([(e["checkpoint_name"], p + e["variable"], p + e["restored_value"],
                     p + e["assign"]) for e in d["entries"]],
                   p + d["restore_op_name"], d["max_to_keep"],
                   d["keep_checkpoint_every_n_hours"], d["sharded"], d["version"])

    def __repr__(self) -> str:
        return ('restore_op_name: "%s"\nmax_to_keep: %s\nkeep_checkpoint_every_n_hours: %g\n'
                "version: V%d\n" % (self.restore_op_name, self.max_to_keep,
                                    self.keep_checkpoint_every_n_hours, self.version))


# ---------------------------------------------------------------------------------------------
# What to save


def _variable_tensor(value: Any, what: str) -> ops.Tensor:
    """The VariableV2 tensor behind a Variable or a ref tensor, else TypeError (TF's)."""
    if isinstance(value, _variables.Variable):
        return value._variable
    if isinstance(value, ops.Operation):
        raise TypeError("can't convert Operation '%s' to Tensor" % value.name)
    if isinstance(value, ops.Tensor) and value.op.type == "VariableV2":
        return value
    raise TypeError(what % (value,))


def _names_to_variables(var_list: Any) -> Dict[str, ops.Tensor]:
    """checkpoint name -> VariableV2 tensor, with TF1's checks.

    Raises:
      TypeError: for a non-string name or something that is not a variable.
      ValueError: for a name used twice, or a variable saved under two names.
    """
    out: Dict[str, ops.Tensor] = {}
    if isinstance(var_list, dict):
        seen: Dict[ops.Tensor, str] = {}
        for name, value in var_list.items():
            if not isinstance(name, str):
                raise TypeError("names_to_saveables must be a dict mapping string names to "
                                "trackable operations. Name is not a string: %s" % (name,))
            t = _variable_tensor(value, "names_to_saveables must be a dict mapping string "
                                 "names to Tensors/Variables. Not a variable: %s")
            if t in seen:
                raise ValueError("The same saveable will be restored with two names: %s "
                                 "(variable %s is also saved as %s)" % (name, t.op.name, seen[t]))
            seen[t] = name
            out[name] = t
        return out
    if not isinstance(var_list, (list, tuple, set)):
        raise TypeError("var_list must be a list, a tuple or a dict of variables, got %r"
                        % (var_list,))
    for value in var_list:
        t = _variable_tensor(value, "Variable to save is not a Variable: %s")
        name = t.op.name
        if name in out:
            raise ValueError("At least two variables have the same name: %s" % name)
        out[name] = t
    return out


def _meta_graph_filename(checkpoint_prefix: str, suffix: str = "meta") -> str:
    base = re.sub(r"-[\d\?]+-of-\d+$", "", checkpoint_prefix)
    return ".".join([base, suffix])


# ---------------------------------------------------------------------------------------------
# Saver


class Saver:
    """Saves and restores variables (TF1's ``tf.train.Saver``)."""

    def __init__(self, var_list: Any = None, reshape: bool = False, sharded: bool = False,
                 max_to_keep: Optional[int] = 5, keep_checkpoint_every_n_hours: float = 10000.0,
                 name: Optional[str] = None, restore_sequentially: bool = False,
                 saver_def: Optional[SaverDef] = None, builder: Any = None,
                 defer_build: bool = False, allow_empty: bool = False, write_version: int = 2,
                 pad_step_number: bool = False, save_relative_paths: bool = False,
                 filename: Optional[str] = None):
        if defer_build and var_list is not None:
            raise ValueError("If `var_list` is provided then build cannot be deferred. Either "
                             "set defer_build=False or var_list=None.")
        if builder is not None:
            raise TypeError("builder must be None: pygraphx builds its own save and restore "
                            "ops")
        if write_version not in (1, 2):
            raise ValueError("write_version must be 1 or 2, got %r" % (write_version,))
        self._var_list = var_list
        self._reshape = reshape
        self._sharded = sharded
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._name = name
        self._restore_sequentially = restore_sequentially
        self._allow_empty = allow_empty
        self._write_version = write_version
        self._pad_step_number = pad_step_number
        self._save_relative_paths = save_relative_paths
        self._filename = filename
        self._last_checkpoints: List[Tuple[str, Optional[float]]] = []
        self._checkpoints_to_be_deleted: List[Tuple[str, Optional[float]]] = []
        self._next_checkpoint_time = time.time() + keep_checkpoint_every_n_hours * 3600
        self._is_built = False
        self._is_empty = False
        self._graph: Optional[ops.Graph] = None
        # (checkpoint name, variable tensor, restored-value placeholder), sorted by name.
        self._entries: List[Tuple[str, ops.Tensor, ops.Tensor]] = []
        self._restore_op: Optional[ops.Operation] = None
        self.saver_def: Optional[SaverDef] = saver_def
        if saver_def is not None:
            self._build_from_saver_def(saver_def)
        elif not defer_build:
            self.build()

    # -- building ------------------------------------------------------------------------------

    def build(self) -> None:
        """Builds the restore ops (called by the constructor unless ``defer_build``).

        Raises:
          ValueError: if there is nothing to save (and not ``allow_empty``), for duplicate
            names, or variables from different graphs.
          TypeError: if ``var_list`` holds something that is not a variable.
        """
        if self._is_built:
            return
        var_list = self._var_list
        if var_list is None:
            g = ops.get_default_graph()
            var_list = (g.get_collection(ops.GraphKeys.GLOBAL_VARIABLES)
                        + g.get_collection(ops.GraphKeys.SAVEABLE_OBJECTS))
        named = _names_to_variables(var_list)
        if not named:
            if self._allow_empty:
                self._is_empty = True
                self._is_built = True
                return
            raise ValueError("No variables to save")
        tensors = list(named.values())
        g = tensors[0].graph
        for t in tensors[1:]:
            if t.graph is not g:
                raise ValueError("Variables %s and %s to save are in different graphs"
                                 % (tensors[0].op.name, t.op.name))
        self._graph = g
        assigns = []
        with g.as_default(), g.control_dependencies(None), \
                ops.name_scope(self._name, "save", tensors):
            for ckpt_name in sorted(named):
                var = named[ckpt_name]
                shape = None if self._reshape else var.shape
                value = array_ops.placeholder(var.dtype.base_dtype, shape,
                                              name="restored_value")
                assign = state_ops.assign(var, value, validate_shape=not self._reshape,
                                          name="Assign")
                self._entries.append((ckpt_name, var, value))
                assigns.append(assign.op)
            self._restore_op = control_flow_ops.group(*assigns, name="restore_all")
        self.saver_def = SaverDef(
            [(c, v.name, r.name, a.name) for (c, v, r), a in zip(self._entries, assigns)],
            self._restore_op.name, self._max_to_keep or 0, self._keep_checkpoint_every_n_hours,
            self._sharded, 2)
        self._is_built = True

    def _build_from_saver_def(self, saver_def: SaverDef) -> None:
        g = ops.get_default_graph()
        for ckpt_name, var_name, value_name, _ in saver_def.entries:
            var = g.get_tensor_by_name(var_name)
            if var.op.type != "VariableV2":
                raise ValueError("SaverDef entry %r names %s, which is not a variable"
                                 % (ckpt_name, var_name))
            self._entries.append((ckpt_name, var, g.get_tensor_by_name(value_name)))
        self._restore_op = g.get_operation_by_name(saver_def.restore_op_name)
        self._graph = g
        self._max_to_keep = saver_def.max_to_keep
        self._keep_checkpoint_every_n_hours = saver_def.keep_checkpoint_every_n_hours
        self._sharded = saver_def.sharded
        self._next_checkpoint_time = time.time() + saver_def.keep_checkpoint_every_n_hours * 3600
        self._is_built = True

    def as_saver_def(self) -> Optional[SaverDef]:
        return self.saver_def

    # -- checkpoint bookkeeping ----------------------------------------------------------------

    @property
    def last_checkpoints(self) -> List[str]:
        """The prefixes of the checkpoints this saver keeps, oldest first."""
        return [p for p, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints: List[str]) -> None:
        if not isinstance(last_checkpoints, list):
            raise TypeError("last_checkpoints must be a list, got %r" % (last_checkpoints,))
        self._last_checkpoints = [(p, None) for p in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time: List[Tuple[str, float]]
                                       ) -> None:
        if not isinstance(last_checkpoints_with_time, list):
            raise TypeError("last_checkpoints_with_time must be a list of (path, time), got %r"
                            % (last_checkpoints_with_time,))
        self._last_checkpoints = [(p, t) for p, t in last_checkpoints_with_time]

    def recover_last_checkpoints(self, checkpoint_paths: List[str]) -> None:
        """Takes over ``checkpoint_paths`` (e.g. from a crashed run), with their file times;
        checkpoints that no longer exist are left out."""
        with_times = []
        for p in checkpoint_paths:
            t = get_checkpoint_mtimes([p])
            if t:
                with_times.append((p, t[0]))
        self.set_last_checkpoints_with_time(with_times)

    def _record_last_checkpoint(self, path: str) -> None:
        if not self._max_to_keep:
            return
        self._last_checkpoints = [(p, t) for p, t in self._last_checkpoints if p != path]
        self._last_checkpoints.append((path, time.time()))
        if len(self._last_checkpoints) > self._max_to_keep:
            self._checkpoints_to_be_deleted.append(self._last_checkpoints.pop(0))

    def _delete_old_checkpoints(self, meta_graph_suffix: str) -> None:
        while self._checkpoints_to_be_deleted:
            path, stamp = self._checkpoints_to_be_deleted.pop(0)
            if stamp is not None and stamp > self._next_checkpoint_time:
                self._next_checkpoint_time += self._keep_checkpoint_every_n_hours * 3600
                continue
            try:
                checkpoint_io.delete_checkpoint(path)
                meta = _meta_graph_filename(path, meta_graph_suffix)
                if os.path.exists(meta):
                    os.unlink(meta)
            except OSError as e:
                _log.warning("Ignoring: failed to delete checkpoint %s: %s", path, e)

    # -- save / restore ------------------------------------------------------------------------

    def _check_session(self, sess: Any) -> None:
        from ..client.session import BaseSession

        if not isinstance(sess, BaseSession):
            raise TypeError("'sess' must be a Session; %s" % (sess,))
        if self._graph is not None and sess.graph is not self._graph:
            raise ValueError("The session's graph is not the graph of the variables this Saver "
                             "saves")

    def save(self, sess: Any, save_path: str, global_step: Any = None,
             latest_filename: Optional[str] = None, meta_graph_suffix: str = "meta",
             write_meta_graph: bool = True, write_state: bool = True,
             strip_default_attrs: bool = False, save_debug_info: bool = False
             ) -> Optional[str]:
        """Saves the variables' values in ``sess`` to ``save_path`` (with ``-<global_step>``).

        Writes the data and index files, then ``<prefix>.meta``, then the state file, then
        deletes checkpoints beyond ``max_to_keep``. Each file is replaced atomically, so an
        interrupted save leaves the previous checkpoint and state file usable.

        Returns:
          The checkpoint prefix, or None for an empty saver.

        Raises:
          TypeError: if ``sess`` is not a Session.
          ValueError: if the directory of ``save_path`` does not exist.
          errors.FailedPreconditionError: if a variable is not initialised.
          RuntimeError: if ``build()`` was deferred and not called.
        """
        if not self._is_built:
            raise RuntimeError("`build()` should be called before save if defer_build==True")
        if latest_filename is None:
            latest_filename = "checkpoint"
        if os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        save_path = os.fspath(save_path)
        self._check_session(sess)
        if global_step is not None:
            if not isinstance(global_step, (int, np.integer)) or isinstance(global_step, bool):
                global_step = sess.run(global_step)
            step = int(global_step)
            checkpoint_file = ("%s-%08d" if self._pad_step_number else "%s-%d") % (save_path,
                                                                                   step)
        else:
            checkpoint_file = save_path
            if os.path.basename(save_path) == latest_filename and not self._sharded:
                raise ValueError("'latest_filename' collides with 'save_path': '%s' and '%s'"
                                 % (latest_filename, save_path))
        save_dir = os.path.dirname(save_path)
        if save_dir and not os.path.isdir(save_dir):
            raise ValueError("Parent directory of {} doesn't exist, can't save.".format(save_path))
        if self._is_empty:
            return None
        values = sess.run([t for _, t, _ in self._entries])
        checkpoint_io.write_checkpoint(
            checkpoint_file, {name: v for (name, _, _), v in zip(self._entries, values)})
        if write_meta_graph:
            self.export_meta_graph(_meta_graph_filename(checkpoint_file, meta_graph_suffix),
                                   strip_default_attrs=strip_default_attrs)
        if write_state:
            self._record_last_checkpoint(checkpoint_file)
            update_checkpoint_state(save_dir, checkpoint_file, self.last_checkpoints,
                                    latest_filename, self._save_relative_paths)
            self._delete_old_checkpoints(meta_graph_suffix)
        return checkpoint_file

    def restore(self, sess: Any, save_path: Optional[str]) -> None:
        """Restores every variable of this saver from the checkpoint ``save_path``, all or
        nothing: on any error no variable changes.

        Raises:
          ValueError: if ``save_path`` is None or is not a checkpoint.
          errors.NotFoundError: if a variable is missing from the checkpoint.
          errors.InvalidArgumentError: if a variable's dtype or shape differs from the saved
            tensor's.
          errors.OutOfRangeError: if a checkpoint file is truncated.
          errors.DataLossError: if a checkpoint file is corrupted.
        """
        if self._is_empty:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        save_path = os.fspath(save_path)
        if not checkpoint_exists(save_path):
            raise ValueError("The passed save_path is not a valid checkpoint: " + save_path)
        self._check_session(sess)
        _log.info("Restoring parameters from %s", save_path)
        tensors = checkpoint_io.read_checkpoint(save_path)
        feeds = {}
        for ckpt_name, var, value in self._entries:
            if ckpt_name not in tensors:
                raise errors.NotFoundError(
                    None, None, "Restoring from checkpoint failed. This is most likely due to a "
                    "Variable name or other graph key that is missing from the checkpoint. "
                    "Please ensure that you have not altered the graph expected based on the "
                    "checkpoint. Original error:\n\nKey %s not found in checkpoint %s (variable "
                    "%s)" % (ckpt_name, save_path, var.op.name))
            arr = tensors[ckpt_name]
            want = var.dtype.base_dtype
            got = _dtypes.as_dtype(arr.dtype)
            if want != got:
                raise self._mismatch(save_path, "tensor_name = %s; expected dtype %s does not "
                                     "equal original dtype %s (variable %s)"
                                     % (ckpt_name, want.name, got.name, var.op.name))
            static = var.shape
            if not self._reshape and static.ndims is not None and (
                    static.ndims != arr.ndim or any(
                        d is not None and d != n for d, n in zip(static.as_list(), arr.shape))):
                raise self._mismatch(save_path, "Assign requires shapes of both tensors to "
                                     "match: variable %s has shape %s in the graph, tensor %s "
                                     "has shape %s in the checkpoint"
                                     % (var.op.name, _shape_str(static.as_list()), ckpt_name,
                                        _shape_str(list(arr.shape))))
            feeds[value] = arr
        sess.run(self._restore_op, feeds)

    @staticmethod
    def _mismatch(save_path: str, detail: str) -> errors.InvalidArgumentError:
        return errors.InvalidArgumentError(
            None, None, "Restoring from checkpoint %s failed. This is most likely due to a "
            "mismatch between the current graph and the graph from the checkpoint. Please "
            "ensure that you have not altered the graph expected based on the checkpoint. "
            "Original error:\n\n%s" % (save_path, detail))

    # -- meta graphs ---------------------------------------------------------------------------

    def export_meta_graph(self, filename: Optional[str] = None,
                          collection_list: Optional[List[str]] = None, as_text: bool = False,
                          export_scope: Optional[str] = None, clear_devices: bool = False,
                          clear_extraneous_savers: bool = False,
                          strip_default_attrs: bool = False, save_debug_info: bool = False
                          ) -> dict:
        """Writes the graph, its collections and this saver's definition (see
        ``tf.train.export_meta_graph``)."""
        from ..framework import meta_graph

        return meta_graph.export_meta_graph(
            filename=filename, graph=self._graph or ops.get_default_graph(),
            saver_def=self.saver_def, collection_list=collection_list,
            export_scope=export_scope, clear_devices=clear_devices,
            strip_default_attrs=strip_default_attrs)


def _shape_str(dims: List[Optional[int]]) -> str:
    return "[%s]" % ",".join("?" if d is None else str(d) for d in dims)


# ---------------------------------------------------------------------------------------------
# Reading checkpoints directly


def _checkpoint_prefix(ckpt_dir_or_file: str) -> str:
    """A directory's latest checkpoint, or the prefix itself.

    Raises:
      errors.NotFoundError: when there is no such checkpoint.
    """
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise ValueError("Couldn't find 'checkpoint' file or checkpoints in given "
                             "directory %s" % path)
        return latest
    if not checkpoint_exists(path):
        raise errors.NotFoundError(None, None, "Unsuccessful TensorSliceReader constructor: "
                                   "Failed to find any matching files for %s" % path)
    return path


class CheckpointReader:
    """Reads the tensors of one checkpoint (``tf.train.NewCheckpointReader``)."""

    def __init__(self, prefix: str):
        self._prefix = _checkpoint_prefix(prefix)
        self._index = checkpoint_io.read_index(self._prefix)
        self._tensors: Optional[Dict[str, np.ndarray]] = None

    def get_variable_to_shape_map(self) -> Dict[str, List[int]]:
        return {n: list(s) for n, (_, s) in self._index.items()}

    def get_variable_to_dtype_map(self) -> Dict[str, _dtypes.DType]:
        return {n: d for n, (d, _) in self._index.items()}

    def has_tensor(self, name: str) -> bool:
        return name in self._index

    def get_tensor(self, name: str) -> np.ndarray:
        """The saved value of ``name``.

        Raises:
          errors.NotFoundError: if the checkpoint has no such tensor.
        """
        if name not in self._index:
            raise errors.NotFoundError(None, None, "Key %s not found in checkpoint" % name)
        if self._tensors is None:
            self._tensors = checkpoint_io.read_checkpoint(self._prefix)
        return self._tensors[name].copy()

    def debug_string(self) -> bytes:
        return "".join("%s (%s) %s\n" % (n, d.name, s)
                       for n, (d, s) in sorted(self._index.items())).encode()


def NewCheckpointReader(filepattern: str) -> CheckpointReader:  # noqa: N802 - TF's name
    return CheckpointReader(filepattern)


def list_variables(ckpt_dir_or_file: str) -> List[Tuple[str, List[int]]]:
    """``(name, shape)`` of every tensor in a checkpoint (or a directory's latest), sorted."""
    reader = CheckpointReader(ckpt_dir_or_file)
    return sorted(reader.get_variable_to_shape_map().items())


def load_variable(ckpt_dir_or_file: str, name: str) -> np.ndarray:
    """The saved value of variable ``name`` (a trailing ``:0`` is ignored)."""
    if name.endswith(":0"):
        name = name[:-2]
    return CheckpointReader(ckpt_dir_or_file).get_tensor(name)
