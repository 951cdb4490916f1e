"""Issue 22's targets, each against a peer measured in the same run.

- :func:`run_reasoning` (group ``reasoning``): the fast reasoner against ``reasonable`` on generated
  graphs, reading the Turtle file included (:mod:`benchmarks._measure_reasonable`), alternately in
  fresh processes. A missing peer stops the run with an error: it is never skipped.
- :func:`run_endpoint` (group ``endpoint``): the served endpoint against an Oxigraph server
  (:mod:`benchmarks.endpoint`); a missing ``oxigraph`` command stops the run.
- :func:`render_targets`: every target of the issue this run measured (the endpoint; reasoning; the cold command
  line from the ``cli`` and ``classify`` groups; ``classify_many`` from ``classify``; the build
  from ``build``), with the peer's figure, ours and the ratio.
"""

from __future__ import annotations

import json
import statistics
import sys
from typing import Any

from benchmarks._groups import Context
from benchmarks.generate import parse_size, write_turtle

__all__ = [
    "PEER_INSTALL", "TARGETS", "check_peer", "render_endpoint", "render_reasoning", "render_targets", "run_endpoint",
    "run_reasoning",
]  # fmt: skip

#: How to install the peers (the ``bench`` extra of pyproject.toml).
PEER_INSTALL = "pip install -e '.[bench]'"
#: Issue 22's numbers: ratios of the peer's time to ours, or limits.
TARGETS = {
    "endpoint_ratio": 0.5,  # ours / Oxigraph server, requests per second, no answer cache
    "endpoint_p99_ratio": 3.0,  # ours / Oxigraph server, 99th percentile latency
    "reason_ratio": 3.0,  # reasonable / fast, at 100k and 1M, parse included
    "cli_ratio": 0.6,  # cold query / import rdflib
    "classify_cold_ratio": 1.2,  # cold classify / cold query
    "classify_per_s": 3000.0,  # classify_many, warm
    "build_s": 0.7,
    "later_merge_s": 0.15,  # a repeated --merge hp.obo query
    "first_merge_s": 3.0,
    "first_merge_mb": 300.0,
}


def check_peer(ctx: Context, module: str) -> None:
    """Fail loudly when a peer cannot be imported in the children's environment."""
    try:
        ctx.run([sys.executable, "-c", f"import {module}"], f"checking that the peer {module!r} is installed")
    except RuntimeError as error:
        last = str(error).strip().splitlines()[-1]
        raise RuntimeError(f"the peer {module!r} cannot be imported ({last}); install it with {PEER_INSTALL}: "
                           "a peer is measured, never skipped") from None


def _task(ctx: Context, task: str, path: str, label: str) -> dict[str, Any]:
    record = ctx.run([sys.executable, "-m", "benchmarks._measure_reasonable", task, path], label)
    data: dict[str, Any] = json.loads(record["stdout"].strip().splitlines()[-1])
    data["peak_mb"] = record["peak_mb"]
    data["wall_seconds"] = record["seconds"]
    data["cpu_seconds"] = record["cpu_seconds"]
    return data


def run_reasoning(ctx: Context, sizes: list[str], repeat: int, seed: int) -> list[dict[str, Any]]:
    """The fast reasoner and ``reasonable`` on each generated size, alternately, ``repeat`` times each."""
    check_peer(ctx, "reasonable")
    results = []
    for size in (s for s in sizes if s != "project"):
        path = str(write_turtle(ctx.workdir / f"reasoning-{size}.ttl", parse_size(size), seed))
        runs: dict[str, list[dict[str, Any]]] = {"reasonable": [], "fast": []}
        for i in range(repeat):
            for task, done in runs.items():
                done.append(_task(ctx, task, path, f"reasoning {size}: {task} run {i + 1}/{repeat}"))
        results.append({
            "size": size,
            **{task: {"seconds": statistics.median(r["seconds"] for r in done),
                      "cpu_seconds": statistics.median(r["cpu_seconds"] for r in done),
                      "peak_mb": statistics.median(r["peak_mb"] for r in done),
                      "output": done[0]["output"], "asserted": done[0]["asserted"],
                      "all_seconds": [round(r["seconds"], 3) for r in done]}
               for task, done in runs.items()},
        })
    return results


def run_endpoint(clients: list[int], seconds: float, rounds: int, log: Any = sys.stderr) -> dict[str, Any]:
    """Target 1: :func:`benchmarks.endpoint.run`, its rows printed to ``log`` as they come."""
    from benchmarks import endpoint

    if log is not None:
        print(endpoint.HEADER, file=log, flush=True)
    return endpoint.run(clients, seconds, rounds, [], out=log)


def render_endpoint(report: dict[str, Any]) -> str:
    """The endpoint table, as :mod:`benchmarks.endpoint` prints it, with the load averages."""
    from benchmarks import endpoint

    data = report["endpoint"]
    rows = "\n".join(endpoint.line(row) for row in data["rows"])
    return (f"{endpoint.HEADER}\n{rows}\n\n{data['rounds']} rounds of {data['seconds']:g} s per server and cell, "
            f"load average {data['load_before'][0]:.2f} before and {data['load_after'][0]:.2f} after.")


def _s(value: float) -> str:
    return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.1f} ms"


def render_reasoning(report: dict[str, Any]) -> str:
    """One row per size: the peer, ours, the ratio, peak memory, and what each hands back."""
    lines = ["| graph | reasonable | fast | ratio | peak MB reasonable | peak MB fast | runs (s) reasonable; fast |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for r in report["reasoning"]:
        peer, ours = r["reasonable"], r["fast"]
        lines.append(
            f"| {r['size']} ({ours['asserted']:,} triples) | {_s(peer['seconds'])} | {_s(ours['seconds'])} "
            f"| {peer['seconds'] / ours['seconds']:.2f}x | {peer['peak_mb']:,.0f} | {ours['peak_mb']:,.0f} "
            f"| {', '.join(map(str, peer['all_seconds']))}; {', '.join(map(str, ours['all_seconds']))} |")
    notes = [f"{r['size']}: reasonable returns {r['reasonable']['output']:,} triples (its closure, asserted "
             f"included); the fast engine {r['fast']['output']:,} inferred (owlrl's closure minus the input)"
             for r in report["reasoning"]]
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {n}" for n in notes)


def _cpu(record: dict[str, Any]) -> str:
    """A median wall time, with the process's CPU time when the run recorded it."""
    cpu = record.get("cpu_seconds")
    return f"{_s(record['seconds'])} (CPU {_s(cpu)})" if cpu else _s(record["seconds"])


def _verdict(ok: bool) -> str:
    return "met" if ok else "missed"


def render_targets(report: dict[str, Any]) -> str:
    """Issue 22's targets that this run measured: peer, ours, ratio, verdict, and the 1-minute load
    average at the start and end of the group that measured it."""
    rows: list[tuple[str, ...]] = []
    loads = report.get("loads", {})

    def load(group: str) -> str:
        start, end = loads.get(group, (None, None))
        return f"{start:.1f}-{end:.1f}" if start is not None else ""

    for row in (report.get("endpoint") or {}).get("rows", []):
        peer, ours = row["peer"], row["ours"]
        path = "`/sparql`" if row["workload"] == "sparql" else "REST `/api/queries/NAME`"
        ok = row["ours_ratio"] >= TARGETS["endpoint_ratio"] and row["ours_p99_ratio"] <= TARGETS["endpoint_p99_ratio"]
        rows.append((f"1. {path}, {row['clients']} client(s), no answer cache: >= 0.5x the Oxigraph server's req/s, "
                     "p99 <= 3x", f"{peer['rps']:,.0f} req/s, p99 {peer['p99_ms']:.1f} ms",
                     f"{ours['rps']:,.0f} req/s, p99 {ours['p99_ms']:.1f} ms",
                     f"{row['ours_ratio']:.2f}x (p99 {row['ours_p99_ratio']:.2f}x)", _verdict(ok), load("endpoint")))
    for r in report.get("reasoning", []):
        peer, ours = r["reasonable"]["seconds"], r["fast"]["seconds"]
        rows.append((f"2. reasoning {r['size']}, parse included, >= 3x faster than `reasonable`",
                     _cpu(r["reasonable"]), _cpu(r["fast"]), f"{peer / ours:.2f}x",
                     _verdict(peer / ours >= TARGETS["reason_ratio"]), load("reasoning")))
    cli = report.get("cli")
    if cli:
        peer, ours = cli["import"], cli["cli"]
        rows.append(("3. cold `query subtypes --format json` <= 0.6x `python -c \"import rdflib\"`",
                     _cpu(peer), _cpu(ours), f"{ours['seconds'] / peer['seconds']:.2f}x",
                     _verdict(ours["seconds"] / peer["seconds"] <= TARGETS["cli_ratio"]), load("cli")))
    c = report.get("classify")
    if c:
        peer, ours = c["cold_query"]["seconds"], c["cold_classify"]["seconds"]
        rows.append(("3. cold `milia-kg classify` <= 1.2x cold `query subtypes`", _s(peer), _s(ours),
                     f"{ours / peer:.2f}x", _verdict(ours / peer <= TARGETS["classify_cold_ratio"]), load("classify")))
        per_s = c["cases"] / c["warm"]["many_seconds"]
        per_cpu = c["cases"] / c["warm"]["many_cpu_seconds"]
        naive = c["naive"]["p50"]
        rows.append(("4. `classify_many` >= 3,000 cases/s warm (peer: owlrl's full closure per case)",
                     f"{1 / naive:.2f} cases/s", f"{per_s:,.0f} cases/s (CPU: {per_cpu:,.0f})",
                     f"{per_s * naive:,.0f}x", _verdict(per_s >= TARGETS["classify_per_s"]), load("classify")))
    build = report.get("build")
    if build:
        peer = build["owlrl"]["seconds"]
        for name, what in (("fast", "from the sources (`--fresh`)"), ("fast_kept", "unchanged inputs (kept release)")):
            if name in build:
                ours = build[name]["seconds"]
                rows.append((f"6. `milia-kg build` <= 0.7 s, {what} (peer: the owlrl build from the sources)",
                             _cpu(build["owlrl"]), _cpu(build[name]), f"{peer / ours:.2f}x",
                             _verdict(ours <= TARGETS["build_s"]), load("build")))
    hpo = (report.get("hpo") or {}).get("hpo") or {}
    if "first" in hpo:
        plain = hpo["plain"]["seconds"]
        later, first = hpo["later"], hpo["first"]
        rows.append(("5. a later cold `--merge hp.obo` query <= 0.15 s (peer: the same query on the plain graph)",
                     _s(plain), _s(later["seconds"]), f"{later['seconds'] / plain:.2f}x",
                     _verdict(later["seconds"] <= TARGETS["later_merge_s"]), load("hpo")))
        if "later_curie" in hpo:  # a CURIE the kept store has not resolved before
            curie, plain_curie = hpo["later_curie"]["seconds"], hpo["plain_curie"]["seconds"]
            rows.append(("5. the same with a CURIE parameter new to the kept store <= 0.15 s (peer: the same on "
                         "the plain graph)", _s(plain_curie), _s(curie), f"{curie / plain_curie:.2f}x",
                         _verdict(curie <= TARGETS["later_merge_s"]), load("hpo")))
        rows.append(("5. the first `--merge hp.obo` query <= 3 s and <= 300 MB (peer: the plain query)", _s(plain),
                     f"{_s(first['seconds'])} (CPU {_s(first['cpu_seconds'])}), {first['peak_mb']:,.0f} MB",
                     f"{first['seconds'] / plain:.0f}x", _verdict(first["seconds"] <= TARGETS["first_merge_s"]
                                                                and first["peak_mb"] <= TARGETS["first_merge_mb"]),
                     load("hpo")))
    lines = ["| target | peer | ours | ratio | verdict | load |", "|---|---:|---:|---:|---|---:|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines)
