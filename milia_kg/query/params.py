"""Query parameters: from what a user types to an RDF term bound with a ``VALUES`` block.

A ``label-or-IRI`` value may be a label or synonym (``rdfs:label``, ``skos:prefLabel``,
``skos:altLabel``; case and whitespace do not matter), a CURIE (``mkg:Face``, ``UBERON:0001456``)
or a full IRI (``<https://...>`` or bare ``https://...``). An external IRI that a project entity
declares as its ``skos:exactMatch`` (or ``skos:closeMatch``) resolves to that project entity.
``boolean`` values accept true/false/yes/no/1/0; ``string`` values are plain literals.

Values are never pasted into query text. A resolved term is an RDF term (a pyoxigraph
``NamedNode`` or ``Literal``) and :func:`milia_kg.query.sparql_text.bind` joins it into the query
with a ``BIND`` (one value) or a ``VALUES`` block (several values, or IRIs in a query with a transitive
path) inserted at the opening brace of the
``WHERE`` clause, written in N-Triples syntax, whose escaping no value can break out of. Both work
the same on rdflib, Oxigraph and any SPARQL 1.1 endpoint.

>>> from milia_kg.query.sparql_text import bind
>>> print(bind("SELECT ?s WHERE { ?s ?p ?o }", {"o": plain_literal('say "}" # DROP')}))
SELECT ?s WHERE { BIND("say \\"}\\" # DROP" AS ?o) ?s ?p ?o }
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from milia_kg.errors import ParameterError
from milia_kg.query import resolved_cache
from milia_kg.query.catalogue import Param, Query
from milia_kg.query.discovery import Categories
from milia_kg.query.sparql_text import sparql_term
from milia_kg.vocab import CURIE, MKG, OBO, OBO_ID, expand, shorten
from milia_kg.vocab import RDFS as _RDFS
from milia_kg.vocab import SKOS as _SKOS
from milia_kg.vocab import XSD as _XSD

if TYPE_CHECKING:
    from milia_kg.query.backends.base import Backend

__all__ = [
    "LABELS_QUERY",
    "LABEL_PREDICATES",
    "MULTI_FOLDING",
    "LabelRows",
    "Resolver",
    "Term",
    "multi_folding",
    "parse_boolean",
    "plain_literal",
]

#: An RDF term a parameter resolves to.
Term = ox.NamedNode | ox.Literal
#: ``(subject IRI, predicate IRI, lexical form)`` of each label and synonym: :data:`LABELS_QUERY`'s rows.
LabelRows = Iterable[tuple[str, str, str]]

_IRI = re.compile(r"(?:https?|ftp|file|urn|tag):\S+\Z", re.IGNORECASE)
_TRUE, _FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


def plain_literal(value: str) -> ox.Literal:
    """Return a plain ``xsd:string`` literal."""
    return ox.Literal(value)


def parse_boolean(value: object) -> ox.Literal:
    """Return an ``xsd:boolean`` literal for true/false/yes/no/1/0 (any case) or a bool.

    >>> parse_boolean("Yes").value, parse_boolean(0).value, parse_boolean(True).datatype.value
    ('true', 'false', 'http://www.w3.org/2001/XMLSchema#boolean')

    :raises ValueError: for anything else.
    """
    text = str(value).strip().casefold() if not isinstance(value, bool) else str(value).lower()
    if text in _TRUE or text in _FALSE:
        return ox.Literal("true" if text in _TRUE else "false", datatype=ox.NamedNode(_XSD + "boolean"))
    raise ValueError(f"expected true/false/yes/no/1/0, got {value!r}")


#: Old parameter names still accepted, and the name each now has: ``inherit`` read as "hereditary"
#: next to juvenile milia's "inherited disorder", so the scope is called ``general`` (issue 18).
PARAM_ALIASES = {"inherit": "general"}


def _unalias(given: Mapping[str, object], declared: Mapping[str, Param]) -> Mapping[str, object]:
    """``given`` with each old name the query does not declare renamed to its new one.

    >>> _unalias({"inherit": "no"}, {"general": Param("general", "boolean")})
    {'general': 'no'}
    """
    renamed = {PARAM_ALIASES.get(k, k) if k not in declared and PARAM_ALIASES.get(k) in declared else k: v
               for k, v in given.items()}
    return renamed if len(renamed) == len(given) else given


def _normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


#: :func:`multi_folding` by Unicode version (``unicodedata.unidata_version``), so that a process need
#: not scan 65,536 characters (50 ms of a cold ``milia-kg classify``); tests/query/test_label_cache.py
#: checks it against the scan.
MULTI_FOLDING = {
    "14.0.0": (
        "\u00df\u0130\u0149\u01f0\u0390\u03b0\u0587\u1e96\u1e97\u1e98\u1e99\u1e9a\u1e9e\u1f50\u1f52\u1f54"
        "\u1f56\u1f80\u1f81\u1f82\u1f83\u1f84\u1f85\u1f86\u1f87\u1f88\u1f89\u1f8a\u1f8b\u1f8c\u1f8d\u1f8e"
        "\u1f8f\u1f90\u1f91\u1f92\u1f93\u1f94\u1f95\u1f96\u1f97\u1f98\u1f99\u1f9a\u1f9b\u1f9c\u1f9d\u1f9e"
        "\u1f9f\u1fa0\u1fa1\u1fa2\u1fa3\u1fa4\u1fa5\u1fa6\u1fa7\u1fa8\u1fa9\u1faa\u1fab\u1fac\u1fad\u1fae"
        "\u1faf\u1fb2\u1fb3\u1fb4\u1fb6\u1fb7\u1fbc\u1fc2\u1fc3\u1fc4\u1fc6\u1fc7\u1fcc\u1fd2\u1fd3\u1fd6"
        "\u1fd7\u1fe2\u1fe3\u1fe4\u1fe6\u1fe7\u1ff2\u1ff3\u1ff4\u1ff6\u1ff7\u1ffc\ufb00\ufb01\ufb02\ufb03"
        "\ufb04\ufb05\ufb06\ufb13\ufb14\ufb15\ufb16\ufb17"
    ),
}


@functools.cache
def multi_folding() -> str:
    """The characters whose case folding is more than one character (``ß`` -> ``ss``, ``ﬁ`` -> ``fi``:
    104, all in the Basic Multilingual Plane); a case-insensitive regular expression, which folds
    one character to one, cannot match them to the key, so labels holding one are always fetched."""
    import unicodedata

    known = MULTI_FOLDING.get(unicodedata.unidata_version)
    return known if known is not None else "".join(c for c in map(chr, range(0x10000)) if len(c.casefold()) > 1)


def _label_pattern(key: str) -> str:
    """A case-insensitive regular expression matched by every label that :func:`_normalise`s to
    ``key`` and holds no character of :func:`multi_folding` (and by a few more, which the caller
    drops): the key's words separated by white space.

    >>> [bool(re.search(_label_pattern("milia en plaque"), label, re.I))
    ...  for label in (" Milia  EN plaque", "milia en plaques", "MILIA\\ten\\nplaque")]
    [True, False, True]
    """
    words = ("".join(f"\\{c}" if c in _REGEX_SPECIAL else c for c in word) for word in key.split(" "))
    return f"^{_SPACE}*{(_SPACE + '+').join(words)}{_SPACE}*$"


class _Index:
    """Normalised label -> IRIs, primary labels and synonyms kept apart."""

    def __init__(self) -> None:
        self.primary: dict[str, set[str]] = {}
        self.synonym: dict[str, set[str]] = {}
        self.display: dict[str, str] = {}  # normalised -> as written
        self.label_of: dict[str, str] = {}  # IRI -> a primary label


#: The predicates of a label (the first two) or a synonym (the last) that a value may name.
LABEL_PREDICATES = (_RDFS + "label", _SKOS + "prefLabel", _SKOS + "altLabel")
_LABEL_VALUES = " ".join(f"<{p}>" for p in LABEL_PREDICATES)
#: Every label and synonym of the graph: what a :class:`Resolver` indexes (or is given, ``labels``).
LABELS_QUERY = f"""SELECT ?s ?p ?l WHERE {{
  VALUES ?p {{ {_LABEL_VALUES} }}
  ?s ?p ?l . FILTER(isIRI(?s) && isLiteral(?l))
}}"""
#: The labels and synonyms that may normalise to one key (:func:`_label_pattern`, or holding a
#: character of :func:`multi_folding`); the patterns are written into the text (as escaped
#: literals) because Oxigraph compiles a regular expression bound with ``VALUES`` again for every
#: row: 1.5 s instead of 0.05 s over the 20,000 labels of the HPO.
_LOOKUP_QUERY = f"""SELECT ?s ?p ?l WHERE {{{{
  VALUES ?p {{{{ {_LABEL_VALUES} }}}}
  ?s ?p ?l .
  FILTER(isIRI(?s) && isLiteral(?l) && (REGEX(STR(?l), {{pattern}}, "i") || REGEX(STR(?l), {{folding}})))
}}}}"""
_LABEL_OF_QUERY = f"SELECT ?s ?l WHERE {{ ?s <{_RDFS}label> ?l . FILTER(isLiteral(?l)) }}"
#: What :func:`_normalise` splits on: Unicode white space and the four separators ``str.split`` adds.
_SPACE = "[\\s\x1c-\x1f]"
_REGEX_SPECIAL = frozenset("\\.+*?()|[]{}^$")
_KNOWN_QUERY = "ASK WHERE { { ?iri ?p ?o } UNION { ?s ?p ?iri } }"
#: The graph's own entities mapping to ``?iri``: mkg: terms, and reused external terms the project files
#: under one of its categories (the UBERON sites, issue 20), never a merged file's own SKOS mappings.
_MAPPED_QUERY = f"""SELECT DISTINCT ?s ?p WHERE {{
  VALUES ?p {{ <{_SKOS}exactMatch> <{_SKOS}closeMatch> }}
  ?s ?p ?iri . FILTER(isIRI(?s))
  FILTER(STRSTARTS(STR(?s), "{MKG}") || EXISTS {{ ?s <{_RDFS}subClassOf> ?category .
                                                   FILTER(STRSTARTS(STR(?category), "{MKG}")) }})
}}"""
#: A deprecated term's replacement (``IAO:0100001`` term replaced by), so old IRIs and CURIEs still resolve.
_REPLACED_QUERY = f"""SELECT DISTINCT ?by WHERE {{
  ?iri <{OBO}IAO_0100001> ?by . FILTER(isIRI(?by))
}}"""


class Resolver:
    """Resolve parameter values against one graph, reached through a backend.

    A label is looked up with one query for that label (:meth:`_lookup`); the index of every
    label is built, with one query, and kept only when a value matches nothing (to list candidates).

    With a ``content_key``, a value once resolved is kept for every resolver of the same key and
    prefixes, in this process and on disk (:mod:`milia_kg.query.resolved_cache`), and not asked of
    the graph again (issue 22: 46% of warm ``classify_many``, 60% of a repeated merged query). The
    key must change whenever the graph's content does: the packaged graph is keyed by its sources'
    cache key (:func:`milia_kg.release.cache.source_key`), a kept store by its merge key (a kept
    store is never changed). Without one, nothing is kept.

    :param backend: where the graph lives.
    :param prefixes: extra CURIE prefixes (e.g. the namespaces bound in an rdflib graph).
    :param content_key: names the content of the graph behind ``backend``.
    """

    def __init__(self, backend: Backend, prefixes: Mapping[str, str] | None = None,
                 content_key: str | None = None, labels: Callable[[], LabelRows] | None = None) -> None:
        self._backend = backend
        self._prefixes = resolved_cache.query_prefixes(prefixes)
        self._index: _Index | None = None
        #: the graph's label rows, when kept beside it (:data:`LABELS_QUERY`'s, read instead of asking it)
        self._label_rows = labels
        self._rows: list[tuple[str, str, str]] | None = None  # those rows, once read
        self._expansions: dict[str, str] | None = None  # the prefixes a CURIE is expanded with
        self._categories = Categories(backend)
        #: the content key and prefixes a resolved value is kept under (:mod:`milia_kg.query.resolved_cache`)
        self._kept = None if content_key is None else resolved_cache.kept_key(content_key, prefixes)

    # -- public ---------------------------------------------------------------------------

    def resolve_all(self, query: Query, given: Mapping[str, object]) -> dict[str, Term]:
        """Resolve the keyword parameters ``given`` for ``query``; absent optional ones stay unbound.

        ``None`` and blank strings count as absent. The result maps query variables (a
        parameter's ``variable``, by default its name) to terms.

        :raises ParameterError: for an unknown or missing required parameter, or a value that
            matches nothing or more than one entity, or is not a boolean where one is expected.
        """
        declared = {p.name: p for p in query.params}
        given = _unalias(given, declared)
        for name in given:
            if name not in declared:
                reason = f"query {query.name!r} has no such parameter" + (
                    "" if declared else " (it takes none)"
                )
                raise ParameterError(name, given[name], reason, tuple(declared))
        bound: dict[str, Term] = {}
        for p in query.params:
            value = given.get(p.name)
            if value is None or (isinstance(value, str) and not value.strip()):
                if p.required:
                    raise ParameterError(
                        p.name, value, f"missing; query {query.name!r} requires it ({p.type}"
                        + (f": {p.description})" if p.description else ")"),
                    )
                continue
            bound[p.var] = term = self.resolve(p, value, query.name)
            if p.type == "label-or-IRI" and isinstance(term, ox.NamedNode):  # a value of another category
                label = self._label_of({term.value}).get(term.value, str(value))
                self._categories.check(p.name, value, term.value, label)
        return bound

    def resolve(self, param: Param, value: object, query_name: str = "") -> Term:
        """Resolve one value for ``param``.

        :raises ParameterError: if the value matches nothing, is ambiguous or is not a boolean.
        """
        if param.type == "boolean":
            try:
                return parse_boolean(value)
            except ValueError:
                raise ParameterError(
                    param.name, value, "not a boolean", ("true", "false", "yes", "no", "1", "0")
                ) from None
        text = value if isinstance(value, str) else str(value)
        if param.type == "string":
            return plain_literal(text)
        if self._kept is None:
            return self._resolve_entity(param.name, text.strip())
        iri = resolved_cache.kept_value(self._kept, text)
        if iri is None:  # failures are not kept: they raise, naming the parameter, each time
            iri = self._resolve_entity(param.name, text.strip()).value
            resolved_cache.remember(self._kept, text.strip(), iri)
        return ox.NamedNode(iri)

    # -- entities -------------------------------------------------------------------------

    def _resolve_entity(self, name: str, text: str) -> ox.NamedNode:
        iri = self._as_iri(text)
        if iri is not None:
            found = self._resolve_iri(name, text, iri)
            if found is not None:
                return found
        key = _normalise(text)
        # the kept label rows are scanned for the first look-up, indexed for the next (a server's)
        first = self._index is None and (self._label_rows is None or self._rows is None)
        tables = self._lookup(key) if first else None
        if tables is None or not any(tables):  # nothing found: the whole index decides (and lists candidates)
            index = self._labels()
            tables = (index.primary.get(key, set()), index.synonym.get(key, set()))
        members = self._categories.of_parameter(name)
        for table in tables:
            in_category = table & members if members is not None else set()
            matches = self._prefer_project(in_category or table)  # a value of the parameter's category first
            if len(matches) == 1:
                return self._replacement(ox.NamedNode(next(iter(matches))))
            if matches:
                label_of = self._label_of(matches)
                listed = [f"{shorten(m)} ({label_of.get(m, '?')})" for m in sorted(matches)]
                raise ParameterError(name, text, "ambiguous label; give a CURIE or IRI", listed)
        candidates = self._candidates(key, members)
        reason = "no label, synonym, CURIE or IRI in the graph matches" + (
            "" if candidates else " (and no label is close)"
        )
        raise ParameterError(name, text, reason, candidates)

    def _as_iri(self, text: str) -> str | None:
        """Return the IRI ``text`` denotes as ``<iri>``, bare IRI or CURIE, else ``None``."""
        if text.startswith("<") and text.endswith(">"):
            return text[1:-1]
        if _IRI.match(text):
            return text
        m = CURIE.match(text)
        if m is None:
            return None
        prefix, local = m.group(1) or "", m.group(2)
        expanded = self._expand(f"{prefix}:{local}")
        if expanded is None and OBO_ID.match(text) and local.isdigit():
            # An OBO-style identifier (UBERON:0001456, hp:0000001) under the OBO PURL space.
            expanded = f"{OBO}{prefix.upper() if prefix.islower() else prefix}_{local}"
        return expanded

    def _expand(self, curie: str) -> str | None:
        if self._expansions is None:
            prefixes = dict(self._prefixes)
            for prefix, ns in _mapping_set_prefixes().items():
                if prefix not in prefixes and ns not in prefixes.values():
                    prefixes[prefix] = ns
            self._expansions = prefixes
        return expand(curie, self._expansions)

    def _resolve_iri(self, name: str, text: str, iri: str) -> ox.NamedNode | None:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            raise ParameterError(name, text, "not a valid IRI") from None
        node = self._replacement(node)
        _, rows = self._backend.select(_MAPPED_QUERY, {"iri": node})
        for relation in (_SKOS + "exactMatch", _SKOS + "closeMatch"):
            targets = sorted({str(s) for s, p in rows if p == relation})
            if len(targets) == 1:
                return ox.NamedNode(targets[0])
            if targets:
                listed = [shorten(t) for t in targets]
                raise ParameterError(name, text, "ambiguous mapping; give one of the mapped", listed)
        if self._backend.ask(_KNOWN_QUERY, {"iri": node}):
            return node
        return None

    def _replacement(self, node: ox.NamedNode) -> ox.NamedNode:
        """The term that replaces ``node`` if it is deprecated (``IAO:0100001``), else ``node``: an old
        mkg: site IRI, CURIE or label answers with the UBERON term that replaced it (issue 20)."""
        _, replaced = self._backend.select(_REPLACED_QUERY, {"iri": node})
        return ox.NamedNode(str(replaced[0][0])) if len(replaced) == 1 else node

    def _prefer_project(self, matches: set[str]) -> set[str]:
        """Among several matches, keep the project's own entities if there are any."""
        if len(matches) > 1:
            ours = {m for m in matches if m.startswith(MKG)}
            return ours or matches
        return matches

    def _lookup(self, key: str) -> tuple[set[str], set[str]] | None:
        """The IRIs whose label (primary) or synonym normalises to ``key``, read in one pass over the
        label rows kept beside the graph, else asked of the graph with one query, instead of indexing
        every label (19,800 with the HPO merged: 0.11 s of a first query with a new label, against
        0.03 s read in one pass); ``None`` if the key is empty."""
        if not key:
            return None
        if self._label_rows is not None:
            rows: Iterable[Sequence[object]] = self._kept_rows(self._label_rows)
        else:
            query = _LOOKUP_QUERY.format(pattern=sparql_term(ox.Literal(_label_pattern(key))),
                                         folding=sparql_term(ox.Literal(f"[{multi_folding()}]")))
            rows = self._backend.select(query, {})[1]
        primary: set[str] = set()
        synonym: set[str] = set()
        for s, p, label in rows:
            if _normalise(str(label)) == key:
                (synonym if p == _SKOS + "altLabel" else primary).add(str(s))
        return primary, synonym

    def _kept_rows(self, read: Callable[[], LabelRows]) -> list[tuple[str, str, str]]:
        """The label rows kept beside the graph (``read`` reads them), read once: a look-up that finds
        nothing goes on to index them."""
        if self._rows is None:
            self._rows = list(read())
        return self._rows

    def _label_of(self, iris: set[str]) -> dict[str, str]:
        """A primary label of each of ``iris`` (the least, as the index keeps it)."""
        if self._index is not None:
            return self._index.label_of
        found: dict[str, str] = {}
        for s, label in self._backend.select(_LABEL_OF_QUERY, {"s": [ox.NamedNode(i) for i in sorted(iris)]})[1]:
            if str(s) not in found or str(label) < found[str(s)]:
                found[str(s)] = str(label)
        return found

    def _labels(self) -> _Index:
        if self._index is None:
            index = _Index()
            rows = (self._kept_rows(self._label_rows) if self._label_rows is not None
                    else self._backend.select(LABELS_QUERY, {})[1])
            for s, p, label in sorted(rows, key=lambda r: (str(r[0]), str(r[1]), str(r[2]))):
                key = _normalise(str(label))
                table = index.synonym if p == _SKOS + "altLabel" else index.primary
                table.setdefault(key, set()).add(str(s))
                index.display.setdefault(key, " ".join(str(label).split()))
                if p == _RDFS + "label":
                    index.label_of.setdefault(str(s), str(label))
            self._index = index
        return self._index

    def _candidates(self, key: str, members: frozenset[str] | None = None) -> list[str]:
        """Up to 8 labels close to ``key``: those containing it, then difflib's closest; only labels
        of ``members`` (the parameter's category) when given."""
        import difflib

        index = self._labels()
        keys = sorted(k for k in index.display if members is None
                      or (index.primary.get(k, set()) | index.synonym.get(k, set())) & members)
        close = [k for k in keys if key and key in k][:8]
        close += [k for k in difflib.get_close_matches(key, keys, n=8, cutoff=0.6) if k not in close]
        return [index.display[k] for k in close[:8]]


def _mapping_set_prefixes() -> dict[str, str]:
    """The ``curie_map`` of the packaged SSSOM mapping set (MESH, SNOMEDCT, UMLS, ...), if any."""
    import yaml

    from milia_kg.base import resources
    from milia_kg.errors import MiliaKGError

    try:
        path = resources.mappings_file()
        if path is None:
            return {}
        lines = path.read_text(encoding="utf-8").splitlines()
        header = yaml.safe_load("\n".join(line[1:] for line in lines if line.startswith("#")))
    except (MiliaKGError, OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}  # prefixes are a convenience; a broken mapping file is reported by its own checks
    curie_map = header.get("curie_map") if isinstance(header, dict) else None
    if not isinstance(curie_map, dict):
        return {}
    return {str(k): str(v) for k, v in curie_map.items() if k and v}
