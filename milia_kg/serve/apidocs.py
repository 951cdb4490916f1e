"""The API's documentation, offline: ``GET /docs`` (Swagger UI, vendored in
``milia_kg/serve/web/vendor/swagger-ui``, drawn by the project's own page and script, so no CDN and
no inline script), ``GET /schemas/case-profile.schema.json`` (the case profile's JSON Schema, at the
path of its ``$id``) and the OpenAPI document's shared schemas: request bodies reference
``#/components/schemas/CaseProfile``, which is that JSON Schema (OpenAPI 3.1 schemas are JSON Schema
2020-12), rather than a bare ``object``.

>>> schema = case_profile_component()
>>> schema["title"], "$id" in schema, schema["externalDocs"]["url"]
('milia-kg case profile', False, '/schemas/case-profile.schema.json')
"""

from __future__ import annotations

import functools
import html
import json
import string
from typing import Any

from fastapi import FastAPI, Response

from milia_kg import vocab
from milia_kg.base import resources

__all__ = ["CASE_PROFILE_REF", "SCHEMA_PATH", "SPARQL_GET_PARAMETERS", "SPARQL_POST_BODY", "add_docs_routes",
           "case_profile_component", "render_docs"]

#: Where the case profile's JSON Schema is served: the path of its ``$id``
#: (``https://w3id.org/milia-kg/schemas/case-profile.schema.json``).
SCHEMA_PATH = "/schemas/case-profile.schema.json"
#: The OpenAPI reference to the case profile's schema.
CASE_PROFILE_REF = {"$ref": "#/components/schemas/CaseProfile"}

_FORMAT = {"type": "string", "description": "the result format: a short name (json, xml, csv, tsv, turtle, "
           "ntriples, jsonld, rdfxml) or a media type; overrides Accept"}
#: ``GET /sparql``'s parameters (SPARQL 1.1 Protocol 2.1.1).
SPARQL_GET_PARAMETERS = [
    {"name": "query", "in": "query", "required": True, "schema": {"type": "string"},
     "description": "the SPARQL query",
     "example": f"SELECT ?s WHERE {{ ?s a <{vocab.OWL}Class> }} LIMIT 3"},
    {"name": "format", "in": "query", "required": False, "schema": _FORMAT},
    {"name": "output", "in": "query", "required": False, "schema": _FORMAT,
     "description": "the same as format="},
]
#: ``POST /sparql``'s bodies (SPARQL 1.1 Protocol 2.1.2 and 2.1.3).
SPARQL_POST_BODY = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {"schema": {
            "type": "object", "required": ["query"], "additionalProperties": False,
            "properties": {"query": {"type": "string", "description": "the SPARQL query"},
                           "format": _FORMAT, "output": _FORMAT}}},
        "application/sparql-query": {"schema": {"type": "string", "description": "the SPARQL query itself"}},
    },
}


@functools.cache
def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(resources.case_profile_schema())
    return loaded


def case_profile_component() -> dict[str, Any]:
    """The case profile's JSON Schema as an OpenAPI component: without ``$schema`` and ``$id`` (an
    ``$id`` would make a client resolve the schema against w3id.org), pointing to the served file."""
    schema = {k: v for k, v in _schema().items() if k not in ("$schema", "$id")}
    schema["externalDocs"] = {"description": "the case profile's JSON Schema, as a file", "url": SCHEMA_PATH}
    return schema


@functools.cache
def _template() -> string.Template:
    return string.Template(resources.web_dir().joinpath("docs.html").read_text(encoding="utf-8"))


def render_docs() -> str:
    """The ``/docs`` page."""
    from milia_kg import __version__

    return _template().substitute(version=html.escape(__version__))


def add_docs_routes(app: FastAPI) -> None:
    """Register ``/docs`` and the schema's route, and add the shared schemas to ``app``'s OpenAPI
    document (FastAPI's ``docs_url`` must be ``None``)."""

    @app.get("/docs", summary="The API documentation (Swagger UI, shipped with the package)")
    def docs() -> Response:
        return Response(render_docs().encode(), media_type="text/html")

    @app.get(SCHEMA_PATH, summary="The case profile's JSON Schema (the body of POST /api/classify)")
    def case_profile_schema() -> Response:
        return Response(resources.case_profile_schema(), media_type="application/schema+json")

    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            document.setdefault("components", {}).setdefault("schemas", {})["CaseProfile"] = case_profile_component()
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
