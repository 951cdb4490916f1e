"""What both ways of running a command share, without click: the exit codes, the one error line,
flushing standard output, reading a FILE argument, and the collector's settings of ``build``.

The click commands (:mod:`milia_kg.cli.commands`) and the quick path (:mod:`milia_kg.cli.quick`)
end the same way through these, so an answer or an error looks the same whichever ran it.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import sys
from collections.abc import Iterator, Sequence

from milia_kg.errors import CheckFailedError, MiliaKGError, OutputError, ValidationError

__all__ = [
    "BUILD_GC_THRESHOLDS", "EXIT_BAD_INPUT", "EXIT_CHECK_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "OWN_EXIT_CODES",
    "PROG", "collecting_less", "echo", "error_line", "failure", "flush_stdout", "read_text", "stdout_failed",
]

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

#: The exit codes of milia-kg's own errors, first match wins; the click commands add click's own
#: usage errors and Ctrl-C (``milia_kg.cli.commands.EXIT_CODES``).
OWN_EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (CheckFailedError, EXIT_CHECK_FAILED),
    (MiliaKGError, EXIT_BAD_INPUT),
    (OSError, EXIT_BAD_INPUT),
)

PROG = "milia-kg"

#: The collector's thresholds while ``build`` runs (Python's are 700, 10, 10): it makes a few hundred
#: thousand small objects that live until it exits (rdflib terms, graph indexes, pyshacl's shapes), so
#: most young-generation collections find nothing to free (issue 22: 5-6 % of the build's CPU).
BUILD_GC_THRESHOLDS = (100_000, 50, 100)


def echo(text: str, err: bool = False) -> None:
    """Write ``text`` and a newline as ``click.echo`` does; click itself is imported only for text
    holding an escape character (it removes colour codes when the stream is not a terminal)."""
    if "\x1b" in text:
        import click

        click.echo(text, err=err)
        return
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


@contextlib.contextmanager
def collecting_less() -> Iterator[None]:
    """Run the block with :data:`BUILD_GC_THRESHOLDS` (cycles are still collected, less often), then
    restore the caller's: the library leaves the collector to its caller, and a test calling a command
    in its own process keeps its settings."""
    before = gc.get_threshold()
    gc.set_threshold(*BUILD_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def error_line(message: str) -> str:
    """The one line a failed command prints to stderr."""
    return f"{PROG}: error: {' '.join(message.split())}"


def failure(error: Exception, codes: Sequence[tuple[type[BaseException], int]]) -> tuple[Exception, int] | None:
    """The error a failed command reports and its exit code under ``codes`` (first match wins), or
    ``None`` for a bug; a failed write to standard output becomes an :class:`OutputError`, and a failed
    validation's report is written to stderr here, before the caller's one error line."""
    if isinstance(error, OSError) and not isinstance(error, MiliaKGError) and stdout_failed(error):
        error = OutputError(f"cannot write to standard output ({error.strerror or error})")
    status = next((code for kind, code in codes if isinstance(error, kind)), None)
    if status is None:
        return None
    if isinstance(error, ValidationError) and error.report is not None:
        echo(error.report.text(), err=True)
    return error, status


def flush_stdout() -> None:
    """Flush standard output, so that a write that fails is reported before the exit code is 0."""
    try:
        sys.stdout.flush()
    except OSError as error:
        raise OutputError(f"cannot write to standard output ({error.strerror or error})") from error


def stdout_failed(error: OSError) -> bool:
    """Whether ``error`` came from writing standard output (then Python's own flush at exit would
    fail again and print a second message: standard output is pointed at the null device)."""
    if not isinstance(error, BrokenPipeError) and error.errno not in (errno.EBADF, errno.EPIPE):
        return False
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return True


def read_text(source: str, limit: int) -> str:
    """The UTF-8 text of FILE or standard input ('-'), at most ``limit`` bytes: a regular file of
    bounded size only, so /dev/zero or a FIFO cannot hang the command."""
    from milia_kg.base import files as user_files

    if source == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise MiliaKGError(f"standard input: too large (more than {limit} bytes)")
    else:
        data = user_files.read_limited(source, limit)
    return user_files.decode_utf8(data, source)
