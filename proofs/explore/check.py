"""Exhaustive exploration as `tidegate verify` checks: one per bound set, witnesses, findings.

Each profile explores a list of bound sets (`tidegate.proofs.profiles`). The
witness check requires every answer to be reached in at least one of them (so
no invariant holds vacuously); the findings check reports each statement that is false for the
seed with its shortest counterexample over all bound sets explored, and fails
if one of them stops being refuted (the model no longer behaves as the seed).
Results are shared between the three checks, so each bound set is explored once
per run.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from tidegate.proofs.core import (
    Check,
    CheckContext,
    CheckResult,
    Profile,
    Verdict,
    default_memory_limit,
)
from tidegate.proofs.explore.engine import explore_bounds
from tidegate.proofs.explore.properties import FINDINGS, PropertyKind
from tidegate.proofs.explore.search import Bounds, Exploration
from tidegate.proofs.explore.task_properties import TASK_FINDINGS
from tidegate.proofs.profiles import PROFILES
from tidegate.proofs.protocol.traces import Trace
from tidegate.proofs.report import progress, trace_lines


class Explorations:
    """The explorations of one verify run, computed on first use and shared by its checks;
    the bound sets share `budget` seconds of `clock`, counted from the first exploration."""

    def __init__(
        self,
        bounds: tuple[Bounds, ...],
        budget: float,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.bounds = bounds
        self.budget = budget
        self.clock = clock
        self.started: float | None = None
        self.results: dict[Bounds, Exploration] = {}

    def get(self, bounds: Bounds, ctx: CheckContext) -> Exploration:
        """The exploration of `bounds`, run now if not yet run: within the profile's time
        budget, and within the memory available (`core.default_memory_limit`), so that a run
        too large for the machine is inconclusive rather than killed."""
        if bounds not in self.results:
            if self.started is None:
                self.started = self.clock()
            left = max(0.01, self.budget - (self.clock() - self.started))
            with progress(ctx.console, f"explore {bounds} (states)", None) as tick:
                self.results[bounds] = explore_bounds(
                    bounds,
                    max_seconds=left,
                    max_memory=default_memory_limit(),
                    tick=tick,
                    budget=ctx.budget,
                )
        return self.results[bounds]

    def all(self, ctx: CheckContext) -> list[Exploration]:
        return [self.get(b, ctx) for b in self.bounds]


def exploration_checks(
    profile: Profile, bounds: tuple[Bounds, ...] | None = None, budget: float | None = None
) -> list[Check]:
    """One check per bound set, then the witnesses, then the findings.

    `bounds` and `budget` (seconds) default to the profile's.
    """
    sizes = PROFILES[profile].explore
    shared = Explorations(
        sizes.bounds if bounds is None else bounds,
        sizes.budget if budget is None else budget,
    )
    checks: list[Check] = [functools.partial(_check_bounds, shared, b) for b in shared.bounds]
    checks.append(functools.partial(_check_witnesses, shared))
    checks.append(functools.partial(_check_findings, shared))
    return checks


def _check_bounds(shared: Explorations, bounds: Bounds, ctx: CheckContext) -> CheckResult:
    """PASS when every invariant held in every state and transition within `bounds`."""
    r = shared.get(bounds, ctx)
    result = CheckResult(f"explore {bounds}", Verdict.PASS, r.states, "states")
    result.details.append(
        f"{r.states:,} states, {r.transitions:,} transitions, depth {r.depth}, "
        f"{r.seconds:.2f}s, {r.states_per_second:,.0f} states/s ({r.engine} explorer)"
    )
    if r.engine_note is not None:
        result.details.append(r.engine_note)
    for o in r.outcomes:
        if o.prop.kind is PropertyKind.INVARIANT and o.counterexample is not None:
            result.verdict = Verdict.FAIL
            result.details.append(f"invariant {o.prop.name} fails: {o.prop.statement}")
            result.details.extend(f"  {line}" for line in trace_lines(o.counterexample))
    if result.verdict is Verdict.PASS and not r.complete:
        result.verdict = Verdict.INCONCLUSIVE
        result.details.append(
            f"the exploration budget ran out before every state was seen: {r.stopped}"
        )
    return result


def _check_witnesses(shared: Explorations, ctx: CheckContext) -> CheckResult:
    """PASS when every answer is reached within some bound set (Disconnected: off-contract);
    FAIL when one is not, though every bound set was explored to the end; INCONCLUSIVE
    when one is not and some exploration was cut short (or all are reached but one was)."""
    explorations = shared.all(ctx)
    reached: dict[str, bool] = {}
    off_contract: dict[str, bool] = {}
    for r in explorations:
        for reach in r.reaches:
            name = reach.witness.name
            off_contract[name] = reach.off_contract
            if reach.reached:
                reached[name] = True
            else:
                reached.setdefault(name, False)
    required = [n for n in reached if not off_contract[n]]
    result = CheckResult(
        "reachability witnesses",
        Verdict.PASS,
        sum(reached[n] for n in required),
        f"of {len(required)} answers reached",
    )
    complete = all(r.complete for r in explorations)
    for name in required:
        if reached[name]:
            continue
        if complete:
            result.verdict = Verdict.FAIL
            result.details.append(f"never reached: {name} (a property may hold vacuously)")
        elif result.verdict is Verdict.PASS:
            # The part of the state space left unexplored may reach it.
            result.verdict = Verdict.INCONCLUSIVE
            result.details.append(f"not reached before the exploration budget ran out: {name}")
    for name, is_off in off_contract.items():
        if is_off:
            how = "answered by an off-contract probe" if reached[name] else "never answered"
            result.findings.append(
                f"{name} is unreachable by contract (only try_recv after drop_receiver, "
                f"which PROTOCOL.md traces never issue); the model: {how}"
            )
    if result.verdict is Verdict.PASS and not complete:
        result.verdict = Verdict.INCONCLUSIVE
        result.details.append("some exploration was cut short by its budget")
    return result


def _check_findings(shared: Explorations, ctx: CheckContext) -> CheckResult:
    """PASS when each statement documented as false for the seed is refuted, as expected;
    each finding shows its shortest counterexample over the bound sets (on a tie in length,
    the one of the bound set listed first).

    The findings about tasks (`task_properties.TASK_FINDINGS`) are expected only when some
    bound set has task bounds: no exploration without tasks can speak about them."""
    explorations = shared.all(ctx)
    checked = {o.prop.name for r in explorations for o in r.outcomes}
    findings = [p for p in FINDINGS + TASK_FINDINGS if p.name in checked]
    result = CheckResult(
        "findings (false for the seed)", Verdict.PASS, 0, f"of {len(findings)} refuted"
    )
    for prop in findings:
        shortest: Trace | None = None
        for r in explorations:
            for o in r.outcomes:
                cex = o.counterexample
                if (
                    o.prop.name == prop.name
                    and cex is not None
                    and (shortest is None or len(cex.steps) < len(shortest.steps))
                ):
                    shortest = cex
        if shortest is None:
            if all(r.complete for r in explorations):
                result.verdict = Verdict.FAIL
                result.details.append(
                    f"expected to be false for the seed but never refuted: {prop.statement}"
                )
            elif result.verdict is Verdict.PASS:
                result.verdict = Verdict.INCONCLUSIVE
                result.details.append(
                    f"not refuted before the exploration budget ran out: {prop.statement}"
                )
            continue
        result.cases += 1
        steps = "; ".join(f"{s.op} -> {s.result}" for s in shortest.steps)
        result.findings.append(
            f"NOT guaranteed: {prop.statement}. Shortest counterexample "
            f"(capacity={shortest.capacity}, cap={shortest.cap}, {len(shortest.steps)} "
            f"steps): {steps}\n    trace: {shortest.to_json()}"
        )
    return result
