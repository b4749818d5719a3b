"""Replaying traces against a subject and reporting the first divergence of each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tidegate.model import Answer, Op, TaskOp
from tidegate.proofs.core import Budget
from tidegate.proofs.protocol.subjects import Runner
from tidegate.proofs.protocol.traces import Trace


@dataclass(frozen=True)
class Divergence:
    """Where a subject first answered differently from a trace."""

    trace: Trace
    step: int
    op: Op | TaskOp
    expected: Answer
    got: Answer

    def describe(self) -> str:
        """One readable line: trace, step, operation, expected, got."""
        return (
            f"trace {self.trace.id} (capacity={self.trace.capacity}, cap={self.trace.cap}) "
            f"step {self.step}: {self.op} expected {self.expected}, got {self.got}"
        )


def replay_trace(trace: Trace, runner: Runner) -> Divergence | None:
    """Feed `trace` to a fresh subject; the first step answered differently, or None."""
    runner.reset(trace.capacity, trace.cap)
    for index, step in enumerate(trace.steps):
        got = runner.apply(step.op)
        if got != step.result:
            return Divergence(trace, index, step.op, step.result, got)
    return None


@dataclass
class ReplayReport:
    """How many traces and steps were replayed, and every divergence found."""

    traces: int = 0
    steps: int = 0
    divergences: list[Divergence] = field(default_factory=list)
    stopped: str | None = None
    """Why the replay ended before the last trace (a budget, Ctrl-C), or None."""

    @property
    def ok(self) -> bool:
        """True when at least one trace ran, none diverged and none was left out (nothing
        ran, or a replay cut short, is not a pass)."""
        return self.traces > 0 and not self.divergences and self.stopped is None


def replay_all(
    traces: Iterable[Trace],
    runner: Runner,
    progress: Callable[[int], None] | None = None,
    budget: Budget | None = None,
) -> ReplayReport:
    """Replay every trace; `progress(n)` is called after each with the count so far.
    Stops between two traces when `budget` runs out, and on Ctrl-C (`stopped` says so)."""
    report = ReplayReport()
    try:
        for trace in traces:
            report.stopped = None if budget is None else budget.exhausted()
            if report.stopped is not None:
                break
            divergence = replay_trace(trace, runner)
            report.traces += 1
            report.steps += len(trace.steps) if divergence is None else divergence.step + 1
            if divergence is not None:
                report.divergences.append(divergence)
            if progress is not None:
                progress(report.traces)
    except KeyboardInterrupt:
        if budget is not None:
            budget.interrupt()
        report.stopped = "interrupted"
    return report
