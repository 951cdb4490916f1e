"""Vocabulary discovery: ``milia-kg values PARAM [--query NAME]``, ``milia-kg queries NAME``, and a
value of another category refused with its category named (milia_kg/query/discovery.py).

Expected values are written from the seed page: the kinds of milia it names, baby acne (which it
contrasts with neonatal milia) and the inherited disorder juvenile milia is linked to."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner, Result

from milia_kg import cli
from milia_kg.errors import ParameterError
from milia_kg.query.catalogue import load_catalogue
from milia_kg.query.discovery import PARAM_CATEGORIES, accepted_values, query_help
from milia_kg.query.kg import KnowledgeGraph

#: The conditions: (CURIE, label) of every kind of mkg:Condition, by label.
CONDITIONS = [
    ("mkg:BabyAcne", "baby acne"),
    ("mkg:InheritedDisorder", "inherited disorder"),
    ("mkg:JuvenileMilia", "juvenile milia"),
    ("mkg:LinkedToInheritedDisorder", "linked to an inherited disorder"),
    ("mkg:Milia", "milia"),
    ("mkg:MiliaEnPlaque", "milia en plaque"),
    ("mkg:MultipleEruptiveMilia", "multiple eruptive milia"),
    ("mkg:NeonatalMilia", "neonatal milia"),
    ("mkg:NotAssociatedWithSkinDamage", "not associated with damage to the skin"),
    ("mkg:OccursInInfant", "occurring in an infant"),
    ("mkg:PrimaryMilia", "primary milia"),
    ("mkg:SecondaryMilia", "secondary milia"),
]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli.main, list(args))


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.open()


def test_condition_values_are_the_conditions(kg: KnowledgeGraph) -> None:
    values = accepted_values(kg, "condition")
    assert [(r.curie, r.label) for r in values.rows] == CONDITIONS
    assert values.category == "mkg:Condition (condition)"
    milia = next(r for r in values.rows if r.curie == "mkg:Milia")
    assert milia.synonyms == "milium, milk spot, oil seed"
    assert "body_sites" in values.queries and "treatments" in values.queries


def test_site_values_are_sites_only(kg: KnowledgeGraph) -> None:
    rows = accepted_values(kg, "site", "conditions_at_site").rows
    labels = {r.label for r in rows}
    assert {"face", "eyelid", "nose", "cheek", "forehead", "genitals"} <= labels
    assert not labels & {label for _, label in CONDITIONS}
    assert ("UBERON:0001711", "eyelid", "eyelids") in [(r.curie, r.label, r.synonyms) for r in rows]
    assert ("UBERON:0003822", "forelimb stylopod", "upper arm, upper arms") in [(r.curie, r.label, r.synonyms) for r in rows]
    assert not [r.curie for r in rows if r.curie.startswith("mkg:") and r.label.startswith("obsolete")]  # issue 20


def test_boolean_and_text_parameters(kg: KnowledgeGraph) -> None:
    assert [r.curie for r in accepted_values(kg, "general").rows] == ["true", "false"]
    text = accepted_values(kg, "prefix", "mappings")
    assert (text.kind, text.rows) == ("string", [])


@pytest.mark.parametrize(("param", "query", "message"), [
    ("colour", None, "parameter 'colour' = None: no query has such a parameter; expected one of: condition,"),
    ("site", "subtypes", "parameter 'site' = None: query 'subtypes' has no such parameter"),
])
def test_unknown_parameter(kg: KnowledgeGraph, param: str, query: str | None, message: str) -> None:
    with pytest.raises(ParameterError) as info:
        accepted_values(kg, param, query)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(("query", "params", "message"), [
    ("body_sites", {"condition": "newborn"},
     "parameter 'condition' = 'newborn': mkg:Newborn (newborn) is a population, not a condition; "
     "see 'milia-kg values condition' for the accepted values"),
    ("conditions_at_site", {"site": "milia"},
     "parameter 'site' = 'milia': mkg:Milia (milia) is a condition, not an anatomical site; "
     "see 'milia-kg values site' for the accepted values"),
    ("populations", {"condition": "mkg:Face"},
     "parameter 'condition' = 'mkg:Face': UBERON:0001456 (face) is an anatomical site, not a condition"),
])
def test_a_value_of_another_category_is_an_error_naming_it(kg: KnowledgeGraph, query: str, params: dict,
                                                           message: str) -> None:
    with pytest.raises(ParameterError) as info:
        kg.run(query, **params)
    assert str(info.value).startswith(message)


def test_suggestions_come_from_the_parameters_category(kg: KnowledgeGraph) -> None:
    """"nos" is close to the nose (a site); as a condition, no site may be suggested."""
    with pytest.raises(ParameterError) as info:
        kg.run("conditions_at_site", site="nos")
    assert "nose" in info.value.candidates
    with pytest.raises(ParameterError) as info:
        kg.run("body_sites", condition="nos")
    assert "nose" not in info.value.candidates
    assert set(info.value.candidates) <= {label for _, label in CONDITIONS} | {"milium", "milk spot", "oil seed"}


def test_values_in_the_category_still_resolve(kg: KnowledgeGraph) -> None:
    rows = kg.run("body_sites", condition="milium", inherit="false").rows
    assert {r["condition"] for r in rows} == {"https://w3id.org/milia-kg/Milia"}


def test_every_categorised_parameter_has_its_category_in_the_graph(kg: KnowledgeGraph) -> None:
    from milia_kg.query.discovery import Categories

    categories = Categories(kg.backend)
    for name, category in PARAM_CATEGORIES.items():
        assert categories.members(category), name
        assert any(p.name == name for q in kg.queries() for p in q.params), name


# ----------------------------------------------------------------------------- the command line


def test_values_command_table() -> None:
    result = run("values", "condition", "--query", "body_sites")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ("condition (body_sites): 12 accepted values, kinds of mkg:Condition (condition); "
                        "give a CURIE, label or synonym")
    assert lines[1].split() == ["value", "label", "synonyms"]
    assert [line.split()[0] for line in lines[3:]] == [c for c, _ in CONDITIONS]


def test_values_command_json() -> None:
    result = run("values", "population", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["category"] == "mkg:Population (population)"
    assert {"curie": "mkg:Newborn", "label": "newborn", "synonyms": "neonate, newborns"} in data["values"]


@pytest.mark.parametrize(("args", "fragment"), [
    (("values", "colour"), "no query has such a parameter"),
    (("values", "site", "--query", "nosuch"), "nosuch"),
    (("query", "body_sites", "--param", "condition=newborn"), "is a population, not a condition"),
    (("queries", "nosuch"), "nosuch"),
])
def test_discovery_errors_are_one_line(args: tuple[str, ...], fragment: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("milia-kg: error: ") and fragment in lines[0]


def test_queries_name_shows_one_query_whole() -> None:
    query = load_catalogue()["conditions_at_site"]
    result = run("queries", "conditions_at_site")
    assert result.exit_code == 0, result.output
    assert result.stdout == query_help(query) + "\n"
    assert result.stdout.startswith(f"conditions_at_site: {query.summary}\n")
    assert "  site: a label, synonym, CURIE or IRI of a mkg:AnatomicalSite (list them: milia-kg values site " \
           "--query conditions_at_site)" in result.stdout
    assert result.stdout.rstrip("\n").endswith(query.text.rstrip("\n"))
    data = json.loads(run("queries", "conditions_at_site", "--format", "json").stdout)
    assert (data["name"], data["sparql"]) == ("conditions_at_site", query.text)


def test_cli_group_has_the_commands() -> None:
    assert {"values", "queries"} <= set(cli.main.commands)
    assert isinstance(cli.main.commands["values"], click.Command)
