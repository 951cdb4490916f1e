"""Rare OWL 2 RL rules and the inconsistency checks of the fast engine (private).

Rules that only *detect* inconsistencies derive no triples, so they are
evaluated once, on the fixpoint; a clash found by owlrl in some cycle is still
there at the end because the graph only grows.  The messages are owlrl's.

Three triple-producing rules that the project does not use (cls-maxc2,
cls-maxqc3/4 and prp-key) are evaluated here by brute force over the store;
:meth:`Engine.run` alternates them with the agenda until neither adds anything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations, product
from typing import TYPE_CHECKING

from milia_kg.reasoner._terms import IRI, LITERAL
from milia_kg.reasoner._valuespace import datatype_clash

if TYPE_CHECKING:
    from milia_kg.reasoner._engine import Engine

__all__ = ["inconsistencies", "slow_rules"]

_NONE: frozenset[int] = frozenset()


def _cardinality(e: Engine, literal: int) -> int | None:
    try:
        return int(e.adapter.text(e.terms[literal]))
    except ValueError:
        return None


def _restrictions_with(e: Engine, predicate: int, value: int) -> Iterator[tuple[int, int]]:
    """(restriction, property) pairs for ``restriction predicate value`` cardinalities."""
    for r, literals in list(e.spo.get(predicate, {}).items()):
        if any(_cardinality(e, lit) == value for lit in literals):
            for p in tuple(e.objects(r, e.v.ONP)):
                yield r, p


def slow_rules(e: Engine) -> bool:
    """Run cls-maxc2, cls-maxqc3/4 and prp-key once; ``True`` if they derived something."""
    v, add = e.v, e.add
    before = len(e.derived)
    for r, p in _restrictions_with(e, v.MAX_CARDINALITY, 1):  # cls-maxc2
        for u in tuple(e.subjects(v.TYPE, r)):
            for y1, y2 in combinations(sorted(e.objects(u, p)), 2):
                add(y1, v.SAME, y2)
                add(y2, v.SAME, y1)
    for r, p in _restrictions_with(e, v.MAX_QUALIFIED_CARDINALITY, 1):  # cls-maxqc3/4
        for klass in tuple(e.objects(r, v.ON_CLASS)):
            for u in tuple(e.subjects(v.TYPE, r)):
                values = [y for y in e.objects(u, p) if klass == v.THING or e.has(y, v.TYPE, klass)]
                for y1, y2 in combinations(sorted(values), 2):
                    add(y1, v.SAME, y2)
                    add(y2, v.SAME, y1)
    for klass, heads in list(e.spo.get(v.HAS_KEY, {}).items()):  # prp-key
        for head in tuple(heads):
            keys = e.read_list(head)
            if not keys:
                continue
            groups: dict[tuple[int, ...], set[int]] = defaultdict(set)
            for x in tuple(e.subjects(v.TYPE, klass)):
                for key_values in product(*(sorted(e.objects(x, key)) for key in keys)):
                    groups[key_values].add(x)
            for members in groups.values():
                for x, y in combinations(sorted(members), 2):
                    add(x, v.SAME, y)
                    add(y, v.SAME, x)
    return len(e.derived) > before


def inconsistencies(e: Engine) -> list[str]:
    """owlrl's inconsistency messages for the closure in ``e``, and the datatype clashes of
    literals typed by reasoning (:mod:`milia_kg.reasoner._valuespace`; owlrl's own dt-not-type check
    of asserted literals is in :mod:`milia_kg.reasoner._datatypes`)."""
    v = e.v
    show = lambda tid: e.adapter.text(e.terms[tid])  # noqa: E731
    types = e.spo[v.TYPE]
    has_type = lambda x, c: c in types.get(x, _NONE)  # noqa: E731
    found: list[str] = []
    # dt-not-type, for literals typed by reasoning; most closures type no literal, which a scan in C
    # finds (issue 22: the loop in Python was half of a prepared engine's check of a case)
    typed_literal = LITERAL in map(e.kinds.__getitem__, types)
    for x, classes in types.items() if typed_literal else ():
        if e.kinds[x] == LITERAL:
            term = e.terms[x]
            literal = (e.adapter.text(term), e.adapter.datatype(term), e.adapter.language(term))
            for c in classes:
                clash = datatype_clash(*literal, show(c)) if e.kinds[c] == IRI else None
                if clash is not None:
                    found.append(clash)
    for x in e.subjects(v.TYPE, v.NOTHING):  # cls-nothing2
        found.append(f"{show(x)} is defined of type 'Nothing'")
    for c1, c2s in e.spo[v.DISJOINT_WITH].items():  # cax-dw
        for c2 in c2s:
            for x in e.subjects(v.TYPE, c1):
                if has_type(x, c2):
                    found.append(f"Disjoint classes {show(c1)} and {show(c2)} have a common individual {show(x)}")
    for group in e.subjects(v.TYPE, v.ALL_DISJOINT_CLASSES):  # cax-adc
        for head in e.objects(group, v.MEMBERS):
            for c1, c2 in combinations(e.read_list(head), 2):
                for x in e.subjects(v.TYPE, c1):
                    if has_type(x, c2):
                        found.append(f"Disjoint classes {show(c1)} and {show(c2)} have a common individual {show(x)}")
    for c1, c2s in e.spo.get(v.COMPLEMENT_OF, {}).items():  # cls-com
        for c2 in c2s:
            for x in e.subjects(v.TYPE, c1):
                if has_type(x, c2):
                    found.append(
                        f"Violation of complementarity for classes {show(c1)} and {show(c2)} on element {show(x)}"
                    )
    for p in e.subjects(v.TYPE, v.IRREFLEXIVE):  # prp-irp
        for x, objects in e.spo.get(p, {}).items():
            if x in objects:
                found.append(f"Irreflexive property used on {show(x)} with {show(p)}")
    for p in e.subjects(v.TYPE, v.ASYMMETRIC):  # prp-asyp
        for x, objects in e.spo.get(p, {}).items():
            for y in objects:
                if e.has(y, p, x):
                    found.append(f"Erroneous usage of asymmetric property {show(p)} on {show(x)} and {show(y)}")
    for p1, p2s in e.spo.get(v.PROPERTY_DISJOINT_WITH, {}).items():  # prp-pdw
        for p2 in p2s:
            for x, objects in e.spo.get(p1, {}).items():
                for y in objects:
                    if e.has(x, p2, y):
                        found.append(
                            f"Erroneous usage of disjoint properties {show(p1)} and {show(p2)} "
                            f"on {show(x)} and {show(y)}"
                        )
    for group in e.subjects(v.TYPE, v.ALL_DISJOINT_PROPERTIES):  # prp-adp
        for head in e.objects(group, v.MEMBERS):
            for p1, p2 in combinations(e.read_list(head), 2):
                for x, objects in e.spo.get(p1, {}).items():
                    for y in objects:
                        if e.has(x, p2, y):
                            found.append(
                                "Disjoint properties in an 'AllDisjointProperties' are not really disjoint: "
                                f"({show(x)}, {show(p1)},{show(y)}) and ({show(x)},{show(p2)},{show(y)})"
                            )
    for x, ys in e.spo.get(v.DIFFERENT_FROM, {}).items():  # eq-diff1
        for y in ys:
            if e.has(x, v.SAME, y) or e.has(y, v.SAME, x):
                found.append(
                    "'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: "
                    f"({show(x)}, {show(y)})"
                )
    for group in e.subjects(v.TYPE, v.ALL_DIFFERENT):  # eq-diff2/3
        for head in (*e.objects(group, v.MEMBERS), *e.objects(group, v.DISTINCT_MEMBERS)):
            for x, y in combinations(e.read_list(head), 2):
                if x != y and (e.has(x, v.SAME, y) or e.has(y, v.SAME, x)):
                    found.append(
                        "'sameAs' and 'AllDifferent' cannot be used on the same subject-object pair: "
                        f"({show(x)}, {show(y)})"
                    )
    for n, individuals in e.spo.get(v.SOURCE_INDIVIDUAL, {}).items():  # prp-npa1/2
        for i1 in individuals:
            for p in e.objects(n, v.ASSERTION_PROPERTY):
                for kind, target in (("object", v.TARGET_INDIVIDUAL), ("datatype", v.TARGET_VALUE)):
                    for i2 in e.objects(n, target):
                        if e.has(i1, p, i2):
                            found.append(
                                f"Negative ({kind}) property assertion violated for: "
                                f"({show(i1)}, {show(p)}, {show(i2)})"
                            )
    for r, p in _restrictions_with(e, v.MAX_CARDINALITY, 0):  # cls-maxc1
        for u in e.subjects(v.TYPE, r):
            for y in e.objects(u, p):
                found.append(f"Erroneous usage of maximum cardinality with {show(r)} and {show(y)}")
    for r, p in _restrictions_with(e, v.MAX_QUALIFIED_CARDINALITY, 0):  # cls-maxqc1/2
        for klass in e.objects(r, v.ON_CLASS):
            for u in e.subjects(v.TYPE, r):
                for y in e.objects(u, p):
                    if klass == v.THING or has_type(y, klass):
                        found.append(
                            "Erroneous usage of maximum qualified cardinality with "
                            f"{show(r)}, {show(klass)} and {show(y)}"
                        )
    return found
