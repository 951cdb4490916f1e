"""Datatype clashes (OWL 2 RL rule dt-not-type) for both reasoning engines (private).

Rule dt-not-type makes a graph inconsistent when a literal is an instance of a
datatype whose value space does not hold it.  owlrl checks it only for a literal
against its *own* datatype, once, on the asserted graph; a literal typed with
another datatype by reasoning (``"x"@en rdf:type xsd:string`` from a property's
``rdfs:range``) is kept as a literal-subject triple, which
:func:`milia_kg.reasoner.is_noise` then drops.  :func:`datatype_clash` judges
such a typing; both engines call it on every ``literal rdf:type datatype`` triple
of their closure, so they report the same messages.

Only definite clashes are reported, for the datatypes of the OWL 2 RL profile
(owlrl's table) plus ``rdf:langString``; a datatype the function does not know
is never a clash.  The datatype hierarchy is owlrl's subsumption table, and the
lexical checks are owlrl's, so the judgement matches owlrl's own dt-not-type.

>>> XSD = "http://www.w3.org/2001/XMLSchema#"
>>> datatype_clash("cannot be prevented", None, "en", XSD + "string")
'Datatype clash: the literal "cannot be prevented"@en is not in the value space of http://www.w3.org/2001/XMLSchema#string'
>>> datatype_clash("40.0", XSD + "decimal", None, XSD + "integer") is None
True
"""

from __future__ import annotations

from functools import cache

from milia_kg import vocab
from milia_kg.reasoner._lexical import verdict

__all__ = ["datatype_clash"]

_RDF = vocab.RDF
_XSD = vocab.XSD
PLAIN_LITERAL = _RDF + "PlainLiteral"
LANG_STRING = _RDF + "langString"
LITERAL = f"{vocab.RDFS}Literal"
STRING = _XSD + "string"
DECIMAL = _XSD + "decimal"
INTEGER = _XSD + "integer"


@cache
def _tables() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """The known datatypes and each one's supertypes (owlrl's)."""
    from milia_kg.reasoner._xsd_tables import DATATYPE_SUBSUMPTIONS, RL_DATATYPES

    return frozenset({*RL_DATATYPES, LANG_STRING}), dict(DATATYPE_SUBSUMPTIONS)


def _show(lexical: str, datatype: str | None, language: str | None) -> str:
    text = '"' + lexical.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if language:
        return f"{text}@{language}"
    return text if datatype in (None, STRING) else f"{text}^^<{datatype}>"


def _in_value_space(lexical: str, own: str, target: str) -> bool:
    """Whether a literal of the known datatype ``own`` (no language tag) is in ``target``'s value space."""
    _, supertypes = _tables()
    ups = (own, *supertypes.get(own, ()))
    if target in ups:
        return True  # own's lexical validity is the one-time dt-not-type's business
    if target == PLAIN_LITERAL:
        return STRING in ups  # rdf:PlainLiteral holds the strings, tagged or not
    if target == LANG_STRING:
        return False
    family = ups[-1]  # the primitive datatype: the last supertype in owlrl's table
    if family != supertypes.get(target, (target,))[-1]:
        return False  # primitive value spaces are disjoint (OWL 2 datatype map)
    if family == DECIMAL and INTEGER not in ups and INTEGER in (*supertypes.get(target, ()), target):
        from decimal import Decimal, InvalidOperation  # here: decimal's import was 2-3 ms of a cold classify

        try:  # a decimal such as 40.0 is the integer 40
            value = Decimal(lexical.strip())
        except InvalidOperation:
            return True  # ill-typed for its own datatype: reported by the one-time rule
        if value != value.to_integral_value():
            return False
        lexical = str(int(value))
    known = verdict(target, lexical)  # owlrl's verdict without importing it, when known
    if known is not None:
        return known
    from milia_kg.reasoner._datatypes import lexical_checks  # owlrl's, imported on first use

    check = lexical_checks().get(target)
    if check is None:
        return True
    try:
        check(lexical)
    except ValueError:
        return False
    return True


def datatype_clash(lexical: str, datatype: str | None, language: str | None, target: str) -> str | None:
    """The inconsistency message if the literal is not in ``target``'s value space, else ``None``.

    :param lexical: the literal's lexical form.
    :param datatype: its datatype IRI; ``None`` (or ``xsd:string``) for a plain literal.
    :param language: its language tag, if any.
    :param target: the datatype the literal was typed with (``literal rdf:type target``).
    """
    known, _ = _tables()
    if target not in known or target == LITERAL:
        return None
    if language:
        fits = target in (PLAIN_LITERAL, LANG_STRING)
    else:
        own = datatype or STRING
        fits = own not in known or _in_value_space(lexical, own, target)
    if fits:
        return None
    return f"Datatype clash: the literal {_show(lexical, datatype, language)} is not in the value space of {target}"
