"""Trace suites from the model, for ports that replay traces without Python.

`suite_traces` covers every reachable concrete transition — parameters,
buffer length, backlog length, receiver, operation — for every (capacity, cap)
up to the given bounds, one pair at a time, then adds long random runs at wide
bounds (the same runs `tidegate conform` makes). Every result is the model's
answer, so a port that replays the suite and matches every result conforms on
all of it. The traces come as they are made (a pair's search is all that is
held in memory), so that `tidegate traces generate` writes them as it goes and
stops, with what it wrote, when its budget runs out.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from tidegate.proofs.conform.cases import Case
from tidegate.proofs.conform.coverage import kinds_of, reachable, transition_of
from tidegate.proofs.conform.generate import coverage_cases, random_case
from tidegate.proofs.conform.task_runs import mixed_task_trace
from tidegate.proofs.core import Budget
from tidegate.proofs.protocol.traces import Trace


@dataclass
class Suite:
    """The traces made so far, and how many transitions exist and are covered at the
    bounds (pairs not reached yet, when a budget stopped the run, count in neither)."""

    traces: list[Trace] = field(default_factory=list)
    transitions: int = 0
    covered: int = 0
    pairs: int = 0
    """(capacity, cap) pairs whose coverage traces are all made."""
    runs: int = 0
    """Long random runs made."""
    task_traces: int = 0
    """Traces that mix task operations (v2) with v1 ones, made (with `tasks` only)."""


TASK_RUNS_PER_PAIR = 4
"""With tasks: random runs of `SUITE_TASK_STEPS` steps mixing tasks, at each (capacity, cap)."""
SUITE_TASK_STEPS = 60
SUITE_TASK_BOUND = 5
"""With tasks: the largest capacity and cap of the long task runs (as in the recordings)."""


def suite_traces(
    max_capacity: int,
    max_cap: int,
    runs: int,
    max_steps: int,
    seed: int,
    tally: Suite,
    budget: Budget | None = None,
    tasks: bool = False,
) -> Iterator[Trace]:
    """Coverage traces for capacity 1..max_capacity, cap 0..max_cap, pair by pair, then
    `runs` random runs; counts go to `tally` as they are made (its `traces` stay empty).
    With `tasks`, then traces that mix the task operations (v2) with v1 ones
    (`task_runs.mixed_task_trace`): `TASK_RUNS_PER_PAIR` at each pair, and `runs` of up to
    `max_steps` steps at capacity 1..5, cap 0..5. Without, the suite is v1 only, as
    before, for ports that speak v1 only.

    Raises BudgetExhausted when `budget` runs out between two traces (or inside a long
    random run)."""
    rng = random.Random(f"tidegate-suite-{seed}")
    number = 0
    for capacity in range(1, max_capacity + 1):
        for cap in range(max_cap + 1):
            if budget is not None:
                budget.check()
            targets = reachable([(capacity, cap)], transition_of)
            covered: set[object] = set()
            cases: Iterator[Case] = coverage_cases(targets, rng, extend=16, key=transition_of)
            for case in cases:
                covered |= kinds_of(case, transition_of) & targets.keys()
                yield case.to_trace(f"gen-{seed}-cover-{number}")
                number += 1
                if budget is not None:
                    budget.check()
            tally.transitions += len(targets)
            tally.covered += len(covered)
            tally.pairs += 1
    for index in range(runs):
        if budget is not None:
            budget.check()
        case = random_case(rng, index, max_steps, budget)
        yield case.to_trace(f"gen-{seed}-run-{index}")
        tally.runs += 1
    if tasks:
        yield from _task_traces(max_capacity, max_cap, runs, max_steps, seed, tally, budget)


def _task_traces(
    max_capacity: int,
    max_cap: int,
    runs: int,
    max_steps: int,
    seed: int,
    tally: Suite,
    budget: Budget | None,
) -> Iterator[Trace]:
    rng = random.Random(f"tidegate-task-suite-{seed}")
    for capacity in range(1, max_capacity + 1):
        for cap in range(max_cap + 1):
            for _ in range(TASK_RUNS_PER_PAIR):
                if budget is not None:
                    budget.check()
                trace_id = f"gen-{seed}-task-{tally.task_traces}"
                yield mixed_task_trace(rng, trace_id, capacity, cap, SUITE_TASK_STEPS)
                tally.task_traces += 1
    for index in range(runs):
        if budget is not None:
            budget.check()
        capacity, cap = rng.randint(1, SUITE_TASK_BOUND), rng.randint(0, SUITE_TASK_BOUND)
        steps = rng.randint(1, max_steps)
        yield mixed_task_trace(rng, f"gen-{seed}-taskrun-{index}", capacity, cap, steps)
        tally.task_traces += 1


def generate_suite(
    max_capacity: int, max_cap: int, runs: int, max_steps: int, seed: int, tasks: bool = False
) -> Suite:
    """The whole suite of `suite_traces` in memory: its traces and counts."""
    suite = Suite()
    suite.traces = list(
        suite_traces(max_capacity, max_cap, runs, max_steps, seed, suite, tasks=tasks)
    )
    return suite
