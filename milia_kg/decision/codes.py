"""External codes read back into milia-kg's classes, through the verified mapping set only
(``data/mappings.sssom.tsv``): a FHIR ``Coding`` (system + code) to a CURIE, and a CURIE to the
milia-kg classes it stands for.

Only ``skos:exactMatch``, ``skos:closeMatch`` and ``skos:narrowMatch`` rows are read backwards: a code
that is the same as, or narrower than, a milia-kg class is an instance of it; a ``broadMatch`` code
(HP:0001056 for neonatal milia) is broader than the class and says nothing about the subtype.
"""

from __future__ import annotations

import functools

from milia_kg.base import resources

__all__ = ["READ_BACK", "coding_curie", "fhir_coding", "mapped_classes", "mapped_prefixes", "mappings_of"]

#: SKOS predicates under which an external code is an instance of the milia-kg class.
READ_BACK = frozenset({"skos:exactMatch", "skos:closeMatch", "skos:narrowMatch"})


@functools.cache
def _systems() -> dict[str, tuple[str, bool]]:
    """FHIR ``Coding.system`` -> (SSSOM prefix, whether the code keeps the prefix)."""
    from milia_kg.formats.sssom import FHIR_SYSTEMS

    return {system: (prefix, keeps) for prefix, (system, keeps) in FHIR_SYSTEMS.items()}


def coding_curie(system: str, code: str) -> str | None:
    """The CURIE of a FHIR coding, or ``None`` for a code system milia-kg does not code with.

    >>> coding_curie("http://snomed.info/sct", "254679001")
    'SNOMEDCT:254679001'
    >>> coding_curie("http://human-phenotype-ontology.org", "HP:0001056")
    'HP:0001056'
    >>> coding_curie("http://loinc.org", "1234-5") is None
    True
    """
    found = _systems().get(system)
    if found is None or not code:
        return None
    prefix, keeps = found
    if keeps:
        return code if code.startswith(prefix + ":") else None
    return f"{prefix}:{code}"


def fhir_coding(curie: str) -> tuple[str, str] | None:
    """(system, code) of a CURIE as FHIR codes it, or ``None`` for a prefix with no FHIR system.

    >>> fhir_coding("OMIM:157400")
    ('http://www.omim.org', '157400')
    """
    from milia_kg.formats.sssom import FHIR_SYSTEMS

    prefix, _, local = curie.partition(":")
    if prefix not in FHIR_SYSTEMS:
        return None
    system, keeps = FHIR_SYSTEMS[prefix]
    return system, curie if keeps else local


@functools.cache
def _index() -> dict[str, tuple[tuple[str, str], ...]]:
    """External code -> ((milia-kg subject, SKOS predicate), ...) of the packaged mapping set, read once."""
    from milia_kg.formats import sssom

    mapped: dict[str, list[tuple[str, str]]] = {}
    path = resources.mappings_file()
    if path is not None:
        for m in sssom.read_sssom(path).mappings:
            mapped.setdefault(m.object_id, []).append((m.subject_id, m.predicate_id))
    return {key: tuple(dict.fromkeys(value)) for key, value in mapped.items()}


def mappings_of(curie: str) -> tuple[tuple[str, str], ...]:
    """Every mapping of the external code ``curie``: ``(milia-kg subject, SKOS predicate)`` pairs.

    >>> mappings_of("MONDO:0008001")
    (('mkg:MultipleEruptiveMilia', 'skos:closeMatch'),)
    """
    return _index().get(curie, ())


def mapped_classes(curie: str) -> tuple[str, ...]:
    """The milia-kg classes (CURIEs) that the external code ``curie`` is an instance of.

    >>> mapped_classes("SNOMEDCT:254679001")
    ('mkg:Milia',)
    >>> mapped_classes("MONDO:0008001")
    ('mkg:MultipleEruptiveMilia',)
    """
    return tuple(dict.fromkeys(subject for subject, predicate in mappings_of(curie) if predicate in READ_BACK))


def mapped_prefixes() -> frozenset[str]:
    """The prefixes of the external codes the mapping set has any row for: a code of another
    terminology (ICD-10-CM: no authority file naming milium was found) cannot be read at all.

    >>> "SNOMEDCT" in mapped_prefixes(), "ICD10CM" in mapped_prefixes()
    (True, False)
    """
    return frozenset(curie.split(":")[0] for curie in _index())
