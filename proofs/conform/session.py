"""One conformance run against an adapter: replay, coverage, deep runs, wide random runs.

`conform(command, settings)` starts the adapter and feeds it, in order: the
protocol probes (with `check_protocol`), the shipped recordings and any extra
traces, the coverage cases, the anchor runs (the first random runs), the deep
runs (`tidegate.proofs.conform.deep`: long runs and boundary sizes where a
port's integers wrap), then the other random runs, comparing every answer.
The first failure — a wrong answer, or an adapter that dies, hangs or writes
a non-answer at some request — is shrunk and confirmed on a fresh adapter
process. The outcome's `verdict`: PASS, it conforms; FAIL, it diverged, failed
(`adapter_failed`: `tidegate conform` exits 4) or broke the protocol where no
trace shows it (then `error` says how); INCONCLUSIVE, the budget ended (time,
memory, or Ctrl-C) before the goal was met, or Ctrl-C came while a failure
was being shrunk.

The goal: every reachable kind at `SMALL_BOUNDS`, every anchor run (`ANCHORS`:
caps 8, 32 and 64+, capacity 64+, hundreds of steps, items at the ends of the
signed 64-bit range), each at least `ANCHOR_STEPS` long, and, unless `deep` is
off, every deep run. The time budget covers the search; a failure found is
shrunk until it ends, but for at least `shrink_seconds`.
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
from tidegate.proofs.conform.deep import DEEP_RUNS, deep_cases
from tidegate.proofs.conform.generate import ANCHOR_STEPS, ANCHORS, coverage_cases, random_case
from tidegate.proofs.conform.probes import ProbeReport, run_probes
from tidegate.proofs.conform.runner import Mismatch, run_case

# Re-exported: `conform(command, Settings(...))` is this module's API.
from tidegate.proofs.conform.settings import Settings as Settings
from tidegate.proofs.conform.shrink import shrink_mismatch
from tidegate.proofs.core import AdapterFailure, Budget, BudgetExhausted, TidegateError, Verdict
from tidegate.proofs.protocol.adapter import Adapter, AdapterError, Breach
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
    deep_run: int = 0
    deep_planned: int = 0
    budget_ended: bool = False
    stopped: str = ""
    """Why the run stopped early (`budget_ended`): the budget's own words, or `interrupted`."""
    error: AdapterError | None = None
    """The adapter broke the protocol where no trace shows it: it cannot be started, its
    answers fell out of step with the requests, it wrote after its input closed, or it
    failed during the protocol probes (the verdict is then FAIL)."""
    protocol: ProbeReport | None = None
    found: Mismatch | None = None
    """The failure as first seen: a wrong answer, or the adapter failing at a request."""
    minimal: Mismatch | None = None
    """The shrunk failure (same as `found` for one that was not shrunk)."""
    shrink_runs: int = 0
    shrink_complete: bool = True
    """False when shrinking stopped at its budget: the trace may not be minimal."""
    shrunk: bool = True
    """False when the failure was not shrunk: a recorded trace is its own reference, and
    every try of a hang costs the whole timeout."""
    confirmed: bool = False
    source: str = ""
    """Where the failure was found: a trace id or a generated case's label."""
    phase: str = ""
    """The phase it was found in."""
    settings: Settings = field(default_factory=Settings)

    @property
    def goal_met(self) -> bool:
        """Every coverage kind, every anchor run and every planned deep run was run."""
        anchors = self.anchors_run == len(ANCHORS)
        return self.covered == self.reachable and anchors and self.deep_run == self.deep_planned

    def conclusion(self) -> Verdict | TidegateError:
        """What the run concluded, for its exit code: the verdict, or the adapter's failure
        (`AdapterFailure`, exit 4), or the error that kept it from starting (exit 2)."""
        if self.adapter_failed:
            if self.found is not None:
                where = "at new" if self.found.step < 0 else f"at step {self.found.step}"
                return AdapterFailure(f"in {self.source} {where}: {self.found.error}")
            return AdapterFailure(str(self.error))
        return self.error if self.error is not None else self.verdict

    @property
    def adapter_failed(self) -> bool:
        """The adapter failed mid-run (exit 4), rather than answering wrongly or failing to
        start (exit 2)."""
        if self.found is not None:
            return self.found.breach is not None
        return self.error is not None and self.error.breach is not Breach.START


Tick = Callable[[int], None]
_Work = tuple[str, str, Case, Sequence[Answer] | None]


def planned_cases(settings: Settings) -> int:
    """How many cases a full run feeds the adapter (for progress)."""
    recordings = 600 if settings.recordings else 0
    deep = DEEP_RUNS if settings.deep else 0
    coverage = len(_coverage(settings))
    return recordings + len(settings.traces) + coverage + deep + settings.max_examples


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
    anchors = min(settings.max_examples, len(ANCHORS))
    for index in range(settings.max_examples):
        case = random_case(rng, index, settings.max_steps, budget)
        yield "random", f"random run {index} ({case.describe()})", case, None
        if index + 1 == anchors:
            yield from _deep_work(settings)
    if anchors == 0:
        yield from _deep_work(settings)


def _deep_work(settings: Settings) -> Iterator[_Work]:
    if settings.deep:
        for name, case in deep_cases(settings.seed):
            yield "deep", f"deep run {name} ({case.describe()})", case, None


def conform(
    command: str, settings: Settings, tick: Tick | None = None, budget: Budget | None = None
) -> ConformOutcome:
    """Run the conformance check of the adapter started by `command` (see the module doc).

    `budget` (default: `settings.time_budget` seconds and the default memory limit)
    bounds the search; shrinking a failure may outlast it by `settings.shrink_seconds`.
    Ctrl-C ends the run as a budget would, with what it covered so far.
    """
    start = time.monotonic()
    if budget is None:
        budget = Budget(settings.time_budget)
    outcome = ConformOutcome(settings=settings)
    targets = _targets()
    outcome.reachable = len(targets)
    outcome.deep_planned = DEEP_RUNS if settings.deep else 0
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
                outcome.found, outcome.source, outcome.phase = found, label, phase_name
                break
            if phase_name in ("traces", "coverage"):
                covered |= kinds_of(case) & targets.keys()
            anchor = phase_name == "random" and phase.cases <= len(ANCHORS)
            if anchor and len(case.ops) >= ANCHOR_STEPS:
                outcome.anchors_run += 1
            if phase_name == "deep":
                outcome.deep_run = phase.cases
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
        outcome.verdict = Verdict.FAIL
        outcome.error = AdapterError(f"during {label}: {exc}", exc.breach)
    finally:
        outcome.requests = adapter.requests
        adapter.close()
    outcome.phases = list(phases.values())
    outcome.covered = len(covered)
    if outcome.error is None and outcome.found is not None:
        left = budget.left()
        seconds = None if left is None else max(left, settings.shrink_seconds)
        _minimize(command, settings, outcome, budget.sub(seconds, outlast=True))
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
    return Verdict.PASS if outcome.goal_met else Verdict.INCONCLUSIVE


class _Runs:
    """Runs shrinking candidates on one adapter process while it lives, starting another
    when needed.

    A candidate that makes the adapter fail is run again on a fresh process
    before it counts: a failure that needs the earlier candidates' requests (or,
    in the tests' bad adapters, a count of requests) is not the trace's.
    """

    def __init__(self, command: str, timeout: float, budget: Budget) -> None:
        self.command = command
        self.timeout = timeout
        self.budget = budget
        self.adapter: Adapter | None = None
        self.errors = 0

    def run(self, case: Case) -> Mismatch | None:
        # Candidates that hang the adapter or throw its lines out of step are other
        # failures: skip them, and after a few stop trying (a hang costs the whole timeout).
        if self.errors >= 3:
            return None
        if self.adapter is None:
            self.adapter = Adapter(self.command, timeout=self.timeout)
        fresh = self.adapter.requests == 0
        try:
            found = run_case(self.adapter, case, budget=self.budget, confirm=False)
        except AdapterError:
            self.errors += 1
            self.close()
            return None
        if found is None or found.breach is None:
            return found
        self.close()
        if found.breach is Breach.NO_ANSWER:
            self.errors += 1
        if fresh:
            return found
        with Adapter(self.command, timeout=self.timeout) as again:
            second = run_case(again, case, budget=self.budget, confirm=False)
        return second if second is not None and second.same_kind(found) else None

    def close(self) -> None:
        if self.adapter is not None:
            self.adapter.close()
            self.adapter = None


def _minimize(command: str, settings: Settings, outcome: ConformOutcome, budget: Budget) -> None:
    """Shrink `outcome.found` (when the model is its reference) and confirm it afresh,
    within `budget` (its time, and `settings.shrink_budget` runs)."""
    found = outcome.found
    assert found is not None
    minimal = found
    # A trace whose recorded answers differ from the model is its own reference; a hang
    # costs the whole timeout at every try.
    own = outcome.phase == "traces" and list(found.expected[1:]) != found.case.expected()
    outcome.shrunk = not own and found.breach is not Breach.NO_ANSWER
    if outcome.shrunk:
        runs = _Runs(command, settings.op_timeout, budget)
        try:
            shrunk = shrink_mismatch(found, runs.run, budget.sub(steps=settings.shrink_budget))
            minimal, outcome.shrink_runs, outcome.shrink_complete = shrunk
        except AdapterError:
            outcome.shrink_complete = False  # the adapter cannot even be started again
        finally:
            runs.close()
    outcome.minimal = minimal
    if budget.interrupted:
        outcome.stopped = budget.exhausted() or "interrupted"
        return
    try:
        with Adapter(command, timeout=settings.op_timeout) as fresh:
            expected = list(minimal.expected[1:])
            again = run_case(fresh, minimal.case, expected, confirm=False)
    except AdapterError:
        again = None
    outcome.confirmed = (
        again is not None
        and again.same_kind(minimal)
        and again.answers == minimal.answers
        and again.case == minimal.case
    )
