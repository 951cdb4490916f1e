"""Decision support has a time limit per request or batch (issue 23, finding 16).

Lists in a profile are bounded by the schema, but a batch is not: 1,000 profiles in one JSON Lines
request, or a file of any length on the command line. The deadline is checked between profiles
and between the steps of one, so the worker stops; the answer is HTTP 503 ``timeout`` with
``Retry-After`` (as a query's), and on the command line one line and exit 2 after the results so far.
The slow cases are slow by construction: more profiles than the limit leaves time for, or one step
made to sleep.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import PYTHON, subprocess_env

from milia_kg.decision import api
from milia_kg.decision.deadline import Deadline
from milia_kg.errors import ClassifyTimeoutError

pytest.importorskip("fastapi", reason="milia-kg serve needs the 'serve' extra (FastAPI, uvicorn)")

from fastapi.testclient import TestClient

from milia_kg.query.kg import KnowledgeGraph
from milia_kg.serve.app import create_app

#: A profile that meets secondary milia (written from the page: milia after a burn), with many sites.
PROFILE = {"age_years": 41, "sites": ["upper arm", "face", "nose", "cheek", "eyelid", "forehead"],
           "preceding_skin_damage": ["burn"]}
MESSAGE = "classification stopped: not finished within the time limit of {} s (--timeout)"


def client(seconds: float) -> TestClient:
    kg = KnowledgeGraph.open().with_limits(timeout=seconds, max_rows=10_000)
    return TestClient(create_app(kg), base_url="http://127.0.0.1")


def timeout_of(response: Any, seconds: float) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["retry-after"] == "1"
    assert response.json() == {"error": "timeout", "status": 503, "message": MESSAGE.format(seconds)}


def counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the profiles classified (api.classify calls) from now on."""
    calls = [0]
    original = api.classify

    def classify(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(api, "classify", classify)
    return calls


def test_deadline_is_checked_between_steps() -> None:
    assert api.classify(PROFILE, deadline=Deadline.start(30)).subtypes[0]["id"] == "mkg:SecondaryMilia"
    with pytest.raises(ClassifyTimeoutError) as caught:
        api.classify(PROFILE, deadline=Deadline.start(0))
    assert str(caught.value) == MESSAGE.format(0)
    results = api.classify_many([PROFILE] * 3, deadline=Deadline.start(0))
    with pytest.raises(ClassifyTimeoutError):
        next(results)


def test_a_jsonl_batch_past_the_limit_is_503_and_the_worker_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    served = client(0.05)
    served.post("/api/classify", json=PROFILE)  # warm: the graph and the prepared engine are loaded once
    calls = counting(monkeypatch)
    body = "\n".join([json.dumps(PROFILE)] * 1000).encode()  # about 0.3-1 s of work: more than 0.05 s
    started = time.monotonic()
    response = served.post("/api/classify", content=body, headers={"Content-Type": "application/x-ndjson"})
    timeout_of(response, 0.05)
    assert time.monotonic() - started < 5
    assert 0 < calls[0] < 1000  # stopped after the deadline, not left classifying the rest


def test_the_same_batch_within_the_limit_is_answered() -> None:
    body = "\n".join([json.dumps(PROFILE)] * 50).encode()
    response = client(30).post("/api/classify", content=body, headers={"Content-Type": "application/x-ndjson"})
    assert response.status_code == 200
    assert [json.loads(line)["subtypes"][0]["id"] for line in response.text.splitlines()] == ["mkg:SecondaryMilia"] * 50


def slow_reading(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Make reading a document (the first step of every classification) take ``seconds``."""
    from milia_kg.decision import documents

    original = documents.read

    def read(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        return original(*args, **kwargs)

    monkeypatch.setattr(documents, "read", read)


def test_one_slow_profile_is_503(monkeypatch: pytest.MonkeyPatch) -> None:
    served = client(0.3)
    slow_reading(monkeypatch, 0.6)
    started = time.monotonic()
    timeout_of(served.post("/api/classify", json=PROFILE), 0.3)
    assert time.monotonic() - started < 5


def test_a_slow_cds_hooks_call_is_503(monkeypatch: pytest.MonkeyPatch) -> None:
    served = client(0.3)
    slow_reading(monkeypatch, 0.6)
    request = {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
               "context": {"userId": "Practitioner/1", "patientId": "1288992", "caseProfile": PROFILE}}
    timeout_of(served.post("/cds-services/milia-kg-classify", json=request), 0.3)


def test_cli_jsonl_batch_stops_in_one_line_after_the_results_so_far(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join([json.dumps(PROFILE)] * 10_000) + "\n", encoding="utf-8")
    started = time.monotonic()
    done = subprocess.run([PYTHON, "-m", "milia_kg", "classify", "--jsonl", str(batch), "--timeout", "1"],
                          capture_output=True, text=True, timeout=120, env=subprocess_env())
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [f"milia-kg: error: {MESSAGE.format(1)}"]
    lines = done.stdout.splitlines()
    assert len(lines) < 10_000
    assert all(json.loads(line)["subtypes"][0]["id"] == "mkg:SecondaryMilia" for line in lines)
    assert time.monotonic() - started < 60


def test_cli_timeout_must_be_positive(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from milia_kg.cli import main

    profile = tmp_path / "p.json"
    profile.write_text(json.dumps(PROFILE), encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", str(profile), "--timeout", "0"])
    assert result.exit_code == 2
