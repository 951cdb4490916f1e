"""What reasoning over the project graph infers: subclass closure, part-of sites, defined-class
classification of patient cases (the basis of the coming decision support), and disjointness."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Namespace

from milia_kg.errors import InconsistencyError
from milia_kg.formats.turtle import parse_turtle_text
from milia_kg.reasoner import REASONERS, reason

MKG = Namespace("https://w3id.org/milia-kg/")
SUBTYPES = {"NeonatalMilia", "PrimaryMilia", "SecondaryMilia", "JuvenileMilia", "MiliaEnPlaque", "MultipleEruptiveMilia"}
PREFIX = "@prefix mkg: <https://w3id.org/milia-kg/> .\n"


def _local(node: object) -> str:
    return str(node).rsplit("/", 1)[-1]


@pytest.mark.parametrize("subtype", sorted(SUBTYPES))
def test_subtypes_are_conditions_by_subclass_closure(subtype: str, reasoned_graph: Graph) -> None:
    assert {MKG.Milia, MKG.Condition, OWL.Thing} <= set(reasoned_graph.objects(MKG[subtype], RDFS.subClassOf))


@pytest.mark.parametrize(
    ("condition", "sites"),
    [
        ("NeonatalMilia", {"UBERON_0000004", "UBERON_0001456", "Body"}),
        ("PrimaryMilia", {"UBERON_0001711", "UBERON_0008200", "UBERON_0001567", "Genitals", "UBERON_0001456", "Body"}),
        ("MiliaEnPlaque", {"SkinBehindEar", "UBERON_0001711", "UBERON_0001567", "Jaw", "UBERON_0001456", "Body"}),
        ("MultipleEruptiveMilia", {"UBERON_0001456", "UBERON_0003822", "UpperAbdomen", "Body"}),
        ("Milia", {"Skin", "UBERON_0001456", "Body"}),
        ("SecondaryMilia", set()),
        ("JuvenileMilia", set()),
    ],
)
def test_sites_propagate_up_part_of(condition: str, sites: set[str], reasoned_graph: Graph) -> None:
    assert {_local(s) for s in reasoned_graph.objects(MKG[condition], MKG.hasSite)} == sites
    assert {_local(s) for s in reasoned_graph.subjects(MKG.isSiteOf, MKG[condition])} == sites


def test_confused_with_is_symmetric(reasoned_graph: Graph) -> None:
    assert (MKG.BabyAcne, MKG.confusedWith, MKG.NeonatalMilia) in reasoned_graph


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("mkg:case a mkg:Milia ; mkg:developsAfter [ a mkg:Burn ] .", {"SecondaryMilia"}),
        ("mkg:case a mkg:Milia ; mkg:developsAfter [ a mkg:ExcessiveSunExposure ] .", {"SecondaryMilia"}),
        ("mkg:case a mkg:Milia ; mkg:hasFeature [ a mkg:ClumpedOnRaisedPatch ] .", {"MiliaEnPlaque"}),
        ("mkg:case a mkg:Milia ; mkg:hasOnset [ a mkg:EruptionOverWeeksOrMonths ] .", {"MultipleEruptiveMilia"}),
        # "Neonatal milia are found in about half of all infants" is a prevalence, not a definition
        ("mkg:case a mkg:Milia ; mkg:occursIn [ a mkg:Newborn ] .", set()),
        # "Primary milia are not associated with damage to the skin" tells them apart, it does not define them
        ("mkg:case a mkg:Milia ; mkg:notAssociatedWith [ a mkg:SkinDamage ] .", set()),
        # "They can also be caused by a reaction to a heavy skin cream or ointment."
        ("mkg:case a mkg:Milia ; mkg:hasCause [ a mkg:HeavySkinCreamReaction ] .", {"SecondaryMilia"}),
        ("mkg:case a mkg:Milia ; mkg:occursIn [ a mkg:Adult ] ; mkg:hasSite [ a mkg:Eyelid ] .", set()),
        ("mkg:case a mkg:Milia ; mkg:hasFeature [ a mkg:Itch ] .", set()),
        ("mkg:case mkg:developsAfter [ a mkg:Burn ] .", set()),  # not milia: no subtype
    ],
    ids=["burn", "sun", "plaque", "eruptive", "newborn", "no-damage", "cream-reaction", "adult-eyelid", "itch-only",
         "not-milia"],
)
def test_defined_classes_classify_a_patient_case(case: str, expected: set[str], asserted_graph: Graph) -> None:
    assert _classify(asserted_graph, case, "fast") == expected


@pytest.mark.parametrize("reasoner", REASONERS)
def test_both_reasoners_classify_alike(reasoner: str, asserted_graph: Graph) -> None:
    """owlrl is slow, so one case checks it; the engines' equality is tested in test_reasoning."""
    case = "mkg:case a mkg:Milia ; mkg:developsAfter [ a mkg:Rash ] ; mkg:occursIn [ a mkg:Infant ] ."
    assert _classify(asserted_graph, case, reasoner) == {"SecondaryMilia"}


def _classify(asserted: Graph, case: str, reasoner: str) -> set[str]:
    closure = reason(asserted + parse_turtle_text(PREFIX + case, "case.ttl"), reasoner=reasoner).closure
    return {_local(t) for t in closure.objects(MKG.case, RDF.type)} & SUBTYPES


@pytest.mark.parametrize(
    "case",
    [
        "mkg:case a mkg:PrimaryMilia ; mkg:developsAfter [ a mkg:Blister ] .",  # primary is not after skin damage
        "mkg:case a mkg:NeonatalMilia, mkg:BabyAcne .",  # "not the same thing"
        "mkg:case a mkg:Medication, mkg:Procedure .",
    ],
    ids=["primary-after-damage", "milia-and-baby-acne", "medication-and-procedure"],
)
def test_disjointness_catches_contradictions(case: str, asserted_graph: Graph) -> None:
    graph = asserted_graph + parse_turtle_text(PREFIX + case, "case.ttl")
    with pytest.raises(InconsistencyError):
        reason(graph)


def test_class_level_facts_do_not_classify_the_classes_themselves(reasoned_graph: Graph) -> None:
    """Punning: mkg:MiliaEnPlaque has the feature edge, but the class is not an instance of itself."""
    assert (MKG.MiliaEnPlaque, RDF.type, MKG.MiliaEnPlaque) not in reasoned_graph
    assert not set(reasoned_graph.subjects(RDF.type, MKG.Milia))
