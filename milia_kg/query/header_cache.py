"""The ``#+`` YAML headers of catalogue queries, parsed once and kept by their text's SHA-256.

Importing PyYAML and parsing a header costs a cold ``milia-kg query`` more than running the query
(issue 22). A header's YAML value depends on its text alone, so it is kept in
``<cache dir>/query-headers.json`` under the SHA-256 of that text: a changed header has another key
and is parsed again, never served stale. Only values that JSON keeps exactly (mappings, lists,
strings, numbers, booleans, null) are kept; the strict checks of
:mod:`milia_kg.query.catalogue` run on the value either way, and a YAML error is raised every time.
A cache that cannot be read or written is skipped.

>>> load_header("summary: Kinds of milia", "example.rq")
{'summary': 'Kinds of milia'}
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from milia_kg.base.kept_records import KeptRecords
from milia_kg.errors import MiliaKGError

__all__ = ["CACHE_FILE", "MAX_ENTRIES", "forget", "load_header", "parse_yaml"]

#: The file, in the cache folder, that holds the parsed headers.
CACHE_FILE = "query-headers.json"
#: Headers kept at most; the oldest are dropped first (the file only grows as headers are edited).
MAX_ENTRIES = 512


def _cache_file() -> Path:
    from milia_kg.release.cache import cache_dir

    return cache_dir() / CACHE_FILE


_KEPT = KeptRecords(_cache_file, MAX_ENTRIES)


def forget() -> None:
    """Drop this process's copy of the cache file, so the next header reads it again (as a new
    process would)."""
    _KEPT.forget()


def _json_exact(value: Any) -> bool:
    """Whether JSON gives ``value`` back with the same types (YAML dates, sets or tuples do not)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, list):
        return all(map(_json_exact, value))
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_exact(v) for k, v in value.items())
    return False


def parse_yaml(header_text: str, where: str) -> Any:
    """Parse a header with PyYAML's safe loader.

    :raises MiliaKGError: naming ``where`` and the header line, if it is not valid YAML.
    """
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available
        return yaml.load(header_text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (header line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        hint = "; put values that contain ': ' in quotes" if "mapping values" in problem else ""
        raise MiliaKGError(f"{where}: header is not valid YAML{line}: {problem}{hint}") from None


def load_header(header_text: str, where: str) -> Any:
    """The YAML value of ``header_text``, from the cache when this exact text was parsed before.

    :raises MiliaKGError: as :func:`parse_yaml`.
    """
    key = hashlib.sha256(header_text.encode("utf-8")).hexdigest()
    entries = _KEPT.entries()
    if key in entries:
        return json.loads(json.dumps(entries[key]))  # a copy: the caller may keep or change it
    value = parse_yaml(header_text, where)
    if _json_exact(value):
        _KEPT.put(key, json.loads(json.dumps(value)))  # a copy, as the caller keeps the value
    return value
