"""The stateful differential as a `tidegate verify` check, sized by profile, with a budget.

Programs run in rounds, each under its own seed derived from `--seed`, so that
progress is reported between rounds and the time budget is checked there. A
budget that runs out before every round ran makes the check INCONCLUSIVE.
"""

from __future__ import annotations

import time

from hypothesis.errors import HypothesisException

from tidegate.proofs.core import CheckContext, CheckResult, Verdict
from tidegate.proofs.differential.machine import (
    DifferentialFailure,
    Tally,
    UnobservableFailure,
    replayed,
    run_differential,
    sized,
)
from tidegate.proofs.profiles import PROFILES
from tidegate.proofs.protocol.queue_class import QueueFactory, describe
from tidegate.proofs.protocol.subjects import ModelRunner
from tidegate.proofs.report import progress


def check_differential(ctx: CheckContext, queue_factory: QueueFactory | None = None) -> CheckResult:
    """PASS when every program ran with the model and the implementation in agreement."""
    plan = PROFILES[ctx.profile].differential
    start = time.perf_counter()
    budget = ctx.budget.sub(plan.budget)
    tally = Tally()
    verdict = Verdict.PASS
    details: list[str] = []
    total = plan.rounds * plan.programs
    with progress(ctx.console, "differential programs", total) as tick:
        for index in range(plan.rounds):
            stopped = budget.exhausted()
            if stopped is not None:
                if not budget.interrupted:  # its own deadline: say which
                    stopped = f"time budget of {plan.budget:.0f}s ran out"
                verdict = Verdict.INCONCLUSIVE
                details.append(
                    f"{stopped} after {index} of {plan.rounds} rounds ({tally.programs} "
                    "programs): not every planned program ran"
                )
                break
            try:
                run_differential(
                    sized(plan.programs, plan.steps),
                    _round_seed(ctx.seed, index),
                    queue_factory,
                    tally,
                )
            except (DifferentialFailure, ExceptionGroup) as raised:
                failures = _failures(raised)
                if len(failures) > 1:
                    details.append(f"{len(failures)} distinct failures, each shrunk:")
                for failure in failures:
                    details.extend(explain_failure(failure, queue_factory))
                if tally.first_failure is not None:
                    details.append(
                        f"first failing program: number {tally.programs_to_failure}, after "
                        f"{tally.first_failure - start:.1f}s; shrinking took "
                        f"{time.perf_counter() - tally.first_failure:.1f}s"
                    )
                verdict = Verdict.FAIL
                tick(min(tally.programs, total))
                break
            except HypothesisException as exc:
                # e.g. Flaky: the implementation answered differently on a rerun.
                verdict = Verdict.FAIL
                details.append(f"hypothesis stopped: {type(exc).__name__}: {exc}")
                break
            except KeyboardInterrupt:
                budget.interrupt()
                verdict = Verdict.INCONCLUSIVE
                details.append(
                    f"interrupted in round {index + 1} of {plan.rounds} ({tally.programs} "
                    "programs ran)"
                )
                break
            tick((index + 1) * plan.programs)
    return CheckResult(
        f"differential model vs {describe(queue_factory)}",
        verdict,
        tally.programs,
        f"programs ({tally.steps:,} steps, {tally.task_steps:,} of them tasks)",
        details=details,
    )


def _round_seed(seed: int, index: int) -> int:
    return seed * 1_000_003 + index


def _failures(raised: BaseException) -> list[DifferentialFailure]:
    """The failures hypothesis raised, those a trace replays first; anything else re-raised."""
    found = raised.exceptions if isinstance(raised, BaseExceptionGroup) else (raised,)
    failures = [f for f in found if isinstance(f, DifferentialFailure)]
    if len(failures) != len(found):
        raise raised
    return sorted(failures, key=lambda f: isinstance(f, UnobservableFailure))


def explain_failure(failure: DifferentialFailure, queue_factory: QueueFactory | None) -> list[str]:
    """The failure as lines: the reason, hypothesis's shrunk program, the trace, its replay."""
    unobservable = isinstance(failure, UnobservableFailure)
    lines = [
        ("failure no trace can show: " if unobservable else "divergence: ") + failure.reason,
        "shrunk program (hypothesis):",
    ]
    lines.extend(f"    {line}" for line in program_lines(failure))
    lines.append(
        "the same run as a PROTOCOL.md trace (the model's answers; items as actually "
        "sent; observations appended to expose the state):"
    )
    lines.append(f"    {failure.trace.to_json()}")
    lines.append(f"replayed: model: {replayed(failure.trace, ModelRunner())[1]}")
    lines.append(f"replayed: {describe(queue_factory)}: {failure.replay}")
    if unobservable:
        lines.append(
            "    (the answers agree: the difference is in state or discards that PROTOCOL.md "
            "operations cannot observe)"
        )
    return lines


def program_lines(failure: BaseException) -> list[str]:
    """Hypothesis's minimal program from the failure's notes, without the invariant calls."""
    notes: list[str] = getattr(failure, "__notes__", [])
    return [
        line
        for line in notes
        if line.startswith("state") and line not in ("state.agree()", "state.teardown()")
    ]
