"""One conformance run against an adapter: replay, coverage, deep runs, wide random runs.

`conform(command, settings)` starts the adapter and feeds it, in order: the
protocol probes (with `check_protocol`), the shipped recordings and any extra
traces, the coverage cases, the anchor runs (the first random runs), the deep
runs (`tidegate.proofs.conform.deep`: long runs and boundary sizes where a
port's integers wrap), then the other random runs, comparing every answer.

The asynchronous half (v2 tasks) is checked when the adapter speaks it: a
session on a process of its own asks it each task operation, and an adapter
that answers every one Unsupported is a v1 port (`v1_only`: checked on v1 alone, and told so;
PASS means "conforms on v1 only", or INCONCLUSIVE with `require_v2`). Any
other adapter gets the 600 task recordings after the v1 ones, the v2 coverage
cases (`tidegate.proofs.conform.taskcoverage`) after the v1 ones, and random
task runs in turn with the random runs after the anchors.
The first failure — a wrong answer, or an adapter that dies, hangs or writes
a non-answer at some request — is shrunk and confirmed on a fresh adapter
process. The outcome's `verdict`: PASS, it conforms; FAIL, it diverged, failed
(`adapter_failed`: `tidegate conform` exits 4) or broke the protocol where no
trace shows it (then `error` says how); INCONCLUSIVE, the budget ended (time,
memory, or Ctrl-C) before the goal was met, or Ctrl-C came while a failure
was being shrunk.

The goal: every reachable kind at `SMALL_BOUNDS`, every anchor run (`ANCHORS`:
caps 8, 32 and 64+, capacity 64+, hundreds of steps, items at the ends of the
signed 64-bit range), each at least `ANCHOR_STEPS` long, unless `deep` is
off, every deep run, and, for a v2 adapter, every reachable v2 kind. The
time budget covers the search; a failure found is shrunk until it ends, but
for at least `shrink_seconds`.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from tidegate.model import Answer
from tidegate.proofs.conform.cases import Case, case_of
from tidegate.proofs.conform.coverage import CoverageKind, kinds_of, reachable_kinds
from tidegate.proofs.conform.deep import DEEP_RUNS, deep_cases
from tidegate.proofs.conform.generate import (
    ANCHOR_STEPS,
    ANCHORS,
    coverage_cases,
    random_case,
    task_run,
)
from tidegate.proofs.conform.probes import ProbeReport, run_probes
from tidegate.proofs.conform.runner import Mismatch, run_case

# Re-exported: `conform(command, Settings(...))` is this module's API.
from tidegate.proofs.conform.settings import Settings as Settings
from tidegate.proofs.conform.shrink import shrink_mismatch
from tidegate.proofs.conform.taskcoverage import (
    TaskCoverageKind,
    reachable_task_kinds,
    task_kind_of,
    task_moves,
)
from tidegate.proofs.core import AdapterFailure, Budget, BudgetExhausted, TidegateError, Verdict
from tidegate.proofs.protocol.adapter import Adapter, AdapterError, Breach
from tidegate.proofs.protocol.traces import recorded_task_traces, recorded_traces
from tidegate.proofs.protocol.wire import RequestError, dumps
from tidegate.proofs.report import Ticker


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
    v1_only: bool = False
    """The adapter answered every task operation Unsupported: its port was checked on v1
    only (no v2 case ran, the v2 kinds are not in the goal)."""
    task_covered: int = 0
    task_reachable: int = 0
    """v2 kinds covered and reachable (0 and 0 when v2 was not checked)."""
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
        tasks = self.task_covered == self.task_reachable
        return (
            self.covered == self.reachable
            and anchors
            and self.deep_run == self.deep_planned
            and tasks
        )

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


_Work = tuple[str, str, Case, Sequence[Answer] | None]


def planned_cases(settings: Settings, v2: bool = True) -> int:
    """How many cases a full run feeds the adapter (for progress); `v2`: if it speaks v2."""
    recordings = (1200 if v2 and settings.tasks else 600) if settings.recordings else 0
    deep = DEEP_RUNS if settings.deep else 0
    coverage = len(_coverage(settings)) + (len(_task_coverage(settings)) if v2 else 0)
    runs = settings.max_examples + (settings.task_examples if v2 and settings.tasks else 0)
    return recordings + len(settings.traces) + coverage + deep + runs


def _coverage(settings: Settings) -> list[Case]:
    return _coverage_for_seed(settings.seed) if settings.coverage else []


def _task_coverage(settings: Settings) -> list[Case]:
    return _task_coverage_for_seed(settings.seed) if settings.coverage and settings.tasks else []


@functools.cache
def _coverage_for_seed(seed: int) -> list[Case]:
    return list(coverage_cases(_targets(), random.Random(seed)))


@functools.cache
def _task_coverage_for_seed(seed: int) -> list[Case]:
    rng = random.Random(f"tidegate-tasks-{seed}")
    key = task_kind_of  # None for a v1 kind: never a target
    # Short extensions: a task case's every step weighs each next operation's kind.
    cases = coverage_cases(_task_targets(), rng, 8, key, task_moves)  # type: ignore[arg-type]
    return list(cases)


def _work(settings: Settings, budget: Budget | None = None, v2: bool = True) -> Iterator[_Work]:
    """(phase, label, case, expected answers or None for the model's) in run order; the
    v2 work only when `v2` (the adapter speaks it) and `settings.tasks`."""
    v2 = v2 and settings.tasks
    traces = (recorded_traces() if settings.recordings else []) + list(settings.traces)
    if v2 and settings.recordings:
        traces[600:600] = recorded_task_traces()
    for trace in traces:
        yield "traces", trace.id, case_of(trace), [step.result for step in trace.steps]
    for index, case in enumerate(_coverage(settings)):
        yield "coverage", f"coverage case {index}", case, None
    for index, case in enumerate(_task_coverage(settings) if v2 else []):
        yield "task coverage", f"task coverage case {index}", case, None
    rng = random.Random(f"tidegate-conform-{settings.seed}")
    task_rng = random.Random(f"tidegate-conform-tasks-{settings.seed}")
    task_runs = iter(range(settings.task_examples if v2 else 0))
    anchors = min(settings.max_examples, len(ANCHORS))
    for index in range(settings.max_examples):
        case = random_case(rng, index, settings.max_steps, budget)
        yield "random", f"random run {index} ({case.describe()})", case, None
        if index + 1 == anchors:
            yield from _deep_work(settings)
        if index + 1 >= anchors:
            yield from _task_work(task_rng, settings, task_runs, 1)
    if anchors == 0:
        yield from _deep_work(settings)
    yield from _task_work(task_rng, settings, task_runs, None)


def _task_work(
    rng: random.Random, settings: Settings, runs: Iterator[int], most: int | None
) -> Iterator[_Work]:
    """The next `most` random task runs (all that are left when None)."""
    for count, index in enumerate(runs, 1):
        case = task_run(rng, settings.max_steps)
        yield "task runs", f"task run {index} ({case.describe()})", case, None
        if count == most:
            return


def _deep_work(settings: Settings) -> Iterator[_Work]:
    if settings.deep:
        for name, case in deep_cases(settings.seed):
            yield "deep", f"deep run {name} ({case.describe()})", case, None


def conform(
    command: str, settings: Settings, tick: Ticker | None = None, budget: Budget | None = None
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
    outcome.deep_planned = DEEP_RUNS if settings.deep else 0
    covered: set[CoverageKind] = set()
    task_covered: set[TaskCoverageKind] = set()
    try:
        # Working out the targets and the plan takes seconds of CPU: a Ctrl-C then must
        # still end in the report of what ran (nothing), as it does later.
        targets = _targets()
        outcome.reachable = len(targets)
        if tick is not None:
            tick(0, planned_cases(settings, v2=settings.tasks))
        adapter = Adapter(command, timeout=settings.op_timeout)
    except AdapterError as exc:
        outcome.verdict, outcome.error = Verdict.FAIL, exc
        return outcome
    except KeyboardInterrupt:
        budget.interrupt()
        outcome.budget_ended, outcome.stopped = True, "interrupted"
        outcome.verdict = Verdict.INCONCLUSIVE
        outcome.seconds = time.monotonic() - start
        return outcome
    phases: dict[str, Phase] = {}
    label = "the protocol probes"
    try:
        if settings.check_protocol:
            outcome.protocol = run_probes(adapter)
        outcome.v1_only = settings.tasks and _v1_only(command, settings.op_timeout)
        v2 = settings.tasks and not outcome.v1_only
        task_targets = _task_targets() if v2 and settings.coverage else {}
        if tick is not None and not v2:
            # The first estimate counted the v2 cases a v1-only adapter will not be given.
            tick(0, planned_cases(settings, v2=False))
        outcome.task_reachable = len(task_targets)
        for done, (phase_name, label, case, expected) in enumerate(_work(settings, budget, v2)):
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
            if phase_name in ("traces", "task coverage") and task_targets and case.has_tasks:
                task_covered |= task_targets.keys() & kinds_of(case, task_kind_of)
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
    outcome.task_covered = len(task_covered)
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


@functools.cache
def _task_targets() -> dict[TaskCoverageKind, Case]:
    return reachable_task_kinds()


_V2_PROBE = (
    {"op": "new", "capacity": 1, "cap": 0},
    {"op": "send", "item": 1},
    {"op": "recv"},
    {"op": "notified"},
    {"op": "notify_one"},
    {"op": "poll", "task": 1},
    {"op": "cancel", "task": 1},
)
_UNSUPPORTED = RequestError("Unsupported")


def speaks_v2(adapter: Adapter) -> bool:
    """False when `adapter` answers every task operation Unsupported (a v1 port), True
    otherwise: then its answers are checked case by case, so a port that knows some
    task operations and not others diverges where it answers Unsupported.

    Raises AdapterError when the adapter fails to answer."""
    adapter.send_lines([dumps(request) for request in _V2_PROBE])
    replies = [adapter.receive() for _ in _V2_PROBE]
    return any(reply != _UNSUPPORTED for reply in replies[1:])


def _v1_only(command: str, timeout: float) -> bool:
    """True when the adapter answers every task operation Unsupported, asked on a process
    of its own (so that the checked session's requests are the same for any adapter); an
    adapter that fails to answer is not taken for a v1 one: the session shows its failure."""
    try:
        with Adapter(command, timeout=timeout) as adapter:
            return not speaks_v2(adapter)
    except AdapterError:
        return False


def _verdict(outcome: ConformOutcome) -> Verdict:
    if outcome.protocol is not None and outcome.protocol.failures:
        return Verdict.FAIL
    if outcome.v1_only and outcome.settings.require_v2:
        return Verdict.INCONCLUSIVE
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
