"""The limits of one merge: a total deadline and a cap on the size of the reasoned union.

A merge's input is bounded in bytes (:mod:`milia_kg.base.files`), but its closure is not: a
120 KB OBO ``is_a`` chain of 3,000 terms closes to 4.5 million subclass triples (1.3 GB, 30 s).
The fast engine checks a :class:`Budget` while it reasons (the cap on every derived triple, the
deadline every few thousand triples), so such a file is refused after a bounded amount of work
and memory; the merge steps around the reasoner (parsing, loading a store, writing a file) check
the deadline between their batches.

>>> budget = Budget.start(seconds=300)
>>> budget.cap(asserted=15_000), budget.cap(asserted=200_000)
(1000000, 2000000)
>>> Budget.start(max_triples=50).cap(asserted=10)
50
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from milia_kg.errors import MergeSizeError, MergeTimeoutError

__all__ = ["DEFAULT_MERGE_SECONDS", "MIN_TRIPLES", "TRIPLES_PER_ASSERTED", "Budget"]

#: The default time limit of a whole merge (the real HPO takes 6-8 s on two shared cores).
DEFAULT_MERGE_SECONDS = 300.0
#: By default a reasoned union may hold this many triples per asserted triple...
TRIPLES_PER_ASSERTED = 10
#: ...and never fewer than this many (the HPO's merge holds 406,111; its ratio is 2.4).
MIN_TRIPLES = 1_000_000


@dataclass(frozen=True)
class Budget:
    """A deadline (on :func:`time.monotonic`) and a cap on the reasoned triples.

    :param seconds: the time limit, as given (for the message); ``None``: no deadline.
    :param deadline: when it ends, on :func:`time.monotonic`.
    :param max_triples: a fixed cap; ``None``: the default rule (:meth:`cap`); ``0``: no cap.
    :param time_option: the option that sets the deadline, named in the error.
    :param size_option: the option that sets the cap, named in the error.
    """

    seconds: float | None = None
    deadline: float | None = None
    max_triples: int | None = None
    time_option: str = "--timeout"
    size_option: str = "--max-triples"

    @classmethod
    def start(cls, seconds: float | None = DEFAULT_MERGE_SECONDS, max_triples: int | None = None,
              time_option: str = "--timeout", size_option: str = "--max-triples") -> Budget:
        """A budget whose clock starts now."""
        deadline = None if seconds is None else time.monotonic() + seconds
        return cls(seconds, deadline, max_triples, time_option, size_option)

    def cap(self, asserted: int) -> int | None:
        """The most triples the reasoned union of ``asserted`` triples may hold (``None``: any)."""
        if self.max_triples is not None:
            return self.max_triples or None
        return max(MIN_TRIPLES, TRIPLES_PER_ASSERTED * asserted)

    def check_time(self) -> None:
        """:raises MergeTimeoutError: if the deadline has passed."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise MergeTimeoutError(self.seconds or 0.0, self.time_option)

    def over_size(self, cap: int) -> MergeSizeError:
        """The error for a union that grew past ``cap`` triples."""
        return MergeSizeError(cap, self.size_option)
