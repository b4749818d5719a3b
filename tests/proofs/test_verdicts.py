"""Outcome, verdict, exit code: the policy every check and every command shares, as tables.

A run that could not cover its bounds proves nothing, so no check may call it a
pass: each check of `tidegate verify` is driven out of its budget here and must
say INCONCLUSIVE (or FAIL when nothing ran at all). Then every command of
`tidegate` is run to each outcome it can reach, with real subjects (broken ones
for the failures), and must exit with that outcome's code: 0 holds, 1 failed,
2 usage or input error, 3 inconclusive, 4 an adapter failed mid-run (conform).
`COMMANDS_OUTCOMES` says which outcomes each command can reach; a command added to the
parser without its rows fails `test_every_command_has_a_row_for_each_outcome_it_can_reach`.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from rich.console import Console

from tests.support.adapters import BAD, PORT, PORT_BUG
from tests.support.broken_model import packed_drain_forgets_on_closed
from tests.support.broken_queues import NeverSpills
from tests.support.differential_queues import DrainsNewestFirst
from tidegate.proofs.cli import build_parser, main
from tidegate.proofs.conform.cases import Case
from tidegate.proofs.conform.check import check_conform
from tidegate.proofs.conform.generate import coverage_cases
from tidegate.proofs.core import Check, CheckContext, CheckResult, Profile, Verdict
from tidegate.proofs.crosshair.check import (
    check_crosshair,
    check_crosshair_diff,
    crosshair_result,
    diff_result,
)
from tidegate.proofs.crosshair.run import CrosshairBudget, contract_targets, diffbehavior
from tidegate.proofs.differential.check import check_differential
from tidegate.proofs.explore import check as explore_check
from tidegate.proofs.explore.check import exploration_checks
from tidegate.proofs.explore.search import Bounds
from tidegate.proofs.interleave.check import check_interleave
from tidegate.proofs.profiles import PROFILES
from tidegate.proofs.recordings.check import check_recordings, check_recordings_on
from tidegate.proofs.verify import checks_for, overall, run_checks

BIG = Bounds(4, 8, 16, 6)
"""Bounds no budget of a few milliseconds covers (4,211,404 states)."""


def ctx() -> CheckContext:
    return CheckContext(Profile.QUICK, 0, Console(file=io.StringIO()))


def quick_with(monkeypatch: pytest.MonkeyPatch, **columns: object) -> None:
    """The quick profile with some capabilities' sizes replaced (each a dict of fields)."""
    sizes = PROFILES[Profile.QUICK]
    changed = {
        name: replace(getattr(sizes, name), **fields)  # type: ignore[arg-type]
        for name, fields in columns.items()
    }
    monkeypatch.setitem(PROFILES, Profile.QUICK, replace(sizes, **changed))


# --- each check: out of budget is inconclusive, nothing run is a failure -------------------


def test_recordings_with_no_trace_to_replay_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tidegate.proofs.recordings.check.recorded_traces", lambda: [])
    monkeypatch.setattr("tidegate.proofs.recordings.check.recorded_task_traces", lambda: [])
    result = check_recordings("model", ctx())
    assert result.verdict is Verdict.FAIL and result.cases == 0


def test_differential_out_of_time_is_inconclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    quick_with(monkeypatch, differential={"budget": 0.0})
    result = check_differential(ctx())
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.details == [
        "time budget of 0s ran out after 0 of 1 rounds (0 programs): not every planned program ran"
    ]


def test_explorations_out_of_time_are_inconclusive() -> None:
    results = [check(ctx()) for check in exploration_checks(Profile.QUICK, (BIG,), 0.01)]
    assert [r.verdict for r in results] == [Verdict.INCONCLUSIVE] * 3


def test_crosshair_cut_off_is_inconclusive() -> None:
    targets = contract_targets(["tidegate.model.subject"])
    result = crosshair_result("crosshair", targets, CrosshairBudget(2.0, overall=0.5), ctx())
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.details[-1].endswith("within 0s; re-run with a larger profile")


def test_crosshair_diff_that_could_not_run_is_inconclusive() -> None:
    # CrossHair exits 1 both for a difference found and for its own errors: only a
    # program shown ("Given:") is a failure of the subject.
    model = "tidegate.proofs.crosshair.diff.model_answers"
    outcome = diffbehavior(model, "tidegate.proofs.crosshair.diff.nowhere", 1)
    assert outcome.code == 1 and "Given:" not in outcome.output
    result = diff_result("diff", outcome)
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.details[0] == "crosshair exited with 1"


def test_conform_short_of_its_coverage_goal_is_inconclusive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No random run: the coverage cases pass, but the goal's wide anchor runs never ran.
    quick_with(monkeypatch, conform={"random_runs": 0})
    result = check_conform(ctx(), PORT)
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.details[-1].startswith("covered ")


def test_interleave_out_of_time_is_inconclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    quick_with(monkeypatch, interleave={"budget": 0.0})
    result = check_interleave(ctx())
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.details[0].startswith("budget ran out before every schedule of ")


def test_checks_after_an_interrupt_are_listed_as_not_run() -> None:
    """Mutation: kills verify._not_run's mutants (a check verify never ran counted as
    anything but inconclusive, or not named)."""

    def interrupts(ctx: CheckContext) -> CheckResult:
        ctx.budget.interrupt()
        return CheckResult("interrupts", Verdict.PASS, 1, "runs")

    after = functools.partial(check_recordings, "model")
    ran, skipped = run_checks([interrupts, after], ctx())
    assert ran.verdict is Verdict.PASS
    assert (skipped.name, skipped.verdict, skipped.cases, skipped.unit, skipped.details) == (
        "recordings model",
        Verdict.INCONCLUSIVE,
        0,
        "(not run)",
        ["not run: verify was interrupted before it"],
    )
    assert overall([ran, skipped]) is Verdict.INCONCLUSIVE


# --- every command: each outcome it can reach, and its exit code ---------------------------

USAGE = "usage"
ADAPTER_FAILED = "adapter failed"
EXIT = {Verdict.PASS: 0, Verdict.FAIL: 1, USAGE: 2, Verdict.INCONCLUSIVE: 3, ADAPTER_FAILED: 4}
"""The exit codes README.md and every command's --help promise, written out."""

COMMANDS_OUTCOMES: dict[str, set[Verdict | str]] = {
    "verify": {Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE, USAGE},
    "replay": {Verdict.PASS, Verdict.FAIL, USAGE},
    "serve": {Verdict.PASS, USAGE},
    "protocol": {Verdict.PASS, USAGE},
    "conform": {Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE, USAGE, ADAPTER_FAILED},
    "traces": {Verdict.PASS, Verdict.FAIL, USAGE},
    "explore": {Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE, USAGE},
    "interleave": {Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE, USAGE},
    "simulate": {Verdict.PASS, Verdict.FAIL, USAGE},
}
"""What each command can conclude (every one can be interrupted: exit 3, tested in
test_cli.py); a usage or input error is one of them for all."""

Arrange = Callable[[pytest.MonkeyPatch, Path], list[str]]


@dataclass(frozen=True)
class Row:
    """`tidegate ARGV` (after `arrange` put its subject in place) concludes `outcome`."""

    outcome: Verdict | str
    why: str
    arrange: Arrange


def argv(*args: str) -> Arrange:
    return lambda monkeypatch, tmp: list(args)


def verify_with(*checks: Check) -> Arrange:
    def arrange(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> list[str]:
        monkeypatch.setattr("tidegate.proofs.verify.checks_for", lambda *_: list(checks))
        return ["verify", "--profile", "quick", "--serial"]

    return arrange


def broken(target: str, value: object, *args: str) -> Arrange:
    def arrange(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> list[str]:
        monkeypatch.setattr(target, value)
        return list(args)

    return arrange


MODEL_RECORDINGS = functools.partial(check_recordings, "model")
FLIPPED_DRAIN = functools.partial(check_recordings_on, DrainsNewestFirst)
CUT_SHORT = exploration_checks(Profile.QUICK, (BIG,), 0.01)[0]
SERVE_IMPL = f"{sys.executable} -m tidegate.proofs serve --subject impl"


def _leaves_out_the_last_case(*args: object, **kwargs: object) -> list[Case]:
    """`coverage_cases` that drops its last case: a suite short of one transition."""
    return list(coverage_cases(*args, **kwargs))[:-1]  # type: ignore[arg-type]


def serve_input(*requests: dict[str, object]) -> Arrange:
    def arrange(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> list[str]:
        lines = "".join(json.dumps(r) + "\n" for r in requests).encode()
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines)))
        return ["serve", "--subject", "impl"]

    return arrange


ROWS: dict[str, list[Row]] = {
    "verify": [
        Row(Verdict.PASS, "every check holds", verify_with(MODEL_RECORDINGS)),
        Row(
            Verdict.INCONCLUSIVE,
            "one check holds, one ran out of budget",
            verify_with(MODEL_RECORDINGS, CUT_SHORT),
        ),
        Row(
            Verdict.FAIL,
            "one check ran out of budget, one failed",
            verify_with(CUT_SHORT, FLIPPED_DRAIN),
        ),
        Row(Verdict.FAIL, "no check ran", verify_with()),
        Row(USAGE, "a queue class that is no MODULE:CLASS", argv("verify", "--queue-class", "x")),
    ],
    "replay": [
        Row(
            Verdict.PASS,
            "the model reproduces the recordings",
            argv("replay", "--subject", "model"),
        ),
        Row(
            Verdict.FAIL,
            "an implementation that drains newest first",
            broken(
                "tidegate.impl.queue.BackpressureQueue.try_drain_one",
                DrainsNewestFirst.try_drain_one,
                "replay",
                "--subject",
                "impl",
            ),
        ),
        Row(USAGE, "a trace file that is not there", argv("replay", "--traces", "/nonexistent")),
    ],
    "serve": [
        Row(
            Verdict.PASS,
            "answers until its input ends",
            serve_input({"op": "new", "capacity": 1, "cap": 1}, {"op": "try_recv"}),
        ),
        Row(USAGE, "a subject that is neither model nor impl", argv("serve", "--subject", "x")),
    ],
    "protocol": [
        Row(Verdict.PASS, "prints the path", argv("protocol")),
        Row(USAGE, "an option it does not have", argv("protocol", "--bogus")),
    ],
    "conform": [
        Row(
            Verdict.PASS,
            "the implementation conforms",
            argv(
                "conform",
                "--adapter",
                SERVE_IMPL,
                "--no-recordings",
                "--no-deep",
                "--max-examples",
                "6",
            ),
        ),
        Row(
            Verdict.FAIL,
            "a port that drains newest first",
            argv("conform", "--adapter", f"{PORT_BUG} drain-reorders", "--no-recordings"),
        ),
        Row(
            Verdict.INCONCLUSIVE,
            "too few runs for the coverage goal",
            argv(
                "conform", "--adapter", PORT, "--no-recordings", "--no-deep", "--max-examples", "0"
            ),
        ),
        Row(
            ADAPTER_FAILED,
            "an adapter that crashes",
            argv("conform", "--adapter", f"{BAD} crash 3", "--no-recordings", "--no-deep"),
        ),
        Row(USAGE, "an adapter that cannot start", argv("conform", "--adapter", "/nonexistent/x")),
        Row(USAGE, "an empty adapter command", argv("conform", "--adapter", "")),
    ],
    "traces": [
        Row(
            Verdict.PASS,
            "a suite that covers every transition",
            argv("traces", "generate", "--out", "/dev/null", "--max-capacity", "1", "--runs", "0"),
        ),
        Row(
            Verdict.FAIL,
            "a generator that leaves out its last coverage case",
            broken(
                "tidegate.proofs.conform.suite.coverage_cases",
                _leaves_out_the_last_case,
                "traces",
                "generate",
                "--out",
                "/dev/null",
                "--max-capacity",
                "1",
                "--runs",
                "0",
            ),
        ),
        Row(
            USAGE,
            "a file that cannot be written",
            argv("traces", "generate", "--out", "/nonexistent/x"),
        ),
    ],
    "explore": [
        Row(
            Verdict.PASS,
            "every invariant holds",
            argv(
                "explore",
                "--capacity",
                "1",
                "--cap",
                "1",
                "--queue-items",
                "3",
                "--other-items",
                "2",
            ),
        ),
        Row(
            Verdict.FAIL,
            "a packed step that forgets a Closed drain's discard",
            broken(
                "tidegate.proofs.explore.fast.successors",
                packed_drain_forgets_on_closed,
                "explore",
                "--capacity",
                "1",
                "--cap",
                "2",
                "--queue-items",
                "4",
                "--other-items",
                "1",
            ),
        ),
        Row(
            Verdict.INCONCLUSIVE,
            "the time budget runs out",
            argv("explore", "--max-seconds", "0.01", "--queue-items", "16", "--other-items", "6"),
        ),
        Row(USAGE, "a capacity of 0", argv("explore", "--capacity", "0")),
    ],
    "interleave": [
        Row(
            Verdict.PASS,
            "every property holds",
            argv("interleave", "--scenario", "capacity=1,cap=1,wire=3", "--variant", "seed"),
        ),
        Row(
            Verdict.FAIL,
            "a Notify that loses every ping",
            broken(
                "tidegate.impl.notify.Notify.notify_one",
                lambda self: None,
                "interleave",
                "--scenario",
                "capacity=1,cap=1,wire=3",
                "--variant",
                "seed",
            ),
        ),
        Row(
            Verdict.INCONCLUSIVE,
            "one schedule allowed",
            argv(
                "interleave",
                "--scenario",
                "capacity=1,cap=1,wire=3",
                "--variant",
                "seed",
                "--max-executions",
                "1",
            ),
        ),
        Row(
            USAGE,
            "a scenario without its capacity",
            argv("interleave", "--scenario", "cap=1,wire=3"),
        ),
    ],
    "simulate": [
        Row(Verdict.PASS, "the seed's claims hold", argv("simulate", "--no-plot")),
        Row(
            Verdict.FAIL,
            "a queue that never uses its backlog",
            broken(
                "tidegate.impl.queue.BackpressureQueue.enqueue_or_send",
                NeverSpills.enqueue_or_send,
                "simulate",
                "--no-plot",
            ),
        ),
        Row(USAGE, "a capacity of 0", argv("simulate", "--capacity", "0")),
    ],
}


def test_every_command_has_a_row_for_each_outcome_it_can_reach() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(COMMANDS_OUTCOMES) == set(sub.choices)
    for command, outcomes in COMMANDS_OUTCOMES.items():
        assert {row.outcome for row in ROWS[command]} == outcomes, command


CASES = [
    pytest.param(command, row, id=f"{command}-{EXIT[row.outcome]}-{row.why}")
    for command, rows in ROWS.items()
    for row in rows
]


@pytest.mark.parametrize(("command", "row"), CASES)
def test_each_outcome_exits_with_its_code(
    command: str,
    row: Row,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = row.arrange(monkeypatch, tmp_path)
    try:
        code = main(args)
    except SystemExit as stop:  # argparse's own usage errors
        code = stop.code  # type: ignore[assignment]
    out = capsys.readouterr()
    assert code == EXIT[row.outcome], f"{args}: exit {code}\n{out.out[-2000:]}\n{out.err[-2000:]}"
    if row.outcome in (USAGE, ADAPTER_FAILED):
        assert "error" in out.err


EXPLORE = {
    explore_check._check_bounds,
    explore_check._check_witnesses,
    explore_check._check_findings,
}


def _described(checks: list[Check]) -> list[tuple[object, ...]]:
    """Each check as (function, arguments, keywords), without the explorations that the
    exploration checks of one run share (made anew by each call)."""
    described: list[tuple[object, ...]] = []
    for c in checks:
        func, args = getattr(c, "func", c), getattr(c, "args", ())
        described.append((func, args[1:] if func in EXPLORE else args, getattr(c, "keywords", {})))
    return described


@pytest.mark.parametrize("profile", list(Profile))
def test_verify_runs_every_check_on_the_subject_it_is_given(profile: Profile) -> None:
    """Mutation: kills verify.checks_for's mutants (a subject swapped or dropped, the
    queue class not passed on, CrossHair's diffbehavior run where it must not be)."""
    explore = _described(exploration_checks(profile))
    diff = [check_crosshair_diff] if PROFILES[profile].crosshair.diffbehavior_in_verify else []
    assert _described(checks_for(profile)) == [
        (check_recordings, ("model",), {}),
        (check_recordings, ("impl",), {}),
        (check_differential, (), {"queue_factory": None}),
        *explore,
        (check_crosshair, (), {}),
        *((d, (), {}) for d in diff),
        (check_conform, (), {}),
        (check_interleave, (), {}),
    ]
    assert _described(checks_for(profile, DrainsNewestFirst)) == [
        (check_recordings, ("model",), {}),
        (check_recordings_on, (DrainsNewestFirst,), {}),
        (check_differential, (), {"queue_factory": DrainsNewestFirst}),
        *explore,
        (check_crosshair, (), {}),
        (check_conform, (), {}),
        (check_interleave, (), {}),
    ]


def _raising(exc: BaseException) -> Check:
    def check_raises(ctx: CheckContext) -> CheckResult:
        raise exc

    return check_raises


def test_a_check_raising_deep_down_shows_the_last_lines_of_its_traceback() -> None:
    """Mutation: kills verify._timed 56 (how much of the traceback a failed check shows:
    the exception and the five entries above it, not the traceback's header)."""

    def deep(n: int) -> CheckResult:
        if n == 0:
            raise ValueError("deep down")
        return deep(n - 1)

    (failed,) = run_checks([lambda ctx: deep(2)], ctx())
    assert failed.details[0] == "the check raised ValueError: deep down"
    shown = failed.details[1:]
    assert len(shown) == 6 and shown[-1] == "ValueError: deep down"
    assert all(line.lstrip().startswith("File ") for line in shown[:-1]), shown


def test_a_check_that_raises_fails_and_an_interrupted_one_proves_nothing() -> None:
    """Mutation: kills verify._timed's mutants (what an exception, Ctrl-C or running out of
    memory inside a check makes of its result)."""
    failed = run_checks([_raising(ValueError("boom"))], ctx())[0]
    assert (failed.name, failed.verdict, failed.cases, failed.unit) == (
        "raises",
        Verdict.FAIL,
        0,
        "(raised)",
    )
    assert failed.details[0] == "the check raised ValueError: boom"
    assert failed.details[-1] == "ValueError: boom" and len(failed.details) > 2
    assert failed.seconds > 0
    (exited,) = run_checks([_raising(SystemExit(3))], ctx())
    assert exited.verdict is Verdict.FAIL
    assert exited.details[0] == "the check raised SystemExit: 3"
    (memory,) = run_checks([_raising(MemoryError())], ctx())
    assert (memory.name, memory.verdict, memory.cases, memory.unit, memory.details) == (
        "raises",
        Verdict.INCONCLUSIVE,
        0,
        "(out of memory)",
        ["ran out of memory before it could conclude"],
    )
    interrupted = ctx()
    (stopped, after) = run_checks([_raising(KeyboardInterrupt()), MODEL_RECORDINGS], interrupted)
    assert (stopped.name, stopped.verdict, stopped.cases, stopped.unit, stopped.details) == (
        "raises",
        Verdict.INCONCLUSIVE,
        0,
        "(interrupted)",
        ["interrupted before it could conclude"],
    )
    assert interrupted.budget.interrupted and after.unit == "(not run)"
    with pytest.raises(BrokenPipeError):
        run_checks([_raising(BrokenPipeError())], ctx())
