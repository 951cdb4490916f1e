"""Classify what an EHR sends in a CDS Hooks call: the FHIR R4 prefetch, read by :mod:`.fhir` into a case
profile and classified like any other, with what could not be used and the inherited-disorder evidence
carried into the result.  A prefetch that records no milia answers "not recorded", never an error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from milia_kg.decision import api, fhir, inherited
from milia_kg.decision.deadline import Deadline
from milia_kg.reasoner import DEFAULT_REASONER

__all__ = ["classify_prefetch"]


def classify_prefetch(
    prefetch: dict[str, Any], patient_id: str | None, today: dt.date | None = None,
    reasoner: str = DEFAULT_REASONER, case_id: str | None = None, deadline: Deadline | None = None,
) -> api.Result:
    """The decision-support result for a CDS Hooks ``prefetch`` (FHIR R4 resources).

    :param today: the day of the call (the age is counted to it); default: today in UTC.
    :param deadline: the request's time limit, checked before each step.
    :raises CaseProfileError: only when the profile read from valid FHIR still breaks the profile schema.
    :raises ClassifyTimeoutError: past the ``deadline``.
    """
    if deadline is not None:
        deadline.check()
    graph = api.graph(reasoner)
    day = today or dt.datetime.now(dt.UTC).date()
    case = fhir.read_prefetch(prefetch, patient_id, day, *fhir.graph_checks(graph.holds, graph.resolve))
    if not case.milia:
        return api.not_recorded(case_id, case.ignored, "no Condition in the prefetch records milia")
    profile = {**({"id": case_id} if case_id else {}), **case.profile}
    result = api.classify(profile, reasoner, deadline)
    return result.replace(ignored=case.ignored + result.ignored,
                          to_consider=inherited.attach(result.to_consider, case.evidence))
