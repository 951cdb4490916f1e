"""Find every ``SERVICE`` clause either engine would see in a SPARQL text, before either sees it.

Why not the catalogue's lexer (:mod:`milia_kg.query.sparql_text`): it reads ``owl:Class]SERVICE`` as
one prefixed name, and both engines read a ``SERVICE`` clause there (issue 23). Why a text check at
all and not only the parsed algebra: pyoxigraph exposes no parser, and the two engines read SPARQL
differently from the grammar and from each other, in ways that decide what is code:

* Oxigraph matches keywords with no word boundary (``SERVICESILENT<...>``, ``SERVICE:`` with the
  empty prefix) and ends a comment at CR; rdflib ends it at LF only;
* rdflib compares keywords with ``str.upper`` (long s U+017F and dotless i U+0131 spell ``SERVICE`` to it),
  expands ``\\uXXXX`` escapes in the whole text first, and takes ``\\"`` in a prefixed name;
* the grammar's string escapes are ``\\[tbnrf"'\\\\]``; Oxigraph also takes ``\\u`` in strings and IRIs.

So the text is lexed by the SPARQL 1.1 grammar's terminals (IRIREF, PNAME_LN, BLANK_NODE_LABEL,
VAR1/2, LANGTAG, the four strings, comments) under each of these readings; only those terminals hide
text, everything else is code. ``SERVICE`` anywhere in the code (``str.upper``, no word boundary),
under any reading, is a clause; it passes only as ``SERVICE [SILENT] <allowed IRI>``. A text with no
``SERVICE`` at all (after ``str.upper`` and escape expansion) is not lexed: the common case costs one
``upper()``. rdflib's own parse tree is asked too (:func:`rdflib_services`) when the text mentions it.

>>> [c.clause for c in service_clauses("SELECT * { [ a owl:Class]SERVICE <http://127.0.0.1:9/> {} }")]
['SERVICE <http://127.0.0.1:9/>']
>>> service_clauses('ASK { ?s ?p "SERVICE <http://x/> {}" } # SERVICE <http://y/>')
[]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from milia_kg.base.records import FrozenRecord

__all__ = ["ServiceClause", "expand_escapes", "mentions_service", "service_clauses"]

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

# --- the grammar's terminals (SPARQL 1.1 section 19.8), as regular expressions
_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
         "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_CHARS_U = "_" + _BASE
_CHARS = "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040" + _CHARS_U
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%\"])"  # with rdflib's \" besides the grammar's
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = f"(?:[{_CHARS_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_VARNAME = f"[{_CHARS_U}0-9][{_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_BNODE = f"_:[{_CHARS_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?"
_IRI = r'<[^<>"{}|^`\\\x00-\x20]*>'
_IRI_UCHAR = r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>'


def _lexer(echar: str, eol: str, iri: str) -> re.Pattern[str]:
    """One reading: string escapes ``echar``, comments ending at ``eol``, IRIs as ``iri``."""
    return re.compile(
        f"""(?P<ws>\\s+)
        | (?P<comment>\\#[^{eol}]*)
        | (?P<string>'''(?:(?:'|'')?(?:[^'\\\\]|{echar}))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\\\]|{echar}))*\"\"\"
                     |'(?:[^'\\\\\\n\\r]|{echar})*'|"(?:[^"\\\\\\n\\r]|{echar})*")
        | (?P<iri>{iri})
        | (?P<var>[?$]{_VARNAME})
        | (?P<bnode>{_BNODE})
        | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
        | (?P<pname>(?:{_PREFIX})?:)(?P<local>{_LOCAL})?
        | (?P<code>.)""",
        re.VERBOSE | re.DOTALL,
    )


_STRICT, _ANY = r"(?:\\[tbnrf\"'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})", r"(?:\\.)"


@functools.cache
def _readings() -> tuple[re.Pattern[str], ...]:
    """The readings: grammar escapes or any escape, comments to LF or to CR/LF, IRIs with or without
    \\u. Compiled on the first text that mentions ``SERVICE``: the eight patterns take about 150 ms,
    which every cold command would otherwise pay (tests/test_imports.py)."""
    return tuple(_lexer(e, eol, i) for e in (_STRICT, _ANY) for eol in ("\\n", "\\r\\n")
                 for i in (_IRI, _IRI_UCHAR))


class ServiceClause(FrozenRecord):
    """A ``SERVICE`` found in the code of a query: its text and the endpoint IRI, if it names one."""

    _fields = ("clause", "iri")
    clause: str
    iri: str | None

    def __init__(self, clause: str, iri: str | None) -> None:
        self._set(clause=clause, iri=iri)


def expand_escapes(text: str) -> str:
    """Expand SPARQL's ``\\uXXXX``/``\\UXXXXXXXX`` escapes, as rdflib does before parsing."""

    def char(m: re.Match[str]) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except ValueError:  # beyond U+10FFFF
            return m.group()

    return _ESCAPE.sub(char, text)


def mentions_service(text: str) -> bool:
    """Whether ``SERVICE`` occurs anywhere in ``text`` (``str.upper``, escapes expanded): when it
    does not, no reading can find a clause."""
    return "SERVICE" in text.upper() or ("\\" in text and "SERVICE" in expand_escapes(text).upper())


def service_clauses(text: str) -> list[ServiceClause]:
    """Every ``SERVICE`` in the code of ``text`` under any reading, first reading first, no repeats."""
    if not mentions_service(text):
        return []
    found: dict[str, ServiceClause] = {}
    texts = (text, expand_escapes(text)) if "\\" in text else (text,)
    for candidate in texts:
        for reading in _readings():
            for clause in _clauses(candidate, reading):
                found.setdefault(clause.clause, clause)
    return list(found.values())


def _clauses(text: str, reading: re.Pattern[str]) -> Iterator[ServiceClause]:
    """The ``SERVICE`` hits in the code of one reading of ``text``, each with what follows it."""
    spans: list[tuple[str, int, int]] = []  # (kind, start, end); adjacent code merged

    def add(kind: str, start: int, end: int) -> None:
        if kind == "code" and spans and spans[-1][0] == "code" and spans[-1][2] == start:
            spans[-1] = ("code", spans[-1][1], end)
        else:
            spans.append((kind, start, end))

    for m in reading.finditer(text):
        kind = m.lastgroup or "code"
        if kind in ("pname", "local"):  # a prefixed name: its prefix is code (``SERVICE:``), its local not
            add("code", m.start(), m.end("pname"))
            if kind == "local":
                add("local", m.start("local"), m.end())
        else:
            add(kind, m.start(), m.end())
    for i, (kind, start, end) in enumerate(spans):
        if kind != "code":
            continue
        upper = text[start:end].upper()
        if "SERVICE" in upper:  # offsets hold only if upper() kept the length (not for "ß")
            same = len(upper) == end - start
            yield _clause(text, spans, i, start + upper.index("SERVICE") if same else start)


def _clause(text: str, spans: list[tuple[str, int, int]], i: int, at: int) -> ServiceClause:
    """The clause from ``at`` to its endpoint: ``iri`` only for ``SERVICE [SILENT] <IRI>`` as written."""
    rest = [(k, s, e) for k, s, e in spans[i + 1:] if k not in ("ws", "comment")]
    word = text[at:spans[i][2]]
    if word.upper() == "SERVICE" and rest and rest[0][0] == "code":
        after = text[rest[0][1]:rest[0][2]]
        if after.upper() == "SILENT":
            word, rest = f"{word} {after}", rest[1:]
    if word.upper() in ("SERVICE", "SERVICE SILENT", "SERVICESILENT") and rest and rest[0][0] == "iri" \
            and text[at:at + 7].upper() == "SERVICE":
        target = text[rest[0][1]:rest[0][2]]
        return ServiceClause(f"{word} {target}", target[1:-1])
    tail = text[at:rest[0][2]] if rest else text[at:]
    return ServiceClause(" ".join(tail.split())[:200], None)


def rdflib_services(text: str) -> list[str] | None:
    """The endpoints of the ``SERVICE`` clauses in rdflib's parse tree of ``text`` (``"?"`` for a
    variable), or ``None`` if rdflib cannot parse it: a second opinion from an engine's own parser,
    asked only for texts that mention ``SERVICE``."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(text)
    except Exception:  # any parse failure (RecursionError too): rdflib will not run it either
        return None
    found: list[str] = []
    stack: list[object] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                term = node.get("term")
                found.append(str(term) if term is not None and type(term).__name__ == "URIRef" else "?")
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)
    return found
