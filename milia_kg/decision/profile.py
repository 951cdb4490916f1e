"""The case profile: its JSON Schema (shipped in the package) and the check of a profile against it.

The schema is the contract a decision-support caller codes against; :func:`check_profile` turns the
first violation into a :class:`~milia_kg.errors.CaseProfileError` naming the field, so a bad profile
is refused, never guessed at.  Sites and disorders are resolved later, against the graph.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from milia_kg.errors import CaseProfileError

#: The schema's file name inside ``milia_kg/decision/schemas``.
SCHEMA_FILE = "case-profile.schema.json"


def schema_bytes() -> bytes:
    """The schema file as shipped (``milia-kg build`` publishes it verbatim)."""
    return resources.files("milia_kg.decision").joinpath("schemas", SCHEMA_FILE).read_bytes()


@functools.cache
def schema() -> dict[str, Any]:
    """The case-profile JSON Schema, read once from the package."""
    loaded: dict[str, Any] = json.loads(schema_bytes().decode("utf-8"))
    return loaded


@functools.cache
def _validator() -> Any:
    import jsonschema

    cls = jsonschema.validators.validator_for(schema())
    return cls(schema())


def check_profile(profile: object) -> dict[str, Any]:
    """Return ``profile`` if it satisfies the schema.

    :raises CaseProfileError: naming the first offending field (the most specific error).

    >>> check_profile({"age_years": 30, "sites": ["nose"]})["age_years"]
    30
    >>> check_profile({"age_years": -2})
    Traceback (most recent call last):
    ...
    milia_kg.errors.CaseProfileError: case profile: age_years: -2 is less than the minimum of 0
    """
    if not isinstance(profile, dict):
        raise CaseProfileError("", f"expected a JSON object, got {type(profile).__name__}")
    import jsonschema

    errors = sorted(_validator().iter_errors(profile), key=lambda e: (list(e.path), e.message))
    if errors:
        error = jsonschema.exceptions.best_match(errors)
        raise CaseProfileError(_field(error, profile), _reason(error))
    if set(profile) <= {"id"}:
        raise CaseProfileError("", "the profile says nothing; give at least one field")
    return profile


def _field(error: Any, profile: dict[str, Any]) -> str:
    if error.validator == "additionalProperties":
        unknown = sorted(set(profile) - set(schema()["properties"]))
        return unknown[0] if unknown else ""
    path = ""
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _reason(error: Any) -> str:
    if error.validator == "additionalProperties":
        return "unknown field; expected one of: " + ", ".join(sorted(schema()["properties"]))
    if error.validator == "minProperties":
        return "the profile says nothing; give at least one field"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of: " + ", ".join(map(str, error.validator_value))
    return str(error.message)
