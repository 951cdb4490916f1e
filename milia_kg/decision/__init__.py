"""Decision support: classify a patient case into milia subtypes by OWL 2 RL reasoning over the
ontology's defined classes, and gather the advice the catalogue queries give for those subtypes.

- :mod:`~milia_kg.decision.profile`: the case profile (JSON Schema shipped in ``schemas/``) and its checks;
- :mod:`~milia_kg.decision.case_graph`: a checked profile as RDF individuals (age groups by threshold);
- :mod:`~milia_kg.decision.schema_module`: the schema module, closed once and cached on disk;
- :mod:`~milia_kg.decision.classifier`: each case reasoned against that module, its subtypes and rationale;
- :mod:`~milia_kg.decision.advice`: the catalogue answers for the subtypes found, with quotes;
- :mod:`~milia_kg.decision.api`: :func:`classify`, :func:`classify_many` and :class:`Result`.
- :mod:`~milia_kg.decision.documents`: a profile, Phenopacket or FHIR document told apart and read as a case;
- :mod:`~milia_kg.decision.fhir`: FHIR R4 resources (an EHR's CDS Hooks prefetch, a Bundle) as a profile;
- :mod:`~milia_kg.decision.codes`: external codes read back into milia-kg's classes through the mapping set;
- :mod:`~milia_kg.decision.inherited`: inherited disorders from diagnoses (HPO modes of inheritance, variants);
- :mod:`~milia_kg.decision.clients`: a CDS Hooks prefetch classified;
- :mod:`~milia_kg.decision.cards`: a result as CDS Hooks 2.0 cards.
"""

from __future__ import annotations

from milia_kg.base.lazy import lazy_exports

_LAZY = {"classify": "milia_kg.decision.api", "classify_many": "milia_kg.decision.api",
         "Result": "milia_kg.decision.api", "check_profile": "milia_kg.decision.profile"}

__all__ = sorted(_LAZY)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
