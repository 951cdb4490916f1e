"""One execution seam, identical rows: Oxigraph, rdflib and a SPARQL endpoint; the disk cache."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import yaml
from stores import AnsweringHandler

from milia_kg.base import resources
from milia_kg.errors import EndpointError, MiliaKGError
from milia_kg.merge.union import merged_graph
from milia_kg.query.backends import (
    IRI,
    Backend,
    OxigraphBackend,
    RdflibBackend,
    SparqlEndpointBackend,
    literal_value,
)
from milia_kg.query.catalogue import parse_query_file
from milia_kg.query.kg import KnowledgeGraph
from milia_kg.release import cache as release_cache
from milia_kg.release.folders import Sources

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    "lexical, datatype, language, expected",
    [
        ("text", None, None, "text"),
        ("text", None, "en", "text"),
        ("text", XSD + "string", None, "text"),
        ("42", XSD + "integer", None, 42),
        ("-7", XSD + "int", None, -7),
        ("0042", XSD + "nonNegativeInteger", None, 42),
        ("0.40", XSD + "decimal", None, 0.4),
        ("1.5E2", XSD + "double", None, 150.0),
        ("true", XSD + "boolean", None, True),
        ("0", XSD + "boolean", None, False),
        ("2018-10-22", XSD + "date", None, dt.date(2018, 10, 22)),
        ("2018-10-22Z", XSD + "date", None, dt.date(2018, 10, 22)),
        ("2018-10-22T10:00:00", XSD + "dateTime", None, dt.datetime(2018, 10, 22, 10)),
        ("2018", XSD + "gYear", None, "2018"),
        ("forty", XSD + "integer", None, "forty"),
        ("maybe", XSD + "boolean", None, "maybe"),
        ("x", "https://example.org/custom", None, "x"),
    ],
)
def test_literal_value(lexical: str, datatype: str | None, language: str | None, expected: object) -> None:
    value = literal_value(lexical, datatype, language)
    assert value == expected and type(value) is type(expected)


# ----------------------------------------------------------------------------- a local endpoint


class _Endpoint(AnsweringHandler):
    """A minimal SPARQL 1.1 protocol server over a pyoxigraph store (tests only). Like Comunica, it
    answers SELECT in a JSON format of its own when the client accepts ``application/json``."""

    store: ox.Store
    delay = 0.0

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._answer(urllib.parse.urlparse(self.path).query)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self._answer(self.rfile.read(length).decode())

    def _answer(self, form: str) -> None:
        time.sleep(self.delay)
        query = urllib.parse.parse_qs(form).get("query", [""])[0]
        try:
            result = self.store.query(query)
        except SyntaxError as exc:
            self._send(400, "text/plain", str(exc).encode())
            return
        if isinstance(result, ox.QueryTriples):
            self._send(200, "application/n-triples", ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b"")
        elif "application/json" in [t.split(";")[0].strip() for t in self.headers.get("Accept", "").split(",")]:
            # What Comunica answers to a client that accepts plain JSON: its own format, a list.
            rows = json.loads(result.serialize(format=ox.QueryResultsFormat.JSON))["results"]["bindings"]
            self._send(200, "application/json", json.dumps(rows).encode())
        else:
            body = result.serialize(format=ox.QueryResultsFormat.JSON)
            self._send(200, "application/sparql-results+json", body)



class _QuietServer(ThreadingHTTPServer):
    """Tolerates clients that hang up (the timeout tests do, on purpose) without printing to stderr,
    where a late traceback from this thread would land in another test's captured output."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


def _serve(store: ox.Store, delay: float = 0.0) -> tuple[ThreadingHTTPServer, str]:
    handler = type("Handler", (_Endpoint,), {"store": store, "delay": delay})
    server = _QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/sparql"


# ----------------------------------------------------------------------------- engines agree


REPO = Path(__file__).resolve().parents[2]
#: Catalogue queries that answer only over a merge (``merge:`` in expected/catalogue_answers.yaml) -> files.
MERGED = {
    case["query"]: tuple(REPO / name for name in case["merge"])
    for case in yaml.safe_load((REPO / "tests" / "expected" / "catalogue_answers.yaml").read_text(encoding="utf-8"))
    if case.get("merge")
}


def _three_engines(graph: rdflib.Graph | None) -> Iterator[dict[str, KnowledgeGraph]]:
    """Oxigraph, rdflib and an endpoint serving the Oxigraph store, over the packaged graph or ``graph``."""
    def open_(engine: str) -> KnowledgeGraph:
        return KnowledgeGraph.open(engine=engine) if graph is None else KnowledgeGraph.from_graph(graph, engine=engine)

    oxigraph = open_("oxigraph")
    server, url = _serve(oxigraph.backend.store)  # type: ignore[attr-defined]
    yield {"oxigraph": oxigraph, "rdflib": open_("rdflib"), "endpoint": KnowledgeGraph.from_endpoint(url, timeout=10)}
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def engines() -> Iterator[dict[str, KnowledgeGraph]]:
    yield from _three_engines(None)


@pytest.fixture(scope="module")
def merged_engines() -> Iterator[dict[tuple[Path, ...], dict[str, KnowledgeGraph]]]:
    """The three engines over each merge that a catalogue query needs (built once per module)."""
    runs = {files: _three_engines(merged_graph(files)) for files in set(MERGED.values())}
    yield {files: next(run) for files, run in runs.items()}
    for run in runs.values():
        next(run, None)


def _cases() -> list[tuple[str, dict[str, str]]]:
    """Each catalogue query without parameters, with those of its example, and with each of its
    boolean parameters not in the example set to false on top of it (e.g. ``inherit=false``)."""
    cases = []
    for name, path in sorted(resources.query_files().items()):
        cases.append((name, {}))
        try:
            query = parse_query_file(path)
        except MiliaKGError:  # a malformed header fails in test_catalogue_headers
            continue
        example = dict(query.example)
        if example:
            cases.append((name, example))
        for param in query.params:
            if param.type == "boolean" and param.name not in example:
                cases.append((name, {**example, param.name: "false"}))
    return cases


def _key(row: dict) -> str:
    return repr(sorted(row.items()))


@pytest.mark.parametrize("name, params", _cases(), ids=[f"{n}-{'-'.join(f'{k}={v}' for k, v in p.items()) or 'all'}" for n, p in _cases()])
def test_every_engine_returns_the_same_rows(engines: dict[str, KnowledgeGraph], merged_engines, name: str,
                                            params: dict[str, str]) -> None:
    query = parse_query_file(resources.query_files()[name])
    if any(p.required for p in query.params if p.name not in params):
        pytest.skip("needs its required parameters")
    kgs = merged_engines[MERGED[name]] if name in MERGED else engines
    answers = {engine: kg.query(query, **params) for engine, kg in kgs.items()}
    reference = answers.pop("oxigraph")
    assert reference, f"{name} {params}: no rows"
    for engine, rows in answers.items():
        assert sorted(map(_key, rows)) == sorted(map(_key, reference)), f"{engine} differs"
        if "ORDER BY" in query.text.upper():
            assert [r[c] for r in rows for c in query.columns] == [
                r[c] for r in reference for c in query.columns
            ], f"{engine} orders differently"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib", "endpoint"])
def test_ask_and_construct(engines: dict[str, KnowledgeGraph], engine: str) -> None:
    kg = engines[engine]
    assert kg.sparql("ASK { ?s a <http://www.w3.org/2002/07/owl#Class> }") is True
    graph = kg.sparql(
        "CONSTRUCT { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } "
        "WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l . "
        "FILTER(?s = <https://w3id.org/milia-kg/Milia>) }"
    )
    assert isinstance(graph, rdflib.Graph)
    assert {str(o) for o in graph.objects()} == {"milia"}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib", "endpoint"])
def test_invalid_sparql_is_a_clean_error(engines: dict[str, KnowledgeGraph], engine: str) -> None:
    with pytest.raises(MiliaKGError) as info:
        engines[engine].sparql("SELECT ?s WHERE { ?s ?p }")
    assert "\n" not in str(info.value)


BACKEND_GRAPH = """
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a rdfs:label "a (en)"@en, "a (fr)"@fr, "a (plain)" ; ex:n 3 ; ex:d "1.50"^^xsd:decimal ;
     ex:when "2018-10-22"^^xsd:date ; ex:flag true .
ex:b rdfs:label "b (en-GB)"@en-GB, "b (de)"@de .
ex:c rdfs:label "c (plain)" .
ex:d rdfs:label "d (fr)"@fr .
"""


@pytest.fixture(scope="module")
def small_backends() -> Iterator[list[Backend]]:
    graph = rdflib.Graph().parse(data=BACKEND_GRAPH, format="turtle")
    oxigraph = OxigraphBackend.from_graph(graph)
    server, url = _serve(oxigraph.store)
    yield [oxigraph, RdflibBackend(graph), SparqlEndpointBackend(url, timeout=10)]
    server.shutdown()
    server.server_close()


def test_backends_convert_values_alike(small_backends: list[Backend]) -> None:
    query = (
        "SELECT ?s ?n ?d ?when ?flag ?missing WHERE { ?s <https://example.org/n> ?n ; "
        "<https://example.org/d> ?d ; <https://example.org/when> ?when ; "
        "<https://example.org/flag> ?flag . OPTIONAL { ?s <https://example.org/none> ?missing } }"
    )
    expected = (["s", "n", "d", "when", "flag", "missing"],
                [("https://example.org/a", 3, 1.5, dt.date(2018, 10, 22), True, None)])
    for backend in small_backends:
        assert isinstance(backend, Backend)
        names, rows = backend.select(query)
        assert (names, rows) == expected, backend.name
        assert isinstance(rows[0][0], IRI)


def test_labels_prefer_english(small_backends: list[Backend]) -> None:
    iris = [f"https://example.org/{x}" for x in "abcdz"]
    expected = {iris[0]: "a (en)", iris[1]: "b (en-GB)", iris[2]: "c (plain)"}
    for backend in small_backends:
        assert backend.labels(iris) == expected, backend.name
        assert backend.labels([]) == {}


def test_rdflib_parses_a_query_text_once_and_reads_the_graph_each_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The kept parse is of the text, not an answer: a graph that changed is read again, and a
    text with another bound value is parsed on its own."""
    import rdflib.plugins.sparql as rdflib_sparql

    parsed: list[str] = []
    prepare = rdflib_sparql.prepareQuery

    def counting(text: str, *args: object, **kwargs: object) -> object:
        parsed.append(text)
        return prepare(text, *args, **kwargs)

    monkeypatch.setattr(rdflib_sparql, "prepareQuery", counting)
    graph = rdflib.Graph().parse(data=BACKEND_GRAPH, format="turtle")
    backend = RdflibBackend(graph)
    # A text no other test runs, so that nothing kept by an earlier test is found.
    query = (f"# {os.getpid()} {time.monotonic_ns()}\n"
             "SELECT ?n WHERE { ?s <https://example.org/n> ?n }")
    a, b = rdflib.URIRef("https://example.org/a"), rdflib.URIRef("https://example.org/b")
    assert backend.select(query, {"s": a}) == (["n"], [(3,)])
    graph.add((b, rdflib.URIRef("https://example.org/n"), rdflib.Literal(4)))
    assert backend.select(query, {"s": a}) == (["n"], [(3,)])
    assert backend.select(query, {"s": b}) == (["n"], [(4,)])
    graph.add((a, rdflib.URIRef("https://example.org/n"), rdflib.Literal(5)))
    assert sorted(backend.select(query, {"s": a})[1]) == [(3,), (5,)]
    assert len(parsed) == 2 and len(set(parsed)) == 2


def test_unreachable_endpoint_is_one_clean_error() -> None:
    backend = SparqlEndpointBackend("http://127.0.0.1:9/sparql", timeout=2)
    with pytest.raises(EndpointError) as info:
        backend.select("SELECT ?s WHERE { ?s ?p ?o }")
    message = str(info.value)
    assert message.startswith("SPARQL endpoint http://127.0.0.1:9/sparql: unreachable")
    assert "\n" not in message
    assert isinstance(info.value, MiliaKGError)


def test_slow_endpoint_times_out() -> None:
    server, url = _serve(ox.Store(), delay=3)
    try:
        with pytest.raises(EndpointError, match=r"no answer within 1 s|timed out"):
            SparqlEndpointBackend(url, timeout=1).ask("ASK { ?s ?p ?o }")
    finally:
        server.shutdown()
        server.server_close()


def test_endpoint_error_status_is_clean() -> None:
    server, url = _serve(ox.Store())
    try:
        with pytest.raises(EndpointError) as info:
            SparqlEndpointBackend(url).select("SELECT nonsense")
        assert "\n" not in str(info.value)
    finally:
        server.shutdown()
        server.server_close()


# ----------------------------------------------------------------------------- the cache

TBOX = """@prefix mkg: <https://w3id.org/milia-kg/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
mkg:Milia a owl:Class ; rdfs:label "milia"@en .
mkg:PrimaryMilia a owl:Class ; rdfs:subClassOf mkg:Milia ; rdfs:label "primary milia"@en .
"""


@pytest.fixture()
def sources(tmp_path: Path) -> tuple[Path, Path]:
    ontology, data = tmp_path / "ontology", tmp_path / "data"
    ontology.mkdir()
    data.mkdir()
    (ontology / "milia-kg.ttl").write_text(TBOX, encoding="utf-8")
    (data / "facts.ttl").write_text(
        "@prefix mkg: <https://w3id.org/milia-kg/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "mkg:MiliaEnPlaque rdfs:subClassOf mkg:PrimaryMilia .\n",
        encoding="utf-8",
    )
    return ontology, data


def _subclasses(path: Path) -> set[str]:
    graph = rdflib.Graph().parse(path, format="nt")
    milia = rdflib.URIRef("https://w3id.org/milia-kg/Milia")
    return {str(s).rsplit("/", 1)[1] for s in graph.subjects(rdflib.RDFS.subClassOf, milia)} - {"Milia"}


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MILIA_KG_CACHE_DIR", str(tmp_path / "c"))
    assert release_cache.cache_dir() == tmp_path / "c"
    monkeypatch.delenv("MILIA_KG_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert release_cache.cache_dir() == tmp_path / "xdg" / "milia-kg"


def test_key_depends_on_sources_and_reasoner(sources: tuple[Path, Path]) -> None:
    ontology, data = sources
    key = release_cache.source_key("fast", Sources(ontology, data))
    assert key == release_cache.source_key("fast", Sources(ontology, data))
    assert key != release_cache.source_key("owlrl", Sources(ontology, data))
    (data / "facts.ttl").write_text((data / "facts.ttl").read_text() + "\n# a comment\n")
    assert key != release_cache.source_key("fast", Sources(ontology, data))


def test_stale_cache_is_never_used(sources: tuple[Path, Path], tmp_path: Path) -> None:
    ontology, data = sources
    folder = tmp_path / "cache"
    first = release_cache.reasoned_graph_file("fast", Sources(ontology, data), folder)
    assert first.parent == folder and first.is_file()
    assert _subclasses(first) == {"PrimaryMilia", "MiliaEnPlaque"}  # MiliaEnPlaque inferred
    assert release_cache.reasoned_graph_file("fast", Sources(ontology, data), folder) == first  # reused

    # Change a source: a new key, a rebuilt graph, the stale file gone.
    (data / "facts.ttl").write_text(
        "@prefix mkg: <https://w3id.org/milia-kg/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "mkg:JuvenileMilia rdfs:subClassOf mkg:PrimaryMilia .\n",
        encoding="utf-8",
    )
    second = release_cache.reasoned_graph_file("fast", Sources(ontology, data), folder)
    assert second != first
    assert _subclasses(second) == {"PrimaryMilia", "JuvenileMilia"}
    # The old file was used a moment ago (another installed version may still use it): kept for now.
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in (first, release_cache.sidecar(first), second, release_cache.sidecar(second)))  # no temporary files

    # Once unused for longer than the grace period, the next rebuild removes it (and only it).
    week_ago = time.time() - release_cache.UNUSED_GRACE_S - 60
    for path in (first, release_cache.sidecar(first)):
        os.utime(path, (week_ago, week_ago))
    assert release_cache.reasoned_graph_file("fast", Sources(ontology, data), folder) == second  # a hit touches it
    (data / "facts.ttl").write_text((data / "facts.ttl").read_text() + "\n# another change\n", encoding="utf-8")
    third = release_cache.reasoned_graph_file("fast", Sources(ontology, data), folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in (second, release_cache.sidecar(second), third, release_cache.sidecar(third)))


def test_cached_file_with_the_right_key_is_trusted_not_rebuilt(
    sources: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ontology, data = sources
    folder = tmp_path / "cache"
    path = release_cache.reasoned_graph_file("fast", Sources(ontology, data), folder)

    def no_reasoning(*args: object) -> bytes:
        raise AssertionError("reasoned again although the cache is fresh")

    monkeypatch.setattr(release_cache, "_reason", no_reasoning)
    assert release_cache.reasoned_graph_file("fast", Sources(ontology, data), folder) == path


def test_unwritable_cache_falls_back_to_a_private_folder(
    sources: tuple[Path, Path], tmp_path: Path
) -> None:
    ontology, data = sources
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    path = release_cache.reasoned_graph_file("fast", Sources(ontology, data), blocker / "cache")
    assert path.is_file() and blocker not in path.parents
    shutil.rmtree(path.parent)


def test_packaged_graph_opens_from_the_cache() -> None:
    kg = KnowledgeGraph.open()
    assert kg is KnowledgeGraph.open()
    assert kg.engine == "oxigraph"
    assert len(kg.graph) == kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]


def test_graph_property(tmp_path: Path) -> None:
    path = tmp_path / "g.ttl"
    path.write_text(BACKEND_GRAPH, encoding="utf-8")
    for engine in ("oxigraph", "rdflib"):
        kg = KnowledgeGraph.from_file(path, engine=engine)
        assert isinstance(kg.graph, rdflib.Graph) and len(kg.graph) == 11
        assert kg.graph is kg.graph  # built once
    with pytest.raises(MiliaKGError, match="no local rdflib graph"):
        _ = KnowledgeGraph.from_endpoint("http://127.0.0.1:9/sparql").graph


def test_unknown_engine_and_bad_file(tmp_path: Path) -> None:
    with pytest.raises(MiliaKGError, match="unknown engine 'jena'"):
        KnowledgeGraph.from_graph(rdflib.Graph(), engine="jena")
    bad = tmp_path / "bad.nt"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(MiliaKGError, match=r"bad\.nt: cannot load"):
        KnowledgeGraph.from_file(bad)


@pytest.mark.parametrize("module", ["cli/commands.py", "base/files.py", "formats/sssom.py", "reasoner/_engine.py", "release/cache.py",
                                    "query/catalogue.py", "query/backends/base.py", "merge/union.py", "decision/api.py",
                                    "serve/app.py"])
def test_key_depends_on_every_module_of_the_package(
    module: str, sources: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole package's code is hashed, from its root: an edit in any subpackage is a new key
    (the cache module lies in ``release/``; hashing only its own folder would miss the reasoner)."""
    code = tmp_path / "milia_kg"
    shutil.copytree(resources.PACKAGE_ROOT, code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(resources, "PACKAGE_ROOT", code)
    key = release_cache.source_key("fast", Sources(*sources))
    (code / module).write_text((code / module).read_text() + "\n# an edit\n")
    assert key != release_cache.source_key("fast", Sources(*sources))


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_predeclared_prefixes_are_the_same_on_every_engine(engine: str) -> None:
    """The project's query prefixes need no PREFIX on either engine (rdflib alone allowed ``rdfs:``
    before); a query's own PREFIX wins; an unknown prefix is still an invalid query."""
    from milia_kg.errors import InvalidQueryError
    from milia_kg.query.kg import KnowledgeGraph

    kg = KnowledgeGraph.open(engine=engine)
    face = 'SELECT ?s WHERE { ?s rdfs:label "face"@en }'
    assert kg.sparql(face, labels=False) == [{"s": "http://purl.obolibrary.org/obo/UBERON_0001456"}]
    assert kg.sparql("PREFIX rdfs: <http://example.org/> " + face, labels=False) == []
    assert kg.sparql('ASK { mkg:PrimaryMilia rdfs:subClassOf mkg:Milia }') is True
    with pytest.raises(InvalidQueryError):
        kg.sparql('SELECT ?s WHERE { ?s foo:label "face"@en }')


def test_a_trusted_load_holds_the_same_triples() -> None:
    """The cached closure, checked against its checksum record, is loaded without Oxigraph checking each
    IRI again (issue 22): the same triples as the checked load."""
    path = str(release_cache.reasoned_graph_file("fast"))
    checked, trusted = OxigraphBackend.from_file(path), OxigraphBackend.from_file(path, trusted=True)
    assert len(trusted.store) == len(checked.store) > 4000
    canonical = []
    for backend in (checked, trusted):  # blank nodes are named afresh by each load: compare canonical forms
        dataset = ox.Dataset(backend.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)  # W3C RDF Dataset Canonicalization
        canonical.append(set(dataset))
    assert canonical[0] == canonical[1]
