"""The names of the reasoning engines and the default one, in one place and free of rdflib.

Every function and CLI option that takes a reasoner defaults to :data:`DEFAULT_REASONER`;
the CLI imports this module without loading rdflib, so ``milia-kg --help`` stays quick.
:mod:`milia_kg.reasoner` re-exports these names.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["DEFAULT_REASONER", "REASONERS", "Reasoner"]

#: The engine names :func:`milia_kg.reasoner.infer` accepts.
Reasoner = Literal["owlrl", "fast"]
REASONERS: tuple[str, ...] = ("owlrl", "fast")
#: The reasoner used when none is named: the fast engine (same triples as owlrl, much quicker).
DEFAULT_REASONER: Reasoner = "fast"
