"""Every check `tidegate verify` runs rejects a subject broken on purpose.

A check that cannot fail proves nothing, and nothing else would notice: verify
would go on printing pass. `REJECTS` names, for each check function verify runs
(in any profile, with or without `--queue-class`), the tests that show it
answering FAIL on a broken subject; the first test fails as soon as verify gains
a check without one. Each broken subject is a mistake an author could make, put
where the check looks for its subject: the model, the implementation, a queue
class, an adapter, the protocol loops.
"""

from __future__ import annotations

import functools
import importlib
import io
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from rich.console import Console

from tests.conftest import REPO
from tests.support import broken_loops, broken_model, broken_tasks
from tests.support.adapters import BAD, PORT_BUG
from tests.support.differential_queues import DrainsNewestFirst
from tidegate.impl.channel import Receiver
from tidegate.impl.queue import BackpressureQueue
from tidegate.impl.reader import run_reader
from tidegate.impl.variants import DrainFirstQueue, Variant
from tidegate.proofs.conform.check import check_conform
from tidegate.proofs.core import Check, CheckContext, CheckResult, Profile, Verdict
from tidegate.proofs.crosshair import check as crosshair_check
from tidegate.proofs.crosshair.check import check_crosshair, check_crosshair_diff
from tidegate.proofs.differential.check import check_differential
from tidegate.proofs.explore import check as explore_check
from tidegate.proofs.explore.engine import Engine, explore_bounds
from tidegate.proofs.explore.search import Bounds
from tidegate.proofs.interleave.check import check_interleave
from tidegate.proofs.interleave.world import Loops
from tidegate.proofs.profiles import PROFILES
from tidegate.proofs.recordings.check import check_recordings, check_recordings_on
from tidegate.proofs.verify import checks_for

HERE = "tests/checkers_catch/test_every_check.py"

REJECTS: dict[Callable[..., CheckResult], tuple[str, ...]] = {
    check_recordings: (
        f"{HERE}::test_recordings_reject_a_broken_model",
        f"{HERE}::test_recordings_reject_a_broken_implementation",
        f"{HERE}::test_recordings_reject_a_broken_task_rule_of_the_model",
    ),
    check_recordings_on: (f"{HERE}::test_recordings_reject_a_broken_queue_class",),
    check_differential: (
        "tests/checkers_catch/test_broken_queues.py::"
        "test_verify_against_a_flipped_drain_exits_1_with_program_and_trace",
        f"{HERE}::test_differential_compares_which_items_were_discarded",
    ),
    explore_check._check_bounds: (
        f"{HERE}::test_explore_rejects_a_broken_packed_step",
        f"{HERE}::test_explore_rejects_a_broken_model",
    ),
    explore_check._check_witnesses: (f"{HERE}::test_witnesses_reject_a_drain_that_never_sends",),
    explore_check._check_findings: (f"{HERE}::test_findings_reject_a_model_that_is_not_the_seed",),
    check_crosshair: (
        "tests/checkers_catch/test_broken_model.py::"
        "test_a_wrong_transition_fails_with_its_counterexample",
    ),
    check_crosshair_diff: (f"{HERE}::test_crosshair_diff_rejects_a_miscounting_implementation",),
    check_conform: (
        f"{HERE}::test_conform_rejects_a_broken_port",
        f"{HERE}::test_conform_rejects_an_adapter_that_crashes",
    ),
    check_interleave: (
        f"{HERE}::test_interleave_rejects_a_consumer_that_pings_first",
        f"{HERE}::test_interleave_rejects_a_seed_that_stops_showing_its_findings",
    ),
}
"""Each check function of verify, and the tests (`path::name`) that show it failing."""


def ctx(profile: Profile = Profile.QUICK) -> CheckContext:
    return CheckContext(profile, 0, Console(file=io.StringIO()))


def verify_checks() -> Iterator[Check]:
    """Every check verify can run: each profile, with and without --queue-class."""
    for profile in Profile:
        for queue_class in (None, DrainsNewestFirst):
            yield from checks_for(profile, queue_class)


def test_every_check_of_verify_has_a_broken_subject() -> None:
    functions = {getattr(check, "func", check) for check in verify_checks()}
    lacking = sorted(f.__qualname__ for f in functions if f not in REJECTS)
    assert not lacking, f"checks of verify that no test shows failing: {lacking}"
    stale = sorted(f.__qualname__ for f in REJECTS if f not in functions)
    assert not stale, f"REJECTS names checks verify no longer runs: {stale}"
    for names in REJECTS.values():
        for name in names:
            path, _, test = name.partition("::")
            module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
            assert callable(getattr(module, test, None)), f"{name} is not a test"


# --- the recordings -----------------------------------------------------------------------


def test_recordings_reject_a_broken_model(monkeypatch: pytest.MonkeyPatch) -> None:
    broken_model.substitute(monkeypatch, "try_drain_one", broken_model.drain_newest_first)
    result = check_recordings("model", ctx())
    assert result.verdict is Verdict.FAIL
    # 1,200 traces: the v1 file, then the v2 file (tasks), whose drains diverge as well
    assert result.cases == 1200 and result.details[-1] == "... and 49 more"


def test_recordings_reject_a_broken_task_rule_of_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only the v2 file has tasks: a wrong Notify is seen there or nowhere.
    broken_tasks.substitute_task(monkeypatch, "notify_one", broken_tasks.notify_one_forgets_waiters)
    result = check_recordings("model", ctx())
    assert result.verdict is Verdict.FAIL
    assert result.details[0].startswith("trace tokio-task-"), result.details[0]


def test_recordings_reject_a_broken_implementation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BackpressureQueue, "try_drain_one", DrainsNewestFirst.try_drain_one)
    result = check_recordings("impl", ctx())
    assert result.verdict is Verdict.FAIL
    assert result.details[5].startswith('{"id":')  # the first diverging trace, replayable


def test_recordings_reject_a_broken_queue_class() -> None:
    result = check_recordings_on(DrainsNewestFirst, ctx())
    assert result.verdict is Verdict.FAIL
    assert result.name == "recordings (tests.support.differential_queues:DrainsNewestFirst)"


# --- the differential ---------------------------------------------------------------------


def test_differential_compares_which_items_were_discarded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A receiver that reports the items its drop discarded newest first: as many as the
    # model's, the same ones, in another order. No answer shows it and every ledger
    # balances; only comparing the discarded items themselves does.
    real_drop = Receiver.drop

    def drop_newest_first(self: Receiver[int]) -> list[int]:
        return real_drop(self)[::-1]

    monkeypatch.setattr(Receiver, "drop", drop_newest_first)
    result = check_differential(ctx())
    assert result.verdict is Verdict.FAIL
    assert result.details[0].startswith(
        "failure no trace can show: discarded items differ: model [0, 1], impl [1, 0]"
    )


# --- exhaustive exploration ---------------------------------------------------------------

SPILLS = Bounds(1, 2, 4, 1)
"""Bounds where the backlog fills, drains and meets a closed channel."""


def explore_checks(bounds: Bounds = SPILLS) -> list[CheckResult]:
    """verify's exploration checks at `bounds`: the bound set's, witnesses', findings'."""
    return [check(ctx()) for check in explore_check.exploration_checks(Profile.QUICK, (bounds,))]


def on_the_reference_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Explore with the model's own functions (the packed engine computes its own)."""
    reference = functools.partial(explore_bounds, engine=Engine.REFERENCE)
    monkeypatch.setattr(explore_check, "explore_bounds", reference)


def test_explore_rejects_a_broken_packed_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "tidegate.proofs.explore.fast.successors", broken_model.packed_drain_forgets_on_closed
    )
    bounds, _, _ = explore_checks()
    assert bounds.verdict is Verdict.FAIL
    assert "invariant no_silent_loss fails: " in "\n".join(bounds.details)


def test_explore_rejects_a_broken_model(monkeypatch: pytest.MonkeyPatch) -> None:
    on_the_reference_engine(monkeypatch)
    broken_model.substitute(monkeypatch, "try_drain_one", broken_model.drain_newest_first)
    bounds, _, _ = explore_checks()
    assert bounds.verdict is Verdict.FAIL
    assert "invariant order fails: " in "\n".join(bounds.details)


def test_witnesses_reject_a_drain_that_never_sends(monkeypatch: pytest.MonkeyPatch) -> None:
    on_the_reference_engine(monkeypatch)
    broken_model.substitute(monkeypatch, "try_drain_one", broken_model.drain_never_sends)
    bounds, witnesses, _ = explore_checks()
    assert bounds.verdict is Verdict.PASS  # no invariant breaks: only the witness sees it
    assert witnesses.verdict is Verdict.FAIL
    assert witnesses.details == [
        "never reached: try_drain_one -> ok true (a property may hold vacuously)"
    ]


def test_findings_reject_a_model_that_is_not_the_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    on_the_reference_engine(monkeypatch)
    broken_model.substitute(monkeypatch, "enqueue_or_send", broken_model.enqueue_refuses_on_closed)
    bounds, _, findings = explore_checks()
    assert bounds.verdict is Verdict.PASS
    assert findings.verdict is Verdict.FAIL
    assert findings.details == [
        "expected to be false for the seed but never refuted: enqueue_or_send answers ok "
        "only while the receiver is open"
    ]


# --- CrossHair ----------------------------------------------------------------------------


def test_crosshair_diff_rejects_a_miscounting_implementation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        crosshair_check, "IMPL", "tests.support.crosshair_diff_fixture.used_slots_answers"
    )
    monkeypatch.chdir(REPO)  # CrossHair's worker imports the fixture from here
    # CrossHair searches for its whole budget even once it has found a difference.
    sizes = PROFILES[Profile.QUICK]
    shorter = replace(sizes, crosshair=replace(sizes.crosshair, diffbehavior=1.0))
    monkeypatch.setitem(PROFILES, Profile.QUICK, shorter)
    result = check_crosshair_diff(ctx())
    assert result.verdict is Verdict.FAIL, result.details
    assert any("Given:" in line for line in result.details)


# --- conformance --------------------------------------------------------------------------


def test_conform_rejects_a_broken_port() -> None:
    result = check_conform(ctx(), f"{PORT_BUG} drain-reorders")
    assert result.verdict is Verdict.FAIL
    assert result.details[0].startswith("divergence in ")
    assert result.details[-1].startswith('{"id":"minimal"')


def test_conform_rejects_an_adapter_that_crashes() -> None:
    result = check_conform(ctx(), f"{BAD} crash 3")
    assert result.verdict is Verdict.FAIL
    assert result.details[0].startswith("adapter error: ")


# --- the protocol loops -------------------------------------------------------------------


def test_interleave_rejects_a_consumer_that_pings_first() -> None:
    loops = Loops(consumer=broken_loops.consumer_pings_before_receiving, name="pings first")
    result = check_interleave(ctx(), loops)
    assert result.verdict is Verdict.FAIL
    assert any(line.startswith("no lost wake-up broken in ") for line in result.details)


def test_interleave_rejects_a_seed_that_stops_showing_its_findings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The seed's queue swapped for one that drains first: every property still holds
    # (the loops run without the model, which would notice at once), but the disconnect
    # with room the seed must show at these bounds is gone: the explorer went blind.
    monkeypatch.setattr(Variant, "make_queue", lambda self, cap: DrainFirstQueue(cap))
    sizes = PROFILES[Profile.QUICK].interleave
    seed_only = tuple(s for s in sizes.scenarios if s.variant is Variant.SEED)
    quick = replace(PROFILES[Profile.QUICK], interleave=replace(sizes, scenarios=seed_only))
    monkeypatch.setitem(PROFILES, Profile.QUICK, quick)
    # The real reader behind a partial: not the reference loops, so no model in lockstep.
    loops = Loops(reader=functools.partial(run_reader), name="the seed's, unchecked")
    result = check_interleave(ctx(), loops)
    assert result.verdict is Verdict.FAIL
    assert result.details == [
        "the seed no longer shows 'disconnect while the channel had room' at these bounds"
    ]
