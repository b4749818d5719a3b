"""Exploring schedules: every one at small bounds (as loom does), random ones beyond (as shuttle).

`explore_all` is a breadth-first search over schedules: each node is a schedule
prefix, re-run from a fresh world (the tasks cannot be copied), and pruned when
it reaches a state already seen (same observations, same model state, same
coroutine positions and locals). Breadth-first means the first schedule that
shows a violation or a finding is one of the shortest. `explore_random` runs
PCT (probabilistic concurrency testing): random role priorities, lowered at a
few random steps, with a reproducible seed; what it finds is then shrunk.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tidegate.proofs.core import Budget
from tidegate.proofs.interleave.coverage import Kind
from tidegate.proofs.interleave.properties import Finding, InterleaveProperty
from tidegate.proofs.interleave.run import Event, Run
from tidegate.proofs.interleave.world import REFERENCE_LOOPS, Loops, Scenario, abandon_worlds

Progress = Callable[[int], None]


@dataclass(frozen=True)
class InterleaveWitness:
    """A property broken, or a finding shown, by `schedule` (the steps up to and including
    the one where it was seen)."""

    event: Event
    schedule: tuple[str, ...]


@dataclass
class InterleaveExploration:
    """What an exploration covered and what it found."""

    scenario: Scenario
    mode: str
    executions: int = 0
    states: int = 0
    complete: int = 0
    outcomes: set[object] = field(default_factory=set)
    stuck: int = 0
    exhausted: bool = False
    stopped: str | None = None
    """Why the exploration ended early (a budget, Ctrl-C), or None."""
    seconds: float = 0.0
    violations: dict[InterleaveProperty, InterleaveWitness] = field(default_factory=dict)
    findings: dict[Finding, InterleaveWitness] = field(default_factory=dict)
    covered: set[Kind] = field(default_factory=set)
    """The protocol model's kinds of step taken in lockstep (none without the model)."""

    def absorb(self, run: Run) -> None:
        self.covered |= run.covered
        for table, events in ((self.violations, run.violations), (self.findings, run.findings)):
            for what, event in events.items():
                if what not in table:
                    table[what] = InterleaveWitness(event, tuple(run.schedule[: event.step]))  # type: ignore[index]


def run_schedule(
    scenario: Scenario,
    roles: Sequence[str],
    loops: Loops = REFERENCE_LOOPS,
    *,
    with_model: bool | None = None,
) -> Run:
    """Run `roles` in order on a fresh world. Raises KeyError naming the first role that
    could not run at its step."""
    run = Run(scenario, loops, with_model=loops.is_reference if with_model is None else with_model)
    for index, role in enumerate(roles):
        if role not in run.runnable():
            runnable = run.runnable()
            run.discard()
            raise KeyError(
                f"step {index + 1}: role {role} cannot run (runnable: {runnable or 'none'})"
            )
        run.step(role)
    return run


def run_to_end(run: Run, *, max_steps: int = 10_000) -> Run:
    """Continue `run` with the first runnable role at each step until it finishes."""
    while not run.finished and len(run.schedule) < max_steps:
        run.step(run.runnable()[0])
    return run


def explore_all(
    scenario: Scenario,
    loops: Loops = REFERENCE_LOOPS,
    *,
    max_executions: int = 200_000,
    deadline: float | None = None,
    tick: Progress | None = None,
    budget: Budget | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> InterleaveExploration:
    """Every schedule of `scenario`, depth first, pruning states already seen.

    A run continues into its first child; each other child re-runs its prefix
    from a fresh world (`executions` counts those runs). Witnesses are then
    shrunk to the shortest schedule found that still shows the same thing.
    `exhausted` is False when `max_executions`, `deadline` (a value of `clock`:
    `time.monotonic` by default, or `time.thread_time` for a budget of CPU seconds
    that a busy machine does not shrink) or `budget` (Ctrl-C included) stopped it
    first: the result is then inconclusive, and `stopped` says why.
    """
    start = time.monotonic()
    result = InterleaveExploration(scenario, "exhaustive")
    seen: set[object] = set()
    try:
        _search(result, seen, loops, max_executions, (deadline, clock), tick, budget)
    except KeyboardInterrupt:
        # Runs were dropped mid-step: close what never started, keep what was covered.
        abandon_worlds()
        if budget is not None:
            budget.interrupt()
        result.stopped, result.exhausted = "interrupted", False
    result.states = len(seen)
    result.seconds = time.monotonic() - start
    if tick is not None:
        tick(result.executions)
    if result.stopped != "interrupted":
        _shrink_all(result, loops, budget)
    return result


def _search(
    result: InterleaveExploration,
    seen: set[object],
    loops: Loops,
    max_executions: int,
    deadline: tuple[float | None, Callable[[], float]],
    tick: Progress | None,
    budget: Budget | None,
) -> None:
    """The depth-first search of `explore_all`, recording into `result` and `seen`."""
    scenario = result.scenario
    with_model = loops.is_reference
    # Each entry: the prefix, a run already at prefix[:-1] to continue (or None: re-run
    # the prefix unchecked, its steps were checked on the way here), and the model state
    # at prefix[:-1].
    stack: list[tuple[tuple[str, ...], Run | None, object]] = [((), None, None)]
    while stack:
        stopped = _stopped(result, max_executions, deadline, budget)
        if stopped is not None:
            result.stopped = stopped
            for _, pending, _ in stack:
                if pending is not None:
                    pending.discard()
            return
        prefix, run, model = stack.pop()
        if run is None:
            run = Run(scenario, loops, with_model=with_model)
            for role in prefix[:-1]:
                run.step(role, check=False)
            if prefix:
                run.model = model  # type: ignore[assignment]
                run.step(prefix[-1])
            result.executions += 1
            if tick is not None and result.executions % 50 == 0:
                tick(result.executions)
        else:
            run.step(prefix[-1])
        result.absorb(run)
        state = run.key()
        if state in seen or run.finished or run.violations:
            if state not in seen:
                seen.add(state)
                if run.finished:
                    result.complete += 1
                    result.stuck += bool(run.stuck)
                    result.outcomes.add(run.observe())
            run.discard()
            continue
        seen.add(state)
        children = run.runnable()
        here = run.model
        stack.extend((prefix + (role,), None, here) for role in reversed(children[1:]))
        stack.append((prefix + (children[0],), run, here))
    result.exhausted = True


def _stopped(
    result: InterleaveExploration,
    max_executions: int,
    deadline: tuple[float | None, Callable[[], float]],
    budget: Budget | None,
) -> str | None:
    if result.executions >= max_executions:
        return f"the limit of {max_executions:,} executions was reached"
    until, clock = deadline
    if until is not None and clock() > until:
        return "the time budget ran out"
    return None if budget is None else budget.exhausted()


def _shrink_all(result: InterleaveExploration, loops: Loops, budget: Budget | None) -> None:
    """Shrink every witness, unless the budget is spent (then each stays as found)."""
    for table in (result.violations, result.findings):
        for what, witness in list(table.items()):
            if budget is not None and budget.exhausted() is not None:
                return
            table[what] = shrink_witness(result.scenario, witness, loops, budget)  # type: ignore[index]


def explore_random(
    scenario: Scenario,
    loops: Loops = REFERENCE_LOOPS,
    *,
    runs: int,
    seed: int,
    depth: int = 3,
    max_steps: int = 5_000,
    tick: Progress | None = None,
    budget: Budget | None = None,
) -> InterleaveExploration:
    """`runs` PCT schedules from `seed` (reproducible), each to its end; what they find
    is shrunk to a shorter schedule that still shows it. Stops early when `budget` runs
    out (Ctrl-C included): `stopped` then says why, and the result is inconclusive."""
    start = time.monotonic()
    result = InterleaveExploration(scenario, f"random (PCT depth {depth}, seed {seed})")
    try:
        _random_runs(result, loops, runs, seed, depth, max_steps, tick, budget)
    except KeyboardInterrupt:
        abandon_worlds()
        if budget is not None:
            budget.interrupt()
        result.stopped = "interrupted"
    if result.stopped != "interrupted":
        _shrink_all(result, loops, budget)
    result.states = len(result.outcomes)
    result.seconds = time.monotonic() - start
    return result


def _random_runs(
    result: InterleaveExploration,
    loops: Loops,
    runs: int,
    seed: int,
    depth: int,
    max_steps: int,
    tick: Progress | None,
    budget: Budget | None,
) -> None:
    """The runs of `explore_random`, recorded into `result`."""
    scenario = result.scenario
    rng = random.Random(seed)
    with_model = loops.is_reference
    for index in range(runs):
        stopped = None if budget is None else budget.exhausted()
        if stopped is not None:
            result.stopped = stopped
            break
        run = Run(scenario, loops, with_model=with_model)
        priority: dict[str, float] = {}
        change_at = set(rng.sample(range(1, 4 * scenario.wire + 40), depth - 1))
        while not run.finished and len(run.schedule) < max_steps:
            ready = run.runnable()
            for role in ready:
                priority.setdefault(role, rng.random())
            role = max(ready, key=priority.__getitem__)
            if len(run.schedule) in change_at:
                priority[role] = -rng.random()
            run.step(role)
        result.executions += 1
        result.complete += run.finished
        result.stuck += bool(run.stuck)
        result.outcomes.add(run.observe())
        result.absorb(run)
        if tick is not None:
            tick(index + 1)


def shows(scenario: Scenario, roles: Sequence[str], what: object, loops: Loops) -> bool:
    """True when `roles`, run leniently (steps whose role cannot run are skipped), shows `what`."""
    run = Run(scenario, loops, with_model=loops.is_reference)
    for role in roles:
        if run.finished:
            break
        if role in run.runnable():
            run.step(role)
    shown = what in run.violations or what in run.findings
    run.discard()
    return shown


def shrink_witness(
    scenario: Scenario, witness: InterleaveWitness, loops: Loops, budget: Budget | None = None
) -> InterleaveWitness:
    """Drop steps one at a time while the schedule still shows the same thing (until
    `budget`, if given, runs out: then the shortest schedule so far)."""
    what = witness.event.what
    roles = list(witness.schedule)
    changed = True
    while changed:
        changed = False
        for i in range(len(roles) - 1, -1, -1):
            if budget is not None and budget.exhausted() is not None:
                changed = False
                break
            candidate = roles[:i] + roles[i + 1 :]
            if shows(scenario, candidate, what, loops):
                roles, changed = candidate, True
    run = Run(scenario, loops, with_model=loops.is_reference)
    kept: list[str] = []
    for role in roles:
        if run.finished:
            break
        if role in run.runnable():
            run.step(role)
            kept.append(role)
    table: dict[Any, Event] = (
        run.violations if isinstance(what, InterleaveProperty) else run.findings
    )
    event = table.get(what, witness.event)
    run.discard()
    return InterleaveWitness(event, tuple(kept[: event.step]))
