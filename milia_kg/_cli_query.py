"""The query commands of the ``milia-kg`` CLI: ``queries``, ``query`` and ``sparql``.

:func:`register` adds them to the command group of :mod:`milia_kg.cli`. Heavy modules are imported
inside the commands, so ``milia-kg --help`` stays fast. The commands raise and never exit: the
group's boundary in :mod:`milia_kg.cli` turns every error into the one exit-code policy (bad input
2, an inconsistent ``--merge`` union 1) and a one-line ``milia-kg: error: ...`` on stderr.
"""

from __future__ import annotations

from typing import Any

import click

from milia_kg._reasoners import DEFAULT_REASONER, REASONERS

__all__ = ["register"]

_FORMATS = ("table", "json", "csv", "tsv")

format_option = click.option(
    "--format", "-f", "fmt", type=click.Choice(_FORMATS), default="table", show_default=True,
    help="Output format of the rows (ASK answers true/false; CONSTRUCT gives Turtle).",
)
engine_option = click.option(
    "--engine", type=click.Choice(("oxigraph", "rdflib")), default="oxigraph", show_default=True,
    help="Embedded engine over the packaged reasoned graph.",
)
endpoint_option = click.option(
    "--endpoint", metavar="URL", default=None,
    help="Query a remote SPARQL endpoint instead of the embedded graph.",
)
merge_option = click.option(
    "--merge", "merge", multiple=True, metavar="FILE",
    type=click.Path(exists=True, dir_okay=False),
    help="Merge an external ontology file (OBO, OBO Graphs JSON, OWL/XML, OWL functional syntax, RDF/XML, "
    "Turtle, N-Triples or JSON-LD, gzipped or not, told by its content) before querying; repeatable. The reasoned merge is "
    "kept in the cache, so the next query on the same files opens it.",
)
store_option = click.option(
    "--store", "store", metavar="DIR", default=None, type=click.Path(file_okay=False),
    help="Query a merge kept by 'milia-kg merge FILE... --out DIR' instead of the packaged graph.",
)
timeout_option = click.option(
    "--timeout", metavar="SECONDS", type=float, default=30.0, show_default=True,
    help="Stop a query that runs longer (an arbitrary SPARQL query runs in a child process that is killed).",
)
max_rows_option = click.option(
    "--max-rows", metavar="N", type=int, default=100_000, show_default=True,
    help="Stop a query that returns more rows (or triples).",
)
allow_service_option = click.option(
    "--allow-service", "allow_service", multiple=True, metavar="URL",
    help="Let a SERVICE clause call this endpoint IRI (refused by default: no outbound requests). Repeatable.",
)
reasoner_option = click.option(
    "--reasoner", type=click.Choice(REASONERS), default=DEFAULT_REASONER, show_default=True,
    help="Reasoner whose closure the embedded graph holds.",
)


def _open(engine: str, endpoint: str | None, reasoner: str, merge: tuple[str, ...] = (),
          limits: dict[str, Any] | None = None, store: str | None = None) -> Any:
    from milia_kg.kg import KnowledgeGraph

    limits = limits or {}
    if store and (merge or endpoint):
        raise click.UsageError("--store is a merged graph already; it takes neither --merge nor --endpoint")
    if endpoint:
        if merge:
            raise click.UsageError("--merge works on the embedded engines, not with --endpoint")
        return KnowledgeGraph.from_endpoint(endpoint).with_limits(**limits)
    if merge or store:
        from milia_kg.kept_store import open_merged, open_store

        kg = open_store(store, engine=engine) if store else open_merged(merge, reasoner=reasoner, engine=engine)
        return kg.with_limits(**limits)
    return KnowledgeGraph.open(engine=engine, reasoner=reasoner).with_limits(**limits)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise click.UsageError(f"--param {pair!r} is not KEY=VALUE")
        if key in params:
            raise click.UsageError(f"--param {key!r} given twice")
        params[key] = value
    return params


@click.command("queries")
@click.option(
    "--format", "-f", "fmt", type=click.Choice(("table", "json")), default="table",
    show_default=True, help="Output format.",
)
def queries_command(fmt: str) -> None:
    """List the canned queries with their questions and parameters."""
    from milia_kg.catalogue import load_catalogue
    from milia_kg.formatting import render_json, render_table

    catalogue = load_catalogue()
    if fmt == "json":
        data = [
            {
                "name": q.name,
                "summary": q.summary,
                "description": q.description,
                "params": [vars(p) for p in q.params],
                "columns": list(q.columns),
                "example": q.example_command,
            }
            for q in catalogue.values()
        ]
        click.echo(render_json(data))
        return
    rows = [
        {
            "query": q.name,
            "question": q.summary,
            "parameters": ", ".join(p.name + ("" if p.required else "?") for p in q.params),
        }
        for q in catalogue.values()
    ]
    click.echo(render_table(["query", "question", "parameters"], rows, width=80))


@click.command("query")
@click.argument("name")
@click.option(
    "--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
    help="A parameter value: a label or synonym, a CURIE, an IRI, or true/false. Repeatable.",
)
@format_option
@engine_option
@endpoint_option
@reasoner_option
@merge_option
@store_option
@timeout_option
@max_rows_option
@allow_service_option
def query_command(name: str, params: tuple[str, ...], fmt: str, engine: str,
                  endpoint: str | None, reasoner: str, merge: tuple[str, ...], store: str | None,
                  timeout: float, max_rows: int, allow_service: tuple[str, ...]) -> None:
    """Run the canned query NAME (see 'milia-kg queries')."""
    from milia_kg.formatting import render

    values = _parse_params(params)
    kg = _open(engine, endpoint, reasoner, merge,
               {"timeout": timeout, "max_rows": max_rows, "allow_service": allow_service}, store)
    result = kg.run(name, **values)
    click.echo(render(result, fmt))


@click.command("sparql")
@click.argument("source", metavar="FILE", type=click.File("r", encoding="utf-8"))
@format_option
@engine_option
@endpoint_option
@reasoner_option
@merge_option
@store_option
@timeout_option
@max_rows_option
@allow_service_option
def sparql_command(source: Any, fmt: str, engine: str, endpoint: str | None,
                   reasoner: str, merge: tuple[str, ...], store: str | None,
                   timeout: float, max_rows: int, allow_service: tuple[str, ...]) -> None:
    """Run the SPARQL query in FILE ('-' reads standard input)."""
    from milia_kg.errors import MiliaKGError
    from milia_kg.formatting import render

    try:
        text = source.read()
    except UnicodeDecodeError as exc:  # re-raised typed; the exit code is decided in milia_kg.cli
        raise MiliaKGError(f"{source.name}: not UTF-8 text ({exc.reason})") from None
    kg = _open(engine, endpoint, reasoner, merge,
               {"timeout": timeout, "max_rows": max_rows, "allow_service": allow_service}, store)
    result = kg.sparql_result(text)
    click.echo(render(result, fmt))


def register(group: click.Group) -> None:
    """Add the ``queries``, ``query`` and ``sparql`` commands to ``group``."""
    for command in (queries_command, query_command, sparql_command):
        group.add_command(command)
