"""Where the time and memory of a first merge go: each stage of the kept store's build, in-process.

``python -m benchmarks._merge_stages FILE... --out DIR`` builds the kept store of the merge of
``FILE...`` in the empty folder ``DIR`` the way :func:`milia_kg.merge.store.kept_store` does
(:func:`milia_kg.merge.store.fill_merged`: the asserted triples load in a thread while the merge
reasons, so the reasoning stage includes that load's share of the interpreter, and the last stage is
the inferred triples' load plus the wait for the thread) and prints one JSON object:
for each stage, the CPU seconds (``time.process_time``, every thread), those of the main thread
(``time.thread_time``: on a machine with a free core, the wall clock follows it), the wall seconds and
the process's peak resident memory after it (``ru_maxrss``).  The hpo group runs it beside the command-line figures.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any

__all__ = ["main"]


class _Clock:
    """Records the CPU and wall time since the previous mark, and the peak memory so far."""

    def __init__(self) -> None:
        self.stages: list[dict[str, Any]] = []
        self._cpu, self._wall, self._main = time.process_time(), time.perf_counter(), time.thread_time()

    def mark(self, stage: str) -> None:
        cpu, wall, main = time.process_time(), time.perf_counter(), time.thread_time()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stages.append({"stage": stage, "cpu_seconds": round(cpu - self._cpu, 3),
                            "main_thread_cpu_seconds": round(main - self._main, 3),
                            "seconds": round(wall - self._wall, 3), "peak_mb": round(peak, 1)})
        self._cpu, self._wall, self._main = cpu, wall, main


def main(argv: list[str]) -> int:
    files, out = argv[:argv.index("--out")], argv[argv.index("--out") + 1]
    clock = _Clock()
    import pyoxigraph as ox

    from milia_kg.merge import store as kept_store

    clock.mark("imports")
    done = ["loading the packaged sources"]

    def step(what: str) -> None:  # called as each stage starts: the previous one ends
        clock.mark(done[-1])
        done.append(what)

    store = ox.Store(out)
    kept_store.fill_merged(store, files, out, step=step)
    store.flush()
    clock.mark(f"Oxigraph bulk load of the rest ({len(store):,} distinct triples)")
    print(json.dumps({"stages": clock.stages}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
