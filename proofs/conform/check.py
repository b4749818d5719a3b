"""The conformance check: the implementation, served as an adapter, run through `conform`.

This drives `tidegate serve --subject impl` in a child process exactly as a
port's adapter is driven: it checks the implementation, the reference adapter
that porters copy, and the conformance machinery itself, end to end.

- quick: every coverage case and the anchor runs (the recordings have their own check);
- default: the recordings, the coverage cases and 200 wide random runs;
- thorough: the same with 2,000 random runs of up to 1,000 steps.
"""

from __future__ import annotations

import shlex
import sys
import time

from tidegate.proofs.conform.generate import ANCHORS
from tidegate.proofs.conform.report import step_table
from tidegate.proofs.conform.session import Settings, conform, planned_cases
from tidegate.proofs.core import CheckContext, CheckResult, ExitCode, Profile, Verdict
from tidegate.proofs.report import progress

SIZES = {
    Profile.QUICK: Settings(recordings=False, max_examples=len(ANCHORS)),
    Profile.DEFAULT: Settings(),
    Profile.THOROUGH: Settings(max_examples=2000, max_steps=1000),
}
VERDICTS = {
    ExitCode.OK: Verdict.PASS,
    ExitCode.FAILED: Verdict.FAIL,
    ExitCode.USAGE: Verdict.FAIL,
    ExitCode.INCONCLUSIVE: Verdict.INCONCLUSIVE,
}


def check_conform(ctx: CheckContext) -> CheckResult:
    """PASS when `tidegate serve --subject impl` conforms; FAIL shows the minimal trace."""
    start = time.perf_counter()
    command = shlex.join([sys.executable, "-m", "tidegate.proofs", "serve", "--subject", "impl"])
    settings = Settings(
        seed=ctx.seed,
        recordings=SIZES[ctx.profile].recordings,
        max_examples=SIZES[ctx.profile].max_examples,
        max_steps=SIZES[ctx.profile].max_steps,
        check_protocol=True,
    )
    with progress(ctx.console, "conform serve --subject impl", planned_cases(settings)) as tick:
        outcome = conform(command, settings, tick)
    result = CheckResult(
        name="conform (serve impl)",
        verdict=VERDICTS[outcome.code],
        cases=outcome.requests,
        unit="requests",
        seconds=time.perf_counter() - start,
    )
    if outcome.error is not None:
        result.details.append(f"adapter error: {outcome.error}")
    if outcome.minimal is not None:
        result.details.append(f"divergence in {outcome.source}; minimal trace:")
        result.details.extend(step_table(outcome.minimal))
        result.details.append(outcome.minimal.to_trace("minimal").to_json())
    if outcome.protocol is not None:
        result.details.extend(outcome.protocol.failures)
    if outcome.code is ExitCode.INCONCLUSIVE:
        result.details.append(f"covered {outcome.covered}/{outcome.reachable} kinds")
    return result
