"""The fast OWL 2 RL engine: store, agenda and instance-level rules (private).

Terms are interned to integers.  The store keeps every triple twice, in
``spo[p][s] -> objects`` and ``pos[p][o] -> subjects``, where the values are
tuples while they hold a few ids (most do; a tuple of one id takes a fifth of
the memory of a set) and sets beyond.  Reasoning is *semi-naive*: a new
triple is inserted at once (so duplicates are dropped on arrival) and pushed on
an agenda; when it is popped, every rule is evaluated with this triple in each
premise position and the store for the other premises.  Each instance of a rule
is therefore found when the last of its premises is processed, and the store
reaches the least fixpoint of the rules.  The schema-level handlers live in
:mod:`milia_kg.reasoner._schema`, the one-time datatype rules in
:mod:`milia_kg.reasoner._datatypes`, the inconsistency checks in :mod:`milia_kg.reasoner._checks`.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from milia_kg.base.interrupt import interruptible
from milia_kg.reasoner import _checks, _datatypes
from milia_kg.reasoner._schema import class_handlers, predicate_handlers
from milia_kg.reasoner._terms import LITERAL, TermAdapter, V

if TYPE_CHECKING:
    from milia_kg.reasoner.budget import Budget

__all__ = ["Engine"]

_EMPTY: frozenset[int] = frozenset()
#: Up to this many objects (subjects) per key are kept in a tuple, beyond in a set.  Measured on the
#: generated 100k graph (issue 22): 78 % of the spo keys and 68 % of the pos keys hold one id, 3-5 % more
#: than eight; 4 costs 1.9 % fewer instructions than 8 but 10 % more peak memory (6: 0.9 %, 4 %), 16 costs
#: 0.7 % more instructions.
_SMALL = 8
#: The deadline of a :class:`~milia_kg.reasoner.budget.Budget` (or, without one, the pending signals) is read
#: once per this many agenda triples.
_CLOCK_EVERY = 4096
#: What the indexes hold per key: a tuple while small, then a set.  Never mutate one from outside.
Values = tuple[int, ...] | set[int] | frozenset[int]


class Engine:
    """Integer-encoded triple store plus the OWL 2 RL fixpoint over it.

    :param adapter: how to read and build terms of the caller's RDF library.
    """

    def __init__(self, adapter: TermAdapter) -> None:
        self.adapter = adapter
        self.ids: dict[Any, int] = {}
        self.terms: list[Any] = []
        self.kinds = bytearray()
        self.spo: dict[int, dict[int, Values]] = {}
        self.pos: dict[int, dict[int, Values]] = {}
        self.agenda: list[tuple[int, int, int]] = []
        self.derived: list[tuple[int, int, int]] = []
        self.errors: list[str] = []
        #: properties with some property axiom, whose triples go through :meth:`_property_rules`, each with its
        #: :class:`_Plan` (``None`` until built, and again whenever a handler changes the property's axioms).
        self.watched: dict[int, _Plan | None] = {}
        #: classes whose members need more than (equivalent) superclass propagation.
        self.special_classes: set[int] = set()
        #: terms with an owl:sameAs partner other than themselves.
        self.same_terms: set[int] = set()
        self.int_lists: dict[int, list[tuple[int, ...]]] = defaultdict(list)
        self.int_by_member: dict[int, list[tuple[int, tuple[int, ...]]]] = defaultdict(list)
        self.uni_by_member: dict[int, set[int]] = defaultdict(set)
        self.chains_by_prop: dict[int, list[tuple[int, tuple[int, ...], int]]] = defaultdict(list)
        #: restrictions by property and filler / value / restriction (for the data-triple side of cls-*).
        self.svf_index: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
        self.hv_index: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
        self.avf_index: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
        self.v = _Vocab(self)
        self.characteristic_metas = (self.v.SYMMETRIC, self.v.TRANSITIVE, self.v.FUNCTIONAL, self.v.INVERSE_FUNCTIONAL)
        #: rdfs:subClassOf triples the transitivity rule derived and has not yet evaluated, and the ones it did
        #: not derive, by subclass (see ``_schema._subclass_handler``).
        self.sco_extended: set[tuple[int, int]] = set()
        self.sco_base: dict[int, set[int]] = {}
        #: the same split for rdfs:subPropertyOf (see ``_schema._subproperty``).
        self.spo_extended: set[tuple[int, int]] = set()
        self.spo_base: dict[int, set[int]] = {}
        #: the same split for transitive properties: triples their rule derived and has not yet evaluated,
        #: and, by transitive property and subject, the objects of the others (see :meth:`_transitive`).
        self.trp_extended: set[tuple[int, int, int]] = set()
        self.trp_base: dict[int, dict[int, set[int]]] = {}
        #: triples a two-link chain ``p o q -> p`` derived and that have not been popped
        #: (see :meth:`_property_rules`).
        self.chain_made: set[tuple[int, int, int]] = set()
        #: (property, characteristic) asserted: the property is watched from the start of :meth:`run`.
        self.characterised: set[tuple[int, int]] = set()
        #: the limits of this run (:meth:`limit`); ``None``: none.
        self.budget: Budget | None = None
        for pred in self.v.predicates():
            self.spo[pred] = {}
            self.pos[pred] = {}
        #: insert a triple without scheduling it; ``False`` if it was there.
        self.insert = self._make_inserter(schedule=False)
        #: derive a triple: insert it and schedule it for rule evaluation.
        self.add = self._make_inserter(schedule=True)
        self.pred_handlers = predicate_handlers(self)
        self.class_handlers = class_handlers(self)
        self.special_classes.update(self.class_handlers)

    # ------------------------------------------------------------------ terms
    def encode(self, term: Any) -> int:
        """Return the id of ``term``, interning it if new."""
        tid = self.ids.get(term)
        if tid is None:
            tid = self.ids[term] = len(self.terms)
            self.terms.append(term)
            self.kinds.append(self.adapter.kind(term))
        return tid

    def iri(self, value: str) -> int:
        """Return the id of the IRI ``value``."""
        return self.encode(self.adapter.iri(value))

    def read_list(self, head: int) -> tuple[int, ...]:
        """Members of the RDF collection starting at ``head`` (as far as it is well formed)."""
        first, rest, nil = self.spo[self.v.FIRST], self.spo[self.v.REST], self.v.NIL
        items: list[int] = []
        seen: set[int] = set()
        node = head
        while node != nil and node not in seen:
            seen.add(node)
            values = first.get(node)
            if not values:
                break
            items.append(min(values))
            nexts = rest.get(node)
            if not nexts:
                break
            node = min(nexts)
        return tuple(items)

    def close(self) -> None:
        """Drop the indexes now: the inserters and handlers hold the engine (a reference cycle), so
        otherwise only a full garbage collection frees it (the HPO merge's: 0.46-0.54 s of CPU, against
        0.08 s freed here). The engine is unusable afterwards."""
        self.__dict__.clear()

    # ------------------------------------------------------------------ store
    def limit(self, budget: Budget, asserted: int) -> None:
        """Hold the run to ``budget``: at most its cap of triples in all (``asserted`` are loaded),
        checked on every derived triple, so a huge closure is refused before its memory is spent.

        :raises MergeSizeError: if the asserted triples alone exceed the cap.
        """
        self.budget = budget
        cap = budget.cap(asserted)
        if cap is not None and asserted > cap:
            raise budget.over_size(cap)
        if cap is not None:
            self.add = self._make_inserter(schedule=True, limit=(cap - asserted, lambda: budget.over_size(cap)))

    def _make_inserter(self, schedule: bool, limit: tuple[int, Callable[[], Exception]] | None = None,
                       ) -> Callable[[int, int, int], bool]:
        """A closure inserting a triple (and, if ``schedule``, putting it on the agenda).

        The closure returns ``False`` if the triple was already stored.  A tuple grows by concatenation
        (``t + (o,)`` builds one tuple; ``(*t, o)`` builds a list first: 56 against 88 ns).  It is the
        engine's innermost operation, hence a closure over local names.  With ``limit``
        (the derived triples allowed, the error past them) it raises that error when
        one more is derived.
        """
        spo, pos, kinds = self.spo, self.pos, self.kinds
        push, record, derived = self.agenda.append, self.derived.append, self.derived
        most, over = limit if limit is not None else (sys.maxsize, _unlimited)
        limited = limit is not None  # the count is read only under a limit: a tenth of an insert's work

        def insert(s: int, p: int, o: int) -> bool:
            by_s = spo.get(p)
            if by_s is None:
                if kinds[p] == LITERAL:
                    return False
                by_s = spo[p] = {}
                pos[p] = {}
            objects = by_s.get(s)
            if objects is None:
                by_s[s] = (o,)
            elif o in objects:
                return False
            elif type(objects) is tuple:
                by_s[s] = objects + (o,) if len(objects) < _SMALL else {*objects, o}  # noqa: RUF005
            else:  # a set: the frozenset in Values is only the shared empty default, never stored
                objects.add(o)  # type: ignore[union-attr]  # a set: type() is tuple does not narrow the else
            by_o = pos[p]
            subjects = by_o.get(o)
            if subjects is None:
                by_o[o] = (s,)
            elif type(subjects) is tuple:
                by_o[o] = subjects + (s,) if len(subjects) < _SMALL else {*subjects, s}  # noqa: RUF005
            else:
                subjects.add(s)  # type: ignore[union-attr]  # a set, as above
            if schedule:
                triple = (s, p, o)
                push(triple)
                record(triple)
                if limited and len(derived) > most:
                    raise over()
            return True

        return insert

    def watch(self, p: int) -> None:
        """Send ``p``'s triples through the property rules, and rebuild its plan: an axiom about ``p`` arrived.

        Called by each schema handler before it joins the new axiom with ``p``'s triples, so a triple
        popped later sees the axiom in the rebuilt plan and one popped earlier was joined by the handler.
        """
        self.watched[p] = None

    def has(self, s: int, p: int, o: int) -> bool:
        """Whether the store holds the triple."""
        objects = self.spo.get(p, {}).get(s)
        return objects is not None and o in objects

    def objects(self, s: int, p: int) -> Values:
        """Objects of ``s p ?``."""
        return self.spo.get(p, {}).get(s, _EMPTY)

    def subjects(self, p: int, o: int) -> Values:
        """Subjects of ``? p o``."""
        return self.pos.get(p, {}).get(o, _EMPTY)

    # ------------------------------------------------------------------ running
    def load(self, triples: Iterable[tuple[Any, Any, Any]]) -> list[tuple[int, int, int]]:
        """Intern and insert the asserted triples; return them as ids (duplicates dropped)."""
        insert, ids, terms, kinds, kind = self.insert, self.ids, self.terms, self.kinds, self.adapter.kind
        get, spo, pos = ids.get, self.spo, self.pos
        asserted: list[tuple[int, int, int]] = []
        append = asserted.append
        clock = _CLOCK_EVERY
        for s, p, o in triples:  # encode() inlined: three calls per triple were a fifth of loading
            clock -= 1
            if not clock:  # compiled, a list's millions of triples load without entering the interpreter
                clock = _CLOCK_EVERY
                interruptible()
            si = get(s)
            if si is None:
                si = ids[s] = len(terms)
                terms.append(s)
                kinds.append(kind(s))
            pi = get(p)
            if pi is None:
                pi = ids[p] = len(terms)
                terms.append(p)
                kinds.append(kind(p))
            oi = get(o)
            if oi is None:
                oi = ids[o] = len(terms)
                terms.append(o)
                kinds.append(kind(o))
            by_s = spo.get(pi)
            objects = None if by_s is None else by_s.get(si)
            # the common cases of insert(), inlined: a known predicate, and a new subject or a small tuple
            if by_s is not None and (objects is None or (
                    type(objects) is tuple and len(objects) < _SMALL and oi not in objects)):
                by_s[si] = (oi,) if objects is None else objects + (oi,)  # noqa: RUF005
                by_o = pos[pi]
                subjects = by_o.get(oi)
                if subjects is None:
                    by_o[oi] = (si,)
                elif type(subjects) is tuple:
                    by_o[oi] = subjects + (si,) if len(subjects) < _SMALL else {*subjects, si}  # noqa: RUF005
                else:
                    subjects.add(si)  # type: ignore[union-attr]  # a set, as in insert()
                append((si, pi, oi))
                continue
            if insert(si, pi, oi):
                append((si, pi, oi))
        return asserted

    def run(self, asserted: list[tuple[int, int, int]]) -> None:
        """Compute the closure of the loaded triples (to :attr:`derived`) and the errors.

        :param asserted: what :meth:`load` returned; emptied once read, so that the triples not put on the
            agenda are freed (two thirds of a generated graph's: 45 MB at 1M triples).
        """
        for triple in _datatypes.one_time_triples(self, asserted):
            self.add(*triple)
        # an asserted characteristic is in the store from the start, so its property's triples go through
        # apply_characteristics from the start: its typing, when popped, need not replay them (a replay
        # takes every triple as a base one: cubic for a transitive chain closed before the typing popped)
        # (read from the index, not by a pass over the asserted triples: the store holds only those and the
        # one-time triples, none of which has a characteristic as its object)
        type_, members_of = self.v.TYPE, self.pos[self.v.TYPE]
        self.characterised.update((s, meta) for meta in self.characteristic_metas for s in members_of.get(meta, ()))
        for s, _ in self.characterised:
            self.watch(s)
        # only the asserted triples that a rule can start from are popped: each handler that makes a property
        # watched (a domain, a chain, a restriction ...) joins its axiom with all of that property's triples
        # in the store, which holds every asserted one, and each handler of a class axiom (a subclass, an
        # intersection, a restriction ...) joins it with all the class's members, so popping the others would
        # only repeat those joins; a typing with a meta class (owl:Class ...) is itself the axiom
        starts, meta_classes = {*self.pred_handlers, *self.watched}, self.class_handlers
        self.agenda.extend(t for t in reversed(asserted)
                           if (p := t[1]) in starts or (p == type_ and t[2] in meta_classes))
        asserted.clear()
        self.run_agenda()
        self.errors.extend(_checks.inconsistencies(self))

    def run_agenda(self) -> None:
        """Evaluate the rules for every triple on the agenda, and the rare rules, to the fixpoint."""
        while True:
            self._drain()
            if not _checks.slow_rules(self):
                break

    def _drain(self) -> None:
        """Pop the agenda to its end.  The typing rules (cax-sco, cax-eqc1/2: a fifth of a generated
        graph's agenda) are evaluated here, and the property and special-class rules by closures built
        once per drain: per popped triple, reading the engine's attributes cost more than the rules."""
        agenda = self.agenda
        pop = agenda.pop
        v, add = self.v, self.add
        type_ = v.TYPE
        handlers = self.pred_handlers
        watched = self.watched
        same = self.same_terms
        special = self.special_classes
        types, supers_of, eqc_up, eqc_down = self.spo[type_], self.spo[v.SCO], self.spo[v.EQC], self.pos[v.EQC]
        on_special, on_property, on_same = self._special_type_rules(), self._property_rules(), self._replace_same
        # every few thousand triples: the budget's deadline, or, without one, a call into the interpreter,
        # where Ctrl-C is handled (a compiled engine never enters it otherwise: milia_kg.base.interrupt)
        check, clock = interruptible if self.budget is None else self.budget.check_time, _CLOCK_EVERY
        while agenda:
            clock -= 1
            if not clock:
                clock = _CLOCK_EVERY
                check()
            s, p, o = pop()
            if p == type_:
                # ``s rdf:type o`` holds, so the rules' guards c2 != o are met by skipping what is known
                known = types[s]
                supers = supers_of.get(o)
                if supers:
                    for c2 in supers:  # cax-sco
                        if c2 not in known:
                            add(s, type_, c2)
                equivalents = eqc_up.get(o)
                if equivalents:
                    for c2 in equivalents:  # cax-eqc1
                        if c2 not in known:
                            add(s, type_, c2)
                equivalents = eqc_down.get(o)
                if equivalents:
                    for c1 in equivalents:  # cax-eqc2
                        if c1 not in known:
                            add(s, type_, c1)
                if o in special:
                    on_special(s, o)
            else:
                handler = handlers.get(p)
                if handler is not None:
                    handler(s, o)
            if p in watched:
                on_property(s, p, o)
            if same and (s in same or p in same or o in same):
                on_same(s, p, o)

    # ------------------------------------------------------------------ instance rules
    def _special_type_rules(self) -> Callable[[int, int], None]:
        """The rules on ``x rdf:type c`` for a class with more than superclasses: the class axioms'
        handlers and cls-int1/2, cls-uni, cls-svf1, cls-avf, cls-hv1 (a closure over the indexes)."""
        v, add, type_, spo, pos = self.v, self.add, self.v.TYPE, self.spo, self.pos
        handlers, types, subjects = self.class_handlers, spo[type_], self.subjects
        int_by_member, int_lists, uni_by_member = self.int_by_member, self.int_lists, self.uni_by_member
        by_filler, onp, every, value = pos[v.SVF], spo[v.ONP], spo[v.AVF], spo[v.HV]

        def on_special(x: int, c: int) -> None:
            handler = handlers.get(c)
            if handler is not None:
                handler(x)
            known = types.get(x, _EMPTY)
            for klass, members in int_by_member.get(c, ()):  # cls-int1
                if all(m in known for m in members):
                    add(x, type_, klass)
            for members in int_lists.get(c, ()):  # cls-int2
                for m in members:
                    if m not in known:  # (a snapshot: a typing made since is dropped by add)
                        add(x, type_, m)
            for klass in uni_by_member.get(c, ()):  # cls-uni
                add(x, type_, klass)
            restrictions = by_filler.get(c)
            if restrictions:
                for r in tuple(restrictions):  # cls-svf1, x as the filler's member
                    for p in tuple(onp.get(r, ())):
                        for u in tuple(subjects(p, x)):
                            add(u, type_, r)
            props = onp.get(c)
            if props:
                for y in tuple(every.get(c, ())):  # cls-avf, x as the restriction's member
                    for p in tuple(props):
                        for found in tuple(self.objects(x, p)):
                            add(found, type_, y)
                for y in tuple(value.get(c, ())):  # cls-hv1
                    for p in tuple(props):
                        add(x, p, y)

        return on_special

    def _plan(self, p: int) -> _Plan:
        """What the property rules need to know about ``p``, read once from the store (see :class:`_Plan`)."""
        v, spo, pos = self.v, self.spo, self.pos
        copies = dict.fromkeys(  # super- and equivalent properties (p itself would copy the triple)
            [*spo[v.SPO].get(p, _EMPTY), *spo[v.EQP].get(p, _EMPTY), *pos[v.EQP].get(p, _EMPTY)])
        copies.pop(p, None)
        inverses = dict.fromkeys([*spo[v.INV].get(p, _EMPTY), *pos[v.INV].get(p, _EMPTY)])
        characteristics = spo[v.TYPE].get(p, _EMPTY)
        plan = _Plan(
            tuple(spo[v.DOMAIN].get(p, _EMPTY)), tuple(spo[v.RANGE].get(p, _EMPTY)), tuple(copies),
            tuple(inverses),
            tuple(characteristics) if any(c in characteristics for c in self.characteristic_metas) else None,
            tuple(self.chains_by_prop.get(p, ())),
            self.svf_index.get(p) or None, self.hv_index.get(p) or None, self.avf_index.get(p) or None)
        self.watched[p] = plan
        return plan

    def _property_rules(self) -> Callable[[int, int, int], None]:
        """The rules on ``s p o`` for a property with axioms: prp-* and cls-* (a closure over the indexes).

        A derived triple already in the store is skipped before the call to :attr:`add` (most are:
        a subject's domain typing is re-derived from each of its triples)."""
        add, type_, thing, spo = self.add, self.v.TYPE, self.v.THING, self.spo
        watched, plan_of, types = self.watched, self._plan, spo[type_]
        trp_extended, chain_made = self.trp_extended, self.chain_made
        made_by_trp, characterise = self._made_by_trp, self.apply_characteristics
        extend_chain, transitive = self.extend_chain, self.v.TRANSITIVE

        def on_property(s: int, p: int, o: int) -> None:
            domains, ranges, copies, inverses, characteristics, chains, some, value, every = (
                watched[p] or plan_of(p))  # unpacked at once: nine attribute reads cost more
            if domains:  # prp-dom
                known = types.get(s, _EMPTY)
                for c in domains:
                    if c not in known:
                        add(s, type_, c)
            if ranges:  # prp-rng
                known = types.get(o, _EMPTY)
                for c in ranges:
                    if c not in known:
                        add(o, type_, c)
            if copies or inverses:
                # a copy of a triple that transitivity made is itself a path of base triples of the copy's
                # property (the copies of that path's links): marked so, a transitive inverse (has part of
                # part of) is closed right-linearly too (see _transitive), not joined on both sides for every
                # copy (only a transitive property's triples are marked, and a plan is rebuilt when p becomes
                # transitive)
                made = made_by_trp if characteristics and trp_extended and (s, p, o) in trp_extended else add
                for p2 in copies:  # prp-spo1, prp-eqp1, prp-eqp2
                    by_s = spo.get(p2)
                    if by_s is None or o not in by_s.get(s, _EMPTY):
                        made(s, p2, o)
                for p2 in inverses:  # prp-inv1, prp-inv2
                    by_s = spo.get(p2)
                    if by_s is None or s not in by_s.get(o, _EMPTY):
                        made(o, p2, s)
            if characteristics:
                characterise(s, p, o, characteristics)
            if chains:
                triple = (s, p, o)
                made_by_chain = triple in chain_made
                if made_by_chain:
                    chain_made.discard(triple)
                # a triple that the chain ``p o q -> p`` made needs no extension as its first link when ``q``
                # is transitive (right-linear): ``a p c`` made from ``a p b`` and ``b q c`` reaches each ``d``
                # of ``c q d`` through ``b q d`` and ``a p b`` already (joined when the later of the two is
                # popped), as ``_transitive`` skips its own triples.  A chain of n sites on a site's m
                # ancestors costs m joins, not m^2/2.
                for target, chain, index in chains:  # prp-spo2
                    if not (made_by_chain and index == 0 and len(chain) == 2
                            and transitive in types.get(chain[1], _EMPTY)):
                        extend_chain(target, chain, index, s, o)
            if some:  # cls-svf1/2
                for y in tuple(types.get(o, _EMPTY)):
                    for r in tuple(some.get(y, _EMPTY)):
                        add(s, type_, r)
                for r in tuple(some.get(thing, _EMPTY)):
                    add(s, type_, r)
            if value:  # cls-hv2
                for r in tuple(value.get(o, _EMPTY)):
                    add(s, type_, r)
            if every:  # cls-avf
                for r in tuple(types.get(s, _EMPTY)):
                    for y in tuple(every.get(r, _EMPTY)):
                        add(o, type_, y)

        return on_property

    def apply_characteristics(self, s: int, p: int, o: int, chars: Values) -> None:
        v, add = self.v, self.add
        if v.SYMMETRIC in chars:  # prp-symp
            add(o, p, s)
        if v.TRANSITIVE in chars:  # prp-trp
            self._transitive(s, p, o)
        if v.FUNCTIONAL in chars:  # prp-fp
            for o2 in tuple(self.objects(s, p)):
                if o2 != o:
                    add(o, v.SAME, o2)
                    add(o2, v.SAME, o)
        if v.INVERSE_FUNCTIONAL in chars:  # prp-ifp
            for s2 in tuple(self.subjects(p, o)):
                if s2 != s:
                    add(s, v.SAME, s2)
                    add(s2, v.SAME, s)

    def _made_by_trp(self, s: int, p: int, o: int) -> bool:
        """Derive a copy of a triple transitivity made; if ``p`` is transitive, mark it as made so."""
        if not self.add(s, p, o):
            return False
        if self.v.TRANSITIVE in self.spo[self.v.TYPE].get(p, _EMPTY):
            self.trp_extended.add((s, p, o))
        return True

    def _transitive(self, s: int, p: int, o: int) -> None:
        """prp-trp, evaluated right-linearly as the subclass rule is (``_schema._subclass_handler``): a
        triple this rule made is joined only with the ``base`` triples (those any other way gave) after it; a base
        triple is also joined with every triple before it.  Every pair of the closure is still reached
        (a path of base triples is extended one link at a time), but a chain of n terms costs n^2/2
        joins, not n^3/6 (a 600-term ``part_of`` chain took 21 s)."""
        add, extended = self.add, self.trp_extended
        triple = (s, p, o)
        is_base = triple not in extended
        base = self.trp_base.get(p)
        if base is None:
            base = self.trp_base[p] = {}
        if is_base:
            base.setdefault(s, set()).add(o)
        else:
            extended.discard(triple)
        for z in tuple(base.get(o, ())):  # the new triple first, a base one second
            if add(s, p, z):
                extended.add((s, p, z))
        if is_base:
            for x in tuple(self.subjects(p, s)):  # any triple first, the new base one second
                if add(x, p, o):
                    extended.add((x, p, o))

    def extend_chain(self, target: int, chain: tuple[int, ...], index: int, s: int, o: int) -> None:
        """prp-spo2 with ``s chain[index] o`` as the new link: walk left and right."""
        starts = {s}
        for j in range(index - 1, -1, -1):
            by_o = self.pos.get(chain[j], {})
            starts = {a for b in starts for a in by_o.get(b, ())}
            if not starts:
                return
        ends = {o}
        for j in range(index + 1, len(chain)):
            by_s = self.spo.get(chain[j], {})
            ends = {c for b in ends for c in by_s.get(b, ())}
            if not ends:
                return
        add, by_start = self.add, self.spo.get(target, {})
        marks = self.chain_made if len(chain) == 2 and chain[0] == target else None
        for a in starts:
            known = by_start.get(a, _EMPTY)
            for c in ends:
                if c not in known and add(a, target, c) and marks is not None:
                    marks.add((a, target, c))

    def _replace_same(self, s: int, p: int, o: int) -> None:
        """eq-rep-s/p/o for a triple mentioning a term with owl:sameAs partners."""
        add, same = self.add, self.spo[self.v.SAME]
        for s2 in tuple(same.get(s, ())):
            add(s2, p, o)
        for p2 in tuple(same.get(p, ())):
            add(s, p2, o)
        for o2 in tuple(same.get(o, ())):
            add(s, p, o2)


class _Plan(NamedTuple):
    """The axioms of one property that its triples are joined with, read once (:meth:`Engine._plan`) and
    dropped whenever a handler changes them (:meth:`Engine.watch`): a triple popped in between was in the
    store when that handler joined the new axiom with all of the property's triples."""

    domains: tuple[int, ...]
    ranges: tuple[int, ...]
    #: super- and equivalent properties p2: ``s p2 o``.
    copies: tuple[int, ...]
    #: inverse properties p2: ``o p2 s``.
    inverses: tuple[int, ...]
    #: the property's types, if one is symmetric, transitive, functional or inverse functional.
    characteristics: tuple[int, ...] | None
    chains: tuple[tuple[int, tuple[int, ...], int], ...]
    #: restrictions on the property by filler, by value, and the allValuesFrom fillers by restriction.
    some: dict[int, set[int]] | None
    value: dict[int, set[int]] | None
    every: dict[int, set[int]] | None


def _unlimited() -> Exception:
    """The error of an inserter without a limit (never raised: no count exceeds ``sys.maxsize``)."""
    return OverflowError("no limit")


class _Vocab:
    """Ids of the vocabulary terms, as attributes named like :class:`V`'s (declared for the type checker)."""

    ALL_DIFFERENT: int
    ALL_DISJOINT_CLASSES: int
    ALL_DISJOINT_PROPERTIES: int
    ALL_VALUES_FROM: int
    ANNOTATION_PROPERTY: int
    ASSERTION_PROPERTY: int
    ASYMMETRIC: int
    AVF: int
    CHAIN: int
    CLASS: int
    COMPLEMENT_OF: int
    DATATYPE: int
    DATATYPE_PROPERTY: int
    DIFFERENT_FROM: int
    DISJOINT_WITH: int
    DISTINCT_MEMBERS: int
    DOMAIN: int
    EQC: int
    EQP: int
    EQUIVALENT_CLASS: int
    EQUIVALENT_PROPERTY: int
    FIRST: int
    FUNCTIONAL: int
    HAS_KEY: int
    HAS_VALUE: int
    HV: int
    INTERSECTION_OF: int
    INV: int
    INVERSE_FUNCTIONAL: int
    INVERSE_OF: int
    IRREFLEXIVE: int
    MAX_CARDINALITY: int
    MAX_QUALIFIED_CARDINALITY: int
    MEMBERS: int
    NIL: int
    NOTHING: int
    OBJECT_PROPERTY: int
    ONE_OF: int
    ONP: int
    ON_CLASS: int
    ON_PROPERTY: int
    PROPERTY_DISJOINT_WITH: int
    RANGE: int
    RDF_PROPERTY: int
    REST: int
    SAME: int
    SAME_AS: int
    SCO: int
    SOME_VALUES_FROM: int
    SOURCE_INDIVIDUAL: int
    SPO: int
    SVF: int
    SYMMETRIC: int
    TARGET_INDIVIDUAL: int
    TARGET_VALUE: int
    THING: int
    TRANSITIVE: int
    TYPE: int
    UNION_OF: int

    def __init__(self, engine: Engine) -> None:
        self.SCO = engine.iri(V.SCO)
        self.SPO = engine.iri(V.SPO)
        self.EQC = engine.iri(V.EQUIVALENT_CLASS)
        self.EQP = engine.iri(V.EQUIVALENT_PROPERTY)
        self.INV = engine.iri(V.INVERSE_OF)
        self.SAME = engine.iri(V.SAME_AS)
        self.ONP = engine.iri(V.ON_PROPERTY)
        self.SVF = engine.iri(V.SOME_VALUES_FROM)
        self.AVF = engine.iri(V.ALL_VALUES_FROM)
        self.HV = engine.iri(V.HAS_VALUE)
        for name in dir(V):
            if name.isupper() and not hasattr(self, name):
                setattr(self, name, engine.iri(getattr(V, name)))

    def predicates(self) -> list[int]:
        """Vocabulary predicates whose index dictionaries are created up front."""
        return [
            self.TYPE, self.FIRST, self.REST, self.SCO, self.SPO, self.DOMAIN, self.RANGE,
            self.EQC, self.EQP, self.INV, self.SAME, self.ONP, self.SVF, self.AVF, self.HV,
            self.CHAIN, self.INTERSECTION_OF, self.UNION_OF, self.ONE_OF, self.DISJOINT_WITH,
        ]  # fmt: skip
