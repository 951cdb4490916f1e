"""The ``milia-kg`` command line: a thin layer over :mod:`milia_kg.build` and :mod:`milia_kg.validate`.

Exit codes, the same for every command, decided in one place (:data:`EXIT_CODES`, applied by the
group's boundary; commands raise, they never exit):

====  ==========================================================================================
code  meaning (exception types, first match wins)
====  ==========================================================================================
0     success
1     a check failed: :class:`~milia_kg.errors.CheckFailedError` (``ValidationError``: SHACL or a
      QC check; ``InconsistencyError``: the reasoned graph, or a ``--merge`` union, is
      inconsistent)
2     bad input or usage: ``click.ClickException`` (unknown command, option or choice such as
      ``--engine``/``--reasoner``/``--format``, a missing file argument), any other
      :class:`~milia_kg.errors.MiliaKGError` (unknown query, parameter or value, invalid SPARQL,
      malformed or unsupported RDF in the sources or ``--merge``, a bad SSSOM file, an
      unreachable endpoint, an unusable ``--out``), ``OSError`` (a file that cannot be read)
130   interrupted (Ctrl-C)
====  ==========================================================================================

A failure prints exactly one line ``milia-kg: error: ...`` to stderr, without a traceback, and
nothing to stdout; a failed validation prints its report to stderr first.  ``build`` writes
nothing to ``--out`` unless it succeeds.  Any other exception is a bug and keeps its traceback.

Heavy modules (rdflib, owlrl, pyshacl) are imported inside the commands, so
``milia-kg --help`` is quick.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from milia_kg import __version__
from milia_kg._reasoners import DEFAULT_REASONER, REASONERS
from milia_kg.errors import CheckFailedError, MiliaKGError, ValidationError

__all__ = ["EXIT_BAD_INPUT", "EXIT_CHECK_FAILED", "EXIT_CODES", "EXIT_INTERRUPTED", "EXIT_OK", "exit_code", "main"]

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

#: The exit-code policy: exception type -> exit code, first match wins (see the module docstring).
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (CheckFailedError, EXIT_CHECK_FAILED),
    (click.ClickException, EXIT_BAD_INPUT),
    (MiliaKGError, EXIT_BAD_INPUT),
    (OSError, EXIT_BAD_INPUT),
    (click.exceptions.Abort, EXIT_INTERRUPTED),
)

PROG = "milia-kg"


def exit_code(error: BaseException) -> int | None:
    """The exit code of ``error`` under :data:`EXIT_CODES`, or ``None`` for a bug (not handled).

    >>> from milia_kg.errors import InconsistencyError, RDFSyntaxError
    >>> exit_code(InconsistencyError(["x"])), exit_code(RDFSyntaxError("x.owl", 3, "bad")), exit_code(KeyError())
    (1, 2, None)
    """
    return next((code for kind, code in EXIT_CODES if isinstance(error, kind)), None)


def _message(error: BaseException) -> str:
    if isinstance(error, click.exceptions.NoArgsIsHelpError):
        return "no command given (see the usage above)"
    if isinstance(error, click.ClickException):
        return error.format_message()
    if isinstance(error, click.exceptions.Abort):
        return "interrupted"
    return str(error) or type(error).__name__


class _Group(click.Group):
    """A click group whose :meth:`main` is the one boundary where errors become exit codes."""

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:
        extra.pop("standalone_mode", None)
        try:
            code = super().main(args, prog_name or PROG, standalone_mode=False, **extra)
        except Exception as error:  # noqa: BLE001 - EXIT_CODES decides; anything unmapped is re-raised
            status = exit_code(error)
            if status is None:
                raise
            if isinstance(error, ValidationError) and error.report is not None:
                click.echo(error.report.text(), err=True)
            if isinstance(error, click.exceptions.NoArgsIsHelpError):
                click.echo(error.ctx.get_help(), err=True)
            click.echo(f"{PROG}: error: {' '.join(_message(error).split())}", err=True)
            sys.exit(status)
        sys.exit(code if isinstance(code, int) else EXIT_OK)


ontology_dir_option = click.option(
    "--ontology-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Use this folder instead of the packaged ontology/ (TBox, shapes.ttl, imports/).",
)
data_dir_option = click.option(
    "--data-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Use this folder instead of the packaged data/ (*.ttl, source/).",
)
reasoner_option = click.option(
    "--reasoner",
    type=click.Choice(REASONERS),
    default=DEFAULT_REASONER,
    show_default=True,
    help="OWL 2 RL engine: the fast one, or owlrl, the reference (same triples, much slower).",
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name=PROG)
def main() -> None:
    """milia-kg: an RDF/OWL knowledge graph of milia, every fact with provenance.

    Exit codes: 0 ok, 1 check failed, 2 bad input or usage.
    """


@main.command()
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Release folder to write; replaced only when the whole build succeeds.",
)
@reasoner_option
@ontology_dir_option
@data_dir_option
def build(out: Path, reasoner: str, ontology_dir: Path | None, data_dir: Path | None) -> None:
    """Reason, validate and write the release artifacts to --out."""
    from milia_kg.build import build as run_build

    summary = run_build(out, reasoner=reasoner, ontology_dir=ontology_dir, data_dir=data_dir)
    click.echo(summary.text())


@main.command()
@reasoner_option
@ontology_dir_option
@data_dir_option
def validate(reasoner: str, ontology_dir: Path | None, data_dir: Path | None) -> None:
    """Run the SHACL shapes and QC checks; exit 1 with the report on stderr if anything fails."""
    from milia_kg.validate import validate_sources

    report = validate_sources(ontology_dir, data_dir, reasoner=reasoner)
    if not report.conforms:
        raise ValidationError(report)
    click.echo(report.text())


# ---------------------------------------------------------------- query commands
# The query commands (queries, query, sparql) live in milia_kg/_cli_query.py,
# owned by the query work; it adds them to this group.
from milia_kg._cli_query import register  # noqa: E402

register(main)
from milia_kg import _cli_merge  # noqa: E402  (the merge command)

_cli_merge.register(main)
