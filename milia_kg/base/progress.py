"""Progress of long steps (parsing, reasoning, loading a merge) on stderr, only for a person watching.

A bar (tqdm) is drawn when stderr is a terminal; otherwise, in pipes, logs, CI and tests, nothing
is printed, so output stays machine-readable.

>>> with steps(2, "merge") as step:   # stderr is not a terminal under doctest: silent
...     step("parsing hp.obo")
...     step("reasoning")
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

__all__ = ["Step", "steps"]

#: Called at the start of each step with what it does.
Step = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@contextlib.contextmanager
def steps(total: int, title: str) -> Iterator[Step]:
    """Yield a function to call at the start of each of ``total`` steps of ``title``."""
    if not sys.stderr.isatty():
        yield _quiet
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=title, file=sys.stderr, leave=False, unit="step",
              bar_format="{desc}: {n_fmt}/{total_fmt} |{bar}| {elapsed}") as bar:
        started = False

        def step(label: str) -> None:
            nonlocal started
            if started:
                bar.update(1)
            started = True
            bar.set_description_str(f"{title}: {label}")

        yield step
        if started:
            bar.update(1)
