"""Equality, hashing and ``repr`` by named fields, for the value classes of a cold command's path.

Importing :mod:`dataclasses` imports :mod:`inspect` (with :mod:`ast`, :mod:`dis` and
:mod:`tokenize`), and each ``@dataclass`` compiles its methods when its module is imported: about
7 ms of a cold ``milia-kg query`` of 80 ms (issue 22).  A class on that path writes its own
``__init__`` (setting the fields in ``_fields`` order, so ``vars()`` gives them as a dataclass's
would) and takes the rest from :class:`Record` or :class:`FrozenRecord`, as ``@dataclass`` and
``@dataclass(frozen=True)`` would give it.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = ["FrozenRecord", "Record"]


class Record:
    """Compared (by class and field values) and shown like a dataclass; unhashable, as a mutable
    dataclass is."""

    #: The field names, in order.
    _fields: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # same class, checked above

    __hash__ = None  # type: ignore[assignment]  # mutable: as a dataclass with eq and not frozen

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({shown})"


class FrozenRecord(Record):
    """A :class:`Record` whose fields cannot be assigned after ``__init__`` (which sets them with
    :meth:`_set`), hashable by its field values."""

    def _set(self, **fields: Any) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def __hash__(self) -> int:  # type: ignore[override]  # Record's is None
        return hash(self._values())

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")
