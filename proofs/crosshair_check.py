"""The CrossHair check: every PEP 316 contract of the model, searched for counterexamples.

The model's transitions state in their docstrings what each answer implies
(`post:` lines), what the arguments must be (`pre:`) and what every state
satisfies (`inv:`). CrossHair executes each transition on symbolic states
(tuples of any length, any ints) and tries to break each condition.

- FAIL: a counterexample, printed with the condition it breaks;
- INCONCLUSIVE (never a pass): CrossHair could not run, ended abnormally, was
  cut off by the overall budget, or met no precondition for some condition
  (so that condition was never checked);
- PASS: every condition was either confirmed over all paths or explored to
  its per-condition budget without a counterexample.
"""

from __future__ import annotations

import pkgutil
import time
from collections.abc import Sequence
from pathlib import Path

import tidegate.model
from tidegate.proofs.checks import CheckContext, CheckResult, Profile, Verdict
from tidegate.proofs.console import progress
from tidegate.proofs.crosshair_run import (
    Budget,
    CrosshairReport,
    Outcome,
    contract_targets,
    run_crosshair,
)

MODEL_MODULES = (
    "tidegate.model.subject",
    "tidegate.model.channel",
    "tidegate.model.queue",
    "tidegate.model.ops",
)
"""The queue's and the channel's model, checked in every profile."""


def modules_for(profile: Profile) -> list[str]:
    """Quick checks `MODEL_MODULES`; the other profiles every module of tidegate.model (the
    protocol model and the variants too), so a new contract is checked without a list to
    update."""
    if profile is Profile.QUICK:
        return list(MODEL_MODULES)
    found = pkgutil.iter_modules(tidegate.model.__path__, "tidegate.model.")
    return [*MODEL_MODULES, *sorted(m.name for m in found if m.name not in MODEL_MODULES)]


BUDGETS = {
    Profile.QUICK: Budget(per_condition=0.12, overall=60.0),
    Profile.DEFAULT: Budget(per_condition=1.5, overall=180.0),
    Profile.THOROUGH: Budget(per_condition=20.0, overall=1800.0),
}
"""Per-condition CPU seconds (CPU time, so a busy machine does not shrink the search) and
the wall-clock cut-off. On 2 idle cores: quick about 5 s, default about 40 s, thorough
about 10 minutes. Quick checks the transitions only, not the classes' own invariants (which
CrossHair may not even instantiate within so short a budget)."""


def check_crosshair(ctx: CheckContext) -> CheckResult:
    """CrossHair over the model's contracts, sized by the profile."""
    return crosshair_result(
        "crosshair (model contracts)",
        contract_targets(modules_for(ctx.profile), classes=ctx.profile is not Profile.QUICK),
        BUDGETS[ctx.profile],
        ctx,
    )


def crosshair_result(
    name: str,
    targets: Sequence[tuple[str, int]],
    budget: Budget,
    ctx: CheckContext,
    cwd: Path | None = None,
) -> CheckResult:
    """Run CrossHair on `targets` and judge its report (see the module's docstring)."""
    start = time.perf_counter()
    total = sum(weight for _, weight in targets)
    with progress(ctx.console, "crosshair conditions", total) as tick:
        report = run_crosshair(targets, budget, tick, cwd)
    result = CheckResult(
        name=name,
        verdict=verdict(report),
        cases=len(report.conditions),
        unit="conditions",
        seconds=time.perf_counter() - start,
    )
    ctx.console.print(
        f"  crosshair: {report.summary()} "
        f"({budget.per_condition:g} CPU s per condition, {budget.workers} workers)",
        markup=False,
    )
    result.details.extend(explain(report, budget))
    return result


def verdict(report: CrosshairReport) -> Verdict:
    """FAIL on any counterexample; INCONCLUSIVE if the run was incomplete or some condition
    never had its precondition met; PASS otherwise."""
    if report.count(Outcome.COUNTEREXAMPLE):
        return Verdict.FAIL
    if not report.complete or report.count(Outcome.UNMET):
        return Verdict.INCONCLUSIVE
    return Verdict.PASS


def explain(report: CrosshairReport, budget: Budget) -> list[str]:
    """The lines that explain a FAIL or INCONCLUSIVE: counterexamples first (at most five),
    then unchecked conditions, then why the run was incomplete."""
    lines = [c.describe() for c in report.conditions if c.outcome is Outcome.COUNTEREXAMPLE][:5]
    lines += [c.describe() for c in report.conditions if c.outcome is Outcome.UNMET]
    lines += report.problems
    if not report.complete:
        lines.append(
            f"{len(report.conditions)} of about {report.expected} conditions reported "
            f"within {budget.overall:.0f}s; re-run with a larger profile"
        )
    return lines
