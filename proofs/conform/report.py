"""Printing a conformance outcome: phase lines, and a failure as a step table."""

from __future__ import annotations

from rich.console import Console

from tidegate.proofs.cli import exit_code
from tidegate.proofs.conform.coverage import SMALL_BOUNDS
from tidegate.proofs.conform.generate import ANCHOR_STEPS, ANCHORS
from tidegate.proofs.conform.runner import Mismatch
from tidegate.proofs.conform.session import ConformOutcome
from tidegate.proofs.conform.taskcoverage import TASK_BOUNDS, TASK_LIMITS
from tidegate.proofs.core import Verdict

_WORDS = {
    Verdict.PASS: "CONFORMS",
    Verdict.FAIL: "DIVERGED",
    Verdict.INCONCLUSIVE: "INCONCLUSIVE (the goal was not met; not a pass)",
}

_CAPACITIES = sorted({capacity for capacity, _ in SMALL_BOUNDS})
_CAPS = sorted({cap for _, cap in SMALL_BOUNDS})
KINDS = (
    f"kinds = (state, operation, answer) combinations reachable at capacity "
    f"{_CAPACITIES[0]}-{_CAPACITIES[-1]}, cap {_CAPS[0]}-{_CAPS[-1]}; a state is how full "
    "the channel and the backlog are (empty, partial, full) and the receiver's state"
)
"""What a coverage kind is, printed beside the count."""
TASK_KINDS = (
    "task kinds = the same with tasks: a task operation, or any operation while a task is "
    "pending; the state adds the parked sends (waiting, holding a slot), the pending "
    "receives and the Notify (permit, waiters, picked); reachable at "
    f"{', '.join(f'capacity {c} cap {k}' for c, k in TASK_BOUNDS)}, with at most "
    f"{TASK_LIMITS[0]} parked sends, {TASK_LIMITS[1]} receive and {TASK_LIMITS[2]} waiters"
)
"""What a v2 coverage kind is, printed beside the count."""
V1_ONLY = "v1 only: the adapter answers every v2 task operation Unsupported"


def step_table(mismatch: Mismatch, limit: int = 41) -> list[str]:
    """The failing case as aligned lines: step, operation, expected, got.

    Beyond `limit` lines, the middle steps (all answered as expected) are elided.
    A step the adapter failed on shows how in the `got` column.
    """
    case = mismatch.case
    rows = [("new", f"new(capacity={case.capacity}, cap={case.cap})")]
    rows += [(str(index), str(op)) for index, op in enumerate(case.ops)]
    expected = [str(want) for want in mismatch.expected]
    got = [str(answer) for answer in mismatch.answers]
    if mismatch.breach is not None:
        got.append(f"({mismatch.breach.value})")
    width = max(len(op) for _, op in rows) + 2
    # Two spaces at least between the columns, however long an answer is.
    answer = max(len("expected"), *(len(want) for want in expected)) + 2
    lines = [f"{'step':>5}  {'operation':<{width}}{'expected':<{answer}}got"]
    for (step, op), want, reply in zip(rows, expected, got, strict=True):
        mark = "   <-- differs" if want != reply else ""
        lines.append(f"{step:>5}  {op:<{width}}{want:<{answer}}{reply}{mark}")
    if len(lines) > limit:
        # A long minimal trace: its head and the run-up to the failure tell the story;
        # the saved trace line carries every step.
        hidden = len(lines) - limit
        lines = [
            *lines[:11],
            f"{'...':>5}  ({hidden:,} more steps, all answered as expected)",
            *lines[11 + hidden :],
        ]
    return lines


def _where(mismatch: Mismatch) -> str:
    return "new" if mismatch.step < 0 else f"step {mismatch.step}"


def print_outcome(console: Console, outcome: ConformOutcome) -> None:
    """Print what the run covered and, if it failed, the minimal trace (an adapter error
    that no trace shows is left to the caller, for standard error)."""
    for phase in outcome.phases:
        console.print(f"  {phase.name}: {phase.cases} cases, {phase.steps:,} steps", markup=False)
    console.print(
        f"  goal, v1: {outcome.covered}/{outcome.reachable} kinds, {outcome.anchors_run}/"
        f"{len(ANCHORS)} anchor runs, {outcome.deep_run}/{outcome.deep_planned} deep runs",
        markup=False,
    )
    console.print(f"    ({KINDS})", markup=False)
    if outcome.v1_only:
        console.print(f"  goal, v2 (tasks): not checked ({V1_ONLY})", markup=False)
    elif outcome.task_reachable:
        console.print(
            f"  goal, v2 (tasks): {outcome.task_covered}/{outcome.task_reachable} task kinds",
            markup=False,
        )
        console.print(f"    ({TASK_KINDS})", markup=False)
    if outcome.budget_ended:
        console.print(
            f"  stopped before every case ran: {outcome.stopped or 'the budget ran out'}",
            markup=False,
        )
    if outcome.protocol is not None:
        report = outcome.protocol
        bad = len(report.failures)
        console.print(
            f"  protocol: {report.probes - bad}/{report.probes} request-rule probes", markup=False
        )
        for line in report.failures:
            console.print(f"    FAIL {line}", markup=False)
    if outcome.minimal is not None and outcome.found is not None:
        _print_failure(console, outcome)
    elif outcome.verdict is Verdict.INCONCLUSIVE and outcome.error is None:
        for line in _shortfall(outcome):
            console.print(f"  not a pass: {line}", markup=False)
    rate = outcome.requests / outcome.seconds if outcome.seconds > 0 else 0.0
    conclusion = outcome.conclusion()
    if outcome.adapter_failed:
        words = "ADAPTER FAILED"
    elif outcome.error is not None:
        words = "ADAPTER ERROR"
    else:
        words = _WORDS[outcome.verdict]
    if outcome.v1_only and outcome.verdict is Verdict.PASS:
        words = "CONFORMS (v1 only: v2 tasks Unsupported; --require-v2 makes this exit 3)"
    console.print(
        f"{words}: {outcome.requests:,} requests in {outcome.seconds:.1f}s "
        f"({rate:,.0f}/s) (exit {int(exit_code(conclusion))})",
        markup=False,
    )


def _shortfall(outcome: ConformOutcome) -> list[str]:
    """Why the goal was not met, one line per part missing (the budget says so itself)."""
    settings = outcome.settings
    lines = []
    if outcome.budget_ended:
        lines.append("raise --time-budget (or use --no-deep) to reach the goal")
    if outcome.anchors_run < len(ANCHORS) and not outcome.budget_ended:
        asked = min(settings.max_examples, len(ANCHORS))
        lines.append(
            f"{outcome.anchors_run} of the {len(ANCHORS)} anchor runs ran at least "
            f"{ANCHOR_STEPS} steps ({asked} asked for by --max-examples "
            f"{settings.max_examples}, each up to --max-steps {settings.max_steps}): the "
            f"first {len(ANCHORS)} random runs belong to the goal"
        )
    if outcome.covered < outcome.reachable and not outcome.budget_ended:
        lines.append(f"only {outcome.covered} of {outcome.reachable} kinds were covered")
    if outcome.task_covered < outcome.task_reachable and not outcome.budget_ended:
        lines.append(
            f"only {outcome.task_covered} of {outcome.task_reachable} task kinds were covered"
        )
    if outcome.v1_only and settings.require_v2:
        lines.append(f"--require-v2, and the port was checked on {V1_ONLY}")
    return lines


def _print_failure(console: Console, outcome: ConformOutcome) -> None:
    found, minimal = outcome.found, outcome.minimal
    assert found is not None and minimal is not None
    what = "divergence" if found.breach is None else f"adapter failure ({found.breach.value})"
    if not outcome.shrunk:
        how = "not shrunk"
    else:
        how = f"{outcome.shrink_runs} shrinking runs" + (
            "" if outcome.shrink_complete else ", stopped at the budget: maybe not minimal"
        )
    if outcome.confirmed:
        fresh = "confirmed on a fresh adapter process"
    elif outcome.stopped:
        fresh = f"shrinking stopped: {outcome.stopped}; not confirmed afresh"
    else:
        fresh = (
            "NOT reproduced on a fresh adapter process: the adapter's answers depend on "
            "earlier sessions"
        )
    console.print(
        f"{what} in {outcome.source} at {_where(found)}; minimal trace "
        f"({minimal.case.describe()}, {how}, {fresh}):",
        markup=False,
    )
    for line in step_table(minimal):
        console.print(f"  {line}", markup=False)
    if minimal.breach is not None:
        console.print(f"  the adapter: {minimal.error}", markup=False)
