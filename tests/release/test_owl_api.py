"""``milia-kg.owl`` as the OWL API reads it (Protege, ROBOT): one ontology, OWL 2 DL.

owlready2 (test extra) ships the OWL API 3.4.3 beside Pellet; a tiny Java program compiled here
with ``javac`` loads a file with it and prints the ontology's IRI, its version IRI and every
violation of the OWL API's own ``OWL2DLProfile`` check. The release must have none, and must be
named by the project's IRIs (docs/design.md: "Namespaces and IRI policy"), whoever reads it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ONTOLOGY = "https://w3id.org/milia-kg/ontology"
VERSION = "https://w3id.org/milia-kg/ontology/0.1.0"

CHECKER = """\
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.profiles.*;

public class DLProfile {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
        OWLOntologyID id = ontology.getOntologyID();
        System.out.println("ONTOLOGY\\t" + id.getOntologyIRI() + "\\t" + id.getVersionIRI());
        for (OWLProfileViolation v : new OWL2DLProfile().checkOntology(ontology).getViolations()) {
            String kind = v.getClass().getSimpleName();
            String what = v instanceof UseOfUndeclaredClass ? ((UseOfUndeclaredClass) v).getOWLClass().getIRI().toString() : "";
            System.out.println("VIOLATION\\t" + kind + "\\t" + what + "\\t" + v.toString().replace('\\n', ' '));
        }
    }
}
"""


@pytest.fixture(scope="module")
def owl_api(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The ``java`` command line that runs the checker (compiled once per module)."""
    if shutil.which("javac") is None or shutil.which("java") is None:
        pytest.fail("javac/java not on PATH: the OWL API check needs a JDK (Debian: default-jdk-headless)")
    import owlready2

    jars = sorted((Path(owlready2.__file__).parent / "pellet").glob("owlapi-distribution-*.jar"))
    assert jars, "owlready2 no longer ships the OWL API jar beside Pellet"
    folder = tmp_path_factory.mktemp("owlapi")
    (folder / "DLProfile.java").write_text(CHECKER, encoding="utf-8")
    subprocess.run(["javac", "-cp", str(jars[0]), "DLProfile.java"], cwd=folder, check=True, timeout=120)
    return ["java", "-cp", f"{jars[0]}:{folder}", "DLProfile"]


def _check(owl_api: list[str], path: Path) -> tuple[list[str], list[list[str]]]:
    """(ontology IRI, version IRI) and the violations (kind, class, text) the OWL API reports."""
    run = subprocess.run([*owl_api, str(path)], capture_output=True, text=True, timeout=300, check=True)
    rows = [line.split("\t") for line in run.stdout.splitlines()]
    header = next(row[1:] for row in rows if row[0] == "ONTOLOGY")
    return header, [row[1:] for row in rows if row[0] == "VIOLATION"]


def test_the_release_is_one_owl2_dl_ontology_named_by_the_project(owl_api: list[str], release) -> None:
    header, violations = _check(owl_api, release[0] / "milia-kg.owl")
    assert header == [ONTOLOGY, VERSION]
    assert violations == []


def test_the_check_catches_the_asserted_graph_as_it_was_published(owl_api: list[str], release) -> None:
    """The asserted Turtle keeps the import modules' headers and the bibliographic classes undeclared:
    the OWL API names the ontology after an import module and reports every bibo/foaf/sssom class
    the sources type an individual with (data/sources.ttl, the SSSOM set's own description)."""
    header, violations = _check(owl_api, release[0] / "milia-kg-asserted.ttl")
    assert header[0] != ONTOLOGY
    assert {kind for kind, _, _ in violations} == {"UseOfUndeclaredClass"}
    bibo, foaf = "http://purl.org/ontology/bibo/", "http://xmlns.com/foaf/0.1/"
    assert {cls for _, cls, _ in violations} == {
        f"{bibo}{name}" for name in ("AcademicArticle", "Book", "Chapter", "Document", "Journal", "Webpage")
    } | {f"{foaf}Organization", "https://w3id.org/sssom/MappingSet"}


def test_owlready2_names_the_release_by_the_project_iri(release) -> None:
    import owlready2

    world = owlready2.World()
    ontology = world.get_ontology((release[0] / "milia-kg.owl").as_uri()).load()
    assert ontology.base_iri == f"{ONTOLOGY}/"
    assert {o.base_iri for o in world.ontologies.values()} - {"http://anonymous/"} == {f"{ONTOLOGY}/"}


def test_pronto_opens_the_release_with_the_project_iri(release) -> None:
    """pronto reads RDF/XML element by element: it needs the typed ``owl:Ontology``/``owl:Class``
    elements the OWL API writes, and one header."""
    import pronto

    ontology = pronto.Ontology(str(release[0] / "milia-kg.owl"))
    assert (ontology.metadata.ontology, ontology.metadata.data_version) == (ONTOLOGY, VERSION)
    primary = ontology["mkg:PrimaryMilia"]
    assert primary.name == "primary milia"
    assert {t.id for t in primary.superclasses(distance=1, with_self=False)} == {"mkg:Milia"}


def test_py_horned_owl_reads_the_project_iris(release) -> None:
    import pyhornedowl

    ontology = pyhornedowl.open_ontology(str(release[0] / "milia-kg.owl"), "rdf")
    assert (str(ontology.get_iri()), str(ontology.get_version_iri())) == (ONTOLOGY, VERSION)
