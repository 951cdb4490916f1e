"""The project's sources as the asserted graph: every Turtle file of ``ontology/`` (the shapes
excepted), ``ontology/imports/`` and ``data/``, plus the SKOS triples of the SSSOM mapping set.
"""

from __future__ import annotations

from pathlib import Path

import rdflib

from milia_kg import vocab
from milia_kg.base import resources
from milia_kg.base.graph_store import STORE
from milia_kg.formats.oxigraph_turtle import parse_into

__all__ = ["ASSERTED_GRAPH", "INFERRED_GRAPH", "load_asserted"]

MKG = rdflib.Namespace(vocab.MKG)
#: Named graph of the asserted triples in :func:`milia_kg.release.pipeline.load_dataset`.
ASSERTED_GRAPH = rdflib.URIRef(vocab.ASSERTED_GRAPH)
#: Named graph of the inferred triples in :func:`milia_kg.release.pipeline.load_dataset`.
INFERRED_GRAPH = rdflib.URIRef(vocab.INFERRED_GRAPH)




def load_asserted(
    ontology_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    *,
    mappings: bool = True,
) -> rdflib.Graph:
    """Parse every ontology, import and data Turtle file into one graph.

    :param ontology_dir: a folder to use instead of the packaged ``ontology/``.
    :param data_dir: a folder to use instead of the packaged ``data/``.
    :param mappings: add the SKOS triples of ``data/mappings.sssom.tsv`` (see :mod:`milia_kg.formats.sssom`).
    :raises RDFSyntaxError: if a file is not valid Turtle.
    :raises MappingError: if the mapping set has a bad row.
    :raises MiliaKGError: if a folder does not exist.

    >>> g = load_asserted()
    >>> (MKG.Condition, rdflib.RDF.type, rdflib.OWL.Class) in g
    True
    """
    graph = rdflib.Graph(store=STORE, bind_namespaces="core")
    graph.bind("mkg", MKG)
    for source in (*resources.ontology_files(ontology_dir), *resources.data_files(data_dir)):
        parse_into(source, graph)  # Oxigraph's parser where it reads as rdflib's does (issue 22)
    sssom = resources.mappings_file(data_dir) if mappings else None
    if sssom is not None:
        from milia_kg.formats import sssom as sssom_mappings

        sssom_mappings.add_to_graph(sssom_mappings.read_sssom(sssom), graph)
    return graph
