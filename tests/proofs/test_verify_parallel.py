"""verify runs CrossHair beside the other checks; the summary keeps the checks' order."""

from __future__ import annotations

import functools
import io
import os
import threading

import pytest
from rich.console import Console

from tidegate.proofs import verify
from tidegate.proofs.core import Check, CheckContext, CheckResult, Profile, Verdict
from tidegate.proofs.crosshair.check import check_crosshair
from tidegate.proofs.explore.check import exploration_checks
from tidegate.proofs.explore.search import Bounds
from tidegate.proofs.recordings.check import check_recordings


def _checks() -> list[Check]:
    return [
        functools.partial(check_recordings, "model"),
        *exploration_checks(Profile.QUICK, bounds=(Bounds(1, 1, 3, 2), Bounds(4, 8, 12, 4))),
        functools.partial(check_recordings, "impl"),
    ]


def _run(parallel: bool) -> tuple[list[str], str]:
    out = io.StringIO()
    console = Console(file=out, width=200)
    ctx = CheckContext(Profile.QUICK, 0, console)
    results = verify.run_checks(_checks(), ctx, parallel)
    assert all(r.verdict is Verdict.PASS for r in results)
    return [r.name for r in results], out.getvalue()


def test_crosshair_is_what_runs_elsewhere() -> None:
    assert verify.runs_elsewhere(check_crosshair)
    assert not verify.runs_elsewhere(functools.partial(check_recordings, "model"))


def test_background_checks_keep_their_place_in_the_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The recordings checks stand in for CrossHair: real checks, quick ones.
    monkeypatch.setattr(verify, "ELSEWHERE", (check_recordings,))
    serial, serial_out = _run(parallel=False)
    parallel, parallel_out = _run(parallel=True)
    assert parallel == serial
    assert serial[0] == "recordings (model)" and serial[-1] == "recordings (impl)"
    assert "(background)" not in serial_out
    assert parallel_out.count("(background)") == 2
    assert "2 check(s) started in the background" in parallel_out


def _own_priority(ctx: CheckContext) -> CheckResult:
    """A check that reports the nice value of the thread it runs on, as its cases."""
    nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    return CheckResult("priority", Verdict.PASS, nice, "nice")


def test_background_checks_run_at_a_lower_priority(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify, "ELSEWHERE", (_own_priority,))
    ctx = CheckContext(Profile.QUICK, 0, Console(file=io.StringIO()))
    here = os.getpriority(os.PRIO_PROCESS, 0)
    (background,) = verify.run_checks([_own_priority], ctx, parallel=True)
    assert background.cases == min(19, here + verify.BACKGROUND_NICENESS)
    (foreground,) = verify.run_checks([_own_priority], ctx, parallel=False)
    assert foreground.cases == here
