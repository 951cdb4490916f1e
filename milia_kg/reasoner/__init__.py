"""OWL 2 RL reasoning: one public surface over two engines, owlrl (the reference) and the fast one.

This package only re-exports.  The engine names (:data:`DEFAULT_REASONER`, :data:`REASONERS`)
are imported eagerly because they are free of rdflib (the CLI and :mod:`milia_kg.query` need
them without loading rdflib); everything else is imported on first access.

- :mod:`~milia_kg.reasoner._names`: the engine names and the default one;
- :mod:`~milia_kg.reasoner._infer`: :func:`reason`, :func:`infer`, :func:`check_consistent` on
  rdflib graphs with either engine, and what is stripped as owlrl noise;
- :mod:`~milia_kg.reasoner.fast`: the fast engine's entry point (any term library);
- ``_engine``, ``_schema``, ``_checks``, ``_datatypes``, ``_valuespace``, ``_terms``: the fast
  engine's rule handlers, clash checks, datatype rules and term encoding.

>>> from milia_kg import reasoner
>>> reasoner.DEFAULT_REASONER, reasoner.REASONERS
('fast', ('owlrl', 'fast'))
>>> reasoner.reason.__module__
'milia_kg.reasoner._infer'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from milia_kg.reasoner._names import DEFAULT_REASONER, REASONERS, Reasoner

if TYPE_CHECKING:
    from milia_kg.reasoner._infer import (
        BUILTIN_NAMESPACES,
        EDGE_RELATIONS,
        ERR,
        Reasoned,
        check_consistent,
        infer,
        is_noise,
        named_closure,
        reason,
        restrict_to_named,
        restriction_edges,
    )

#: Public names defined in :mod:`milia_kg.reasoner._infer` (which needs rdflib), imported on first access.
_LAZY = (
    "BUILTIN_NAMESPACES",
    "EDGE_RELATIONS",
    "ERR",
    "Reasoned",
    "check_consistent",
    "infer",
    "is_noise",
    "named_closure",
    "reason",
    "restrict_to_named",
    "restriction_edges",
)

__all__ = [
    "BUILTIN_NAMESPACES",
    "DEFAULT_REASONER",
    "EDGE_RELATIONS",
    "ERR",
    "REASONERS",
    "Reasoned",
    "Reasoner",
    "check_consistent",
    "infer",
    "is_noise",
    "named_closure",
    "reason",
    "restrict_to_named",
    "restriction_edges",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module("milia_kg.reasoner._infer"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'milia_kg.reasoner' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
