"""The fast engine's own lexical checks give owlrl's verdict (issue 22: reasoning need not import
owlrl and rdflib for the common datatypes): where they answer, owlrl answers the same."""

from __future__ import annotations

import subprocess

import pytest
from conftest import PYTHON, subprocess_env
from owlrl.DatatypeHandling import AltXSDToPYTHON

from milia_kg.reasoner import _lexical

XSD = "http://www.w3.org/2001/XMLSchema#"

#: Values around each rule: signs, fractions, exponents, blanks, underscores, limits, odd days, schemes.
SAMPLES = [
    "", " ", "0", "1", "-1", "+1", "01", " 7 ", "1_000", "1__0", "١٢", "12a", "0x10", "1e3", "1E3", "1.", ".5",
    "-.5", "+0.0", "3.14", "1.2.3", "--1", "+", ".", "NaN", "inf", "-0", "true", "false", "TRUE", "False", "yes",
    "127", "128", "-128", "-129", "255", "256", "32767", "32768", "-32769", "2147483647", "2147483648",
    "-2147483649", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808",
    "-9223372036854775809", "18446744073709551615", "18446744073709551616",
    "2018-10-22", "2018-02-29", "2020-02-29", "1900-02-29", "2000-02-29", "0000-01-01", "0001-01-01",
    "2018-13-01", "2018-00-10", "2018-1-5", "2018-10-22Z", "2018-10-22+02:00", "20181022", "9999-12-31",
    "2018-04-31", "2018-10-32", "2018-10-00",
    "2008-02-27T02:20:00Z", "2008-02-27T02:20:00", "2008-02-27T24:00:00Z", "2008-02-27T23:59:60Z",
    "2008-02-27T23:60:00", "2008-02-30T02:20:00Z", "2008-02-27T02:20:00.5Z", "2008-02-27T02:20:00+02:00",
    "2008-02-27T02:20:00-05:00", "2008-02-27T2:20:00", "2008-02-27 02:20:00", "0000-01-01T00:00:00",
    "http://example.org/a?b#c", "https://w3id.org/milia-kg/", "urn:isbn:0451450523", "mailto:a@b.org",
    "http://[::1]/", "http://[::1", "//[x", "a/b", "?q", ":x", "%2F", "%zz", "%", "a b", "a%20b",
    "relative/path.ttl", "#frag", "x:", "1a:b", "http://ex.org/é",
]


def _owlrl_accepts(datatype: str, value: str) -> bool:
    check = {str(k): v for k, v in AltXSDToPYTHON.items()}[datatype]
    try:
        check(value)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("datatype", sorted(_lexical.NATIVE))
def test_native_verdicts_are_owlrls(datatype: str) -> None:
    wrong = {v: (answer, _owlrl_accepts(datatype, v)) for v in SAMPLES
             if (answer := _lexical.verdict(datatype, v)) is not None and answer != _owlrl_accepts(datatype, v)}
    assert wrong == {}


def test_limits_are_owlrls() -> None:
    import owlrl.DatatypeHandling as handling

    assert {name: tuple(getattr(handling, f"_limits_{name}")) for name in _lexical.LIMITS} == _lexical.LIMITS


def test_the_sure_cases_are_answered_here() -> None:
    """The forms the project and the benchmark graphs use need no owlrl; the doubtful ones go to it."""
    assert [_lexical.verdict(XSD + "decimal", v) for v in ("40", "-3.5", "1e3", "abc")] == [True, True, None, None]
    assert [_lexical.verdict(XSD + "date", v) for v in ("2018-10-22", "2018-02-30", "2018-10-22Z")] == [True, None, None]
    assert _lexical.verdict(XSD + "dateTime", "2008-02-27T02:20:00Z") is True  # the HPO's creation dates
    assert _lexical.verdict(XSD + "anyURI", "https://my.clevelandclinic.org/health/diseases/21706-milia") is True
    assert [_lexical.verdict(XSD + "int", v) for v in ("12", "2147483648", "x")] == [True, False, False]
    assert _lexical.verdict(XSD + "gYear", "2018") is None  # not one of the RL datatypes checked here


def test_reasoning_with_common_typed_literals_imports_neither_owlrl_nor_rdflib() -> None:
    code = """
import sys
import pyoxigraph as ox
from milia_kg.reasoner.fast import reason
X = "http://www.w3.org/2001/XMLSchema#"
p, a = ox.NamedNode("http://example.org/p"), ox.NamedNode("http://example.org/a")
values = [("40", "decimal"), ("2018-10-22", "date"), ("7", "integer"), ("300", "byte"), ("http://x.org/", "anyURI")]
result = reason([(a, p, ox.Literal(v, datatype=ox.NamedNode(X + t))) for v, t in values], terms="oxigraph")
print(len(result.errors), sorted(m for m in ("owlrl", "rdflib") if m in sys.modules))
"""
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, env=subprocess_env(), check=True)
    assert done.stdout.split() == ["1", "[]"]  # "300" is no xsd:byte
