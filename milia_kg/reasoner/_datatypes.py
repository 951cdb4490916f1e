"""owlrl's one-time rules, reproduced for the fast engine (private).

owlrl runs a few rules once, on the asserted graph, before its cycles:
cls-thing, cls-nothing1, prp-ap and its datatype rules dt-type1, dt-type2 and
dt-not-type, plus datatype subsumptions and the disjointness of the datatypes in
use.  The tables come from owlrl itself, so both engines agree on them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from milia_kg.reasoner._terms import LITERAL

if TYPE_CHECKING:
    from milia_kg.reasoner._engine import Engine

__all__ = ["one_time_triples"]


def one_time_triples(e: Engine, asserted: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Triples owlrl adds before its first cycle; lexical errors go to ``e.errors``."""
    from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
    from owlrl.DatatypeHandling import AltXSDToPYTHON
    from owlrl.OWLRL import OWLRL_Annotation_properties
    from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes
    from rdflib import URIRef  # imported here: the engine itself runs without rdflib

    v = e.v
    out = [(v.THING, v.TYPE, v.CLASS), (v.NOTHING, v.TYPE, v.CLASS)]  # cls-thing, cls-nothing1
    out += [(e.iri(str(prop)), v.TYPE, v.ANNOTATION_PROPERTY) for prop in OWLRL_Annotation_properties]  # prp-ap

    rl_datatypes = {str(dt) for dt in OWL_RL_Datatypes}
    rl_names = {e.iri(dt): dt for dt in rl_datatypes}
    rl_ids = set(rl_names)
    subsumptions = {e.iri(str(dt)): [e.iri(str(sup)) for sup in sups] for dt, sups in OWL_Datatype_Subsumptions.items()}

    implicit: dict[int, int] = {}  # literal -> its datatype (dt-type2)
    for _, _, o in asserted:
        if e.kinds[o] == LITERAL and o not in implicit:
            name = e.adapter.datatype(e.terms[o])
            if name in rl_datatypes:
                implicit[o] = e.iri(name)
    used = set(implicit.values())
    for literal, datatype in implicit.items():
        out.append((literal, v.TYPE, datatype))
        convert = AltXSDToPYTHON.get(URIRef(rl_names[datatype]))
        lexical = e.adapter.text(e.terms[literal])
        try:
            if convert is not None:
                convert(lexical)
        except ValueError:  # dt-not-type
            e.errors.append(
                f"Lexical value of the literal '{lexical}' does not match its datatype ({rl_names[datatype]})"
            )

    explicit: dict[int, set[int]] = defaultdict(set)  # resources typed with a datatype
    for s, p, o in asserted:
        if p == v.TYPE and o in rl_ids:
            used.add(o)
            if s not in implicit:
                explicit[s].add(o)
    for s, p, o in asserted:  # as owlrl does, including its use of the resource itself
        if p == v.SAME:
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
    for left, _, right in OWLRL_Datatypes_Disjointness:
        left_id, right_id = e.iri(str(left)), e.iri(str(right))
        if left_id in used and right_id in used:
            out.append((left_id, v.DISJOINT_WITH, right_id))
    return out
