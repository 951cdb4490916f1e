"""Issue 22, target 1, by CPU rather than wall clock: CPU milliseconds per request of ``milia-kg
serve`` (its server processes and its query workers apart) and of ``oxigraph serve``, on the same
two workloads as :mod:`benchmarks.endpoint`.

``python -m benchmarks._measure_endpoint [--requests 2000] [--rounds 3] [--clients 1]``

On a shared machine wall-clock throughput swings 2-3x with the neighbours' load; the CPU a server
spends per answer does not (much). Each round sends ``--requests`` requests (``--clients``
keep-alive connections) to each server in turn and reads the user+system time of every process of
that server from ``/proc`` before and after. Prints the median over rounds per server and the
ratio ours / Oxigraph (lower is better; 1 / ratio bounds the throughput ratio when the cores are
the limit). Linux only.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import threading
import urllib.parse
from pathlib import Path

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.endpoint import catalogue_requests, peer
from benchmarks.serve_load import served

_TICK = os.sysconf("SC_CLK_TCK")
_JSON = "application/sparql-results+json"


def _tree(root: int) -> dict[int, int]:
    """Every process under ``root`` (itself included): pid -> depth below ``root``."""
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                fields = Path(f"/proc/{name}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            parents[int(name)] = int(fields[1])
    depth = {root: 0}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if pid not in depth and parent in depth:
                depth[pid] = depth[parent] + 1
                changed = True
    return depth


def _cpu(pid: int) -> float:
    """User + system seconds of ``pid`` (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _by_depth(root: int) -> dict[int, float]:
    """CPU seconds summed by depth under ``root`` (0 the root, 1 its children, ...)."""
    totals: dict[int, float] = {}
    for pid, depth in _tree(root).items():
        totals[depth] = totals.get(depth, 0.0) + _cpu(pid)
    return totals


def _send(url: str, paths: list[str], count: int, clients: int) -> None:
    parts = urllib.parse.urlsplit(url)

    def client(start: int, n: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        for i in range(start, start + n):
            path = paths[i % len(paths)]
            conn.request("GET", path, headers={"Accept": _JSON if "query=" in path else "application/json"})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path[:80]}: HTTP {response.status}")
        conn.close()

    threads = [threading.Thread(target=client, args=(7 * k, count // clients)) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--serve-arg", action="append", default=[])
    args = parser.parse_args(argv)
    from milia_kg.release import cache

    sparql, rest = catalogue_requests()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="milia-kg-cpu-") as tmp, \
            peer(cache.reasoned_graph_file("fast"), Path(tmp)) as peer_url, \
            served("--no-answer-cache", *args.serve_arg) as ours:
        peer_pid = next(pid for pid in _tree(os.getpid()) if Path(f"/proc/{pid}/comm").read_text().strip()
                        == "oxigraph")
        for kind, requests in (("sparql", sparql), ("rest", rest)):
            figures: dict[str, list[float]] = {"peer": [], "ours": [], "server": [], "workers": []}
            for _ in range(args.rounds):
                before = _cpu(peer_pid)
                _send(peer_url, [r.peer for r in requests], args.requests, args.clients)
                figures["peer"].append((_cpu(peer_pid) - before) * 1000 / args.requests)
                start = _by_depth(ours.process.pid)
                _send(ours.url, [r.ours for r in requests], args.requests, args.clients)
                end = _by_depth(ours.process.pid)
                # depth 0: the supervisor (or the only server), 1: servers (or workers), 2: workers
                deepest = max(end)
                workers = end.get(deepest, 0) - start.get(deepest, 0) if deepest > 0 else 0.0
                total = sum(end.values()) - sum(start.values())
                figures["ours"].append(total * 1000 / args.requests)
                figures["workers"].append(workers * 1000 / args.requests)
                figures["server"].append((total - workers) * 1000 / args.requests)
            med = {k: statistics.median(v) for k, v in figures.items()}
            print(f"{kind}: CPU ms/request oxigraph {med['peer']:.3f}, ours {med['ours']:.3f} "
                  f"(server {med['server']:.3f}, query workers {med['workers']:.3f}), "
                  f"ratio {med['ours'] / max(med['peer'], 1e-9):.2f}x; rounds ours "
                  f"{[round(x, 3) for x in figures['ours']]}", flush=True)
    print(f"load average {load[0]:.1f} -> {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
