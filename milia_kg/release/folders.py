"""The folders the project's sources are read from, as one frozen value (:class:`Sources`).

Kept apart from :mod:`.sources` so that the cache key can name them without importing rdflib:
a cold ``milia-kg query`` reads the cached closure and never parses a source.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["PACKAGED", "Sources"]


@dataclass(frozen=True)
class Sources:
    """Where the project's sources are read from, passed whole through the release flow (load,
    reason, validate, cache key, build): folders that replace the packaged ``ontology/`` and
    ``data/``, ``None`` for the packaged ones."""

    ontology_dir: str | Path | None = None
    data_dir: str | Path | None = None


#: The sources that ship in the package.
PACKAGED = Sources()
