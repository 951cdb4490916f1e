"""Issue 22, target 6, by CPU rather than wall clock: where ``milia-kg build --fresh`` spends its CPU,
split at the fork (:mod:`milia_kg.base.forked`): before it (interpreter, imports, loading, reasoning,
canonical labels), the parent after it (most products), and the child (validation, the JSON-LD).

``python -m benchmarks._measure_build [--rounds 5] [--python OTHER_PYTHON ...]``

On a shared machine a build's wall clock swings 2-3x with the neighbours' load; the CPU of each part
does not (much), and ``before + max(parent after, child)`` is what two free cores would take. Each
round runs the build once with every interpreter given (this one first, then each ``--python``, an
environment with another checkout of milia-kg installed), alternately, in a fresh process; prints
the medians per interpreter. Linux only (``os.fork``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

#: Run in the measured process: marks the CPU time at the fork, and at exit writes its own CPU and its
#: reaped children's (the validation child) as one JSON line.
_PROBE = """
import atexit, json, os, resource, sys, time
from milia_kg.base import forked
start, at_fork = forked.start, []
def marked(*args):
    at_fork.append(time.process_time())
    return start(*args)
forked.start = marked
def report():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(os.environ["MEASURE_BUILD_OUT"], "a", encoding="utf-8") as f:
        f.write(json.dumps({"own": own.ru_utime + own.ru_stime, "child": children.ru_utime + children.ru_stime,
                            "before_fork": at_fork[0] if at_fork else None}) + "\\n")
atexit.register(report)
sys.argv = ["milia-kg", "build", "--fresh", "--out", sys.argv[1]]
from milia_kg.cli import main
main()
"""


def _one(python: str, workdir: Path) -> dict[str, float]:
    """One fresh build with ``python``: wall seconds and the CPU of its parts."""
    record = workdir / "record.jsonl"
    record.unlink(missing_ok=True)
    out = workdir / "release"
    started = os.times().elapsed
    # run from the work folder: ``-c`` puts the current folder first on sys.path, which would make every
    # interpreter import the checkout the script was started in
    subprocess.run([python, "-c", _PROBE, str(out)], check=True, stdout=subprocess.DEVNULL, timeout=300,
                   env={**os.environ, "MEASURE_BUILD_OUT": str(record)}, cwd=workdir)
    wall = os.times().elapsed - started
    found = json.loads(record.read_text(encoding="utf-8").splitlines()[-1])
    if found["before_fork"] is None:
        raise RuntimeError(f"{python}: the build forked no child (a kept release copied?)")
    before = found["before_fork"]
    return {"wall": wall, "before_fork": before, "parent_after": found["own"] - before, "child": found["child"],
            "two_cores": before + max(found["own"] - before, found["child"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--python", action="append", default=[], help="another interpreter to measure alternately")
    args = parser.parse_args(argv)
    pythons = [sys.executable, *args.python]
    runs: dict[str, list[dict[str, float]]] = {p: [] for p in pythons}
    with tempfile.TemporaryDirectory(prefix="measure-build-") as tmp:
        for _ in range(args.rounds):
            for python in pythons:
                runs[python].append(_one(python, Path(tmp)))
    print(f"load average {os.getloadavg()[0]:.2f}; medians of {args.rounds} (seconds)")
    print(f"{'python':45} {'wall':>6} {'before':>7} {'parent':>7} {'child':>6} {'2 cores':>8}")
    for python, done in runs.items():
        m = {k: statistics.median(r[k] for r in done) for k in done[0]}
        print(f"{python:45} {m['wall']:6.3f} {m['before_fork']:7.3f} {m['parent_after']:7.3f} {m['child']:6.3f} "
              f"{m['two_cores']:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
