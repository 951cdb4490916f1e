"""``milia-kg build``: reason, validate and write the release artifacts atomically.

Everything is computed first; the files are written into a temporary folder next
to ``out_dir`` and the folder is renamed into place only when all of it
succeeded, so a failed build leaves ``out_dir`` as it was.  The artifacts are
deterministic: no timestamps (the ontology's own version and dates are used),
content-derived blank-node labels, sorted output.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef

from milia_kg import __version__, vocab
from milia_kg.base import atomic, forked, resources
from milia_kg.base.graph_store import STORE
from milia_kg.errors import MiliaKGError, ValidationError
from milia_kg.reasoner import DEFAULT_REASONER
from milia_kg.release import kept_release, pipeline, serialize, validate
from milia_kg.release.folders import Sources
from milia_kg.release.validate import ValidationReport, short

__all__ = ["ARTIFACTS", "MEDIA_TYPES", "RELEASE_MARKER", "BuildSummary", "build", "entities_by_type", "prefix_map"]

MKG = rdflib.Namespace(vocab.MKG)

#: Written into every release folder: only a folder holding it is replaced by a new build.
RELEASE_MARKER = ".milia-kg-release"
VOID = Namespace(vocab.VOID)
DCAT = Namespace(vocab.DCAT)
DATASET = URIRef(f"{MKG}dataset")
CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")

#: Artifact file name -> what it holds.
ARTIFACTS: dict[str, str] = {
    "milia-kg-asserted.ttl": "asserted triples (ontology, imports and data)",
    "milia-kg-inferred.ttl": (
        "triples inferred by reasoning only (OWL 2 RL, plus part-of edges stated as OBO restrictions)"
    ),
    "milia-kg-reasoned.ttl": "asserted plus inferred triples",
    "milia-kg.owl": (
        "asserted ontology and data as one OWL 2 DL ontology (imports merged in) in RDF/XML for OWL tools"
    ),
    "milia-kg.obo": "the terms of milia-kg.owl in OBO 1.4 (classes, properties, definitions, synonyms, xrefs)",
    "milia-kg.json": "the terms of milia-kg.owl as OBO Graphs JSON",
    "milia-kg.jsonld": "asserted plus inferred triples as JSON-LD",
    "milia-kg.nt": "asserted plus inferred triples, sorted N-Triples",
    "context.jsonld": "the JSON-LD context of milia-kg.jsonld",
    "prefixes.json": "bioregistry-compatible prefix map of every prefix the release uses",
    "void.ttl": "VoID/DCAT description of this release",
}

#: File suffix -> registered (IANA) media type, for the DCAT distributions.
MEDIA_TYPES: dict[str, str] = {
    ".ttl": "text/turtle",
    ".owl": "application/rdf+xml",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".json": "application/json",
    ".db": "application/vnd.sqlite3",
    ".obo": "text/obo",  # not registered with IANA; the type OBO tools and the OBO Foundry serve
    ".tsv": "text/tab-separated-values",
}



@dataclass(frozen=True)
class BuildSummary:
    """What a build did; :meth:`text` is what ``milia-kg build`` prints."""

    out_dir: Path
    triples_asserted: int
    triples_inferred: int
    entities: Mapping[str, int]
    validation: ValidationReport
    seconds: float
    files: tuple[str, ...] = field(default_factory=tuple)
    #: Whether the files were copied from the release kept for the same inputs (nothing rebuilt).
    reused: bool = False

    @property
    def triples_total(self) -> int:
        return self.triples_asserted + self.triples_inferred

    def text(self) -> str:
        entities = ", ".join(f"{name} {n}" for name, n in self.entities.items())
        status = "passed" if self.validation.conforms else "FAILED"
        return "\n".join(
            [
                f"milia-kg build: wrote {len(self.files)} files to {self.out_dir}",
                f"  triples: {self.triples_asserted} asserted, {self.triples_inferred} inferred, "
                f"{self.triples_total} total",
                f"  entities by type: {entities}",
                f"  validation: {status} ({len(self.validation.rules_run)} rules)",
                f"  time: {self.seconds:.1f} s" + (" (inputs unchanged: kept release copied)" if self.reused else ""),
            ]
        )


def prefix_map(graph: Graph) -> dict[str, str]:
    """The prefixes to write: :data:`milia_kg.vocab.RELEASE_PREFIXES` plus the sources' own, sorted."""
    prefixes = dict(vocab.RELEASE_PREFIXES)
    taken = set(prefixes.values())
    for prefix, namespace in sorted(graph.namespaces()):
        if prefix and prefix != "xml" and str(namespace) not in taken and prefix not in prefixes:
            prefixes[prefix] = str(namespace)
            taken.add(str(namespace))
    return dict(sorted(prefixes.items()))


def _bioregistry_prefixes(
    triples: list[tuple], prefixes: Mapping[str, str], curie_map: Mapping[str, str]
) -> dict[str, str]:
    """Every prefix the release uses: the serialisations' own (``prefixes``), the SSSOM file's
    ``curie_map`` (``SNOMEDCT``, ``semapv``...), and ``obo:`` split into per-ontology prefixes
    (``RO``, ``BFO``, ``UBERON``...) as the Bioregistry does.

    The first prefix of a namespace wins (an SSSOM ``HPO:`` keeps ``obo:HP_`` from becoming ``HP`` too),
    so the map is one-to-one as curies wants (tests/release/test_build.py loads it with curies; the
    build does not import curies and its pydantic for that).
    """
    obo = vocab.OBO
    result: dict[str, str] = {}
    taken: set[str] = set()

    def add(prefix: str, namespace: str) -> None:
        if prefix not in result and namespace not in taken:
            result[prefix] = namespace
            taken.add(namespace)

    for prefix, namespace in (*prefixes.items(), *curie_map.items()):
        add(prefix, namespace)
    for term in {t for triple in triples for t in triple if isinstance(t, URIRef)}:
        local = str(term).removeprefix(obo)
        if local != str(term) and "_" in local:
            add(local.split("_", 1)[0], f"{obo}{local.split('_', 1)[0]}_")
    return dict(sorted(result.items()))


def entities_by_type(asserted: Graph, reasoned: Graph) -> dict[str, int]:
    """Count the mkg: entities under each top-level category class.

    A category is an mkg: class with no mkg: superclass in the asserted graph; its
    entities are the mkg: classes below it (reasoned subclass closure) and the mkg:
    individuals asserted to be of it or of a class below it.
    """

    def mkg_iri(term: object) -> bool:
        return isinstance(term, URIRef) and str(term).startswith(str(MKG))

    classes = {c for c in asserted.subjects(RDF.type, OWL.Class) if mkg_iri(c)}
    roots = {c for c in classes if not any(mkg_iri(s) for s in asserted.objects(c, RDFS.subClassOf))}
    counts: dict[str, int] = {}
    for root in roots:
        below = {c for c in reasoned.subjects(RDFS.subClassOf, root) if mkg_iri(c) and c != root}
        members = {i for c in below | {root} for i in asserted.subjects(RDF.type, c) if mkg_iri(i)}
        if below or members:
            counts[short(root)] = len(below | members)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _ontology_header(asserted: Graph) -> dict[str, list[rdflib.term.Node]]:
    ontology = next(iter(sorted(asserted.subjects(RDF.type, OWL.Ontology))), None)  # type: ignore[type-var]  # rdflib: Node
    if ontology is None:
        return {}
    return {
        short(p): sorted(asserted.objects(ontology, p))  # type: ignore[type-var]  # rdflib: Node, yet str-ordered
        for p in set(asserted.predicates(ontology))
    }


def _void(asserted: Graph, inferred: Graph, reasoned: list[tuple], files: list[str]) -> Graph:
    """The VoID/DCAT description of the release; ``reasoned`` is the release's triples (counted from the
    list: a pass over an rdflib graph's store costs more than the counting)."""
    D = rdflib.DCTERMS
    void = Graph()
    header = _ontology_header(asserted)
    version = str(header.get("owl:versionInfo", ["0.0.0"])[0])
    release = f"{MKG}release/{version}/"
    void.add((DATASET, RDF.type, VOID.Dataset))
    void.add((DATASET, RDF.type, DCAT.Dataset))
    for key, prop in (
        ("dcterms:title", D.title),
        ("dcterms:description", D.description),
        ("dcterms:creator", D.creator),
        ("dcterms:created", D.created),
        ("dcterms:modified", D.modified),
        ("dcterms:issued", D.issued),
        ("dcterms:license", D.license),
    ):
        for value in header.get(key, []):
            void.add((DATASET, prop, value))
    if not header.get("dcterms:license"):
        void.add((DATASET, D.license, CC_BY_4))
    void.add((DATASET, OWL.versionInfo, rdflib.Literal(version)))
    void.add((DATASET, DCAT.version, rdflib.Literal(version)))
    for ontology in asserted.subjects(RDF.type, OWL.Ontology):
        void.add((DATASET, D.conformsTo, ontology))
    for source in set(asserted.objects(None, D.source)):
        if isinstance(source, URIRef):
            void.add((DATASET, D.source, source))
    void.add((DATASET, VOID.uriSpace, rdflib.Literal(str(MKG))))
    void.add((DATASET, VOID.triples, rdflib.Literal(len(reasoned))))
    void.add((DATASET, VOID.distinctSubjects, rdflib.Literal(len({s for s, _, _ in reasoned}))))
    void.add((DATASET, VOID.properties, rdflib.Literal(len({p for _, p, _ in reasoned}))))
    for name, graph in (("asserted", asserted), ("inferred", inferred)):
        subset = URIRef(f"{DATASET}/{name}")
        void.add((DATASET, VOID.subset, subset))
        void.add((subset, RDF.type, VOID.Dataset))
        void.add((subset, D.title, rdflib.Literal(f"milia-kg {name} triples", lang="en")))
        void.add((subset, VOID.triples, rdflib.Literal(len(graph))))
        void.add((subset, RDFS.seeAlso, URIRef(f"{MKG}graph/{name}")))
        void.add((subset, VOID.dataDump, URIRef(f"{release}milia-kg-{name}.ttl")))
    void.add((DATASET, VOID.dataDump, URIRef(f"{release}milia-kg.nt")))
    type_counts = Counter(o for _, p, o in reasoned if p == RDF.type and isinstance(o, URIRef))
    for cls, n in sorted(type_counts.items()):
        partition = rdflib.BNode()
        void.add((DATASET, VOID.classPartition, partition))
        void.add((partition, VOID["class"], cls))
        void.add((partition, VOID.entities, rdflib.Literal(n)))
    for name in files:
        distribution = URIRef(f"{release}{name}")
        media = MEDIA_TYPES[Path(name).suffix]
        description = ARTIFACTS.get(name, "a source file of this release")
        void.add((DATASET, DCAT.distribution, distribution))
        void.add((distribution, RDF.type, DCAT.Distribution))
        void.add((distribution, D.title, rdflib.Literal(name)))
        void.add((distribution, D.description, rdflib.Literal(description, lang="en")))
        void.add((distribution, DCAT.mediaType, rdflib.Literal(media)))
        void.add((distribution, DCAT.downloadURL, distribution))
    return void


#: The products written beside validation, in the forked child (:func:`_check_and_write`), once the
#: rules pass: the two cores then finish together (issue 22; the rest is :func:`_write`).
CHILD_PRODUCTS = ("context.jsonld", "milia-kg-inferred.ttl", "milia-kg.jsonld")

#: The rule family the parent runs itself (the QC checks, on its own asserted graph) while the child runs
#: the others: with the N-Triples back in the parent, both processes end together.
PARENT_RULES = ("qc-checks",)


@dataclass(frozen=True)
class _Release:
    """What every product is written from: the prefixes and the canonically labelled, sorted triples,
    computed once (one blank-node labelling; the validation child gets the prefixes and the inferred and
    reasoned triples for :data:`CHILD_PRODUCTS`)."""

    prefixes: dict[str, str]
    asserted: list[tuple]
    inferred: list[tuple]
    reasoned: list[tuple]


def _release(asserted: Graph, inferred: Graph) -> _Release:
    asserted_triples, inferred_triples = serialize.canonical_split(asserted, inferred)
    # one set, as in an rdflib graph: each product lists a triple once
    reasoned_triples = serialize.sort_triples(set(asserted_triples).union(inferred_triples))
    prefixes = prefix_map(asserted)
    return _Release(prefixes, asserted_triples, inferred_triples, reasoned_triples)


def _write_in_child(tmp: Path, prefixes: dict[str, str], inferred: list[tuple], reasoned: list[tuple]) -> list[str]:
    """Write :data:`CHILD_PRODUCTS`: the reasoned triples as JSON-LD (and its context), the inferred ones
    as Turtle."""
    context = dict(prefixes)
    reasoned_graph = serialize.sorted_graph(reasoned, prefixes, presorted=True)
    serialize.write_jsonld(reasoned_graph, context, tmp / "milia-kg.jsonld")
    (tmp / "context.jsonld").write_text(
        json.dumps({"@context": context}, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    serialize.write_turtle(serialize.sorted_graph(inferred, prefixes, presorted=True), tmp / "milia-kg-inferred.ttl")
    return sorted(CHILD_PRODUCTS)


def _graph(triples: list[tuple]) -> Graph:
    graph = Graph(store=STORE)  # read by the rules, never written out
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph


def _check_and_write(inbox: forked.Inbox, sources: Sources) -> ValidationReport:
    """Run every validation rule but :data:`PARENT_RULES` (listed as run: the parent adds their results);
    only if they pass, write :data:`CHILD_PRODUCTS`. ``build`` runs this in a child forked before the
    sources are read: pyshacl's import and the shapes' parse overlap the parent's parse and reasoning.
    The child then receives the asserted and inferred triples and the mapping set, and later the
    temporary folder, the prefixes and the release's inferred and reasoned triples (a failed build discards the
    folder anyway)."""
    import rdflib.plugins.serializers.jsonld  # noqa: F401  # write_jsonld's, imported while the parent parses

    from milia_kg.formats import sssom  # noqa: F401  # the mapping set it is sent unpickles into sssom's classes

    validate.prepare_shacl()
    side = validate.side_inputs(sources)
    asserted, inferred, mapping_set = inbox.get()
    report = pipeline.validation_report(_graph(asserted), _graph(inferred), sources, mapping_set, side,
                                        defer=PARENT_RULES)
    if report.conforms:
        try:
            tmp, prefixes, inferred, reasoned = inbox.get()
        except EOFError:  # the parent failed before its products: it raises its own error
            return report
        _write_in_child(tmp, prefixes, inferred, reasoned)
    return report


def _write(
    tmp: Path,
    release: _Release,
    asserted: Graph,
    inferred: Graph,
    sources: Sources,
    curie_map: Mapping[str, str],
) -> list[str]:
    """Write every artifact but :data:`CHILD_PRODUCTS` into ``tmp``; return the relative names of all
    the release's files (those included: the VoID description lists them)."""
    # imported here, after the fork: the validation child never needs them (fastobo, sqlite3)
    from milia_kg.release import obo_products, owl_product, semsql_product

    prefixes = release.prefixes
    owl_prefixes = {**prefixes, "oboInOwl": vocab.OBOINOWL}  # the OBO vocabulary of milia-kg.owl
    asserted_triples, reasoned_triples = release.asserted, release.reasoned

    serialize.write_turtle(serialize.sorted_graph(asserted_triples, prefixes, presorted=True),
                           tmp / "milia-kg-asserted.ttl")
    reasoned_graph = serialize.sorted_graph(reasoned_triples, prefixes, presorted=True)
    serialize.write_turtle(reasoned_graph, tmp / "milia-kg-reasoned.ttl")
    serialize.write_ntriples(reasoned_graph, tmp / "milia-kg.nt")
    owl_triples = owl_product.owl_triples(asserted_triples, curie_map)
    serialize.write_rdfxml(owl_triples, owl_prefixes, tmp / "milia-kg.owl", owl_product.TYPED_NODES)
    obo_products.write_products(owl_triples, tmp, curie_map)
    bioregistry = _bioregistry_prefixes(reasoned_triples, owl_prefixes, curie_map)
    (tmp / "prefixes.json").write_text(json.dumps(bioregistry, indent=2) + "\n", encoding="utf-8")

    extra = []
    mappings = resources.mappings_file(sources.data_dir)
    if mappings is not None:
        (tmp / mappings.name).write_bytes(mappings.read_bytes())
        extra.append(mappings.name)
    imports = resources.import_files(sources.ontology_dir)
    if imports:
        (tmp / "imports").mkdir()
        for source in imports:
            (tmp / "imports" / source.name).write_bytes(source.read_bytes())
            extra.append(f"imports/{source.name}")


    if semsql_product.available():  # milia-kg.db: only with semsql's schema at hand (the obo extra)
        semsql_product.write_semsql(owl_triples, reasoned_triples, tmp / semsql_product.NAME, curie_map)
        extra.append(semsql_product.NAME)

    (tmp / "schemas").mkdir()  # the decision-support case-profile contract (milia-kg classify)
    (tmp / "schemas" / resources.CASE_PROFILE_SCHEMA).write_bytes(resources.case_profile_schema())
    extra.append(f"schemas/{resources.CASE_PROFILE_SCHEMA}")

    files = sorted([*ARTIFACTS, *extra])
    void = _void(asserted, inferred, reasoned_triples, files)
    void_triples, _ = serialize.canonical_split(void, Graph())
    serialize.write_turtle(serialize.sorted_graph(void_triples, prefixes, presorted=True), tmp / "void.ttl")
    return files


def _check_replaceable(out: Path) -> None:
    """Refuse ``out`` unless it is missing, empty, or a previous release (it holds the marker)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise MiliaKGError(f"{out}: exists and is not a folder")
    if (out / RELEASE_MARKER).is_file() or not any(out.iterdir()):
        return
    found = sorted(p.name for p in out.iterdir())
    raise MiliaKGError(
        f"{out}: not a milia-kg release (no {RELEASE_MARKER}) and not empty ({', '.join(found[:3])}"
        f"{', ...' if len(found) > 3 else ''}); choose an empty or new folder"
    )


def _raise_if_invalid(report: ValidationReport) -> None:
    if not report.conforms:
        raise ValidationError(report)


def build(
    out_dir: str | Path,
    reasoner: str = DEFAULT_REASONER,
    *,
    ontology_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    reuse: bool = True,
) -> BuildSummary:
    """Load, reason, validate and write the release artifacts into ``out_dir``.

    A release built before from the same inputs is copied from the cache instead
    (:mod:`milia_kg.release.kept_release`) unless ``reuse`` is false; either way the files are the same.

    :param out_dir: the release folder: missing, empty, or a previous release (marked by
        :data:`RELEASE_MARKER`, written into every release), which is replaced as a whole.
    :param reasoner: passed to :func:`milia_kg.release.pipeline.run`.
    :raises RDFSyntaxError: if a source file is not valid Turtle.
    :raises InconsistencyError: if the reasoned graph is inconsistent.
    :raises ValidationError: if a validation rule fails (the same rules as ``milia-kg validate``:
        :data:`milia_kg.release.validate.RULES`); nothing is written then.
    :raises MiliaKGError: if ``out_dir`` exists and is neither empty nor a previous release.
    """
    started = time.perf_counter()
    out = Path(out_dir).absolute()
    _check_replaceable(out)
    sources = Sources(ontology_dir, data_dir)
    key = kept_release.release_key(reasoner, sources)  # before the sources are read
    found = kept_release.find(reasoner, key) if reuse else None
    if found is not None:
        kept, content = found
        with atomic.folder_beside(out) as tmp:
            kept_release.write(tmp, content)
            (tmp / RELEASE_MARKER).write_text(f"milia-kg {__version__}\n", encoding="utf-8")
            _check_replaceable(out)
        return BuildSummary(
            out_dir=out,
            triples_asserted=kept.triples_asserted,
            triples_inferred=kept.triples_inferred,
            entities=kept.entities,
            validation=ValidationReport(rules_run=kept.rules_run),
            seconds=time.perf_counter() - started,
            files=kept.files,
            reused=True,
        )
    # Validation (pyshacl, the QC checks) runs in a forked child, which then writes CHILD_PRODUCTS, while
    # this process writes the others; a failed validation discards them all (the temporary folder).
    with forked.start_fed(_check_and_write, sources) as checking:
        result = pipeline.run(sources, reasoner=reasoner, validate_later=True)
        asserted, inferred, reasoned = result.asserted, result.inferred, result.closure
        checking.send(list(asserted), list(inferred), result.mapping_set)
        checked = validate.run_checks(asserted)  # PARENT_RULES, the packaged checks as side_inputs reads them
        release = _release(asserted, inferred)
        with atomic.folder_beside(out) as tmp:
            checking.send(tmp, release.prefixes, release.inferred, release.reasoned)
            entities = entities_by_type(asserted, reasoned)
            curie_map = {} if result.mapping_set is None else dict(result.mapping_set.prefix_map)
            try:
                files = _write(tmp, release, asserted, inferred, sources, curie_map)
            except Exception:
                # a validation failure explains more than a writer's error
                _raise_if_invalid(checking.result().adding(checked))
                raise
            except BaseException:
                # Ctrl-C, SIGTERM: the child writes into tmp too, so it stops before tmp is removed
                # (a file it made during the removal left the folder behind, 2 interrupted builds in 30)
                checking.cancel()
                raise
            report = checking.result().adding(checked)
            _raise_if_invalid(report)
            kept_release.keep(tmp, kept_release.KeptRelease(len(asserted), len(inferred), entities,
                                                            tuple(report.rules_run), tuple(files)), reasoner, key)
            (tmp / RELEASE_MARKER).write_text(f"milia-kg {__version__}\n", encoding="utf-8")
            _check_replaceable(out)  # again: the folder may have been filled while we reasoned
    return BuildSummary(
        out_dir=out,
        triples_asserted=len(asserted),
        triples_inferred=len(inferred),
        entities=entities,
        validation=report,
        seconds=time.perf_counter() - started,
        files=tuple(files),
    )
