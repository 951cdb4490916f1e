"""Open a kept merge store, or load N-Triples into memory, and answer a first query; print the time.

``python -m benchmarks._measure_store store DIR`` | ``ntriples FILE.nt`` prints
``{"seconds": ...}``: from before opening to after the first query's answer, in-process (the
launcher adds the interpreter's start). ``dump DIR FILE.nt`` writes a store's triples as N-Triples.
"""

from __future__ import annotations

import json
import sys
import time

FIRST_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?o }"


def main(argv: list[str]) -> int:
    kind, path = argv[0], argv[1]
    if kind == "dump":
        import pyoxigraph as ox

        ox.Store.read_only(path).dump(argv[2], format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        return 0
    start = time.perf_counter()
    if kind == "store":
        from milia_kg.merge.store import open_store

        kg = open_store(path)
    else:
        from milia_kg.query.kg import KnowledgeGraph

        kg = KnowledgeGraph.from_file(path)
    rows = kg.sparql(FIRST_QUERY, labels=False)
    print(json.dumps({"seconds": time.perf_counter() - start, "first_query": str(rows[0]["n"])}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
