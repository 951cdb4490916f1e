"""The ``#+`` YAML headers of ``queries/*.rq``: good ones load, malformed ones fail loudly."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import load_script

from milia_kg.base import resources
from milia_kg.errors import MiliaKGError, UnknownQueryError
from milia_kg.query import catalogue
from milia_kg.query.catalogue import (
    Param,
    load_catalogue,
    parse_query_file,
    render_markdown,
)
from milia_kg.query.sparql_text import select_variables, where_brace_offset

README = Path(__file__).resolve().parents[2] / "README.md"

SITE_QUERY = """\
#+ summary: Which conditions appear at a site?
#+ description: >
#+   Folded description
#+   over two lines.
#+ params:
#+   - name: site
#+     type: label-or-IRI
#+     required: true
#+     description: an anatomical site
#+   - name: strict
#+     type: boolean
#+ columns: [condition, site]
#+ example: [site=face, strict=true]
PREFIX mkg: <https://w3id.org/milia-kg/>
SELECT ?condition ?site WHERE { ?condition mkg:hasSite ?site . FILTER(!BOUND(?strict) || ?strict) }
"""

GOOD = {
    "minimal-ask": ("#+ summary: Anything?\nASK { ?s ?p ?o }\n", {"form": "ASK", "columns": ()}),
    "no-columns-given": (
        "#+ summary: s\nSELECT ?a ?b WHERE { ?a ?p ?b }",
        {"columns": ("a", "b")},
    ),
    "full": (
        SITE_QUERY,
        {
            "description": "Folded description over two lines.",
            "params": (
                Param("site", "label-or-IRI", True, "an anatomical site"),
                Param("strict", "boolean", False, ""),
            ),
            "columns": ("condition", "site"),
            "example": (("site", "face"), ("strict", "true")),
        },
    ),
    "param-with-variable": (
        "#+ summary: s\n#+ params: [{name: population, variable: target, type: label-or-IRI}]\n"
        "#+ columns: [population]\n"
        "SELECT ?population WHERE { ?a ?p ?population FILTER(!BOUND(?target) || ?population = ?target) }",
        {"params": (Param("population", "label-or-IRI", False, "", "target"),)},
    ),
    "example-mapping": (
        "#+ summary: s\n#+ params: [{name: x, type: string}]\n#+ example: {x: 3}\n"
        "SELECT ?x WHERE { ?s ?p ?x }",
        {"example": (("x", "3"),)},
    ),
    "plain-comments-and-blank-lines": (
        "\n# A plain comment.\n#+ summary: s\n\n#+ columns: [n]\n# trailing note\n"
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        {"columns": ("n",), "summary": "s"},
    ),
    "aggregate-and-expressions": (
        '#+ summary: s\n#+ columns: [s, names]\nSELECT ?s (GROUP_CONCAT(?n; separator=", ") AS ?names)'
        " WHERE { ?s ?p ?n } GROUP BY ?s",
        {"columns": ("s", "names")},
    ),
}


@pytest.mark.parametrize("text, expected", GOOD.values(), ids=GOOD.keys())
def test_good_header(tmp_path: Path, text: str, expected: dict) -> None:
    path = tmp_path / "my_query.rq"
    path.write_text(text, encoding="utf-8")
    query = parse_query_file(path)
    assert query.name == "my_query"
    assert query.text == text
    for attribute, value in expected.items():
        assert getattr(query, attribute) == value


BAD = {
    "bad-yaml": ("#+ summary: s\n#+ description: who (none: all)\nASK {}",
                 "header is not valid YAML (header line 2): mapping values are not allowed"),
    "bad-yaml-indentation": ("#+ summary: s\n#+  params:\nASK {}", "not valid YAML"),
    "yaml-not-mapping": ("#+ - just a list\nASK {}", "no '#+' YAML header"),
    "no-header": ("ASK { ?s ?p ?o }", "no '#+' YAML header"),
    "missing-summary": ("#+ description: no summary\nASK {}", "no 'summary'"),
    "empty-summary": ("#+ summary: ''\nASK {}", "no 'summary'"),
    "unknown-key": ("#+ summary: s\n#+ endpoint: http://x\nASK {}", "unknown header key(s) endpoint"),
    "param-without-name": (
        "#+ summary: s\n#+ params: [{type: string}]\nASK { ?x ?p ?o }", "without a valid 'name'"
    ),
    "param-without-type": (
        "#+ summary: s\n#+ params: [{name: x}]\nASK { ?x ?p ?o }", "has type None"
    ),
    "param-bad-type": (
        "#+ summary: s\n#+ params: [{name: x, type: integer}]\nASK { ?x ?p ?o }", "has type 'integer'"
    ),
    "param-unknown-key": (
        "#+ summary: s\n#+ params: [{name: x, type: string, default: 1}]\nASK { ?x ?p ?o }",
        "unknown key(s) default",
    ),
    "param-not-a-list": ("#+ summary: s\n#+ params: {name: x}\nASK { ?x ?p ?o }", "must be a list"),
    "param-required-not-bool": (
        "#+ summary: s\n#+ params: [{name: x, type: string, required: maybe}]\nASK { ?x ?p ?o }",
        "'required' must be true or false",
    ),
    "param-twice": (
        "#+ summary: s\n#+ params: [{name: x, type: string}, {name: x, type: string}]\n"
        "ASK { ?x ?p ?o }",
        "declared twice",
    ),
    "param-not-in-query": (
        "#+ summary: s\n#+ params: [{name: site, type: string}]\nASK { ?x ?p ?o }",
        "'site': ?site is not a variable of the query",
    ),
    "param-only-in-comment": (
        "#+ summary: s\n#+ params: [{name: site, type: string}]\nASK { ?x ?p ?o } # ?site",
        "'site': ?site is not a variable of the query",
    ),
    "param-variable-not-in-query": (
        "#+ summary: s\n#+ params: [{name: site, variable: where, type: string}]\nASK { ?site ?p ?o }",
        "'site': ?where is not a variable of the query",
    ),
    "param-variable-invalid": (
        "#+ summary: s\n#+ params: [{name: site, variable: '?x }', type: string}]\nASK { ?x ?p ?o }",
        "invalid 'variable'",
    ),
    "params-bind-one-variable": (
        "#+ summary: s\n#+ params: [{name: a, variable: x, type: string}, {name: b, variable: x, type: string}]\n"
        "ASK { ?x ?p ?o }",
        "two parameters bind the variable ?x",
    ),
    "columns-mismatch": (
        "#+ summary: s\n#+ columns: [a, c]\nSELECT ?a ?b WHERE { ?a ?p ?b }",
        "columns [a, c] do not match the SELECT variables [a, b]",
    ),
    "columns-order": (
        "#+ summary: s\n#+ columns: [b, a]\nSELECT ?a ?b WHERE { ?a ?p ?b }",
        "do not match",
    ),
    "columns-of-expression-variable": (
        "#+ summary: s\n#+ columns: [s, n]\nSELECT ?s (COUNT(?n) AS ?count) WHERE { ?s ?p ?n } GROUP BY ?s",
        "do not match the SELECT variables [s, count]",
    ),
    "columns-on-ask": ("#+ summary: s\n#+ columns: [a]\nASK { ?a ?p ?o }", "'columns' given for a ASK"),
    "columns-not-list": ("#+ summary: s\n#+ columns: a\nSELECT ?a WHERE { ?a ?p ?o }", "must be a list"),
    "select-star": ("#+ summary: s\nSELECT * WHERE { ?a ?p ?o }", "not SELECT *"),
    "example-undeclared": (
        "#+ summary: s\n#+ example: [site=face]\nASK { ?site ?p ?o }", "undeclared parameter 'site'"
    ),
    "example-not-key-value": (
        "#+ summary: s\n#+ params: [{name: x, type: string}]\n#+ example: [face]\nASK { ?x ?p ?o }",
        "is not 'key=value'",
    ),
    "header-after-query": ("#+ summary: s\nASK {\n#+ columns: []\n}", ":3: header line '#+' after"),
    "not-a-query": ("#+ summary: s\nINSERT DATA { <a:b> <a:c> <a:d> }", "not a SPARQL query"),
    "construct-where-with-params": (
        "#+ summary: s\n#+ params: [{name: s, type: string}]\nCONSTRUCT WHERE { ?s ?p ?o }",
        "CONSTRUCT WHERE short form",
    ),
}


@pytest.mark.parametrize("text, message", BAD.values(), ids=BAD.keys())
def test_malformed_header_fails_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "broken.rq"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MiliaKGError) as info:
        parse_query_file(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_malformed_file_fails_the_whole_catalogue(tmp_path: Path) -> None:
    (tmp_path / "good.rq").write_text("#+ summary: s\nASK {}", encoding="utf-8")
    (tmp_path / "bad.rq").write_text("#+ summary: s\n#+ colour: red\nASK {}", encoding="utf-8")
    with pytest.raises(MiliaKGError, match=r"bad\.rq: unknown header key\(s\) colour"):
        load_catalogue(tmp_path)


def test_checks_subfolder_is_not_part_of_the_catalogue(tmp_path: Path) -> None:
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "x-violation.rq").write_text("SELECT ?s WHERE { ?s ?p ?o }", encoding="utf-8")
    (tmp_path / "one.rq").write_text("#+ summary: s\nASK {}", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a query", encoding="utf-8")
    assert list(load_catalogue(tmp_path)) == ["one"]


def test_unknown_query_lists_close_matches(tmp_path: Path) -> None:
    for name in ("subtypes", "synonyms", "sources"):
        (tmp_path / f"{name}.rq").write_text("#+ summary: s\nASK {}", encoding="utf-8")
    with pytest.raises(UnknownQueryError, match="did you mean: subtypes") as info:
        catalogue.get_query("subtype", tmp_path)
    assert isinstance(info.value, KeyError)


@pytest.mark.parametrize(
    "text, variables",
    [
        ("SELECT ?a $b WHERE { ?a ?p ?b }", ("a", "b")),
        ("select distinct ?a (str(?b) as ?c) { ?a ?p ?b }", ("a", "c")),
        ("PREFIX x: <http://e.org/select?q=1> SELECT ?a FROM <http://g> WHERE { ?a ?p ?o }", ("a",)),
        ("SELECT (IF(?a < 3, 'x ?y', \"?z\") AS ?w) ?v WHERE {}", ("w", "v")),
        ("# SELECT ?nope\nSELECT ?yes WHERE {}", ("yes",)),
        ("SELECT ?a (EXISTS { ?a ?p ?o } AS ?e) WHERE {}", ("a", "e")),
        ("SELECT * WHERE { ?a ?p ?o }", None),
    ],
)
def test_select_variables(text: str, variables: tuple | None) -> None:
    assert select_variables(text) == variables


@pytest.mark.parametrize(
    "text, before",
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", "SELECT ?s WHERE {"),
        ("SELECT ?s where{ ?s ?p ?o }", "SELECT ?s where{"),
        ("SELECT ?s { ?s ?p ?o }", "SELECT ?s {"),
        ("ASK { ?s ?p ?o }", "ASK {"),
        ("SELECT ?s (EXISTS { ?s ?p ?o } AS ?e) { ?s ?p ?o }", "SELECT ?s (EXISTS { ?s ?p ?o } AS ?e) {"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } WHERE {"),
        ("CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } {"),
        ('# WHERE {\nSELECT ?s WHERE { ?s ?p "WHERE {" }', '# WHERE {\nSELECT ?s WHERE {'),
        ("PREFIX where: <http://e.org/> SELECT ?s WHERE { ?s where: ?o }",
         "PREFIX where: <http://e.org/> SELECT ?s WHERE {"),
        ('SELECT ?s WHERE { ?s ?p """a } b""" }', "SELECT ?s WHERE {"),
    ],
)
def test_where_brace_offset(text: str, before: str) -> None:
    assert text[: where_brace_offset(text)] == before


# ----------------------------------------------------------------------------- the real catalogue


#: The catalogue's query names, from the file names alone, so that one malformed header
#: fails its own test instead of the collection of this module.
NAMES = sorted(resources.query_files())


def test_real_catalogue_is_not_empty() -> None:
    assert NAMES, "no queries in queries/*.rq"


@pytest.mark.parametrize("name", NAMES)
def test_real_header_is_well_formed(name: str) -> None:
    query = parse_query_file(resources.query_files()[name])
    assert query.name == name
    assert query.form == "SELECT", f"{name}: catalogue queries answer with rows"
    declared = {p.name for p in query.params}
    assert {k for k, _ in query.example} <= declared
    missing = {p.name for p in query.params if p.required} - {k for k, _ in query.example}
    assert not missing, f"{name}: the example must give the required parameters {missing}"


@pytest.mark.parametrize("name", NAMES)
def test_columns_agree_with_rdflib_parser(name: str) -> None:
    """The lexer's view of the projection equals the SPARQL algebra's."""
    from rdflib.plugins.sparql import prepareQuery

    query = parse_query_file(resources.query_files()[name])
    algebra = prepareQuery(query.text).algebra
    assert tuple(str(v) for v in algebra["PV"]) == query.columns


def test_readme_catalogue_is_generated_from_the_headers() -> None:
    if not README.is_file():
        pytest.skip("README.md does not exist yet")
    section = catalogue.readme_section(README.read_text(encoding="utf-8"))
    if section is None:
        pytest.skip(f"README.md has no {catalogue.README_START} ... {catalogue.README_END} section")
    assert section == render_markdown(), (
        "README's query catalogue differs from the .rq headers; "
        "run: python scripts/catalogue_readme.py --write-readme"
    )


def test_write_readme_regenerates_the_section(tmp_path: Path) -> None:
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "a_query.rq").write_text(
        "#+ summary: What | why?\n#+ params: [{name: x, type: string, description: an x}]\n"
        "#+ example: [x=it is]\nSELECT ?x WHERE { ?s ?p ?x }",
        encoding="utf-8",
    )
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# Title\n\n{catalogue.README_START}\nstale\n{catalogue.README_END}\n\nAfter.\n",
        encoding="utf-8",
    )
    args = ["--readme", str(readme), "--queries", str(tmp_path / "q")]
    assert load_script("catalogue_readme").main([*args, "--check"]) == 1
    assert load_script("catalogue_readme").main([*args, "--write-readme"]) == 0
    assert load_script("catalogue_readme").main([*args, "--check"]) == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\n") and text.endswith("\n\nAfter.\n")
    assert "| `a_query` | What \\| why? | `x` (string, optional): an x | x |" in text
    assert "`milia-kg query a_query --param 'x=it is'`" in text


def test_write_readme_without_markers_is_an_error(tmp_path: Path, capsys) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n", encoding="utf-8")
    (tmp_path / "one.rq").write_text("#+ summary: s\nASK {}", encoding="utf-8")
    assert load_script("catalogue_readme").main(["--readme", str(readme), "--queries", str(tmp_path), "--write-readme"]) == 2
    assert "milia-kg: error: README has no" in capsys.readouterr().err
