"""HPO disease annotations (``phenotype.hpoa``) as RDF, so a merged graph can say which diseases show milia.

``phenotype.hpoa`` is the Human Phenotype Ontology's tab-separated annotation file: ``#`` header lines
(``#description``, ``#version``...), then the columns ``database_id, disease_name, qualifier, hpo_id,
reference, evidence, onset, frequency, sex, modifier, aspect, biocuration`` (HPO's annotation-format
page). Each phenotypic-abnormality row (aspect ``P``) becomes the OBO Relation Ontology triple the
graph already uses for features, ``disease obo:RO_0002200 ("has phenotype") HP term``, with an
``owl:Axiom`` on that triple (the OWL 2 axiom-annotation pattern milia-kg uses for its own provenance)
carrying the row's evidence code, reference (``dcterms:source``), onset and frequency, and
``prov:wasDerivedFrom`` the annotation set, which names the file and its release. So every answer
built on it says it comes from HPO, not from the seed page.

Left out on purpose (and counted in :class:`Conversion`): ``NOT`` rows (they state the absence of
the phenotype; a plain triple would state the opposite), other aspects (``I`` inheritance, ``C``
clinical course, ``M`` modifier: not phenotypes of the disease) and diseases whose prefix has no
IRI pattern read in a published file (see :data:`DISEASE_PREFIXES`). Evidence codes are kept as
HPO writes them (IEA, PCS, TAS, ICE): the ECO ids two public ingests give for them disagree (PCS),
so none is asserted (docs/identifier-verification.md).

``scripts/slice_hpoa.py slice HP:0001056 SRC OUT`` (source checkout) writes the rows of one HPO term, with the source's
header and a provenance header, which is how ``data/hpo/phenotype-milia.hpoa`` was made.

>>> header = "\\t".join(COLUMNS)
>>> row = "\\t".join(["OMIM:157400", "Milia, multiple eruptive", "", "HP:0001056", "OMIM:157400", "TAS",
...                  "", "", "", "", "P", "HPO:probinson[2009-02-17]"])
>>> graph = parse_hpoa_text(f"#version: 2025-01-16\\n{header}\\n{row}\\n", "m.hpoa")
>>> sorted(str(o) for o in graph.objects(None, HPOA_EVIDENCE))
['TAS']
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from milia_kg import vocab
from milia_kg.base import files
from milia_kg.errors import RDFSyntaxError
from milia_kg.formats.hpoa_table import COLUMNS, is_hpoa, split_header

__all__ = [
    "COLUMNS",
    "DISEASE_PREFIXES",
    "HAS_PHENOTYPE",
    "HPOA_EVIDENCE",
    "Conversion",
    "is_hpoa",
    "parse_hpoa",
    "parse_hpoa_text",
    "slice_text",
]

MKG = rdflib.Namespace(vocab.MKG)

#: Disease prefixes whose IRI pattern was read in a published file: OMIM in the ``curie_map`` of
#: MONDO's ``mondo_exactmatch_omim.sssom.tsv``; ORPHA as Orphanet's ORDO class IRIs (the ``ordo``
#: file MONDO names as ``object_source_version``).
DISEASE_PREFIXES = {"OMIM": "https://omim.org/entry/", "ORPHA": "http://www.orpha.net/ORDO/Orphanet_"}
OBO = rdflib.Namespace(vocab.OBO)
#: RO "has phenotype", already imported by milia-kg (ontology/imports/obo-import.ttl).
HAS_PHENOTYPE = OBO.RO_0002200
HPOA_EVIDENCE = MKG.hpoaEvidence
HPOA_FREQUENCY = MKG.hpoaFrequency
HPOA_ONSET = MKG.hpoaOnset
_PROPERTIES = {
    HPOA_EVIDENCE: ("HPO evidence code", "The evidence column of phenotype.hpoa: IEA, PCS, TAS or ICE."),
    HPOA_FREQUENCY: (
        "HPO frequency", "The frequency column of phenotype.hpoa: an HPO frequency term, n/m or a percentage."
    ),
    HPOA_ONSET: ("HPO onset", "The onset column of phenotype.hpoa: an HPO onset term."),
}


@dataclass
class Conversion:
    """What one file gave: the annotations converted and the rows left out, by reason."""

    converted: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def _iri(curie: str) -> str | None:
    prefix, _, local = curie.partition(":")
    base = DISEASE_PREFIXES.get(prefix)
    return f"{base}{local}" if base and local else None


def _annotation_set(header: dict[str, str], source: str, graph: rdflib.Graph) -> URIRef:
    version = header.get("version") or "unversioned"
    node = MKG[f"hpoa/{version}"]
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, RDFS.label, Literal(f"HPO annotations (phenotype.hpoa, version {version})", lang="en")))
    graph.add((node, DCTERMS.source, Literal(source)))
    for key in ("description", "hpo-version", "slice-of", "slice-filter", "licence"):
        if header.get(key):
            graph.add((node, RDFS.comment, Literal(f"{key}: {header[key]}")))
    for prop, (label, definition) in _PROPERTIES.items():
        graph.add((prop, RDF.type, OWL.AnnotationProperty))
        graph.add((prop, RDFS.label, Literal(label, lang="en")))
        graph.add((prop, SKOS.definition, Literal(definition, lang="en")))
    return node


def _add_row(row: dict[str, str], where: str, annotation_set: URIRef, graph: rdflib.Graph, result: Conversion) -> None:
    if row["aspect"] != "P":
        result.skip(f"aspect {row['aspect'] or '(empty)'}")
        return
    if row["qualifier"] == "NOT":
        result.skip("NOT qualifier")
        return
    disease_iri = _iri(row["database_id"])
    if disease_iri is None:
        result.skip(f"disease prefix {row['database_id'].partition(':')[0]}")
        return
    prefix, _, local = row["hpo_id"].partition(":")
    if prefix != "HP" or not local.isdigit():
        raise RDFSyntaxError(where, None, f"hpo_id {row['hpo_id']!r} is not an HP:nnnnnnn id")
    disease, phenotype = URIRef(disease_iri), OBO[f"HP_{local}"]
    graph.add((disease, RDFS.label, Literal(row["disease_name"])))
    graph.add((disease, DCTERMS.identifier, Literal(row["database_id"])))
    graph.add((disease, HAS_PHENOTYPE, phenotype))
    axiom = rdflib.BNode()
    graph.add((axiom, RDF.type, OWL.Axiom))
    graph.add((axiom, OWL.annotatedSource, disease))
    graph.add((axiom, OWL.annotatedProperty, HAS_PHENOTYPE))
    graph.add((axiom, OWL.annotatedTarget, phenotype))
    graph.add((axiom, PROV.wasDerivedFrom, annotation_set))
    for column, prop in (("evidence", HPOA_EVIDENCE), ("frequency", HPOA_FREQUENCY), ("onset", HPOA_ONSET)):
        if row[column]:
            graph.add((axiom, prop, Literal(row[column])))
    for reference in filter(None, row["reference"].split(";")):
        graph.add((axiom, DCTERMS.source, Literal(reference)))
    result.converted += 1


def parse_hpoa_text(text: str, source: str, graph: rdflib.Graph | None = None,
                    result: Conversion | None = None) -> rdflib.Graph:
    """Add the annotations of ``text`` (a ``phenotype.hpoa`` file named ``source``) to ``graph``.

    :raises RDFSyntaxError: if the column line is not HPO's or a row is malformed (naming its line).
    """
    graph = rdflib.Graph() if graph is None else graph
    result = Conversion() if result is None else result
    header, table, header_lines = split_header(text)
    reader = csv.reader(io.StringIO(table), delimiter="\t")
    columns = next(reader, None)
    if columns is None or tuple(columns) != COLUMNS:
        raise RDFSyntaxError(
            source, header_lines + 1, f"not an HPO annotation table: expected the columns {', '.join(COLUMNS)}"
        )
    annotation_set = _annotation_set(header, Path(source).name, graph)
    for number, cells in enumerate(reader, start=header_lines + 2):
        if not any(cells):
            continue
        if len(cells) != len(COLUMNS):
            raise RDFSyntaxError(source, number, f"{len(cells)} columns, expected {len(COLUMNS)}")
        row = dict(zip(COLUMNS, (c.strip() for c in cells), strict=True))
        _add_row(row, f"{source}:{number}", annotation_set, graph, result)
    return graph


def parse_hpoa(path: str | Path, graph: rdflib.Graph | None = None, result: Conversion | None = None) -> rdflib.Graph:
    """:func:`parse_hpoa_text` on the file at ``path``.

    :raises RDFSyntaxError: if the file is not an HPO annotation table.
    :raises InputFileError: if it is not a regular file, too large or not UTF-8.
    """
    path = Path(path)
    text = files.decode_utf8(files.read_limited(path, files.MAX_RDF_FILE_BYTES), path)
    return parse_hpoa_text(text, str(path), graph, result)


def slice_text(text: str, hpo_ids: set[str], provenance: dict[str, str]) -> str:
    """The rows of ``text`` annotated with one of ``hpo_ids``, under the source's header and ``provenance``.

    >>> slice_text("#version: 1\\nhpo_id\\n", {"HP:1"}, {"slice-of": "x"})
    Traceback (most recent call last):
    ...
    ValueError: not an HPO annotation table: the column line is missing or not HPO's
    """
    header, table, _ = split_header(text)
    lines = table.splitlines(keepends=True)
    if not lines or tuple(lines[0].rstrip("\r\n").split("\t")) != COLUMNS:
        raise ValueError("not an HPO annotation table: the column line is missing or not HPO's")
    kept = [line for line in lines[1:] if line.split("\t")[3:4] and line.split("\t")[3] in hpo_ids]
    head = [f"#{key}: {value}\n" for key, value in header.items()]
    head += [f"#{key}: {value}\n" for key, value in provenance.items()]
    return "".join(head) + lines[0] + "".join(kept)
