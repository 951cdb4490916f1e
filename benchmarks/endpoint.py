"""Issue 22, target 1: ``milia-kg serve`` against an Oxigraph server holding the same graph.

``python -m benchmarks.endpoint [--clients 1,4,16] [--seconds 5] [--rounds 2] [--json FILE]``

Starts both servers on loopback ports: ``oxigraph serve`` (the ``oxigraph`` command of the test
extra, on a database loaded with ``oxigraph load`` from the reasoned graph the project serves) and
``milia-kg serve`` (:func:`benchmarks.serve_load.served`). The peer that cannot be found or started
stops the run with an error: nothing is skipped.

Two workloads, each the 23 catalogue queries with the parameters of their header ``example``:

* ``sparql``: the query text with its parameters bound (what ``kg.query`` evaluates), sent as
  ``GET /sparql?query=`` to ours and ``GET /query?query=`` to Oxigraph, SPARQL JSON results;
* ``rest``: ``GET /api/queries/NAME?PARAMS`` on ours (parameters resolved, label columns added,
  JSON) against the same bound text on Oxigraph (what the issue compared).

Ours runs twice, without the answer cache (``--no-answer-cache``, the headline figures) and with it
(the default: a repeated request is answered from memory, :mod:`milia_kg.serve.answers`). For each
number of clients and workload the three servers run in turn, ``--rounds`` times each,
``--seconds`` each time; each client is a thread with one keep-alive connection, the threads spread
over up to four processes so that the load tool's own interpreter lock does not cap the peer.
Every answer must be ``200``: any other status fails the run. It prints req/s (median of the
rounds), p50 and p99 (over all rounds' latencies) and ours / peer, with the load average.
Each client waits for its answer before it sends the next request, so requests per second at one
client are one over the latency.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python benchmarks/endpoint.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.serve_load import served
from tests.stores import OxigraphServer, free_port

__all__ = ["HEADER", "Request", "catalogue_requests", "drive", "line", "main", "peer", "run"]

_JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class Request:
    """One catalogue query as sent to each server: our path and the peer's."""

    name: str
    ours: str
    peer: str


def catalogue_requests(reasoner: str = "fast") -> tuple[list[Request], list[Request]]:
    """The ``sparql`` and ``rest`` workloads: every catalogue query with its example parameters."""
    from milia_kg import KnowledgeGraph
    from milia_kg.query.catalogue import load_catalogue
    from milia_kg.query.params import Resolver
    from milia_kg.query.sparql_text import bind

    kg = KnowledgeGraph.open(reasoner=reasoner)
    resolver = Resolver(kg.backend, None, None)
    sparql, rest = [], []
    for name, query in sorted(load_catalogue().items()):
        example = dict(query.example)
        text = bind(query.text, resolver.resolve_all(query, example))
        encoded = urllib.parse.urlencode({"query": text})
        sparql.append(Request(name, "/sparql?" + encoded, "/query?" + encoded))
        rest.append(Request(name, f"/api/queries/{name}" + ("?" + urllib.parse.urlencode(example) if example else ""),
                            "/query?" + encoded))
    return sparql, rest


@contextlib.contextmanager
def peer(graph: Path, folder: Path) -> Iterator[str]:
    """``oxigraph serve`` on ``graph`` (N-Triples), yielding its base URL; stopped by process id.

    :raises RuntimeError: if the ``oxigraph`` command is missing, the load fails or it does not start.
    """
    server = OxigraphServer(folder=folder, port=free_port())
    server.load(graph)
    server.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.stop()


def _get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    """One GET on a kept-alive connection, asking for SPARQL JSON (a query) or JSON (a REST route)."""
    conn.request("GET", path, headers={"Accept": _JSON if "query=" in path else "application/json"})
    response = conn.getresponse()
    return response.status, response.read()


def _client_process(url: str, paths: list[str], threads: int, offset: int, seconds: float,
                    out: Any) -> None:
    """Run ``threads`` clients against ``url`` for ``seconds``; send (latencies, errors) on ``out``."""
    parts = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(start: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        mine: list[float] = []
        bad: list[str] = []
        i = start
        while time.monotonic() < deadline:
            path = paths[i % len(paths)]
            i += 1
            began = time.perf_counter()
            try:
                status, body = _get(conn, path)
                if status != 200:
                    bad.append(f"{path[:80]}: HTTP {status} {body[:200]!r}")
                else:
                    mine.append(time.perf_counter() - began)
            except (OSError, http.client.HTTPException) as exc:
                bad.append(f"{path[:80]}: {type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    workers = [threading.Thread(target=client, args=(offset + 7 * k,)) for k in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.send((latencies, errors[:20] + ([f"... {len(errors)} errors"] if len(errors) > 20 else [])))
    out.close()


def drive(url: str, paths: list[str], clients: int, seconds: float) -> tuple[float, list[float], list[str]]:
    """``clients`` keep-alive clients over up to four processes for ``seconds``:
    ``(requests per second, latencies, errors)``."""
    context = multiprocessing.get_context("fork")
    processes = min(clients, 4)
    shares = [clients // processes + (1 if k < clients % processes else 0) for k in range(processes)]
    running = []
    started = time.monotonic()
    for k, share in enumerate(shares):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_client_process, args=(url, paths, share, 3 * k, seconds, send))
        process.start()
        send.close()
        running.append((process, receive))
    latencies: list[float] = []
    errors: list[str] = []
    for process, receive in running:
        got_latencies, got_errors = receive.recv()
        latencies += got_latencies
        errors += got_errors
        process.join()
    elapsed = time.monotonic() - started
    return len(latencies) / max(elapsed, seconds), latencies, errors


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] if ordered else 0.0


def _check(url: str, paths: list[str]) -> None:
    """Every request answers ``200`` once before the clock starts."""
    errors: list[str] = []
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        for path in paths:
            status, body = _get(conn, path)
            if status != 200:
                errors.append(f"{url}{path[:80]}: HTTP {status} {body[:300]!r}")
    finally:
        conn.close()
    if errors:
        raise RuntimeError("a request failed before the run: " + "; ".join(errors[:3]))


def run(clients: list[int], seconds: float, rounds: int, serve_args: list[str], out: Any = None) -> dict[str, Any]:
    """Measure both servers; return the rows of the table and the load averages.

    Each row is printed to ``out`` (standard output by default) as soon as it is measured.
    """
    from milia_kg.release import cache

    sparql, rest = catalogue_requests()
    workloads = {"sparql": sparql, "rest": rest}
    rows: list[dict[str, Any]] = []
    load_before = os.getloadavg()
    sides = ("peer", "ours", "cached")
    with tempfile.TemporaryDirectory(prefix="milia-kg-endpoint-") as tmp, \
            peer(cache.reasoned_graph_file("fast"), Path(tmp)) as peer_url, \
            served("--no-answer-cache", *serve_args) as ours, served(*serve_args) as cached:
        urls = {"peer": peer_url, "ours": ours.url, "cached": cached.url}
        for requests in workloads.values():
            for side in sides:
                _check(urls[side], [r.peer if side == "peer" else r.ours for r in requests])
        for n in clients:
            for kind, requests in workloads.items():
                paths = {side: [r.peer if side == "peer" else r.ours for r in requests] for side in sides}
                rates: dict[str, list[float]] = {side: [] for side in sides}
                lats: dict[str, list[float]] = {side: [] for side in sides}
                for _ in range(rounds):
                    for side in sides:
                        rate, latencies, errors = drive(urls[side], paths[side], n, seconds)
                        if errors:
                            raise RuntimeError(f"{side} {kind} x{n}: {len(errors)} failed: {errors[0]}")
                        rates[side].append(rate)
                        lats[side] += latencies
                row: dict[str, Any] = {"workload": kind, "clients": n}
                for side in sides:
                    row[side] = {"rps": round(statistics.median(rates[side]), 1),
                                 "p50_ms": round(_percentile(lats[side], 50), 2),
                                 "p99_ms": round(_percentile(lats[side], 99), 2),
                                 "rounds_rps": [round(r, 1) for r in rates[side]]}
                for side in ("ours", "cached"):
                    row[f"{side}_ratio"] = round(row[side]["rps"] / row["peer"]["rps"], 2)
                    row[f"{side}_p99_ratio"] = round(row[side]["p99_ms"] / max(row["peer"]["p99_ms"], 1e-6), 2)
                rows.append(row)
                print(line(row), file=out or sys.stdout, flush=True)
    return {"rows": rows, "load_before": load_before, "load_after": os.getloadavg(),
            "seconds": seconds, "rounds": rounds, "serve_args": serve_args}


#: The header of the table :func:`line` writes rows of.
HEADER = ("| workload | clients | Oxigraph req/s | ours req/s | ratio | Oxigraph p50 / p99 ms | "
          "ours p50 / p99 ms | p99 ratio | ours with answers kept: req/s (ratio) | its p50 / p99 ms (p99 ratio) |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def line(row: dict[str, Any]) -> str:
    """One row of :data:`HEADER`'s table."""
    peer_, ours, cached = row["peer"], row["ours"], row["cached"]
    return (f"| {row['workload']} | {row['clients']} | {peer_['rps']:,.0f} | {ours['rps']:,.0f} | "
            f"**{row['ours_ratio']:.2f}x** | {peer_['p50_ms']:.1f} / {peer_['p99_ms']:.1f} | "
            f"{ours['p50_ms']:.1f} / {ours['p99_ms']:.1f} | **{row['ours_p99_ratio']:.2f}x** | "
            f"{cached['rps']:,.0f} ({row['cached_ratio']:.2f}x) | {cached['p50_ms']:.1f} / {cached['p99_ms']:.1f} "
            f"({row['cached_p99_ratio']:.2f}x) |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.endpoint", description=__doc__.split("\n")[0])
    parser.add_argument("--clients", default="1,4,16", help="comma-separated numbers of clients")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of each round (bounded: 1-60)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per server (1-10)")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--serve-arg", action="append", default=[], help="an extra option for milia-kg serve")
    options = parser.parse_args(argv)
    clients = [int(c) for c in options.clients.split(",") if c.strip()]
    if not clients or not all(1 <= c <= 64 for c in clients) or not 1 <= options.seconds <= 60 \
            or not 1 <= options.rounds <= 10:
        parser.error("--clients 1-64 each, --seconds 1-60, --rounds 1-10 (the run is bounded)")
    print(HEADER, flush=True)
    try:
        report = run(clients, options.seconds, options.rounds, options.serve_arg)
    except RuntimeError as exc:
        print(f"benchmarks.endpoint: {exc}", file=sys.stderr)
        return 1
    print(f"load average before {report['load_before'][0]:.2f}, after {report['load_after'][0]:.2f}")
    if options.json:
        options.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
