"""The time limit of one classify request or batch: a deadline checked between profiles and
between the steps of one profile.

Each profile is bounded by the schema's list sizes, so a step is short; a batch (JSON Lines, up to
:data:`milia_kg.serve.cds.MAX_PROFILES` a request, or a whole file on the command line) is not.
Classification runs on a worker thread that cannot be interrupted, so it checks the deadline
itself and stops: the thread is freed, not left running after the answer.

>>> Deadline.start(10).check()            # time left: nothing happens
>>> Deadline.start(0.0).check()
Traceback (most recent call last):
  ...
milia_kg.errors.ClassifyTimeoutError: classification stopped: not finished within the time limit of 0 s (--timeout)
"""

from __future__ import annotations

import time

from milia_kg.base.records import FrozenRecord
from milia_kg.errors import ClassifyTimeoutError

__all__ = ["Deadline"]


class Deadline(FrozenRecord):
    """When a classification must be done, on :func:`time.monotonic`.

    :param seconds: the limit as given (for the message).
    :param at: when it ends.
    :param option: the option that sets it, named in the error.
    """

    _fields = ("seconds", "at", "option")
    seconds: float
    at: float
    option: str

    def __init__(self, seconds: float, at: float, option: str = "--timeout") -> None:
        self._set(seconds=seconds, at=at, option=option)

    @classmethod
    def start(cls, seconds: float, option: str = "--timeout") -> Deadline:
        """A deadline ``seconds`` from now."""
        return cls(seconds, time.monotonic() + seconds, option)

    def check(self) -> None:
        """:raises ClassifyTimeoutError: if the time is up."""
        if time.monotonic() >= self.at:
            raise ClassifyTimeoutError(self.seconds, self.option)
