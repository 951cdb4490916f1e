"""The folders the project's sources are read from, as one frozen value (:class:`Sources`).

Kept apart from :mod:`.sources` so that the cache key can name them without importing rdflib:
a cold ``milia-kg query`` reads the cached closure and never parses a source.
"""

from __future__ import annotations

from pathlib import Path

from milia_kg.base.records import FrozenRecord

__all__ = ["PACKAGED", "Sources"]


class Sources(FrozenRecord):
    """Where the project's sources are read from, passed whole through the release flow (load,
    reason, validate, cache key, build): folders that replace the packaged ``ontology/`` and
    ``data/``, ``None`` for the packaged ones."""

    _fields = ("ontology_dir", "data_dir")
    ontology_dir: str | Path | None
    data_dir: str | Path | None

    def __init__(self, ontology_dir: str | Path | None = None, data_dir: str | Path | None = None) -> None:
        self._set(ontology_dir=ontology_dir, data_dir=data_dir)


#: The sources that ship in the package.
PACKAGED = Sources()
