"""Odd values in case profiles and Phenopackets (issue 23, findings 11 and 16): each is refused with
a :class:`CaseProfileError` naming the field, on the API, the CLI (one line, exit 2; ``--jsonl`` goes
on with the next line) and HTTP (400 on ``/api/classify``, an error line in JSON Lines, 400 on CDS
Hooks); never a traceback, an HTTP 500 or seconds of CPU."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from milia_kg.cli import main
from milia_kg.decision import api, render
from milia_kg.errors import CaseProfileError
from milia_kg.query.kg import KnowledgeGraph
from milia_kg.serve.app import create_app

PACKET = Path(__file__).parents[1] / "fixtures" / "phenopackets" / "neonatal-newborn.json"
TOO_BIG = "too large a number: not finite, or more than a double holds"


def _packet_aged(duration: str) -> str:
    packet = json.loads(PACKET.read_text())
    packet["subject"]["timeAtLastEncounter"]["age"]["iso8601duration"] = duration
    return json.dumps(packet)


#: id -> (profile JSON text, the full CaseProfileError message)
ODD = {
    "exponent-1e999": ('{"age_years": 1e999}', f"case profile: age_years: {TOO_BIG}"),
    "4001-digits": ('{"age_years": ' + "9" * 4001 + "}", f"case profile: age_years: {TOO_BIG}"),
    "negative-4001-digits": ('{"age_years": -' + "9" * 4001 + "}", f"case profile: age_years: {TOO_BIG}"),
    "5000-digits": ('{"age_years": ' + "1" * 5000 + "}", f"case profile: age_years: {TOO_BIG}"),
    "surrogate-site": ('{"sites": ["nose", "\\ud800"]}',
                       "case profile: sites[1]: not valid Unicode (lone surrogate \\ud800 at 0)"),
    "surrogate-id": ('{"id": "a\\udfff", "itchy": true}',
                     "case profile: id: not valid Unicode (lone surrogate \\udfff at 1)"),
    "surrogate-field-name": ('{"\\ud800": true}',
                             "case profile: \\ud800: field name not valid Unicode (lone surrogate \\ud800 at 0)"),
    "nested-200000": ("[" * 200_000 + "]" * 200_000, "case profile: nested deeper than 32 levels"),
    "nested-40-in-sites": ('{"sites": ' + "[" * 40 + "]" * 40 + "}",
                           "case profile: sites" + "[0]" * 31 + ": nested deeper than 32 levels"),
    "100000-sites": ('{"sites": [' + ",".join(['"nose"'] * 100_000) + "]}",
                     "case profile: sites: 100000 items; at most 1000 are taken"),
    "51-sites": ('{"sites": [' + ",".join(['"nose"'] * 51) + "]}",
                 "case profile: sites: ['nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose',"
                 " 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose',"
                 " 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose',"
                 " 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose', 'nose',"
                 " 'nose', 'nose', 'nose', 'nose', 'nose', 'nose'] is too long"),
    "long-site": ('{"sites": ["' + "n" * 201 + '"]}', f"case profile: sites[0]: '{'n' * 201}' is too long"),
    "six-damages": ('{"preceding_skin_damage": ["burn", "burn", "burn", "burn", "burn", "burn"]}',
                    "case profile: preceding_skin_damage: ['burn', 'burn', 'burn', 'burn', 'burn', 'burn']"
                    " is too long"),
    "phenopacket-400-nines-days": (
        _packet_aged("P" + "9" * 400 + "D"),
        "case profile: subject.timeAtLastEncounter.age.iso8601duration: "
        "'P999999999999999999999999999999999999...' is too long a duration for an age"),
    "phenopacket-20-nines-days": (
        _packet_aged("P" + "9" * 20 + "D"),
        "case profile: subject.timeAtLastEncounter.age.iso8601duration: "
        "'P99999999999999999999D' is too long a duration for an age"),
    "phenopacket-2000-features": (
        json.dumps({**json.loads(PACKET.read_text()),
                    "phenotypicFeatures": json.loads(PACKET.read_text())["phenotypicFeatures"] * 2000}),
        "case profile: phenotypicFeatures: 2000 items; at most 1000 are taken"),
}


@pytest.mark.parametrize("case", sorted(ODD))
def test_api_refuses_naming_the_field(case: str) -> None:
    text, message = ODD[case]
    started = time.process_time()
    with pytest.raises(CaseProfileError) as caught:
        api.classify(render.parse_profile(text))
    assert str(caught.value) == message
    assert time.process_time() - started < 5  # 100,000 sites cost 32-48 s of CPU before


def test_api_refuses_odd_python_values() -> None:
    """A caller of the API may pass what no JSON text gives: infinity, NaN, a huge integer."""
    for value in (float("inf"), float("-inf"), float("nan"), 10**400):
        with pytest.raises(CaseProfileError) as caught:
            api.classify({"age_years": value})
        assert str(caught.value) == f"case profile: age_years: {TOO_BIG}"


@pytest.mark.parametrize("case", sorted(ODD))
def test_cli_one_line_exit_2(case: str, tmp_path: Path) -> None:
    text, message = ODD[case]
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    result = CliRunner().invoke(main, ["classify", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [f"milia-kg: error: {message}"]


GOOD = {"age_years": 30, "sites": ["nose"]}


@pytest.mark.parametrize("case", sorted(c for c in ODD if len(ODD[c][0]) < 2**20 and "\n" not in ODD[c][0]))
def test_cli_jsonl_goes_on_after_an_odd_line(case: str, tmp_path: Path) -> None:
    text, message = ODD[case]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join([json.dumps(GOOD), text, json.dumps(GOOD)]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", "--jsonl", str(path)])
    assert result.exit_code == 2
    good = json.loads(render.to_json(api.classify(GOOD), None))
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        good, {"line": 2, "error": f"line 2: {message}"}, good]
    assert result.stderr.splitlines() == [f"milia-kg: error: line 2: {message}",
                                          f"milia-kg: error: case profile: 1 line(s) of {path} failed (see above)"]


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(KnowledgeGraph.open()), base_url="http://127.0.0.1")


def _error(response: object, status: int, kind: str) -> str:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) >= {"error", "message", "status"} and (body["error"], body["status"]) == (kind, status)
    return str(body["message"])


@pytest.mark.parametrize("case", sorted(c for c in ODD if len(ODD[c][0]) < 2**20))
def test_http_classify_400(client: TestClient, case: str) -> None:
    text, message = ODD[case]
    response = client.post("/api/classify", content=text.encode(), headers={"Content-Type": "application/json"})
    assert _error(response, 400, "bad_profile") == message


@pytest.mark.parametrize("case", sorted(c for c in ODD if len(ODD[c][0]) < 2**20 and "\n" not in ODD[c][0]))
def test_http_json_lines_answers_the_other_lines(client: TestClient, case: str) -> None:
    text, message = ODD[case]
    body = "\n".join([json.dumps(GOOD), text, json.dumps(GOOD)]).encode()
    response = client.post("/api/classify", content=body, headers={"Content-Type": "application/x-ndjson"})
    assert response.status_code == 200, response.text
    answers = [json.loads(line) for line in response.text.splitlines()]
    assert len(answers) == 3 and answers[0] == answers[2] and "subtypes" in answers[0]
    assert answers[1]["message"] == f"line 2: {message}" and answers[1]["status"] == 400


@pytest.mark.parametrize("case", sorted(c for c in ODD if len(ODD[c][0]) < 2**20 - 200))
def test_http_cds_hooks_400(client: TestClient, case: str) -> None:
    text, message = ODD[case]
    body = ('{"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", '
            '"context": {"caseProfile": ' + text + "}}")
    response = client.post("/cds-services/milia-kg-classify", content=body.encode(),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    if case == "nested-200000":
        assert _error(response, 400, "bad_cds_request") == "CDS Hooks request: nested deeper than 32 levels"
    elif case == "nested-40-in-sites":  # the request itself nests the profile 3 deep
        assert _error(response, 400, "bad_cds_request") == (
            "CDS Hooks request: context.caseProfile.sites" + "[0]" * 29 + ": nested deeper than 32 levels")
    else:
        field, reason = message.removeprefix("case profile: ").split(": ", 1)
        assert response.json()["message"] in (f"case profile: context.caseProfile.{field}: {reason}",
                                              f"CDS Hooks request: context.caseProfile.{field}: {reason}")


def _limited_child(code: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a child held to 1 GiB of address space beyond the interpreter and 60 s of CPU."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
        resource.setrlimit(resource.RLIMIT_CPU, (60, 60))

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          preexec_fn=limit)


def test_a_million_sites_bounded_in_a_limited_child() -> None:
    """The worst body the server takes (1 MiB) of sites: refused in well under the limits."""
    code = ("from milia_kg.decision import api, render\n"
            "from milia_kg.errors import CaseProfileError\n"
            "text = '{\"sites\": [' + ','.join(['\"x\"'] * 250_000) + ']}'\n"
            "try:\n    api.classify(render.parse_profile(text))\n"
            "except CaseProfileError as e:\n    print(e)\n")
    done = _limited_child(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "case profile: sites: 250000 items; at most 1000 are taken"
