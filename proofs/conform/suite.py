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


def suite_traces(
    max_capacity: int,
    max_cap: int,
    runs: int,
    max_steps: int,
    seed: int,
    tally: Suite,
    budget: Budget | None = None,
) -> Iterator[Trace]:
    """Coverage traces for capacity 1..max_capacity, cap 0..max_cap, pair by pair, then
    `runs` random runs; counts go to `tally` as they are made (its `traces` stay empty).

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


def generate_suite(max_capacity: int, max_cap: int, runs: int, max_steps: int, seed: int) -> Suite:
    """The whole suite of `suite_traces` in memory: its traces and counts."""
    suite = Suite()
    suite.traces = list(suite_traces(max_capacity, max_cap, runs, max_steps, seed, suite))
    return suite
