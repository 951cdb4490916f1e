"""OWL 2 RL reasoning behind one function, with owlrl as the reference.

:func:`infer` returns only what reasoning adds to a graph.  Two engines compute
the same closure: ``"owlrl"`` (owlrl's ``OWLRL_Semantics``, without axiomatic or
datatype-axiom triples) and ``"fast"`` (:mod:`milia_kg.reasoner.fast`, a
semi-naive engine that reproduces owlrl's closure tens of times faster and
scales to millions of triples; see docs/benchmarks.md).

**What is stripped.**  OWL 2 RL as implemented by owlrl materialises triples that
carry no information about the input.  An inferred triple is dropped when

1. its subject is a literal (owlrl types every typed literal with its datatype,
   ``"1"^^xsd:integer rdf:type xsd:decimal``, and adds ``"x" owl:sameAs "x"``);
2. it is a reflexive ``x owl:sameAs x`` (rule eq-ref adds one for every term);
3. its subject is a term of the built-in RDF, RDFS, OWL or XSD vocabularies
   (IRIs in ``rdf:``, ``rdfs:``, ``owl:``, ``xsd:``).  owlrl adds these for any
   input (``owl:Thing a owl:Class``, ``rdfs:label a owl:AnnotationProperty``,
   ``xsd:string a rdfs:Datatype``, ``owl:Thing owl:sameAs owl:Thing``), for the
   datatypes in use (``xsd:date owl:disjointWith xsd:decimal``) or for every
   class (``owl:Nothing rdfs:subClassOf mkg:Milia``).

Triples whose predicate is a blank node are never in the output (owlrl removes
them itself, and so does the fast engine).

Everything else is kept, including the tautologies that OWL 2 RL entails for
every declared term and that SPARQL users expect from reflexive closures:
``C rdfs:subClassOf C``, ``C owl:equivalentClass C``, ``C rdfs:subClassOf
owl:Thing`` (for each ``owl:Class``) and ``p rdfs:subPropertyOf p``,
``p owl:equivalentProperty p`` (for each declared property).  Triples with blank
nodes (class expressions, axiom annotations) are kept too.

**Inconsistency.**  When the reasoner finds a clash, the inferred graph also
holds owlrl's error nodes (``[] a err:ErrorMessage ; err:error "message"`` in the
namespace ``http://www.daml.org/2002/03/agents/agent-ont#``), whichever engine
ran, so that :func:`check_consistent` on the asserted plus inferred triples sees
them.  A consistent graph has none.  Both engines also report the datatype clashes
that owlrl derives but does not check (rule dt-not-type for a literal typed by
reasoning, e.g. ``"x"@en`` as the value of a property with range ``xsd:string``;
see :mod:`milia_kg.reasoner._valuespace`): the literal-subject triple itself is noise,
the clash is not.

>>> from rdflib import Graph, Namespace, OWL, RDF, RDFS
>>> EX = Namespace("http://example.org/")
>>> g = Graph()
>>> for triple in [(EX.Milia, RDF.type, OWL.Class), (EX.PrimaryMilia, RDFS.subClassOf, EX.Milia),
...                (EX.case1, RDF.type, EX.PrimaryMilia)]:
...     _ = g.add(triple)
>>> sorted(infer(g).objects(EX.case1, RDF.type))
[rdflib.term.URIRef('http://example.org/Milia'), rdflib.term.URIRef('http://www.w3.org/2002/07/owl#Thing')]
>>> set(infer(g)) == set(infer(g, reasoner="owlrl"))
True
"""

from __future__ import annotations

from typing import NamedTuple

import rdflib
from rdflib import OWL, RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib.namespace import Namespace

from milia_kg.base.graph_store import STORE
from milia_kg.errors import InconsistencyError, ParameterError
from milia_kg.reasoner._edges import EDGE_IRIS
from milia_kg.reasoner._names import DEFAULT_REASONER, REASONERS, Reasoner

__all__ = [
    "DEFAULT_REASONER",
    "ERR",
    "REASONERS",
    "Reasoner",
    "check_consistent",
    "infer",
    "is_noise",
    "named_closure",
    "restrict_to_named",
]

#: Relations whose ``X rdfs:subClassOf [owl:onProperty R; owl:someValuesFrom Y]`` axioms (the OBO
#: way of stating part-of) :func:`reason` also states as class-level edges ``X R Y``.
EDGE_RELATIONS: tuple[URIRef, ...] = tuple(URIRef(iri) for iri in EDGE_IRIS)

#: owlrl's namespace for error-message nodes.
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
#: The built-in vocabularies whose terms, as subjects of inferred triples, are owlrl noise.
BUILTIN_NAMESPACES: tuple[str, ...] = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))


def is_noise(subject: rdflib.term.Node, predicate: rdflib.term.Node, obj: rdflib.term.Node) -> bool:
    """Whether an *inferred* triple is owlrl noise (see the module docstring).

    >>> is_noise(Literal("x"), OWL.sameAs, Literal("x")), is_noise(OWL.Thing, RDF.type, OWL.Class)
    (True, True)
    >>> is_noise(URIRef("http://example.org/A"), RDFS.subClassOf, OWL.Thing)
    False
    """
    if isinstance(subject, Literal):
        return True
    if predicate == OWL.sameAs and subject == obj:
        return True
    return isinstance(subject, URIRef) and str.startswith(subject, BUILTIN_NAMESPACES)


def _checked(reasoner: str) -> str:
    if reasoner not in REASONERS:
        raise ParameterError("reasoner", reasoner, "unknown reasoner", REASONERS)
    return reasoner


def _datatype_clashes(closure: rdflib.Graph) -> list[str]:
    """dt-not-type for literals typed by reasoning, which owlrl does not check (the fast engine
    does, with the same function): ``"x"@en rdf:type xsd:string`` from a range is a clash."""
    from milia_kg.reasoner._valuespace import datatype_clash

    found = []
    for literal, datatype in closure.subject_objects(RDF.type):
        if isinstance(literal, Literal) and isinstance(datatype, URIRef):
            own = None if literal.datatype is None else str(literal.datatype)
            clash = datatype_clash(str(literal), own, literal.language, str(datatype))
            if clash is not None:
                found.append(clash)
    return found


def _owlrl_inferred(asserted: rdflib.Graph) -> tuple[list[tuple], list[str]]:
    import owlrl

    closure = rdflib.Graph()
    closure.addN((s, p, o, closure) for s, p, o in asserted.triples((None, None, None)))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    errors = [str(message) for message in closure.objects(None, ERR.error)]
    errors += _datatype_clashes(closure)
    error_nodes = set(closure.subjects(RDF.type, ERR.ErrorMessage))
    inferred = [t for t in closure if t[0] not in error_nodes and t not in asserted]
    return inferred, errors


def _fast_inferred(asserted: rdflib.Graph) -> tuple[list[tuple], list[str]]:
    from milia_kg.reasoner.fast import reason

    result = reason(asserted.triples((None, None, None)))
    return result.inferred, list(result.errors)


def infer(asserted: rdflib.Graph, reasoner: Reasoner = DEFAULT_REASONER) -> rdflib.Graph:
    """Return only the triples that OWL 2 RL reasoning adds to ``asserted``, noise stripped.

    :param asserted: the asserted graph; it is not modified.
    :param reasoner: ``"fast"`` (default) or ``"owlrl"``; both give the same triples.
    :returns: a new graph with the inferred triples (plus error nodes if inconsistent).
    :raises ParameterError: for an unknown reasoner name (a :class:`ValueError`).

    >>> infer(rdflib.Graph(), reasoner="hermit")
    Traceback (most recent call last):
    ...
    milia_kg.errors.ParameterError: parameter 'reasoner' = 'hermit': unknown reasoner; expected one of: owlrl, fast
    """
    engine = _owlrl_inferred if _checked(reasoner) == "owlrl" else _fast_inferred
    triples, errors = engine(asserted)
    inferred = rdflib.Graph(store=STORE)
    for prefix, namespace in asserted.namespaces():
        inferred.bind(prefix, namespace, override=False)
    inferred.addN((s, p, o, inferred) for s, p, o in triples if not is_noise(s, p, o))
    for message in sorted(set(errors)):
        node = BNode()
        inferred.add((node, RDF.type, ERR.ErrorMessage))
        inferred.add((node, ERR.error, Literal(message)))
    return inferred


def check_consistent(closure: rdflib.Graph, reasoner: Reasoner | None = None) -> None:
    """Raise :class:`InconsistencyError` if ``closure`` is inconsistent.

    :param closure: asserted plus inferred triples (the output of :func:`infer`
        added to its input); or, with ``reasoner``, a graph to reason over first.
    :param reasoner: if given, compute the closure of ``closure`` with this engine first.
    :raises InconsistencyError: when the reasoner reported a clash (disjoint
        classes sharing a member, ...) or something is a member of ``owl:Nothing``.
    :raises ParameterError: for an unknown reasoner name.

    >>> from rdflib import Graph, Namespace
    >>> EX = Namespace("http://example.org/")
    >>> g = Graph()
    >>> for triple in [(EX.Milia, OWL.disjointWith, EX.BabyAcne), (EX.x, RDF.type, EX.Milia),
    ...                (EX.x, RDF.type, EX.BabyAcne)]:
    ...     _ = g.add(triple)
    >>> check_consistent(g, reasoner="fast")
    Traceback (most recent call last):
    ...
    milia_kg.errors.InconsistencyError: inconsistent graph: Disjoint classes ... have a common individual http://example.org/x
    """
    if reasoner is not None:
        closure = closure + infer(closure, reasoner)
    problems = {str(message) for message in closure.objects(None, ERR.error)}
    for member in closure.subjects(RDF.type, OWL.Nothing):
        if f"{member} is defined of type 'Nothing'" not in problems:
            problems.add(f"{member} is a member of owl:Nothing")
    if problems:
        raise InconsistencyError(sorted(problems))


def restrict_to_named(graph: rdflib.Graph) -> rdflib.Graph:
    """The triples of ``graph`` among named resources: IRI subject and predicate, IRI or literal object.

    >>> from rdflib import Graph, Namespace
    >>> EX = Namespace("http://example.org/")
    >>> g = Graph().add((EX.a, EX.p, EX.b)).add((EX.a, EX.p, BNode())).add((BNode(), EX.p, EX.b))
    >>> len(restrict_to_named(g))
    1
    """
    named = rdflib.Graph()
    for prefix, namespace in graph.namespaces():
        named.bind(prefix, namespace, override=False)
    named.addN(
        (s, p, o, named)
        for s, p, o in graph.triples((None, None, None))
        if isinstance(s, URIRef) and isinstance(p, URIRef) and not isinstance(o, BNode)
    )
    return named


def named_closure(asserted: rdflib.Graph, reasoner: Reasoner = DEFAULT_REASONER) -> rdflib.Graph:
    """The closure (asserted plus :func:`infer`) restricted to triples among named resources.

    This is the part of the closure on which the two engines are compared: no
    blank-node or literal subjects, no blank-node objects, none of the noise
    :func:`infer` strips.

    :raises ParameterError: for an unknown reasoner name.

    >>> from rdflib import Graph, Namespace
    >>> EX = Namespace("http://example.org/")
    >>> g = Graph().add((EX.Nose, EX.partOf, EX.Face)).add((EX.Face, EX.partOf, EX.Head))
    >>> _ = g.add((EX.partOf, RDF.type, OWL.TransitiveProperty)).add((EX.Face, EX.partOf, BNode()))
    >>> (EX.Nose, EX.partOf, EX.Head) in named_closure(g), len(named_closure(g))
    (True, 4)
    """
    return restrict_to_named(asserted + infer(asserted, reasoner))


def restriction_edges(graph: rdflib.Graph, relations: tuple[URIRef, ...] = EDGE_RELATIONS) -> rdflib.Graph:
    """Class-level edges ``X R Y`` for the ``X SubClassOf R some Y`` axioms of ``graph`` not yet stated,
    including those entailed by a differentia of an ``owl:intersectionOf`` definition (OBO
    ``intersection_of: R Y``); see :mod:`milia_kg.reasoner._edges`.

    This is Ubergraph's relation-graph convention and the one milia-kg's own facts follow: OBO
    ontologies (UBERON, HsapDv) state part-of as restrictions, which OWL 2 RL cannot chain; as
    direct edges they take part in the transitive part-of closure and the ``hasSite`` chain.

    >>> from rdflib import Graph
    >>> g = Graph().parse(data='''@prefix obo: <http://purl.obolibrary.org/obo/> .
    ... @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ... obo:UBERON_0000004 rdfs:subClassOf [ owl:onProperty obo:BFO_0000050 ; owl:someValuesFrom obo:UBERON_0001456 ] .
    ... obo:UBERON_0000379 owl:equivalentClass [ owl:intersectionOf ( obo:UBERON_0000344
    ...     [ owl:onProperty obo:BFO_0000050 ; owl:someValuesFrom obo:UBERON_0003126 ] ) ] .
    ... ''', format="turtle")
    >>> sorted(tuple(str(t).rsplit("/", 1)[1] for t in edge) for edge in restriction_edges(g))
    [('UBERON_0000004', 'BFO_0000050', 'UBERON_0001456'), ('UBERON_0000379', 'BFO_0000050', 'UBERON_0003126')]
    """
    from milia_kg.reasoner._edges import edge_triples

    edges = rdflib.Graph(store=STORE)
    found = edge_triples(graph.triples((None, None, None)), URIRef, lambda t: isinstance(t, URIRef),
                         lambda t: isinstance(t, BNode), [str(r) for r in relations])
    edges.addN((s, p, o, edges) for s, p, o in found)
    return edges


class Reasoned(NamedTuple):
    """The outcome of :func:`reason`: what reasoning added, and the whole closure."""

    inferred: rdflib.Graph
    closure: rdflib.Graph


def reason(asserted: rdflib.Graph, reasoner: Reasoner = DEFAULT_REASONER) -> Reasoned:
    """The project's reasoning step: restriction edges, OWL 2 RL, and a consistency check.

    Every producer of the reasoned graph (build, validate, the query cache, merges) goes through
    here, so they cannot differ. The inferred graph holds the :func:`restriction_edges` and what
    :func:`infer` adds to the asserted graph plus those edges.

    :raises InconsistencyError: if the closure is inconsistent.
    :raises ParameterError: for an unknown reasoner name.
    """
    edges = restriction_edges(asserted)
    closure = _union(asserted, edges)  # the one copy: reasoned over, then completed in place
    inferred = infer(closure, reasoner)
    closure.addN((s, p, o, closure) for s, p, o in inferred)
    inferred += edges
    check_consistent(closure)
    return Reasoned(inferred, closure)


def _union(first: rdflib.Graph, second: rdflib.Graph) -> rdflib.Graph:
    """A new graph of both graphs' triples and prefixes, as ``first + second`` makes it, but with one bulk
    insert (``Graph.__add__`` adds triple by triple; reason() used to copy the graph twice, issue 22)."""
    union = rdflib.Graph(store=STORE)
    for prefix, namespace in set(list(first.namespaces()) + list(second.namespaces())):
        union.bind(prefix, namespace)
    for graph in (first, second):
        union.addN((s, p, o, union) for s, p, o in graph.triples((None, None, None)))
    return union
