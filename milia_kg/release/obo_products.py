"""``milia-kg.obo`` (OBO 1.4, written by fastobo) and ``milia-kg.json`` (OBO Graphs JSON).

ODK users expect the three products side by side. Both files are made from one model of the terms
(:func:`milia_kg.release.obo_terms.frames`), read from the triples of ``milia-kg.owl``; fastobo
builds and writes the OBO document (so its syntax is fastobo's, escapes included). The OBO Graphs
JSON is written here rather than with ``fastobo.dump_graph``, which drops synonyms and property
values (fastobo 0.14) and names the graph ``http://purl.obolibrary.org/obo/milia-kg.owl``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastobo
from rdflib import DCTERMS, OWL

from milia_kg import vocab
from milia_kg.release.obo_terms import Frame, frames
from milia_kg.release.owl_product import main_ontology

__all__ = ["OBO_ONTOLOGY", "Header", "expand", "header", "obo_document", "obographs", "write_products"]

#: The OBO ``ontology:`` name (the OBO format has no place for a w3id ontology IRI).
OBO_ONTOLOGY = "milia-kg"
#: Prefixes that are not OBO Library ID spaces, declared with ``idspace:`` so OBO tools expand them.
_IDSPACES = {"mkg": vocab.MKG, "skos": vocab.SKOS, "dcterms": vocab.DCTERMS}
_OIO = vocab.OBOINOWL
_SYNONYM_PREDICATES = {"EXACT": "hasExactSynonym", "RELATED": "hasRelatedSynonym", "BROAD": "hasBroadSynonym",
                       "NARROW": "hasNarrowSynonym"}

Triple = tuple[object, object, object]


@dataclass(frozen=True)
class Header:
    """What the products say of the ontology itself."""

    iri: str
    version_iri: str | None
    version: str | None
    title: str | None
    license: str | None


def header(triples: Iterable[Triple]) -> Header:
    """The project's ontology header, read from the OWL product's triples."""
    triples = list(triples)
    ontology = main_ontology(triples)
    values = {p: o for s, p, o in sorted(triples, key=lambda t: str(t[2])) if s == ontology}

    def text(p: object) -> str | None:
        return None if values.get(p) is None else str(values[p])

    return Header(str(ontology), text(OWL.versionIRI), text(OWL.versionInfo), text(DCTERMS.title),
                  text(DCTERMS.license))


def expand(curie: str, curie_map: Mapping[str, str] = {}) -> str:
    """The IRI of a CURIE of the products (``mkg:X``, ``skos:closeMatch``, ``HP:0001056``, a URL).

    >>> expand("mkg:PrimaryMilia"), expand("HP:0001056")
    ('https://w3id.org/milia-kg/PrimaryMilia', 'http://purl.obolibrary.org/obo/HP_0001056')
    """
    if curie.startswith(("http://", "https://")):
        return curie
    prefix, local = curie.split(":", 1)
    namespace = _IDSPACES.get(prefix) or curie_map.get(prefix)
    return f"{namespace}{local}" if namespace else f"{vocab.OBO}{prefix}_{local}"


def _ident(curie: str) -> fastobo.id.BaseIdent:
    if curie.startswith(("http://", "https://")):
        return fastobo.id.Url(curie)
    prefix, local = curie.split(":", 1)
    return fastobo.id.PrefixedIdent(prefix, local)


def _xrefs(values: Iterable[str]) -> fastobo.xref.XrefList:
    return fastobo.xref.XrefList([fastobo.xref.Xref(_ident(v)) for v in values])


def _clauses(frame: Frame, module: Any) -> list[Any]:
    """The clauses of one frame, in the OBO 1.4 order; ``module`` is fastobo.term or fastobo.typedef."""
    clauses: list[Any] = []
    if frame.name is not None:
        clauses.append(module.NameClause(frame.name))
    if frame.definition is not None:
        clauses.append(module.DefClause(frame.definition, _xrefs(frame.definition_xrefs)))
    for synonym in frame.synonyms:
        syn = fastobo.syn.Synonym(synonym.text, synonym.scope, None, _xrefs(synonym.xrefs))
        clauses.append(module.SynonymClause(syn))
    clauses.extend(module.XrefClause(fastobo.xref.Xref(_ident(x))) for x in frame.xrefs)
    clauses.extend(module.IsAClause(_ident(parent)) for parent in frame.is_a)
    if frame.kind == "typedef" and frame.transitive:
        clauses.append(module.IsTransitiveClause(True))
    for prop, value in frame.property_values:
        pv = fastobo.pv.ResourcePropertyValue(_ident(prop), _ident(value))
        clauses.append(module.PropertyValueClause(pv))
    clauses.extend(module.RelationshipClause(_ident(p), _ident(t)) for p, t in frame.relationships)
    if frame.deprecated:
        clauses.append(module.IsObsoleteClause(True))
    clauses.extend(module.ReplacedByClause(_ident(by)) for by in frame.replaced_by)
    return clauses


def obo_document(terms: list[Frame], head: Header, curie_map: Mapping[str, str] = {}) -> fastobo.doc.OboDoc:
    """The OBO 1.4 document of ``terms`` (typedefs first, as OBO tools write them)."""
    H = fastobo.header
    used = {c.split(":", 1)[0] for f in terms for c in (f.id, *(v for _, v in f.property_values), *(p for p, _ in
            f.property_values)) if not c.startswith("http")}
    clauses: list[Any] = [H.FormatVersionClause("1.4")]
    if head.version:
        clauses.append(H.DataVersionClause(head.version))
    clauses.append(H.OntologyClause(OBO_ONTOLOGY))
    spaces = {**_IDSPACES, **{p: ns for p, ns in curie_map.items()
                              if p in used and p not in _IDSPACES and not ns.startswith(vocab.OBO)}}
    for prefix, namespace in sorted(spaces.items()):
        if prefix in used or prefix == "dcterms":
            clauses.append(H.IdspaceClause(prefix, fastobo.id.Url(namespace)))
    if head.title:
        clauses.append(H.PropertyValueClause(fastobo.pv.LiteralPropertyValue(
            fastobo.id.PrefixedIdent("dcterms", "title"), head.title, fastobo.id.PrefixedIdent("xsd", "string"))))
    if head.license:
        clauses.append(H.PropertyValueClause(fastobo.pv.ResourcePropertyValue(
            fastobo.id.PrefixedIdent("dcterms", "license"), fastobo.id.Url(head.license))))
    entities: list[Any] = [
        fastobo.typedef.TypedefFrame(_ident(f.id), _clauses(f, fastobo.typedef)) for f in terms if f.kind == "typedef"
    ]
    entities += [fastobo.term.TermFrame(_ident(f.id), _clauses(f, fastobo.term)) for f in terms if f.kind == "term"]
    return fastobo.doc.OboDoc(H.HeaderFrame(clauses), entities)


def obographs(terms: list[Frame], head: Header, curie_map: Mapping[str, str] = {}) -> dict[str, Any]:
    """The OBO Graphs JSON document of ``terms``: one graph named by the project's ontology IRI."""
    nodes, edges = [], []
    for f in terms:
        meta: dict[str, Any] = {}
        if f.definition is not None:
            meta["definition"] = {"val": f.definition, "xrefs": list(f.definition_xrefs)}
        if f.synonyms:
            meta["synonyms"] = [{"pred": _SYNONYM_PREDICATES[s.scope], "val": s.text, "xrefs": list(s.xrefs)}
                                for s in f.synonyms]
        if f.xrefs:
            meta["xrefs"] = [{"val": x} for x in f.xrefs]
        if f.property_values:
            meta["basicPropertyValues"] = [{"pred": expand(p, curie_map), "val": expand(v, curie_map)}
                                           for p, v in f.property_values]
        if f.deprecated:
            meta["deprecated"] = True
        if f.replaced_by:  # as OBO Graphs writes replaced_by: a basic property value of IAO:0100001
            meta.setdefault("basicPropertyValues", []).extend(
                {"pred": f"{vocab.OBO}IAO_0100001", "val": expand(by, curie_map)} for by in f.replaced_by)
        node: dict[str, Any] = {"id": f.iri, "type": "CLASS" if f.kind == "term" else "PROPERTY"}
        if f.name is not None:
            node["lbl"] = f.name
        if meta:
            node["meta"] = meta
        nodes.append(node)
        pred = "is_a" if f.kind == "term" else "subPropertyOf"
        edges += [{"sub": f.iri, "pred": pred, "obj": expand(parent, curie_map)} for parent in f.is_a]
        edges += [{"sub": f.iri, "pred": expand(p, curie_map), "obj": expand(t, curie_map)} for p, t in f.relationships]
    values = [{"pred": f"{vocab.OWL}versionInfo", "val": head.version}] if head.version else []
    if head.title:
        values.append({"pred": str(DCTERMS.title), "val": head.title})
    if head.license:
        values.append({"pred": str(DCTERMS.license), "val": head.license})
    graph_meta: dict[str, Any] = {"basicPropertyValues": values}
    if head.version_iri:
        graph_meta["version"] = head.version_iri
    graph = {"id": head.iri, "meta": graph_meta, "nodes": nodes,
             "edges": sorted(edges, key=lambda e: (e["sub"], e["pred"], e["obj"]))}
    return {"graphs": [graph]}


def write_products(owl_triples: list[Triple], folder: Path, curie_map: Mapping[str, str] = {}) -> list[str]:
    """Write ``milia-kg.obo`` and ``milia-kg.json`` into ``folder``; return their names."""
    terms = frames(owl_triples, curie_map)
    head = header(owl_triples)
    (folder / "milia-kg.obo").write_text(str(obo_document(terms, head, curie_map)) + "\n", encoding="utf-8")
    document = obographs(terms, head, curie_map)
    (folder / "milia-kg.json").write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return ["milia-kg.obo", "milia-kg.json"]

