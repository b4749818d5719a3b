"""The conformance check: the implementation, served as an adapter, run through `conform`.

This drives `tidegate serve --subject impl` in a child process exactly as a
port's adapter is driven: it checks the implementation, the reference adapter
that porters copy, and the conformance machinery itself, end to end.

Sized by `tidegate.proofs.profiles`: quick runs every coverage case and the
anchor runs (the recordings have their own check), on v1 only; default adds the
recordings, the deep runs and 200 wide random runs, and the tasks (v2: the
task recordings, every task kind, 200 random task runs); thorough 2,000 random
runs of up to 1,000 steps and 2,000 task runs, with no time limit.
"""

from __future__ import annotations

import shlex
import sys

from tidegate.proofs.conform.report import step_table
from tidegate.proofs.conform.session import Settings, conform
from tidegate.proofs.core import CheckContext, CheckResult, Verdict
from tidegate.proofs.profiles import PROFILES
from tidegate.proofs.report import progress

SERVE_IMPL = shlex.join([sys.executable, "-m", "tidegate.proofs", "serve", "--subject", "impl"])
"""The adapter verify checks: `tidegate serve --subject impl`, started as a port's would be."""


def check_conform(ctx: CheckContext, adapter: str = SERVE_IMPL) -> CheckResult:
    """PASS when the adapter `adapter` starts (by default `SERVE_IMPL`) conforms; FAIL shows
    the minimal trace, or the adapter's error; INCONCLUSIVE when the coverage goal was not
    met (see `tidegate.proofs.conform.session.conform`)."""
    sizes = PROFILES[ctx.profile].conform
    settings = Settings(
        seed=ctx.seed,
        recordings=sizes.recordings,
        max_examples=sizes.random_runs,
        max_steps=sizes.max_steps,
        deep=sizes.deep,
        time_budget=sizes.time_budget,
        check_protocol=True,
        tasks=sizes.task_runs > 0,
        task_examples=sizes.task_runs,
    )
    with progress(ctx.console, "conform serve --subject impl", None) as tick:
        outcome = conform(adapter, settings, tick, ctx.budget.sub())
    result = CheckResult(
        name="conform (serve impl)",
        verdict=outcome.verdict,
        cases=outcome.requests,
        unit="requests",
    )
    if outcome.error is not None:
        result.details.append(f"adapter error: {outcome.error}")
    if outcome.minimal is not None:
        what = "divergence" if outcome.minimal.breach is None else "adapter failure"
        result.details.append(f"{what} in {outcome.source}; minimal trace:")
        result.details.extend(step_table(outcome.minimal))
        if outcome.minimal.breach is not None:
            result.details.append(f"the adapter: {outcome.minimal.error}")
        result.details.append(outcome.minimal.to_trace("minimal").to_json())
    if outcome.protocol is not None:
        result.details.extend(outcome.protocol.failures)
    if outcome.verdict is Verdict.INCONCLUSIVE:
        result.details.append(f"covered {outcome.covered}/{outcome.reachable} kinds")
        if outcome.task_reachable:
            result.details.append(
                f"covered {outcome.task_covered}/{outcome.task_reachable} task kinds"
            )
        if outcome.stopped:
            result.details.append(f"stopped: {outcome.stopped}")
    return result
