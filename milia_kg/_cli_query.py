"""The query commands of the ``milia-kg`` CLI: ``queries``, ``query`` and ``sparql``.

:func:`register` adds them to the command group of :mod:`milia_kg.cli`. Heavy modules are imported
inside the commands, so ``milia-kg --help`` stays fast. Exit codes: 0 success; 2 bad input (an
unknown query, parameter or value, invalid SPARQL, an unreachable endpoint), reported as one
line ``milia-kg: error: ...`` on stderr, without a traceback.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click

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
    help="Merge an external ontology file (Turtle, RDF/XML .owl, N-Triples) before querying; repeatable.",
)
reasoner_option = click.option(
    "--reasoner", type=click.Choice(("fast", "owlrl")), default="fast", show_default=True,
    help="Reasoner whose closure the embedded graph holds.",
)


def _fail(message: object) -> NoReturn:
    """Print ``milia-kg: error: MESSAGE`` on one line to stderr and exit with status 2."""
    text = " ".join(str(message).split())
    click.echo(f"milia-kg: error: {text}", err=True)
    sys.exit(2)


def _open(engine: str, endpoint: str | None, reasoner: str, merge: tuple[str, ...] = ()) -> Any:
    from milia_kg.kg import KnowledgeGraph

    if endpoint:
        if merge:
            _fail("--merge works on the embedded engines, not with --endpoint")
        return KnowledgeGraph.from_endpoint(endpoint)
    if merge:
        from milia_kg.merge import merged_graph

        return KnowledgeGraph.from_graph(merged_graph(merge, reasoner=reasoner), engine=engine)
    return KnowledgeGraph.open(engine=engine, reasoner=reasoner)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            _fail(f"--param {pair!r} is not KEY=VALUE")
        if key in params:
            _fail(f"--param {key!r} given twice")
        try:  # argv bytes that are not UTF-8 arrive as lone surrogates (surrogateescape)
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            _fail(f"--param {key!r}: value is not valid UTF-8 (byte {exc.start})")
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
    from milia_kg.errors import MiliaKGError
    from milia_kg.formatting import render_json, render_table

    try:
        catalogue = load_catalogue()
    except MiliaKGError as exc:
        _fail(exc)
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
def query_command(name: str, params: tuple[str, ...], fmt: str, engine: str,
                  endpoint: str | None, reasoner: str, merge: tuple[str, ...]) -> None:
    """Run the canned query NAME (see 'milia-kg queries')."""
    from milia_kg.errors import MiliaKGError
    from milia_kg.formatting import render

    values = _parse_params(params)
    try:
        kg = _open(engine, endpoint, reasoner, merge)
        result = kg.run(name, **values)
    except MiliaKGError as exc:
        _fail(exc)
    click.echo(render(result, fmt))


@click.command("sparql")
@click.argument("source", metavar="FILE")
@format_option
@engine_option
@endpoint_option
@reasoner_option
@merge_option
def sparql_command(source: Any, fmt: str, engine: str, endpoint: str | None,
                   reasoner: str, merge: tuple[str, ...]) -> None:
    """Run the SPARQL query in FILE ('-' reads standard input)."""
    from milia_kg.errors import MiliaKGError
    from milia_kg.formatting import render

    from milia_kg import _files

    try:  # a regular file of bounded size only: /dev/zero or a FIFO must not hang the command
        if source == "-":
            data = sys.stdin.buffer.read(_files.MAX_QUERY_FILE_BYTES + 1)
            if len(data) > _files.MAX_QUERY_FILE_BYTES:
                _fail(f"standard input: too large (more than {_files.MAX_QUERY_FILE_BYTES} bytes)")
        else:
            data = _files.read_limited(source, _files.MAX_QUERY_FILE_BYTES)
        text = _files.decode_utf8(data, source)
    except MiliaKGError as exc:
        _fail(exc)
    try:
        kg = _open(engine, endpoint, reasoner, merge)
        result = kg.sparql_result(text)
    except MiliaKGError as exc:
        _fail(exc)
    click.echo(render(result, fmt))


def register(group: click.Group) -> None:
    """Add the ``queries``, ``query`` and ``sparql`` commands to ``group``."""
    for command in (queries_command, query_command, sparql_command):
        group.add_command(command)
