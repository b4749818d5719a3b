"""The protocol between the tasks as a `tidegate verify` check, sized to the profile.

The real reader, consumer and producer loops run under every schedule of each
scenario (see `tidegate interleave`), the consumer's fault steps included where the
scenario allows them, with the protocol model in lockstep. The
check fails if a property breaks, if one of our variants shows a finding it
claims to remove, or if the seed stops showing a finding it is known to show at
those bounds (the explorer would have gone blind), or if, every schedule explored,
the model in lockstep never took a kind of step it reaches at those bounds on its
own (the explorer skipped schedules): the result names the coverage, the model's
kinds of step covered of those reachable at the profile's bounds
(`tidegate.proofs.interleave.coverage`). It is inconclusive when the
profile's budget of CPU seconds runs out first (`tidegate.proofs.profiles` sizes it).
"""

from __future__ import annotations

import time

from tidegate.impl.variants import Variant
from tidegate.proofs.core import CheckContext, CheckResult, Verdict
from tidegate.proofs.interleave.bounds import with_variant
from tidegate.proofs.interleave.coverage import Coverage, describe_step, reachable_step_kinds
from tidegate.proofs.interleave.explore import InterleaveExploration, explore_all, explore_random
from tidegate.proofs.interleave.verdict import summarize
from tidegate.proofs.interleave.world import REFERENCE_LOOPS, Loops
from tidegate.proofs.profiles import PROFILES
from tidegate.proofs.report import progress


def check_interleave(ctx: CheckContext, loops: Loops = REFERENCE_LOOPS) -> CheckResult:
    """Explore every scenario of the profile with `loops` (by default the implementation's;
    other loops run without the model in lockstep); see the module docstring for the
    verdict."""
    sizes = PROFILES[ctx.profile].interleave
    # CPU seconds of this thread: other work on a busy machine does not shrink the search.
    deadline = time.thread_time() + sizes.budget
    explorations: list[InterleaveExploration] = []
    with progress(ctx.console, "protocol interleavings (scenarios)", len(sizes.scenarios)) as tick:
        for done, scenario in enumerate(sizes.scenarios, 1):
            explored = explore_all(scenario, loops, deadline=deadline, clock=time.thread_time)
            explorations.append(explored)
            tick(done)
        for variant in Variant if sizes.random_runs else ():
            (scenario,) = with_variant((sizes.random_scenario,), variant)
            explorations.append(
                explore_random(scenario, loops, runs=sizes.random_runs, seed=ctx.seed)
            )
    summary = summarize(explorations)
    details = list(summary.failures)
    verdict = summary.verdict
    shown = summary.shown.get(Variant.SEED, set())
    missing = [f for f in sizes.seed_findings if f not in shown]
    if missing and verdict is Verdict.PASS:
        verdict = Verdict.FAIL
        details += [f"the seed no longer shows '{f.value}' at these bounds" for f in missing]
    coverage = None
    if loops.is_reference:
        exhaustive = explorations[: len(sizes.scenarios)]
        coverage = Coverage(
            frozenset(k for ex in exhaustive for k in ex.covered),
            frozenset(reachable_step_kinds(sizes.scenarios)),
        )
        if coverage.missed and verdict is Verdict.PASS:
            # Every schedule ran with the model in lockstep: it took every step it can take.
            verdict = Verdict.FAIL
            details.append(
                "every schedule was explored, yet the model in lockstep never took "
                + "; ".join(sorted(map(describe_step, coverage.missed)))
                + " (reachable at these bounds): the explorer skipped schedules"
            )
    return CheckResult(
        name="protocol: loops under every interleaving vs model",
        verdict=verdict,
        cases=summary.executions,
        unit="schedules",
        details=details,
        findings=[f"protocol: {line}" for line in summary.findings],
        coverage=None if coverage is None else str(coverage),
    )
