"""Vocabulary discovery over HTTP, as ``milia-kg values`` and ``milia-kg queries NAME`` give it on
the command line: ``GET /api/values/{param}?query=NAME`` lists the values a catalogue parameter
accepts (CURIE, label, synonyms), restricted to its category (:mod:`milia_kg.query.discovery`);
``GET /api/queries/{name}/sparql?param=value`` is a canned query's SPARQL with the values resolved
and bound as terms (the page writes it into its editor, grlc-style).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Request, Response

from milia_kg.errors import ParameterError
from milia_kg.query.discovery import accepted_values
from milia_kg.serve.http import detached, json_response

if TYPE_CHECKING:
    from milia_kg.query.kg import KnowledgeGraph

__all__ = ["add_vocabulary_routes"]


def add_vocabulary_routes(app: FastAPI, kg: KnowledgeGraph) -> None:
    """Register ``GET /api/values/{param}`` and ``GET /api/queries/{name}/sparql``."""

    @app.get("/api/queries/{name}/sparql", summary="A canned query's SPARQL with its parameters bound",
             description="Parameters as for /api/queries/{name}; each value is resolved as the query resolves it "
             "(a label, synonym, CURIE or IRI) and joined in as a term (BIND or VALUES), never as typed text. "
             "Answers application/sparql-query, ready for /sparql or an editor.",
             responses={200: {"content": {"application/sparql-query": {"schema": {"type": "string"}}}},
                        400: {"description": "bad parameter"}, 404: {"description": "unknown query"}})
    def bound_query(name: str, request: Request) -> Response:
        params = dict(request.query_params.items())
        for key in params:
            if len(request.query_params.getlist(key)) > 1:
                raise ParameterError(key, request.query_params.getlist(key), "given more than once")
        text = detached(kg.bound_text, name, **params)
        return Response(text.encode(), media_type="application/sparql-query; charset=utf-8")

    @app.get("/api/values/{param}", summary="The values a catalogue parameter accepts",
             description="Each accepted value's CURIE, label and synonyms (any may be given to the "
             "parameter); condition, site and population are restricted to their category. query= narrows "
             "to one canned query's parameter.",
             responses={400: {"description": "no query has that parameter"},
                        404: {"description": "unknown query"}})
    def values(param: str, query: str | None = None) -> Response:
        found = detached(accepted_values, kg, param, query)
        return json_response({"param": found.param, "queries": found.queries, "type": found.kind,
                              "category": found.category, "description": found.description,
                              "values": [vars(r) for r in found.rows]})
