"""A closed base held by the fast engine, to which a few triples are added, reasoned and taken away.

Reasoning a small case against a large, fixed schema from scratch repeats the schema's work every
time.  :class:`Prepared` loads an already closed set of triples (the base) once, running the
schema handlers so the engine's indexes are built, and then answers :meth:`Prepared.reason` for
a few extra triples semi-naively: only the new triples go on the agenda, joined against the base.
The closure is the same as a from-scratch run over base + extra (the rules are monotone and the
base is a fixpoint).  Afterwards the store is put back as it was: the new triples are removed,
the terms they interned forgotten.  If a new triple changed the engine's schema indexes (a new
axiom, a ``owl:sameAs``), the base is reloaded instead, so the next call starts from the base again.
Calls are serialised by a lock, so threads (a served endpoint) can share one instance.

The engine's state after the base can be kept (:meth:`Prepared.state`, plain data) and a later process
started from it (:meth:`Prepared.from_state`) instead of running the base's schema handlers again
(:mod:`~milia_kg.reasoner._snapshot`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, Literal

from milia_kg.reasoner import _checks, _datatypes, _snapshot, _terms
from milia_kg.reasoner._engine import Engine
from milia_kg.reasoner._terms import ADAPTERS, BNODE, LITERAL

__all__ = ["Prepared"]

Triple = tuple[Any, Any, Any]


class Prepared:
    """The fast engine holding ``base``, a set of triples closed under OWL 2 RL (as
    ``asserted + fast.reason(asserted).inferred`` is).

    :param base: the closed triples, in the ``terms`` library.
    :param terms: ``"rdflib"`` or ``"oxigraph"``.
    :raises ValueError: for an unknown ``terms`` name.
    """

    def __init__(self, base: Iterable[Triple], *, terms: Literal["rdflib", "oxigraph"] = "oxigraph") -> None:
        if terms not in ADAPTERS:
            raise ValueError(f"unknown term library {terms!r}; choose one of {', '.join(ADAPTERS)}")
        self._terms = terms
        self._base = list(base)
        self._kept: tuple[list[Any], Callable[[], dict[str, Any]]] | None = None
        self._lock = threading.Lock()
        self._load()

    @classmethod
    def from_state(cls, base_terms: list[Any], state: Callable[[], dict[str, Any]], *,
                   terms: Literal["rdflib", "oxigraph"] = "oxigraph") -> Prepared:
        """The engine over a base whose :meth:`state` was kept: ``base_terms`` are the engine's terms
        then (in order), ``state()`` gives a fresh copy of that state at each call (a case that changes
        the schema restores it again).

        :raises ValueError: for an unknown ``terms`` name, or a state of another engine layout.
        """
        if terms not in ADAPTERS:
            raise ValueError(f"unknown term library {terms!r}; choose one of {', '.join(ADAPTERS)}")
        prepared = cls.__new__(cls)
        prepared._terms = terms
        prepared._base = []
        prepared._kept = (base_terms, state)
        prepared._lock = threading.Lock()
        prepared._load()
        return prepared

    def state(self) -> tuple[list[Any], dict[str, Any]]:
        """The engine's terms and its plain state over the base alone, for :meth:`from_state`."""
        with self._lock:
            self._load()  # as the base left it (a case may have built plans or grown an index's tuple)
            return list(self.engine.terms), _snapshot.state(self.engine)

    def _load(self) -> None:
        engine = self.engine = Engine(ADAPTERS[self._terms]())
        if self._kept is not None:
            base_terms, state = self._kept
            _snapshot.restore(engine, base_terms, state())
        else:
            asserted = engine.load(self._base)
            engine.agenda.extend(reversed(asserted))  # builds the schema indexes; derives nothing new
            engine.run_agenda()
        self.errors = tuple(_checks.inconsistencies(engine))
        self._mark = (len(engine.terms), len(engine.derived), len(engine.errors))
        self._schema_predicates = set(engine.pred_handlers)
        self._meta_classes = set(engine.class_handlers)

    # ------------------------------------------------------------------ reasoning
    def reason(self, triples: Iterable[Triple]) -> tuple[list[Triple], tuple[str, ...]]:
        """The triples that base + ``triples`` entail beyond the base (``triples`` included when new,
        blank-node predicates left out), and the inconsistency messages of base + ``triples``."""
        with self._lock:
            return self._reason(triples)

    def _reason(self, triples: Iterable[Triple]) -> tuple[list[Triple], tuple[str, ...]]:
        e = self.engine
        added = e.load(triples)
        if self._needs_one_time_rules(added):
            for triple in _datatypes.one_time_triples(e, added):
                e.add(*triple)
        e.agenda.extend(reversed(added))
        e.run_agenda()
        errors = tuple(_checks.inconsistencies(e))
        new = [*added, *e.derived[self._mark[1]:]]
        decode, kinds = e.terms, e.kinds
        found = [(decode[s], decode[p], decode[o]) for s, p, o in new if kinds[p] != BNODE]
        if self._touches_schema(new):
            self._load()
        else:
            self._take_back(new)
        return found, errors

    def _needs_one_time_rules(self, added: list[tuple[int, int, int]]) -> bool:
        """Whether owlrl's one-time rules could add something for ``added``: literals, datatype
        typings and ``owl:sameAs`` (the base holds what they add for everything else)."""
        e, v = self.engine, self.engine.v
        prefixes = (_terms.XSD_NS, _terms.RDF_NS, _terms.RDFS_NS)
        for s, p, o in added:
            if LITERAL in (e.kinds[s], e.kinds[o]) or p == v.SAME:
                return True
            if p == v.TYPE and e.adapter.text(e.terms[o]).startswith(prefixes):
                return True
        return False

    def _touches_schema(self, new: list[tuple[int, int, int]]) -> bool:
        type_ = self.engine.v.TYPE
        predicates, metas = self._schema_predicates, self._meta_classes
        return any(p in predicates or (p == type_ and o in metas) for _, p, o in new)

    def _take_back(self, new: list[tuple[int, int, int]]) -> None:
        """Remove the triples ``new`` and the terms interned since the base.

        An index entry keyed by a new term (the case's individuals) holds new triples only, so it is
        dropped whole; a new predicate's indexes go with the new terms below (issue 22: a tenth of a
        warm classification was spent taking back one value at a time)."""
        e = self.engine
        n_terms, n_derived, n_errors = self._mark
        spo, pos = e.spo, e.pos
        for s, p, o in new:
            if p >= n_terms:
                continue
            if s >= n_terms:
                spo[p].pop(s, None)
            else:
                _discard(spo[p], s, o)
            if o >= n_terms:
                pos[p].pop(o, None)
            else:
                _discard(pos[p], o, s)
        for term in e.terms[n_terms:]:
            del e.ids[term]
        for index in (e.spo, e.pos):
            for p in [p for p in index if p >= n_terms]:
                del index[p]
        del e.terms[n_terms:], e.kinds[n_terms:], e.derived[n_derived:], e.errors[n_errors:]

    # ------------------------------------------------------------------ reading the base
    def _id(self, term: Any) -> int | None:
        return self.engine.ids.get(term)

    def holds(self, s: Any, p: Any, o: Any) -> bool:
        """Whether the base closure holds the triple."""
        ids = (self._id(s), self._id(p), self._id(o))
        return None not in ids and self.engine.has(*ids)  # type: ignore[arg-type]

    def objects(self, s: Any, p: Any) -> list[Any]:
        """The objects of ``s p ?`` in the base closure, sorted by their text."""
        sid, pid = self._id(s), self._id(p)
        if sid is None or pid is None:
            return []
        return self._sorted(self.engine.objects(sid, pid))

    def subjects(self, p: Any, o: Any) -> list[Any]:
        """The subjects of ``? p o`` in the base closure, sorted by their text."""
        pid, oid = self._id(p), self._id(o)
        if pid is None or oid is None:
            return []
        return self._sorted(self.engine.subjects(pid, oid))

    def pairs(self, p: Any) -> list[tuple[Any, Any]]:
        """The (subject, object) pairs of ``? p ?`` in the base closure, sorted by their text."""
        pid = self._id(p)
        if pid is None:
            return []
        e = self.engine
        found = [(e.terms[o], e.terms[s]) for o, subjects in e.pos.get(pid, {}).items() for s in subjects]
        return sorted(((s, o) for o, s in found), key=lambda pair: (e.adapter.text(pair[0]), e.adapter.text(pair[1])))

    def members(self, head: Any) -> list[Any]:
        """The members of the RDF list starting at ``head``, in order."""
        hid = self._id(head)
        return [] if hid is None else [self.engine.terms[i] for i in self.engine.read_list(hid)]

    def _sorted(self, ids: Iterable[int]) -> list[Any]:
        e = self.engine
        return sorted((e.terms[i] for i in ids), key=e.adapter.text)


def _discard(index: dict[int, Any], key: int, value: int) -> None:
    values = index.get(key)
    if values is None:
        return
    if type(values) is tuple:
        kept = tuple(x for x in values if x != value)
        if kept:
            index[key] = kept
        else:
            del index[key]
    else:
        values.discard(value)
        if not values:
            del index[key]
