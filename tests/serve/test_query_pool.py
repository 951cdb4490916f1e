"""``milia-kg serve`` on its pre-forked query workers (issue 22, target 1): no fork per request, a
runaway costs one worker (replaced), and answers are kept and tagged (``ETag``, ``304``)."""

from __future__ import annotations

import http.client
import os
import signal
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="milia-kg serve needs the 'serve' extra (FastAPI, uvicorn)")

from fastapi.testclient import TestClient

from benchmarks.serve_load import served
from milia_kg.query.isolate import can_fork
from milia_kg.query.kg import KnowledgeGraph
from milia_kg.serve.answers import AnswerCache, etag_of, not_modified
from milia_kg.serve.app import create_app
from milia_kg.serve.limits import ServeLimits
from tests.stores import child_pids

pytestmark = pytest.mark.skipif(not can_fork(), reason="the worker pool forks (POSIX only)")

LABELS = ("SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
          "ORDER BY ?s ?label LIMIT 20")
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
JSON = {"Accept": "application/sparql-results+json"}


def app_with(timeout: float = 20, **bounds: Any) -> Any:
    kg = KnowledgeGraph.open().with_limits(timeout=timeout, max_rows=10_000)
    return create_app(kg, limits=ServeLimits(**bounds))


def client_of(app: Any) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1")


def test_many_queries_fork_nothing_and_run_outside_the_server_process() -> None:
    app = app_with(max_concurrent=2, answer_cache=False)
    pool = app.state.query_pool
    workers = set(pool.pids)
    assert len(workers) == 2 and os.getpid() not in workers
    client = client_of(app)
    for n in range(1, 31):
        response = client.get("/sparql", params={"query": f"{LABELS} OFFSET {n}"}, headers=JSON)
        assert response.status_code == 200, response.text
        assert len(response.json()["results"]["bindings"]) == 20
    assert set(pool.pids) == workers  # the same two processes answered all thirty


def test_a_runaway_costs_one_worker_which_is_replaced() -> None:
    app = app_with(timeout=1, max_concurrent=2, answer_cache=False)
    pool = app.state.query_pool
    before = set(pool.pids)
    client = client_of(app)
    started = time.monotonic()
    response = client.get("/sparql", params={"query": CARTESIAN})
    assert (response.status_code, response.json()["error"]) == (503, "timeout")
    assert response.headers["Retry-After"] == "1"
    assert time.monotonic() - started < 5
    after = set(pool.pids)
    assert len(after) == 2 and len(after - before) == 1
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=JSON).json() == {
        "head": {}, "boolean": True}
    assert client.get("/api/queries/synonyms", params={"term": "milia"}).status_code == 200


def test_kept_answers_equal_fresh_ones_and_carry_an_etag() -> None:
    fresh, kept = client_of(app_with(answer_cache=False)), client_of(app_with())
    for path, params, headers in [("/sparql", {"query": LABELS}, JSON),
                                  ("/api/queries/synonyms", {"term": "milia"}, {}),
                                  ("/api/queries/synonyms", {"term": "milia", "format": "csv"}, {})]:
        first = kept.get(path, params=params, headers=headers)
        second = kept.get(path, params=params, headers=headers)
        reference = fresh.get(path, params=params, headers=headers)
        assert first.status_code == second.status_code == reference.status_code == 200
        assert first.content == second.content == reference.content
        assert first.headers["ETag"] == second.headers["ETag"] == reference.headers["ETag"] == etag_of(first.content)
        assert first.headers["content-type"] == reference.headers["content-type"]


def test_if_none_match_gets_304_without_the_body() -> None:
    client = client_of(app_with())
    first = client.get("/api/queries/synonyms", params={"term": "milia"})
    tag = first.headers["ETag"]
    again = client.get("/api/queries/synonyms", params={"term": "milia"}, headers={"If-None-Match": tag})
    assert (again.status_code, again.content, again.headers["ETag"]) == (304, b"", tag)
    other = client.get("/api/queries/synonyms", params={"term": "milia", "format": "csv"},
                       headers={"If-None-Match": tag})
    assert other.status_code == 200 and other.headers["ETag"] != tag  # another representation


def test_errors_are_not_kept() -> None:
    app = app_with(timeout=1, max_concurrent=1)
    client = client_of(app)
    for _ in range(2):
        response = client.get("/sparql", params={"query": CARTESIAN})
        assert (response.status_code, response.json()["error"]) == (503, "timeout")
    assert client.get("/api/queries/synonyms", params={"term": "no such term"}).status_code == 400


def test_the_cache_is_bounded_by_entries_and_bytes() -> None:
    cache = AnswerCache(max_entries=3, max_bytes=100, max_body=60)
    for key in "abc":
        cache.put(key, "text/plain", b"x" * 30)  # 90 bytes, 3 entries
    assert cache.get("a") is not None  # a is now the most recently used
    cache.put("d", "text/plain", b"y" * 30)  # over 100 bytes: b, the least recently used, goes
    assert [cache.get(k) is not None for k in "abcd"] == [True, False, True, True]
    cache.put("e", "text/plain", b"z" * 61)  # over max_body: answered, not kept
    assert cache.get("e") is None and len(cache) == 3


@pytest.mark.parametrize(("header", "expected"), [
    (None, False), ("", False), ('"abc"', True), ('W/"abc"', True), ('"x", "abc"', True), ("*", True),
    ('"abd"', False),
])
def test_if_none_match_parsing(header: str | None, expected: bool) -> None:
    assert not_modified(header, '"abc"') is expected


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _wait_until(condition: Any, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.slow
def test_server_processes_share_the_port_and_stop_together() -> None:
    """Two server processes with two query workers each; a server that dies is replaced; SIGTERM
    to the command stops every process it started."""
    with served("--processes", "2", "--max-concurrent", "4") as server:
        servers = child_pids(server.process.pid)
        assert len(servers) == 2
        # the first server answers /health while the second may still be forking its workers
        assert _wait_until(lambda: len([w for s in servers for w in child_pids(s)]) == 4)
        workers = [w for s in servers for w in child_pids(s)]
        assert len(workers) == 4
        for _ in range(20):
            status, _ = _get(server.url, "/api/queries/synonyms?term=milia")
            assert status == 200
        os.kill(servers[0], signal.SIGKILL)
        assert _wait_until(lambda: len([p for p in child_pids(server.process.pid) if _alive(p)]) == 2
                           and servers[0] not in child_pids(server.process.pid))
        assert _wait_until(lambda: not any(_alive(w) for w in child_pids(servers[0])))
        replaced = child_pids(server.process.pid)
        everyone = [server.process.pid, *replaced, *[w for s in replaced for w in child_pids(s)], *workers[2:]]
        assert _get(server.url, "/health")[0] == 200
    assert _wait_until(lambda: not any(_alive(pid) for pid in everyone))


def _connections_of(pid: int, port: int) -> int:
    """Established TCP connections to ``port`` held open by process ``pid`` (from /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":  # 01: ESTABLISHED
                inodes.add(fields[9])
    held = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        held += target.startswith("socket:[") and target[8:-1] in inodes
    return held


@pytest.mark.slow
@pytest.mark.parametrize("clients", [4, 16])
def test_connections_are_split_evenly_between_server_processes(clients: int) -> None:
    """The supervisor hands connections to the servers in turn: keep-alive clients opened at once
    land half on each (accepting from a shared socket, one server took 14 of 16)."""
    with served("--processes", "2", "--max-concurrent", "4") as server:
        parts = urllib.parse.urlsplit(server.url)
        assert parts.port is not None
        conns = [http.client.HTTPConnection(parts.hostname, parts.port, timeout=30) for _ in range(clients)]
        try:
            for conn in conns:
                conn.request("GET", "/health")
                assert conn.getresponse().read()
            servers = child_pids(server.process.pid)
            assert sorted(_connections_of(pid, parts.port) for pid in servers) == [clients // 2, clients // 2]
            assert _connections_of(server.process.pid, parts.port) == 0  # the supervisor keeps none
        finally:
            for conn in conns:
                conn.close()


def _get(url: str, path: str) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()
