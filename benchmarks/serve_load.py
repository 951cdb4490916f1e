"""A bounded loopback load test of ``milia-kg serve``: N concurrent clients for S seconds, mixing
catalogue (REST) and SPARQL requests; prints errors, p50/p99 latency and throughput.

``python -m benchmarks.serve_load [--clients 20] [--seconds 20] [--url URL]`` starts
``milia-kg serve`` on a free loopback port (unless ``--url`` names a running one), runs the load
and stops it. Exit status 1 if any request failed. Figures are recorded in docs/benchmarks.md.

:func:`served` (start, wait for ``/health``, stop by process id) is shared with the subprocess and
browser tests.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["MIX", "LoadReport", "Server", "load", "main", "served"]

_PREFIX = "milia-kg serve: listening on "

#: The request mix, taken in turn by each client: (method, path, body, content type).
MIX: tuple[tuple[str, str, bytes | None, str | None], ...] = (
    ("GET", "/api/queries/conditions_at_site?site=face", None, None),
    ("GET", "/sparql?" + urllib.parse.urlencode({"query": (
        "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
        "ORDER BY ?s LIMIT 50")}), None, None),
    ("GET", "/api/queries/synonyms?term=milia&format=csv", None, None),
    ("POST", "/sparql", b"ASK { ?s a <http://www.w3.org/2002/07/owl#Class> }", "application/sparql-query"),
    ("GET", "/api/queries/treatments", None, None),
    ("POST", "/sparql", urllib.parse.urlencode({"query": (
        "CONSTRUCT WHERE { <http://purl.obolibrary.org/obo/UBERON_0001456> ?p ?o }")}).encode(),
     "application/x-www-form-urlencoded"),
)


@dataclass
class Server:
    """A running ``milia-kg serve`` child: its base URL, process and the stderr lines so far."""

    url: str
    process: subprocess.Popen[bytes]
    log: list[str] = field(default_factory=list)


def _drain(stream: object, log: list[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        log.append(line.decode("utf-8", "replace").rstrip("\n"))


@contextlib.contextmanager
def served(*args: str, startup: float = 60.0) -> Iterator[Server]:
    """Start ``milia-kg serve --port 0 ARGS`` on loopback; yield once ``/health`` answers; stop it
    by process id (SIGTERM, then SIGKILL after 10 s).

    :raises RuntimeError: if it exits or does not answer within ``startup`` seconds.
    """
    command = [sys.executable, "-m", "milia_kg", "serve", "--host", "127.0.0.1", "--port", "0", *args]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    log: list[str] = []
    threading.Thread(target=_drain, args=(process.stderr, log), daemon=True).start()
    try:
        url = _wait_ready(process, log, time.monotonic() + startup)
        yield Server(url, process, log)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()


def _wait_ready(process: subprocess.Popen[bytes], log: list[str], deadline: float) -> str:
    url = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            time.sleep(0.2)  # let the drain thread read the last lines
            raise RuntimeError(f"milia-kg serve exited with {process.returncode}: {' | '.join(log[-5:])}")
        if url is None:
            url = next((line[len(_PREFIX):].split()[0].rstrip("/") for line in log
                        if line.startswith(_PREFIX)), None)
        if url is not None:
            with contextlib.suppress(OSError):
                status, _ = _request(url, "GET", "/health")
                if status == 200:
                    return url
        time.sleep(0.1)
    raise RuntimeError(f"milia-kg serve did not answer within the start-up time: {' | '.join(log[-5:])}")


def _request(url: str, method: str, path: str, body: bytes | None = None,
             content_type: str | None = None, connection: http.client.HTTPConnection | None = None,
             ) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    conn = connection or http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Content-Type": content_type} if content_type else {}
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if connection is None:
            conn.close()


@dataclass
class LoadReport:
    """What a load run measured."""

    clients: int
    seconds: float
    latencies: list[float]
    errors: list[str]

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.errors)

    def percentile(self, p: float) -> float:
        """The ``p``-th percentile latency in milliseconds (nearest rank)."""
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    def summary(self) -> dict[str, float | int]:
        return {
            "clients": self.clients, "seconds": round(self.seconds, 1), "requests": self.requests,
            "errors": len(self.errors), "throughput_rps": round(self.requests / self.seconds, 1),
            "p50_ms": round(self.percentile(50), 1), "p99_ms": round(self.percentile(99), 1),
            "mean_ms": round(1000 * statistics.fmean(self.latencies), 1) if self.latencies else 0.0,
        }


def load(url: str, clients: int = 20, seconds: float = 20.0) -> LoadReport:
    """Run ``clients`` threads, each with one keep-alive connection, through :data:`MIX` until
    ``seconds`` have passed; a non-200 answer or a failed request is an error."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    parts = urllib.parse.urlsplit(url)

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        mine: list[float] = []
        for method, path, body, kind in itertools.islice(itertools.cycle(MIX), offset, None):
            if time.monotonic() >= deadline:
                break
            start = time.perf_counter()
            try:
                status, answer = _request(url, method, path, body, kind, connection=conn)
                failure = None if status == 200 else (
                    f"{method} {path[:60]}: HTTP {status} {answer[:300].decode('utf-8', 'replace')}")
            except (OSError, http.client.HTTPException) as exc:
                failure = f"{method} {path[:60]}: {type(exc).__name__}: {exc}"
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            if failure is None:
                mine.append(time.perf_counter() - start)
            else:
                with lock:
                    errors.append(failure)
        conn.close()
        with lock:
            latencies.extend(mine)

    start = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadReport(clients, time.monotonic() - start, latencies, errors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve_load", description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--url", help="a running milia-kg serve (default: start one on loopback)")
    options = parser.parse_args(argv)
    if not 1 <= options.clients <= 200 or not 0 < options.seconds <= 600:
        parser.error("--clients must be 1-200 and --seconds 0-600 (the test is bounded)")
    with contextlib.ExitStack() as stack:
        url = options.url or stack.enter_context(served()).url
        report = load(url, options.clients, options.seconds)
    print(json.dumps(report.summary()))
    for error in report.errors[:10]:
        print("error:", error, file=sys.stderr)
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
