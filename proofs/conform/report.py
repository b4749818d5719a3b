"""Printing a conformance outcome: phase lines, and a divergence as a step table."""

from __future__ import annotations

from rich.console import Console

from tidegate.proofs.cli import exit_code
from tidegate.proofs.conform.generate import ANCHOR_STEPS, ANCHORS
from tidegate.proofs.conform.runner import Mismatch
from tidegate.proofs.conform.session import ConformOutcome
from tidegate.proofs.core import Verdict

_WORDS = {
    Verdict.PASS: "CONFORMS",
    Verdict.FAIL: "DIVERGED",
    Verdict.INCONCLUSIVE: "INCONCLUSIVE (the coverage goal was not met; not a pass)",
}


def step_table(mismatch: Mismatch, limit: int = 41) -> list[str]:
    """The divergent case as aligned lines: step, operation, expected, got.

    Beyond `limit` lines, the middle steps (all answered as expected) are elided.
    """
    case = mismatch.case
    rows = [("new", f"new(capacity={case.capacity}, cap={case.cap})")]
    rows += [(str(index), str(op)) for index, op in enumerate(case.ops)]
    width = max(len(op) for _, op in rows) + 2
    lines = [f"{'step':>5}  {'operation':<{width}}{'expected':<16}got"]
    for (step, op), want, got in zip(rows, mismatch.expected, mismatch.answers, strict=True):
        mark = "   <-- differs" if want != got else ""
        lines.append(f"{step:>5}  {op:<{width}}{want!s:<16}{got}{mark}")
    if len(lines) > limit:
        # A long minimal trace: its head and the run-up to the divergence tell the story;
        # the saved trace line carries every step.
        hidden = len(lines) - limit
        lines = [
            *lines[:11],
            f"{'...':>5}  ({hidden} more steps, all answered as expected)",
            *lines[11 + hidden :],
        ]
    return lines


def _where(mismatch: Mismatch) -> str:
    return "new" if mismatch.step < 0 else f"step {mismatch.step}"


def print_outcome(console: Console, outcome: ConformOutcome) -> None:
    """Print what the run covered and, if it diverged, the minimal trace (an adapter error
    itself is left to the caller, for standard error)."""
    for phase in outcome.phases:
        console.print(f"  {phase.name}: {phase.cases} cases, {phase.steps:,} steps")
    console.print(
        f"  kinds covered: {outcome.covered}/{outcome.reachable} reachable (state, op, answer) "
        "kinds at capacity 1-3, cap 0-3"
    )
    quiet = outcome.budget_ended or outcome.error is not None or outcome.found is not None
    if outcome.anchors_run < len(ANCHORS) and not quiet:
        console.print(
            f"  anchor runs: {outcome.anchors_run}/{len(ANCHORS)} ran at least {ANCHOR_STEPS} "
            "steps (shorter ones, e.g. under --max-steps, do not count toward the goal)"
        )
    if outcome.budget_ended:
        console.print(
            f"  stopped before every case ran: {outcome.stopped or 'the budget ran out'}",
            markup=False,
        )
    if outcome.protocol is not None:
        report = outcome.protocol
        bad = len(report.failures)
        console.print(f"  protocol: {report.probes - bad}/{report.probes} malformed-request probes")
        for line in report.failures:
            console.print(f"    FAIL {line}", markup=False)
    if outcome.minimal is not None and outcome.found is not None:
        found, minimal = outcome.found, outcome.minimal
        console.print(
            f"divergence in {outcome.source} at {_where(found)}; minimal trace "
            f"({minimal.case.describe()}, {outcome.shrink_runs} shrinking runs, "
            + (
                "confirmed on a fresh adapter process):"
                if outcome.confirmed
                else f"shrinking stopped: {outcome.stopped}; not confirmed afresh):"
                if outcome.stopped
                else "NOT reproduced "
                "on a fresh adapter process: the adapter's answers depend on earlier sessions):"
            ),
            markup=False,
        )
        for line in step_table(minimal):
            console.print(f"  {line}", markup=False)
    rate = outcome.requests / outcome.seconds if outcome.seconds > 0 else 0.0
    words = "ADAPTER ERROR" if outcome.error is not None else _WORDS[outcome.verdict]
    code = exit_code(outcome.error or outcome.verdict)
    console.print(
        f"{words}: {outcome.requests:,} requests in {outcome.seconds:.1f}s "
        f"({rate:,.0f}/s) (exit {int(code)})"
    )
