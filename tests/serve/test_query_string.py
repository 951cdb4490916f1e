"""The fast query-string reader gives exactly urllib's pairs (milia_kg/serve/query_string.py)."""

from __future__ import annotations

import urllib.parse

import pytest

from milia_kg.serve.query_string import parse_pairs, unquote

TRICKY = [
    "",
    "&",
    "a",
    "a=",
    "=b",
    "a=1&a=2&&b",
    "query=SELECT+%3Fs+WHERE+%7B%3Fs+%3Fp+%22caf%C3%A9%22%40fr%7D",
    "q=%5C%22a%5Cnb%5C%22",          # escaped backslashes stay backslashes
    "q=a\\x41b",                      # a raw backslash in the URL stays as written
    "q=100%",                         # a '%' at the end
    "q=%4",                           # one hex digit
    "q=%zz%41",                       # not hex, then an escape
    "q=%%41",
    "q=%C3",                          # a truncated UTF-8 sequence: replaced
    "q=%FF%FE",
    "q=%e2%9c%93+lower+case+hex",
    "q=a%3Db=c",                      # '=' escaped and raw in a value
    "q=caf\u00e9%20x",                # raw non-ASCII (as Latin-1 from the wire)
    "%71%75ery=ASK%7B%7D",            # an escaped name
    "q=%00%0A%0D%09",
    "q=+%2B+",
]


@pytest.mark.parametrize("text", TRICKY)
def test_pairs_are_parse_qsl(text: str) -> None:
    expected = urllib.parse.parse_qsl(text, keep_blank_values=True)
    assert parse_pairs(text) == expected
    assert parse_pairs(text.encode("latin-1")) == expected


def test_query_read_as_written() -> None:
    url = urllib.parse.urlencode({"query": 'SELECT ?x WHERE { ?x rdfs:label "milia"@en } # 100%\n', "format": "json"})
    assert parse_pairs(url.encode()) == [("query", 'SELECT ?x WHERE { ?x rdfs:label "milia"@en } # 100%\n'),
                                         ("format", "json")]


def test_unquote_keeps_what_is_not_an_escape() -> None:
    assert unquote("%41%4a%5C%5c") == "AJ\\\\"
    assert unquote("50%25 of %") == "50% of %"
    assert unquote("no escapes") == "no escapes"
