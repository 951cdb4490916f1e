"""The ``milia-kg merge`` command: build a kept merge store that ``query``/``sparql --store`` open.

:func:`register` adds it to the command group of :mod:`milia_kg.cli`, whose boundary turns errors
into the exit codes (bad input 2, an inconsistent union 1) and one ``milia-kg: error:`` line.
"""

from __future__ import annotations

import click

from milia_kg._reasoners import DEFAULT_REASONER, REASONERS

__all__ = ["register"]


@click.command("merge")
@click.argument("files", metavar="FILE...", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out", metavar="DIR", required=True, type=click.Path(),
              help="The store folder to create (new or empty).")
@click.option("--reasoner", type=click.Choice(REASONERS), default=DEFAULT_REASONER, show_default=True,
              help="Reasoner that closes the union.")
def merge_command(files: tuple[str, ...], out: str, reasoner: str) -> None:
    """Merge the graph with ontology FILEs (OBO, OBO Graphs JSON, OWL/XML, OWL functional syntax, RDF/XML,
    Turtle, N-Triples, JSON-LD, gzipped or not), reason, and keep the result as an Oxigraph store in DIR."""
    import json

    from milia_kg.kept_store import MARKER, build_store

    folder = build_store(files, out, reasoner=reasoner)
    meta = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    click.echo(f"{folder}: {meta['triples']} triples ({reasoner} closure of the graph and {len(files)} file(s))")


def register(group: click.Group) -> None:
    """Add the ``merge`` command to ``group``."""
    group.add_command(merge_command)
