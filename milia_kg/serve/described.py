"""Entity descriptions kept by the service, one description made at a time per term.

Why: describing a term reads its direct super- and subclasses; on a served HPO merge the widest
classes (HP:0000001, HP:0000118: about 19,000 subclasses each) take 4-5 s of CPU, read triple by
triple from the on-disk store. Without this, every request for such a page paid that again, and a
client sending the same URL many times at once had every request pay it side by side. The graph a
server holds never changes while it runs, so a description made once stays true: it is kept (least
recently used first out, at most ``max_entries`` terms), and a request for a term already being
described waits for that description instead of starting its own. Failures are not kept.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Described"]

T = TypeVar("T")


class Described(Generic[T]):
    """``make(iri)`` once per term, kept and shared by the threads that ask for it.

    >>> made = []
    >>> kept = Described(lambda iri: made.append(iri) or iri.upper(), max_entries=1)
    >>> kept.get("a"), kept.get("a"), kept.get("b"), kept.get("a"), made
    ('A', 'A', 'B', 'A', ['a', 'b', 'a'])
    """

    def __init__(self, make: Callable[[str], T], max_entries: int = 256) -> None:
        self._make, self.max_entries = make, max_entries
        self._kept: collections.OrderedDict[str, T] = collections.OrderedDict()
        self._making: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, iri: str) -> T:
        """The kept description of ``iri``, made now if no other thread is making it.

        :raises Exception: whatever ``make`` raises (each waiting thread then makes its own).
        """
        while True:
            with self._lock:
                if iri in self._kept:
                    self._kept.move_to_end(iri)
                    return self._kept[iri]
                making = self._making.get(iri)
                if making is None:
                    making = self._making[iri] = threading.Event()
                    break
            making.wait()  # another thread's description: kept when it is done, or failed
            with self._lock:
                if iri in self._kept:
                    self._kept.move_to_end(iri)
                    return self._kept[iri]
            return self._make(iri)  # it failed there: fail (or succeed) here on our own
        try:
            made = self._make(iri)
            with self._lock:
                self._kept[iri] = made
                while len(self._kept) > self.max_entries:
                    self._kept.popitem(last=False)
            return made
        finally:
            with self._lock:
                del self._making[iri]
            making.set()
