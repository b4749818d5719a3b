"""Trace suites from the model, for ports that replay traces without Python.

`generate_suite` covers every reachable concrete transition — parameters,
buffer length, backlog length, receiver, operation — for every (capacity, cap)
up to the given bounds, then adds long random runs at wide bounds (the same
runs `tidegate conform` makes). Every result is the model's answer, so a
port that replays the suite and matches every result conforms on all of it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tidegate.proofs.conform.cases import Case
from tidegate.proofs.conform.coverage import kinds_of, reachable, transition_of
from tidegate.proofs.conform.generate import coverage_cases, random_case
from tidegate.proofs.protocol.traces import Trace


@dataclass(frozen=True)
class Suite:
    """The traces, and how many transitions exist and are covered at the bounds."""

    traces: list[Trace]
    transitions: int
    covered: int


def generate_suite(max_capacity: int, max_cap: int, runs: int, max_steps: int, seed: int) -> Suite:
    """Coverage traces for capacity 1..max_capacity, cap 0..max_cap, then `runs` random runs."""
    bounds = [(c, k) for c in range(1, max_capacity + 1) for k in range(max_cap + 1)]
    targets = reachable(bounds, transition_of)
    rng = random.Random(f"tidegate-suite-{seed}")
    cases: list[Case] = list(coverage_cases(targets, rng, extend=16, key=transition_of))
    covered = set().union(*(kinds_of(c, transition_of) for c in cases)) & targets.keys()
    traces = [c.to_trace(f"gen-{seed}-cover-{n}") for n, c in enumerate(cases)]
    for index in range(runs):
        case = random_case(rng, index, max_steps)
        traces.append(case.to_trace(f"gen-{seed}-run-{index}"))
    return Suite(traces, len(targets), len(covered))
