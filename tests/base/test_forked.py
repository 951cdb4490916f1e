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


# ---------------------------------------------------------------- start_fed: inputs sent after the fork


def _add_what_comes(inbox: forked.Inbox, start: int) -> tuple[int, int, list[str]]:
    first, second = inbox.get()
    (third,) = inbox.get()
    try:
        inbox.get()
    except EOFError as error:  # result() closed the feed: nothing more comes
        ended = [str(error)]
    return os.getpid(), start + first + second + len(third), ended


def test_a_fed_child_reads_what_is_sent_in_order() -> None:
    with forked.start_fed(_add_what_comes, 100) as fed:
        fed.send(1, 2)
        fed.send("x" * 3_000_000)  # more than the pipe holds: the child reads while it is written
        pid, total, ended = fed.result()
    assert pid != os.getpid() and total == 3_000_103 and ended == ["the parent stopped sending"]


def _refuse_at_once(inbox: forked.Inbox) -> None:
    raise ParameterError("reasoner", "hermit", "not a reasoner")


def test_sending_to_a_fed_child_that_failed_is_quiet_and_result_raises_its_error() -> None:
    with forked.start_fed(_refuse_at_once) as fed:
        assert fed.pid is not None
        os.waitid(os.P_PID, fed.pid, os.WEXITED | os.WNOWAIT)  # it has ended (not reaped): no reader
        fed.send("x" * 2_000_000)
        with pytest.raises(ParameterError, match="not a reasoner"):
            fed.result()


def _wait_for_input(inbox: forked.Inbox) -> str:
    try:
        inbox.get()
    except EOFError:
        return "nothing came"
    return "something came"


def test_collecting_a_fed_child_that_waits_ends_its_wait() -> None:
    with forked.start_fed(_wait_for_input) as fed:
        assert fed.result() == "nothing came"


def test_leaving_the_block_stops_a_fed_child_that_waits() -> None:
    with forked.start_fed(_wait_for_input) as fed:
        pid = fed.pid
    assert pid is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
