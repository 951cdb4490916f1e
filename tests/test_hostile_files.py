"""Hostile files, cache damage, misbehaving endpoints and build folders (issue 9, files half).

Each case must end in one line on stderr (``milia-kg: error: ...``, exit 2) or a typed
exception, within a bounded time, without a traceback, without a network connection
(a loopback listener records any) and without files left behind.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import subprocess
import textwrap
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from conftest import PYTHON, subprocess_env
from listener import Listener

from milia_kg import __version__
from milia_kg.base import files as user_files
from milia_kg.cli import main
from milia_kg.errors import EndpointError, InputFileError, MiliaKGError, RDFSyntaxError
from milia_kg.formats.sssom import MappingError, read_sssom
from milia_kg.merge import union
from milia_kg.query.backends import SparqlEndpointBackend
from milia_kg.release import cache as release_cache
from milia_kg.release.build import RELEASE_MARKER, build

#: Seconds any single hostile case may take (the bugs made them hang past a minute).
BOUND = 30


def _one_line_error(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("milia-kg: error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def _cli(*args: str | bytes, cwd: Path, timeout: float = BOUND, **env: str) -> subprocess.CompletedProcess:
    """Run ``python -m milia_kg ARGS`` in a child process (bytes arguments pass as raw argv)."""
    return subprocess.run(
        [PYTHON, "-m", "milia_kg", *args], cwd=cwd, env=subprocess_env(**env),
        capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture()
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()
    assert found.connections == 0, "a network connection was made"


# ============================================================================ 1. the cache

def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


DAMAGE = {
    "truncated": _truncate,
    "zero-bytes": lambda p: p.write_bytes(b""),
    "poisoned": lambda p: p.write_bytes(
        p.read_bytes() + b"<https://w3id.org/milia-kg/Evil> <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
        b"<https://w3id.org/milia-kg/Milia> .\n"
    ),
    "garbage": lambda p: p.write_bytes(os.urandom(4096)),
    "sidecar-missing": lambda p: release_cache.sidecar(p).unlink(),
    "sidecar-garbage": lambda p: release_cache.sidecar(p).write_bytes(b"\xff\x00 not a checksum"),
}


@pytest.fixture(scope="module")
def cached(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A cache folder with the reasoned graph written once."""
    folder = tmp_path_factory.mktemp("cache")
    path = release_cache.reasoned_graph_file("fast", directory=folder)
    return folder, path.read_bytes()


def test_cache_writes_a_checksum_sidecar(cached: tuple[Path, bytes]) -> None:
    folder, data = cached
    path = release_cache.reasoned_graph_file("fast", directory=folder)
    record = json.loads(release_cache.sidecar(path).read_text(encoding="utf-8"))
    triples = len(rdflib.Graph().parse(data=data, format="nt"))
    assert record == {"sha256": hashlib.sha256(data).hexdigest(), "triples": triples, "bytes": len(data)}
    assert sorted(p.name for p in folder.iterdir()) == sorted([path.name, release_cache.sidecar(path).name])


def _ground(data: bytes) -> tuple[int, list[bytes]]:
    """The number of triples and the sorted triples without blank nodes."""
    lines = [line for line in data.splitlines() if line.strip()]
    return len(lines), sorted(line for line in lines if b"_:" not in line)


def _copy(source: Path, folder: Path) -> Path:
    """A copy of the cache folder ``source`` at ``folder``."""
    folder.mkdir()
    for item in source.iterdir():
        (folder / item.name).write_bytes(item.read_bytes())
    return folder


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_cache_is_rebuilt(damage: str, cached: tuple[Path, bytes], tmp_path: Path,
                                  caplog: pytest.LogCaptureFixture) -> None:
    source, data = cached
    folder = _copy(source, tmp_path / "cache")
    path = release_cache.reasoned_graph_file("fast", directory=folder)
    DAMAGE[damage](path)
    with caplog.at_level(logging.WARNING, logger="milia_kg"):
        again = release_cache.reasoned_graph_file("fast", directory=folder)
    assert again == path
    assert _ground(again.read_bytes()) == _ground(data)  # blank-node labels differ between runs
    assert [r.getMessage() for r in caplog.records] == [f"milia-kg: warning: cache {path} was damaged; rebuilt"]


def _subtypes(stdout: str) -> list[str]:
    return sorted({row["subtype"] for row in json.loads(stdout)})  # a row per defining sentence


@pytest.mark.parametrize("damage", ["truncated"])  # the other damage kinds: in-process above
def test_cli_rebuilds_a_damaged_cache(damage: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _cli("query", "subtypes", "-f", "json", cwd=tmp_path, MILIA_KG_CACHE_DIR=str(cache))
    assert first.returncode == 0 and first.stderr == ""
    assert len(_subtypes(first.stdout)) == 6
    (path,) = cache.glob("reasoned-fast-*.nt")
    DAMAGE[damage](path)
    second = _cli("query", "subtypes", "-f", "json", cwd=tmp_path, MILIA_KG_CACHE_DIR=str(cache))
    assert second.returncode == 0
    assert _subtypes(second.stdout) == _subtypes(first.stdout)
    assert second.stderr.splitlines() == [f"milia-kg: warning: cache {path} was damaged; rebuilt"]


def test_unwritable_cache_leaves_no_temporary_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder's parent should be", encoding="utf-8")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    for _ in range(2):
        result = _cli("query", "subtypes", "-f", "json", cwd=tmp_path,
                      MILIA_KG_CACHE_DIR=str(blocker / "cache"), TMPDIR=str(tmp))
        assert result.returncode == 0, result.stderr
        assert len(_subtypes(result.stdout)) == 6
        assert list(tmp.iterdir()) == []


# ============================================================================ 2. endpoints

class _Canned(BaseHTTPRequestHandler):
    """Answers every POST with ``body`` (bytes, or a callable yielding chunks, sent chunked)."""

    body: object = b""
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        if callable(self.body):
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for chunk in self.body():
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                return
            return
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


def _serve(body: object) -> Iterator[str]:
    server = _QuietServer(("127.0.0.1", 0), type("H", (_Canned,), {"body": staticmethod(body) if callable(body) else body}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()


def _endless() -> Iterator[bytes]:
    yield b'{"head": {"vars": ["s"]}, "results": {"bindings": ['
    cell = b'{"s": {"type": "literal", "value": "' + b"x" * 4000 + b'"}},'
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        yield cell


SELECT = "SELECT ?s WHERE { ?s ?p ?o }"
ASK = "ASK { ?s ?p ?o }"

#: id -> (body served, query, words the one-line EndpointError must contain)
BAD_BODIES = {
    "not-json": (b"<html>oops</html>", SELECT, "not JSON"),
    "not-utf8": (b'{"head": {"vars": ["\xff"]}}', SELECT, "not JSON"),
    "json-array": (b"[1, 2, 3]", SELECT, "not a JSON object"),
    "json-string": (b'"results"', SELECT, "not a JSON object"),
    "no-head": (b'{"results": {"bindings": []}}', SELECT, "head"),
    "head-not-object": (b'{"head": [], "results": {"bindings": []}}', SELECT, "head"),
    "no-vars": (b'{"head": {}, "results": {"bindings": []}}', SELECT, "vars"),
    "vars-not-strings": (b'{"head": {"vars": [1]}, "results": {"bindings": []}}', SELECT, "vars"),
    "no-results": (b'{"head": {"vars": ["s"]}}', SELECT, "results"),
    "bindings-not-list": (b'{"head": {"vars": ["s"]}, "results": {"bindings": {"s": 1}}}', SELECT, "bindings"),
    "binding-not-object": (b'{"head": {"vars": ["s"]}, "results": {"bindings": [7]}}', SELECT, "binding"),
    "cell-no-type": (b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"value": "x"}}]}}', SELECT, "type"),
    "cell-no-value": (b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri"}}]}}', SELECT, "value"),
    "cell-value-number": (b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", "value": 3}}]}}',
                          SELECT, "value"),
    "cell-unknown-type": (b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "quark", "value": "x"}}]}}',
                          SELECT, "quark"),
    "cell-not-object": (b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": "x"}]}}', SELECT, "binding"),
    "datatype-not-string": (b'{"head": {"vars": ["s"]}, "results": {"bindings": '
                            b'[{"s": {"type": "literal", "value": "1", "datatype": 5}}]}}', SELECT, "datatype"),
    "boolean-string-false": (b'{"head": {}, "boolean": "false"}', ASK, "boolean"),
    "boolean-number": (b'{"head": {}, "boolean": 0}', ASK, "boolean"),
    "boolean-missing": (b'{"head": {}}', ASK, "boolean"),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_malformed_endpoint_body_is_a_typed_error(case: str) -> None:
    body, query, words = BAD_BODIES[case]
    for url in _serve(body):
        backend = SparqlEndpointBackend(url, timeout=5)
        run = backend.ask if query == ASK else backend.select
        with pytest.raises(EndpointError) as caught:
            run(query)
        assert len(str(caught.value).splitlines()) == 1
        assert words in str(caught.value)
        assert str(caught.value).startswith(f"SPARQL endpoint {url}: ")


@pytest.mark.parametrize("boolean", [True, False])
def test_endpoint_boolean_is_read_as_sent(boolean: bool) -> None:
    for url in _serve(json.dumps({"head": {}, "boolean": boolean}).encode()):
        assert SparqlEndpointBackend(url, timeout=5).ask(ASK) is boolean


def test_endless_endpoint_response_is_capped() -> None:
    for url in _serve(_endless):
        backend = SparqlEndpointBackend(url, timeout=5, max_bytes=2 * 2**20)
        started = time.monotonic()
        with pytest.raises(EndpointError, match=r"response larger than 2097152 bytes"):
            backend.select(SELECT)
        assert time.monotonic() - started < 10


def test_default_response_cap() -> None:
    assert SparqlEndpointBackend("http://127.0.0.1:9/sparql").max_bytes == 64 * 2**20


BAD_URLS = {
    "space": "{}/spar ql",
    "crlf": "{}/sparql\r\nX-Injected: 1",
    "lf": "{}/sparql\nHost: evil",
    "tab": "{}/sp\tarql",
    "file-scheme": "file:///etc/passwd",
    "ftp-scheme": "ftp://127.0.0.1/sparql",
    "no-scheme": "127.0.0.1/sparql",
    "no-host": "http:///sparql",
    "empty": "",
}


@pytest.mark.parametrize("case", sorted(BAD_URLS))
def test_bad_endpoint_url_refused_before_any_request(case: str, listener: Listener, tmp_path: Path) -> None:
    url = BAD_URLS[case].format(listener.url)
    with pytest.raises(EndpointError) as caught:
        SparqlEndpointBackend(url)
    assert len(str(caught.value).splitlines()) == 1
    if case in ("space", "crlf", "file-scheme"):
        result = _cli("query", "subtypes", "--endpoint", url, cwd=tmp_path)
        assert result.returncode == 2
        assert "endpoint" in _one_line_error(result.stderr)


# ============================================================================ 3. files

def test_non_utf8_sssom_names_file_and_offset(tmp_path: Path, real_sources_copy: tuple[Path, Path]) -> None:
    _, data = real_sources_copy
    sssom = data / "mappings.sssom.tsv"
    text = sssom.read_bytes()
    offset = text.index(b"\n", len(text) // 2) + 1
    sssom.write_bytes(text[:offset] + b"caf\xe9" + text[offset:])
    with pytest.raises(MappingError, match=rf"mappings.sssom.tsv: not UTF-8 \(byte {offset + 3}\)"):
        read_sssom(sssom)
    ontology, _ = real_sources_copy
    for command in (["validate"], ["build", "--out", str(tmp_path / "out")]):
        result = _cli(*command, "--ontology-dir", str(ontology), "--data-dir", str(data), cwd=tmp_path)
        assert result.returncode == 2
        assert f"not UTF-8 (byte {offset + 3})" in _one_line_error(result.stderr)
    assert not (tmp_path / "out").exists()


def _special(tmp_path: Path, kind: str, name: str) -> Path:
    """A path of ``kind``: a device, a symlink to one, a FIFO, a folder symlink, an oversized file."""
    path = tmp_path / name
    if kind == "dev-zero":
        return Path("/dev/zero")
    if kind == "symlink-dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "symlink-chain":
        (tmp_path / f"hop-{name}").symlink_to("/dev/zero")
        path.symlink_to(tmp_path / f"hop-{name}")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "oversized":
        with path.open("wb") as out:
            out.truncate(user_files.MAX_QUERY_FILE_BYTES + 1 if name.endswith(".rq") else user_files.MAX_RDF_FILE_BYTES + 1)
    return path


SPECIAL = ["dev-zero", "symlink-dev-zero", "symlink-chain", "fifo", "oversized"]


@pytest.mark.parametrize("kind", SPECIAL)
def test_sparql_file_not_regular_or_too_big(kind: str, tmp_path: Path) -> None:
    path = _special(tmp_path, kind, "q.rq")
    result = _cli("sparql", str(path), cwd=tmp_path, timeout=BOUND)
    assert result.returncode == 2
    line = _one_line_error(result.stderr)
    assert ("too large" if kind == "oversized" else "not a regular file") in line


@pytest.mark.parametrize("suffix", [".ttl", ".owl", ".nt", ".jsonld"])
@pytest.mark.parametrize("kind", SPECIAL[1:])
def test_merge_file_not_regular_or_too_big(kind: str, suffix: str, tmp_path: Path) -> None:
    path = _special(tmp_path, kind, f"x{suffix}")
    with pytest.raises(InputFileError) as caught:
        union.parse_external(path, rdflib.Graph())
    assert ("too large" if kind == "oversized" else "not a regular file") in str(caught.value)
    if kind in ("symlink-dev-zero", "fifo") and suffix == ".ttl":
        result = _cli("query", "subtypes", "--merge", str(path), cwd=tmp_path, timeout=BOUND)
        assert result.returncode == 2
        _one_line_error(result.stderr)


def test_param_with_invalid_utf8_is_one_line(tmp_path: Path) -> None:
    result = _cli("query", "mappings", "--param", b"prefix=\xff\xfe", cwd=tmp_path)
    assert result.returncode == 2
    assert "not valid UTF-8" in _one_line_error(result.stderr)


BILLION_LAUGHS = textwrap.dedent("""\
    <?xml version="1.0"?>
    <!DOCTYPE rdf:RDF [
     <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
     <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
     <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
     <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
     <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
     <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
    ]>
    <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
             xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
      <rdf:Description rdf:about="http://example.org/x"><rdfs:label>&f;</rdfs:label></rdf:Description>
    </rdf:RDF>
""")

#: id -> (file name, text with {url} for the listener, words of the error)
HOSTILE_RDF = {
    "billion-laughs": ("bomb.owl", BILLION_LAUGHS, "refers to other entities"),
    "external-entity": ("xxe.owl", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{url}/x">]>'
                        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&x;</rdf:RDF>',
                        "external entity"),
    "parameter-entity": ("pe.owl", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p "x">]>'
                         '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', "parameter entity"),
    "external-dtd": ("dtd.rdf", '<?xml version="1.0"?><!DOCTYPE rdf:RDF SYSTEM "{url}/x.dtd">'
                     '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', "external DTD"),
    "remote-context": ("ctx.jsonld", '{{"@context": "{url}/context.jsonld", "@id": "http://example.org/x"}}',
                       "remote JSON-LD context"),
    "remote-context-in-list": ("list.jsonld", '{{"@context": [{{"ex": "http://example.org/"}}, "{url}/c"], '
                               '"@id": "ex:x"}}', "remote JSON-LD context"),
    "remote-context-nested": ("nested.jsonld", '{{"@graph": [{{"@context": "{url}/c", "@id": "http://example.org/x"}}]}}',
                              "remote JSON-LD context"),
    "remote-context-scoped": ("scoped.jsonld", '{{"@context": {{"p": {{"@id": "http://example.org/p", '
                              '"@context": "{url}/c"}}}}, "@id": "http://example.org/x"}}', "remote JSON-LD context"),
    "context-import": ("import.jsonld", '{{"@context": {{"@version": 1.1, "@import": "{url}/c"}}, '
                       '"@id": "http://example.org/x"}}', "remote JSON-LD context"),
    "jsonld-not-json": ("broken.jsonld", '{{"@context": ', "not JSON"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_RDF))
def test_hostile_rdf_refused_without_network(case: str, listener: Listener, tmp_path: Path) -> None:
    name, text, words = HOSTILE_RDF[case]
    path = tmp_path / name
    path.write_text(text.format(url=listener.url), encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(RDFSyntaxError) as caught:
        union.parse_external(path, rdflib.Graph())
    assert time.monotonic() - started < 5
    assert words in str(caught.value) and len(str(caught.value).splitlines()) == 1
    if case in ("billion-laughs", "remote-context"):
        result = _cli("query", "subtypes", "--merge", str(path), cwd=tmp_path)
        assert result.returncode == 2
        assert words in _one_line_error(result.stderr)


def test_local_jsonld_context_and_plain_rdfxml_still_merge(tmp_path: Path) -> None:
    jsonld = tmp_path / "ok.jsonld"
    jsonld.write_text('{"@context": {"ex": "http://example.org/"}, "@id": "ex:x", "ex:p": {"@id": "ex:y"}}',
                      encoding="utf-8")
    xml = tmp_path / "ok.owl"
    xml.write_text('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                   'xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/x">'
                   '<ex:p rdf:resource="http://example.org/y"/></rdf:Description></rdf:RDF>', encoding="utf-8")
    for path in (jsonld, xml):
        graph = rdflib.Graph()
        union.parse_external(path, graph)
        assert set(graph) == {(rdflib.URIRef("http://example.org/x"), rdflib.URIRef("http://example.org/p"),
                               rdflib.URIRef("http://example.org/y"))}


# ============================================================================ 4. build --out

def _invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


USER_FOLDERS = {
    "imports-only": {"imports/my-notes.txt": "precious"},
    "user-mappings": {"mappings.sssom.tsv": "my own mapping table"},
    "artifact-names": {"milia-kg.nt": "my triples", "imports/x.ttl": "mine"},
    "hidden-file": {".profile": "mine"},
}


@pytest.mark.parametrize("case", sorted(USER_FOLDERS))
def test_build_refuses_a_folder_that_is_not_a_release(case: str, tmp_path: Path,
                                                       mini_sources: tuple[Path, Path]) -> None:
    ontology, data = mini_sources
    out = tmp_path / "out"
    for name, text in USER_FOLDERS[case].items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    result = _invoke("build", "--out", str(out), "--ontology-dir", str(ontology), "--data-dir", str(data))
    assert result.exit_code == 2
    assert "not a milia-kg release" in _one_line_error(result.stderr)
    assert {str(p.relative_to(out)): p.read_text(encoding="utf-8")
            for p in out.rglob("*") if p.is_file()} == USER_FOLDERS[case]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "src"]


@pytest.mark.parametrize("state", ["missing", "empty", "previous-release"])
def test_build_accepts_missing_empty_or_release_folder(state: str, tmp_path: Path,
                                                        mini_sources: tuple[Path, Path]) -> None:
    ontology, data = mini_sources
    out = tmp_path / "out"
    if state == "empty":
        out.mkdir()
    elif state == "previous-release":
        build(out, ontology_dir=ontology, data_dir=data)
        (out / "milia-kg.nt").write_text("stale", encoding="utf-8")
    build(out, ontology_dir=ontology, data_dir=data)
    assert (out / RELEASE_MARKER).read_text(encoding="utf-8") == f"milia-kg {__version__}\n"
    assert (out / "milia-kg.nt").read_text(encoding="utf-8") != "stale"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "src"]


_SLOW_BUILD = """
import signal, sys, time
from pathlib import Path
import importlib
# Ctrl-C as a terminal delivers it: a test run started in the background (nohup, '&' without job
# control) passes SIGINT on ignored, and Python keeps an inherited SIG_IGN
signal.signal(signal.SIGINT, signal.default_int_handler)
b = importlib.import_module("milia_kg.release.build")
original = b._write
def slow(tmp, *args, **kwargs):
    files = original(tmp, *args, **kwargs)
    ready = Path(sys.argv[2])
    ready.with_name(ready.name + ".part").write_text(str(tmp))
    ready.with_name(ready.name + ".part").rename(ready)  # whole when it appears: the parent polls for it
    time.sleep(60)
    return files
b._write = slow
b.build(sys.argv[1], ontology_dir=sys.argv[3], data_dir=sys.argv[4], reuse=False)  # not the kept copy
"""


def _interrupted_build(tmp_path: Path, mini_sources: tuple[Path, Path], signum: int) -> Path:
    """Start a build in a child, send ``signum`` once its temporary folder is written; return that folder."""
    ontology, data = mini_sources
    ready = tmp_path / "ready"
    child = subprocess.Popen([PYTHON, "-c", _SLOW_BUILD, str(tmp_path / "out"), str(ready), str(ontology), str(data)],
                             env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + BOUND
    while not ready.exists() and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert ready.exists(), child.communicate()
    tmp = Path(ready.read_text())
    assert tmp.is_dir() and tmp.parent == tmp_path and tmp.name.startswith(".out.tmp-")
    child.send_signal(signum)
    child.communicate(timeout=BOUND)
    assert child.returncode != 0
    ready.unlink()
    return tmp


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_build_cleans_its_temporary_folder(signum: int, tmp_path: Path,
                                                       mini_sources: tuple[Path, Path]) -> None:
    _interrupted_build(tmp_path, mini_sources, signum)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]


def test_next_build_removes_the_folder_of_a_killed_build(tmp_path: Path, mini_sources: tuple[Path, Path]) -> None:
    tmp = _interrupted_build(tmp_path, mini_sources, signal.SIGKILL)
    assert tmp.is_dir()
    live = tmp_path / f".out.tmp-{os.getpid()}-busy"  # a concurrent build's folder: this process is alive
    live.mkdir()
    ontology, data = mini_sources
    build(tmp_path / "out", ontology_dir=ontology, data_dir=data)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out", "src", live.name])


def test_file_limits_are_documented() -> None:
    readme = (Path(__file__).resolve().parent.parent / "docs" / "security.md").read_text(encoding="utf-8")
    section = readme.split("### Files, cache and endpoints", 1)[1].split("\n#", 1)[0]
    for limit in (user_files.MAX_QUERY_FILE_BYTES, user_files.MAX_RDF_FILE_BYTES, 64 * 2**20):
        assert f"{limit // 2**20} MiB" in section
    assert isinstance(InputFileError("x", "y"), MiliaKGError)


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_classifier_module_is_rebuilt(damage: str, cached: tuple[Path, bytes], tmp_path: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    """The decision-support schema module cached beside the graph (issue 11) has the same checks."""
    from milia_kg.decision import schema_module

    folder = _copy(cached[0], tmp_path / "cache")
    path = release_cache.derived_file("classifier", "json", schema_module._build, directory=folder)
    data = path.read_bytes()
    assert json.loads(release_cache.sidecar(path).read_bytes()) == {"sha256": hashlib.sha256(data).hexdigest(),
                                                             "bytes": len(data)}
    DAMAGE[damage](path)
    with caplog.at_level(logging.WARNING, logger="milia_kg"):
        again = release_cache.derived_file("classifier", "json", schema_module._build, directory=folder)
    assert again == path and again.read_bytes() == data
    assert [r.getMessage() for r in caplog.records] == [f"milia-kg: warning: cache {path} was damaged; rebuilt"]


# ----------------------------------------------------------------------------- multi-member gzip (issue 23, 3)

GZIP_SLICE = Path(__file__).parent / "fixtures" / "obo-slice.ttl"


def _members(data: bytes, parts: int) -> bytes:
    """``data`` split at line ends into ``parts`` gzip members, as bgzip and ``cat a.gz b.gz`` write."""
    import gzip

    lines = data.splitlines(keepends=True)
    step = -(-len(lines) // parts)
    return b"".join(gzip.compress(b"".join(lines[i:i + step])) for i in range(0, len(lines), step))


@pytest.mark.parametrize("tail", [b"", b"\0" * 512, "bgzip-eof"], ids=["three", "nul-padding", "bgzip-eof"])
def test_every_gzip_member_is_read(tail: bytes | str, tmp_path: Path) -> None:
    import gzip

    from milia_kg.formats.sniff import read_source

    plain = GZIP_SLICE.read_bytes()
    packed = tmp_path / "slice.ttl.gz"
    packed.write_bytes(_members(plain, 3) + (gzip.compress(b"") if tail == "bgzip-eof" else tail))
    assert read_source(packed) == ("Turtle", plain)
    whole, members = rdflib.Graph(), rdflib.Graph()
    union.parse_external(GZIP_SLICE, whole)
    union.parse_external(packed, members)
    assert len(members) == len(whole) > 0


@pytest.mark.parametrize("tail", [b"garbage", b"\0\0x", b"\x1f\x8b\x08"], ids=["text", "after-nul", "cut-member"])
def test_bytes_after_the_gzip_stream_are_refused(tail: bytes, tmp_path: Path) -> None:
    packed = tmp_path / "slice.ttl.gz"
    packed.write_bytes(_members(GZIP_SLICE.read_bytes(), 2) + tail)
    result = CliRunner().invoke(main, ["sparql", "--merge", str(packed), "-"], input="ASK { ?s ?p ?o }")
    assert result.exit_code == 2
    line = _one_line_error(result.stderr)
    assert line.startswith(f"milia-kg: error: {packed}") and "gzip" in line


# ----------------------------------------------------------------------------- files read back (issue 23, 10 and 14)

_READ_BACK = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # a regression fails here, not the machine
    from milia_kg.release import cache
    if sys.argv[2] == "classifier":
        from milia_kg.decision import schema_module
        print(cache.derived_file("classifier", "json", schema_module._build, directory=sys.argv[1]))
    else:
        print(cache.reasoned_graph_file("fast", directory=sys.argv[1]))
""")


def _link_to_dev_zero(path: Path) -> None:
    path.unlink()
    path.symlink_to("/dev/zero")


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _forged_link(path: Path) -> None:
    """The closure swapped for a link to a forged copy elsewhere (its record still matches)."""
    forged = path.parent.parent / "forged.nt"
    forged.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(forged)


#: damage -> (what it does to the file, the warning's reason with {name} for the file's name)
READ_BACK = {
    "dev-zero-link": (_link_to_dev_zero, "refused ({name}: a symbolic link)"),
    "fifo": (_fifo, "refused ({name}: not a regular file)"),
    "forged-link": (_forged_link, "refused ({name}: a symbolic link)"),
    "record-dev-zero-link": (lambda p: _link_to_dev_zero(release_cache.sidecar(p)),
                             "refused ({name}.sha256: a symbolic link)"),
    "record-fifo": (lambda p: _fifo(release_cache.sidecar(p)), "refused ({name}.sha256: not a regular file)"),
    "record-list": (lambda p: release_cache.sidecar(p).write_text("[]"), "damaged"),
    "record-string": (lambda p: release_cache.sidecar(p).write_text('"x"'), "damaged"),
    "record-nested-100k": (lambda p: release_cache.sidecar(p).write_text("[" * 100_000 + "]" * 100_000), "damaged"),
    "world-writable": (lambda p: p.chmod(0o646), "refused ({name}: writable by other users (mode -rw-r--rw-))"),
    "record-world-writable": (lambda p: release_cache.sidecar(p).chmod(0o646),
                              "refused ({name}.sha256: writable by other users (mode -rw-r--rw-))"),
    "other-owner": (lambda p: os.chown(p, 4242, -1),
                    "refused ({name}: owned by another user (uid 4242, not " + str(os.geteuid()) + "))"),
    "record-other-owner": (lambda p: os.chown(release_cache.sidecar(p), 4242, -1),
                           "refused ({name}.sha256: owned by another user (uid 4242, not " + str(os.geteuid()) + "))"),
}


@pytest.fixture(scope="module")
def read_back(cached: tuple[Path, bytes], tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Per kind, a cache folder where a child process wrote (or checked) the file, and the file's name.

    One child per kind, not per damage: each test damages its own copy of the folder, so the
    undamaged first read (the same input every time) runs once instead of 24 times."""
    primed: dict[str, tuple[Path, str]] = {}
    for kind in ("reasoned", "classifier"):
        folder = _copy(cached[0], tmp_path_factory.mktemp(f"read-back-{kind}") / "cache")
        first = subprocess.run([PYTHON, "-c", _READ_BACK, str(folder), kind], capture_output=True, text=True,
                               timeout=BOUND * 4, env=subprocess_env())
        assert first.returncode == 0, first.stderr
        path = Path(first.stdout.strip())
        assert path.parent == folder and path.is_file(), first.stdout
        primed[kind] = folder, path.name
    return primed


@pytest.mark.parametrize("kind", ["reasoned", "classifier"])
@pytest.mark.parametrize("damage", sorted(READ_BACK))
def test_cache_files_read_back_bounded_and_owned(damage: str, kind: str, read_back: dict[str, tuple[Path, str]],
                                                 tmp_path: Path) -> None:
    if "owner" in damage and os.geteuid() != 0:
        pytest.skip("chown to another user needs root")
    primed, name = read_back[kind]
    folder = _copy(primed, tmp_path / "cache")
    path = folder / name
    good = path.read_bytes()
    action, reason = READ_BACK[damage]
    action(path)
    again = subprocess.run([PYTHON, "-c", _READ_BACK, str(folder), kind], capture_output=True, text=True,
                           timeout=BOUND * 4, env=subprocess_env())
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == str(path)
    assert again.stderr.splitlines() == [f"milia-kg: warning: cache {path} was {reason.format(name=path.name)}; rebuilt"]
    assert not path.is_symlink() and path.stat().st_uid == os.geteuid() and not path.stat().st_mode & 0o002
    if kind == "classifier":  # blank-node labels differ between runs
        rebuilt, before = json.loads(path.read_bytes()), json.loads(good)
        assert rebuilt["codings"] == before["codings"]
        assert _ground(rebuilt["closure"].encode()) == _ground(before["closure"].encode())
    else:
        assert _ground(path.read_bytes()) == _ground(good)


@pytest.mark.parametrize("how", ["world-writable", "other-owner"])
def test_cache_folder_another_user_could_write_is_not_used(how: str, cached: tuple[Path, bytes],
                                                            tmp_path: Path) -> None:
    if how == "other-owner" and os.geteuid() != 0:
        pytest.skip("chown to another user needs root")
    folder = _copy(cached[0], tmp_path / "cache")
    if how == "world-writable":
        folder.chmod(0o777)
        reason = "writable by other users (mode drwxrwxrwx)"
    else:
        os.chown(folder, 4242, -1)
        reason = f"owned by another user (uid 4242, not {os.geteuid()})"
    done = subprocess.run([PYTHON, "-c", _READ_BACK, str(folder), "reasoned"], capture_output=True, text=True,
                          timeout=BOUND * 4, env=subprocess_env())
    assert done.returncode == 0, done.stderr
    assert not Path(done.stdout.strip()).is_relative_to(folder)
    assert done.stderr.splitlines() == [
        f"milia-kg: warning: cache folder {folder} refused ({reason}); using a private one"]
