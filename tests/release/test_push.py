"""``milia-kg push``: atomic, verified, and silent about credentials, on real stores."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from stores import FaultyServer, OxigraphServer, count_triples, free_port, running, sparql_json

from milia_kg import KnowledgeGraph
from milia_kg.cli import main
from milia_kg.errors import PushError
from milia_kg.release.push import DEFAULT_GRAPH, Credentials, push, push_release

TARGET = "https://example.org/pushed"
OLD = "<https://example.org/old> <https://example.org/p> \"old content\" .\n"


@pytest.fixture()
def fresh_oxigraph(tmp_path: Path):
    """An empty Oxigraph server of its own (the push tests change and kill it)."""
    with running(OxigraphServer(folder=tmp_path, port=free_port())) as server:
        yield server


def _graphs(url: str) -> set[str]:
    data = sparql_json(url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {b["g"]["value"] for b in data["results"]["bindings"]}


def _triples(reasoned_file: Path) -> int:
    return sum(1 for line in reasoned_file.read_text(encoding="utf-8").splitlines() if line.strip())


@pytest.mark.parametrize("store_url", [None, ""], ids=["graph-store-protocol", "sparql-update"])
def test_push_replaces_the_target_and_the_catalogue_runs_on_it(
        fresh_oxigraph: OxigraphServer, reasoned_file: Path, store_url: str | None) -> None:
    push({TARGET: OLD}, fresh_oxigraph.query_url)
    summary = push_release(fresh_oxigraph.query_url, TARGET, store_url=store_url)
    assert summary.graphs == {TARGET: _triples(reasoned_file)}
    assert summary.method == ("SPARQL Update" if store_url == "" else "Graph Store Protocol")
    assert count_triples(fresh_oxigraph.query_url, TARGET) == _triples(reasoned_file)  # old triple gone
    assert _graphs(fresh_oxigraph.query_url) == {TARGET}  # no temporary graph left
    remote = KnowledgeGraph.from_endpoint(fresh_oxigraph.query_url, graph=TARGET)
    for name, params in [("differential", {}), ("sources", {}), ("treatments", {"condition": "milia"})]:
        assert remote.query(name, **params) == KnowledgeGraph.open().query(name, **params)


def test_cli_push_with_asserted(fresh_oxigraph: OxigraphServer, reasoned_file: Path) -> None:
    result = CliRunner().invoke(main, ["push", "--endpoint", fresh_oxigraph.query_url, "--with-asserted"])
    assert result.exit_code == 0, result.output
    asserted = "https://w3id.org/milia-kg/graph/asserted"
    assert _graphs(fresh_oxigraph.query_url) == {DEFAULT_GRAPH, asserted}
    assert count_triples(fresh_oxigraph.query_url, DEFAULT_GRAPH) == _triples(reasoned_file)
    from milia_kg.release.sources import load_asserted

    assert count_triples(fresh_oxigraph.query_url, asserted) == len(load_asserted())
    assert f"pushed {_triples(reasoned_file)} triples into <{DEFAULT_GRAPH}>" in result.output


@pytest.mark.slow
def test_killed_in_the_middle_the_target_keeps_its_old_content(
        fresh_oxigraph: OxigraphServer, reasoned_file: Path) -> None:
    push({TARGET: OLD}, fresh_oxigraph.query_url)

    def kill_after_upload(step: str) -> None:
        if step == "uploaded":
            fresh_oxigraph.kill()

    with pytest.raises(PushError) as info:
        push_release(fresh_oxigraph.query_url, TARGET, timeout=5, on_step=kill_after_upload)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"push to <{TARGET}> failed: SPARQL endpoint {fresh_oxigraph.query_url}: "
                              "unreachable (connection refused); target graphs unchanged; "
                              "could not drop the temporary graph(s) <urn:milia-kg:push:")
    fresh_oxigraph.start()  # the same database folder
    assert count_triples(fresh_oxigraph.query_url, TARGET) == 1
    assert sparql_json(fresh_oxigraph.query_url, f"ASK {{ GRAPH <{TARGET}> {{ ?s ?p \"old content\" }} }}")[
        "boolean"] is True
    left = _graphs(fresh_oxigraph.query_url) - {TARGET}
    assert len(left) == 1 and next(iter(left)) in message  # the error named it, so it can be dropped


def test_a_short_count_never_replaces_the_target(fresh_oxigraph: OxigraphServer,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from milia_kg.release import push as push_module

    push({TARGET: OLD}, fresh_oxigraph.query_url)
    real_upload = push_module._Client.upload

    def lossy_upload(self: push_module._Client, graph: str, lines: list[str]) -> str:
        return real_upload(self, graph, lines[:-1])  # one triple lost on the way

    monkeypatch.setattr(push_module._Client, "upload", lossy_upload)
    with pytest.raises(PushError, match=r"the temporary graph holds 1 triples, 2 were sent; "
                                        r"target graphs unchanged; temporary graph removed$"):
        push({TARGET: OLD + "<https://example.org/new> <https://example.org/p> 1 .\n"},
             fresh_oxigraph.query_url)
    assert _graphs(fresh_oxigraph.query_url) == {TARGET}
    assert count_triples(fresh_oxigraph.query_url, TARGET) == 1


@pytest.mark.parametrize("store_url", [None, ""], ids=["graph-store-protocol", "sparql-update"])
def test_push_to_virtuoso_with_digest_auth(virtuoso_server, reasoned_file: Path,
                                           store_url: str | None) -> None:
    credentials = Credentials(user="dba", password="dba")
    push({TARGET: OLD}, virtuoso_server.query_url, credentials=credentials)
    summary = push_release(virtuoso_server.query_url, TARGET, store_url=store_url,
                           credentials=credentials)
    assert summary.graphs == {TARGET: _triples(reasoned_file)}
    assert count_triples(virtuoso_server.query_url, TARGET) == _triples(reasoned_file)
    remote = KnowledgeGraph.from_endpoint(virtuoso_server.query_url, graph=TARGET)
    for name, params in [("differential", {}), ("sources", {}), ("synonyms", {"term": "milia"})]:
        assert remote.query(name, **params) == KnowledgeGraph.open().query(name, **params)


def test_virtuoso_refuses_a_wrong_password_and_keeps_the_target(virtuoso_server) -> None:
    push({TARGET: OLD}, virtuoso_server.query_url, credentials=Credentials("dba", "dba"))
    with pytest.raises(PushError, match="HTTP 401") as info:
        push({TARGET: "<https://example.org/x> <https://example.org/p> 2 .\n"},
             virtuoso_server.query_url, credentials=Credentials("dba", "Wr0ngSecret!"))
    assert "Wr0ngSecret!" not in str(info.value)
    assert count_triples(virtuoso_server.query_url, TARGET) == 1


@pytest.mark.parametrize("variable, secret", [("MILIA_KG_ENDPOINT_PASSWORD", "s3cret-Pa55word"),
                                              ("MILIA_KG_ENDPOINT_TOKEN", "tok-9f8e7d6c5b4a")])
def test_credentials_never_printed_or_logged(monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture,
                                             variable: str, secret: str) -> None:
    server = FaultyServer("500", challenge=True)  # its error page quotes the credentials it was sent
    monkeypatch.setenv("MILIA_KG_ENDPOINT_USER", "alice")
    monkeypatch.setenv(variable, secret)
    try:
        with caplog.at_level(logging.DEBUG):
            result = CliRunner().invoke(main, ["push", "--endpoint", server.url, "--graph", TARGET])
    finally:
        server.close()
    assert result.exit_code == 2
    sent = [headers["Authorization"] for _, _, headers, _ in server.requests if "Authorization" in headers]
    assert sent, "the credentials were not sent"
    assert result.output.startswith(f"milia-kg: error: push to <{TARGET}> failed: SPARQL endpoint ")
    assert "HTTP 500" in result.output and "***" in result.output
    assert result.output.count("\n") == 1
    for text in (result.output, caplog.text, repr(Credentials.from_env())):
        assert secret not in text
        assert sent[0].split()[-1] not in text  # nor the encoded header


def test_updates_are_not_retried_but_reads_are() -> None:
    server = FaultyServer("503")
    try:
        with pytest.raises(PushError, match="HTTP 503"):
            push({TARGET: OLD}, server.url, store_url="")
    finally:
        server.close()
    methods = [(method, headers.get("Content-Type")) for method, _, headers, _ in server.requests]
    # one INSERT (not retried), then the best-effort DROP of the temporary graph (not retried)
    assert methods == [("POST", "application/sparql-update")] * 2


@pytest.mark.parametrize("command", [["push"], ["query", "subtypes"]])
@pytest.mark.parametrize("url", ["file:///etc/hostname", "ftp://127.0.0.1/x", "http://127.0.0.1/q\r\nX: y"])
def test_push_and_query_share_one_url_policy(command: list[str], url: str) -> None:
    """One HTTP policy for every outbound request: a local file is never read as an endpoint."""
    result = CliRunner().invoke(main, [*command, "--endpoint", url])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("milia-kg: error: SPARQL endpoint"), result.output
    assert "localhost" not in result.output and "Traceback" not in result.output
