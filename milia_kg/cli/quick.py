"""The commands people wait on, read without click (issue 22: importing click and defining every
command was about 15 ms of a 90 ms cold ``milia-kg query``, and about 30 ms of ``build``).

:func:`plan` reads only argument lists that it reads exactly as click would: ``query NAME`` with
``-p/--param KEY=VALUE``, ``-f/--format FORMAT`` and ``--wide``, ``classify FILE`` with
``--format FORMAT``, and ``build --out DIR`` with ``--fresh`` and ``--reasoner NAME``, each option
written apart from its value.  Anything else (help, ``--version``, another option, ``--format=json``
or ``-fjson``, a format, parameter, reasoner or ``--out`` that click refuses or checks) gives
``None``, and click runs the command with its own usage messages.  :func:`run` then does what the
click command does with those options and the other options' defaults, and ends as the click
commands' boundary does: the same answer, the same one error line, the same exit code.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
import sys
from collections.abc import Sequence
from typing import NoReturn

from milia_kg.base.records import FrozenRecord
from milia_kg.cli.boundary import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    OWN_EXIT_CODES,
    collecting_less,
    echo,
    error_line,
    failure,
    flush_stdout,
    read_text,
    stdout_failed,
)
from milia_kg.errors import OutputError

__all__ = ["CLASSIFY_FORMATS", "CLASSIFY_TIMEOUT", "QUERY_MAX_ROWS", "QUERY_TIMEOUT", "Plan", "plan", "read_params",
           "run"]

#: Defaults of ``query``/``sparql`` (``--timeout``, ``--max-rows``) and ``classify`` (``--timeout``),
#: shared with the click options so that both paths run with the same limits.
QUERY_TIMEOUT = 30.0
QUERY_MAX_ROWS = 100_000
CLASSIFY_TIMEOUT = 300.0
CLASSIFY_FORMATS = ("json", "text", "cards")

#: option -> what it sets, per command; an option not listed sends the command to click.
_OPTIONS = {
    "query": {"-p": "param", "--param": "param", "-f": "format", "--format": "format", "--wide": "wide"},
    "classify": {"--format": "format"},
    "build": {"--out": "out", "--fresh": "fresh", "--reasoner": "reasoner"},
}


class Plan(FrozenRecord):
    """A command read without click: its name, its one argument (``build``: the ``--out`` folder) and
    the options given."""

    _fields = ("command", "argument", "fmt", "params", "wide", "fresh", "reasoner")
    command: str
    argument: str
    fmt: str
    params: dict[str, str]
    wide: bool
    fresh: bool
    reasoner: str | None

    def __init__(self, command: str, argument: str, fmt: str, params: dict[str, str] | None = None,
                 wide: bool = False, fresh: bool = False, reasoner: str | None = None) -> None:
        self._set(command=command, argument=argument, fmt=fmt, params={} if params is None else params,
                  wide=wide, fresh=fresh, reasoner=reasoner)


def read_params(pairs: Sequence[str]) -> tuple[dict[str, str], str | None]:
    """The ``--param KEY=VALUE`` pairs as a dict, and the usage problem of the first bad one (``None``
    if all are good); click's ``query`` command raises that problem as its usage error."""
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            return params, f"--param {pair!r} is not KEY=VALUE"
        if key in params:
            return params, f"--param {key!r} given twice"
        try:  # argv bytes that are not UTF-8 arrive as lone surrogates (surrogateescape)
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            return params, f"--param {key!r}: value is not valid UTF-8 (byte {exc.start})"
        params[key] = value
    return params, None


def _formats(command: str) -> tuple[str, ...]:
    if command == "classify":
        return CLASSIFY_FORMATS
    from milia_kg.query.formatting import FORMATS

    return FORMATS


def plan(argv: Sequence[str]) -> Plan | None:
    """The command ``argv`` asks for, if it is one this module runs exactly as click would; else ``None``."""
    if not argv or argv[0] not in _OPTIONS or any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return None  # not ours, or a shell asking click for completions
    if not (_utf8(sys.stdout) and _utf8(sys.stderr)):
        return None  # click writes UTF-8 to a stream of another encoding
    command, rest, options = argv[0], argv[1:], _OPTIONS[argv[0]]
    if command == "build":
        return _plan_build(rest)
    positional: list[str] = []
    pairs: list[str] = []
    fmt: str | None = None
    wide = False
    i = 0
    while i < len(rest):
        token = rest[i]
        if not token.startswith("-") or token == "-":
            positional.append(token)
            i += 1
            continue
        kind = options.get(token)
        if kind == "wide":
            wide, i = True, i + 1
            continue
        if kind is None or i + 1 == len(rest):
            return None
        value, i = rest[i + 1], i + 2
        if kind == "param":
            pairs.append(value)
        elif fmt is None and value in _formats(command):
            fmt = value
        else:
            return None
    params, problem = read_params(pairs)
    if len(positional) != 1 or problem is not None:
        return None
    return Plan(command, positional[0], fmt or ("table" if command == "query" else "json"), params, wide)


def _plan_build(rest: Sequence[str]) -> Plan | None:
    """``build --out DIR [--fresh] [--reasoner NAME]``, each option once, no argument, a known reasoner
    and an ``--out`` that click's ``Path(file_okay=False)`` passes as given (missing, or a readable
    folder); else ``None``."""
    from milia_kg.reasoner import REASONERS

    given: dict[str, str] = {}
    i = 0
    while i < len(rest):
        kind = _OPTIONS["build"].get(rest[i])
        if kind is None or kind in given:
            return None
        if kind == "fresh":
            given[kind], i = "", i + 1
            continue
        if i + 1 == len(rest) or rest[i + 1].startswith("-"):
            return None
        given[kind], i = rest[i + 1], i + 2
    out, reasoner = given.get("out"), given.get("reasoner")
    if not out or not _new_or_readable_folder(out) or (reasoner is not None and reasoner not in REASONERS):
        return None
    return Plan("build", out, "text", fresh="fresh" in given, reasoner=reasoner)


def _new_or_readable_folder(path: str) -> bool:
    try:
        found = os.stat(path)
    except OSError:
        return True  # click takes a path that does not exist as it is
    return stat.S_ISDIR(found.st_mode) and os.access(path, os.R_OK)


def _utf8(stream: object) -> bool:
    encoding = getattr(stream, "encoding", None)
    try:
        return encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def _query(plan: Plan) -> None:
    """``milia-kg query NAME`` on the packaged graph, as the click command with these options."""
    from milia_kg.query.formatting import render
    from milia_kg.query.kg import KnowledgeGraph
    from milia_kg.reasoner import DEFAULT_REASONER

    kg = KnowledgeGraph.open(engine="oxigraph", reasoner=DEFAULT_REASONER).with_limits(
        timeout=QUERY_TIMEOUT, max_rows=QUERY_MAX_ROWS, allow_service=())
    echo(render(kg.run(plan.argument, **plan.params), plan.fmt, wide=plan.wide))


def _classify(plan: Plan) -> None:
    """``milia-kg classify FILE`` (one profile), as the click command with these options."""
    from milia_kg.base import files as user_files
    from milia_kg.decision import api, render
    from milia_kg.decision.deadline import Deadline
    from milia_kg.reasoner import DEFAULT_REASONER

    deadline = Deadline.start(CLASSIFY_TIMEOUT)
    text = read_text(plan.argument, user_files.MAX_QUERY_FILE_BYTES)
    show = {"json": render.to_json, "text": render.to_text, "cards": render.to_cards_json}[plan.fmt]
    echo(show(api.classify(render.parse_profile(text), DEFAULT_REASONER, deadline)))


def _build(plan: Plan) -> None:
    """``milia-kg build --out DIR`` from the packaged sources, as the click command with these options."""
    from pathlib import Path

    from milia_kg.reasoner import DEFAULT_REASONER
    from milia_kg.release.build import build

    with collecting_less():
        summary = build(Path(plan.argument), reasoner=plan.reasoner or DEFAULT_REASONER, reuse=not plan.fresh)
    echo(summary.text())


_COMMANDS = {"query": _query, "classify": _classify, "build": _build}


#: Commands that leave large graphs behind: when the process ends with them (``whole_process``), it
#: ends without the interpreter freeing every object first (after ``build`` that took 40-100 ms).
_LEAVE_AT_ONCE = frozenset({"build"})


def run(plan: Plan, *, whole_process: bool = False) -> NoReturn:
    """Run ``plan`` and exit as the click commands' boundary does (0, 1 or 2 with one error line, 130
    when interrupted; a broken pipe exits 1 without a message, as click's own ``main`` does).

    :param whole_process: the process ends here (the console script, ``python -m milia_kg``): after a
        successful command of :data:`_LEAVE_AT_ONCE`, with both streams flushed, it exits at once
        (``os._exit``; every file the command wrote is already closed). Called in-process (tests), it
        raises ``SystemExit`` as always."""
    try:
        if sys.stdout is None:  # started with file descriptor 1 closed
            raise OutputError("standard output is closed: the answer cannot be written")
        try:
            _COMMANDS[plan.command](plan)
        except (EOFError, KeyboardInterrupt):
            echo("", err=True)  # click closes the terminal's ^C echo with a blank line
            echo(error_line("interrupted"), err=True)
            sys.exit(EXIT_INTERRUPTED)
        except OSError as error:
            if error.errno != errno.EPIPE:
                raise
            stdout_failed(error)
            sys.exit(1)
        flush_stdout()
        if whole_process and plan.command in _LEAVE_AT_ONCE:
            sys.stderr.flush()
            os._exit(EXIT_OK)
    except Exception as error:
        failed = failure(error, OWN_EXIT_CODES)
        if failed is None:
            raise
        reported, status = failed
        echo(error_line(str(reported) or type(reported).__name__), err=True)
        sys.exit(status)
    sys.exit(EXIT_OK)
