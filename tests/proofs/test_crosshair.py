"""The CrossHair check can pass, can fail, and never passes what it did not check.

The wrong transitions are the model's own `subject.py` with one line of code
changed (its contracts untouched), written to a temporary module: so the test
shows that the contracts the model ships catch the bug, not a copy of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

import tidegate.model.subject
from tidegate.proofs.core import CheckContext, Profile, Verdict
from tidegate.proofs.crosshair.check import MODEL_MODULES, crosshair_result, diff_result, verdict
from tidegate.proofs.crosshair.run import (
    Condition,
    CrosshairBudget,
    CrosshairOutcome,
    CrosshairReport,
    DiffOutcome,
    contract_targets,
    parse_line,
    share_out,
    targets_of,
)

# The v1 transitions searched as quick searches them: over subjects without tasks.
SMALL = CrosshairBudget(per_condition=0.5, overall=60.0, task_free=True)


def ctx() -> CheckContext:
    return CheckContext(Profile.QUICK, 0, Console(file=None, force_terminal=False, quiet=True))


def test_the_real_transition_passes_with_the_same_budget() -> None:
    targets = [t for t in contract_targets(MODEL_MODULES) if t[0].endswith(".try_drain_one")]
    result = crosshair_result("crosshair", targets, SMALL, ctx())
    assert result.verdict is Verdict.PASS, result.details
    assert result.cases == targets[0][1] >= 8


def test_cut_off_by_the_overall_budget_is_inconclusive() -> None:
    targets = [t for t in contract_targets(MODEL_MODULES) if t[0].endswith(".enqueue_or_send")]
    result = crosshair_result("crosshair", targets, CrosshairBudget(5.0, overall=1.0), ctx())
    assert result.verdict is Verdict.INCONCLUSIVE
    assert any("cut off" in line for line in result.details)


def test_crosshair_that_cannot_load_its_target_is_inconclusive() -> None:
    result = crosshair_result("crosshair", [("tidegate.model.no_such_module", 1)], SMALL, ctx())
    assert result.verdict is Verdict.INCONCLUSIVE
    assert any(
        "crosshair exited with 1: " in line and "no_such_module" in line for line in result.details
    ), result.details


def test_every_transition_carries_contracts() -> None:
    targets = dict(contract_targets(MODEL_MODULES))
    for name in ("enqueue_or_send", "try_drain_one", "try_send", "try_recv", "close"):
        assert targets[f"tidegate.model.subject.{name}"] >= 4, name
    for name in ("drop_receiver", "has_pending", "backlog_len", "capacity", "new"):
        assert f"tidegate.model.subject.{name}" in targets
    assert "tidegate.model.channel.ChannelState" in targets
    assert "tidegate.model.channel.ChannelState" not in dict(
        contract_targets(MODEL_MODULES, classes=False)
    )


def test_parse_line_reads_every_outcome() -> None:
    here = Path(tidegate.model.subject.__file__)
    source = here.read_text().splitlines()
    line = next(i for i, text in enumerate(source, 1) if "post:" in text)
    error = parse_line(f"{here}:{line}: error: false when calling f(1) (which returns 2)\n")
    assert error is not None and error.outcome is CrosshairOutcome.COUNTEREXAMPLE
    assert error.text.startswith("post:") and "f(1)" in error.message
    for message, outcome in [
        ("Confirmed over all paths.", CrosshairOutcome.CONFIRMED),
        ("Not confirmed.", CrosshairOutcome.EXPLORED),
        ("Unable to meet precondition.", CrosshairOutcome.UNMET),
    ]:
        parsed = parse_line(f"{here}:{line}: info: {message}")
        assert parsed is not None and parsed.outcome is outcome
    assert parse_line("WARNING: Targets found, but contain no checkable functions.") is None


def test_share_out_balances_conditions_and_drops_empty_shares() -> None:
    shares = share_out([("a", 10), ("b", 6), ("c", 5), ("d", 1)], 2)
    assert sorted(map(sorted, shares)) == [["a", "d"], ["b", "c"]]
    assert share_out([("a", 3)], 4) == [["a"]]


def _report(*outcomes: CrosshairOutcome, complete: bool = True) -> CrosshairReport:
    conditions = [Condition("subject.py", i, o, "post: x") for i, o in enumerate(outcomes)]
    return CrosshairReport(conditions, expected=len(outcomes), complete=complete)


def test_a_report_is_a_pass_only_when_complete_with_every_condition_checked() -> None:
    """Mutation: kills crosshair.check.verdict's mutants (a counterexample, an unmet
    precondition or an incomplete run judged otherwise)."""
    confirmed, explored = CrosshairOutcome.CONFIRMED, CrosshairOutcome.EXPLORED
    unmet, broken = CrosshairOutcome.UNMET, CrosshairOutcome.COUNTEREXAMPLE
    assert verdict(_report(confirmed, explored)) is Verdict.PASS
    assert verdict(_report(confirmed, broken)) is Verdict.FAIL
    assert verdict(_report(broken, complete=False)) is Verdict.FAIL
    assert verdict(_report(confirmed, unmet)) is Verdict.INCONCLUSIVE
    assert verdict(_report(confirmed, complete=False)) is Verdict.INCONCLUSIVE
    assert verdict(_report(unmet, broken)) is Verdict.FAIL


def test_diffbehavior_fails_only_on_a_program_shown() -> None:
    """Mutation: kills crosshair.check.diff_result's mutants (exit codes, the "Given:" test,
    the details of each verdict)."""
    given = "Given: (1, 2),\n  model returns 1\n  impl returns 2\n... found after 7 iterations"
    passed = diff_result("diff", DiffOutcome(0, "No differences found. (attempted 12 iterations)"))
    assert (passed.verdict, passed.cases, passed.details) == (Verdict.PASS, 12, [])
    assert passed.unit == "iterations"
    failed = diff_result("diff", DiffOutcome(1, given))
    assert failed.verdict is Verdict.FAIL and failed.name == "diff"
    assert failed.details == given.splitlines()
    error = diff_result("diff", DiffOutcome(1, "a\nb\nc\nTypeError: boom\n"))
    assert error.verdict is Verdict.INCONCLUSIVE
    assert error.details == ["crosshair exited with 1", "b", "c", "TypeError: boom"]
    other = diff_result("diff", DiffOutcome(2, given))
    assert other.verdict is Verdict.INCONCLUSIVE
    assert other.details[0] == "crosshair exited with 2"
    cut = diff_result("diff", DiffOutcome(None, "partial"))
    assert (cut.verdict, cut.details) == (Verdict.INCONCLUSIVE, ["cut off", "partial"])


TASKS = "tidegate.model.tasks"


def _tasks_condition(marker: str, outcome: CrosshairOutcome) -> Condition:
    import tidegate.model.tasks

    here = Path(tidegate.model.tasks.__file__)
    line = next(i for i, text in enumerate(here.read_text().splitlines(), 1) if marker in text)
    return Condition(str(here), line, outcome, marker.strip())


def test_targets_of_names_the_function_whose_docstring_holds_the_condition() -> None:
    send_pre = _tasks_condition("pre: -(2**63) <= item < 2**63", CrosshairOutcome.UNMET)
    poll_pre = _tasks_condition("pre: -(2**63) <= task < 2**63", CrosshairOutcome.UNMET)
    elsewhere = Condition("subject.py", 1, CrosshairOutcome.UNMET, "pre: x")
    targets = contract_targets([TASKS], classes=False)
    assert targets_of([send_pre], targets) == [f"{TASKS}.send"]
    assert targets_of([poll_pre, send_pre], targets) == [f"{TASKS}.send", f"{TASKS}.poll"]
    assert targets_of([elsewhere], targets) == []
    assert targets_of([send_pre], [t for t in targets if t[0] != f"{TASKS}.send"]) == []
    assert targets_of([send_pre], [(f"{TASKS}.no_such_function", 1), *targets]) == [f"{TASKS}.send"]
    assert targets_of([send_pre], [("tidegate.no_such_module.f", 1)]) == []


def test_a_target_that_met_no_precondition_is_searched_again_at_twice_the_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Quick's first process met send's precondition in about five runs of six: the first
    # paths pay CrossHair's warm-up. One more search at twice the budget decides it.
    from tidegate.proofs.crosshair import check

    unmet = _tasks_condition("pre: -(2**63) <= item < 2**63", CrosshairOutcome.UNMET)
    recv = _tasks_condition("post: __return__.answer == Pending", CrosshairOutcome.EXPLORED)
    met = _tasks_condition("post: __return__.answer in (OK, CLOSED", CrosshairOutcome.EXPLORED)
    calls: list[tuple[list[str], float]] = []
    second: list[Condition] = [met]

    def fake(
        targets: list[tuple[str, int]], budget: CrosshairBudget, *_: object, **__: object
    ) -> CrosshairReport:
        calls.append(([name for name, _ in targets], budget.per_condition))
        found = [unmet, recv] if len(calls) == 1 else second
        return CrosshairReport(list(found), expected=2)

    monkeypatch.setattr(check, "run_crosshair", fake)
    targets = [(f"{TASKS}.send", 1), (f"{TASKS}.recv", 1)]
    result = crosshair_result("crosshair", targets, SMALL, ctx())
    assert calls == [([f"{TASKS}.send", f"{TASKS}.recv"], 0.5), ([f"{TASKS}.send"], 1.0)]
    assert (result.verdict, result.cases) == (Verdict.PASS, 2), result.details
    # Unmet again: inconclusive, and the unmet condition is named.
    calls.clear()
    second[:] = [unmet]
    result = crosshair_result("crosshair", targets, SMALL, ctx())
    assert len(calls) == 2 and result.verdict is Verdict.INCONCLUSIVE
    assert any("tasks.py" in line and "precondition never met" in line for line in result.details)


def test_searching_again_keeps_what_it_did_not_redo_and_says_what_it_redoes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mutation: kills crosshair.check.searched_again's mutants (the message, the budget,
    the directory and run budget passed on, what is kept, and when nothing is redone)."""
    import io

    from tidegate.proofs.core import Budget
    from tidegate.proofs.crosshair import check

    send = _tasks_condition("pre: -(2**63) <= item < 2**63", CrosshairOutcome.UNMET)
    poll = _tasks_condition("pre: -(2**63) <= task < 2**63", CrosshairOutcome.UNMET)
    recv = _tasks_condition("post: __return__.answer == Pending", CrosshairOutcome.EXPLORED)
    met = _tasks_condition("post: __return__.answer in (OK, CLOSED", CrosshairOutcome.EXPLORED)
    targets = [(f"{TASKS}.send", 6), (f"{TASKS}.recv", 2), (f"{TASKS}.poll", 3)]
    seen: list[tuple[list[tuple[str, int]], float, object, object]] = []

    def fake(
        retried: list[tuple[str, int]], budget: CrosshairBudget, *, cwd: object, run: object
    ) -> CrosshairReport:
        seen.append((retried, budget.per_condition, cwd, run))
        return CrosshairReport([met], expected=1, complete=False, problems=["second"])

    monkeypatch.setattr(check, "run_crosshair", fake)
    out = io.StringIO()
    here = CheckContext(Profile.QUICK, 0, Console(file=out, width=200), Budget(None))
    first = CrosshairReport([send, recv, poll], expected=11, problems=["first"])
    again = check.searched_again(first, targets, SMALL, here, Path("/somewhere"))
    assert seen == [([targets[0], targets[2]], 1.0, Path("/somewhere"), here.budget)]
    assert again.conditions == [recv, met] and again.expected == 11
    assert (again.complete, again.problems) == (False, ["first", "second"])
    assert out.getvalue() == (
        "  crosshair: send, poll met no precondition within 0.5 CPU s; searching again at 1\n"
    )
    # Nothing to redo: every precondition met, none of the unmet in a target, or a run
    # already incomplete (inconclusive whatever a second run says).
    seen.clear()
    for report in (
        CrosshairReport([recv], expected=2),
        CrosshairReport([Condition("subject.py", 1, CrosshairOutcome.UNMET, "pre: x")]),
        CrosshairReport([send], expected=6, complete=False),
    ):
        assert check.searched_again(report, targets, SMALL, here) is report
    assert seen == [] and out.getvalue().count("\n") == 1
