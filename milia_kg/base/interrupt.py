"""One Python function for compiled loops to call, so that Ctrl-C and SIGTERM still interrupt them.

Why: CPython runs a signal's Python handler (``KeyboardInterrupt`` for Ctrl-C, the build's SIGTERM
handler) only from its interpreter loop, and hands the interpreter lock to another thread only there.
A module compiled by Cython (setup.py) does not enter that loop while it works on C-level dicts and
tuples: loading the 1M graph's triples from a list, the compiled engine held Ctrl-C and every other
thread (a timer, the merge's loader) for 1.6 s. Entering any Python function lets the waiting
handlers and threads run. This module must stay out of the compiled list in pyproject.toml.
"""

from __future__ import annotations

__all__ = ["interruptible"]


def interruptible() -> None:
    """Do nothing, in the interpreter: pending signal handlers and waiting threads run on the way in."""
