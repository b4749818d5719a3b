"""One conformance run against an adapter: replay, coverage-guided cases, wide random runs.

`conform(command, settings)` starts the adapter and feeds it, in order, the
shipped recordings and any extra traces, the coverage cases, then the random
runs, comparing every answer. The first divergence is shrunk and confirmed on a
fresh adapter process; an adapter that breaks the protocol ends the run with
its error. The outcome's `verdict`: PASS, it conforms; FAIL, it diverged or broke
the protocol (then `error` says how, and `tidegate conform` exits 2);
INCONCLUSIVE, the budget ended (time, memory, or Ctrl-C) before the coverage
goal was met, or Ctrl-C came while a divergence was being shrunk.

The coverage goal: every reachable kind at `SMALL_BOUNDS`, and every anchor run
(`ANCHORS`: caps 8, 32 and 64+, capacity 64+, hundreds of steps, items at the
ends of the signed 64-bit range), each at least `ANCHOR_STEPS` long.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from tidegate.model import Answer
from tidegate.proofs.conform.cases import Case, case_of
from tidegate.proofs.conform.coverage import CoverageKind, kinds_of, reachable_kinds
from tidegate.proofs.conform.generate import ANCHOR_STEPS, ANCHORS, coverage_cases, random_case
from tidegate.proofs.conform.probes import ProbeReport, run_probes
from tidegate.proofs.conform.runner import Mismatch, run_case

# Re-exported: `conform(command, Settings(...))` is this module's API.
from tidegate.proofs.conform.settings import Settings as Settings
from tidegate.proofs.conform.shrink import shrink_mismatch
from tidegate.proofs.core import Budget, BudgetExhausted, Verdict
from tidegate.proofs.protocol.adapter import Adapter, AdapterError
from tidegate.proofs.protocol.traces import recorded_traces


@dataclass
class Phase:
    """What one phase ran: cases and steps."""

    name: str
    cases: int = 0
    steps: int = 0


@dataclass
class ConformOutcome:
    """Everything a conformance run found; `verdict` judges it (see the module docstring)."""

    verdict: Verdict = Verdict.PASS
    phases: list[Phase] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    covered: int = 0
    reachable: int = 0
    anchors_run: int = 0
    """Anchor runs that ran, each at least `ANCHOR_STEPS` long (shorter ones do not count)."""
    budget_ended: bool = False
    stopped: str = ""
    """Why the run stopped early (`budget_ended`): the budget's own words, or `interrupted`."""
    error: AdapterError | None = None
    """The adapter broke the protocol (the verdict is then FAIL)."""
    protocol: ProbeReport | None = None
    found: Mismatch | None = None
    """The divergence as first seen."""
    minimal: Mismatch | None = None
    """The shrunk divergence (same as `found` for a trace that was not shrunk)."""
    shrink_runs: int = 0
    confirmed: bool = False
    source: str = ""
    """Where the divergence was found: a trace id or a generated case's label."""


Tick = Callable[[int], None]
_Work = tuple[str, str, Case, Sequence[Answer] | None]


def planned_cases(settings: Settings) -> int:
    """How many cases a full run feeds the adapter (for progress)."""
    recordings = 600 if settings.recordings else 0
    return recordings + len(settings.traces) + len(_coverage(settings)) + settings.max_examples


def _coverage(settings: Settings) -> list[Case]:
    return _coverage_for_seed(settings.seed) if settings.coverage else []


@functools.cache
def _coverage_for_seed(seed: int) -> list[Case]:
    return list(coverage_cases(_targets(), random.Random(seed)))


def _work(settings: Settings, budget: Budget | None = None) -> Iterator[_Work]:
    """(phase, label, case, expected answers or None for the model's) in run order."""
    traces = (recorded_traces() if settings.recordings else []) + list(settings.traces)
    for trace in traces:
        yield "traces", trace.id, case_of(trace), [step.result for step in trace.steps]
    for index, case in enumerate(_coverage(settings)):
        yield "coverage", f"coverage case {index}", case, None
    rng = random.Random(f"tidegate-conform-{settings.seed}")
    for index in range(settings.max_examples):
        case = random_case(rng, index, settings.max_steps, budget)
        yield "random", f"random run {index} ({case.describe()})", case, None


def conform(
    command: str, settings: Settings, tick: Tick | None = None, budget: Budget | None = None
) -> ConformOutcome:
    """Run the conformance check of the adapter started by `command` (see the module doc).

    `budget` (default: `settings.time_budget` seconds and the default memory limit)
    bounds the whole run, shrinking included; Ctrl-C ends it as a budget would, with
    what it covered so far.
    """
    start = time.monotonic()
    if budget is None:
        budget = Budget(settings.time_budget)
    outcome = ConformOutcome()
    targets = _targets()
    outcome.reachable = len(targets)
    covered: set[CoverageKind] = set()
    try:
        adapter = Adapter(command, timeout=settings.op_timeout)
    except AdapterError as exc:
        outcome.verdict, outcome.error = Verdict.FAIL, exc
        return outcome
    phases: dict[str, Phase] = {}
    label = "the protocol probes"
    try:
        if settings.check_protocol:
            outcome.protocol = run_probes(adapter)
        for done, (phase_name, label, case, expected) in enumerate(_work(settings, budget)):
            reason = budget.exhausted()
            if reason is not None:
                outcome.budget_ended, outcome.stopped = True, reason
                break
            found = run_case(adapter, case, expected, budget)
            phase = phases.setdefault(phase_name, Phase(phase_name))
            phase.cases += 1
            phase.steps += len(case.ops) if found is None else len(found.case.ops)
            if found is not None:
                outcome.found, outcome.source = found, label
                break
            if phase_name != "random":
                covered |= kinds_of(case) & targets.keys()
            anchor = phase_name == "random" and phase.cases <= len(ANCHORS)
            if anchor and len(case.ops) >= ANCHOR_STEPS:
                outcome.anchors_run += 1
            if tick is not None:
                tick(done + 1)
        if outcome.found is None:
            label = "the end of the session"
            adapter.finish()
    except BudgetExhausted as exc:
        outcome.budget_ended, outcome.stopped = True, str(exc)
    except KeyboardInterrupt:
        budget.interrupt()
        outcome.budget_ended, outcome.stopped = True, "interrupted"
    except AdapterError as exc:
        outcome.verdict, outcome.error = Verdict.FAIL, AdapterError(f"during {label}: {exc}")
    finally:
        outcome.requests = adapter.requests
        adapter.close()
    outcome.phases = list(phases.values())
    outcome.covered = len(covered)
    if outcome.error is None and outcome.found is not None:
        _minimize(command, settings, outcome, budget)
        outcome.verdict = Verdict.INCONCLUSIVE if budget.interrupted else Verdict.FAIL
    elif outcome.error is None:
        outcome.verdict = _verdict(outcome)
    outcome.seconds = time.monotonic() - start
    return outcome


@functools.cache
def _targets() -> dict[CoverageKind, Case]:
    return reachable_kinds()


def _verdict(outcome: ConformOutcome) -> Verdict:
    if outcome.protocol is not None and outcome.protocol.failures:
        return Verdict.FAIL
    goal = outcome.covered == outcome.reachable and outcome.anchors_run == len(ANCHORS)
    return Verdict.PASS if goal else Verdict.INCONCLUSIVE


def _minimize(command: str, settings: Settings, outcome: ConformOutcome, budget: Budget) -> None:
    """Shrink `outcome.found` (when the model is its reference) and confirm it afresh,
    within `budget` (its time, and `settings.shrink_budget` runs)."""
    found = outcome.found
    assert found is not None
    minimal = found
    # A trace whose recorded answers differ from the model is its own reference: not shrunk.
    if list(found.expected[1:]) == found.case.expected():
        holder = [Adapter(command, timeout=settings.op_timeout)]

        broken = [0]

        def test(case: Case) -> Mismatch | None:
            # Candidates that crash or hang the adapter are other failures: skip them, and
            # after a few stop trying (each hang costs the whole per-operation timeout).
            if broken[0] >= 3:
                return None
            try:
                return run_case(holder[0], case, budget=budget)
            except AdapterError:
                broken[0] += 1
                holder[0].close()
                holder[0] = Adapter(command, timeout=settings.op_timeout)
                return None

        try:
            minimal, outcome.shrink_runs = shrink_mismatch(
                found, test, budget.sub(steps=settings.shrink_budget)
            )
        finally:
            holder[0].close()
    outcome.minimal = minimal
    if budget.interrupted:
        outcome.stopped = budget.exhausted() or "interrupted"
        return
    try:
        with Adapter(command, timeout=settings.op_timeout) as fresh:
            expected = list(minimal.expected[1:])
            again = run_case(fresh, minimal.case, expected)
        outcome.confirmed = again is not None and again.answers == minimal.answers
    except AdapterError:
        outcome.confirmed = False
