"""Element types: the ``tf.float32``-style DType objects and conversions to and from NumPy."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "DType",
    "as_dtype",
    "float32",
    "float64",
    "double",
    "int32",
    "int64",
    "bool",
    "string",
    "float32_ref",
    "float64_ref",
    "int32_ref",
    "int64_ref",
    "bool_ref",
    "string_ref",
]

_builtin_bool = bool


class DType:
    """An element type, with TF's names (``float32``) and reference variants (``float32_ref``)."""

    __slots__ = ("_enum", "_name", "_np", "_is_ref")

    def __init__(self, enum: int, name: str, np_type: Any, is_ref: _builtin_bool = False):
        self._enum = enum
        self._name = name
        self._np = np.dtype(np_type)
        self._is_ref = is_ref

    @property
    def name(self) -> str:
        return self._name + ("_ref" if self._is_ref else "")

    @property
    def as_datatype_enum(self) -> int:
        return self._enum + (100 if self._is_ref else 0)

    @property
    def as_numpy_dtype(self) -> type:
        return self._np.type

    @property
    def base_dtype(self) -> "DType":
        return _BY_ENUM[self._enum] if self._is_ref else self

    @property
    def real_dtype(self) -> "DType":
        return self.base_dtype

    @property
    def _as_ref(self) -> "DType":
        return self if self._is_ref else _REFS[self._enum]

    @property
    def is_floating(self) -> _builtin_bool:
        return self._np.kind == "f"

    @property
    def is_integer(self) -> _builtin_bool:
        return self._np.kind == "i"

    @property
    def is_bool(self) -> _builtin_bool:
        return self._np.kind == "b"

    @property
    def is_string(self) -> _builtin_bool:
        return self._enum == _STRING_ENUM

    @property
    def is_numpy_compatible(self) -> _builtin_bool:
        return True

    @property
    def is_unsigned(self) -> _builtin_bool:
        return False

    @property
    def size(self) -> int:
        return 0 if self.is_string else self._np.itemsize

    @property
    def min(self):
        if self.is_string:
            raise TypeError("Cannot find minimum value of %s." % self)
        return np.finfo(self._np).min if self.is_floating else (
            False if self.is_bool else np.iinfo(self._np).min)

    @property
    def max(self):
        if self.is_string:
            raise TypeError("Cannot find maximum value of %s." % self)
        return np.finfo(self._np).max if self.is_floating else (
            True if self.is_bool else np.iinfo(self._np).max)

    def is_compatible_with(self, other: Any) -> _builtin_bool:
        return self.base_dtype is as_dtype(other).base_dtype

    def __eq__(self, other: object) -> _builtin_bool:
        if other.__class__ is DType:
            return self._enum == other._enum and self._is_ref == other._is_ref  # type: ignore
        if other is None:
            return False
        try:
            o = as_dtype(other)
        except TypeError:
            return False
        return self._enum == o._enum and self._is_ref == o._is_ref

    def __ne__(self, other: object) -> _builtin_bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash((self._enum, self._is_ref))

    def __repr__(self) -> str:
        return "tf." + self.name

    def __str__(self) -> str:
        return "<dtype: %r>" % self.name

    def __reduce__(self):
        return as_dtype, (self.name,)


_STRING_ENUM = 7

float32 = DType(1, "float32", np.float32)
float64 = DType(2, "float64", np.float64)
double = float64
int32 = DType(3, "int32", np.int32)
int64 = DType(9, "int64", np.int64)
bool = DType(10, "bool", np.bool_)  # noqa: A001 - TF's public name
# Byte strings; NumPy holds them as object arrays of ``bytes`` (as TF does).
string = DType(_STRING_ENUM, "string", np.object_)

_BY_ENUM = {d._enum: d for d in (float32, float64, int32, int64, bool, string)}
_REFS = {e: DType(e, d._name, d._np, True) for e, d in _BY_ENUM.items()}
float32_ref = _REFS[1]
float64_ref = _REFS[2]
int32_ref = _REFS[3]
int64_ref = _REFS[9]
bool_ref = _REFS[10]
string_ref = _REFS[_STRING_ENUM]

_BY_NAME = {d.name: d for d in list(_BY_ENUM.values()) + list(_REFS.values())}
_BY_NAME.update({"float": float32, "double": float64, "half": None})
_BY_NP = {np.dtype(np.float32): float32, np.dtype(np.float64): float64,
          np.dtype(np.int32): int32, np.dtype(np.int64): int64, np.dtype(np.bool_): bool,
          np.dtype(np.object_): string}


def as_dtype(type_value: Any) -> DType:
    """Converts a DType, NumPy dtype or type, name or enum value into a DType.

    Raises:
      TypeError: if the value does not name a supported type.
    """
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, str):
        d = _BY_NAME.get(type_value)
        if d is not None:
            return d
    elif isinstance(type_value, int) and not isinstance(type_value, _builtin_bool):
        if type_value in _BY_ENUM:
            return _BY_ENUM[type_value]
        if type_value - 100 in _REFS:
            return _REFS[type_value - 100]
    elif type_value is float:
        return float32
    elif type_value is int:
        return int32
    elif type_value is _builtin_bool:
        return bool
    elif type_value is bytes or type_value is str:
        pass  # as in TF: the Python types name no dtype (np.bytes_ / np.str_ / np.object_ do)
    else:
        try:
            npd = np.dtype(type_value)
        except TypeError:
            npd = None
        # NumPy bytes ('S') and unicode ('U') dtypes of any width map to string, as in TF.
        d = string if npd is not None and npd.kind in "SU" else _BY_NP.get(npd)
        if d is not None:
            return d
    raise TypeError("Cannot convert value %r to a pygraphx DType." % (type_value,))
