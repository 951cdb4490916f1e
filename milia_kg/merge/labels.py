"""The labels and synonyms of a kept store, written beside it when it is built.

Why: a label parameter (``-p entity=milia``) is resolved by one regular-expression query over every
label of the graph (:class:`milia_kg.query.params.Resolver`); on the HPO merge's 19,800 labels that
is 0.125-0.133 s, paid by the first query of every new merge and by each new label after. The merge
holds those triples in memory anyway, so it writes them beside the store, and a query on the store
looks labels up in them. The file lies in the store's folder, so the store's manifest lists it and
it is checked with Oxigraph's own files (:mod:`milia_kg.merge.manifest`); a store without it (an
owlrl merge, an older store) is asked as before.

>>> import pyoxigraph as ox
>>> a, label = ox.NamedNode("http://example.org/a"), ox.NamedNode(LABEL_PREDICATES[0])  # rdfs:label
>>> label_rows([(a, label, ox.Literal("A", language="en")), (a, label, ox.Literal("A")), (a, a, ox.Literal("x"))])
[('http://example.org/a', 'http://www.w3.org/2000/01/rdf-schema#label', 'A')]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from milia_kg.base import files
from milia_kg.errors import InputFileError, StoreError
from milia_kg.query.params import LABEL_PREDICATES

__all__ = ["FILE", "label_rows", "reader", "write"]

#: The file beside a kept store's own.
FILE = "milia-kg-labels.json"
#: What :data:`milia_kg.query.params.LABELS_QUERY` reads.
_PREDICATES = frozenset(LABEL_PREDICATES)


def label_rows(triples: Iterable[tuple[Any, Any, Any]]) -> list[tuple[str, str, str]]:
    """The rows :data:`~milia_kg.query.params.LABELS_QUERY` gives on a store of ``triples``
    (pyoxigraph terms): an IRI, a label predicate and a literal's lexical form, each once."""
    named, literal, wanted = ox.NamedNode, ox.Literal, _PREDICATES
    return sorted({(s.value, p.value, o.value) for s, p, o in triples
                   if type(o) is literal and type(s) is named and p.value in wanted})


def write(folder: Path, rows: list[tuple[str, str, str]]) -> None:
    """Write ``rows`` into the store's ``folder`` (before its manifest is made)."""
    (folder / FILE).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


def reader(folder: Path, listed: Mapping[str, Any]) -> Callable[[], list[tuple[str, str, str]]] | None:
    """What reads the rows of the store ``folder``, if its manifest ``listed`` holds them (a file
    that is not listed was never checked: it is not read)."""
    if FILE not in listed:
        return None

    def read() -> list[tuple[str, str, str]]:
        try:
            rows = files.read_json(files.read_limited(folder / FILE, files.MAX_RDF_FILE_BYTES), FILE, list)
        except InputFileError as error:
            raise StoreError(folder, f"unreadable {FILE}: {error.reason}") from None
        if not all(isinstance(row, list) and len(row) == 3 and all(isinstance(x, str) for x in row) for row in rows):
            raise StoreError(folder, f"damaged: {FILE} does not hold label rows; rebuild it")
        return [(s, p, o) for s, p, o in rows]

    return read
