"""Benchmark milia-kg's engines against the rdflib + owlrl baseline, on graphs of growing size.

Usage (from the repository root)::

    python -m benchmarks.run [--sizes project,1k,3k,10k,100k,1m] [--repeat 3] [--merge FILE.owl|ttl]

Each size is a graph written by :mod:`benchmarks.generate` (``project`` is the
project's own ontology and data); ``--merge`` adds a real ontology file to each.
Every measurement runs in a fresh subprocess (:mod:`benchmarks._measure`) so its
peak memory is its own; the table shows the median of ``--repeat`` runs and the
ratio baseline / fast, both measured in the same run.  owlrl is only run up to
``--owlrl-max`` triples and is stopped after ``--timeout`` seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.generate import generate_turtle, parse_size  # noqa: E402

__all__ = ["machine_description", "main", "prepare_graph", "render_table", "run_benchmarks"]

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC_LOOKUP = "https://w3id.org/milia-kg/synthetic/Condition-0"
PROJECT_LOOKUP = "https://w3id.org/milia-kg/Milia"
#: (label, baseline task, baseline key, fast task, fast key)
ROWS = (
    ("parse Turtle (rdflib vs pyoxigraph)", "rdflib", "parse", "oxigraph", "parse"),
    ("OWL 2 RL infer() (owlrl vs fast)", "owlrl", "reason", "fast", "reason"),
    ("OWL 2 RL on pyoxigraph (owlrl vs fast)", "owlrl", "reason", "fast-oxigraph", "reason"),
    ("2-hop join (rdflib vs pyoxigraph)", "rdflib", "join", "oxigraph", "join"),
    ("label lookup (rdflib vs pyoxigraph)", "rdflib", "lookup", "oxigraph", "lookup"),
    ("label lookup, prepared (rdflib vs pyoxigraph)", "rdflib", "lookup_prepared", "oxigraph", "lookup"),
)


def machine_description() -> dict[str, str]:
    """CPU model, core count, memory, Python and library versions of this machine."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        mem_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
        memory = f"{mem_kb / 1024**2:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = "unknown"
    from importlib.metadata import version

    libraries = ", ".join(f"{name} {version(name)}" for name in ("rdflib", "owlrl", "pyoxigraph"))
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "python": f"{platform.python_implementation()} {platform.python_version()} ({platform.system()})",
        "libraries": libraries,
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _merge_lines(path: Path) -> str:
    """The triples of an RDF file as N-Triples (valid Turtle), blank nodes renamed apart."""
    import pyoxigraph

    formats = {".owl": pyoxigraph.RdfFormat.RDF_XML, ".rdf": pyoxigraph.RdfFormat.RDF_XML}
    fmt = formats.get(path.suffix.lower())
    lines = []
    for quad in pyoxigraph.parse(path=str(path), format=fmt):
        terms = (quad.subject, quad.predicate, quad.object)
        lines.append(" ".join(f"_:m{t.value}" if isinstance(t, pyoxigraph.BlankNode) else str(t) for t in terms) + " .")
    return "\n".join(lines) + "\n"


def _project_turtle() -> str:
    import rdflib

    graph = rdflib.Graph()
    for source in sorted((ROOT / "ontology").rglob("*.ttl")) + sorted((ROOT / "data").glob("*.ttl")):
        if source.name != "shapes.ttl":
            graph.parse(source, format="turtle")
    return graph.serialize(format="nt")


def prepare_graph(size: str, workdir: Path, seed: int, merge: Path | None) -> tuple[Path, str]:
    """Write the graph for ``size`` (``"project"`` or e.g. ``"10k"``); return its file and a lookup IRI."""
    if size == "project":
        text, lookup = _project_turtle(), PROJECT_LOOKUP
    else:
        text, lookup = generate_turtle(parse_size(size), seed), SYNTHETIC_LOOKUP
    if merge is not None:
        text += _merge_lines(merge)
    path = workdir / f"graph-{size}.ttl"
    path.write_text(text, encoding="utf-8")
    return path, lookup


def _measure(task: str, path: Path, lookup: str, timeout: float) -> dict[str, Any] | None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))))
    command = [sys.executable, "-m", "benchmarks._measure", task, str(path), lookup]
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"{task} on {path.name} failed:\n{error.stderr}") from error
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_benchmarks(
    sizes: list[str],
    repeat: int,
    workdir: Path,
    *,
    seed: int = 42,
    merge: Path | None = None,
    owlrl_max: int = 10_000,
    timeout: float = 600,
    log: Any = sys.stderr,
) -> list[dict[str, Any]]:
    """Measure every task on every size; return one result per size with medians per task."""
    results = []
    for size in sizes:
        path, lookup = prepare_graph(size, workdir, seed, merge)
        tasks = ["rdflib", "oxigraph", "fast", "fast-oxigraph"]
        if size == "project" or parse_size(size) <= owlrl_max:
            tasks.insert(2, "owlrl")
        records: dict[str, Any] = {}
        for task in tasks:
            runs = []
            for _ in range(repeat):
                if log is not None:
                    print(f"  {size}: {task} run {len(runs) + 1}/{repeat}", file=log, flush=True)
                record = _measure(task, path, lookup, timeout)
                if record is None:
                    runs = []
                    records[task] = {"timeout": timeout}
                    break
                runs.append(record)
            if runs:
                records[task] = {
                    "seconds": {key: statistics.median(r["seconds"][key] for r in runs) for key in runs[0]["seconds"]},
                    "peak_mb": statistics.median(r["peak_mb"] for r in runs),
                    "counts": runs[0]["counts"],
                    "runs": len(runs),
                }
        triples = records["rdflib"]["counts"]["triples"]
        results.append({"size": size, "triples": triples, "tasks": records})
    return results


def _seconds(value: float) -> str:
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 0.001:
        return f"{value * 1000:.1f} ms"
    return f"{value * 1000:.3f} ms"


def render_table(results: list[dict[str, Any]]) -> str:
    """A Markdown table: one row per graph and kind of work, medians and ratios."""
    lines = [
        "| graph | triples | work | baseline | fast | ratio | peak MB baseline | peak MB fast |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        tasks = result["tasks"]
        for label, base_task, base_key, fast_task, fast_key in ROWS:
            base, fast = tasks.get(base_task), tasks.get(fast_task)
            if fast is None or "timeout" in fast:
                continue
            fast_s = fast["seconds"][fast_key]
            if base is None:
                base_text, ratio, base_mb = "not run", "", ""
            elif "timeout" in base:
                base_text, ratio, base_mb = f"> {base['timeout']:.0f} s", f"> {base['timeout'] / fast_s:,.0f}x", ""
            else:
                base_s = base["seconds"][base_key]
                base_text, ratio, base_mb = _seconds(base_s), f"{base_s / fast_s:,.1f}x", f"{base['peak_mb']:,.0f}"
            lines.append(
                f"| {result['size']} | {result['triples']:,} | {label} | {base_text} | {_seconds(fast_s)} "
                f"| {ratio} | {base_mb} | {fast['peak_mb']:,.0f} |"
            )
    notes = []
    for result in results:
        tasks = result["tasks"].items()
        counts = {task: record["counts"].get("inferred") for task, record in tasks if "counts" in record}
        if "owlrl" in counts:
            verdict = "equal" if len({counts["owlrl"], counts["fast"]}) == 1 else "DIFFERENT"
            owlrl, fast = counts["owlrl"], counts["fast"]
            notes.append(f"{result['size']}: inferred triples owlrl {owlrl:,}, fast {fast:,} ({verdict})")
        elif "fast" in counts:
            notes.append(f"{result['size']}: inferred triples fast {counts['fast']:,}")
    return "\n".join(lines) + "\n\n" + "\n".join(notes)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; prints the machine, the table and (optionally) writes JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="project,1k,3k,10k,100k,1m", help="comma-separated: project, 1k, 1m ...")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median reported)")
    parser.add_argument("--merge", type=Path, help="ontology file (Turtle, N-Triples, RDF/XML .owl) added to each graph")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--owlrl-max", default="10k", help="largest graph owlrl is run on")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a measurement is abandoned")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--workdir", type=Path, help="where to write the graphs (default: a temporary folder)")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="milia-kg-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        results = run_benchmarks(
            sizes, args.repeat, workdir, seed=args.seed, merge=args.merge,
            owlrl_max=parse_size(args.owlrl_max), timeout=args.timeout,
        )  # fmt: skip
    machine = machine_description()
    print("Machine: " + "; ".join(f"{key}: {value}" for key, value in machine.items()))
    print(f"Command: python -m benchmarks.run {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip())
    print(f"Medians of {args.repeat} run(s); ratio = baseline / fast.\n")
    print(render_table(results))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "results": results}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
