"""``milia-kg serve`` under hostile and careless load (issue 23, findings 5-9 and 17): the whole
service's memory and concurrency, request bodies, slow clients, answer bytes, the Host allow-list
and the request log. Real servers run on loopback, are started and stopped by each test, and every
wait is bounded.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import json
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="milia-kg serve needs the 'serve' extra (FastAPI, uvicorn)")

from fastapi.testclient import TestClient

from benchmarks.serve_load import served
from milia_kg.query.kg import KnowledgeGraph
from milia_kg.serve.app import create_app
from milia_kg.serve.http import HTTPError
from milia_kg.serve.limits import QueryGate, ServeLimits

REPO = Path(__file__).resolve().parents[2]
OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"
#: Few rows, many bytes: every predicate of the graph concatenated once per class (LIMIT 40 rows).
CONCAT = (f"SELECT ?a (GROUP_CONCAT(STR(?p)) AS ?c) WHERE {{ ?a a <{OWL_CLASS}> . ?s ?p ?o }} "
          "GROUP BY ?a LIMIT 40")
#: A cartesian product that never ends within a test's time limit.
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def client_with(**bounds: Any) -> TestClient:
    kg = KnowledgeGraph.open().with_limits(timeout=20, max_rows=10_000)
    return TestClient(create_app(kg, limits=ServeLimits(**bounds)), base_url="http://127.0.0.1")


@pytest.fixture(scope="module")
def client() -> TestClient:
    return client_with()


def error_of(response: Any, status: int, kind: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert (set(body), body["error"], body["status"]) == ({"error", "message", "status"}, kind, status)
    return str(body["message"])


# ----------------------------------------------------------------------------- Host (DNS rebinding)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8000", "localhost:8000", "LOCALHOST", "[::1]:8000"])
def test_loopback_hosts_are_answered(client: TestClient, host: str) -> None:
    assert client.get("/health", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.",
                                  "[::2]:8000"])
def test_other_hosts_are_refused(client: TestClient, host: str) -> None:
    """A page on evil.example whose name is rebound to 127.0.0.1 reaches the service as Host evil.example."""
    message = error_of(client.get("/health", headers={"Host": host}), 421, "bad_host")
    assert message.endswith("this service answers to 127.0.0.1, ::1, localhost (add a name with --allow-host)")


def test_an_added_host_is_answered() -> None:
    added = client_with(hosts=("KG.example.org",))
    assert added.get("/health", headers={"Host": "kg.example.org:443"}).status_code == 200
    error_of(added.get("/health", headers={"Host": "other.example.org"}), 421, "bad_host")


# ----------------------------------------------------------------------------- request bodies


def test_a_declared_oversize_body_is_refused_unread(client: TestClient) -> None:
    response = client.post("/sparql", content=b"ASK {}", headers={
        "Content-Type": "application/sparql-query", "Content-Length": str(200 * 2**20)})
    assert error_of(response, 413, "payload_too_large") == "the body has 209715200 bytes; at most 1048576 are taken"


def test_a_streamed_oversize_body_is_refused_at_the_cap(client: TestClient) -> None:
    sent = []

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked, 20 MiB if all were read
        for _ in range(20):
            sent.append(1)
            yield b"#" * 2**20

    response = client.post("/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert error_of(response, 413, "payload_too_large") == "the body has more than 1048576 bytes; at most 1048576 are taken"


@pytest.mark.parametrize("path", ["/sparql", "/api/classify"])
def test_a_form_of_escapes_is_refused(client: TestClient, path: str) -> None:
    body = b"query=" + b"%41" * (4 * 2**20)  # 12 MiB that would decode to 4 MiB
    error_of(client.post(path, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}),
             413, "payload_too_large")


def test_a_form_of_many_fields_is_refused(client: TestClient) -> None:
    body = "&".join(f"f{i}=" for i in range(5_000)) + "&query=ASK%20%7B%7D"
    message = error_of(client.post("/sparql", content=body.encode(),
                                   headers={"Content-Type": "application/x-www-form-urlencoded"}),
                       413, "payload_too_large")
    assert message == "the form has more than 32 fields"


def test_a_smaller_body_cap() -> None:
    small = client_with(max_body=100)
    assert small.post("/sparql", content=b"ASK {}", headers={"Content-Type": "application/sparql-query"}
                      ).json() == {"head": {}, "boolean": True}
    error_of(small.post("/sparql", content=b"ASK {}" + b" " * 100,
                        headers={"Content-Type": "application/sparql-query"}), 413, "payload_too_large")


# ----------------------------------------------------------------------------- answer bytes


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv", "application/sparql-results+xml"])
def test_answers_are_capped_in_bytes(accept: str) -> None:
    """40 rows hold 7 MB: under the row cap, over a 1 MiB byte cap."""
    capped = client_with(max_bytes=2**20)
    response = capped.get("/sparql", params={"query": CONCAT}, headers={"Accept": accept})
    assert error_of(response, 400, "size_limit") == (
        "query stopped: the answer is larger than 1048576 bytes (--max-bytes)")
    small = capped.get("/sparql", params={"query": CONCAT.replace("LIMIT 40", "LIMIT 1")}, headers={"Accept": accept})
    assert small.status_code == 200 and len(small.content) < 2**20


def test_the_default_byte_cap_is_64_mib() -> None:
    assert ServeLimits().max_bytes == 64 * 2**20
    assert client_with().get("/sparql", params={"query": CONCAT}).status_code == 200  # 7 MB pass


# ----------------------------------------------------------------------------- memory and concurrency


def test_each_query_gets_its_share_of_the_memory_budget() -> None:
    """256 MiB over 2 slots: a sorted cartesian product is stopped at 128 MiB, not 1 GiB."""
    shared = client_with(memory_budget=256 * 2**20, max_concurrent=2)
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 5"
    message = error_of(shared.get("/sparql", params={"query": query}), 503, "memory_limit")
    assert message == "query stopped: it needed more than the memory limit of 128 MiB"
    assert shared.get("/health").status_code == 200


def test_the_gate_queues_then_refuses() -> None:
    async def scenario() -> list[str]:
        gate = QueryGate(slots=1, waiting=1, wait=0.3)
        outcomes: list[str] = []

        async def one(name: str, hold: float) -> None:
            try:
                async with gate.slot():
                    outcomes.append(f"{name} ran")
                    await asyncio.sleep(hold)
            except HTTPError as error:
                outcomes.append(f"{name} {error.status} {error.message}")

        first = asyncio.create_task(one("a", 1.0))
        await asyncio.sleep(0.05)
        await asyncio.gather(first, one("b", 0), one("c", 0))
        async with gate.slot():  # every slot was given back
            outcomes.append("d ran")
        return outcomes

    assert asyncio.run(scenario()) == [
        "a ran",
        "c 503 the service is busy and its queue is full: 1 queries run at once; retry shortly",
        "b 503 no query slot freed within 0.3 s: 1 queries run at once; retry shortly",
        "d ran",
    ]


@pytest.mark.parametrize(("args", "fragment"), [
    (["--memory-budget", "100", "--max-concurrent", "4"],
     "parameter 'memory_budget' = 104857600: leaves each of 4 concurrent queries less than 64 MiB"),
    (["--max-concurrent", "0"], "parameter 'max_concurrent' = 0: must be a positive number"),
    (["--max-bytes", "-5"], "parameter 'max_bytes' = -5: must be a positive number"),
])
def test_serve_refuses_bad_bounds(args: list[str], fragment: str) -> None:
    result = subprocess.run([sys.executable, "-m", "milia_kg", "serve", "--port", "0", *args],
                            capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("milia-kg: error: ") and fragment in line


def _get(url: str, path: str, timeout: float = 30) -> tuple[int, Any, Any, float]:
    parts = urllib.parse.urlsplit(url)
    start = time.monotonic()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = json.loads(response.read())
        return response.status, response.headers, body, time.monotonic() - start
    finally:
        conn.close()


@pytest.mark.slow
def test_health_answers_while_expensive_queries_wait() -> None:
    """12 endless queries at once on 2 slots and 2 queue places: /health answers at once, the queries
    beyond the slots are refused fast with 503 and Retry-After, the rest stop at the time limit."""
    path = "/sparql?" + urllib.parse.urlencode({"query": CARTESIAN})
    with served("--timeout", "3", "--max-concurrent", "2", "--max-waiting", "2") as server, \
            concurrent.futures.ThreadPoolExecutor(12) as pool:
        started = time.monotonic()
        queries = [pool.submit(_get, server.url, path) for _ in range(12)]
        time.sleep(0.5)
        health = [_get(server.url, "/health", timeout=5) for _ in range(3)]
        results = [q.result(timeout=60) for q in queries]
        elapsed = time.monotonic() - started
    assert [(status, body["status"]) for status, _, body, _ in health] == [(200, "ok")] * 3
    assert max(seconds for *_, seconds in health) < 2
    kinds = sorted(body["error"] for _, _, body, _ in results)
    assert all(status == 503 and headers["Retry-After"] == "1" for status, headers, _, _ in results)
    full = [seconds for _, _, body, seconds in results if "queue is full" in body["message"]]
    assert len(full) >= 6 and max(full) < 2  # refused at once (8 when all 12 arrive within 3 s)
    # 2 ran to the time limit; the queued ones got a slot when those stopped or gave up waiting
    assert kinds.count("timeout") >= 2 and kinds.count("timeout") + kinds.count("busy") == 12
    assert elapsed < 20


# ----------------------------------------------------------------------------- slow clients


@pytest.mark.slow
def test_slow_clients_are_cut_off_and_health_answers() -> None:
    """200 half-open connections (a request line, no end of headers) and one body that never
    finishes: /health answers meanwhile; the headers are cut off after --read-timeout, the body
    gets 408."""
    with served("--read-timeout", "2") as server:
        port = urllib.parse.urlsplit(server.url).port
        assert port is not None
        socks: list[socket.socket] = []
        try:
            for _ in range(200):
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                socks.append(sock)
            body = socket.create_connection(("127.0.0.1", port), timeout=10)
            socks.append(body)
            body.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: 100\r\n\r\nASK {")
            status, _, health, seconds = _get(server.url, "/health", timeout=5)
            assert (status, health["status"]) == (200, "ok") and seconds < 2
            started = time.monotonic()
            answer = b""
            while b"}" not in answer and time.monotonic() - started < 8:
                answer += body.recv(4096)
            assert answer.startswith(b"HTTP/1.1 408 "), answer
            assert json.loads(answer.partition(b"\r\n\r\n")[2])["error"] == "request_timeout"
            for sock in socks[:200]:  # each half-open connection was closed by the server
                sock.settimeout(max(0.1, 8 - (time.monotonic() - started)))
                assert sock.recv(1) == b""
            assert time.monotonic() - started < 8
        finally:
            for sock in socks:
                sock.close()


# ----------------------------------------------------------------------------- open connections


def _status_line_and_body(sock: socket.socket, seconds: float) -> tuple[bytes, dict[bytes, bytes], bytes]:
    """Read one whole answer (closed by the server) from ``sock``: status line, headers, body."""
    sock.settimeout(seconds)
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.split(b"\r\n")
    return status, {k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines)}, body


@pytest.mark.slow
def test_past_the_connection_cap_the_refusal_is_json_with_retry_after() -> None:
    """uvicorn's own cap (limit_concurrency) answered a plain-text 503; past --max-connections every
    request gets the service's JSON error with Retry-After, and the service answers again once
    connections close. 20 connections held open, then 5 more; bounded in count and time. One server
    process: with several, each has its share of the cap and the kernel spreads connections unevenly."""
    with served("--max-connections", "20", "--read-timeout", "30", "--processes", "1") as server:
        port = urllib.parse.urlsplit(server.url).port
        assert port is not None
        held: list[socket.socket] = []
        try:
            for _ in range(20):
                held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            started = time.monotonic()
            for path in ("/health", "/sparql?query=ASK%7B%7D", "/api/queries", "/", "/nowhere"):
                with socket.create_connection(("127.0.0.1", port), timeout=5) as extra:
                    extra.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                    status, headers, body = _status_line_and_body(extra, 5)
                assert status == b"HTTP/1.1 503 Service Unavailable", (path, status, body)
                assert (headers[b"content-type"], headers[b"retry-after"]) == (b"application/json", b"1")
                assert json.loads(body) == {
                    "error": "busy", "status": 503,
                    "message": "the service has 20 connections open, its limit; retry shortly"}
            assert time.monotonic() - started < 10
        finally:
            for sock in held:
                sock.close()
        deadline = time.monotonic() + 10
        while True:  # the server sees the 20 closes shortly
            status, _, health, _ = _get(server.url, "/health", timeout=5)
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert (status, health["status"]) == (200, "ok")


def test_serve_takes_max_connections() -> None:
    from milia_kg.serve.connections import uvicorn_options

    options = uvicorn_options(10.0, 7)
    assert options["limit_concurrency"] is None  # uvicorn's plain-text refusal is never used
    assert options["timeout_keep_alive"] == 5


def test_connections_are_parsed_by_httptools_and_h11_stays_possible() -> None:
    """The served protocol is uvicorn's httptools one (the serve extra installs it); the header
    deadline and the cap are built on h11's too, for an install without httptools."""
    from uvicorn.protocols.http.h11_impl import H11Protocol
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    from milia_kg.serve.connections import protocol, uvicorn_options

    assert issubclass(uvicorn_options(10.0, 7)["http"], HttpToolsProtocol)
    fallback = protocol(10.0, 7, parser="h11")
    assert issubclass(fallback, H11Protocol) and not issubclass(fallback, HttpToolsProtocol)
    for name in ("_arm", "_expire", "connection_made", "on_response_complete", "connection_lost"):
        assert name in vars(fallback), name


# ----------------------------------------------------------------------------- the request log


def test_the_log_line_escapes_terminal_sequences(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    client.get("/%1B%5B2J%1B%5D0%3Bowned%07")  # clear the screen, set the terminal's title
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(r"milia-kg serve: GET /\x1b[2J\x1b]0;owned\x07 404 ")
    assert "\x1b" not in line and "\x07" not in line
