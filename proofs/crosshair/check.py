"""The CrossHair checks: the model's contracts, and the model against the implementation.

`check_crosshair`: every PEP 316 contract of the model, searched for counterexamples.

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

`check_crosshair_diff`: `crosshair diffbehavior` on `diff.model_answers` and
`diff.impl_answers`, programs searched symbolically for one on which the two
answer differently.

- FAIL: a program on which the two answer differently, shown as CrossHair prints it;
- PASS: no difference within the per-condition budget (a bounded search, like
  every randomized check: it proves nothing beyond the paths it explored);
- INCONCLUSIVE: CrossHair could not run, or the wall-clock cut-off ended it.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import tidegate.model
from tidegate.proofs.core import CheckContext, CheckResult, Verdict
from tidegate.proofs.crosshair.run import (
    CrosshairBudget,
    CrosshairOutcome,
    CrosshairReport,
    DiffOutcome,
    contract_targets,
    diffbehavior,
    run_crosshair,
    targets_of,
)
from tidegate.proofs.profiles import PROFILES
from tidegate.proofs.report import progress

MODEL_MODULES = (
    "tidegate.model.subject",
    "tidegate.model.channel",
    "tidegate.model.queue",
    "tidegate.model.ops",
)
"""The queue's and the channel's model, checked in every profile."""


TASK_MODULES = (
    "tidegate.model.tasks",
    "tidegate.model.parked",
    "tidegate.model.notify",
    "tidegate.model.protocol_state",
)
"""The modules whose contracts need subjects with tasks (the asynchronous half's, and the
protocol model's state, whose subject holds the reader's wait and the parked producers as
tasks), which CrossHair builds too slowly for the quick and default budgets (at default,
ProtocolState's invariants ended "precondition never met": inconclusive); thorough checks
them. Quick and default check the task transitions (`TASK_TRANSITIONS`) over small subjects
with tasks instead, and tests/model/test_tasks.py holds ProtocolState's `inv:` lines on
every state the protocol model reaches from three starts."""

TASK_TRANSITIONS = "tidegate.model.tasks"
"""The task operations' transitions, searched in every profile."""


def model_modules(every_module: bool, task_modules: bool = True) -> list[str]:
    """`MODEL_MODULES`, then (if `every_module`) every other module of tidegate.model (the
    protocol model and the variants too; `TASK_MODULES` only if `task_modules`), so a new
    contract is checked without a list to update."""
    if not every_module:
        return list(MODEL_MODULES)
    skipped = MODEL_MODULES if task_modules else MODEL_MODULES + TASK_MODULES
    found = pkgutil.iter_modules(tidegate.model.__path__, "tidegate.model.")
    return [*MODEL_MODULES, *sorted(m.name for m in found if m.name not in skipped)]


def check_crosshair(ctx: CheckContext) -> CheckResult:
    """CrossHair over the model's contracts, sized by the profile; where the profile
    leaves out the task modules, a second run over the task transitions on small
    subjects with tasks, its conditions counted and judged with the first's."""
    sizes = PROFILES[ctx.profile].crosshair
    result = crosshair_result(
        "crosshair (model contracts)",
        contract_targets(
            model_modules(sizes.every_module, sizes.task_modules), classes=sizes.classes
        ),
        sizes.contracts,
        ctx,
    )
    if sizes.task_transitions is None:
        return result
    wanted = {f"{TASK_TRANSITIONS}.{name}" for name in sizes.task_functions}
    tasks = crosshair_result(
        "crosshair (task transitions)",
        [
            target
            for target in contract_targets([TASK_TRANSITIONS], classes=False)
            if not wanted or target[0] in wanted
        ],
        sizes.task_transitions,
        ctx,
    )
    return combined(result, tasks, "task transitions, on small subjects with tasks:")


def combined(first: CheckResult, second: CheckResult, heading: str) -> CheckResult:
    """`first` and `second` as one result: the worse verdict (FAIL, then INCONCLUSIVE), the
    cases added, `second`'s details after `heading`."""
    order = (Verdict.PASS, Verdict.INCONCLUSIVE, Verdict.FAIL)
    worse = max(first.verdict, second.verdict, key=order.index)
    details = [*first.details, *([heading, *second.details] if second.details else [])]
    return CheckResult(first.name, worse, first.cases + second.cases, first.unit, 0.0, details)


def crosshair_result(
    name: str,
    targets: Sequence[tuple[str, int]],
    budget: CrosshairBudget,
    ctx: CheckContext,
    cwd: Path | None = None,
) -> CheckResult:
    """Run CrossHair on `targets` and judge its report (see the module's docstring)."""
    total = sum(weight for _, weight in targets)
    with progress(ctx.console, "crosshair conditions", total) as tick:
        report = run_crosshair(targets, budget, tick, cwd, ctx.budget)
    report = searched_again(report, targets, budget, ctx, cwd)
    result = CheckResult(
        name=name,
        verdict=verdict(report),
        cases=len(report.conditions),
        unit="conditions",
    )
    ctx.console.print(
        f"  crosshair: {report.summary()} "
        f"({budget.per_condition:g} CPU s per condition, {budget.workers} workers)",
        markup=False,
    )
    result.details.extend(explain_report(report, budget))
    return result


def searched_again(
    report: CrosshairReport,
    targets: Sequence[tuple[str, int]],
    budget: CrosshairBudget,
    ctx: CheckContext,
    cwd: Path | None = None,
) -> CrosshairReport:
    """`report` (of a run over `targets` at `budget`) with the targets whose precondition
    was never met searched once more, at twice the CPU seconds a condition; `report`
    itself when it is incomplete (the verdict is INCONCLUSIVE anyway) or every
    precondition was met.

    Within a small budget CrossHair now and then meets no precondition of a function it
    meets easily on another run: at quick's 0.5 CPU s, `send` searched first in its
    process (its first paths pay for the process's warm-up) in about one run in six, and
    `cancel`, searched after others, in 2 or more of 8 runs of `verify --profile quick` without
    this second search, though in none of 8 runs alone. What the second run reports
    replaces what the first said of those targets; what it too leaves unmet stays unmet
    (INCONCLUSIVE)."""
    unmet = [c for c in report.conditions if c.outcome is CrosshairOutcome.UNMET]
    names = targets_of(unmet, targets)
    if not names or not report.complete:
        return report
    again = replace(budget, per_condition=2 * budget.per_condition)
    ctx.console.print(
        f"  crosshair: {', '.join(n.rpartition('.')[2] for n in names)} met no precondition "
        f"within {budget.per_condition:g} CPU s; searching again at {again.per_condition:g}",
        markup=False,
    )
    retried = [(name, weight) for name, weight in targets if name in names]
    second = run_crosshair(retried, again, cwd=cwd, run=ctx.budget)
    kept = [c for c in report.conditions if not targets_of([c], retried)]
    return CrosshairReport(
        conditions=[*kept, *second.conditions],
        expected=report.expected,
        complete=second.complete,
        problems=[*report.problems, *second.problems],
    )


def verdict(report: CrosshairReport) -> Verdict:
    """FAIL on any counterexample; INCONCLUSIVE if the run was incomplete or some condition
    never had its precondition met; PASS otherwise."""
    if report.count(CrosshairOutcome.COUNTEREXAMPLE):
        return Verdict.FAIL
    if not report.complete or report.count(CrosshairOutcome.UNMET):
        return Verdict.INCONCLUSIVE
    return Verdict.PASS


def explain_report(report: CrosshairReport, budget: CrosshairBudget) -> list[str]:
    """The lines that explain_report a FAIL or INCONCLUSIVE: counterexamples first (at most five),
    then unchecked conditions, then why the run was incomplete."""
    lines = [
        c.describe() for c in report.conditions if c.outcome is CrosshairOutcome.COUNTEREXAMPLE
    ][:5]
    lines += [c.describe() for c in report.conditions if c.outcome is CrosshairOutcome.UNMET]
    lines += report.problems
    if not report.complete:
        stopped = any(p.startswith("stopped (") for p in report.problems)
        lines.append(
            f"{len(report.conditions)} of about {report.expected} conditions reported "
            + ("before the run stopped" if stopped else f"within {budget.overall:.0f}s")
            + ("" if stopped else "; re-run with a larger profile")
        )
    return lines


MODEL = "tidegate.proofs.crosshair.diff.model_answers"
IMPL = "tidegate.proofs.crosshair.diff.impl_answers"


def check_crosshair_diff(ctx: CheckContext) -> CheckResult:
    """The model's and the implementation's answers to symbolically searched programs."""
    budget = PROFILES[ctx.profile].crosshair.diffbehavior
    ctx.console.print(f"  crosshair diffbehavior: searching for {budget:g} CPU s", markup=False)
    outcome = diffbehavior(MODEL, IMPL, budget)
    return diff_result("crosshair diffbehavior (model vs impl)", outcome)


def diff_result(name: str, outcome: DiffOutcome) -> CheckResult:
    """Judge one diffbehavior run (see the module's docstring)."""
    if outcome.code == 0:
        verdict = Verdict.PASS
    elif outcome.code == 1 and "Given:" in outcome.output:
        verdict = Verdict.FAIL
    else:
        verdict = Verdict.INCONCLUSIVE
    result = CheckResult(name, verdict, outcome.iterations, "iterations")
    if verdict is Verdict.FAIL:
        result.details.extend(outcome.output.strip().splitlines())
    elif verdict is Verdict.INCONCLUSIVE:
        why = "cut off" if outcome.code is None else f"crosshair exited with {outcome.code}"
        tail = outcome.output.strip().splitlines()[-3:]
        result.details.extend([why, *tail])
    return result
