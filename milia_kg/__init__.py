"""milia-kg: an RDF/OWL knowledge graph of milia, every fact with provenance.

This module only re-exports.  The errors are imported eagerly (they are light);
everything that needs rdflib is imported on first use, so ``import milia_kg``
and ``milia-kg --help`` stay fast.

>>> import milia_kg
>>> milia_kg.__version__
'0.1.0'
>>> issubclass(milia_kg.UnknownQueryError, KeyError)
True
"""

from __future__ import annotations

from milia_kg.base.lazy import lazy_exports
from milia_kg.errors import (
    EndpointError,
    InconsistencyError,
    MiliaKGError,
    ParameterError,
    RDFSyntaxError,
    UnknownQueryError,
    ValidationError,
)

__version__ = "0.1.0"

#: Public name -> module that defines it; imported on first access.
_LAZY = {
    "KnowledgeGraph": "milia_kg.query.kg",
    "load_catalogue": "milia_kg.query.catalogue",
    "classify": "milia_kg.decision.api",
    "classify_many": "milia_kg.decision.api",
    "BuildSummary": "milia_kg.release.build",
    "build": "milia_kg.release.build",
    "infer": "milia_kg.reasoner",
    "check_consistent": "milia_kg.reasoner",
    "load_asserted": "milia_kg.release.sources",
    "load_dataset": "milia_kg.release.pipeline",
    "ValidationReport": "milia_kg.release.validate",
    "validate": "milia_kg.release.validate",
    "validate_sources": "milia_kg.release.pipeline",
}

__all__ = [
    "EndpointError",
    "InconsistencyError",
    "MiliaKGError",
    "ParameterError",
    "RDFSyntaxError",
    "UnknownQueryError",
    "ValidationError",
    "__version__",
    *sorted(_LAZY),
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
