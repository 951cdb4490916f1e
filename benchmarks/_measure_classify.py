"""Decision-support measurements (issue 11), each run in its own process (through :mod:`benchmarks._spawn`).

``python -m benchmarks._measure_classify warm CASES SEED`` opens the decision-support context from a
warm cache, classifies each of the :func:`profiles` once as a warm-up (every (subtypes, population)
combination's advice is gathered once), then times ``milia_kg.classify`` on each profile (per-case
p50 and p95), the classification alone (case individuals + prepared engine, no advice), and
``list(milia_kg.classify_many(profiles))`` over all of them (wall clock and process CPU time).

``python -m benchmarks._measure_classify naive CASES SEED REASONER`` is the naive way for the first
CASES profiles: each case's individuals added to the whole asserted graph and the full closure
computed by ``REASONER`` (``owlrl``, or ``fast`` for reference), timed per case; it checks that the
subtypes found equal those of ``milia_kg.classify``.

Both print one JSON object.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from typing import Any

__all__ = ["main", "naive", "profiles", "warm"]

#: Labels of body sites in the graph (resolved as query parameters are).
SITES = ("nose", "cheek", "forehead", "eyelid", "upper arm", "face", "jaw", "behind the ear", "upper abdomen")
_CHOICES: dict[str, tuple[Any, ...]] = {
    "age_group": ("newborn", "infant", "child", "adolescent", "adult", "older adult"),
    "sex": ("female", "male", "other", "unknown"),
    "present_at_birth": (True, False),
    "onset_pattern": ("eruptive over weeks or months", "gradual", "unknown"),
    "heavy_cream_or_ointment_use": (True, False),
    "inherited_disorder": (True, False),
    "arrangement": ("clustered on a raised patch", "scattered", "unknown"),
    "itchy": (True, False),
}
_DAMAGE = ("burn", "rash", "blister", "sun exposure", "other")


def profiles(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` varied, valid case profiles (deterministic for a seed): ages, sites, skin damage and the
    other fields each present or not, so every subtype, several at once and none all occur."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        profile: dict[str, Any] = {"id": f"case-{i}"}
        if rng.random() < 0.7:
            profile["age_years"] = round(rng.choice((rng.uniform(0, 1), rng.uniform(1, 90))), 2)
        for name, options in _CHOICES.items():
            if rng.random() < 0.35 and not (name == "age_group" and "age_years" in profile):
                profile[name] = rng.choice(options)
        if rng.random() < 0.6:
            profile["sites"] = rng.sample(SITES, rng.randint(1, 3))
        if rng.random() < 0.5:
            profile["preceding_skin_damage"] = rng.sample(_DAMAGE, rng.randint(0, 2))
        if len(profile) == 1:
            profile["itchy"] = True
        out.append(profile)
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def warm(n: int, seed: int) -> dict[str, Any]:
    """The warm figures (see the module docstring)."""
    import milia_kg
    from milia_kg.decision import api
    from milia_kg.decision.case_graph import case_graph
    from milia_kg.decision.profile import check_profile

    cases = profiles(n, seed)
    start = time.perf_counter()
    ctx = api._context()
    open_seconds = time.perf_counter() - start
    found = [len(milia_kg.classify(p).subtypes) for p in cases]  # warm-up, and what the cases fall into
    per_case, classification = [], []
    for profile in cases:
        t0 = time.perf_counter()
        milia_kg.classify(profile)
        t1 = time.perf_counter()
        ctx.classifier.classify(case_graph(check_profile(profile), ctx.resolve))
        t2 = time.perf_counter()
        per_case.append(t1 - t0)
        classification.append(t2 - t1)
    wall, cpu = time.perf_counter(), time.process_time()
    results = list(milia_kg.classify_many(cases))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert not [r for r in results if isinstance(r, Exception)], "a generated profile was refused"
    return {
        "cases": n, "open_seconds": open_seconds,
        "p50": statistics.median(per_case), "p95": _percentile(per_case, 0.95),
        "classification_p50": statistics.median(classification),
        "classification_p95": _percentile(classification, 0.95),
        "many_seconds": wall, "many_cpu_seconds": cpu,
        "subtype_counts": {str(k): found.count(k) for k in sorted(set(found))},
    }


def naive(n: int, seed: int, reasoner: str) -> dict[str, Any]:
    """The naive figures (see the module docstring)."""
    import rdflib
    from rdflib import RDF

    import milia_kg
    from milia_kg.decision import api
    from milia_kg.decision.case_graph import case_graph
    from milia_kg.decision.profile import check_profile
    from milia_kg.reasoner import reason
    from milia_kg.release.sources import load_asserted
    from milia_kg.vocab import shorten

    ctx = api._context()
    asserted = load_asserted()
    seconds, agree = [], 0
    for profile in profiles(n, seed):
        case = case_graph(check_profile(profile), ctx.resolve)
        terms = lambda t: rdflib.URIRef(t.value) if t.__class__.__name__ == "NamedNode" else rdflib.BNode(t.value)  # noqa: E731
        start = time.perf_counter()
        union = rdflib.Graph() + asserted
        for triple in case.triples:
            union.add(tuple(terms(t) for t in triple))  # type: ignore[arg-type]
        closure = reason(union, reasoner=reasoner).closure
        found = {str(t) for t in closure.objects(terms(case.case), RDF.type)} & ctx.classifier.subtypes
        seconds.append(time.perf_counter() - start)
        agree += {shorten(t) for t in found} == {s["id"] for s in milia_kg.classify(profile).subtypes}
    return {"cases": n, "reasoner": reasoner, "p50": statistics.median(seconds), "all": seconds, "agree": agree}


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``warm CASES SEED`` or ``naive CASES SEED REASONER``; prints the record as JSON."""
    args = argv if argv is not None else sys.argv[1:]
    record = warm(int(args[1]), int(args[2])) if args[0] == "warm" else naive(int(args[1]), int(args[2]), args[3])
    print(json.dumps(record))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
