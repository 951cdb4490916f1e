"""The JSON path an error names (milia_kg.decision.json_input.check_values): written out only for the
value at fault, as ``field.key[index]``, keys made printable and a Python caller's non-string key shown."""

from __future__ import annotations

from typing import Any

import pytest

from milia_kg.decision.json_input import check_values
from milia_kg.errors import CaseProfileError


@pytest.mark.parametrize(("value", "field", "path"), [
    ({"sites": ["nose", "x" * 10_001]}, "", "sites[1]"),
    ({"a": {"b": [1, {"c": float("nan")}]}}, "", "a.b[1].c"),
    ({"a": {"b": [1, {"c": float("nan")}]}}, "profile", "profile.a.b[1].c"),
    ({3: {"k": [None, [[float("inf")]]]}}, "", "3.k[1][0][0]"),
    ({"a": [{"b\udc80": 1}]}, "", "a[0].b\\udc80"),
    ({"": {"": [float("-inf")]}}, "p", "p..[0]"),
])
def test_error_names_the_path(value: Any, field: str, path: str) -> None:
    with pytest.raises(CaseProfileError) as raised:
        check_values(value, field)
    assert raised.value.field == path


def test_valid_values_pass() -> None:
    check_values({"sites": ["nose", "cheek"], "age_years": 3.5, "itchy": None, "nested": [[{"a": True}]]})
