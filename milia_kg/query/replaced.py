"""Deprecated terms and what replaced them: a former ``mkg:`` site IRI is kept as a deprecated class
whose ``IAO:0100001`` (term replaced by) names the UBERON term the graph now uses (issue 20), so old
links and CURIEs can be sent on to it.

>>> from milia_kg.query.kg import KnowledgeGraph
>>> replaced_by(KnowledgeGraph.open(), "https://w3id.org/milia-kg/Face")
'http://purl.obolibrary.org/obo/UBERON_0001456'
>>> replaced_by(KnowledgeGraph.open(), "https://w3id.org/milia-kg/Milia") is None
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from milia_kg import vocab

if TYPE_CHECKING:
    from milia_kg.query.kg import KnowledgeGraph

__all__ = ["REPLACED_BY", "replaced_by"]

#: IAO:0100001 "term replaced by", the OWL form of an OBO file's ``replaced_by``.
REPLACED_BY = vocab.OBO + "IAO_0100001"
_QUERY = f"SELECT DISTINCT ?by WHERE {{ ?iri <{REPLACED_BY}> ?by . FILTER(isIRI(?by)) }}"


def replaced_by(kg: KnowledgeGraph, iri: str) -> str | None:
    """The one term that replaces the deprecated ``iri``, or ``None`` (not deprecated, not an IRI, or
    more than one replacement, which names no single term to send a reader to)."""
    import pyoxigraph as ox

    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return None
    rows = kg.backend.select(_QUERY, {"iri": node})[1]
    return str(rows[0][0]) if len(rows) == 1 else None
