"""Limits on untrusted SPARQL, and the check of its text made before any engine sees it.

Query text is checked on the token stream of the catalogue's own lexer
(:func:`milia_kg.query.sparql_text.tokens`), so a keyword inside a string literal, a comment or an IRI
does not count:

* **size**: at most :data:`MAX_QUERY_CHARS` (100,000) characters;
* **nesting**: at most :data:`MAX_DEPTH` (32) levels of ``(``, ``[`` and ``{``;
* **length**: at most :data:`MAX_TOKENS` (4,000) tokens (terms, keywords and operators).

Why these figures: Oxigraph's parser and evaluator recurse on the native stack and kill the
process (SIGSEGV) on 4,000 nested braces or 10,000 ``UNION`` branches; rdflib recurses in Python,
about 35 frames per nested parenthesis and 2-4 per ``UNION`` branch, triple pattern or
``OPTIONAL``, and raised ``RecursionError`` from 20 nested parentheses, 300 triple patterns or
500 ``UNION`` branches under the default recursion limit. Measured on the project graph, every
query within these limits runs on both engines (rdflib with the recursion head-room that
:class:`milia_kg.query.backends.RdflibBackend` gives it), and every catalogue query is far inside them.

**No outbound requests.** ``SERVICE`` (also ``SERVICE SILENT`` and ``SERVICE ?var``) would make
the engine, or a remote endpoint, send an HTTP request chosen by the query's author. It is
refused unless its endpoint IRI is in ``allow_service`` (exact match); ``SERVICE ?var`` and a
prefixed name are always refused. The clauses are found as both engines read the text, not by the
catalogue's lexer (:mod:`milia_kg.query.service`), and rdflib's parse tree is asked too.

Run-time limits (:class:`Limits`): a time limit (:data:`DEFAULT_TIMEOUT`, 30 s), a cap on result
rows or triples (:data:`DEFAULT_MAX_ROWS`, 100,000) and, for queries evaluated in a child process
(:mod:`milia_kg.query.isolate`), a memory budget (:data:`DEFAULT_MAX_MEMORY`, 1 GiB).

>>> check_query('ASK { ?s ?p "SERVICE <http://127.0.0.1:9/>" } # SERVICE <http://x/>')
'ASK'
>>> check_query("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
milia_kg.errors.ServiceNotAllowedError: SERVICE SILENT <http://127.0.0.1:9/sparql>: federated queries are refused ...
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from milia_kg.base.records import FrozenRecord
from milia_kg.errors import (
    InvalidQueryError,
    ParameterError,
    QueryTooComplexError,
    QueryTypeError,
    ServiceNotAllowedError,
)
from milia_kg.query.service import expand_escapes, mentions_service, rdflib_services, service_clauses
from milia_kg.query.sparql_text import query_form, tokens

__all__ = [
    "DEFAULT_MAX_MEMORY",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_TIMEOUT",
    "MAX_DEPTH",
    "MAX_QUERY_CHARS",
    "MAX_TOKENS",
    "Limits",
    "check_query",
    "check_text",
]

MAX_QUERY_CHARS = 100_000
MAX_DEPTH = 32
MAX_TOKENS = 4_000
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_MEMORY = 1 << 30
#: Bytes of one answer as it leaves the evaluating child (256 MiB; ``milia-kg serve`` sets 64 MiB).
DEFAULT_MAX_BYTES = 256 << 20

_OPEN, _CLOSE = "([{", ")]}"


class Limits(FrozenRecord):
    """The run-time limits of one query.

    :param timeout: seconds of evaluation before the query is stopped.
    :param max_rows: result rows (or triples) before the query is stopped.
    :param max_memory: bytes of memory a query evaluated in a child process may add.
    :param allow_service: endpoint IRIs a ``SERVICE`` clause may call (none by default).
    :param max_bytes: bytes of an answer evaluated in a child process.
    :raises ParameterError: for a limit that is not a positive number.
    """

    _fields = ("timeout", "max_rows", "max_memory", "allow_service", "max_bytes")
    timeout: float
    max_rows: int
    max_memory: int
    allow_service: tuple[str, ...]
    max_bytes: int

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS,
                 max_memory: int = DEFAULT_MAX_MEMORY, allow_service: tuple[str, ...] = (),
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._set(timeout=timeout, max_rows=max_rows, max_memory=max_memory, allow_service=allow_service,
                  max_bytes=max_bytes)
        self._check()

    def _check(self) -> None:
        for name in ("timeout", "max_rows", "max_memory", "max_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ParameterError(name, value, "must be a positive number")
            if name != "timeout" and not isinstance(value, int):
                raise ParameterError(name, value, "must be a whole number")
        allowed = self.allow_service
        if isinstance(allowed, str) or not all(isinstance(a, str) for a in allowed):
            raise ParameterError("allow_service", allowed, "must be a list of endpoint IRIs")
        self._set(allow_service=tuple(allowed))

    def replace(self, **changes: object) -> Limits:
        """A copy with the limits in ``changes`` that are not ``None`` replaced."""
        given = {k: v for k, v in changes.items() if v is not None}
        return Limits(**{**self.__dict__, **given}) if given else self


def check_text(text: object, what: str = "query text") -> str:
    """Return ``text`` if it is a ``str`` that can be encoded as UTF-8.

    :raises QueryTypeError: if it is not a ``str``.
    :raises InvalidQueryError: if it holds a lone surrogate.
    """
    if not isinstance(text, str):
        raise QueryTypeError(what, text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidQueryError(
            f"{what} is not valid Unicode: lone surrogate {text[exc.start]!r} at offset {exc.start}"
        ) from None
    return text


def check_query(text: object, allow_service: Iterable[str] = ()) -> str:
    """Check untrusted SPARQL text against the limits above; return its form (``SELECT``...).

    :raises QueryTypeError: if ``text`` is not a ``str``.
    :raises InvalidQueryError: if it is not valid Unicode or has no query form.
    :raises QueryTooComplexError: if it is over a size, nesting or token limit.
    :raises ServiceNotAllowedError: for a ``SERVICE`` clause whose IRI is not allowed.
    """
    query = check_text(text)
    if len(query) <= _MEMO_CHARS:
        return _checked_form(query, frozenset(allow_service))
    return _check(query, frozenset(allow_service))


#: Texts up to this many characters have their check remembered (:func:`_checked_form`).
_MEMO_CHARS = 16_384


@functools.lru_cache(maxsize=128)
def _checked_form(query: str, allowed: frozenset[str]) -> str:
    """:func:`_check`, remembered by the text itself: a served endpoint is sent the same few texts
    again and again (a query worker checks each ``/sparql`` request); a refusal is not kept."""
    return _check(query, allowed)


def _check(query: str, allowed: frozenset[str]) -> str:
    """The checks of :func:`check_query` on a valid text; its form."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryTooComplexError(
            f"query text has {len(query)} characters; the limit is {MAX_QUERY_CHARS}"
        )
    texts = [query] if "\\u" not in query and "\\U" not in query else [query, expand_escapes(query)]
    for candidate in texts:
        _check_tokens(candidate)
    _check_services(query, allowed)
    try:
        return query_form(query)
    except ValueError as exc:
        raise InvalidQueryError(f"invalid SPARQL: {exc}") from None


def _check_tokens(query: str) -> None:
    depth = 0
    seen: list[tuple[str, str, int, int]] = []
    for tok in tokens(query):
        seen.append(tok)
        if tok[1] in _OPEN:
            depth += 1
            if depth > MAX_DEPTH:
                raise QueryTooComplexError(
                    f"brackets nested deeper than {MAX_DEPTH} levels (at offset {tok[2]})"
                )
        elif tok[1] in _CLOSE:
            depth -= 1
    if len(seen) > MAX_TOKENS:
        raise QueryTooComplexError(
            f"query has {len(seen)} tokens (terms and operators); the limit is {MAX_TOKENS}"
        )


def _check_services(query: str, allowed: frozenset[str]) -> None:
    """Refuse any ``SERVICE`` either engine would see (:mod:`milia_kg.query.service`) unless it
    names an allowed endpoint IRI, as written."""
    if not mentions_service(query):
        return
    for clause in service_clauses(query):
        if clause.iri is None or clause.iri not in allowed:
            raise ServiceNotAllowedError(clause.clause)
    for endpoint in rdflib_services(query) or ():
        if endpoint not in allowed:
            raise ServiceNotAllowedError(f"SERVICE <{endpoint}>" if endpoint != "?" else "SERVICE ?")
