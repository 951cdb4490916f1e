"""OWL 2 RL reasoning behind one function (minimal placeholder).

This is a stop-gap written by the package-infrastructure work of issue 2 so that
``milia_kg.loading`` and ``milia_kg.build`` have something to call; the
reasoning helper owns this module and replaces it.
"""

from __future__ import annotations

import rdflib
from rdflib import OWL, RDF, RDFS, XSD, Literal
from rdflib.namespace import Namespace

from milia_kg.errors import InconsistencyError, MiliaKGError

__all__ = ["REASONERS", "check_consistent", "infer"]

#: Names accepted by :func:`infer`.
REASONERS = ("owlrl", "fast")

_ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
_BUILTIN = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))


def _is_noise(triple: tuple) -> bool:
    s, p, o = triple
    if isinstance(s, Literal):
        return True
    if p == OWL.sameAs and s == o:
        return True
    return str(s).startswith(_BUILTIN)


def infer(asserted: rdflib.Graph, reasoner: str = "owlrl") -> rdflib.Graph:
    """Return only the triples that OWL 2 RL reasoning adds to ``asserted``.

    owlrl's noise is stripped: literal subjects, reflexive ``owl:sameAs`` and
    triples about built-in RDF/RDFS/OWL/XSD terms.  Inconsistency messages of
    owlrl are kept so that :func:`check_consistent` can see them.

    :param asserted: the asserted graph; it is not modified.
    :param reasoner: ``"owlrl"`` (``"fast"`` is accepted and falls back to owlrl here).
    :returns: a new graph with the inferred triples only.
    :raises MiliaKGError: for an unknown reasoner name.
    """
    if reasoner not in REASONERS:
        raise MiliaKGError(f"unknown reasoner {reasoner!r}; choose one of {', '.join(REASONERS)}")
    import owlrl

    closure = rdflib.Graph()
    for triple in asserted:
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    inferred = rdflib.Graph()
    for triple in closure:
        if triple not in asserted and not _is_noise(triple):
            inferred.add(triple)
    return inferred


def check_consistent(closure: rdflib.Graph) -> None:
    """Raise :class:`InconsistencyError` if ``closure`` is inconsistent.

    :param closure: asserted plus inferred triples.
    :raises InconsistencyError: when owlrl reported an inconsistency or
        something is a member of ``owl:Nothing``.
    """
    problems = sorted(str(m) for m in closure.objects(None, _ERR.error))
    problems += sorted(f"{s} is a member of owl:Nothing" for s in closure.subjects(RDF.type, OWL.Nothing))
    if problems:
        raise InconsistencyError(problems)
