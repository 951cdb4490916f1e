"""The ``milia-kg push`` command: the reasoned graph into a triple store (:mod:`milia_kg.push`).

:func:`register` adds it to the command group of :mod:`milia_kg.cli`, whose boundary turns a
:class:`~milia_kg.errors.PushError` into one ``milia-kg: error: ...`` line and exit code 2.
"""

from __future__ import annotations

import click

from milia_kg._reasoners import DEFAULT_REASONER, REASONERS

__all__ = ["register"]


@click.command("push")
@click.option("--endpoint", metavar="URL", required=True,
              help="The store's SPARQL query URL (Oxigraph: …/query; Virtuoso: …/sparql).")
@click.option("--graph", metavar="IRI", default=None,
              help="Target named graph, replaced whole [default: https://w3id.org/milia-kg/graph/reasoned].")
@click.option("--with-asserted", is_flag=True,
              help="Also replace https://w3id.org/milia-kg/graph/asserted with the asserted triples alone.")
@click.option("--update-url", metavar="URL", default=None,
              help="SPARQL Update URL, when not the one guessed from --endpoint.")
@click.option("--store-url", metavar="URL", default=None,
              help="Graph Store Protocol URL, when not the one guessed from --endpoint "
                   "('' for none: SPARQL Update INSERT DATA instead).")
@click.option("--timeout", metavar="SECONDS", type=float, default=60.0, show_default=True,
              help="Seconds each HTTP request may take.")
@click.option("--reasoner", type=click.Choice(REASONERS), default=DEFAULT_REASONER, show_default=True,
              help="Reasoner whose closure is pushed.")
def push_command(endpoint: str, graph: str | None, with_asserted: bool, update_url: str | None,
                 store_url: str | None, timeout: float, reasoner: str) -> None:
    """Load the reasoned graph into a store, atomically (temporary graph, count, MOVE).

    Credentials come from MILIA_KG_ENDPOINT_USER and MILIA_KG_ENDPOINT_PASSWORD (basic or
    digest) or MILIA_KG_ENDPOINT_TOKEN (bearer); they are never printed.
    """
    from milia_kg.push import push_release

    summary = push_release(endpoint, graph, with_asserted, reasoner, update_url=update_url,
                           store_url=store_url, timeout=timeout)
    click.echo(summary.text())


def register(group: click.Group) -> None:
    """Add the ``push`` command to ``group``."""
    group.add_command(push_command)
