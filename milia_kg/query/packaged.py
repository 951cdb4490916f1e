"""The packaged graph's file and its kept resolutions, found without opening the graph.

:mod:`milia_kg.query.kg` opens the graph (an Oxigraph store, its engines, limits and catalogue);
decision support reads most of what it needs from the cache instead (issue 22): the file the
classifier's kept data lie beside, and the values of a case resolved before, kept by the graph's
content key (:mod:`milia_kg.query.resolved_cache`).  This module gives both with none of
:mod:`~milia_kg.query.kg`'s imports, so a cold classify of kept values imports no engine.
"""

from __future__ import annotations

import functools
from pathlib import Path

from milia_kg.query import resolved_cache
from milia_kg.reasoner import DEFAULT_REASONER

__all__ = ["content_key", "kept_resolution", "packaged_graph_file"]


@functools.cache
def packaged_graph_file(reasoner: str = DEFAULT_REASONER) -> Path:
    """The reasoned graph file of the packaged sources that this process's graphs are opened from,
    found once: what is derived from it (the classifier's schema module and kept answers) is read
    beside the graph the process holds, without stamping the sources again (issue 22).

    :raises MiliaKGError: as :func:`milia_kg.release.cache.reasoned_graph_file`.
    """
    from milia_kg.release import cache

    return cache.reasoned_graph_file(reasoner)  # named by the sources' cache key, checked against its record


def content_key(engine: str, path: Path) -> str:
    """What the packaged graph's resolved values are kept under: its file's name is the sources' key."""
    return f"{engine}:{path.name}"


def kept_resolution(value: object, reasoner: str = DEFAULT_REASONER) -> str | None:
    """The IRI an entity parameter's ``value`` was resolved to on the packaged graph (on Oxigraph, as
    :meth:`KnowledgeGraph.open <milia_kg.query.kg.KnowledgeGraph.open>` gives it), if a resolution was
    kept; read without loading the graph (issue 22: a cold classify whose values were all resolved
    before never needs the store).

    :raises MiliaKGError: as :func:`packaged_graph_file`.
    """
    return resolved_cache.kept_value(_kept_key(reasoner), value)


@functools.cache
def _kept_key(reasoner: str) -> str:
    """The packaged graph's resolver's key (found once, as its file is). The file is N-Triples, which
    declares no prefixes: the resolver reads CURIEs with the query prefixes alone."""
    return resolved_cache.kept_key(content_key("oxigraph", packaged_graph_file(reasoner)))
