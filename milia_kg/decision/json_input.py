"""Untrusted JSON for decision support, read strictly and bounded, before anything acts on it.

Why here and not in each caller: the CLI, ``/api/classify`` and CDS Hooks each read JSON, and the
odd values of issue 23 (``1e999`` read as infinity, a 4,001-digit integer no float holds, a lone
surrogate that no UTF-8 output can carry, 200,000 nested brackets, 100,000 sites) gave a traceback,
an HTTP 500 or 30 s of CPU in the layers below. Every such value is refused here with a
:class:`~milia_kg.errors.CaseProfileError` naming its JSON path.

>>> load_json('{"age_years": 1e999}')
Traceback (most recent call last):
...
milia_kg.errors.CaseProfileError: case profile: age_years: too large a number: not finite, or more than a double holds
>>> check_values({"sites": ["nose", "\\ud800"]})
Traceback (most recent call last):
...
milia_kg.errors.CaseProfileError: case profile: sites[1]: not valid Unicode (lone surrogate \\ud800 at 0)
"""

from __future__ import annotations

import json
import math
from typing import Any

from milia_kg.errors import CaseProfileError

__all__ = ["MAX_DEPTH", "MAX_ITEMS", "MAX_NUMBER_DIGITS", "MAX_STRING", "check_values", "load_json"]

#: Deepest nesting of arrays and objects taken (a profile needs 2, a Phenopacket about 6).
MAX_DEPTH = 32
#: Most items in one array or object: far above any case (the page names a handful of sites), far
#: below the 100,000 sites that cost 32-48 s of CPU.
MAX_ITEMS = 1_000
#: Longest string taken (characters).
MAX_STRING = 10_000
#: Most digits in an integer (a double holds 1e308 at most, with 17 significant digits).
MAX_NUMBER_DIGITS = 300


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _integer(text: str) -> int | float:
    """``int(text)``, or infinity past :data:`MAX_NUMBER_DIGITS` digits (refused by :func:`check_values`
    with its path; Python itself refuses 4,301 digits, and a 4,001-digit one overflows a float)."""
    return int(text) if len(text) <= MAX_NUMBER_DIGITS + 1 else math.inf


def load_json(text: bytes | str, field: str = "", line: int | None = None) -> Any:
    """Strict JSON (RFC 8259: no ``NaN``/``Infinity``) whose values pass :func:`check_values`.

    :raises CaseProfileError: naming ``field`` (or the path inside the value) and why.
    """
    try:
        value = json.loads(text, parse_constant=_constant, parse_int=_integer)
    except UnicodeDecodeError:
        raise CaseProfileError(field, "the body is not UTF-8", line=line) from None
    except json.JSONDecodeError as error:
        raise CaseProfileError(field, f"not JSON ({error.msg} at line {error.lineno} column {error.colno})",
                               line=line) from None
    except RecursionError:
        raise CaseProfileError(field, f"nested deeper than {MAX_DEPTH} levels", line=line) from None
    except ValueError as error:  # NaN, Infinity
        raise CaseProfileError(field, f"not JSON ({error})", line=line) from None
    check_values(value, field, line)
    return value


def _safe(text: str) -> str:
    """``text`` with lone surrogates written as ``\\udxxx``, so any output can carry it."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _string_problem(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return f"not valid Unicode (lone surrogate {_safe(text[error.start])} at {error.start})"
    if len(text) > MAX_STRING:
        return f"a string of {len(text)} characters; at most {MAX_STRING} are taken"
    return None


def check_values(value: Any, field: str = "", line: int | None = None) -> None:
    """Refuse what no later step can handle: nesting past :data:`MAX_DEPTH`, arrays or objects of
    more than :data:`MAX_ITEMS`, strings (keys too) past :data:`MAX_STRING` or with a lone
    surrogate, numbers that are not finite or that no double holds. Iterative: no recursion.

    :raises CaseProfileError: naming the JSON path of the first such value.
    """
    stack: list[tuple[Any, _Path, int]] = [(value, field, 1)]
    while stack:
        item, path, depth = stack.pop()
        problem: str | None = None
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                problem = f"nested deeper than {MAX_DEPTH} levels"
            elif len(item) > MAX_ITEMS:
                problem = f"{len(item)} items; at most {MAX_ITEMS} are taken"
        elif isinstance(item, str):
            problem = _string_problem(item)
        elif isinstance(item, bool) or item is None:
            pass
        elif (isinstance(item, int) and item.bit_length() > 1023) or (
                isinstance(item, float) and not math.isfinite(item)):
            problem = "too large a number: not finite, or more than a double holds"
        if problem is not None:
            raise CaseProfileError(_path_text(path), problem, line=line)
        if isinstance(item, dict):
            for key, child in item.items():
                key_problem = _string_problem(key) if isinstance(key, str) else None
                if key_problem is not None:
                    raise CaseProfileError(_path_text((path, True, key)), f"field name {key_problem}", line=line)
                stack.append((child, (path, True, key), depth + 1))
        elif isinstance(item, list):
            stack.extend((child, (path, False, i), depth + 1) for i, child in enumerate(item))


#: Where a value lies: the field given, or (where its container lies, whether that is an object, the
#: key or index). Written out only for an error (issue 22: the path of every value of every valid case
#: was built for nothing).
_Path = str | tuple[Any, bool, Any]


def _path_text(path: _Path) -> str:
    """The JSON path as the errors name it: ``sites[0]``, ``subject.id`` (keys made printable)."""
    steps: list[tuple[bool, Any]] = []
    while isinstance(path, tuple):
        path, in_object, step = path
        steps.append((in_object, step))
    text = path
    for in_object, step in reversed(steps):
        if in_object:
            name = _safe(step) if isinstance(step, str) else str(step)
            text = f"{text}.{name}" if text else name
        else:
            text = f"{text}[{step}]"
    return text
