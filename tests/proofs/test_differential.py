"""The stateful differential: the reference passes, broken queues fail with a replayable trace."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable

import pytest
from hypothesis import settings
from hypothesis.errors import Flaky
from rich.console import Console

from tests.support.differential_queues import DrainsNewestFirst, RaisesOnDrain
from tidegate.model import EMPTY, Op, OpName, TaskOpName
from tidegate.proofs.cli import main
from tidegate.proofs.core import Budget, CheckContext, Profile, Verdict
from tidegate.proofs.differential.check import check_differential
from tidegate.proofs.differential.machine import (
    Differential,
    DifferentialFailure,
    Tally,
    UnobservableFailure,
    run_differential,
    sized,
)
from tidegate.proofs.explore.properties import Property, PropertyKind
from tidegate.proofs.profiles import PROFILES
from tidegate.proofs.protocol.queue_class import QueueClassError, describe, load_queue_class
from tidegate.proofs.protocol.traces import Step, Trace

# The model and tidegate.impl in lockstep, sized by the loaded hypothesis profile
# (HYPOTHESIS_PROFILE=thorough: 2,000 programs of up to 300 steps).
TestModelAgainstImpl = Differential.TestCase


def test_programs_mix_tasks_with_v1_operations() -> None:
    """The task rules run (a differential that never started a task would check nothing
    of v2); seen failing with the two task rules removed."""
    tally = Tally()
    run_differential(sized(30, 40), seed=3, tally=tally)
    assert 0 < tally.task_steps < tally.steps
    assert tally.task_steps > tally.steps // 10


def test_a_reference_queue_class_passes(capsys: pytest.CaptureFixture[str]) -> None:
    tally = Tally()
    run_differential(
        sized(20, 30),
        seed=5,
        queue_factory=load_queue_class("tidegate.impl:BackpressureQueue"),
        tally=tally,
    )
    assert tally.programs >= 20 and tally.steps > 0


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nocolon", "must be MODULE:CLASS, got 'nocolon'"),
        ("no_such_module_x:Q", "cannot import module 'no_such_module_x'"),
        ("tests.support.differential_queues:Missing", "has no attribute 'Missing'"),
        ("tidegate.impl:DISPATCH_BACKLOG_CAP", "is a int, not a class"),
        (
            "tests.support.differential_queues:NotAQueue",
            "lacks the queue method(s) enqueue_or_send",
        ),
        ("tidegate.impl:Notify", "lacks the queue method(s)"),
    ],
)
def test_bad_queue_class_is_refused(spec: str, message: str) -> None:
    with pytest.raises(QueueClassError, match=re.escape(message)):
        load_queue_class(spec)


def test_verify_with_a_bad_queue_class_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["verify", "--profile", "quick", "--queue-class", "nocolon"])
    assert code == 2
    assert "--queue-class must be MODULE:CLASS, got 'nocolon'" in capsys.readouterr().err


def _ctx(budget: Budget | None = None) -> CheckContext:
    return CheckContext(Profile.QUICK, 0, Console(file=io.StringIO()), budget or Budget())


def _round_raises(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    def run(chosen: object, seed: int, factory: object, tally: Tally) -> None:
        tally.programs += 3
        tally.steps += 1234
        tally.task_steps += 56
        raise exc

    monkeypatch.setattr("tidegate.proofs.differential.check.run_differential", run)


def test_the_differential_check_concludes_only_on_programs_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mutation: kills differential.check's check_differential and _failures mutants (an
    interrupt, hypothesis giving up, or several failures turned into another verdict, and
    the lines that say which)."""
    rounds = PROFILES[Profile.QUICK].differential.rounds
    stopped = Budget()
    stopped.interrupt()
    before = check_differential(_ctx(stopped))
    assert (before.verdict, before.cases, before.unit) == (
        Verdict.INCONCLUSIVE,
        0,
        "programs (0 steps, 0 of them tasks)",
    )
    assert before.name == "differential model vs tidegate.impl"
    assert before.details == [
        f"interrupted after 0 of {rounds} rounds (0 programs): not every planned program ran"
    ]

    _round_raises(monkeypatch, KeyboardInterrupt())
    budget = Budget()
    during = check_differential(_ctx(budget))
    assert (during.verdict, during.cases, during.unit) == (
        Verdict.INCONCLUSIVE,
        3,
        "programs (1,234 steps, 56 of them tasks)",
    )
    assert during.details == [f"interrupted in round 1 of {rounds} (3 programs ran)"]
    assert budget.interrupted

    _round_raises(monkeypatch, Flaky("answered differently on a rerun"))
    flaky = check_differential(_ctx())
    assert flaky.verdict is Verdict.FAIL
    assert flaky.details == ["hypothesis stopped: Flaky: answered differently on a rerun"]

    trace = Trace("t", 1, 1, (Step(Op(OpName.TRY_RECV), EMPTY),))
    first = DifferentialFailure("first", trace, "replays")
    second = UnobservableFailure("second", trace, "agrees")
    _round_raises(monkeypatch, ExceptionGroup("two", [second, first]))
    both = check_differential(_ctx())
    assert both.verdict is Verdict.FAIL and both.cases == 3
    assert both.details[0] == "2 distinct failures, each shrunk:"
    assert both.details[1] == "divergence: first"
    assert "failure no trace can show: second" in both.details
    assert both.details.index("failure no trace can show: second") > 1
    _round_raises(monkeypatch, ExceptionGroup("mixed", [first, ValueError("bug")]))
    with pytest.raises(ExceptionGroup):
        check_differential(_ctx())


def test_each_round_runs_its_own_seed_on_the_queue_class_and_progress_counts_programs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mutation: kills differential.check.check_differential 7, 10-12, 17-19 (the result's
    name, verdict and unit when every round passes), 21, 23, 24, 28, 29, 71, 88-91
    (progress), 28, 41 and 42 (a round's size, seed and queue class), 63 and 67-69 (what
    a failure says)."""
    plan = PROFILES[Profile.DEFAULT].differential
    total = plan.rounds * plan.programs
    seeds = [7 * 1_000_003 + index for index in range(plan.rounds)]
    rounds: list[tuple[int, object]] = []
    trace = Trace("t", 1, 1, (Step(Op(OpName.TRY_RECV), EMPTY),))

    def run(chosen: settings, seed: int, factory: object, tally: Tally) -> None:
        assert (chosen.max_examples, chosen.stateful_step_count) == (plan.programs, plan.steps)
        rounds.append((seed, factory))
        tally.programs += plan.programs
        tally.steps += 10
        if seed == seeds[2] and factory is DrainsNewestFirst:
            tally.first_failure, tally.programs_to_failure = time.perf_counter(), 5
            raise DifferentialFailure("drained newest first", trace, "replays: 2, 1")

    monkeypatch.setattr("tidegate.proofs.differential.check.run_differential", run)
    out = io.StringIO()
    ctx = CheckContext(Profile.DEFAULT, 7, Console(file=out), Budget())
    passed = check_differential(ctx)
    assert rounds == [(seed, None) for seed in seeds]
    assert (passed.name, passed.verdict, passed.cases, passed.unit, passed.details) == (
        "differential model vs tidegate.impl",
        Verdict.PASS,
        total,
        f"programs ({10 * plan.rounds} steps, 0 of them tasks)",
        [],
    )
    assert f"  differential programs: {total}/{total} done in " in out.getvalue()

    rounds.clear()
    out.seek(0)
    out.truncate()
    failed = check_differential(ctx, DrainsNewestFirst)
    assert rounds == [(seed, DrainsNewestFirst) for seed in seeds[:3]]
    name = describe(DrainsNewestFirst)
    assert (failed.name, failed.verdict) == (f"differential model vs {name}", Verdict.FAIL)
    assert failed.details[0] == "divergence: drained newest first"
    assert f"replayed: {name}: replays: 2, 1" in failed.details
    last = re.fullmatch(
        r"first failing program: number 5, after (\d+\.\d)s; shrinking took (\d+\.\d)s",
        failed.details[-1],
    )
    assert last is not None and float(last[1]) < 60 and float(last[2]) < 60, failed.details
    assert f"  differential programs: {3 * plan.programs}/{total} done in " in out.getvalue()


def _failure_of(machine: Differential, rule: Callable[[], None]) -> str:
    """The reason the differential gives when `rule` fails."""
    with pytest.raises(DifferentialFailure) as failed:
        rule()
    return failed.value.reason


def test_a_step_fails_naming_the_operation_and_what_went_wrong(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mutation: kills differential.machine.Differential._step 29, 30 (the implementation's
    exception), 48 (answers that differ), 57, 65 and 68 (a step property the model breaks:
    judged on v1 steps only, named with its statement)."""
    drain = Op(OpName.TRY_DRAIN_ONE)
    raising = Differential(queue_factory=RaisesOnDrain)
    raising.new(1, 1, 10)
    assert _failure_of(raising, raising.try_drain_one) == (
        f"{drain}: the implementation raised RuntimeError: drain exploded"
    )

    flipped = Differential(queue_factory=DrainsNewestFirst)
    flipped.new(1, 2, 10)
    flipped.enqueue_or_send([1, 2, 3])
    flipped.try_recv()
    flipped.try_drain_one()
    reason = _failure_of(flipped, flipped.try_recv)
    answers = re.fullmatch(
        rf"{Op(OpName.TRY_RECV)}: model answered ok (\d+), implementation answered ok (\d+)",
        reason,
    )
    assert answers is not None and answers[1] != answers[2], reason

    never = Property("never", "no step happens", PropertyKind.INVARIANT, on_step=lambda m: False)
    monkeypatch.setattr("tidegate.proofs.differential.machine.GENERIC_INVARIANTS", (never,))
    machine = Differential()
    machine.new(1, 1, 10)
    machine.start_task(TaskOpName.NOTIFIED, 0)  # a task step: no moment of the catalogue's
    assert _failure_of(machine, machine.try_drain_one) == (
        f"{drain}: the model broke never (no step happens)"
    )
