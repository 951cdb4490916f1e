"""Lexical checks of the common OWL 2 RL datatypes without importing owlrl (private).

Why: rule dt-not-type needs owlrl's lexical check of each typed literal (``AltXSDToPYTHON``), and
importing owlrl imports rdflib: 150-300 ms, a fixed cost that was a fifth of reasoning over 100k
triples (issue 22, target 2). The checks here give owlrl's verdict without it:

* for ``xsd:integer``, ``xsd:string``, ``xsd:boolean`` and the bounded integer types they are
  owlrl's own code (``int``, identity, the same words, the same exclusive limits);
* for ``xsd:decimal``, ``xsd:date``, ``xsd:dateTime`` and ``xsd:anyURI`` they accept only forms owlrl
  certainly accepts (plain digits; ``YYYY-MM-DD`` of a real day, with ``THH:MM:SS`` and ``Z`` or not; an
  absolute IRI or an unsuspicious relative one) and answer ``None`` (ask owlrl) for anything else.

Every other datatype is owlrl's. tests/reasoner/test_lexical.py holds each check against owlrl's.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from milia_kg import vocab

__all__ = ["NATIVE", "verdict"]

_XSD = vocab.XSD
#: owlrl's exclusive (lower, upper) limits of the bounded integer types (``None``: unbounded).
LIMITS: dict[str, tuple[int | None, int | None]] = {
    "byte": (-129, 128),
    "short": (-32769, 32768),
    "int": (-2147483649, 2147483648),
    "long": (-9223372036854775809, 9223372036854775808),
    "unsignedByte": (-1, 256),
    "unsignedShort": (-1, 65536),
    "unsignedInt": (-1, 4294967296),
    "unsignedLong": (-1, 18446744073709551616),
    "positiveInteger": (0, None),
    "nonNegativeInteger": (-1, None),
    "negativeInteger": (None, 0),
    "nonPositiveInteger": (None, 1),
}
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATE_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z?")
#: RFC 3986's unreserved, sub-delims and gen-delims characters without ``[ ]`` (which urlsplit reads
#: as an IPv6 host and may refuse) and ``%`` (owlrl checks what follows one).
_SAFE = r"[A-Za-z0-9\-._~/?#@!$&'()*+,;=]"
_ABSOLUTE = re.compile(rf"[A-Za-z][A-Za-z0-9+.-]*:(?:{_SAFE}|:)*")
_RELATIVE = re.compile(rf"{_SAFE}*")


def _integer(v: str) -> bool | None:
    try:
        int(v)
    except ValueError:
        return False
    return True


def _bounded(low: int | None, high: int | None) -> Callable[[str], bool | None]:
    def check(v: str) -> bool | None:
        try:
            i = int(v)
        except ValueError:
            return False
        return (low is None or low < i) and (high is None or i < high)

    return check


def _boolean(v: str) -> bool | None:
    return v.lower() in ("true", "1", "false", "0")


def _decimal(v: str) -> bool | None:
    return True if _DECIMAL.fullmatch(v) else None


def _day(year: int, month: int, day: int) -> bool | None:
    if year < 1 or not 1 <= month <= 12:
        return None
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    return True if 1 <= day <= days else None


def _date(v: str) -> bool | None:
    match = _DATE.fullmatch(v)
    return None if match is None else _day(*map(int, match.groups()))


def _date_time(v: str) -> bool | None:
    """A UTC (``Z``) or local date and time in whole seconds, as the HPO's creation dates."""
    match = _DATE_TIME.fullmatch(v)
    if match is None:
        return None
    year, month, day, hour, minute, second = map(int, match.groups())
    return _day(year, month, day) if hour <= 23 and minute <= 59 and second <= 59 else None


def _any_uri(v: str) -> bool | None:
    if v == "" or _ABSOLUTE.fullmatch(v):
        return True
    return True if v[0] != "?" and _RELATIVE.fullmatch(v) else None


#: The datatypes checked here, by IRI: a check answering ``True`` (owlrl accepts), ``False`` (owlrl
#: rejects) or ``None`` (ask owlrl).
NATIVE: dict[str, Callable[[str], bool | None]] = {
    _XSD + "integer": _integer,
    _XSD + "string": lambda v: True,
    _XSD + "boolean": _boolean,
    _XSD + "decimal": _decimal,
    _XSD + "date": _date,
    _XSD + "dateTime": _date_time,
    _XSD + "anyURI": _any_uri,
    **{_XSD + name: _bounded(low, high) for name, (low, high) in LIMITS.items()},
}


def verdict(datatype: str, lexical: str) -> bool | None:
    """Whether owlrl accepts ``lexical`` as a ``datatype`` value; ``None`` when only owlrl can say."""
    check = NATIVE.get(datatype)
    return None if check is None else check(lexical)
