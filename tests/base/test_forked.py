"""milia_kg.base.forked: a function run in a forked child, its answer or its error brought back."""

from __future__ import annotations

import os
import signal

import pytest

from milia_kg.base import forked
from milia_kg.errors import MiliaKGError, ParameterError


def _pid_and_sum(values: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(values)


def test_the_function_runs_in_another_process_and_its_result_comes_back() -> None:
    with forked.start(_pid_and_sum, [1, 2, 3]) as pending:
        pid, total = pending.result()
    assert pid != os.getpid() and total == 6


def _refuse(name: str) -> None:
    raise ParameterError("reasoner", name, "not a reasoner")


def test_an_exception_in_the_child_is_raised_by_result() -> None:
    with forked.start(_refuse, "hermit") as pending, pytest.raises(ParameterError, match="not a reasoner") as caught:
        pending.result()
    assert caught.value.value == "hermit"  # the exception itself, with its payload


class _Odd(Exception):
    def __init__(self, a: int, b: int) -> None:
        super().__init__(f"{a}/{b}")  # keeps one argument, takes two: does not unpickle


def _raise_odd() -> None:
    raise _Odd(1, 2)


def test_an_exception_that_cannot_travel_comes_back_as_its_text() -> None:
    with forked.start(_raise_odd) as pending, pytest.raises(MiliaKGError, match=r"_Odd: 1/2"):
        pending.result()


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_child_killed_without_an_answer_is_an_error() -> None:
    with forked.start(_die) as pending, pytest.raises(MiliaKGError, match=r"without an answer \(exit status -9\)"):
        pending.result()


def _sleep() -> None:
    import time

    time.sleep(60)


def test_leaving_the_block_stops_and_reaps_a_child_still_running() -> None:
    with forked.start(_sleep) as pending:
        pid = pending.pid
    assert pid is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no such child any more


def test_a_large_answer_passes_the_pipe() -> None:
    with forked.start(lambda: "x" * 1_000_000) as pending:
        assert pending.result() == "x" * 1_000_000
