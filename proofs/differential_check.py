"""The stateful differential as a `tidegate verify` check, sized by profile, with a budget.

Programs run in rounds, each under its own seed derived from `--seed`, so that
progress is reported between rounds and the time budget is checked there. A
budget that runs out before every round ran makes the check INCONCLUSIVE.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from hypothesis.errors import HypothesisException

from tidegate.proofs.checks import CheckContext, CheckResult, Profile, Verdict
from tidegate.proofs.console import progress
from tidegate.proofs.differential import DifferentialFailure, Tally, run_differential, sized
from tidegate.proofs.queue_class import QueueFactory, QueueRunner, describe
from tidegate.proofs.replay import replay_trace
from tidegate.proofs.subjects import ModelRunner, Runner
from tidegate.proofs.traces import Trace


@dataclass(frozen=True)
class Plan:
    """`rounds` runs of `programs` programs of up to `steps` steps, within `budget` seconds."""

    rounds: int
    programs: int
    steps: int
    budget: float


PLANS = {
    Profile.QUICK: Plan(rounds=1, programs=60, steps=50, budget=20.0),
    Profile.DEFAULT: Plan(rounds=4, programs=60, steps=100, budget=90.0),
    Profile.THOROUGH: Plan(rounds=20, programs=150, steps=300, budget=1800.0),
}


def check_differential(ctx: CheckContext, queue_factory: QueueFactory | None = None) -> CheckResult:
    """PASS when every program ran with the model and the implementation in agreement."""
    plan = PLANS[ctx.profile]
    start = time.perf_counter()
    tally = Tally()
    subject = describe(queue_factory)
    result = CheckResult(f"differential model vs {subject}", Verdict.PASS, 0, "programs")
    total = plan.rounds * plan.programs
    with progress(ctx.console, "differential programs", total) as tick:
        for index in range(plan.rounds):
            if time.perf_counter() - start > plan.budget:
                result.verdict = Verdict.INCONCLUSIVE
                result.details.append(
                    f"time budget of {plan.budget:.0f}s ran out after {index} of {plan.rounds} "
                    f"rounds ({tally.programs} programs): not every planned program ran"
                )
                break
            try:
                run_differential(
                    sized(plan.programs, plan.steps),
                    _round_seed(ctx.seed, index),
                    queue_factory,
                    tally,
                )
            except DifferentialFailure as failure:
                result.verdict = Verdict.FAIL
                result.details.extend(explain(failure, queue_factory))
                break
            except HypothesisException as exc:
                # e.g. Flaky: the implementation answered differently on a rerun.
                result.verdict = Verdict.FAIL
                result.details.append(f"hypothesis stopped: {type(exc).__name__}: {exc}")
                break
            tick((index + 1) * plan.programs)
    result.cases = tally.programs
    result.unit = f"programs ({tally.steps:,} steps)"
    result.seconds = time.perf_counter() - start
    return result


def _round_seed(seed: int, index: int) -> int:
    return seed * 1_000_003 + index


def explain(failure: DifferentialFailure, queue_factory: QueueFactory | None) -> list[str]:
    """The failure as lines: the reason, hypothesis's shrunk program, the trace, its replay."""
    lines = [f"divergence: {failure.reason}", "shrunk program (hypothesis):"]
    lines.extend(f"    {line}" for line in program_lines(failure))
    lines.append(
        "the same run as a PROTOCOL.md trace (the model's answers; items as actually "
        "sent; observations appended to expose the state):"
    )
    lines.append(f"    {failure.trace.to_json()}")
    lines.append(f"replayed: model: {replayed(failure.trace, ModelRunner())}")
    impl_runner = QueueRunner(queue_factory)
    lines.append(f"replayed: {describe(queue_factory)}: {replayed(failure.trace, impl_runner)}")
    return lines


def program_lines(failure: BaseException) -> list[str]:
    """Hypothesis's minimal program from the failure's notes, without the invariant calls."""
    notes: list[str] = getattr(failure, "__notes__", [])
    return [
        line
        for line in notes
        if line.startswith("state") and line not in ("state.agree()", "state.teardown()")
    ]


def replayed(trace: Trace, runner: Runner) -> str:
    """What replaying `trace` against `runner` gives: agreement, or the first divergence."""
    try:
        divergence = replay_trace(trace, runner)
    except Exception as exc:
        return f"raised {type(exc).__name__}: {exc}"
    if divergence is None:
        return f"agrees with all {len(trace.steps)} steps"
    return (
        f"diverges at step {divergence.step}: {divergence.op} expected "
        f"{divergence.expected}, got {divergence.got}"
    )
