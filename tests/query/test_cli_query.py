"""``milia-kg queries | query | sparql``, in-process: same rows as the API, one-line errors, exit 2."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
import rdflib
from click.testing import CliRunner, Result

from milia_kg import cli
from milia_kg.base import resources
from milia_kg.cli import commands
from milia_kg.errors import MiliaKGError
from milia_kg.query.catalogue import load_catalogue, parse_query_file
from milia_kg.query.kg import KnowledgeGraph

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def main() -> click.Group:
    return cli.main


def run(main: click.Group, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin)


def assert_clean_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("milia-kg: error: "), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_cli_is_wired(tmp_path: Path) -> None:
    """A fresh process sees the query commands on the real ``milia-kg`` group."""
    code = "from milia_kg.cli import main; print(' '.join(sorted(main.commands)))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=tmp_path, env=env)
    assert {"queries", "query", "sparql"} <= set(out.stdout.split())


# ----------------------------------------------------------------------------- queries


def test_queries_table_lists_every_query(main: click.Group) -> None:
    result = CliRunner().invoke(main, ["queries"], env={"COLUMNS": "400"})  # one line a query
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["query", "question", "parameters"]
    assert {line.split()[0] for line in lines[2:]} == set(load_catalogue())


def test_queries_json(main: click.Group) -> None:
    result = run(main, "queries", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [q["name"] for q in data] == sorted(load_catalogue())
    assert {"name", "summary", "description", "params", "columns", "example"} <= set(data[0])


# ----------------------------------------------------------------------------- query


def _examples() -> list[tuple[str, dict[str, str]]]:
    """Each catalogue query with its example parameters (malformed headers fail elsewhere)."""
    examples = []
    for name, path in sorted(resources.query_files().items()):
        try:
            examples.append((name, dict(parse_query_file(path).example)))
        except MiliaKGError:
            continue
    return examples


@pytest.mark.parametrize("name, params", _examples(), ids=[n for n, _ in _examples()])
def test_json_output_equals_api_rows(main: click.Group, name: str, params: dict[str, str]) -> None:
    args = [arg for k, v in params.items() for arg in ("--param", f"{k}={v}")]
    result = run(main, "query", name, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    api = KnowledgeGraph.open().query(name, **params)
    assert json.loads(result.stdout) == json.loads(json.dumps(api, default=str))


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_engine_option(main: click.Group, engine: str) -> None:
    result = run(main, "query", "conditions_at_site", "-p", "site=face", "-f", "json", "--engine", engine)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == KnowledgeGraph.open().query("conditions_at_site", site="face")


def test_every_entity_column_has_a_label(main: click.Group) -> None:
    rows = json.loads(run(main, "query", "conditions_at_site", "-p", "site=face", "-f", "json").stdout)
    assert rows
    for row in rows:
        for key, value in row.items():
            if isinstance(value, str) and value.startswith("https://w3id.org/milia-kg/"):
                assert row.get(f"{key}_label"), (key, row)


@pytest.mark.parametrize("fmt, delimiter", [("csv", ","), ("tsv", "\t")])
def test_delimited_output(main: click.Group, fmt: str, delimiter: str) -> None:
    result = run(main, "query", "conditions_at_site", "--param", "site=face", "--format", fmt)
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout), delimiter=delimiter))
    api = KnowledgeGraph.open().run("conditions_at_site", site="face")
    assert table[0] == api.columns
    assert len(table) == len(api.rows) + 1
    assert table[1] == ["" if v is None else str(v) for v in api.rows[0].values()]


def test_table_output_is_aligned(main: click.Group) -> None:
    result = run(main, "query", "conditions_at_site", "--param", "site=face")
    assert result.exit_code == 0, result.output
    header, rule, *body = result.stdout.splitlines()
    assert set(rule.replace(" ", "")) == {"-"}
    starts = [i for i, ch in enumerate(rule) if ch == "-" and (i == 0 or rule[i - 1] == " ")]
    assert [header.index(col) for col in header.split()] == starts
    assert body and all(len(line) <= len(rule) for line in body)
    assert "mkg:" in result.stdout  # IRIs shortened for people


ERRORS = {
    "unknown-query": (["query", "subtype"], ["unknown query 'subtype'", "did you mean: subtypes"]),
    "unknown-param": (["query", "subtypes", "--param", "site=face"], ["parameter 'site'", "no such parameter"]),
    "missing-required": (["query", "conditions_at_site"], ["parameter 'site'", "missing"]),
    "no-match": (["query", "conditions_at_site", "-p", "site=fcae"], ["'fcae'", "expected one of: face"]),
    "bad-boolean": (["query", "treatments", "-p", "prescription=maybe"], ["not a boolean"]),
    "not-key-value": (["query", "subtypes", "--param", "site"], ["--param 'site' is not KEY=VALUE"]),
    "param-twice": (["query", "conditions_at_site", "-p", "site=face", "-p", "site=nose"], ["given twice"]),
    "unreachable-endpoint": (
        ["query", "subtypes", "--endpoint", "http://127.0.0.1:9/sparql"],
        ["SPARQL endpoint http://127.0.0.1:9/sparql: unreachable"],
    ),
}


@pytest.mark.parametrize("args, fragments", ERRORS.values(), ids=ERRORS.keys())
def test_errors_are_one_line_exit_2(main: click.Group, args: list[str], fragments: list[str]) -> None:
    assert_clean_error(run(main, *args), *fragments)


def test_ambiguous_value(main: click.Group, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    graph = rdflib.Graph().parse(format="turtle", data="""
        @prefix mkg: <https://w3id.org/milia-kg/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        mkg:A mkg:p mkg:X . mkg:B mkg:p mkg:X .
        mkg:A skos:altLabel "bump" . mkg:B skos:altLabel "bump" .""")
    (tmp_path / "q.rq").write_text(
        "#+ summary: s\n#+ params: [{name: x, type: label-or-IRI}]\n"
        "SELECT ?x WHERE { ?x <https://w3id.org/milia-kg/p> ?o }",
        encoding="utf-8",
    )
    kg = KnowledgeGraph.from_graph(graph, queries_dir=tmp_path)
    monkeypatch.setattr(commands, "_open", lambda *args: kg)  # the click path (CliRunner)
    assert_clean_error(run(main, "query", "q", "-p", "x=Bump"), "ambiguous", "mkg:A", "mkg:B")


# ----------------------------------------------------------------------------- sparql

SELECT = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?label WHERE { ?s rdfs:label ?label . FILTER(STR(?label) = "milia") }"""


def test_sparql_from_file(main: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text(SELECT, encoding="utf-8")
    result = run(main, "sparql", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"s": "https://w3id.org/milia-kg/Milia", "s_label": "milia", "label": "milia"}
    ]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_sparql_from_stdin(main: click.Group, engine: str) -> None:
    result = run(main, "sparql", "-", "--format", "csv", "--engine", engine, stdin=SELECT)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["s,s_label,label", "https://w3id.org/milia-kg/Milia,milia,milia"]


def test_sparql_ask(main: click.Group) -> None:
    result = run(main, "sparql", "-", stdin="ASK { ?s ?p ?o }")
    assert (result.exit_code, result.stdout) == (0, "true\n")


def test_sparql_construct_gives_turtle(main: click.Group) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o . FILTER(?s = <https://w3id.org/milia-kg/Milia>) }"
    result = run(main, "sparql", "-", stdin=query)
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(data=result.stdout, format="turtle")
    assert len(graph) > 0
    assert set(graph.subjects()) == {rdflib.URIRef("https://w3id.org/milia-kg/Milia")}


@pytest.mark.parametrize(
    "text, fragment",
    [("SELECT ?s WHERE { ?s ?p }", "invalid SPARQL"), ("hello", "invalid SPARQL")],
)
def test_sparql_bad_query(main: click.Group, text: str, fragment: str) -> None:
    assert_clean_error(run(main, "sparql", "-", stdin=text), fragment)


def test_sparql_missing_file(main: click.Group, tmp_path: Path) -> None:
    result = run(main, "sparql", str(tmp_path / "nope.rq"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
