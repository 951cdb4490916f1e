"""The project's vocabulary in one place, free of rdflib: namespaces, prefixes, CURIEs.

Every namespace IRI is written once, here, as a string; rdflib code builds its ``Namespace``
objects from these strings.  :data:`PREFIXES` is the one prefix table; each output uses a named
selection of it (:data:`QUERY_PREFIXES`, :data:`RELEASE_PREFIXES`, :data:`REPORT_PREFIXES`),
so the published artifacts, query results and reports keep the prefixes they always had.
:func:`shorten` is the one CURIE shortener and :data:`CURIE` the one CURIE pattern;
:func:`expand` expands a CURIE over it, and :func:`converter` is the cached ``curies.Converter``.

>>> shorten(OBO + "UBERON_0001456"), shorten(MKG + "Face"), shorten("https://example.org/x")
('UBERON:0001456', 'mkg:Face', '<https://example.org/x>')
>>> shorten(OBO + "hp.owl", REPORT_PREFIXES, style="report")
'obo:hp.owl'
>>> converter().expand("skos:altLabel") == expand("skos:altLabel") == SKOS + "altLabel"
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import curies

__all__ = [
    "ASSERTED_GRAPH",
    "BIBO",
    "CURIE",
    "DCAT",
    "DCTERMS",
    "INFERRED_GRAPH",
    "MKG",
    "MKGSH",
    "OBO",
    "OBOINOWL",
    "OBO_ID",
    "OWL",
    "PREFIXES",
    "PROV",
    "QUERY_PREFIXES",
    "RDF",
    "RDFS",
    "REASONED_GRAPH",
    "RELEASE_PREFIXES",
    "REPORT_PREFIXES",
    "SH",
    "SKOS",
    "SSSOM",
    "VOID",
    "XSD",
    "converter",
    "expand",
    "prefixes",
    "shorten",
]

MKG = "https://w3id.org/milia-kg/"
MKGSH = f"{MKG}shapes/"
#: The named graphs of a store that holds the release (``milia-kg push``, the datasets).
ASSERTED_GRAPH = f"{MKG}graph/asserted"
INFERRED_GRAPH = f"{MKG}graph/inferred"
REASONED_GRAPH = f"{MKG}graph/reasoned"
OBO = "http://purl.obolibrary.org/obo/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
BIBO = "http://purl.org/ontology/bibo/"
OBOINOWL = "http://www.geneontology.org/formats/oboInOwl#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SH = "http://www.w3.org/ns/shacl#"
SSSOM = "https://w3id.org/sssom/"

#: The one prefix table: prefix -> namespace, each namespace once (a bijection, as curies wants).
PREFIXES: dict[str, str] = {
    "mkg": MKG,
    "mkgsh": MKGSH,
    "obo": OBO,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "bibo": BIBO,
    "oboInOwl": OBOINOWL,
    "void": VOID,
    "dcat": DCAT,
    "sh": SH,
    "sssom": SSSOM,
}


def prefixes(names: Iterable[str]) -> dict[str, str]:
    """The entries of :data:`PREFIXES` for ``names``, in that order.

    :raises KeyError: for a name the table does not hold.
    """
    return {name: PREFIXES[name] for name in names}


#: CURIEs understood in parameter values and used in query results (besides OBO-style ones).
QUERY_PREFIXES = prefixes(("mkg", "obo", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov", "bibo", "oboInOwl"))
#: Prefixes every release artifact declares with these names, whatever the sources call them.
RELEASE_PREFIXES = prefixes(("mkg", "obo", "owl", "rdf", "rdfs", "xsd", "skos", "dcterms", "prov", "void", "dcat"))
#: Prefixes of the terms in validation reports and the build summary.
REPORT_PREFIXES = prefixes(("mkg", "mkgsh", "obo", "owl", "rdf", "rdfs", "skos", "dcterms", "xsd", "sh"))

#: The one CURIE pattern: an optional prefix, a colon, a local part without spaces or IRI delimiters.
CURIE = re.compile(r"(?P<prefix>[A-Za-z_][\w.-]*)?:(?P<local>[^\s<>\"{}|^`\\]*)\Z")
#: An OBO identifier's local part under the OBO PURLs, ``UBERON_0001456`` or ``UBERON:0001456``.
OBO_ID = re.compile(r"([A-Za-z][A-Za-z0-9]*)[:_]([A-Za-z0-9]+)\Z")
#: Local names :func:`shorten` writes: a SPARQL-safe name (``sparql``) or any word (``report``).
_LOCAL = {"sparql": re.compile(r"[A-Za-z_-][A-Za-z0-9_-]*\Z|\Z"), "report": re.compile(r"[\w.-]*\Z")}


def shorten(
    iri: str, table: Mapping[str, str] = QUERY_PREFIXES, *, style: Literal["sparql", "report"] = "sparql"
) -> str:
    """Return a CURIE for ``iri`` when a prefix of ``table`` covers it, else ``<iri>``.

    ``sparql`` (query results, parameter messages) writes OBO terms as ``UBERON:0001456`` and only
    local names that read back in SPARQL; ``report`` (validation reports) any word, dots too.

    >>> shorten(MKG + "shapes/S"), shorten(MKG + "shapes/S", REPORT_PREFIXES, style="report")
    ('<https://w3id.org/milia-kg/shapes/S>', 'mkgsh:S')
    """
    if style == "sparql" and iri.startswith(OBO):
        m = OBO_ID.match(iri[len(OBO) :])
        if m:
            return f"{m.group(1)}:{m.group(2)}"
    local_name = _LOCAL[style]
    for prefix, namespace in table.items():
        local = iri.removeprefix(namespace)
        if local != iri and local_name.match(local):
            return f"{prefix}:{local}"
    return f"<{iri}>"


def expand(curie: str, table: Mapping[str, str] = PREFIXES) -> str | None:
    """The IRI of ``curie`` over ``table``, or ``None`` if its prefix is not there: as
    ``curies.Converter.from_prefix_map(table).expand(curie)`` (the text before the first colon, matched
    exactly, then the namespace and the rest), checked against it in the tests; text without a colon
    gives ``None`` where curies raises.

    Why not curies itself: importing it (and pydantic) cost a cold query 0.13-0.16 s, its whole run
    otherwise, for one dictionary look-up; :func:`converter` stays for callers that want curies' API.

    >>> expand("UBERON:0001456", {"UBERON": OBO + "UBERON_"}), expand("uberon:0001456", {"UBERON": OBO})
    ('http://purl.obolibrary.org/obo/UBERON_0001456', None)
    """
    prefix, colon, local = curie.partition(":")
    namespace = table.get(prefix) if colon else None
    return None if namespace is None else namespace + local


@functools.cache
def _converter() -> curies.Converter:
    return converter(PREFIXES)


def converter(table: Mapping[str, str] | None = None) -> curies.Converter:
    """A ``curies.Converter`` over ``table``; over :data:`PREFIXES` (built once) when not given.

    :raises curies.DuplicateValueError: if two prefixes of ``table`` share a namespace.
    """
    if table is None:
        return _converter()
    import curies

    return curies.Converter.from_prefix_map(dict(table))
