"""milia-kg.db: the release as a semsql SQLite database, in semsql's own schema (issue 20, item 6).

semsql builds its databases with two programs that are not obtainable here: rdftab (an OWL file's
triples into the ``statements`` table) and relation-graph (the ``entailed_edge`` table). This module
fills the same two tables from what milia-kg has already computed, and runs semsql's own DDL
(:func:`milia_kg.base.resources.semsql_ddl`) for everything else, so oaklib's ``sqlite:`` adapter reads
the file through semsql's views (``rdfs_label_statement``, ``has_text_definition_statement``,
``has_oio_synonym_statement``, ``entailed_subclass_of_edge``...):

- ``statements``: every triple of milia-kg.owl (the OBO vocabulary included), as rdftab writes them:
  IRIs as CURIEs of the ``prefix`` table (else the IRI), blank nodes as ``_:`` ids, literals in
  ``value`` with their ``datatype`` CURIE or ``language``, and the ``stanza`` (the named subject a
  blank node hangs from);
- ``entailed_edge``: from the reasoned graph, each ``rdfs:subClassOf`` between two named classes
  (reflexive ones included, as relation-graph writes them) and each class-level edge of an object
  property between two classes (``X part_of Y``, ``X has_phenotype Y``: the reasoner's relation-graph
  step, already closed over part-of);
- ``prefix``: the release's prefix map.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, BNode, Literal, URIRef

from milia_kg import vocab
from milia_kg.base import resources

__all__ = ["NAME", "available", "entailed_edges", "write_semsql"]

#: The file's name in the release folder.
NAME = "milia-kg.db"

Triple = tuple[Any, Any, Any]


def _curie(prefixes: list[tuple[str, str]], iri: str) -> str:
    """``iri`` as a CURIE of the longest matching namespace, else the IRI itself (as rdftab writes it)."""
    for prefix, namespace in prefixes:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _node(curies: dict[str, str], node: Any, blank: dict[Any, str]) -> str:
    if isinstance(node, BNode):
        return blank.setdefault(node, f"_:b{len(blank)}")
    return curies[str(node)]


def available() -> bool:
    """Whether semsql's schema is installed (the ``obo`` extra: ``pip install 'milia-kg[obo]'``); without
    it a release has no milia-kg.db, and says so in no other way than by its file list."""
    import importlib.util

    return importlib.util.find_spec("semsql") is not None


def entailed_edges(reasoned: Iterable[Triple]) -> list[tuple[str, str, str]]:
    """The relation-graph edges of a reasoned graph: ``(subject, predicate, object)`` IRIs, sorted."""
    triples = list(reasoned)
    classes = {s for s, p, o in triples if p == RDF.type and o == OWL.Class and isinstance(s, URIRef)}
    object_properties = {s for s, p, o in triples if p == RDF.type and o == OWL.ObjectProperty}
    edges = {
        (str(s), str(p), str(o)) for s, p, o in triples
        if isinstance(s, URIRef) and isinstance(o, URIRef) and s in classes and o in classes
        and (p == RDFS.subClassOf or p in object_properties)
    }
    return sorted(edges)


def write_semsql(owl_triples: Iterable[Triple], reasoned: Iterable[Triple], path: Path,
                 curie_map: Mapping[str, str]) -> None:
    """Write ``path`` (a new file) in semsql's schema; the order of rows is fixed, so the file is too."""
    owl_triples = list(owl_triples)
    obo_spaces = {str(x).removeprefix(vocab.OBO).split("_", 1)[0] for t in owl_triples for x in t
                  if isinstance(x, URIRef) and str(x).startswith(vocab.OBO) and "_" in str(x).removeprefix(vocab.OBO)}
    connection = sqlite3.connect(path)
    try:
        # One transaction: run statement by statement, the 183 tables and views of the DDL were as many
        # commits, each synced to disk (1.8 s of a build at load 4; 0.01 s so).
        connection.executescript(  # semsql's prefix names first: oio, dct, UBERON...
            f"BEGIN;\n{resources.semsql_ddl()}\n{resources.semsql_prefixes()}\nCOMMIT;\n"
        )
        known = dict(connection.execute("SELECT prefix, base FROM prefix").fetchall())
        ours = {**vocab.PREFIXES, **curie_map, **{space: f"{vocab.OBO}{space}_" for space in obo_spaces}}
        added = sorted((p, ns) for p, ns in ours.items() if p not in known and ns not in known.values())
        connection.executemany("INSERT INTO prefix (prefix, base) VALUES (?, ?)", added)
        prefixes = sorted({**known, **dict(added)}.items(), key=lambda item: (-len(item[1]), item[0]))
        curies = _Curies(prefixes)
        _fill(connection, _rows(owl_triples, curies), reasoned, curies)
        connection.commit()
    finally:
        connection.close()


class _Curies(dict[str, str]):
    """:func:`_curie` remembered per IRI: the release's 11,000 IRIs are a few hundred distinct ones, each
    otherwise matched against every namespace of the prefix table."""

    def __init__(self, prefixes: list[tuple[str, str]]) -> None:
        super().__init__()
        self.prefixes = prefixes

    def __missing__(self, iri: str) -> str:
        self[iri] = found = _curie(self.prefixes, iri)
        return found


def _rows(owl_triples: list[Triple], curies: dict[str, str]) -> list[tuple[Any, ...]]:
    """The ``statements`` rows of ``owl_triples``, in a fixed order."""
    blank: dict[Any, str] = {}
    ordered = sorted(owl_triples, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    owner = {o: s for s, _, o in ordered if isinstance(o, BNode) and not isinstance(s, Literal)}

    def stanza(node: Any) -> str:
        """The named subject a blank node hangs from (rdftab's ``stanza``); a named node is its own."""
        seen = set()
        while isinstance(node, BNode) and node in owner and node not in seen:
            seen.add(node)
            node = owner[node]
        return _node(curies, node, blank)

    rows: list[tuple[Any, ...]] = []
    for s, p, o in ordered:
        subject, predicate = _node(curies, s, blank), curies[str(p)]
        if isinstance(o, Literal):
            datatype = None if o.language else curies[str(o.datatype or vocab.XSD + "string")]
            rows.append((stanza(s), subject, predicate, None, str(o), datatype, o.language))
        else:
            rows.append((stanza(s), subject, predicate, _node(curies, o, blank), None, None, None))
    return rows


def _fill(connection: sqlite3.Connection, rows: list[tuple[Any, ...]], reasoned: Iterable[Triple],
          curies: dict[str, str]) -> None:
    edges = [tuple(curies[x] for x in edge) for edge in entailed_edges(reasoned)]
    connection.executemany("INSERT INTO statements (stanza, subject, predicate, object, value, datatype, language)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    connection.executemany("INSERT INTO entailed_edge (subject, predicate, object) VALUES (?, ?, ?)", edges)
