"""Querying the knowledge graph: the canned SPARQL catalogue, parameter binding, engines, results.

This package only re-exports, each name on first access (so ``python -m
milia_kg.query.catalogue`` runs its module once).  None of its modules imports rdflib, owlrl or
pyshacl at import time (tests/test_imports.py checks it): the query commands read the cached
reasoned graph into Oxigraph.  The rdflib engine and the cache (which reasons with rdflib on a
miss) are imported on first use.

- :mod:`~milia_kg.query.catalogue`: the ``queries/*.rq`` files and their ``#+`` headers;
- :mod:`~milia_kg.query.params`: parameter values (labels, CURIEs, IRIs) resolved to RDF terms;
- :mod:`~milia_kg.query.backends`: one protocol over Oxigraph, rdflib and a SPARQL endpoint;
- :mod:`~milia_kg.query.kg`: :class:`KnowledgeGraph`, the Python API;
- :mod:`~milia_kg.query.formatting`: rows as a table, JSON, CSV or TSV.

>>> import milia_kg.query as q
>>> q.KnowledgeGraph is __import__("milia_kg").KnowledgeGraph
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from milia_kg.base.lazy import lazy_exports

if TYPE_CHECKING:
    from milia_kg.query.backends import Backend, OxigraphBackend, RdflibBackend, SparqlEndpointBackend
    from milia_kg.query.catalogue import Param, Query, get_query, load_catalogue
    from milia_kg.query.formatting import FORMATS, render
    from milia_kg.query.kg import ENGINES, KnowledgeGraph, Result
    from milia_kg.query.params import Resolver

#: Public name -> module that defines it; imported on first access.
_LAZY = {
    "Backend": "milia_kg.query.backends",
    "OxigraphBackend": "milia_kg.query.backends",
    "RdflibBackend": "milia_kg.query.backends",
    "SparqlEndpointBackend": "milia_kg.query.backends",
    "Param": "milia_kg.query.catalogue",
    "Query": "milia_kg.query.catalogue",
    "get_query": "milia_kg.query.catalogue",
    "load_catalogue": "milia_kg.query.catalogue",
    "FORMATS": "milia_kg.query.formatting",
    "render": "milia_kg.query.formatting",
    "ENGINES": "milia_kg.query.kg",
    "KnowledgeGraph": "milia_kg.query.kg",
    "Result": "milia_kg.query.kg",
    "Resolver": "milia_kg.query.params",
}

__all__ = [
    "ENGINES",
    "FORMATS",
    "Backend",
    "KnowledgeGraph",
    "OxigraphBackend",
    "Param",
    "Query",
    "RdflibBackend",
    "Resolver",
    "Result",
    "SparqlEndpointBackend",
    "get_query",
    "load_catalogue",
    "render",
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
