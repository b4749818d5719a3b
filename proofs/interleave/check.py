"""The protocol between the tasks as a `tidegate verify` check, sized to the profile.

The real reader, consumer and producer loops run under every schedule of each
scenario (see `tidegate interleave`), with the protocol model in lockstep. The
check fails if a property breaks, if one of our variants shows a finding it
claims to remove, or if the seed stops showing a finding it is known to show at
those bounds (the explorer would have gone blind). It is inconclusive when the
profile's time budget runs out first.
"""

from __future__ import annotations

import time

from tidegate.impl.variants import Variant
from tidegate.proofs.core import CheckContext, CheckResult, Profile, Verdict
from tidegate.proofs.interleave.bounds import (
    DEFAULT_SCENARIOS,
    QUICK_SCENARIOS,
    THOROUGH_SCENARIOS,
    with_variant,
)
from tidegate.proofs.interleave.explore import InterleaveExploration, explore_all, explore_random
from tidegate.proofs.interleave.properties import Finding
from tidegate.proofs.interleave.verdict import summarize
from tidegate.proofs.interleave.world import Scenario
from tidegate.proofs.report import progress

_TIGHT = DEFAULT_SCENARIOS[0]

PLAN: dict[Profile, tuple[Scenario, ...]] = {
    Profile.QUICK: (*QUICK_SCENARIOS, *with_variant((_TIGHT,), Variant.DRAIN_FIRST_ALL)),
    Profile.DEFAULT: (
        *DEFAULT_SCENARIOS,
        *with_variant(DEFAULT_SCENARIOS[:3], Variant.DRAIN_FIRST),
        *with_variant(DEFAULT_SCENARIOS[:3], Variant.DRAIN_FIRST_ALL),
    ),
    Profile.THOROUGH: tuple(s for v in Variant for s in with_variant(THOROUGH_SCENARIOS, v)),
}
"""The scenarios each profile explores exhaustively (the seed's, then our variants')."""

EXPECTED: dict[Profile, tuple[Finding, ...]] = {
    Profile.QUICK: (Finding.DISCONNECT_WITH_ROOM,),
    Profile.DEFAULT: (Finding.DISCONNECT_WITH_ROOM, Finding.COALESCED, Finding.STARVED),
    Profile.THOROUGH: (Finding.DISCONNECT_WITH_ROOM, Finding.COALESCED, Finding.STARVED),
}
"""The findings the seed must show at each profile's bounds."""

BUDGET = {Profile.QUICK: 3.0, Profile.DEFAULT: 25.0, Profile.THOROUGH: 1200.0}
"""Seconds the whole check may take."""

RANDOM_RUNS = {Profile.QUICK: 0, Profile.DEFAULT: 0, Profile.THOROUGH: 2000}
"""PCT schedules at larger bounds, on top of the exhaustive ones."""

_LARGER = Scenario.parse("capacity=2,cap=4,wire=12,producers=3+3,stop=10")


def check_interleave(ctx: CheckContext) -> CheckResult:
    """Explore every scenario of the profile; see the module docstring for the verdict."""
    start = time.monotonic()
    deadline = start + BUDGET[ctx.profile]
    explorations: list[InterleaveExploration] = []
    plan = PLAN[ctx.profile]
    with progress(ctx.console, "protocol interleavings (scenarios)", len(plan)) as tick:
        for done, scenario in enumerate(plan, 1):
            explorations.append(explore_all(scenario, deadline=deadline))
            tick(done)
        for variant in Variant if RANDOM_RUNS[ctx.profile] else ():
            explorations.append(
                explore_random(
                    Scenario(**{**_LARGER.__dict__, "variant": variant}),
                    runs=RANDOM_RUNS[ctx.profile],
                    seed=ctx.seed,
                )
            )
    summary = summarize(explorations)
    details = list(summary.failures)
    verdict = summary.verdict
    shown = summary.shown.get(Variant.SEED, set())
    missing = [f for f in EXPECTED[ctx.profile] if f not in shown]
    if missing and verdict is Verdict.PASS:
        verdict = Verdict.FAIL
        details += [f"the seed no longer shows '{f.value}' at these bounds" for f in missing]
    return CheckResult(
        name="protocol: loops under every interleaving vs model",
        verdict=verdict,
        cases=summary.executions,
        unit="schedules",
        seconds=time.monotonic() - start,
        details=details,
        findings=[f"protocol: {line}" for line in summary.findings],
    )
