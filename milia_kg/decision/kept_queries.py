"""The classification context's catalogue answers, computed once per graph and kept in the cache.

A cold ``milia-kg classify`` ran a dozen catalogue queries whose answers depend on the packaged graph
alone (the sources, the subtypes to consider, the advice of each subtype and their evidence): each
read its file, checked its header and looked up labels, which made the cold command about twice a
cold ``milia-kg query`` (issue 22).  :func:`load` keeps their rows, and the labels of the schema
module's IRIs, in ``queries-<reasoner>-<key>-<digest>-<interpreter>.marshal`` beside the reasoned graph
(:func:`milia_kg.release.cache.derived_file`): ``<key>`` is the graph's source key (sources and
code), ``<digest>`` the SHA-256 of the catalogue's query texts, which the source key does not cover.
A changed source or query text names another file, so kept rows are never served stale.  Only what
the graph alone decides is kept, never a case's answer; a query not kept is run on the graph.
Each query's rows are kept as marshal bytes of their own, read when that query is asked: a case asks
a few of the 40 (issue 22: parsing them all as JSON was 1.3 ms of a cold classify).  marshal's format
is the interpreter's, hence its tag in the name; a file that cannot be read leaves every query to the
graph.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import marshal
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from milia_kg.base import files, resources
from milia_kg.decision import advice
from milia_kg.decision.case_graph import MKG
from milia_kg.decision.classifier import Classifier
from milia_kg.query.backends.base import IRI
from milia_kg.release import cache

if TYPE_CHECKING:  # the graph is opened only for what was not kept (its module imports the store's engine)
    from milia_kg.query.kg import KnowledgeGraph

__all__ = ["CONTEXT_QUERIES", "KeptQueries", "kept_file", "load", "queries_digest"]

#: Bumped when the file's layout changes.
FORMAT = 2
_KIND = "queries"
#: The case-independent queries the context reads whole (advice's queries are kept as it runs them).
CONTEXT_QUERIES = ("sources", "subtypes_to_consider")

Row = dict[str, Any]


def queries_digest(queries: str | Path | None = None) -> str:
    """The SHA-256 over the names and texts of the catalogue's ``*.rq`` files (``None``: the packaged
    ones): the part of a kept answer's key that the source key leaves out."""
    folder = resources.queries_dir(queries)
    if isinstance(folder, Path):  # on disk: read with os.scandir (importlib's objects cost a cold command)
        with os.scandir(folder) as found:
            entries: list[tuple[str, Any]] = sorted((e.name.removesuffix(".rq"), e.path) for e in found
                                                    if e.name.endswith(".rq") and e.is_file())
    else:
        entries = list(resources.query_files(queries).items())
    digest = hashlib.sha256()
    for name, entry in entries:
        if isinstance(entry, str):
            with open(entry, "rb") as stream:
                data = stream.read()
        else:
            data = entry.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _key(name: str, params: dict[str, str]) -> str:
    return json.dumps([name, sorted(params.items())])


class KeptQueries:
    """Catalogue answers read from the kept rows, or from the graph for a query not kept.

    :param kg: gives the graph that answers what was not kept (asked only then: opening it loads the store).
    :param rows: each kept query's rows by :func:`_key`, as marshal bytes of plain values (an IRI as
        ``{"iri": value}``, a date as ``{"date": iso}``).
    :param labels: English labels of the schema module's IRIs (an IRI without one maps to itself).
    """

    def __init__(self, kg: Callable[[], KnowledgeGraph], rows: dict[str, bytes], labels: dict[str, str]) -> None:
        self._kg = kg
        self._rows = rows
        self.labels = labels

    def query(self, name: str, /, **params: str) -> list[Row]:
        """The rows of the catalogue query ``name``, as :meth:`KnowledgeGraph.query` gives them."""
        kept = self._rows.get(_key(name, params))
        if kept is None:
            return self._kg().query(name, **params)
        return [{k: _decode(v) for k, v in row.items()} for row in marshal.loads(kept)]


class _Recorder:
    """The graph's answers, each remembered as it is given (what :func:`_build` keeps)."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.rows: dict[str, list[Row]] = {}

    def query(self, name: str, /, **params: str) -> list[Row]:
        rows = self.kg.query(name, **params)
        self.rows[_key(name, params)] = [{k: _encode(v) for k, v in row.items()} for row in rows]
        return rows


def _encode(value: object) -> object:
    """A row's value as plain data that :func:`_decode` gives back as it was (type included)."""
    if isinstance(value, IRI):
        return {"iri": str(value)}
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return {"date": value.isoformat()}
    raise TypeError(f"a kept row holds a {type(value).__name__}, which the kept file would not give back")


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    return IRI(value["iri"]) if "iri" in value else dt.date.fromisoformat(value["date"])


def _build(kg: KnowledgeGraph, classifier: Classifier, iris: list[str]) -> bytes:
    """Run the context's queries and the advice of each subtype (and of milia in general, for a case
    that meets none), every row passing, so each query and parameter a case can ask for is kept."""
    recorder = _Recorder(kg)
    for name in CONTEXT_QUERIES:
        recorder.query(name)
    for subtype in [*sorted(classifier.subtypes), None]:
        advice.gather(recorder, [subtype] if subtype else [], MKG.Milia, lambda population: True)
    labels = kg.backend.labels(iris)
    rows = {key: marshal.dumps(recorder.rows[key]) for key in sorted(recorder.rows)}
    return marshal.dumps({"format": FORMAT, "rows": rows, "labels": {iri: labels.get(iri, iri) for iri in iris}})


def kept_file(build: Callable[[Path], bytes], reasoner: str, queries: str | Path | None = None,
              directory: str | Path | None = None, graph: Path | None = None) -> Path:
    """The kept file of the packaged graph (``graph``, if already found) and the query texts of
    ``queries``, built by ``build`` when missing, damaged, or of another source key or query text."""
    salt = f"{queries_digest(queries)}-{cache.marshal_salt()}"
    return cache.derived_file(_KIND, "marshal", build, reasoner, directory=directory, salt=salt, graph=graph)


def load(kg: Callable[[], KnowledgeGraph], classifier: Classifier, iris: Callable[[], list[str]], reasoner: str,
         graph: Path | None = None) -> KeptQueries:
    """The kept answers of the packaged graph ``kg()`` (read from ``graph``; built on first use, with the
    labels of ``iris()``; the graph is opened only to build them or answer what was not kept).

    :raises MiliaKGError: as :func:`milia_kg.release.cache.reasoned_graph_file`.
    """
    path = kept_file(lambda _graph: _build(kg(), classifier, iris()), reasoner, graph=graph)
    try:
        data = marshal.loads(files.read_owned(path, files.MAX_RDF_FILE_BYTES))  # bounded, as checked
        if data["format"] != FORMAT or not isinstance(data["rows"], dict) or not isinstance(data["labels"], dict):
            raise ValueError("a kept file of another layout")
    except (ValueError, EOFError, TypeError, KeyError):
        return KeptQueries(kg, {}, {})  # every answer and label from the graph: slower, the same
    return KeptQueries(kg, data["rows"], data["labels"])
