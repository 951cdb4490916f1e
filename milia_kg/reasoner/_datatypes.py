"""owlrl's one-time rules, reproduced for the fast engine (private).

owlrl runs a few rules once, on the asserted graph, before its cycles:
cls-thing, cls-nothing1, prp-ap and its datatype rules dt-type1, dt-type2 and
dt-not-type, plus datatype subsumptions and the disjointness of the datatypes in
use.  The tables are owlrl's (:mod:`milia_kg.reasoner._xsd_tables`), so both engines agree on them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from milia_kg.reasoner._lexical import verdict
from milia_kg.reasoner._terms import LITERAL
from milia_kg.reasoner._xsd_tables import (
    ANNOTATION_PROPERTIES,
    DATATYPE_DISJOINTNESS,
    DATATYPE_SUBSUMPTIONS,
    RL_DATATYPES,
)

if TYPE_CHECKING:
    from milia_kg.reasoner._engine import Engine

__all__ = ["lexical_checks", "one_time_triples"]


@cache
def lexical_checks() -> dict[str, Callable[[str], object]]:
    """owlrl's lexical check of each datatype (``AltXSDToPYTHON``) by IRI; imported with owlrl (and
    rdflib) only for a literal whose verdict :mod:`milia_kg.reasoner._lexical` cannot give."""
    from owlrl.DatatypeHandling import AltXSDToPYTHON

    return {str(dt): check for dt, check in AltXSDToPYTHON.items()}


def one_time_triples(e: Engine, asserted: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Triples owlrl adds before its first cycle; lexical errors go to ``e.errors``."""
    v = e.v
    out = [(v.THING, v.TYPE, v.CLASS), (v.NOTHING, v.TYPE, v.CLASS)]  # cls-thing, cls-nothing1
    out += [(e.iri(prop), v.TYPE, v.ANNOTATION_PROPERTY) for prop in ANNOTATION_PROPERTIES]  # prp-ap

    rl_datatypes = set(RL_DATATYPES)
    rl_names = {e.iri(dt): dt for dt in rl_datatypes}
    rl_ids = set(rl_names)
    subsumptions = {e.iri(dt): [e.iri(sup) for sup in sups] for dt, sups in DATATYPE_SUBSUMPTIONS.items()}

    implicit: dict[int, int] = {}  # literal -> its datatype (dt-type2)
    checked: set[int] = set()  # literals read: most objects repeat, most datatypes are not RL's
    typed: list[tuple[int, int]] = []  # resources typed with an RL datatype, read once all literals are
    explicit: dict[int, set[int]] = defaultdict(set)  # resources typed with a datatype
    equalities: list[tuple[int, int]] = []  # the owl:sameAs triples, read after all typings
    kinds, terms, datatype_of = e.kinds, e.terms, e.adapter.datatype
    type_, same = v.TYPE, v.SAME
    for s, p, o in asserted:  # one pass: the asserted triples are most of a run's reading
        if kinds[o] == LITERAL and o not in checked:
            checked.add(o)
            name = datatype_of(terms[o])
            if name in rl_datatypes:
                implicit[o] = e.iri(name)
        if p == type_:
            if o in rl_ids:
                typed.append((s, o))
        elif p == same:
            equalities.append((s, o))
    used = set(implicit.values())
    for literal, datatype in implicit.items():
        out.append((literal, v.TYPE, datatype))
        lexical = e.adapter.text(e.terms[literal])
        valid = verdict(rl_names[datatype], lexical)  # owlrl's verdict without importing it, when known
        if valid is None:
            convert = lexical_checks().get(rl_names[datatype])
            try:
                if convert is not None:
                    convert(lexical)
                valid = True
            except ValueError:
                valid = False
        if not valid:  # dt-not-type
            e.errors.append(
                f"Lexical value of the literal '{lexical}' does not match its datatype ({rl_names[datatype]})"
            )

    for s, o in typed:
        used.add(o)
        if s not in implicit:
            explicit[s].add(o)
    for s, o in equalities:  # as owlrl does, including its use of the resource itself
        if o in implicit:
            explicit[s].add(implicit[o])
        if o in explicit:
            explicit[s].add(o)
        if s in explicit:
            explicit[o].add(s)

    out += [(dt, v.TYPE, v.DATATYPE) for dt in sorted(rl_ids)]  # dt-type1
    out += [(dt, v.TYPE, v.DATATYPE) for dts in explicit.values() for dt in dts]
    pairs = [(r, dt) for r, dts in explicit.items() for dt in dts] + list(implicit.items())
    for resource, datatype in pairs:
        for super_type in subsumptions.get(datatype, ()):
            out.append((resource, v.TYPE, super_type))
            out.append((super_type, v.TYPE, v.DATATYPE))
            used.add(super_type)
    for left, right in DATATYPE_DISJOINTNESS:
        left_id, right_id = e.iri(left), e.iri(right)
        if left_id in used and right_id in used:
            out.append((left_id, v.DISJOINT_WITH, right_id))
    return out
