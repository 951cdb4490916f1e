"""Whatever a client sends to ``classify``, told apart by its content and read as a case profile: a
case profile (whose ``inherited_disorder`` may be a disease id, :mod:`.inherited`), a GA4GH
Phenopacket v2 (:mod:`.phenopacket`) or a FHIR R4 Bundle, Patient or Condition (:mod:`.fhir`).

A valid document that does not record milia is no error: :attr:`Document.not_recorded` says why, and
the caller answers "milia not recorded".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from milia_kg.base.records import Record
from milia_kg.decision import inherited

if TYPE_CHECKING:  # the Phenopacket and FHIR readers are imported when such a document comes (start-up time)
    from milia_kg.decision import phenopacket

__all__ = ["PHENOPACKET_FIELDS", "PHENOPACKET_MARKERS", "Document", "is_phenopacket", "read"]


class Document(Record):
    """The profile to classify, the Phenopacket conversion (if it was one), what was dropped before the
    profile (path, value, reason), the inherited-disorder evidence, and why milia are not recorded
    (``None``: they are)."""

    _fields = ("profile", "packet", "dropped", "evidence", "not_recorded", "id")

    def __init__(self, profile: object, packet: phenopacket.Conversion | None = None,
                 dropped: list[dict[str, Any]] | None = None, evidence: list[inherited.Evidence] | None = None,
                 not_recorded: str | None = None, id: str | None = None) -> None:
        self.profile = profile
        self.packet = packet
        self.dropped: list[dict[str, Any]] = [] if dropped is None else dropped
        self.evidence: list[inherited.Evidence] = [] if evidence is None else evidence
        self.not_recorded = not_recorded
        self.id = id


#: Top-level keys of a Phenopacket v2 message (JSON names); a JSON object holding one of
#: :data:`PHENOPACKET_MARKERS` is read as a Phenopacket (and checked as one).  A case profile has none of
#: them but ``id``.
PHENOPACKET_FIELDS = frozenset({"id", "subject", "phenotypicFeatures", "measurements", "biosamples",
                                "interpretations", "diseases", "medicalActions", "files", "metaData"})
PHENOPACKET_MARKERS = PHENOPACKET_FIELDS - {"id"}


def is_phenopacket(document: object) -> bool:
    """Whether a JSON value is (meant as) a Phenopacket: an object with a Phenopacket's top-level keys.

    >>> is_phenopacket({"id": "p1", "phenotypicFeatures": [], "metaData": {}})
    True
    >>> is_phenopacket({"id": "c1", "itchy": True})
    False
    """
    return isinstance(document, dict) and bool(PHENOPACKET_MARKERS & set(document))


def read(document: object, graph: Callable[[], phenopacket.Graph], today: dt.date | None = None) -> Document:
    """Read ``document`` as a case.

    :param graph: gives the graph that milia-kg's terms and body sites are read by (called only when needed).
    :param today: the day ages are counted to for FHIR (default: today in UTC).
    :raises CaseProfileError: for a malformed Phenopacket (a profile is checked later).
    """
    if is_phenopacket(document):
        from milia_kg.decision import phenopacket

        profile, packet = phenopacket.read(document, graph)
        assert packet is not None
        why = None if packet.milia else packet.why_not
        return Document(profile, packet, [], packet.evidence, why, packet.profile.get("id"))
    if isinstance(document, dict) and "resourceType" in document:
        from milia_kg.decision import fhir

        if fhir.is_fhir(document):
            return _fhir_document(document, graph, today)
    profile, evidence, dropped = inherited.read_profile(document)
    return Document(profile, None, dropped, evidence)


def _fhir_document(document: dict[str, Any], graph: Callable[[], phenopacket.Graph], today: dt.date | None) -> Document:
    """A FHIR Bundle, Patient or Condition read as a case (see :mod:`.fhir`)."""
    from milia_kg.decision import fhir

    loaded = graph()
    case = fhir.read_document(document, today or dt.datetime.now(dt.UTC).date(), loaded.holds, loaded.resolve)
    case_id = document.get("id") if isinstance(document.get("id"), str) else None
    if not case.milia:
        return Document({}, None, case.ignored, [], "no Condition of the FHIR document records milia", case_id)
    return Document({**case.profile, **({"id": case_id} if case_id else {})}, None, case.ignored, case.evidence)
