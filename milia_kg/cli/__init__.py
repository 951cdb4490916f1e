"""The ``milia-kg`` command line: the click commands of :mod:`milia_kg.cli.commands` (exit codes
documented there), entered through :data:`main`.

:data:`main` is the console script (``milia_kg.cli:main``) and stands for the click group
everywhere else (``CliRunner().invoke(main, ...)``, ``main.commands``).  Called, it first lets
:mod:`milia_kg.cli.quick` run a plain ``query NAME`` or ``classify FILE`` without importing click
(issue 22: the cold commands people wait on); any other arguments go to click.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from milia_kg.cli import quick
from milia_kg.cli.boundary import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_INTERRUPTED, EXIT_OK

__all__ = ["EXIT_BAD_INPUT", "EXIT_CHECK_FAILED", "EXIT_CODES", "EXIT_INTERRUPTED", "EXIT_OK", "exit_code", "main"]


class Entry:
    """The command line's entry point: the quick path when it applies, else the click group (whose
    attributes it lends, so that tools which take a click command take it too)."""

    @property
    def group(self) -> Any:
        """The click group with every command (importing click)."""
        from milia_kg.cli.commands import main as group

        return group

    def __call__(self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any) -> NoReturn:
        plan = quick.plan(sys.argv[1:] if args is None else list(args)) if not extra else None
        if plan is not None:
            quick.run(plan, whole_process=args is None)  # no arguments given: this is the program
        self.group.main(args, prog_name, **extra)
        raise AssertionError("the click group always exits")  # pragma: no cover

    def __getattr__(self, name: str) -> Any:
        return getattr(self.group, name)


main = Entry()


def __getattr__(name: str) -> Any:
    """``EXIT_CODES`` and ``exit_code`` name click's exceptions: imported from the commands when asked for."""
    if name in ("EXIT_CODES", "exit_code"):
        from milia_kg.cli import commands

        return getattr(commands, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
