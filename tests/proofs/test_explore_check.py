"""The exploration checks of `tidegate verify`: pass at the bounds, fail when they must."""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

import pytest
from rich.console import Console

from tidegate.proofs.core import CheckContext, CheckResult, Profile, Verdict
from tidegate.proofs.explore.check import exploration_checks
from tidegate.proofs.explore.engine import TASKS_NOTE
from tidegate.proofs.explore.search import Bounds, Exploration
from tidegate.proofs.profiles import PROFILES
from tidegate.proofs.report import make_console


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
    # Bound sets with tasks go to the interned explorer, and the check says why.
    tasks = [r for r in results if " NS=" in r.name]
    assert tasks and all(r.details[-1] == TASKS_NOTE for r in tasks)
    assert all(TASKS_NOTE not in r.details for r in results if " NS=" not in r.name)


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


SMALL = Bounds(1, 1, 3, 2)
DISCONNECTED = (
    "try_recv -> Disconnected is unreachable by contract (only try_recv after drop_receiver, "
    "which PROTOCOL.md traces never issue); the model: "
)
NEVER_REFUTED = "expected to be false for the seed but never refuted: "


def _same(result: CheckResult) -> tuple[object, ...]:
    """A result without its timings (the bounds check's first line says how fast it ran)."""
    details = result.details[1:] if result.name.startswith("explore ") else result.details
    return (result.name, result.verdict, result.cases, result.unit, details, result.findings)


def test_each_check_explores_what_it_needs_in_any_order() -> None:
    """Mutation: kills explore.check's Explorations.get/all mutants that lose the context
    (the witnesses and findings checks, run first, explore the bounds themselves)."""
    ctx = CheckContext(Profile.QUICK, 0, Console(file=io.StringIO()))
    in_order = [check(ctx) for check in exploration_checks(Profile.QUICK, (SMALL,))]
    backwards = [check(ctx) for check in reversed(exploration_checks(Profile.QUICK, (SMALL,)))]
    assert [_same(r) for r in in_order] == [_same(r) for r in reversed(backwards)]


def test_what_was_not_reached_is_named_and_the_off_contract_answer_reported() -> None:
    """Mutation: kills explore.check._check_witnesses and _check_findings mutants in the
    names, units, details and findings they report."""
    _, witnesses, findings = run_all((Bounds(2, 0, 4, 2),))
    assert (witnesses.name, witnesses.verdict, witnesses.cases, witnesses.unit) == (
        "reachability witnesses",
        Verdict.FAIL,
        11,
        "of 13 answers reached",
    )
    assert witnesses.details == [
        "never reached: try_drain_one -> ok true (a property may hold vacuously)",
        "never reached: try_drain_one -> Closed (a property may hold vacuously)",
    ]
    assert witnesses.findings == [DISCONNECTED + "answered by an off-contract probe"]
    assert (findings.name, findings.cases, findings.unit) == (
        "findings (false for the seed)",
        0,
        "of 3 refuted",
    )
    assert findings.details == [
        NEVER_REFUTED + "QueueFull is answered only when the channel is full or the receiver "
        "is not open",
        NEVER_REFUTED + "an item accepted with ok is never lost to a try_drain_one answering "
        "Closed",
        NEVER_REFUTED + "enqueue_or_send answers ok only while the receiver is open",
    ]


def test_witnesses_cut_short_name_the_first_answer_missing_or_say_so() -> None:
    """Mutation: kills explore.check._check_witnesses mutants for an exploration cut short:
    one answer not reached (named, and only the first), or every one reached (still
    inconclusive)."""
    _, witnesses, _ = run_all((Bounds(4, 8, 16, 6),), budget=0.01)
    assert witnesses.verdict is Verdict.INCONCLUSIVE and len(witnesses.details) == 1
    assert witnesses.details[0].startswith("not reached before the exploration budget ran out: ")
    (disconnected,) = witnesses.findings  # answered or not, depending on how far it got
    assert disconnected.startswith(DISCONNECTED)

    checks = exploration_checks(Profile.QUICK, (SMALL,))
    ctx = CheckContext(Profile.QUICK, 0, Console(file=io.StringIO()))
    shared = checks[0].args[0]  # type: ignore[attr-defined]
    shared.results[SMALL] = replace(shared.get(SMALL, ctx), complete=False)
    every = checks[1](ctx)
    assert (every.verdict, every.cases) == (Verdict.INCONCLUSIVE, 13)
    assert every.details == ["some exploration was cut short by its budget"]


def test_an_answer_reached_in_one_bound_set_is_reached_and_an_interrupt_stops_exploring() -> None:
    """Mutation: kills explore.check mutants that let a later bound set's miss override an
    earlier one's witness (_check_witnesses), that drop the run's budget (Explorations.get:
    Ctrl-C would not stop an exploration) or the bounds check's unit."""
    explored, cap_zero, witnesses, _ = run_all((SMALL, Bounds(2, 0, 4, 2)))
    assert explored.unit == cap_zero.unit == "states"
    assert (witnesses.verdict, witnesses.cases, witnesses.details) == (Verdict.PASS, 13, [])
    stopped = CheckContext(Profile.QUICK, 0, Console(file=io.StringIO()))
    stopped.budget.interrupt()
    cut = exploration_checks(Profile.QUICK, (SMALL,))[0](stopped)
    assert cut.verdict is Verdict.INCONCLUSIVE and cut.cases < 197


def test_the_witnesses_check_run_alone_explores_its_bounds() -> None:
    """Mutation: kills explore.check._check_witnesses 2 (its bound sets explored without the
    run's context: only a check run first explores, and this one can be first)."""
    ctx = CheckContext(Profile.QUICK, 0, Console(file=io.StringIO()))
    witnesses = exploration_checks(Profile.QUICK, (SMALL,))[-2](ctx)
    assert (witnesses.verdict, witnesses.cases) == (Verdict.PASS, 13)


def test_an_off_contract_answer_never_given_is_reported_as_never_answered() -> None:
    """Mutation: kills explore.check._check_witnesses 41, 44, 45 (the off-contract finding
    says "answered" when the model never gave the answer)."""
    checks = exploration_checks(Profile.QUICK, (SMALL,))
    ctx = CheckContext(Profile.QUICK, 0, Console(file=io.StringIO()))
    shared = checks[0].args[0]  # type: ignore[attr-defined]
    explored = shared.get(SMALL, ctx)
    reaches = [replace(r, trace=None) if r.off_contract else r for r in explored.reaches]
    shared.results[SMALL] = replace(explored, reaches=type(explored.reaches)(reaches))
    witnesses = checks[-2](ctx)
    assert witnesses.verdict is Verdict.PASS
    assert witnesses.findings == [DISCONNECTED + "never answered"]


def _finding(prop: str, explored: tuple[Exploration, ...]) -> str:
    """What the findings check must say about `prop`: its shortest counterexample, the
    first bound set's on a tie, with each step as `op -> answer`, then the trace."""
    shortest = None
    for r in explored:
        for o in r.outcomes:
            cex = o.counterexample
            if o.prop.name == prop and cex and (not shortest or len(cex.steps) < len(shortest)):
                statement, shortest, trace = o.prop.statement, cex.steps, cex
    assert shortest is not None
    steps = "; ".join(f"{s.op} -> {s.result}" for s in shortest)
    return (
        f"NOT guaranteed: {statement}. Shortest counterexample (capacity={trace.capacity}, "
        f"cap={trace.cap}, {len(shortest)} steps): {steps}\n    trace: {trace.to_json()}"
    )


def test_each_finding_shows_its_own_shortest_counterexample_the_first_listed_on_a_tie() -> None:
    """Mutation: kills explore.check._check_findings 22 (another property's counterexample
    shown), 27 (a tie goes to the bound set listed last), 40 and 42 (the steps garbled)."""
    # The lost-to-a-closed-drain finding takes 4 steps at cap 1 and at cap 2: a tie.
    two = Bounds(1, 2, 3, 2)
    for order in ((SMALL, two), (two, SMALL)):
        ctx = CheckContext(Profile.QUICK, 0, Console(file=io.StringIO()))
        checks = exploration_checks(Profile.QUICK, order)
        findings = checks[-1](ctx)
        explored = tuple(checks[0].args[0].get(b, ctx) for b in order)  # type: ignore[attr-defined]
        names = [
            "queue_full_means_no_room",
            "accepted_never_lost_to_closed_drain",
            "ok_only_while_open",
        ]
        assert findings.findings == [_finding(n, explored) for n in names]
        tie = findings.findings[1]
        assert f"(capacity=1, cap={order[0].cap}, 4 steps)" in tie, tie


def test_each_bound_set_gets_what_is_left_of_the_budget_and_the_memory_limit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Mutation: kills explore.check.Explorations.get 10 (the time already spent added to,
    not taken from, the budget), 13, 21 and 26 (its progress unnamed or never told), 20
    and 25 (no memory limit)."""
    from tidegate.proofs.core import default_memory_limit
    from tidegate.proofs.explore import check
    from tidegate.proofs.explore.engine import explore_bounds

    now = iter([100.0, 100.0, 104.0])  # the start, then one reading per bound set
    asked: list[tuple[Bounds, float | None, int | None]] = []
    real = explore_bounds

    def recording(bounds: Bounds, **limits: Any) -> Exploration:
        asked.append((bounds, limits["max_seconds"], limits["max_memory"]))
        return real(bounds, **limits)

    monkeypatch.setattr(check, "explore_bounds", recording)
    shared = check.Explorations((SMALL, Bounds(2, 0, 4, 2)), 10.0, lambda: next(now))
    ctx = CheckContext(Profile.QUICK, 0, make_console())
    shared.get(SMALL, ctx)
    shared.get(Bounds(2, 0, 4, 2), ctx)
    limit = default_memory_limit()
    assert asked == [(SMALL, 10.0, limit), (Bounds(2, 0, 4, 2), 6.0, limit)]
    assert f"  explore {SMALL} (states): 197 done in " in capsys.readouterr().out
