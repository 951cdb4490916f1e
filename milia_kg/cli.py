"""The ``milia-kg`` command line: a thin layer over :mod:`milia_kg.build` and :mod:`milia_kg.validate`.

Exit codes (every command):

* **0** success;
* **1** a check failed: validation found problems (the report is printed) or the
  reasoned graph is inconsistent;
* **2** unusable input or usage: a malformed source file, an unknown option, an
  output folder that cannot be used.  One line ``milia-kg: error: ...`` goes to
  stderr, with no traceback, and nothing is written to ``--out``.

Heavy modules (rdflib, owlrl, pyshacl) are imported inside the commands, so
``milia-kg --help`` is quick.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from milia_kg import __version__
from milia_kg.errors import InconsistencyError, MiliaKGError, RDFSyntaxError, ValidationError
from milia_kg._reasoners import DEFAULT_REASONER, REASONERS

__all__ = ["EXIT_BAD_INPUT", "EXIT_CHECK_FAILED", "EXIT_OK", "main"]

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2

PROG = "milia-kg"


def fail(message: object, code: int = EXIT_BAD_INPUT) -> None:
    """Print ``milia-kg: error: MESSAGE`` on one line to stderr and exit with ``code``."""
    click.echo(f"{PROG}: error: {' '.join(str(message).split())}", err=True)
    sys.exit(code)


class _Group(click.Group):
    """A click group that reports usage errors and milia-kg errors on one line, no traceback."""

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:
        extra.pop("standalone_mode", None)
        try:
            code = super().main(args, prog_name or PROG, standalone_mode=False, **extra)
        except click.ClickException as error:
            fail(error.format_message(), error.exit_code)
        except click.exceptions.Abort:
            fail("interrupted", 130)
        except (ValidationError, InconsistencyError) as error:
            report = getattr(error, "report", None)
            if report is not None:
                click.echo(report.text())
            fail(error, EXIT_CHECK_FAILED)
        except (RDFSyntaxError, MiliaKGError, OSError) as error:
            fail(error, EXIT_BAD_INPUT)
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
    """Run the SHACL shapes and QC checks; exit 1 with a report if anything fails."""
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
