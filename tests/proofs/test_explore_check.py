"""The exploration checks of `tidegate verify`: pass at the bounds, fail when they must."""

from __future__ import annotations

import io

from rich.console import Console

from tidegate.proofs.core import CheckContext, CheckResult, Profile, Verdict
from tidegate.proofs.explore.check import exploration_checks
from tidegate.proofs.explore.engine import NO_TASKS_NOTE
from tidegate.proofs.explore.search import Bounds
from tidegate.proofs.profiles import PROFILES


def run_all(
    bounds: tuple[Bounds, ...] | None = None, budget: float | None = None
) -> list[CheckResult]:
    ctx = CheckContext(Profile.QUICK, 0, Console(file=io.StringIO()))
    return [check(ctx) for check in exploration_checks(Profile.QUICK, bounds, budget)]


def test_quick_bounds_pass_with_witnesses_and_findings() -> None:
    results = run_all()
    assert [r.verdict for r in results] == [Verdict.PASS] * (
        len(PROFILES[Profile.QUICK].explore.bounds) + 2
    )
    assert results[0].name == "explore C=1 K=1 NQ=3 NO=2" and results[0].cases == 197
    witnesses, findings = results[-2], results[-1]
    # 13 answers of the v1 operations, 20 of the task operations (quick has task bounds).
    assert witnesses.cases == 33 and witnesses.unit == "of 33 answers reached"
    assert any("unreachable by contract" in f for f in witnesses.findings)
    # 3 findings about the v1 operations, 6 about tasks.
    assert findings.cases == 9 and findings.unit == "of 9 refuted"
    assert any(
        "QueueFull is answered only when the channel is full" in f for f in findings.findings
    )
    assert any("a recv on a closed channel with nothing buffered" in f for f in findings.findings)
    # Bound sets with tasks go to the reference explorer, and the check says why.
    tasks = [r for r in results if " NS=" in r.name]
    assert tasks and all(r.details[-1] == NO_TASKS_NOTE for r in tasks)
    assert all(NO_TASKS_NOTE not in r.details for r in results if " NS=" not in r.name)


def test_cap_zero_alone_leaves_witnesses_unreached_and_findings_unrefuted() -> None:
    # With cap 0 nothing ever spills: drains never send or fail, so a verifier that
    # explored only this would hold some properties vacuously. Both checks must say so.
    results = run_all((Bounds(2, 0, 4, 2),))
    explored, witnesses, findings = results
    assert explored.verdict is Verdict.PASS
    assert witnesses.verdict is Verdict.FAIL
    assert "never reached: try_drain_one -> ok true (a property may hold vacuously)" in (
        witnesses.details
    )
    assert findings.verdict is Verdict.FAIL
    assert any("never refuted" in d for d in findings.details)


def test_budget_cut_short_is_inconclusive_never_pass() -> None:
    explored, witnesses, findings = run_all((Bounds(4, 8, 16, 6),), budget=0.01)
    assert explored.verdict is Verdict.INCONCLUSIVE
    assert "budget ran out before every state was seen: time budget of" in explored.details[-1]
    # Cut short, an answer not reached or a finding not refuted may lie beyond the budget:
    # neither a pass nor a failure.
    assert witnesses.verdict is Verdict.INCONCLUSIVE
    assert findings.verdict is Verdict.INCONCLUSIVE
    assert findings.details[0].startswith("not refuted before the exploration budget ran out: ")
