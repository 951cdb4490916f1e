"""The ``milia-kg`` commands (click): a thin layer over :mod:`milia_kg.release.build`,
:mod:`milia_kg.release.validate` and :mod:`milia_kg.query` (``queries``, ``query``, ``sparql``).

Exit codes, the same for every command, decided in one place (:data:`EXIT_CODES`, applied by the
group's boundary; commands raise, they never exit):

====  ==========================================================================================
code  meaning (exception types, first match wins)
====  ==========================================================================================
0     success
1     a check failed: :class:`~milia_kg.errors.CheckFailedError` (``ValidationError``: SHACL, a
      QC check, or the SSSOM file in ``validate``/``build``; ``InconsistencyError``: the reasoned
      graph, or a ``--merge`` union, is inconsistent)
2     bad input or usage: ``click.ClickException`` (unknown command, option or choice such as
      ``--engine``/``--reasoner``/``--format``, a missing file argument), any other
      :class:`~milia_kg.errors.MiliaKGError` (unknown query, parameter or value, invalid SPARQL,
      malformed or unsupported RDF in the sources or ``--merge``, a bad SSSOM file read by
      ``report``, an unreachable endpoint, an unusable ``--out``), ``OSError`` (a file that cannot
      be read)
130   interrupted (Ctrl-C)
====  ==========================================================================================

A failure prints exactly one line ``milia-kg: error: ...`` to stderr, without a traceback, and
nothing to stdout; a failed validation prints its report to stderr first.  ``build`` writes
nothing to ``--out`` unless it succeeds.  Any other exception is a bug and keeps its traceback.

Heavy modules (rdflib, owlrl, pyshacl) are imported inside the commands, so
``milia-kg --help`` is quick.  A plain ``query NAME`` or ``classify FILE`` does not come here at all:
:mod:`milia_kg.cli.quick` runs it without click, to the same answer and exit code.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from milia_kg import __version__, vocab
from milia_kg.cli.boundary import (
    EXIT_BAD_INPUT,
    EXIT_CHECK_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    OWN_EXIT_CODES,
    PROG,
    collecting_less,
    error_line,
    failure,
    flush_stdout,
    read_text,
)
from milia_kg.cli.quick import CLASSIFY_FORMATS, CLASSIFY_TIMEOUT, QUERY_MAX_ROWS, QUERY_TIMEOUT, read_params
from milia_kg.errors import CaseProfileError, MiliaKGError, OutputError, ValidationError
from milia_kg.query.formatting import FORMATS
from milia_kg.reasoner import DEFAULT_REASONER, REASONERS

__all__ = ["EXIT_BAD_INPUT", "EXIT_CHECK_FAILED", "EXIT_CODES", "EXIT_INTERRUPTED", "EXIT_OK", "exit_code", "main"]

#: The exit-code policy: exception type -> exit code, first match wins (see the module docstring):
#: milia-kg's own errors (:data:`~milia_kg.cli.boundary.OWN_EXIT_CODES`, also the quick path's) and
#: click's usage errors and Ctrl-C.
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    *OWN_EXIT_CODES,
    (click.ClickException, EXIT_BAD_INPUT),
    (click.exceptions.Abort, EXIT_INTERRUPTED),
)


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

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> NoReturn:
        # standalone_mode is accepted and ignored: errors always end here, as exit codes
        try:
            if sys.stdout is None:  # started with file descriptor 1 closed: click would drop the output
                raise OutputError("standard output is closed: the answer cannot be written")
            code = super().main(args, prog_name or PROG, complete_var, standalone_mode=False, **extra)
            flush_stdout()
        except Exception as error:
            failed = failure(error, EXIT_CODES)
            if failed is None:
                raise
            reported, status = failed
            if isinstance(reported, click.exceptions.NoArgsIsHelpError):
                click.echo(reported.ctx.get_help(), err=True)
            click.echo(error_line(_message(reported)), err=True)
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


def _reasoner_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--reasoner", type=click.Choice(REASONERS), default=DEFAULT_REASONER, show_default=True, help=help_text
    )


reasoner_option = _reasoner_option(
    "OWL 2 RL engine: the fast one, or owlrl, the reference (same triples, much slower)."
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
@click.option("--fresh", is_flag=True,
              help="Build from the sources even if a release of the same inputs is kept in the cache.")
@reasoner_option
@ontology_dir_option
@data_dir_option
def build(out: Path, fresh: bool, reasoner: str, ontology_dir: Path | None, data_dir: Path | None) -> None:
    """Reason, validate and write the release artifacts to --out."""
    from milia_kg.release.build import build as run_build

    with collecting_less():
        summary = run_build(out, reasoner=reasoner, ontology_dir=ontology_dir, data_dir=data_dir, reuse=not fresh)
    click.echo(summary.text())


@main.command()
@reasoner_option
@ontology_dir_option
@data_dir_option
def validate(reasoner: str, ontology_dir: Path | None, data_dir: Path | None) -> None:
    """Run the SHACL shapes and QC checks; exit 1 with the report on stderr if anything fails."""
    from milia_kg.release.pipeline import validate_sources

    report = validate_sources(ontology_dir, data_dir, reasoner=reasoner)
    if not report.conforms:
        raise ValidationError(report)
    click.echo(report.text())


@main.command("report")
@click.option("--merge", "merge", multiple=True, metavar="FILE", type=click.Path(exists=True, dir_okay=False),
              help="Report on the merge of milia-kg.owl with this ontology file (repeatable), as robot merge + report.")
@click.option("--out", "out", metavar="FILE", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              show_default=True, help="Write the TSV report here ('-': standard output).")
@ontology_dir_option
@data_dir_option
def report_command(merge: tuple[str, ...], out: str, ontology_dir: Path | None, data_dir: Path | None) -> None:
    """ROBOT's report rules (missing or duplicate labels, definitions, whitespace, deprecated references...)
    over milia-kg.owl or a merge, as ROBOT's TSV (Level, Rule Name, Subject, Property, Value);
    exit 1 if any row is at level ERROR. Counts by level go to stderr."""
    from milia_kg.errors import ReportFailedError
    from milia_kg.release.report import LEVELS, release_report, tsv

    rows = release_report(merge, ontology_dir=ontology_dir, data_dir=data_dir)
    with click.open_file(out, "w", encoding="utf-8") as stream:
        stream.write(tsv(rows))
    counts = {level: sum(1 for r in rows if r.level == level) for level in LEVELS}
    click.echo(f"{PROG} report: " + ", ".join(f"{n} {level}" for level, n in counts.items()), err=True)
    if counts["ERROR"]:
        raise ReportFailedError(counts["ERROR"])


# ----------------------------------------------------------------------------- query commands

format_option = click.option(
    "--format", "-f", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
    help="Output format of the rows (ASK answers true/false; CONSTRUCT gives Turtle).",
)
wide_option = click.option(
    "--wide", is_flag=True,
    help="Tables: keep every cell on one line (no wrapping to the terminal's width, COLUMNS).",
)
engine_option = click.option(
    "--engine", type=click.Choice(("oxigraph", "rdflib")), default="oxigraph", show_default=True,
    help="Embedded engine over the packaged reasoned graph.",
)
endpoint_option = click.option(
    "--endpoint", metavar="URL", default=None,
    help="Query a remote SPARQL endpoint instead of the embedded graph.",
)
graph_option = click.option(
    "--graph", metavar="IRI", default=None,
    help="With --endpoint: query this named graph of the store (sent as default-graph-uri).",
)
merge_option = click.option(
    "--merge", "merge", multiple=True, metavar="FILE",
    type=click.Path(exists=True, dir_okay=False),
    help="Merge an external ontology file (OBO, OBO Graphs JSON, OWL/XML, OWL functional syntax, RDF/XML, "
    "Turtle, N-Triples or JSON-LD, gzipped or not, told by its content) before querying; repeatable. The "
    "reasoned merge is kept in the cache, so the next query on the same files opens it.",
)
store_option = click.option(
    "--store", "store", metavar="DIR", default=None, type=click.Path(file_okay=False),
    help="Query a merge kept by 'milia-kg merge FILE... --out DIR' instead of the packaged graph.",
)
query_reasoner_option = _reasoner_option("Reasoner whose closure the embedded graph holds.")
timeout_option = click.option(
    "--timeout", metavar="SECONDS", type=float, default=QUERY_TIMEOUT, show_default=True,
    help="Stop a query that runs longer (an arbitrary SPARQL query runs in a child process that is killed).",
)
max_rows_option = click.option(
    "--max-rows", metavar="N", type=int, default=QUERY_MAX_ROWS, show_default=True,
    help="Stop a query that returns more rows (or triples).",
)
merge_timeout_option = click.option(
    "--merge-timeout", metavar="SECONDS", type=float, default=300.0, show_default=True,
    help="Stop building the --merge union (parsing, reasoning, loading) if it takes longer in all.",
)
merge_max_triples_option = click.option(
    "--merge-max-triples", metavar="N", type=click.IntRange(min=0), default=None,
    help="Refuse a --merge union whose reasoned closure would hold more triples [default: 10 times the "
    "triples read, at least 1,000,000; 0: no cap].",
)
allow_service_option = click.option(
    "--allow-service", "allow_service", multiple=True, metavar="URL",
    help="Let a SERVICE clause call this endpoint IRI (refused by default: no outbound requests). Repeatable.",
)


def graph_source_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that ``query`` and ``sparql`` share: output format, the graph to ask (engine,
    endpoint and graph, reasoner, merges, a kept store) and the limits of one query."""
    for option in reversed((format_option, wide_option, engine_option, endpoint_option, graph_option,
                            query_reasoner_option, merge_option, merge_timeout_option, merge_max_triples_option,
                            store_option, timeout_option, max_rows_option, allow_service_option)):
        command = option(command)
    return command


def _merge_budget(seconds: float, max_triples: int | None, time_option: str, size_option: str) -> Any:
    """The limits of a merge, its clock started now (:mod:`milia_kg.reasoner.budget`)."""
    from milia_kg.reasoner.budget import Budget

    if not seconds > 0:
        raise click.BadParameter("must be a positive number of seconds", param_hint=time_option)
    return Budget.start(seconds, max_triples, time_option=time_option, size_option=size_option)


def _open(engine: str, endpoint: str | None, reasoner: str, merge: tuple[str, ...] = (),
          limits: dict[str, Any] | None = None, graph: str | None = None, store: str | None = None,
          merge_limits: tuple[float, int | None] = (300.0, None)) -> Any:
    from milia_kg.query.kg import KnowledgeGraph

    limits = limits or {}
    if store and (merge or endpoint):
        raise click.UsageError("--store is a merged graph already; it takes neither --merge nor --endpoint")
    if graph and not endpoint:
        raise click.UsageError("--graph names a graph of a remote store: give --endpoint too")
    if endpoint:
        if merge:
            raise click.UsageError("--merge works on the embedded engines, not with --endpoint")
        kg = KnowledgeGraph.from_endpoint(endpoint, timeout=limits.get("timeout", 30.0), graph=graph)
        return kg.with_limits(**limits)
    if merge or store:
        from milia_kg.merge.store import open_merged, open_store

        if store:
            kg = open_store(store, engine=engine)
        else:
            budget = _merge_budget(*merge_limits, "--merge-timeout", "--merge-max-triples")
            kg = open_merged(merge, reasoner=reasoner, engine=engine, budget=budget)
        return kg.with_limits(**limits)
    return KnowledgeGraph.open(engine=engine, reasoner=reasoner).with_limits(**limits)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params, problem = read_params(pairs)
    if problem is not None:
        raise click.UsageError(problem)
    return params


@main.command("queries")
@click.argument("name", required=False)
@click.option(
    "--format", "-f", "fmt", type=click.Choice(("table", "json")), default="table",
    show_default=True, help="Output format.",
)
def queries_command(name: str | None, fmt: str) -> None:
    """List the canned queries with their questions and parameters; with NAME, show that query whole
    (its parameters, what each accepts, its columns and its SPARQL)."""
    from milia_kg.query.catalogue import get_query, load_catalogue
    from milia_kg.query.discovery import query_help
    from milia_kg.query.formatting import render_json, render_table

    catalogue = load_catalogue()
    if name is not None and fmt == "table":
        click.echo(query_help(get_query(name)))
        return
    if fmt == "json":
        data = [
            {
                "name": q.name,
                "summary": q.summary,
                "description": q.description,
                "params": [vars(p) for p in q.params],
                "columns": list(q.columns),
                "example": q.example_command,
                **({"sparql": q.text} if name is not None else {}),
            }
            for q in ([get_query(name)] if name is not None else catalogue.values())
        ]
        click.echo(render_json(data[0] if name is not None else data))
        return
    rows = [
        {
            "query": q.name,
            "question": q.summary,
            "parameters": ", ".join(p.name + ("" if p.required else "?") for p in q.params),
        }
        for q in catalogue.values()
    ]
    click.echo(render_table(["query", "question", "parameters"], rows))


@main.command("values")
@click.argument("param")
@click.option("--query", "query_name", metavar="NAME", default=None,
              help="The parameter of this query (default: of every query that has it).")
@click.option(
    "--format", "-f", "fmt", type=click.Choice(("table", "json")), default="table",
    show_default=True, help="Output format.",
)
@query_reasoner_option
def values_command(param: str, query_name: str | None, fmt: str, reasoner: str) -> None:
    """List the values parameter PARAM accepts: each term's CURIE, label and synonyms (any of them
    may be given), restricted to the parameter's category."""
    from milia_kg.query.discovery import accepted_values
    from milia_kg.query.formatting import render_json, render_table
    from milia_kg.query.kg import KnowledgeGraph

    values = accepted_values(KnowledgeGraph.open(reasoner=reasoner), param, query_name)
    if fmt == "json":
        click.echo(render_json({"param": values.param, "queries": values.queries, "type": values.kind,
                                "category": values.category, "description": values.description,
                                "values": [vars(r) for r in values.rows]}))
        return
    where = ", ".join(values.queries)
    if not values.rows:
        click.echo(f"{param} ({where}): any text" + (f"; {values.description}" if values.description else ""))
        return
    if values.kind == "boolean":
        scope = "true or false"
    else:
        scope = f"kinds of {values.category}" if values.category else "any term"
        scope += "; give a CURIE, label or synonym"
    click.echo(f"{param} ({where}): {len(values.rows)} accepted values, {scope}")
    click.echo(render_table(["value", "label", "synonyms"],
                            [{"value": r.curie, "label": r.label, "synonyms": r.synonyms} for r in values.rows]))


@main.command("query")
@click.argument("name")
@click.option(
    "--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
    help="A parameter value: a label or synonym, a CURIE, an IRI, or true/false. Repeatable.",
)
@graph_source_options
def query_command(name: str, params: tuple[str, ...], fmt: str, wide: bool, engine: str,
                  endpoint: str | None, graph: str | None, reasoner: str, merge: tuple[str, ...],
                  merge_timeout: float, merge_max_triples: int | None,
                  store: str | None, timeout: float, max_rows: int, allow_service: tuple[str, ...]) -> None:
    """Run the canned query NAME (see 'milia-kg queries')."""
    from milia_kg.query.formatting import render

    values = _parse_params(params)
    kg = _open(engine, endpoint, reasoner, merge,
               {"timeout": timeout, "max_rows": max_rows, "allow_service": allow_service}, graph, store,
               (merge_timeout, merge_max_triples))
    click.echo(render(kg.run(name, **values), fmt, wide=wide))


@main.command("sparql")
@click.argument("source", metavar="FILE")
@graph_source_options
def sparql_command(source: str, fmt: str, wide: bool, engine: str, endpoint: str | None,
                   graph: str | None, reasoner: str, merge: tuple[str, ...], merge_timeout: float,
                   merge_max_triples: int | None, store: str | None,
                   timeout: float, max_rows: int, allow_service: tuple[str, ...]) -> None:
    """Run the SPARQL query in FILE ('-' reads standard input)."""
    from milia_kg.base import files as user_files
    from milia_kg.query.formatting import render

    text = read_text(source, user_files.MAX_QUERY_FILE_BYTES)
    kg = _open(engine, endpoint, reasoner, merge,
               {"timeout": timeout, "max_rows": max_rows, "allow_service": allow_service}, graph, store,
               (merge_timeout, merge_max_triples))
    click.echo(render(kg.sparql_result(text), fmt, wide=wide))


@main.command("classify")
@click.argument("source", metavar="FILE")
@click.option("--format", "fmt", type=click.Choice(CLASSIFY_FORMATS), default="json",
              show_default=True, help="Output format (cards: CDS Hooks cards).")
@click.option("--jsonl", is_flag=True,
              help="FILE holds one profile per line; one result per line (a bad line gets an error object).")
@click.option("--timeout", metavar="SECONDS", type=float, default=CLASSIFY_TIMEOUT, show_default=True,
              help="Stop if classifying (the whole batch with --jsonl) takes longer; the results so far are kept.")
@query_reasoner_option
def classify_command(source: str, fmt: str, jsonl: bool, timeout: float, reasoner: str) -> None:
    """Classify the case profile in FILE ('-' reads standard input) into milia subtypes, with advice."""
    from milia_kg.base import files as user_files
    from milia_kg.decision import api, render
    from milia_kg.decision.deadline import Deadline

    if not timeout > 0:
        raise click.BadParameter("must be a positive number of seconds", param_hint="--timeout")

    deadline = Deadline.start(timeout)
    text = read_text(source, user_files.MAX_RDF_FILE_BYTES if jsonl else user_files.MAX_QUERY_FILE_BYTES)
    show = {"json": render.to_json, "text": render.to_text, "cards": render.to_cards_json}[fmt]
    if not jsonl:
        click.echo(show(api.classify(render.parse_profile(text), reasoner, deadline)))
        return
    failed = 0
    for number, line in render.jsonl_lines(text):
        try:
            result = api.classify(render.parse_profile(line, number), reasoner, deadline)
        except CaseProfileError as error:
            failed += 1
            message = str(CaseProfileError(error.field, error.reason, line=number))
            click.echo(f"{PROG}: error: {message}", err=True)
            click.echo(json.dumps({"line": number, "error": message}, ensure_ascii=False))
            continue
        click.echo({"json": render.to_json, "cards": render.to_cards_json}[fmt](result, None)
                   if fmt != "text" else show(result))
    if failed:
        raise CaseProfileError("", f"{failed} line(s) of {source} failed (see above)")


# ------------------------------------------------------------------------------ store commands


@main.command("merge")
@click.argument("files", metavar="FILE...", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out", metavar="DIR|FILE", required=True, type=click.Path(),
              help="A new file merged.owl, .ttl or .nt (RDF/XML, Turtle, N-Triples) to write the merged "
              "graph to; any other name is the store folder to create (new or empty).")
@click.option("--timeout", metavar="SECONDS", type=float, default=300.0, show_default=True,
              help="Stop the merge (parsing, reasoning, writing) if it takes longer in all; nothing is written.")
@click.option("--max-triples", metavar="N", type=click.IntRange(min=0), default=None,
              help="Refuse a merge whose reasoned closure would hold more triples [default: 10 times the "
              "triples read, at least 1,000,000; 0: no cap].")
@_reasoner_option("Reasoner that closes the union.")
def merge_command(files: tuple[str, ...], out: str, timeout: float, max_triples: int | None, reasoner: str) -> None:
    """Merge the graph with ontology FILEs (OBO, OBO Graphs JSON, OWL/XML, OWL functional syntax, RDF/XML,
    Turtle, N-Triples, JSON-LD, gzipped or not) and reason; write the result to a file (as robot merge +
    reason) or keep it as an Oxigraph store in DIR."""
    from milia_kg.base import atomic, progress
    from milia_kg.base import files as user_files
    from milia_kg.merge.export import export, is_export
    from milia_kg.merge.store import MARKER, build_store

    budget = _merge_budget(timeout, max_triples, "--timeout", "--max-triples")
    with atomic.sigterm_raises():  # a kill removes the temporary folder or file as Ctrl-C does (exit 130)
        if is_export(out):
            with progress.steps(len(files) + 2, "merge") as step:
                written = export(files, out, reasoner=reasoner, step=step, budget=budget)
            click.echo(f"{out}: {written} triples ({reasoner} closure of the graph and {len(files)} file(s))")
            return
        folder = build_store(files, out, reasoner=reasoner, budget=budget)
    meta = user_files.read_json(user_files.read_limited(folder / MARKER, user_files.MAX_RECORD_BYTES), MARKER)
    click.echo(f"{folder}: {meta['triples']} triples ({reasoner} closure of the graph and {len(files)} file(s))")


@main.command("push")
@click.option("--endpoint", metavar="URL", required=True,
              help="The store's SPARQL query URL (Oxigraph: …/query; Virtuoso: …/sparql).")
@click.option("--graph", metavar="IRI", default=None,
              help=f"Target named graph, replaced whole [default: {vocab.REASONED_GRAPH}].")
@click.option("--with-asserted", is_flag=True,
              help=f"Also replace {vocab.ASSERTED_GRAPH} with the asserted triples alone.")
@click.option("--update-url", metavar="URL", default=None,
              help="SPARQL Update URL, when not the one guessed from --endpoint.")
@click.option("--store-url", metavar="URL", default=None,
              help="Graph Store Protocol URL, when not the one guessed from --endpoint "
                   "('' for none: SPARQL Update INSERT DATA instead).")
@click.option("--timeout", metavar="SECONDS", type=float, default=60.0, show_default=True,
              help="Seconds each HTTP request may take in all (not per read).")
@_reasoner_option("Reasoner whose closure is pushed.")
def push_command(endpoint: str, graph: str | None, with_asserted: bool, update_url: str | None,
                 store_url: str | None, timeout: float, reasoner: str) -> None:
    """Load the reasoned graph into a store, atomically (temporary graph, count, MOVE).

    Credentials come from MILIA_KG_ENDPOINT_USER and MILIA_KG_ENDPOINT_PASSWORD (basic or
    digest) or MILIA_KG_ENDPOINT_TOKEN (bearer); they are never printed.
    """
    from milia_kg.release.push import push_release

    summary = push_release(endpoint, graph, with_asserted, reasoner, update_url=update_url,
                           store_url=store_url, timeout=timeout)
    click.echo(summary.text())


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; the service has no authentication).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0 picks a free one and prints it).")
@click.option("--timeout", metavar="SECONDS", type=float, default=None,
              help="Stop a query, or a classify or CDS Hooks request, that runs longer (default 10).")
@click.option("--max-rows", metavar="N", type=int, default=None,
              help="Refuse an answer with more rows or triples (default 10000).")
@click.option("--max-concurrent", metavar="N", type=int, default=4, show_default=True,
              help="Queries evaluated at once; each gets --memory-budget / N.")
@click.option("--memory-budget", metavar="MIB", type=int, default=2048, show_default=True,
              help="Memory all running queries together may add, in MiB.")
@click.option("--max-waiting", metavar="N", type=int, default=32, show_default=True,
              help="Queries queued for a slot; more are answered 503 with Retry-After.")
@click.option("--max-bytes", metavar="BYTES", type=int, default=64 << 20, show_default=True,
              help="Refuse an answer larger than this.")
@click.option("--max-body", metavar="BYTES", type=int, default=1 << 20, show_default=True,
              help="Refuse a request body larger than this (413).")
@click.option("--read-timeout", metavar="SECONDS", type=float, default=10.0, show_default=True,
              help="Close a connection whose request headers, or body, take longer.")
@click.option("--max-connections", metavar="N", type=int, default=1000, show_default=True,
              help="Open connections; a request on one more is answered 503 with Retry-After.")
@click.option("--allow-host", "allow_hosts", metavar="NAME", multiple=True,
              help="Answer requests with this Host name too (loopback names and --host always are).")
@click.option("--cors", metavar="ORIGINS", default="*", show_default=True,
              help="Origins whose browser scripts may read the answers (CORS): '*', comma-separated origins, "
                   "or '' for none. /cds-services keeps CDS Hooks' own policy.")
@click.option("--cds-jwks", metavar="FILE|URL", multiple=True,
              help="The EHR's JWK Set, a file or an https URL (the allow-list of jku URLs; fetched when needed, "
                   "kept 5 minutes; repeat for several): CDS Hooks calls must then carry a JWT signed by one of "
                   "its keys (needs milia-kg[cds-auth]); without it the service must sit behind the EHR's network.")
@click.option("--cds-issuer", metavar="ISS", multiple=True,
              help="With --cds-jwks: a JWT issuer (iss) to accept (repeat for several; default: any).")
@click.option("--cds-fhir-server", metavar="URL", multiple=True,
              help="An EHR FHIR server (a CDS Hooks fhirServer) that missing prefetch may be fetched from, "
                   "with the call's bearer token (repeat for several; default: none, nothing is fetched).")
@click.option("--processes", metavar="N", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Server processes sharing the port and the loaded graph, each with its share of "
                   "--max-concurrent (1 with --cds-jwks: a JWT's jti must be seen by one process).")
@click.option("--answer-cache/--no-answer-cache", default=True, show_default=True,
              help="Keep answers of /sparql and /api/queries in memory (the graph never changes while served).")
@query_reasoner_option
@store_option
def serve_command(host: str, port: int, timeout: float | None, max_rows: int | None,
                  max_concurrent: int, memory_budget: int, max_waiting: int, max_bytes: int, max_body: int,
                  read_timeout: float, max_connections: int, allow_hosts: tuple[str, ...], cors: str,
                  cds_jwks: tuple[str, ...], cds_issuer: tuple[str, ...], cds_fhir_server: tuple[str, ...],
                  processes: int, answer_cache: bool, reasoner: str, store: str | None) -> None:
    """Serve the graph read-only over HTTP: SPARQL at /sparql, the catalogue at /api/queries, decision
    support at /api/classify and /cds-services (CDS Hooks), a web page at /. With --store DIR, the
    kept merged store DIR (from 'milia-kg merge FILE... --out DIR') is served instead, read-only,
    entity pages included; decision support still reasons over the packaged graph."""
    try:
        from milia_kg.serve import app as serve_app
        from milia_kg.serve.headers import CorsPolicy
    except ImportError as exc:
        raise MiliaKGError(f"serve needs FastAPI and uvicorn ({exc.name} is missing): "
                           "pip install 'milia-kg[serve]'") from None
    from milia_kg.query.kg import KnowledgeGraph
    from milia_kg.serve import cds
    from milia_kg.serve.limits import ServeLimits

    limits = ServeLimits(max_concurrent=max_concurrent, memory_budget=memory_budget << 20,
                         max_waiting=max_waiting, max_bytes=max_bytes, max_body=max_body,
                         read_timeout=read_timeout, max_connections=max_connections, hosts=allow_hosts,
                         answer_cache=answer_cache)
    if cds_issuer and not cds_jwks:
        raise click.UsageError("--cds-issuer needs --cds-jwks")
    if cds_jwks:
        from milia_kg.serve.cds_auth import Verifier

        cds.use_jwt(Verifier.from_options(cds_jwks, cds_issuer))
    if cds_fhir_server:
        from milia_kg.serve.cds_fetch import FhirFetcher

        cds.use_fhir_servers(FhirFetcher(cds_fhir_server))
    if store:  # checked (marker and checksums) and opened read-only before the port is bound
        from milia_kg.merge.store import open_store

        opened = open_store(store)
    else:
        opened = KnowledgeGraph.open(reasoner=reasoner)
    kg = opened.with_limits(
        timeout=serve_app.DEFAULT_TIMEOUT if timeout is None else timeout,
        max_rows=serve_app.DEFAULT_MAX_ROWS if max_rows is None else max_rows,
    )
    sock = serve_app.listen(host, port)  # bound here, so a busy port is one error line and exit 2
    shown = f"[{host}]" if ":" in host else host
    served = f"the kept store {store}, {kg.triple_count()} triples; " if store else ""
    click.echo(f"milia-kg serve: listening on http://{shown}:{sock.getsockname()[1]}/ ({served}SPARQL at /sparql; "
               f"{kg.limits.timeout:g} s and {kg.limits.max_rows} rows a query)", err=True)
    serve_app.run(kg, sock, reasoner, limits, host, cors=CorsPolicy.parse(cors),
                  processes=1 if cds_jwks else processes)
    click.echo("milia-kg serve: stopped", err=True)
    sys.stdout.flush()
