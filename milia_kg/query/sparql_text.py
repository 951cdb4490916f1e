"""SPARQL as text: a lexer that knows strings, IRIs and comments, and parameter binding.

Below both the catalogue (which reads a query's form, projection and ``WHERE`` brace from its
header-checked text) and the backends (which bind parameters): neither parses SPARQL, and no
parameter value is ever pasted into query text, only serialised as a term in a ``BIND`` (one value)
or a ``VALUES`` block (several values; IRIs in a query with a transitive path).

>>> print(bind("SELECT ?s WHERE { ?s ?p ?o }", {"o": ox.Literal('say "}" # DROP')}))
SELECT ?s WHERE { BIND("say \\"}\\" # DROP" AS ?o) ?s ?p ?o }
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterator, Mapping
from typing import Any

import pyoxigraph as ox

__all__ = [
    "FORMS",
    "KEPT_TOKENS_CHARS",
    "VARIABLE",
    "bind",
    "is_keyword",
    "query_form",
    "select_variables",
    "sparql_term",
    "tokens",
    "values_block",
    "where_brace_offset",
]

#: The SPARQL query forms.
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
#: A SPARQL variable name (without ``?``), as this package accepts it.
VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


# ----------------------------------------------------------------------------- lexing

_TOKEN_RE = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                 |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00b7]+)
    | (?P<word>[^\W\d][\w\-.\u00b7]*(?::[^\s{}()<>"',;]*)?|:[^\s{}()<>"',;]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


#: Texts up to this many characters have their tokens kept (the catalogue's are read three or four
#: times per query: header check, limits, form, binding); longer ones are read as a stream, so that
#: the limits stop a huge query early.
KEPT_TOKENS_CHARS = 8_000


def tokens(text: str) -> Iterator[tuple[str, str, int, int]]:
    """Yield ``(kind, value, start, end)`` for every significant token of ``text``.

    Whitespace and comments are skipped; a keyword is a ``word`` without a colon.
    """
    if len(text) <= KEPT_TOKENS_CHARS:
        yield from _kept_tokens(text)
    else:
        yield from _scan(text)


@functools.lru_cache(maxsize=256)
def _kept_tokens(text: str) -> tuple[tuple[str, str, int, int], ...]:
    return tuple(_scan(text))


def _scan(text: str) -> Iterator[tuple[str, str, int, int]]:
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        yield kind, m.group(), m.start(), m.end()


def is_keyword(token: tuple[str, str, int, int], *words: str) -> bool:
    return token[0] == "word" and ":" not in token[1] and token[1].upper() in words


def query_form(text: str) -> str:
    """Return ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` for a SPARQL query.

    >>> query_form("PREFIX ex: <http://example.org/#a> # SELECT\\nASK { ?s ?p ?o }")
    'ASK'

    :raises ValueError: if no query form keyword is found.
    """
    for tok in tokens(text):
        if is_keyword(tok, *FORMS):
            return tok[1].upper()
    raise ValueError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")


def select_variables(text: str) -> tuple[str, ...] | None:
    """Return the variables projected by a ``SELECT`` query, or ``None`` for ``SELECT *``.

    Variables inside expressions are not projected; ``(expr AS ?v)`` projects ``v``.

    >>> select_variables('SELECT DISTINCT ?a (GROUP_CONCAT(?b; separator=", ") AS ?bs) WHERE {}')
    ('a', 'bs')

    :raises ValueError: if ``text`` is not a ``SELECT`` query.
    """
    toks = iter(tokens(text))
    for tok in toks:
        if is_keyword(tok, *FORMS):
            if tok[1].upper() != "SELECT":
                raise ValueError(f"not a SELECT query but {tok[1].upper()}")
            break
    else:
        raise ValueError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    names: list[str] = []
    depth, after_as = 0, False
    for tok in toks:
        kind, value = tok[0], tok[1]
        if depth == 0 and (is_keyword(tok, "WHERE", "FROM") or value == "{"):
            break
        if value == "(":
            depth += 1
        elif value == ")":
            depth -= 1
        elif value == "*" and depth == 0:
            return None
        elif kind == "var" and (depth == 0 or (depth == 1 and after_as)):
            names.append(value[1:])
        after_as = is_keyword(tok, "AS")
    return tuple(names)


def where_brace_offset(text: str) -> int:
    """Return the offset just after the ``{`` that opens the query's ``WHERE`` clause.

    Inserting a ``VALUES`` block at this offset binds variables for the whole top-level group
    graph pattern. Strings, IRIs and comments that contain braces are skipped.

    >>> q = 'SELECT ?s # WHERE {\\nWHERE { ?s ?p "}" }'
    >>> q[: where_brace_offset(q)]
    'SELECT ?s # WHERE {\\nWHERE {'

    :raises ValueError: if the query has no group graph pattern a ``VALUES`` block can go into.
    """
    toks = list(tokens(text))
    for i, tok in enumerate(toks):
        if is_keyword(tok, "WHERE"):
            if i + 1 < len(toks) and toks[i + 1][1] == "{":
                if i > 0 and is_keyword(toks[i - 1], "CONSTRUCT"):
                    raise ValueError("cannot bind parameters in a CONSTRUCT WHERE short form")
                return toks[i + 1][3]
            break
    # No WHERE keyword: the first top-level brace (the second one after a CONSTRUCT template).
    form, depth, braces = None, 0, 0
    for tok in toks:
        if form is None:
            form = tok[1].upper() if is_keyword(tok, *FORMS) else None
            continue
        if tok[1] == "(":
            depth += 1
        elif tok[1] == ")":
            depth -= 1
        elif tok[1] == "{" and depth == 0:
            braces += 1
            if form != "CONSTRUCT" or braces == 2:
                return tok[3]
        elif tok[1] == "}" and depth == 0 and form == "CONSTRUCT":
            continue
    raise ValueError("no WHERE clause to bind parameters in")


# ----------------------------------------------------------------------------- VALUES binding


def sparql_term(term: Any) -> str:
    """Serialise an IRI or literal as SPARQL/N-Triples, escaping what must be escaped.

    Accepts pyoxigraph terms and rdflib ``URIRef``/``Literal``; IRIs are validated, so a value
    such as ``http://x> . DROP`` is refused rather than written.

    >>> sparql_term(ox.NamedNode("https://w3id.org/milia-kg/Face"))
    '<https://w3id.org/milia-kg/Face>'

    :raises ValueError: for an invalid IRI, a blank node or anything that is not a term.
    """
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)
    rdflib = sys.modules.get("rdflib")
    if rdflib is not None:
        if isinstance(term, rdflib.URIRef):
            return str(ox.NamedNode(str(term)))
        if isinstance(term, rdflib.Literal):
            if term.language:
                return str(ox.Literal(str(term), language=term.language))
            datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
            return str(ox.Literal(str(term), datatype=datatype))
    raise ValueError(f"cannot bind {term!r}: only IRIs and literals can be bound")


def values_block(bindings: Mapping[str, Any]) -> str:
    """Return one ``VALUES ?v { ... }`` block per variable of ``bindings``.

    A binding is one term, or a list/tuple/set of terms (one row each).

    >>> values_block({"a": ox.NamedNode("https://example.org/a"), "b": [ox.Literal("x")]})
    'VALUES ?a { <https://example.org/a> } VALUES ?b { "x" }'

    :raises ValueError: for an invalid variable name or term.
    """
    blocks = []
    for name, value in bindings.items():
        if not VARIABLE.match(name):
            raise ValueError(f"invalid variable name {name!r}")
        terms = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        blocks.append(f"VALUES ?{name} {{ {' '.join(sparql_term(t) for t in terms)} }}")
    return " ".join(blocks)


def binding_clauses(bindings: Mapping[str, Any], paths: bool = False) -> str:
    """``BIND(term AS ?v)`` for a variable bound to one term, a ``VALUES`` block for several, and
    for IRIs too when ``paths`` (the query has a transitive property path).

    Why two forms: Virtuoso 7 can leave a query unanswered for good when a parameter comes in a
    one-value ``VALUES`` block (``prevention`` with ``condition`` and ``general``; docs/stores.md),
    and answers with ``BIND``; but engines start a transitive path from a ``VALUES``-bound IRI, which
    a ``BIND`` hides from them (``external_ancestors`` on Comunica: 20 ms with ``VALUES``, no answer
    in 20 s with ``BIND``).  Either way the term is written by :func:`sparql_term`, so no value can
    break out.

    >>> binding_clauses({"a": ox.NamedNode("https://example.org/a"), "b": ox.Literal("x")})
    'BIND(<https://example.org/a> AS ?a) BIND("x" AS ?b)'
    >>> binding_clauses({"a": ox.NamedNode("https://example.org/a"), "b": ox.Literal("x")}, paths=True)
    'VALUES ?a { <https://example.org/a> } BIND("x" AS ?b)'

    :raises ValueError: for an invalid variable name or term.
    """
    clauses = []
    for name, value in bindings.items():
        terms = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
        single = len(terms) == 1 and VARIABLE.match(name) is not None
        if single and not (paths and not _is_literal(terms[0])):
            clauses.append(f"BIND({sparql_term(terms[0])} AS ?{name})")
        else:
            clauses.append(values_block({name: terms}))
    return " ".join(clauses)


def _is_literal(term: Any) -> bool:
    rdflib = sys.modules.get("rdflib")
    return isinstance(term, ox.Literal) or (rdflib is not None and isinstance(term, rdflib.Literal))


def has_transitive_path(text: str) -> bool:
    """Whether ``text`` holds a ``*`` or ``+`` property path (``p*``, ``<p>+``, ``(p|q)+``), told from
    ``SELECT *``, ``COUNT(*)`` and arithmetic by touching its path on the left.

    >>> [has_transitive_path(q) for q in ("SELECT * { ?a ex:p* ?b }", "SELECT * { ?a (ex:p|ex:q)+ ?b }",
    ...  "SELECT (COUNT(*) AS ?n) { ?a ex:p ?b FILTER(?a + 1 > 2) }")]
    [True, True, False]
    """
    previous: tuple[str, str, int, int] | None = None
    for token in tokens(text):
        kind, value, start, _ = token
        if kind == "word" and ":" in value and value[-1] in "*+":
            return True
        if value in ("*", "+") and previous is not None and previous[3] == start and (
                previous[1] == ")" or previous[0] == "iri"):
            return True
        previous = token
    return False


def bind(query: str, bindings: Mapping[str, Any] | None) -> str:
    """Return ``query`` with ``bindings`` joined in (:func:`binding_clauses`).

    The clauses are inserted right after the brace that opens the ``WHERE`` clause, before any
    pattern, so they apply to the whole top-level group; the rest of the text is left untouched.

    :raises ValueError: if the query has no ``WHERE`` group or a term cannot be bound.
    """
    if not bindings:
        return query
    offset, paths = _binding_site(query)
    return f"{query[:offset]} {binding_clauses(bindings, paths)}{query[offset:]}"


@functools.lru_cache(maxsize=256)
def _binding_site(query: str) -> tuple[int, bool]:
    """Where :func:`bind` inserts, and whether the query has a transitive path: lexing the text
    costs ~0.2 ms, a fifth of a catalogue query, and the same few texts are bound again and again."""
    return where_brace_offset(query), has_transitive_path(query)
