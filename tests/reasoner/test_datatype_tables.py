"""The fast engine's copy of owlrl's datatype and annotation tables equals the installed owlrl's
(issue 22: the copy spares every reasoning process the import of owlrl and rdflib)."""

from __future__ import annotations

import subprocess

from conftest import PYTHON, subprocess_env
from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
from owlrl.OWLRL import OWLRL_Annotation_properties
from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes

from milia_kg.reasoner import _xsd_tables as tables

OWL_DISJOINT_WITH = "http://www.w3.org/2002/07/owl#disjointWith"


def test_annotation_properties_are_owlrls() -> None:
    assert tuple(map(str, OWLRL_Annotation_properties)) == tables.ANNOTATION_PROPERTIES


def test_rl_datatypes_are_owlrls() -> None:
    assert tuple(map(str, OWL_RL_Datatypes)) == tables.RL_DATATYPES


def test_subsumptions_are_owlrls() -> None:
    assert {
        str(dt): tuple(map(str, sups)) for dt, sups in OWL_Datatype_Subsumptions.items()
    } == tables.DATATYPE_SUBSUMPTIONS


def test_disjointness_is_owlrls() -> None:
    assert {str(p) for _, p, _ in OWLRL_Datatypes_Disjointness} == {OWL_DISJOINT_WITH}
    assert tuple((str(s), str(o)) for s, _, o in OWLRL_Datatypes_Disjointness) == tables.DATATYPE_DISJOINTNESS


def test_reasoning_without_typed_literals_imports_neither_owlrl_nor_rdflib() -> None:
    """The fast engine on pyoxigraph terms reads the tables from the copy; owlrl's lexical checks are
    imported only for a literal of an OWL 2 RL datatype."""
    code = """
import sys
import pyoxigraph as ox
from milia_kg.reasoner.fast import reason
ex = "http://example.org/"
sub = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
typ = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
a, b, c = (ox.NamedNode(ex + n) for n in "abc")
result = reason([(a, typ, b), (b, sub, c), (a, label, ox.Literal("a", language="en"))], terms="oxigraph")
print((a, typ, c) in result.inferred, sorted(m for m in ("owlrl", "rdflib") if m in sys.modules))
"""
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, env=subprocess_env(), check=True)
    assert done.stdout.split() == ["True", "[]"]
