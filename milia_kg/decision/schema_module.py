"""The schema module of the reasoned graph, reasoned once and cached on disk for every case.

A case's triples can only combine with schema triples: class and property axioms, restrictions
and their RDF lists (:func:`module_triples`).  The module is closed once with the fast engine and
written, with the FHIR codings of the mapping set, to ``classifier-<reasoner>-<key>.json`` beside
the reasoned graph (:func:`milia_kg.release.cache.derived_file`: same key, same checksum record).  A
process then loads that file with pyoxigraph alone, without rdflib, owlrl or the graph's own
parse, into a :class:`~milia_kg.reasoner.fast.Prepared` engine that reasons each case against it.
The file keeps the closure twice: as N-Triples (``closure``, for people and checks) and as plain
data, its distinct terms and the triples as indexes into them (``terms``, ``triples``), which is what
what the engine's state is built from: building 424 terms from JSON costs a tenth of parsing the
N-Triples (issue 22: the parse was 31M of a cold classify's 423M instructions).

A process reads neither: the engine's state after that closure, its terms and the codings are kept in
``engine-<reasoner>-<key>-<interpreter>.marshal`` beside it (built from the JSON file; marshal's
format is the interpreter's, hence its tag in the name) and the engine restored from them
(:meth:`~milia_kg.reasoner.fast.Prepared.from_state`), not built by running the closure's ~1,700
triples through the schema handlers (issue 22: about 5 ms of a cold classify's 85).  The file is read
once its checksum record matches (marshal trusts its input, so it reads only the cache's own files,
in a folder no other user can write, as every cache file is); one that cannot be restored is set
aside for the JSON file.
"""

from __future__ import annotations

import json
import marshal
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from milia_kg import vocab
from milia_kg.base import files
from milia_kg.base.records import FrozenRecord
from milia_kg.reasoner import DEFAULT_REASONER
from milia_kg.reasoner.fast import Prepared
from milia_kg.release import cache

__all__ = ["SchemaModule", "load", "module_triples", "read_triples"]

#: Bumped when the file's layout changes (the cache key covers the code, so this is belt and braces).
FORMAT = 2
_KIND = "classifier"
#: The kept engine's file: its kind and layout (the interpreter's marshal format is in its name).
_ENGINE_KIND, _ENGINE_FORMAT = "engine", 1
#: Predicates whose triples are annotations or reifications, never premises of a rule on a case.
_NOT_SCHEMA = {
    vocab.OWL + name for name in ("annotatedSource", "annotatedProperty", "annotatedTarget", "versionInfo",
                                  "versionIRI", "imports", "deprecated")
} | {vocab.RDFS + name for name in ("label", "comment", "seeAlso", "isDefinedBy")}
_SCHEMA_NAMESPACES = (vocab.RDF, vocab.RDFS, vocab.OWL)
_TYPE, _AXIOM = vocab.RDF + "type", vocab.OWL + "Axiom"
#: From a defined class of cases to a subtype it suggests considering (a tendency, not a definition).
SUGGESTS = vocab.MKG + "suggestsSubtype"

Triple = tuple[Any, Any, Any]


def module_triples(triples: Iterable[Triple]) -> Iterator[Triple]:
    """The triples of a reasoned graph (pyoxigraph terms) a case's triples can combine with: every
    RDF, RDFS or OWL triple except annotations, reifications and types other than OWL's own; and the
    mkg:suggestsSubtype annotations the classifier reads (no rule joins them)."""
    for s, p, o in triples:
        if p.value == SUGGESTS:
            yield s, p, o
            continue
        if p.value in _NOT_SCHEMA or not p.value.startswith(_SCHEMA_NAMESPACES):
            continue
        if p.value == _TYPE and (not isinstance(o, ox.NamedNode) or not o.value.startswith(vocab.OWL)
                                 or o.value == _AXIOM):
            continue
        yield s, p, o


def _build(graph_file: Path) -> bytes:
    """The cache file's bytes: the module's closure as N-Triples, and the codings by entity IRI."""
    from milia_kg.base import resources
    from milia_kg.formats import sssom as sssom_set
    from milia_kg.reasoner.fast import reason

    quads = ox.parse(path=str(graph_file), format=ox.RdfFormat.N_TRIPLES)
    module = list(module_triples((q.subject, q.predicate, q.object) for q in quads))
    closure = [*module, *reason(module, terms="oxigraph").inferred]
    text = ox.serialize([ox.Triple(*t) for t in closure], format=ox.RdfFormat.N_TRIPLES)
    terms, indexes = _plain((q.subject, q.predicate, q.object)
                            for q in ox.parse(text or b"", format=ox.RdfFormat.N_TRIPLES))
    codings: dict[str, list[dict[str, str]]] = {}
    sssom = resources.mappings_file()
    if sssom is not None:
        mapping_set = sssom_set.read_sssom(sssom)
        for iri in sorted({m.subject_iri for m in mapping_set.mappings}):
            found = [{"system": c.system, "code": c.code, **({"display": c.display} if c.display else {})}
                     for c in sssom_set.codings(mapping_set, iri)]
            if found:
                codings[iri] = found
    data = {"format": FORMAT, "closure": (text or b"").decode("utf-8"), "codings": codings, "terms": terms,
            "triples": indexes}
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _plain(triples: Iterable[Triple]) -> tuple[list[list[str]], list[int]]:
    """The triples as plain data: their distinct terms in first-seen order (``["i", iri]``,
    ``["b", label]`` or ``["l", lexical form, datatype IRI, language or ""]``) and, three per triple,
    the terms' indexes."""
    ids: dict[Any, int] = {}
    terms: list[list[str]] = []
    indexes: list[int] = []
    for triple in triples:
        for term in triple:
            index = ids.get(term)
            if index is None:
                index = ids[term] = len(terms)
                terms.append(_item(term))
            indexes.append(index)
    return terms, indexes


def _item(term: Any) -> list[str]:
    """One term as plain data (read back by :func:`_term`)."""
    if isinstance(term, ox.NamedNode):
        return ["i", term.value]
    if isinstance(term, ox.BlankNode):
        return ["b", term.value]
    return ["l", term.value, term.datatype.value, term.language or ""]


def _term(item: list[str]) -> Any:
    """The pyoxigraph term of one item of :func:`_plain`."""
    kind, value = item[0], item[1]
    if kind == "i":
        return ox.NamedNode(value)
    if kind == "b":
        return ox.BlankNode(value)
    if kind == "l":
        return ox.Literal(value, language=item[3]) if item[3] else ox.Literal(value, datatype=ox.NamedNode(item[2]))
    raise ValueError(f"unknown term kind {kind!r}")


def read_triples(data: dict[str, Any]) -> list[Triple]:
    """The closure's triples from the ``terms`` and ``triples`` of a cache file's data."""
    terms = [_term(item) for item in data["terms"]]
    flat = [terms[i] for i in data["triples"]]
    return list(zip(flat[0::3], flat[1::3], flat[2::3], strict=True))


class SchemaModule(FrozenRecord):
    """The prepared engine over the module's closure, and the codings read with it."""

    _fields = ("prepared", "codings")
    prepared: Prepared
    codings: dict[str, list[dict[str, str]]]

    def __init__(self, prepared: Prepared, codings: dict[str, list[dict[str, str]]]) -> None:
        self._set(prepared=prepared, codings=codings)


def load(reasoner: str = DEFAULT_REASONER, graph: Path | None = None) -> SchemaModule:
    """The cached module of the packaged graph reasoned by ``reasoner`` (built on first use), beside
    ``graph`` if given (the reasoned graph file already found).

    :raises MiliaKGError: as :func:`milia_kg.release.cache.reasoned_graph_file`.
    """
    kept = cache.derived_file(_ENGINE_KIND, "marshal", lambda graph_file: _build_engine(reasoner, graph_file),
                              reasoner, salt=cache.marshal_salt(), graph=graph)
    try:
        return _restore(files.read_owned(kept, files.MAX_RDF_FILE_BYTES))  # bounded, as checked
    except (ValueError, EOFError, TypeError, KeyError, IndexError):
        return _from_closure(reasoner, graph)  # a state this code cannot restore: the slower way, same answer


def _from_closure(reasoner: str, graph: Path | None) -> SchemaModule:
    """The module built by running the cached closure through the engine."""
    path = cache.derived_file(_KIND, "json", _build, reasoner, graph=graph)
    data = files.read_json(files.read_owned(path, files.MAX_RDF_FILE_BYTES), path)  # bounded, as checked
    return SchemaModule(Prepared(read_triples(data), terms="oxigraph"), data["codings"])


def _build_engine(reasoner: str, graph_file: Path) -> bytes:
    """The kept engine's bytes: its terms, its state over the closure, and the codings."""
    module = _from_closure(reasoner, graph_file)
    terms, state = module.prepared.state()
    return marshal.dumps({"format": _ENGINE_FORMAT, "terms": [_item(t) for t in terms],
                          "state": marshal.dumps(state), "codings": module.codings})


def _restore(data: bytes) -> SchemaModule:
    """The module from a kept engine's bytes.

    :raises ValueError, EOFError, TypeError, KeyError, IndexError: for bytes of another layout.
    """
    kept = marshal.loads(data)
    if kept["format"] != _ENGINE_FORMAT:
        raise ValueError("a kept engine of another layout")
    state = kept["state"]
    prepared = Prepared.from_state([_term(item) for item in kept["terms"]], lambda: marshal.loads(state),
                                   terms="oxigraph")
    return SchemaModule(prepared, kept["codings"])
