"""Where the time and memory of a first merge go: each stage of the kept store's build, in-process.

``python -m benchmarks._merge_stages FILE... --out DIR`` builds the kept store of the merge of
``FILE...`` in the empty folder ``DIR`` the way :func:`milia_kg.merge.store.kept_store` does
(:func:`milia_kg.merge.union.merged_triples`, then Oxigraph's bulk loader) and prints one JSON object:
for each stage, the CPU seconds (``time.process_time``), the wall seconds and the process's peak
resident memory after it (``ru_maxrss``).  The hpo group runs it beside the command-line figures.
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
        self._cpu, self._wall = time.process_time(), time.perf_counter()

    def mark(self, stage: str) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stages.append({"stage": stage, "cpu_seconds": round(cpu - self._cpu, 3),
                            "seconds": round(wall - self._wall, 3), "peak_mb": round(peak, 1)})
        self._cpu, self._wall = cpu, wall


def main(argv: list[str]) -> int:
    files, out = argv[:argv.index("--out")], argv[argv.index("--out") + 1]
    clock = _Clock()
    import pyoxigraph as ox

    from milia_kg.merge import store as kept_store
    from milia_kg.merge import union

    clock.mark("imports")
    done = ["loading the packaged sources"]

    def step(what: str) -> None:  # called as each stage starts: the previous one ends
        clock.mark(done[-1])
        done.append(what)

    closure, _ = union.merged_triples(files, step=step)
    clock.mark(f"{done[-1]} ({len(closure):,} triples with duplicates)")
    store = ox.Store(out)
    kept_store.fill(store, closure)
    store.flush()
    clock.mark(f"Oxigraph bulk load ({len(store):,} distinct triples)")
    print(json.dumps({"stages": clock.stages}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
