"""Schema-level OWL 2 RL rules of the fast engine (private).

Each handler runs when a triple with a schema predicate (``rdfs:subClassOf``,
``owl:onProperty``, ...) or a typing with a meta class (``owl:Class``,
``owl:TransitiveProperty``, ...) is popped from the agenda.  It evaluates every
rule in which that triple is a premise, joining the other premises against the
store, so together with :mod:`milia_kg.reasoner._engine` each rule instance is found
once its last premise arrives.  Rule names are those of the OWL 2 RL profile
(tables 4-9); the guards (``c1 != c2`` ...) are owlrl's, so the closure equals
owlrl's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from milia_kg.reasoner._engine import Engine

__all__ = ["class_handlers", "predicate_handlers"]

_NONE: frozenset[int] = frozenset()


def predicate_handlers(e: Engine) -> dict[int, Callable[[int, int], None]]:
    """Handlers by predicate id, each called with the subject and object of the new triple."""
    v = e.v
    return {
        v.SCO: _subclass_handler(e),
        v.EQC: lambda s, o: _equivalent_class(e, s, o),
        v.SPO: lambda s, o: _subproperty(e, s, o),
        v.EQP: lambda s, o: _equivalent_property(e, s, o),
        v.DOMAIN: lambda s, o: _domain_range(e, s, o, v.DOMAIN),
        v.RANGE: lambda s, o: _domain_range(e, s, o, v.RANGE),
        v.INV: lambda s, o: _inverse(e, s, o),
        v.SAME: lambda s, o: _same_as(e, s, o),
        v.ONP: lambda s, o: _restriction_part(e, s, o, None),
        v.SVF: lambda s, o: _restriction_part(e, s, o, o),
        v.AVF: lambda s, o: _restriction_part(e, s, o, None),
        v.HV: lambda s, o: _restriction_part(e, s, o, None),
        v.INTERSECTION_OF: lambda s, o: _intersection(e, s, o),
        v.UNION_OF: lambda s, o: _union(e, s, o),
        v.ONE_OF: lambda s, o: _one_of(e, s, o),
        v.CHAIN: lambda s, o: _chain_axiom(e, s, o),
    }


def class_handlers(e: Engine) -> dict[int, Callable[[int], None]]:
    """Handlers by meta class id, each called with the newly typed term."""
    v = e.v
    handlers: dict[int, Callable[[int], None]] = {v.CLASS: lambda c: _declared_class(e, c)}
    for meta in (v.OBJECT_PROPERTY, v.DATATYPE_PROPERTY, v.RDF_PROPERTY):
        handlers[meta] = lambda p: _declared_property(e, p)
    for meta in (v.SYMMETRIC, v.TRANSITIVE, v.FUNCTIONAL, v.INVERSE_FUNCTIONAL):
        handlers[meta] = functools.partial(_characteristic, e, meta=meta)
    return handlers


def _members(e: Engine, c: int) -> tuple[int, ...]:
    return tuple(e.subjects(e.v.TYPE, c))


def _subclass_handler(e: Engine) -> Callable[[int, int], None]:
    """The handler of ``c1 rdfs:subClassOf c2``, a closure over the indexes it reads: the most popped
    schema triple (a third of a generated graph's agenda), where reading each index through the engine
    and the vocabulary cost a fifth of its time."""
    v = e.v
    type_, sco, domain, range_ = v.TYPE, v.SCO, v.DOMAIN, v.RANGE
    sco_up, sco_down, types, members_of = e.spo[sco], e.pos[sco], e.spo[type_], e.pos[type_]
    by_domain, by_range, eqc, onp = e.pos[domain], e.pos[range_], e.spo[v.EQC], e.spo[v.ONP]
    fillers = (e.pos[v.SVF], e.pos[v.AVF])
    extended, base = e.sco_extended, e.sco_base

    def subclass(c1: int, c2: int) -> None:
        add = e.add  # not bound above: Engine.limit replaces it
        # scm-sco, evaluated right-linearly: a triple this rule made (``extended``) is joined only with
        # the ``base`` triples (those any other way gave) above it; a base triple is also joined with
        # every triple below it.  Every pair of the transitive closure is still reached (a chain of base
        # triples is extended one link at a time), but a chain of n classes costs n^2/2 joins, not n^3/6
        # (a 1,000-term is_a chain took 15.5 s, 3,000 terms past 60 s).
        pair = (c1, c2)
        is_base = pair not in extended
        if is_base:
            above_base = base.get(c1)
            if above_base is None:
                base[c1] = {c2}
            else:
                above_base.add(c2)
        else:
            extended.discard(pair)
        if c1 != c2:
            # cax-sco; not copied: the additions go to c2's members, never to c1's (c1 != c2)
            members = members_of.get(c1)
            if members:
                for x in members:
                    if c2 not in types[x]:  # a triple known is skipped before the call (most are)
                        add(x, type_, c2)
            supers = base.get(c2)
            if supers:
                above = sco_up[c1]
                for c3 in tuple(supers):  # scm-sco, new triple first
                    if c3 != c1 and c3 not in above and add(c1, sco, c3):
                        extended.add((c1, c3))
            props = by_domain.get(c1)
            if props:
                for p in tuple(props):  # scm-dom1
                    add(p, domain, c2)
            props = by_range.get(c1)
            if props:
                for p in tuple(props):  # scm-rng1
                    add(p, range_, c2)
        if is_base:
            subs = sco_down.get(c1)
            if subs:
                below = sco_down[c2]
                for c0 in tuple(subs):  # scm-sco, new triple second
                    if c0 != c1 and c0 != c2 and c0 not in below and add(c0, sco, c2):
                        extended.add((c0, c2))
        ups = sco_up.get(c2)
        if ups and c1 in ups:  # scm-eqc2, both premise positions (known ones skipped before the call)
            if c2 not in eqc.get(c1, _NONE):
                add(c1, v.EQC, c2)
            if c1 not in eqc.get(c2, _NONE):
                add(c2, v.EQC, c1)
        # scm-svf1 / scm-avf1 with this triple as the filler subsumption y1 <= y2
        for by_filler in fillers:
            lower = by_filler.get(c1)
            if lower:
                upper = by_filler.get(c2)
                if upper:
                    for r1 in tuple(lower):
                        props = onp.get(r1, _NONE)
                        for r2 in tuple(upper):
                            if any(q in props for q in onp.get(r2, _NONE)):
                                add(r1, sco, r2)

    return subclass


def _equivalent_class(e: Engine, c1: int, c2: int) -> None:
    v, add = e.v, e.add
    if c1 == c2:
        return
    types = e.spo[v.TYPE]  # a typing known is skipped before the call (most are: Engine._drain made it)
    for x in _members(e, c1):  # cax-eqc1
        if c2 not in types[x]:
            add(x, v.TYPE, c2)
    for x in _members(e, c2):  # cax-eqc2
        if c1 not in types[x]:
            add(x, v.TYPE, c1)
    add(c1, v.SCO, c2)  # scm-eqc1
    add(c2, v.SCO, c1)


def _copy_extension(e: Engine, source: int, target: int, swap: bool) -> None:
    add, spo = e.add, e.spo
    by_s = spo.get(target)  # read again only while None: the first add creates it
    for s, objects in list(spo.get(source, {}).items()):
        for o in tuple(objects):
            if by_s is None:
                by_s = spo.get(target)
            # a copy known is skipped before the call (an inverse's copy back)
            if swap:
                if by_s is None or s not in by_s.get(o, _NONE):
                    add(o, target, s)
            elif by_s is None or o not in by_s.get(s, _NONE):
                add(s, target, o)


def _subproperty(e: Engine, p1: int, p2: int) -> None:
    v, add, spo, pos = e.v, e.add, e.spo, e.pos
    e.watch(p1)
    # scm-spo right-linearly, as the subclass rule in _subclass_handler: an 800-property is_a chain took 45 s, cubic
    extended, base = e.spo_extended, e.spo_base
    is_base = (p1, p2) not in extended
    extended.discard((p1, p2))
    if is_base:
        base.setdefault(p1, set()).add(p2)
    if p1 != p2:
        _copy_extension(e, p1, p2, swap=False)  # prp-spo1
        for p3 in tuple(base.get(p2, _NONE)):  # scm-spo, new triple first
            if p3 != p1 and add(p1, v.SPO, p3):
                extended.add((p1, p3))
        if p1 in spo[v.SPO].get(p2, _NONE):  # scm-eqp2, both premise positions
            add(p1, v.EQP, p2)
            add(p2, v.EQP, p1)
        for c in tuple(spo[v.DOMAIN].get(p2, _NONE)):  # scm-dom2
            add(p1, v.DOMAIN, c)
        for c in tuple(spo[v.RANGE].get(p2, _NONE)):  # scm-rng2
            add(p1, v.RANGE, c)
    if is_base:
        for p0 in tuple(pos[v.SPO].get(p1, _NONE)):  # scm-spo, new triple second
            if p0 != p1 and p0 != p2 and add(p0, v.SPO, p2):
                extended.add((p0, p2))
    onp, onp_inv = spo[v.ONP], pos[v.ONP]
    for c1 in tuple(onp_inv.get(p1, _NONE)):
        for i in tuple(spo[v.HV].get(c1, _NONE)):  # scm-hv
            for c2 in tuple(pos[v.HV].get(i, _NONE)):
                if p2 in onp.get(c2, _NONE):
                    add(c1, v.SCO, c2)
        for y in tuple(spo[v.SVF].get(c1, _NONE)):  # scm-svf2
            for c2 in tuple(pos[v.SVF].get(y, _NONE)):
                if p2 in onp.get(c2, _NONE):
                    add(c1, v.SCO, c2)
        for y in tuple(spo[v.AVF].get(c1, _NONE)):  # scm-avf2 (note the direction)
            for c2 in tuple(pos[v.AVF].get(y, _NONE)):
                if p2 in onp.get(c2, _NONE):
                    add(c2, v.SCO, c1)


def _equivalent_property(e: Engine, p1: int, p2: int) -> None:
    v = e.v
    e.watch(p1)
    e.watch(p2)
    if p1 == p2:
        return
    _copy_extension(e, p1, p2, swap=False)  # prp-eqp1
    _copy_extension(e, p2, p1, swap=False)  # prp-eqp2
    e.add(p1, v.SPO, p2)  # scm-eqp1
    e.add(p2, v.SPO, p1)


def _domain_range(e: Engine, p: int, c: int, which: int) -> None:
    v, add = e.v, e.add
    e.watch(p)
    index = e.spo if which == v.DOMAIN else e.pos
    types = e.spo[v.TYPE]
    for x in list(index.get(p, {})):  # prp-dom / prp-rng
        if c not in types.get(x, _NONE):
            add(x, v.TYPE, c)
    for c2 in tuple(e.spo[v.SCO].get(c, _NONE)):  # scm-dom1 / scm-rng1
        if c2 != c:
            add(p, which, c2)
    for p1 in tuple(e.pos[v.SPO].get(p, _NONE)):  # scm-dom2 / scm-rng2
        if p1 != p:
            add(p1, which, c)


def _inverse(e: Engine, p1: int, p2: int) -> None:
    e.watch(p1)
    e.watch(p2)
    _copy_extension(e, p1, p2, swap=True)  # prp-inv1
    _copy_extension(e, p2, p1, swap=True)  # prp-inv2


def _same_as(e: Engine, x: int, y: int) -> None:
    v, add = e.v, e.add
    same_up, same_down = e.spo[v.SAME], e.pos[v.SAME]
    add(y, v.SAME, x)  # eq-sym
    for z in tuple(same_up.get(y, _NONE)):  # eq-trans, new triple first
        add(x, v.SAME, z)
    for w in tuple(same_down.get(x, _NONE)):  # eq-trans, new triple second
        add(w, v.SAME, y)
    if x == y:
        return
    e.same_terms.update((x, y))
    for p, by_s in list(e.spo.items()):  # eq-rep-s
        for o in tuple(by_s.get(x, _NONE)):
            add(y, p, o)
    for s, objects in list(e.spo.get(x, {}).items()):  # eq-rep-p
        for o in tuple(objects):
            add(s, y, o)
    for p, by_o in list(e.pos.items()):  # eq-rep-o
        for s in tuple(by_o.get(x, _NONE)):
            add(s, p, y)


def _restriction_part(e: Engine, r: int, o: int, svf_filler: int | None) -> None:
    """A part of restriction ``r`` arrived: re-evaluate every rule about ``r``."""
    v = e.v
    e.special_classes.add(r)
    if svf_filler is not None:
        e.special_classes.add(svf_filler)
    props = tuple(e.spo[v.ONP].get(r, _NONE))
    for p in props:
        e.watch(p)
    for p in props:
        for index, part in ((e.svf_index, v.SVF), (e.hv_index, v.HV)):
            for y in e.objects(r, part):
                index[p][y].add(r)
        if e.objects(r, v.AVF):
            e.avf_index[p][r].update(e.objects(r, v.AVF))
        _restriction_instances(e, r, p)
        _restriction_subsumptions(e, r, p)


def _restriction_instances(e: Engine, r: int, p: int) -> None:
    """cls-svf1/2, cls-avf, cls-hv1/2 for restriction ``r`` on property ``p``."""
    v, add, spo = e.v, e.add, e.spo
    by_s, by_o = e.spo.get(p, {}), e.pos.get(p, {})
    for y in tuple(spo[v.SVF].get(r, _NONE)):
        if y == v.THING:
            for u in list(by_s):
                add(u, v.TYPE, r)
            continue
        members = e.subjects(v.TYPE, y)
        if len(members) <= len(by_o):  # join from the smaller side
            found = [u for value in members for u in by_o.get(value, _NONE)]
        else:
            types = spo[v.TYPE]
            found = [u for value, us in by_o.items() if y in types.get(value, _NONE) for u in us]
        for u in found:
            add(u, v.TYPE, r)
    for y in tuple(spo[v.AVF].get(r, _NONE)):
        for u in _members(e, r):
            for value in tuple(by_s.get(u, _NONE)):
                add(value, v.TYPE, y)
    for y in tuple(spo[v.HV].get(r, _NONE)):
        for u in _members(e, r):  # cls-hv1
            add(u, p, y)
        for u in tuple(by_o.get(y, _NONE)):  # cls-hv2
            add(u, v.TYPE, r)


def _restriction_subsumptions(e: Engine, r: int, p: int) -> None:
    """scm-hv, scm-svf1/2, scm-avf1/2 with ``r`` (on ``p``) as either restriction."""
    v, add, spo, pos = e.v, e.add, e.spo, e.pos
    onp, sco, sco_inv, subprops = spo[v.ONP], spo[v.SCO], pos[v.SCO], spo[v.SPO]
    supers, subs = subprops.get(p, _NONE), pos[v.SPO].get(p, _NONE)  # q with p <= q; q with q <= p
    for i in tuple(spo[v.HV].get(r, _NONE)):  # scm-hv
        for other in tuple(pos[v.HV].get(i, _NONE)):
            for q in tuple(onp.get(other, _NONE)):
                if q in supers:
                    add(r, v.SCO, other)
                if q in subs:
                    add(other, v.SCO, r)
    for filler, swap in ((v.SVF, False), (v.AVF, True)):
        by_filler = pos[filler]
        for y in tuple(spo[filler].get(r, _NONE)):
            for y2 in tuple(sco.get(y, _NONE)):  # scm-svf1 / scm-avf1, r first
                for other in tuple(by_filler.get(y2, _NONE)):
                    if p in onp.get(other, _NONE):
                        add(r, v.SCO, other)
            for y1 in tuple(sco_inv.get(y, _NONE)):  # scm-svf1 / scm-avf1, r second
                for other in tuple(by_filler.get(y1, _NONE)):
                    if p in onp.get(other, _NONE):
                        add(other, v.SCO, r)
            for other in tuple(by_filler.get(y, _NONE)):  # scm-svf2 / scm-avf2
                for q in tuple(onp.get(other, _NONE)):
                    if q in supers:  # p <= q: svf gives r <= other, avf other <= r
                        add(*((other, v.SCO, r) if swap else (r, v.SCO, other)))
                    if q in subs:  # q <= p: svf gives other <= r, avf r <= other
                        add(*((r, v.SCO, other) if swap else (other, v.SCO, r)))


def _intersection(e: Engine, c: int, head: int) -> None:
    v, add = e.v, e.add
    members = e.read_list(head)
    e.int_lists[c].append(members)
    e.special_classes.add(c)
    for m in members:
        e.int_by_member[m].append((c, members))
        e.special_classes.add(m)
        add(c, v.SCO, m)  # scm-int
    for y in _members(e, c):  # cls-int2
        for m in members:
            add(y, v.TYPE, m)
    if members:  # cls-int1
        types = e.spo[v.TYPE]
        for y in _members(e, members[0]):
            if all(m in types.get(y, _NONE) for m in members):
                add(y, v.TYPE, c)


def _union(e: Engine, c: int, head: int) -> None:
    v, add = e.v, e.add
    for m in e.read_list(head):
        e.uni_by_member[m].add(c)
        e.special_classes.add(m)
        add(m, v.SCO, c)  # scm-uni
        for y in _members(e, m):  # cls-uni
            add(y, v.TYPE, c)


def _one_of(e: Engine, c: int, head: int) -> None:
    for y in e.read_list(head):  # cls-oo
        e.add(y, e.v.TYPE, c)


def _chain_axiom(e: Engine, p: int, head: int) -> None:
    chain = e.read_list(head)
    if not chain:
        return
    for index, link in enumerate(chain):
        e.chains_by_prop[link].append((p, chain, index))
        e.watch(link)
    for s, objects in list(e.spo.get(chain[0], {}).items()):  # prp-spo2 over what is known
        for o in tuple(objects):
            e.extend_chain(p, chain, 0, s, o)


def _declared_class(e: Engine, c: int) -> None:
    v, add = e.v, e.add
    add(c, v.SCO, c)  # scm-cls
    add(c, v.EQC, c)
    add(c, v.SCO, v.THING)
    add(v.NOTHING, v.SCO, c)


def _declared_property(e: Engine, p: int) -> None:
    e.add(p, e.v.SPO, p)  # scm-op / scm-dp
    e.add(p, e.v.EQP, p)


def _characteristic(e: Engine, p: int, *, meta: int) -> None:
    """``p`` became symmetric/transitive/functional/inverse-functional: replay its triples (unless
    the characteristic was asserted: then every triple of ``p`` met it when popped)."""
    e.watch(p)
    if (p, meta) in e.characterised:
        return
    chars = e.spo[e.v.TYPE].get(p, _NONE)
    for s, objects in list(e.spo.get(p, {}).items()):
        for o in tuple(objects):
            e.apply_characteristics(s, p, o, chars)
