"""The case profile: its JSON Schema (shipped in the package) and the check of a profile against it.

The schema is the contract a decision-support caller codes against; :func:`check_profile` turns the
first violation into a :class:`~milia_kg.errors.CaseProfileError` naming the field, so a bad profile
is refused, never guessed at.  Sites and disorders are resolved later, against the graph.

A profile the schema's own keywords plainly accept (:func:`_plainly_valid` reads them from the
schema, knows the few it uses and gives up on any other) passes without jsonschema, whose import
alone costs a cold ``milia-kg classify`` more than the rest of a case; anything else, and every
error message, goes through jsonschema.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from milia_kg.base import resources
from milia_kg.errors import CaseProfileError

#: The schema's file name inside ``milia_kg/decision/schemas``.
SCHEMA_FILE = resources.CASE_PROFILE_SCHEMA


def schema_bytes() -> bytes:
    """The schema file as shipped (``milia-kg build`` publishes it verbatim)."""
    return resources.case_profile_schema()


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
    if _plainly_valid(profile, schema()) and set(profile) - {"id"}:
        return profile
    import jsonschema

    errors = sorted(_validator().iter_errors(profile), key=lambda e: (list(e.path), e.message))
    if errors:
        error = jsonschema.exceptions.best_match(errors)
        raise CaseProfileError(_field(error, profile), _reason(error))
    if set(profile) <= {"id"}:
        raise CaseProfileError("", "the profile says nothing; give at least one field")
    return profile


#: JSON Schema type name -> the Python types json.loads gives it (bool is not a number; "integer",
#: which admits 1.0, is left to jsonschema).
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,), "null": (type(None),),
    "number": (int, float),
}
#: Keywords that constrain nothing.
_ANNOTATIONS = {"$schema", "$id", "title", "description"}


def _plainly_valid(value: Any, rule: dict[str, Any]) -> bool:
    """Whether ``value`` satisfies ``rule`` by the keywords known here; ``False`` means invalid
    or not sure (an unknown keyword), and jsonschema decides."""
    for keyword, expected in rule.items():
        if keyword in _ANNOTATIONS:
            continue
        if keyword == "type":
            names = [expected] if isinstance(expected, str) else expected
            if not any(_is_type(value, name) for name in names):
                return False
        elif keyword == "enum":
            if not any(type(value) is type(option) and value == option for option in expected):
                return False
        elif keyword == "minimum":
            if _is_type(value, "number") and value < expected:
                return False
        elif keyword == "minLength":
            if isinstance(value, str) and len(value) < expected:
                return False
        elif keyword == "maxLength":
            if isinstance(value, str) and len(value) > expected:
                return False
        elif keyword == "maxItems":
            if isinstance(value, list) and len(value) > expected:
                return False
        elif keyword == "minProperties":
            if isinstance(value, dict) and len(value) < expected:
                return False
        elif keyword == "items":
            if isinstance(value, list) and not all(_plainly_valid(item, expected) for item in value):
                return False
        elif keyword == "properties":
            if isinstance(value, dict) and not all(
                _plainly_valid(v, expected[k]) for k, v in value.items() if k in expected):
                return False
        elif keyword == "additionalProperties" and expected is False:
            if isinstance(value, dict) and not set(value) <= set(rule.get("properties", {})):
                return False
        else:
            return False
    return True


def _is_type(value: Any, name: str) -> bool:
    types = _TYPES.get(name)
    if types is None or (isinstance(value, bool) and bool not in types):
        return False
    return isinstance(value, types)


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
