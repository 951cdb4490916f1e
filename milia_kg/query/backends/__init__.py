"""The execution seam: one small interface, three engines, identical plain-Python rows.

* :class:`OxigraphBackend`: pyoxigraph's in-memory store, the default engine (:mod:`.oxigraph_store`);
* :class:`RdflibBackend`: an :class:`rdflib.Graph` in memory, unprepared queries (:mod:`.rdflib_graph`);
* :class:`SparqlEndpointBackend`: a remote SPARQL 1.1 endpoint through SPARQLWrapper (:mod:`.sparql_endpoint`).

Adding an engine is one module here implementing :class:`~.base.Backend`. Parameters are joined in
with ``BIND`` or ``VALUES`` (:func:`milia_kg.query.sparql_text.bind`), which all three understand.
Result cells are plain Python values: an IRI is an :class:`IRI` (a ``str``), a literal becomes
``str``, ``int``, ``float`` (also for ``xsd:decimal``), ``bool``, ``datetime.date`` or
``datetime.datetime``, an unbound variable is ``None``.

The embedded engines take ``max_rows`` (a cap on rows or triples, checked while iterating, so a
huge result is never built) and ``deadline`` (a :func:`time.monotonic` instant, checked between
rows); errors are the package's typed ones, never an engine's own exception. Untrusted text is
checked (size, nesting, ``SERVICE``) by :mod:`milia_kg.query.limits` before it reaches a backend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from milia_kg.base.lazy import lazy_exports

if TYPE_CHECKING:
    from milia_kg.query.backends.base import IRI, Backend, Bindings, Row, Value, literal_value
    from milia_kg.query.backends.oxigraph_store import OxigraphBackend, declared_prefixes
    from milia_kg.query.backends.rdflib_graph import RdflibBackend
    from milia_kg.query.backends.sparql_endpoint import SparqlEndpointBackend

_LAZY = {
    "IRI": "milia_kg.query.backends.base",
    "Backend": "milia_kg.query.backends.base",
    "Bindings": "milia_kg.query.backends.base",
    "Row": "milia_kg.query.backends.base",
    "Value": "milia_kg.query.backends.base",
    "literal_value": "milia_kg.query.backends.base",
    "OxigraphBackend": "milia_kg.query.backends.oxigraph_store",
    "declared_prefixes": "milia_kg.query.backends.oxigraph_store",
    "RdflibBackend": "milia_kg.query.backends.rdflib_graph",
    "SparqlEndpointBackend": "milia_kg.query.backends.sparql_endpoint",
}

__all__ = [
    "IRI",
    "Backend",
    "Bindings",
    "OxigraphBackend",
    "RdflibBackend",
    "Row",
    "SparqlEndpointBackend",
    "Value",
    "declared_prefixes",
    "literal_value",
]

__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
