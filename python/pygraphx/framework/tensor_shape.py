"""Static shapes with unknown dimensions: TF1's ``Dimension`` and ``TensorShape``."""

from __future__ import annotations

from typing import Any, Iterable, Iterator, List, Optional

__all__ = ["Dimension", "TensorShape", "as_shape", "unknown_shape", "dimension_value"]


class Dimension:
    """One dimension of a static shape; ``value`` is None when unknown."""

    __slots__ = ("_value",)

    def __init__(self, value: Any):
        if isinstance(value, Dimension):
            value = value.value
        if value is not None:
            try:
                value = int(value.__index__())
            except AttributeError:
                raise TypeError(
                    "Dimension value must be integer or None or have an __index__ method, "
                    "got value '%r' with type '%s'" % (value, type(value))) from None
            if value < 0:
                raise ValueError("Dimension %d must be >= 0" % value)
        self._value = value

    @property
    def value(self) -> Optional[int]:
        return self._value

    def __repr__(self) -> str:
        return "Dimension(%r)" % self._value

    def __str__(self) -> str:
        return "?" if self._value is None else str(self._value)

    def __int__(self) -> int:
        if self._value is None:
            raise TypeError("Cannot convert an unknown Dimension to an int")
        return self._value

    def __index__(self) -> int:
        return self.__int__()

    def __eq__(self, other: object) -> Any:
        try:
            other = Dimension(other)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return NotImplemented
        if self._value is None or other.value is None:
            return None
        return self._value == other.value

    def __ne__(self, other: object) -> Any:
        eq = self.__eq__(other)
        return eq if eq is None or eq is NotImplemented else not eq

    def __hash__(self) -> int:
        return hash(self._value)

    def is_compatible_with(self, other: Any) -> bool:
        other = Dimension(other)
        return self._value is None or other.value is None or self._value == other.value

    def merge_with(self, other: Any) -> "Dimension":
        other = Dimension(other)
        if not self.is_compatible_with(other):
            raise ValueError("Dimensions %s and %s are not compatible" % (self, other))
        return self if self._value is not None else other

    def _arith(self, other: Any, fn) -> "Dimension":
        other = Dimension(other)
        if self._value is None or other.value is None:
            return Dimension(None)
        return Dimension(fn(self._value, other.value))

    def __add__(self, o): return self._arith(o, lambda a, b: a + b)
    def __radd__(self, o): return self._arith(o, lambda a, b: b + a)
    def __sub__(self, o): return self._arith(o, lambda a, b: a - b)
    def __rsub__(self, o): return self._arith(o, lambda a, b: b - a)
    def __mul__(self, o): return self._arith(o, lambda a, b: a * b)
    def __rmul__(self, o): return self._arith(o, lambda a, b: b * a)
    def __floordiv__(self, o): return self._arith(o, lambda a, b: a // b)

    def __lt__(self, o):
        o = Dimension(o)
        return None if self._value is None or o.value is None else self._value < o.value

    def __le__(self, o):
        o = Dimension(o)
        return None if self._value is None or o.value is None else self._value <= o.value

    def __gt__(self, o):
        o = Dimension(o)
        return None if self._value is None or o.value is None else self._value > o.value

    def __ge__(self, o):
        o = Dimension(o)
        return None if self._value is None or o.value is None else self._value >= o.value


def _known_dimension(value: Optional[int]) -> Dimension:
    """The (shared, immutable) Dimension of a value already checked: None or an int >= 0."""
    d = _DIMENSIONS.get(value)
    if d is None:
        d = object.__new__(Dimension)
        d._value = value
    return d


_DIMENSIONS = {None: Dimension(None)}
_DIMENSIONS.update((i, Dimension(i)) for i in range(1025))


def dimension_value(d: Any) -> Optional[int]:
    return d.value if isinstance(d, Dimension) else d


class TensorShape:
    """A possibly partial static shape; ``dims`` is None when the rank is unknown."""

    __slots__ = ("_dims",)

    def __init__(self, dims: Any):
        if dims is None:
            self._dims: Optional[List[Dimension]] = None
        elif isinstance(dims, TensorShape):
            self._dims = None if dims._dims is None else list(dims._dims)
        elif isinstance(dims, (int, Dimension)) and not isinstance(dims, bool):
            self._dims = [Dimension(dims)]
        else:
            try:
                self._dims = [Dimension(d) for d in dims]
            except TypeError:
                raise TypeError("Cannot convert %r to a TensorShape" % (dims,)) from None

    @classmethod
    def _from_core(cls, dims: Optional[List[Optional[int]]]) -> "TensorShape":
        """The shape of a static shape read from the graph (None or dims that are None or
        ints >= 0)."""
        s = object.__new__(cls)
        s._dims = None if dims is None else [_known_dimension(d) for d in dims]
        return s

    @property
    def dims(self) -> Optional[List[Dimension]]:
        return self._dims

    @property
    def ndims(self) -> Optional[int]:
        return None if self._dims is None else len(self._dims)

    @property
    def rank(self) -> Optional[int]:
        return self.ndims

    def __len__(self) -> int:
        if self._dims is None:
            raise ValueError("Cannot take the length of Shape with unknown rank.")
        return len(self._dims)

    def __bool__(self) -> bool:
        return self._dims is not None

    def __iter__(self) -> Iterator[Dimension]:
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(self._dims)

    def __getitem__(self, key: Any) -> Any:
        if self._dims is not None:
            if isinstance(key, slice):
                return TensorShape(self._dims[key])
            return self._dims[key]
        if isinstance(key, slice):
            return TensorShape(None)
        return Dimension(None)

    def as_list(self) -> List[Optional[int]]:
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return [d.value for d in self._dims]

    def is_fully_defined(self) -> bool:
        return self._dims is not None and all(d.value is not None for d in self._dims)

    def num_elements(self) -> Optional[int]:
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self._dims:  # type: ignore[union-attr]
            n *= d.value  # type: ignore[operator]
        return n

    def is_compatible_with(self, other: Any) -> bool:
        other = as_shape(other)
        if self._dims is None or other.dims is None:
            return True
        if len(self._dims) != len(other.dims):
            return False
        return all(a.is_compatible_with(b) for a, b in zip(self._dims, other.dims))

    def merge_with(self, other: Any) -> "TensorShape":
        other = as_shape(other)
        if self._dims is None:
            return other
        if other.dims is None:
            return self
        if not self.is_compatible_with(other):
            raise ValueError("Shapes %s and %s are not compatible" % (self, other))
        return TensorShape([a.merge_with(b) for a, b in zip(self._dims, other.dims)])

    def assert_is_compatible_with(self, other: Any) -> None:
        if not self.is_compatible_with(other):
            raise ValueError("Shapes %s and %s are incompatible" % (self, other))

    def assert_has_rank(self, rank: int) -> None:
        if self.ndims not in (None, rank):
            raise ValueError("Shape %s must have rank %d" % (self, rank))

    def with_rank(self, rank: int) -> "TensorShape":
        if self._dims is None:
            return TensorShape([None] * rank)
        if len(self._dims) != rank:
            raise ValueError("Shape %s must have rank %d" % (self, rank))
        return self

    def concatenate(self, other: Any) -> "TensorShape":
        other = as_shape(other)
        if self._dims is None or other.dims is None:
            return TensorShape(None)
        return TensorShape(self._dims + other.dims)

    def _to_core(self) -> Optional[List[Optional[int]]]:
        return None if self._dims is None else [d.value for d in self._dims]

    def __eq__(self, other: object) -> bool:
        try:
            other = as_shape(other)
        except TypeError:
            return NotImplemented
        return self._to_core() == other._to_core()

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        d = self._to_core()
        return hash(None if d is None else tuple(d))

    def __repr__(self) -> str:
        if self._dims is None:
            return "TensorShape(None)"
        return "TensorShape(%r)" % self._dims

    def __str__(self) -> str:
        if self._dims is None:
            return "<unknown>"
        if len(self._dims) == 1:
            return "(%s,)" % self._dims[0]
        return "(%s)" % ", ".join(str(d) for d in self._dims)


def as_shape(shape: Any) -> TensorShape:
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


def unknown_shape(rank: Optional[int] = None) -> TensorShape:
    return TensorShape(None if rank is None else [None] * rank)


def _shape_list(shape: Iterable[Any]) -> list:
    return [dimension_value(d) for d in shape]
