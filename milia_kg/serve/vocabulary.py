"""Vocabulary discovery over HTTP, as ``milia-kg values`` gives it on the command line:
``GET /api/values/{param}?query=NAME`` lists the values a catalogue parameter accepts (CURIE, label,
synonyms), restricted to its category (:mod:`milia_kg.query.discovery`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Response

from milia_kg.query.discovery import accepted_values
from milia_kg.serve.http import detached, json_response

if TYPE_CHECKING:
    from milia_kg.query.kg import KnowledgeGraph

__all__ = ["add_vocabulary_routes"]


def add_vocabulary_routes(app: FastAPI, kg: KnowledgeGraph) -> None:
    """Register ``GET /api/values/{param}``."""

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
