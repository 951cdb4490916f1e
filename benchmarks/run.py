"""Benchmark milia-kg against the rdflib + owlrl baseline: issue 5's measurements in one command.

Usage (from the repository root)::

    python -m benchmarks.run [--only GROUP,...] [--sizes project,1k,3k,10k,100k,1m] [--repeat 3]
                             [--merge FILE.owl|ttl]

Groups (all by default; ``--only`` picks some):

- ``scaling``: parse, OWL 2 RL reasoning, a 2-hop join and a label lookup on each graph of
  ``--sizes``, each a graph written by :mod:`benchmarks.generate` (``project`` is the
  project's own ontology and data); ``--merge`` adds a real ontology file to each.
- ``build``: the ``milia-kg build`` command, ``--reasoner owlrl`` vs ``fast``.
- ``catalogue``: every catalogue query with its example parameters on the project's reasoned
  graph, in-process, rdflib (unprepared) vs pyoxigraph, and whether both return the same rows.
- ``cli``: ``milia-kg query subtypes --format json`` from a cold process vs
  ``python -c "import rdflib"``, with a warm cache (the run that builds it is reported apart).
- ``merged``: for each generated size of ``--sizes`` of at least ``--merged-min`` (100k), the
  project graph merged with it, reasoned once, then loaded into pyoxigraph and queried with the
  whole catalogue. Leave ``1m`` out of ``--sizes`` to skip the 1M work.
- ``hpo``: issue 12's targets (:mod:`benchmarks._hpo`): the first and later ``--merge hp.obo`` of
  the real HPO (``pip install -e '.[bench]'``) against the plain graph, and opening a kept store of
  the 1M merge against loading it from N-Triples (leave ``1m`` out of ``--sizes`` to skip that part).
- ``reasoning``: issue 22's reasoning target: the fast reasoner against the peer ``reasonable``
  (``pip install -e '.[bench]'``; a missing peer stops the run) on the generated sizes 100k and 1m
  of ``--sizes`` (or all of them if neither is listed), reading the Turtle file included.
- ``endpoint``: issue 22's endpoint target (:mod:`benchmarks.endpoint`): ``milia-kg serve`` against
  an Oxigraph server on the same graph, the catalogue over ``/sparql`` and over REST, at
  ``--endpoint-clients`` clients (a missing ``oxigraph`` command stops the run).
- ``classify``: issue 11's decision-support targets: warm ``milia_kg.classify`` per case and
  ``classify_many`` over ``--classify-cases`` generated profiles, beside the naive way (owlrl's full
  closure of graph + case, on ``--naive-cases`` of them), and a cold ``milia-kg classify FILE``
  against a cold ``milia-kg query subtypes``, alternately.

Every measurement runs in a fresh process started through a small launcher
(:mod:`benchmarks._spawn`), so its peak memory is its own; the tables show medians of
``--repeat`` runs and the ratio baseline / fast, both measured in the same run.  owlrl is only
run up to ``--owlrl-max`` triples; a measurement is stopped after ``--timeout`` seconds.
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

from benchmarks import _groups, _hpo, _report, _speed
from benchmarks._spawn import child_env, launch
from benchmarks.generate import generate_turtle, parse_size

__all__ = [
    "machine_description", "main", "prepare_graph", "render_report", "render_table", "run_benchmarks", "run_groups",
]  # fmt: skip

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
        "milia_kg": _measured_package(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _measured_package() -> str:
    """Where the measured children import milia_kg from, and how many of its modules are compiled."""
    probe = ("import importlib.machinery as m, pathlib, milia_kg; root = pathlib.Path(milia_kg.__file__).parent; "
             "print(root, sum(p.name.endswith(tuple(m.EXTENSION_SUFFIXES)) for p in root.rglob('*')))")
    done = subprocess.run([sys.executable, "-c", probe], env=child_env(), capture_output=True, text=True, check=True)
    root, compiled = done.stdout.rsplit(maxsplit=1)
    return f"{root} ({compiled} modules compiled)"


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
    """The project's asserted graph, as the build reasons over it (sources, imports, mappings)."""
    from milia_kg.release.sources import load_asserted

    return load_asserted().serialize(format="nt")


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
    env = child_env()
    command = [sys.executable, "-m", "benchmarks._measure", task, str(path), lookup]
    try:
        record = launch(command, cwd=ROOT, env=env, timeout=timeout)
    except RuntimeError as error:
        raise RuntimeError(f"{task} on {path.name} failed: {error}") from error
    if record is None:
        return None
    return json.loads(str(record["stdout"]).strip().splitlines()[-1])


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


_seconds = _report.seconds_text


def render_table(results: list[dict[str, Any]], extra: list[str] | None = None) -> str:
    """A Markdown table: one row per graph and kind of work, medians and ratios.

    ``extra`` rows (in the same columns) are added after those of ``results``.
    """
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
    lines += extra or []
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


def render_report(report: dict[str, Any]) -> str:
    """Every table of a run: the main table, then one section per group, then issue 5's targets."""
    sections = []
    extra = _report.extra_rows(report)
    if report.get("scaling") or extra:
        sections.append(render_table(report.get("scaling", []), extra).rstrip())
    for key, title, render in (
        ("catalogue", "Catalogue queries on the project's reasoned graph (in-process)", _report.render_catalogue),
        ("cli", "Cold command line", _report.render_cli),
        ("merged", "Catalogue queries on merged graphs (pyoxigraph)", _report.render_merged),
        ("hpo", "Merging the real HPO, kept stores (issue 12)", _hpo.render_hpo),
        ("classify", "Decision support: `milia-kg classify` (issue 11)", _report.render_classify),
        ("reasoning", "Reasoning from a file against `reasonable` (issue 22)", _speed.render_reasoning),
        ("endpoint", "The served endpoint against an Oxigraph server (issue 22)", _speed.render_endpoint),
    ):
        if report.get(key):
            sections.append(f"### {title}\n\n{render(report)}")
    sections.append(f"### Targets of issue 5 measured in this run\n\n{_report.render_targets(report)}")
    sections.append(f"### Targets of issue 22 measured in this run\n\n{_speed.render_targets(report)}")
    return "\n\n".join(sections)


def _merged_sizes(sizes: list[str], smallest: int) -> list[str]:
    """The generated sizes of at least ``smallest`` triples: the graphs the ``merged`` group uses."""
    return [s for s in sizes if s != "project" and parse_size(s) >= smallest]


def run_groups(
    groups: list[str],
    sizes: list[str],
    repeat: int,
    workdir: Path,
    *,
    seed: int = 42,
    merge: Path | None = None,
    hpo_1m: bool = True,
    owlrl_max: int = 10_000,
    merged_min: int = 100_000,
    timeout: float = 600,
    log: Any = sys.stderr,
    classify_cases: int = 10_000,
    naive_cases: int = 3,
    endpoint: tuple[list[int], float, int] = ([1, 4, 16], 5.0, 3),
) -> dict[str, Any]:
    """Run the chosen groups (see the module docstring); return the report :func:`render_report` prints.

    ``endpoint`` is the endpoint group's clients, seconds per round and rounds. The report's
    ``loads`` holds the 1-minute load average at the start and end of each group.
    """
    ctx = _groups.Context(workdir, timeout=timeout, log=log)
    report: dict[str, Any] = {"loads": {}}
    for group in groups:
        if log is not None:
            print(f"{group}:", file=log, flush=True)
        load_start = os.getloadavg()[0]
        if group == "scaling" and sizes:
            report["scaling"] = run_benchmarks(
                sizes, repeat, workdir, seed=seed, merge=merge, owlrl_max=owlrl_max, timeout=timeout, log=log
            )
        elif group == "build":
            report["build"] = _groups.run_build(ctx, repeat)
        elif group == "catalogue":
            report["catalogue"] = _groups.run_catalogue(ctx, repeat)
        elif group == "cli":
            report["cli"] = _groups.run_cli(ctx, repeat)
        elif group == "merged":
            report["merged"] = [
                _groups.run_merged(ctx, size, parse_size(size), repeat, seed)
                for size in _merged_sizes(sizes, merged_min)
            ]
        elif group == "hpo":
            report["hpo"] = _hpo.run_hpo(ctx, repeat, seed, parse_size("1m") if "1m" in sizes and hpo_1m else 0)
        elif group == "classify":
            report["classify"] = _groups.run_classify(ctx, repeat, classify_cases, naive_cases, seed)
        elif group == "reasoning":
            report["reasoning"] = _speed.run_reasoning(ctx, [s for s in sizes if s in ("100k", "1m")] or sizes,
                                                       repeat, seed)
        elif group == "endpoint":
            report["endpoint"] = _speed.run_endpoint(*endpoint, log=log)
        report["loads"][group] = [round(load_start, 2), round(os.getloadavg()[0], 2)]
    return report


def _choice_list(allowed: tuple[str, ...]) -> Any:
    def parse(text: str) -> list[str]:
        chosen = [g.strip() for g in text.split(",") if g.strip()]
        unknown = [g for g in chosen if g not in allowed]
        if unknown or not chosen:
            raise argparse.ArgumentTypeError(f"unknown group(s) {', '.join(unknown)}; choose from {', '.join(allowed)}")
        return [g for g in allowed if g in chosen]  # always in the order of GROUPS

    return parse


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; prints the machine, the tables and (optionally) writes JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", type=_choice_list(_groups.GROUPS), default=list(_groups.GROUPS),
                        help=f"comma-separated groups to run (default: all): {', '.join(_groups.GROUPS)}")
    parser.add_argument("--sizes", default="project,1k,3k,10k,100k,1m",
                        help="comma-separated graphs for the scaling group (project, 1k, 1m ...); "
                             "the merged group uses those of --merged-min and more")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median reported)")
    parser.add_argument("--merge", type=Path, help="ontology file (Turtle, N-Triples, RDF/XML .owl) added to each "
                                                   "graph of the scaling group")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-hpo-1m", dest="hpo_1m", action="store_false",
                        help="the hpo group leaves out the merge of the generated 1M graph even if 1m is a size")
    parser.add_argument("--owlrl-max", default="10k", help="largest graph owlrl is run on")
    parser.add_argument("--merged-min", default="100k", help="smallest generated graph the merged group uses")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a measurement is abandoned")
    parser.add_argument("--classify-cases", type=int, default=10_000, help="generated profiles the classify group runs")
    parser.add_argument("--naive-cases", type=int, default=3,
                        help="profiles the classify group also classifies the naive way (owlrl's full closure)")
    parser.add_argument("--endpoint-clients", default="1,4,16", help="the endpoint group's numbers of clients")
    parser.add_argument("--endpoint-seconds", type=float, default=5.0, help="seconds of each endpoint round")
    parser.add_argument("--endpoint-rounds", type=int, default=3, help="alternating rounds per server, endpoint group")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--workdir", type=Path, help="where to write the graphs (default: a temporary folder)")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    machine = machine_description()
    with tempfile.TemporaryDirectory(prefix="milia-kg-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            report = run_groups(
                args.only, sizes, args.repeat, workdir, seed=args.seed, merge=args.merge, hpo_1m=args.hpo_1m,
                owlrl_max=parse_size(args.owlrl_max), merged_min=parse_size(args.merged_min), timeout=args.timeout,
                classify_cases=args.classify_cases, naive_cases=args.naive_cases,
                endpoint=([int(c) for c in args.endpoint_clients.split(",") if c.strip()], args.endpoint_seconds,
                          args.endpoint_rounds),
            )  # fmt: skip
        except RuntimeError as error:  # a peer missing or failing, a measurement that failed: never skipped
            print(f"benchmarks.run: {error}", file=sys.stderr)
            return 1
    machine["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print("Machine: " + "; ".join(f"{key}: {value}" for key, value in machine.items()))
    print(f"Command: python -m benchmarks.run {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip())
    print(f"Medians of {args.repeat} run(s); ratio = baseline / fast.\n")
    print(render_report(report))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, **report}, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
