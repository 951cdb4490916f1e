"""The benchmark groups on the project's graph and on merged graphs (issue 5's other targets).

Each group measures commands or in-process work in fresh processes started through
:mod:`benchmarks._spawn` (so that each peak memory is that process's own) and returns medians of
``repeat`` runs. Baseline and fast side are run alternately in the same run.

- :func:`run_build`: ``milia-kg build --out DIR`` with ``--reasoner owlrl`` and ``--reasoner fast`` from the
  sources, and fast with unchanged inputs (the kept release copied).
- :func:`run_catalogue`: every catalogue query with its example parameters, in-process, on
  Oxigraph and on rdflib (unprepared), with a check that both return the same rows.
- :func:`run_cli`: ``milia-kg query subtypes --format json`` from a cold process, and
  ``python -c "import rdflib"``, with a warm cache; the run that builds the cache apart.
- :func:`run_merged`: the project graph merged with a generated graph and reasoned once (timed
  apart), then loaded into Oxigraph and queried with the whole catalogue.
- :func:`run_classify`: decision support (issue 11): warm ``milia_kg.classify`` per case and
  ``classify_many`` over generated profiles, the naive full closure per case on a small sample, and
  a cold ``milia-kg classify FILE`` against a cold ``milia-kg query subtypes``, alternately.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks._spawn import child_env, launch
from benchmarks.generate import write_turtle

__all__ = ["GROUPS", "Context", "cli_command", "run_build", "run_catalogue", "run_classify", "run_cli", "run_merged"]

ROOT = Path(__file__).resolve().parents[1]
#: Every group, in the order they run; ``scaling`` is :func:`benchmarks.run.run_benchmarks`.
GROUPS = ("scaling", "build", "catalogue", "cli", "merged", "hpo", "classify", "reasoning", "endpoint")
ENGINES = ("rdflib", "oxigraph")  # baseline first
CLI_ARGS = ("query", "subtypes", "--format", "json")
IMPORT_RDFLIB = "import rdflib"


@dataclass
class Context:
    """What the groups of one run share: the work folder, the environment, the warm cache."""

    workdir: Path
    timeout: float = 600
    log: Any = sys.stderr
    cache_build: dict[str, Any] | None = field(default=None)

    @property
    def env(self) -> dict[str, str]:
        """The children's environment (:func:`benchmarks._spawn.child_env`: milia_kg as installed), a cache
        folder of this run, and bytecode written as an installed package has it (PYTHONDONTWRITEBYTECODE
        would make every cold command compile milia_kg's modules again, which a user never waits for)."""
        env = child_env(MILIA_KG_CACHE_DIR=str(self.workdir / "cache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return env

    def run(self, command: list[str], label: str) -> dict[str, Any]:
        """Run ``command`` through the launcher; fail if it times out or exits non-zero."""
        if self.log is not None:
            print(f"  {label}", file=self.log, flush=True)
        record = launch(command, cwd=ROOT, env=self.env, timeout=self.timeout)
        if record is None:
            raise RuntimeError(f"{label}: no result within {self.timeout:.0f} s")
        return record

    def ensure_cache(self) -> dict[str, Any]:
        """Run the CLI once with an empty cache folder, which builds the cache; keep that run."""
        if self.cache_build is None:
            shutil.rmtree(self.workdir / "cache", ignore_errors=True)
            self.cache_build = self.run(cli_command(), "cli: first run, builds the cache")
        return self.cache_build


def cli_command(args: tuple[str, ...] = CLI_ARGS) -> list[str]:
    """The installed ``milia-kg`` console script if it is on PATH, else ``python -m milia_kg``."""
    script = shutil.which("milia-kg")
    prefix = [script] if script else [sys.executable, "-m", "milia_kg"]
    return [*prefix, *args]


def _summary(runs: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "cpu_seconds": statistics.median(r.get("cpu_seconds") or 0.0 for r in runs),
        "peak_mb": statistics.median(r["peak_mb"] for r in runs),
        "runs": len(runs),
        "all_seconds": [round(r["seconds"], 4) for r in runs],
        **extra,
    }


# ----------------------------------------------------------------------------- build

_BUILD_TRIPLES = re.compile(r"triples: (\d+) asserted, (\d+) inferred")
_BUILD_TIME = re.compile(r"time: ([\d.]+) s")


#: The build variants, by name: the reasoner and whether a release kept for the same inputs may be copied.
_BUILDS = {"owlrl": ("owlrl", False), "fast": ("fast", False), "fast_kept": ("fast", True)}


def run_build(ctx: Context, repeat: int) -> dict[str, Any]:
    """``python -m milia_kg build --out DIR --reasoner R`` alternately: owlrl and fast from the sources
    (``--fresh``), and fast with unchanged inputs (the release kept by the fresh build copied)."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in _BUILDS}
    for i in range(repeat):
        for name, done in runs.items():
            reasoner, kept = _BUILDS[name]
            out = ctx.workdir / f"build-{name}-{i}"
            command = [sys.executable, "-m", "milia_kg", "build", "--out", str(out), "--reasoner", reasoner,
                       *(() if kept else ("--fresh",))]
            record = ctx.run(command, f"build {name} run {i + 1}/{repeat}")
            if kept and "kept release copied" not in record["stdout"]:
                raise RuntimeError(f"build {name}: the kept release was not copied: {record['stdout']!r}")
            shutil.rmtree(out, ignore_errors=True)
            done.append(record)
    result = {}
    for reasoner, done in runs.items():
        triples = _BUILD_TRIPLES.search(done[0]["stdout"])
        inside = [float(m.group(1)) for r in done if (m := _BUILD_TIME.search(r["stdout"]))]
        result[reasoner] = _summary(
            done,
            asserted=int(triples.group(1)) if triples else None,
            inferred=int(triples.group(2)) if triples else None,
            in_process_seconds=statistics.median(inside) if inside else None,
        )
    return result


# ----------------------------------------------------------------------------- catalogue


def _catalogue_runs(ctx: Context, engine: str, source: str, passes: int, label: str,
                    budget: float = 20.0, skip: list[str] | None = None) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks._measure_catalogue", "queries", engine, source, str(passes),
               str(budget), ",".join(skip or ())]  # fmt: skip
    record = ctx.run(command, label)
    data = json.loads(record["stdout"].strip().splitlines()[-1])
    data["peak_mb"] = record["peak_mb"]
    return data


def _aggregate(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over runs of one engine, per query (over the runs that ran it) and for the whole catalogue."""
    queries = {}
    for name, q in runs[0]["queries"].items():
        mine = [r["queries"][name] for r in runs if name in r["queries"]]
        queries[name] = {
            "params": q["params"],
            "rows": q["rows"],
            "first": statistics.median(m["first"] for m in mine),
            "median": statistics.median(m["median"] for m in mine),
            "runs": len(mine),
            "calls": sum(m["calls"] for m in mine),
            "rows_key": q["rows_key"],
            "order_key": q["order_key"],
            "stable": all(m["rows_key"] == q["rows_key"] for m in mine),
        }
    complete = [r for r in runs if len(r["queries"]) == len(queries)]
    return {
        "triples": runs[0]["triples"],
        "load_seconds": statistics.median(r["load_seconds"] for r in runs),
        "first_pass_seconds": statistics.median(r["first_pass_seconds"] for r in complete or runs),
        "pass_seconds": statistics.median(r["pass_seconds"] for r in complete or runs),
        "peak_mb": statistics.median(r["peak_mb"] for r in runs),
        "runs": len(runs),
        "queries": queries,
    }


def run_catalogue(ctx: Context, repeat: int, passes: int = 20) -> dict[str, Any]:
    """The catalogue on the project's reasoned graph, rdflib and Oxigraph alternately."""
    ctx.ensure_cache()
    runs: dict[str, list[dict[str, Any]]] = {engine: [] for engine in ENGINES}
    for i in range(repeat):
        for engine, done in runs.items():
            done.append(_catalogue_runs(ctx, engine, "project", passes, f"catalogue on {engine} run {i + 1}/{repeat}"))
    result = {engine: _aggregate(done) for engine, done in runs.items()}
    base, fast = result["rdflib"]["queries"], result["oxigraph"]["queries"]
    result["different_rows"] = sorted(n for n in fast if base[n]["rows_key"] != fast[n]["rows_key"])
    result["different_order"] = sorted(n for n in fast if base[n]["order_key"] != fast[n]["order_key"])
    result["passes"] = passes
    return result


# ----------------------------------------------------------------------------- cold CLI


def run_cli(ctx: Context, repeat: int) -> dict[str, Any]:
    """The cold CLI and ``python -c "import rdflib"``, alternately, after the cache is built."""
    first = ctx.ensure_cache()
    command = cli_command()
    baseline = [sys.executable, "-c", IMPORT_RDFLIB]
    ctx.run(baseline, "cli: warm-up of python -c 'import rdflib' (not counted)")
    runs: dict[str, list[dict[str, Any]]] = {"import": [], "cli": []}
    for i in range(repeat):
        runs["cli"].append(ctx.run(command, f"cli: query subtypes run {i + 1}/{repeat}"))
        runs["import"].append(ctx.run(baseline, f"cli: import rdflib run {i + 1}/{repeat}"))
    rows = len(json.loads(runs["cli"][0]["stdout"]))
    return {
        "command": " ".join(["milia-kg" if shutil.which("milia-kg") else "python -m milia_kg", *CLI_ARGS]),
        "baseline_command": f'python -c "{IMPORT_RDFLIB}"',
        "rows": rows,
        "cli": _summary(runs["cli"]),
        "import": _summary(runs["import"]),
        "first_run": {"seconds": first["seconds"], "peak_mb": first["peak_mb"]},
    }


# ----------------------------------------------------------------------------- merged graph


def run_merged(ctx: Context, size: str, n_triples: int, repeat: int, seed: int, passes: int = 10,
               budget: float = 20.0) -> dict[str, Any]:
    """Project graph + generated graph of ``n_triples``: reason once, then load and query on Oxigraph.

    A query whose first call takes longer than ``budget`` seconds is run in the first process only.
    """
    generated = write_turtle(ctx.workdir / f"generated-{size}.ttl", n_triples, seed)
    merged = ctx.workdir / f"merged-{size}.nt"
    command = [sys.executable, "-m", "benchmarks._measure_catalogue", "merge", str(generated), str(merged)]
    record = ctx.run(command, f"merged {size}: merge, reason, write N-Triples (once)")
    prepare = json.loads(record["stdout"].strip().splitlines()[-1])
    prepare["peak_mb"] = record["peak_mb"]
    runs: list[dict[str, Any]] = []
    skip: list[str] = []
    for i in range(repeat):
        label = f"merged {size}: load + catalogue run {i + 1}/{repeat}"
        label += f" (already measured, not run again: {', '.join(skip)})" if skip else ""
        runs.append(_catalogue_runs(ctx, "oxigraph", str(merged), passes, label, budget, skip))
        skip = skip or sorted(n for n, q in runs[0]["queries"].items() if q["first"] > budget)
    return {"size": size, "prepare": prepare, "oxigraph": _aggregate(runs), "passes": passes, "budget": budget}


# ----------------------------------------------------------------------------- decision support


def _classify_record(ctx: Context, args: list[str], label: str) -> dict[str, Any]:
    record = ctx.run([sys.executable, "-m", "benchmarks._measure_classify", *args], label)
    data: dict[str, Any] = json.loads(record["stdout"].strip().splitlines()[-1])
    data["peak_mb"] = record["peak_mb"]
    return data


def run_classify(ctx: Context, repeat: int, cases: int = 10_000, naive_cases: int = 3, seed: int = 42) -> dict[str, Any]:
    """Warm per-case and ``classify_many`` figures (``repeat`` processes), the naive way (owlrl's full
    closure of graph + case) on ``naive_cases`` of the same profiles, and the cold CLI side by side."""
    ctx.ensure_cache()
    case_file = ctx.workdir / "classify-case.json"
    case_file.write_text(json.dumps({"age_years": 52, "sex": "female", "sites": ["behind the ear"],
                                     "arrangement": "clustered on a raised patch"}), encoding="utf-8")
    classify = cli_command(("classify", str(case_file)))
    ctx.run(classify, "classify: first run, builds the schema module's cache (not counted)")
    warm = [_classify_record(ctx, ["warm", str(cases), str(seed)], f"classify: {cases:,} cases, run {i + 1}/{repeat}")
            for i in range(repeat)]
    naive = _classify_record(ctx, ["naive", str(naive_cases), str(seed), "owlrl"],
                             f"classify: naive owlrl full closure, {naive_cases} cases")
    naive_fast = _classify_record(ctx, ["naive", str(naive_cases), str(seed), "fast"],
                                  f"classify: full closure with the fast reasoner, {naive_cases} cases")
    query = cli_command()
    runs: dict[str, list[dict[str, Any]]] = {"classify": [], "query": []}
    for i in range(max(2 * repeat + 1, 7)):
        runs["classify"].append(ctx.run(classify, f"classify: cold milia-kg classify run {i + 1}"))
        runs["query"].append(ctx.run(query, f"classify: cold milia-kg query subtypes run {i + 1}"))
    keys = ("p50", "p95", "classification_p50", "classification_p95", "many_seconds", "many_cpu_seconds",
            "open_seconds", "peak_mb")
    return {
        "cases": cases, "seed": seed, "runs": repeat,
        "warm": {key: statistics.median(w[key] for w in warm) for key in keys},
        "subtype_counts": warm[0]["subtype_counts"],
        "naive": naive, "naive_fast": naive_fast,
        "cold_classify": _summary(runs["classify"], cpu_seconds=statistics.median(r["cpu_seconds"] for r in runs["classify"])),
        "cold_query": _summary(runs["query"], cpu_seconds=statistics.median(r["cpu_seconds"] for r in runs["query"])),
        "classify_command": "milia-kg classify case.json", "query_command": " ".join(["milia-kg", *CLI_ARGS]),
    }
