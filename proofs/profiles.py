"""How hard `tidegate verify` works: every capability's sizes and budgets, per profile.

`PROFILES` is the one table: a row per profile, a column per capability. Each
capability's check reads its own column (`PROFILES[ctx.profile].explore`, ...)
and nothing else sizes a check. Budgets are seconds of wall time, except
CrossHair's per-condition budgets, which are CPU seconds (so that a busy
machine does not shrink the search). Aims on 2 cores: quick under 20 s (CI
runs it), default under 2 minutes, thorough about half an hour.
"""

from __future__ import annotations

from dataclasses import dataclass

from tidegate.impl.variants import Variant
from tidegate.proofs.conform.generate import ANCHORS
from tidegate.proofs.core import Profile
from tidegate.proofs.crosshair.run import CrosshairBudget
from tidegate.proofs.explore.search import DEFAULT_BOUNDS, Bounds
from tidegate.proofs.interleave.bounds import DEFAULT_SCENARIOS, with_variant
from tidegate.proofs.interleave.properties import Finding
from tidegate.proofs.interleave.world import Scenario


@dataclass(frozen=True)
class ExploreSizes:
    """The bound sets explored, each once per run, and the seconds all of them may take
    together before they are cut short (the checks are then inconclusive)."""

    bounds: tuple[Bounds, ...]
    budget: float


@dataclass(frozen=True)
class DifferentialSizes:
    """`rounds` runs of `programs` programs of up to `steps` steps, within `budget` seconds."""

    rounds: int
    programs: int
    steps: int
    budget: float


@dataclass(frozen=True)
class CrosshairSizes:
    """The contracts' search budget, what it covers, and the diffbehavior search.

    `every_module` False checks the queue's and the channel's model only; `task_modules`
    False leaves out the asynchronous half's modules (`crosshair.check.TASK_MODULES`), whose
    subjects with tasks CrossHair builds too slowly for a small budget; `classes` also checks
    that the classes' methods keep their invariants (CrossHair may not even build them
    within a tiny budget). A budget with `task_free` searches subjects without tasks.
    `task_transitions`, where `task_modules` is False, is the budget of a run of its own over
    the task transitions (`tidegate.model.tasks`), on small subjects with tasks built valid
    (`crosshair.small_tasks`), so that every profile searches them; `task_functions` names
    the ones searched (all of them when empty).
    `diffbehavior` is the CPU seconds the search for a program on which model and
    implementation differ may take; `diffbehavior_in_verify` says whether `verify` runs it
    (minutes: thorough only)."""

    contracts: CrosshairBudget
    every_module: bool
    task_modules: bool
    classes: bool
    task_transitions: CrosshairBudget | None
    task_functions: tuple[str, ...]
    diffbehavior: float
    diffbehavior_in_verify: bool


@dataclass(frozen=True)
class ConformSizes:
    """`tidegate serve --subject impl` through `conform`: the recordings or not (they have
    their own check), the random runs after the coverage cases, their longest run, the
    deep runs or not (about 10 s), the seconds the search may take (None: no limit), and
    the random task runs (v2: with them come the task recordings, if `recordings`, and
    every reachable task kind, about 5 s more; 0 leaves tasks out)."""

    recordings: bool
    random_runs: int
    max_steps: int
    deep: bool
    time_budget: float | None
    task_runs: int = 0


@dataclass(frozen=True)
class InterleaveSizes:
    """The scenarios explored exhaustively (the seed's, then our variants'), the findings
    the seed must show there, the CPU seconds the exhaustive explorations may take (of the
    thread running them: a busy machine makes them slower, not smaller), and PCT
    schedules on top, `random_runs` per variant at `random_scenario`. The budget leaves
    room to spare (alone on an idle machine the check needs about half of it)."""

    scenarios: tuple[Scenario, ...]
    seed_findings: tuple[Finding, ...]
    budget: float
    random_runs: int
    random_scenario: Scenario


@dataclass(frozen=True)
class Sizes:
    """One profile's row: every capability's sizes."""

    explore: ExploreSizes
    differential: DifferentialSizes
    crosshair: CrosshairSizes
    conform: ConformSizes
    interleave: InterleaveSizes


_SMALL_BOUNDS = (Bounds(1, 1, 3, 2), Bounds(2, 2, 4, 3), Bounds(1, 2, 4, 1), Bounds(2, 0, 4, 2))
# C=1/2 K=32 is the seed's event cap; DEFAULT_BOUNDS (C=4 K=8) its dispatch cap. States
# (the packed explorer, both cores): quick 106,130 in well under a second; default
# 4,481,558 in a few seconds; thorough 48,826,139, of which 4,8,18,8 is 43,131,582 (about
# a minute and 1.2 GB).
# With tasks (v2), the interned explorer (20 to 40 thousand states a second on a busy
# core): parked sends and receives with the queue and the other producer (C=1 gives most
# findings their shortest counterexamples; two reserved slots need C=2), and the Notify,
# which no other part of the subject touches, with one of each task. States: quick 4,742
# (well under a second); default adds 341,577 (about 10 s on a busy machine): 346,319 task
# states, 14 times the 24,659 it explored with the reference explorer; thorough adds
# 348,259 (about 20 s).
_QUICK_TASKS = (
    Bounds(1, 1, 2, 1, sends=2, recvs=1),
    Bounds(2, 0, 0, 2, sends=2),
    Bounds(1, 0, 0, 0, waiters=2),
)
_DEFAULT_TASKS = (
    *_QUICK_TASKS,
    Bounds(2, 1, 2, 2, sends=2, recvs=1),
    Bounds(1, 1, 1, 1, sends=1, recvs=1, waiters=1),
    Bounds(2, 2, 6, 3, sends=2, recvs=1),
)
_QUICK_BOUNDS = (*_SMALL_BOUNDS, DEFAULT_BOUNDS, *_QUICK_TASKS)
_DEFAULT_BOUNDS = (
    *_SMALL_BOUNDS,
    Bounds(1, 32, 36, 2),
    Bounds(2, 32, 36, 1),
    DEFAULT_BOUNDS,
    Bounds(4, 8, 16, 6),
    *_DEFAULT_TASKS,
)
_THOROUGH_BOUNDS = (
    *_DEFAULT_BOUNDS,
    Bounds(3, 8, 10, 3),
    Bounds(4, 8, 14, 6),
    Bounds(4, 8, 18, 8),
    Bounds(2, 2, 3, 2, sends=2, recvs=2),
    Bounds(3, 2, 3, 2, sends=3, recvs=1),
    Bounds(1, 1, 1, 1, sends=1, recvs=1, waiters=2),
    Bounds(1, 1, 1, 1, sends=1, recvs=1, waiters=3),
)

_TIGHT = DEFAULT_SCENARIOS[0]
_FAULTS = DEFAULT_SCENARIOS[4]
# Quick's scenarios are chosen for the protocol model's transitions they reach per schedule
# explored (`tidegate.proofs.interleave.coverage`): two slots with every fault and a
# cancellation, the same with a stop by count, a tight cap (a disconnect with room), a
# competing producer whose parked send may be cancelled, and a variant draining several
# items. Together they reach 64 of the model's 66 kinds of step in about 3,200 schedules;
# the two left need a second parked producer or a close while one holds a reserved slot
# (thousands of schedules more: default and thorough reach them).
_QUICK_SCENARIOS = (
    Scenario.parse("capacity=1,cap=1,wire=3,faults=E"),
    Scenario.parse("capacity=2,cap=1,wire=2,faults=E+S+X+K"),
    Scenario.parse("capacity=2,cap=1,wire=2,stop=1,faults=E+X+K"),
    Scenario.parse("capacity=1,cap=1,wire=1,producers=1,faults=K"),
    Scenario.parse("capacity=2,cap=2,wire=4,variant=drain-first-all"),
)
_THOROUGH_SCENARIOS = (
    *DEFAULT_SCENARIOS,
    Scenario.parse("capacity=2,cap=2,wire=4,producers=1"),
    Scenario.parse("capacity=2,cap=1,wire=4,stop=3"),
)
_LARGER = Scenario.parse("capacity=2,cap=4,wire=12,producers=3+3,stop=10")
_ALL_FINDINGS = (
    Finding.DISCONNECT_WITH_ROOM,
    Finding.COALESCED,
    Finding.STARVED,
    Finding.STRANDED,
    Finding.CANCELLED_SLOT,
)

PROFILES: dict[Profile, Sizes] = {
    Profile.QUICK: Sizes(
        explore=ExploreSizes(_QUICK_BOUNDS, budget=15.0),
        differential=DifferentialSizes(rounds=1, programs=150, steps=50, budget=20.0),
        crosshair=CrosshairSizes(
            CrosshairBudget(per_condition=0.12, overall=60.0, task_free=True),
            every_module=False,
            task_modules=False,
            classes=False,
            # 0.5 CPU s a condition: verify quick does about 40 CPU s of work on 2 cores, so
            # at 0.8 (21 task conditions) it took 21.3 s on an idle machine, over its 20 s.
            task_transitions=CrosshairBudget(per_condition=0.5, overall=60.0, small_tasks=True),
            task_functions=("send", "recv", "poll", "cancel"),
            diffbehavior=10.0,
            diffbehavior_in_verify=False,
        ),
        conform=ConformSizes(
            recordings=False, random_runs=len(ANCHORS), max_steps=500, deep=False, time_budget=60
        ),
        interleave=InterleaveSizes(
            _QUICK_SCENARIOS,
            seed_findings=(Finding.DISCONNECT_WITH_ROOM, Finding.STRANDED),
            budget=12.0,
            random_runs=0,
            random_scenario=_LARGER,
        ),
    ),
    Profile.DEFAULT: Sizes(
        explore=ExploreSizes(_DEFAULT_BOUNDS, budget=60.0),
        differential=DifferentialSizes(rounds=5, programs=80, steps=100, budget=150.0),
        crosshair=CrosshairSizes(
            CrosshairBudget(per_condition=1.5, overall=300.0, task_free=True),
            every_module=True,
            task_modules=False,
            classes=True,
            task_transitions=CrosshairBudget(per_condition=1.5, overall=300.0, small_tasks=True),
            task_functions=(),
            diffbehavior=30.0,
            diffbehavior_in_verify=False,
        ),
        conform=ConformSizes(
            recordings=True,
            random_runs=200,
            max_steps=500,
            deep=True,
            time_budget=120,
            task_runs=200,
        ),
        interleave=InterleaveSizes(
            (
                *DEFAULT_SCENARIOS,
                *with_variant((*DEFAULT_SCENARIOS[:3], _FAULTS), Variant.DRAIN_FIRST),
                *with_variant((*DEFAULT_SCENARIOS[:3], _FAULTS), Variant.DRAIN_FIRST_ALL),
            ),
            seed_findings=_ALL_FINDINGS,
            budget=60.0,
            random_runs=0,
            random_scenario=_LARGER,
        ),
    ),
    Profile.THOROUGH: Sizes(
        explore=ExploreSizes(_THOROUGH_BOUNDS, budget=1800.0),
        differential=DifferentialSizes(rounds=20, programs=150, steps=300, budget=1800.0),
        crosshair=CrosshairSizes(
            CrosshairBudget(per_condition=20.0, overall=1800.0),
            every_module=True,
            task_modules=True,
            classes=True,
            task_transitions=None,
            task_functions=(),
            diffbehavior=240.0,
            diffbehavior_in_verify=True,
        ),
        conform=ConformSizes(
            recordings=True,
            random_runs=2000,
            max_steps=1000,
            deep=True,
            time_budget=None,
            task_runs=2000,
        ),
        interleave=InterleaveSizes(
            tuple(s for v in Variant for s in with_variant(_THOROUGH_SCENARIOS, v)),
            seed_findings=_ALL_FINDINGS,
            budget=1200.0,
            random_runs=2000,
            random_scenario=_LARGER,
        ),
    ),
}
"""Measured on 2 idle cores: CrossHair's contracts take about 5 s at quick, 40 s at default,
10 minutes at thorough; the differential about 3 s and 15 s (quick, default). verify runs
CrossHair beside the other checks at a lower priority, so its wall-clock cut-off
(`overall`) is a guard against a stuck run with room for sharing the cores, not a target."""
