"""An OBO ``creation_date`` becomes the literal the file writes, not Python's text of a datetime: the OBO 1.4
mapping (owlcollab/oboformat doc/obo-syntax.html, ``creation_date(ISO-Date)`` -> ``T(ISO-Date)``) gives a plain
string, as GO's and HPO's OWL releases carry it (``"2009-05-06T11:33:12Z"``)."""

from __future__ import annotations

import fastobo
import pytest
import rdflib

from milia_kg.formats.obo import translate, translate_oxigraph

CREATION_DATE = "http://www.geneontology.org/formats/oboInOwl#creation_date"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: the value after ``creation_date:`` -> the literal's lexical form
DATES = {
    "utc": ("2012-12-15T12:37:32Z", "2012-12-15T12:37:32Z"),
    "offset": ("2012-12-15T12:37:32-05:30", "2012-12-15T12:37:32-05:30"),
    "zero-offset": ("2012-12-15T12:37:32+00:00", "2012-12-15T12:37:32+00:00"),
    "date-only": ("2012-12-15", "2012-12-15"),
    "qualifier-and-comment": ('2012-12-15T12:37:32Z {source="x"} ! a remark', "2012-12-15T12:37:32Z"),
}


def _obo(value: str) -> str:
    return f"[Term]\nid: HP:0001056\ncreation_date: {value}\n\n[Typedef]\nid: RO:0002131\ncreation_date: {value}\n"


@pytest.mark.parametrize(("value", "lexical"), DATES.values(), ids=DATES.keys())
def test_rdflib_keeps_the_written_date(value: str, lexical: str) -> None:
    graph = rdflib.Graph()
    translate(fastobo.loads(_obo(value)), graph)
    dates = sorted((str(s), o) for s, o in graph.subject_objects(rdflib.URIRef(CREATION_DATE)))
    assert dates == [("http://purl.obolibrary.org/obo/HP_0001056", rdflib.Literal(lexical)),
                     ("http://purl.obolibrary.org/obo/RO_0002131", rdflib.Literal(lexical))]
    assert all(o.datatype is None and o.language is None for _, o in dates)


@pytest.mark.parametrize(("value", "lexical"), DATES.values(), ids=DATES.keys())
def test_oxigraph_keeps_the_written_date(value: str, lexical: str) -> None:
    dates = sorted((s.value, o.value, o.datatype.value, o.language)
                   for s, p, o in translate_oxigraph(fastobo.loads(_obo(value))) if p.value == CREATION_DATE)
    assert dates == [("http://purl.obolibrary.org/obo/HP_0001056", lexical, XSD_STRING, None),
                     ("http://purl.obolibrary.org/obo/RO_0002131", lexical, XSD_STRING, None)]
