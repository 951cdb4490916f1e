"""Markdown tables for the groups of :mod:`benchmarks._groups`, and issue 5's targets against a run.

Every function takes the report :func:`benchmarks.run.main` builds
(``{"scaling": [...], "build": {...}, "catalogue": {...}, "cli": {...}, "merged": [...]}``,
each key present only if its group ran) and renders what it holds.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "TARGETS",
    "extra_rows",
    "render_catalogue",
    "render_classify",
    "render_cli",
    "render_merged",
    "render_targets",
    "seconds_text",
]

#: Issue 5's numeric targets.
TARGETS = {
    "build_s": 2.0,
    "reason_ratio": 20.0,
    "reason_100k_s": 15.0,
    "reason_1m_s": 180.0,
    "reason_1m_mb": 6 * 1024,
    "growth_exponent": 1.15,  # "no worse than ~linearly": time grows at most like size^1.15
    "query_ms": 2.0,
    "catalogue_ratio": 10.0,
    "cli_ratio": 2.5,
    "cli_mb": 150.0,
    "merged_load_s": 5.0,
    "merged_query_ms": 50.0,
    # issue 11
    "classify_p50_ms": 2.0,
    "classify_many_s": 20.0,
    "classify_cold_ratio": 1.5,
}


def seconds_text(value: float) -> str:
    """``1.23 s``, ``45.6 ms`` or ``0.123 ms``."""
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 0.001:
        return f"{value * 1000:.1f} ms"
    return f"{value * 1000:.3f} ms"


def _ms(value: float) -> str:
    return f"{value * 1000:.2f} ms" if value < 1 else seconds_text(value)


def _row(graph: str, triples: int | None, work: str, base: dict[str, Any] | None, fast: dict[str, Any],
         base_s: float | None = None, fast_s: float | None = None) -> str:
    """One row in the style of the main table (ratio = baseline / fast)."""
    fast_s = fast["seconds"] if fast_s is None else fast_s
    count = f"{triples:,}" if triples is not None else ""
    if base is None:
        base_text, ratio, base_mb = "not run", "", ""
    else:
        base_s = base["seconds"] if base_s is None else base_s
        base_text, ratio, base_mb = seconds_text(base_s), f"{base_s / fast_s:,.1f}x", f"{base['peak_mb']:,.0f}"
    return (f"| {graph} | {count} | {work} | {base_text} | {seconds_text(fast_s)} | {ratio} "
            f"| {base_mb} | {fast['peak_mb']:,.0f} |")


def extra_rows(report: dict[str, Any]) -> list[str]:
    """Rows for the main table: the build, the whole catalogue, the merged graphs."""
    rows = []
    build = report.get("build")
    if build:
        rows.append(_row("project", build["fast"]["asserted"], "`milia-kg build` command (owlrl vs fast)",
                         build["owlrl"], build["fast"]))
    catalogue = report.get("catalogue")
    if catalogue:
        base, fast = catalogue["rdflib"], catalogue["oxigraph"]
        n = len(fast["queries"])
        rows.append(_row("project, reasoned", fast["triples"], f"whole catalogue, {n} queries (rdflib vs pyoxigraph)",
                         base, fast, base["pass_seconds"], fast["pass_seconds"]))
    for merged in report.get("merged", []):
        fast = merged["oxigraph"]
        graph = f"project + {merged['size']}, reasoned"
        rows.append(_row(graph, fast["triples"], "load N-Triples (pyoxigraph)", None, fast,
                         fast_s=fast["load_seconds"]))
        n = len(fast["queries"])
        rows.append(_row(graph, fast["triples"], f"whole catalogue, {n} queries (pyoxigraph)", None, fast,
                         fast_s=fast["pass_seconds"]))
    return rows


def _params(params: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items()) or "—"


def render_catalogue(report: dict[str, Any]) -> str:
    """Per query on the project graph: rows, rdflib and Oxigraph medians, ratio, same rows."""
    catalogue = report["catalogue"]
    base, fast = catalogue["rdflib"], catalogue["oxigraph"]
    lines = [
        "| query | example | rows | rdflib | pyoxigraph | ratio | same rows |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for name, q in fast["queries"].items():
        b = base["queries"][name]
        same = "yes" if name not in catalogue["different_rows"] else "NO"
        lines.append(f"| `{name}` | {_params(q['params'])} | {q['rows']} | {_ms(b['median'])} | {_ms(q['median'])} "
                     f"| {b['median'] / q['median']:,.0f}x | {same} |")
    lines.append(f"| whole catalogue (one pass) | | | {_ms(base['pass_seconds'])} | {_ms(fast['pass_seconds'])} "
                 f"| {base['pass_seconds'] / fast['pass_seconds']:,.0f}x | "
                 f"{'yes' if not catalogue['different_rows'] else 'NO'} |")
    notes = [
        f"Medians of {fast['runs']} process(es) per engine, each the median of {catalogue['passes']} passes over "
        "the catalogue after a first pass, which is not counted.",
        f"Load (`KnowledgeGraph.open`, warm cache): rdflib {seconds_text(base['load_seconds'])}, "
        f"pyoxigraph {seconds_text(fast['load_seconds'])}. First pass: rdflib "
        f"{seconds_text(base['first_pass_seconds'])}, pyoxigraph {seconds_text(fast['first_pass_seconds'])}. "
        f"Peak memory: rdflib {base['peak_mb']:,.0f} MB, pyoxigraph {fast['peak_mb']:,.0f} MB.",
    ]
    if catalogue["different_order"]:
        notes.append("Same rows in a different order: " + ", ".join(catalogue["different_order"]) + ".")
    return "\n".join(lines) + "\n\n" + "\n".join(notes)


def render_cli(report: dict[str, Any]) -> str:
    """The cold command line against ``python -c "import rdflib"``."""
    cli = report["cli"]
    lines = [
        "| command | median | peak MB | runs |",
        "|---|---:|---:|---:|",
        f"| `{cli['baseline_command']}` | {seconds_text(cli['import']['seconds'])} "
        f"| {cli['import']['peak_mb']:,.0f} | {cli['import']['runs']} |",
        f"| `{cli['command']}` ({cli['rows']} rows), warm cache | {seconds_text(cli['cli']['seconds'])} "
        f"| {cli['cli']['peak_mb']:,.0f} | {cli['cli']['runs']} |",
        f"| the same, first run: builds the cache (not counted) | {seconds_text(cli['first_run']['seconds'])} "
        f"| {cli['first_run']['peak_mb']:,.0f} | 1 |",
    ]
    ratio = cli["cli"]["seconds"] / cli["import"]["seconds"]
    return "\n".join(lines) + f"\n\nCLI / import rdflib: {ratio:.2f}x (measured alternately in the same run)."


def render_classify(report: dict[str, Any]) -> str:
    """Warm per case and for many cases, beside the naive way; the cold command line side by side."""
    c = report["classify"]
    warm, naive, naive_fast = c["warm"], c["naive"], c["naive_fast"]
    per_case = warm["many_seconds"] / c["cases"]
    lines = [
        "| work | median | p95 | naive way (full closure of graph + case) | ratio |",
        "|---|---:|---:|---:|---:|",
        f"| `milia_kg.classify(profile)`, warm, per case (classification + advice) | {_ms(warm['p50'])} "
        f"| {_ms(warm['p95'])} | owlrl {seconds_text(naive['p50'])} | {naive['p50'] / warm['p50']:,.0f}x |",
        f"| the classification alone (case individuals + prepared schema module) | {_ms(warm['classification_p50'])} "
        f"| {_ms(warm['classification_p95'])} | fast reasoner {seconds_text(naive_fast['p50'])} "
        f"| {naive_fast['p50'] / warm['classification_p50']:,.0f}x |",
        f"| `list(classify_many(...))`, {c['cases']:,} cases | {seconds_text(warm['many_seconds'])} "
        f"(CPU {seconds_text(warm['many_cpu_seconds'])}) | | owlrl, estimated: "
        f"{naive['p50'] * c['cases'] / 3600:,.1f} h | {naive['p50'] / per_case:,.0f}x |",
    ]
    cold, query = c["cold_classify"], c["cold_query"]
    lines += [
        "",
        "| cold command (warm cache) | median | median CPU | runs (s) | peak MB |",
        "|---|---:|---:|---|---:|",
        f"| `{c['query_command']}` | {seconds_text(query['seconds'])} | {seconds_text(query['cpu_seconds'])} "
        f"| {', '.join(f'{s:.2f}' for s in query['all_seconds'])} | {query['peak_mb']:,.0f} |",
        f"| `{c['classify_command']}` | {seconds_text(cold['seconds'])} | {seconds_text(cold['cpu_seconds'])} "
        f"| {', '.join(f'{s:.2f}' for s in cold['all_seconds'])} | {cold['peak_mb']:,.0f} |",
    ]
    counts = ", ".join(f"{n} subtype(s): {k:,}" for n, k in c["subtype_counts"].items())
    notes = [
        f"Warm figures: medians of {c['runs']} process(es), each over {c['cases']:,} generated profiles "
        f"(seed {c['seed']}; {counts}) after one warm-up pass; opening the context (graph + cached schema "
        f"module) took {seconds_text(warm['open_seconds'])}, peak {warm['peak_mb']:,.0f} MB. The naive way: "
        f"{naive['cases']} of the same profiles, each added to the whole asserted graph and closed from scratch "
        f"(owlrl: {', '.join(seconds_text(s) for s in naive['all'])}; the same subtypes as `classify` for "
        f"{naive['agree']} of {naive['cases']}). Cold: {len(cold['all_seconds'])} runs of each, alternately; "
        f"classify / query: {cold['seconds'] / query['seconds']:.2f}x wall clock, "
        f"{cold['cpu_seconds'] / query['cpu_seconds']:.2f}x CPU.",
    ]
    return "\n".join(lines) + "\n\n" + "\n".join(notes)


def _classify_targets(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    c = report.get("classify")
    if not c:
        return []
    warm = c["warm"]
    ratio = c["cold_classify"]["seconds"] / c["cold_query"]["seconds"]
    return [
        ("issue 11: warm `classify` p50 per case <= 2 ms", _ms(warm["p50"]),
         _verdict(warm["p50"] * 1000, TARGETS["classify_p50_ms"], unit=" ms")),
        (f"issue 11: {c['cases']:,} cases (`classify_many`) <= 20 s on one core",
         f"{seconds_text(warm['many_seconds'])} (CPU {seconds_text(warm['many_cpu_seconds'])})",
         _verdict(warm["many_seconds"], TARGETS["classify_many_s"], unit=" s")),
        ("issue 11: cold `milia-kg classify` <= 1.5x cold `query subtypes`",
         f"{seconds_text(c['cold_classify']['seconds'])} vs {seconds_text(c['cold_query']['seconds'])}: {ratio:.2f}x",
         _verdict(ratio, TARGETS["classify_cold_ratio"], unit="x")),
    ]


def render_merged(report: dict[str, Any]) -> str:
    """Per merged graph: how it was prepared, the load, and each query."""
    parts = []
    for merged in report["merged"]:
        prep, fast = merged["prepare"], merged["oxigraph"]
        parts.append(
            f"project + {merged['size']}: {prep['asserted']:,} asserted triples, {prep['triples']:,} after reasoning. "
            f"Prepared once (not counted): rdflib parse {seconds_text(prep['parse_seconds'])}, "
            f"`reasoning.reason` (fast) {seconds_text(prep['reason_seconds'])}, N-Triples output "
            f"{seconds_text(prep['write_seconds'])}, peak {prep['peak_mb']:,.0f} MB. Load into pyoxigraph: "
            f"{seconds_text(fast['load_seconds'])}; process peak {fast['peak_mb']:,.0f} MB; medians of "
            f"{fast['runs']} process(es), each the median of {merged['passes']} passes after a first pass. "
            f"A query is not repeated once it has run for {merged['budget']:.0f} s in a process, and one whose "
            "first call took longer runs in the first process only."
        )
        lines = ["| query | example | rows | first call | median |", "|---|---|---:|---:|---:|"]
        short = False
        for name, q in fast["queries"].items():
            median = _ms(q["median"])
            if q["calls"] == 0:
                median, short = f"{median} (one call, in {q['runs']} process(es))", True
            elif q["calls"] < q["runs"] * merged["passes"]:
                median, short = f"{median} ({q['calls']} calls)", True
            lines.append(f"| `{name}` | {_params(q['params'])} | {q['rows']:,} | {_ms(q['first'])} | {median} |")
        whole = "sum of the medians" if short else "one pass"
        lines.append(f"| whole catalogue ({whole}) | | | {_ms(fast['first_pass_seconds'])} "
                     f"| {_ms(fast['pass_seconds'])} |")
        slow = [n for n, q in fast["queries"].items() if q["calls"] == 0]
        if slow:
            rest = sum(q["median"] for n, q in fast["queries"].items() if n not in slow)
            lines.append(f"| whole catalogue without {', '.join(f'`{n}`' for n in slow)} (sum of the medians) "
                         f"| | | | {_ms(rest)} |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


# ----------------------------------------------------------------------------- targets


def _verdict(value: float, limit: float, *, at_least: bool = False, unit: str = "") -> str:
    """``met``, or by how much it is missed: ``missed by X (Y %)``, or ``missed: Nx the limit``."""
    ok = value >= limit if at_least else value <= limit
    if ok:
        return "met"
    if not at_least and value >= 2 * limit:
        times = value / limit
        return f"missed: {times:,.1f}x the limit" if times < 10 else f"missed: {times:,.0f}x the limit"
    gap = limit - value if at_least else value - limit
    return f"missed by {gap:,.2f}{unit} ({gap / limit:.0%})"


def _scaling(report: dict[str, Any], size: str) -> dict[str, Any] | None:
    return next((r for r in report.get("scaling", []) if r["size"] == size), None)


def _reason_targets(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows = []
    project = _scaling(report, "project")
    if project and "seconds" in project["tasks"].get("owlrl", {}) and "seconds" in project["tasks"].get("fast", {}):
        owlrl, fast = project["tasks"]["owlrl"]["seconds"]["reason"], project["tasks"]["fast"]["seconds"]["reason"]
        rows.append(("reasoning step on the project graph >= 20x faster than owlrl",
                     f"{seconds_text(owlrl)} vs {seconds_text(fast)}: {owlrl / fast:.0f}x",
                     _verdict(owlrl / fast, TARGETS["reason_ratio"], at_least=True, unit="x")))
    small, large = _scaling(report, "100k"), _scaling(report, "1m")
    if small and "seconds" in small["tasks"].get("fast", {}):
        t = small["tasks"]["fast"]["seconds"]["reason"]
        rows.append(("reasoning, 100k triples <= 15 s", seconds_text(t),
                     _verdict(t, TARGETS["reason_100k_s"], unit=" s")))
    if large and "seconds" in large["tasks"].get("fast", {}):
        t, mb = large["tasks"]["fast"]["seconds"]["reason"], large["tasks"]["fast"]["peak_mb"]
        rows.append(("reasoning, 1M triples <= 3 min", seconds_text(t), _verdict(t, TARGETS["reason_1m_s"], unit=" s")))
        rows.append(("reasoning, 1M triples <= 6 GB peak", f"{mb:,.0f} MB",
                     _verdict(mb, TARGETS["reason_1m_mb"], unit=" MB")))
        if small and "seconds" in small["tasks"].get("fast", {}):
            t0 = small["tasks"]["fast"]["seconds"]["reason"]
            k = math.log(t / t0) / math.log(large["triples"] / small["triples"])
            rows.append(("reasoning time grows ~linearly from 100k to 1M (exponent <= 1.15)",
                         f"x{t / t0:.1f} for x{large['triples'] / small['triples']:.1f} triples: size^{k:.2f}",
                         _verdict(k, TARGETS["growth_exponent"])))
    return rows


def render_targets(report: dict[str, Any]) -> str:
    """Each target of issue 5 this run measured: the number and whether it is met."""
    rows: list[tuple[str, str, str]] = []
    build = report.get("build")
    if build:
        t = build["fast"]["seconds"]
        rows.append(("build of the project graph (`milia-kg build`) median <= 2 s", seconds_text(t),
                     _verdict(t, TARGETS["build_s"], unit=" s")))
    rows += _reason_targets(report)
    catalogue = report.get("catalogue")
    if catalogue:
        queries = catalogue["oxigraph"]["queries"]
        slowest = max(queries, key=lambda n: queries[n]["median"])
        over = [f"`{n}` {_ms(q['median'])}" for n, q in queries.items() if q["median"] * 1000 > TARGETS["query_ms"]]
        worst = queries[slowest]["median"] * 1000
        measured = f"slowest `{slowest}` {worst:.2f} ms" + (f"; over 2 ms: {', '.join(over)}" if over else "")
        rows.append(("each catalogue query on the project graph, median <= 2 ms (pyoxigraph)", measured,
                     _verdict(worst, TARGETS["query_ms"], unit=" ms")))
        ratio = catalogue["rdflib"]["pass_seconds"] / catalogue["oxigraph"]["pass_seconds"]
        same = "same rows" if not catalogue["different_rows"] else f"DIFFERENT rows: {catalogue['different_rows']}"
        verdict = _verdict(ratio, TARGETS["catalogue_ratio"], at_least=True, unit="x")
        rows.append(("whole catalogue >= 10x faster than rdflib (unprepared), same rows", f"{ratio:.0f}x, {same}",
                     verdict if not catalogue["different_rows"] else "missed: rows differ"))
    cli = report.get("cli")
    if cli:
        ratio = cli["cli"]["seconds"] / cli["import"]["seconds"]
        rows.append(("cold `query subtypes --format json` <= 2.5x `python -c \"import rdflib\"`",
                     f"{seconds_text(cli['cli']['seconds'])} vs {seconds_text(cli['import']['seconds'])}: {ratio:.2f}x",
                     _verdict(ratio, TARGETS["cli_ratio"], unit="x")))
        rows.append(("cold CLI peak memory <= 150 MB", f"{cli['cli']['peak_mb']:,.0f} MB",
                     _verdict(cli["cli"]["peak_mb"], TARGETS["cli_mb"], unit=" MB")))
    rows += _classify_targets(report)
    for merged in report.get("merged", []):
        fast = merged["oxigraph"]
        graph = f"project + {merged['size']} ({fast['triples']:,} triples reasoned)"
        rows.append((f"{graph}: load <= 5 s", seconds_text(fast["load_seconds"]),
                     _verdict(fast["load_seconds"], TARGETS["merged_load_s"], unit=" s")))
        queries = fast["queries"]
        slowest = max(queries, key=lambda n: queries[n]["median"])
        worst = queries[slowest]["median"] * 1000
        limit = TARGETS["merged_query_ms"]
        over = [f"`{n}` {_ms(q['median'])}" for n, q in queries.items() if q["median"] * 1000 > limit]
        measured = f"slowest `{slowest}` {worst:,.1f} ms"
        if over:
            measured = f"{len(queries) - len(over)} of {len(queries)} queries within; over 50 ms: {', '.join(over)}"
        rows.append((f"{graph}: each catalogue query median <= 50 ms", measured,
                     _verdict(worst, TARGETS["merged_query_ms"], unit=" ms")))
    lines = ["| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {target} | {measured} | {verdict} |" for target, measured, verdict in rows]
    return "\n".join(lines)
