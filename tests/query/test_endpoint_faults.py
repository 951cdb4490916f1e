"""A failing SPARQL endpoint gives one clean line, naming it and the failure, within a bounded time.

Reads are retried (3 tries in all, 0.25 s and 0.75 s apart) only where another try may succeed: a
refused or reset connection, HTTP 502/503/504. A hanging endpoint costs one timeout.
"""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner
from stores import FaultyServer, free_port

from milia_kg.cli import main
from milia_kg.errors import EndpointError
from milia_kg.query.backends import SparqlEndpointBackend

TIMEOUT = 1.0

# mode of the loopback server (None: nothing listens), expected reason, requests it sees, seconds at most
FAULTS = [
    ("refused", None, "unreachable (connection refused)", 0, 3.0),
    ("5xx-transient", "503", "HTTP 503 Service Unavailable", 3, 3.0),
    ("5xx-gateway", "502", "HTTP 502 Bad Gateway", 3, 3.0),
    ("5xx-error", "500", "EndPointInternalError: The endpoint returned the HTTP status code 500.", 1, 2.0),
    ("hanging", "hang", f"no answer within {TIMEOUT:g} s", 1, TIMEOUT + 2.0),
    ("hangs-up", "close", "the connection closed without an answer", 3, 3.0),
    ("malformed", "malformed", "results are not JSON", 1, 2.0),
]


@pytest.mark.parametrize("mode, reason, requests, seconds", [f[1:] for f in FAULTS], ids=[f[0] for f in FAULTS])
def test_fault_is_one_bounded_line(mode: str | None, reason: str, requests: int, seconds: float) -> None:
    server = FaultyServer(mode) if mode else None
    url = server.url if server else f"http://127.0.0.1:{free_port()}/sparql"
    started = time.monotonic()
    try:
        with pytest.raises(EndpointError) as info:
            SparqlEndpointBackend(url, timeout=TIMEOUT).select("SELECT ?s WHERE { ?s ?p ?o }")
    finally:
        elapsed = time.monotonic() - started
        if server:
            server.close()
    message = str(info.value)
    assert message.startswith(f"SPARQL endpoint {url}: {reason}")
    assert "\n" not in message
    assert elapsed < seconds
    assert (len(server.requests) if server else 0) == requests


def test_cli_reports_the_fault_on_one_line() -> None:
    server = FaultyServer("503")
    try:
        result = CliRunner().invoke(main, ["query", "synonyms", "-p", "term=milia", "--endpoint", server.url,
                                           "--timeout", "2"])
    finally:
        server.close()
    assert result.exit_code == 2
    assert result.output == f"milia-kg: error: SPARQL endpoint {server.url}: HTTP 503 Service Unavailable\n"


def test_at_the_deadline_the_connection_is_closed_and_nothing_keeps_running() -> None:
    """SPARQLWrapper's timeout is per read, and it hides its socket: a thread left waiting for a store
    that drips a byte every half second kept reading after the caller had its error (issue 23). Now
    the connection is shut down at the deadline: the caller's own read ends, no thread is left, and
    the store's next write fails (its handler thread ends)."""
    import threading

    before = set(threading.enumerate())
    server = FaultyServer("drip")
    server_threads = set(threading.enumerate()) - before
    started = time.monotonic()
    try:
        with pytest.raises(EndpointError) as info:
            SparqlEndpointBackend(server.url, timeout=TIMEOUT).select("SELECT ?s WHERE { ?s ?p ?o }")
        elapsed = time.monotonic() - started
        assert str(info.value) == f"SPARQL endpoint {server.url}: no answer within {TIMEOUT:g} s"
        assert elapsed < TIMEOUT + 1
        left = set(threading.enumerate()) - before - server_threads
        assert not [t for t in left if not t.name.startswith("Thread-")]  # no client thread of ours
        deadline = time.monotonic() + 3  # the drip writes every 0.5 s: its next write meets the closed socket
        while left and time.monotonic() < deadline:
            time.sleep(0.05)
            left = {t for t in left if t.is_alive()}
        assert not left, [t.name for t in left]  # the store's handler saw the connection closed
        assert len(server.requests) == 1
    finally:
        server.close()
