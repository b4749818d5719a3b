"""Broken task transitions (v2) of the model, each caught by exhaustive exploration with
task bounds: the task invariant it breaks fails, with a shortest counterexample, and
`tidegate explore` exits 1."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support import broken_tasks
from tidegate.proofs.cli import main
from tidegate.proofs.explore.properties import PropertyKind
from tidegate.proofs.explore.search import Bounds, explore

SENDS = Bounds(1, 0, 0, 1, sends=2)
WAITERS = Bounds(1, 0, 0, 0, waiters=1)


@pytest.mark.parametrize(
    ("name", "broken", "bounds", "fails", "shortest"),
    [
        (
            "cancel",
            broken_tasks.cancel_sends_reserved,
            SENDS,
            {"unsent_never_delivered", "no_silent_loss"},
            ["try_send(1001)", "send(2001)", "try_recv", "cancel(1)"],
        ),
        (
            "try_recv",
            broken_tasks.recv_reserves_for_newest,
            SENDS,
            {"parked_sends_fifo"},
            ["try_send(1001)", "send(2001)", "send(2002)", "try_recv"],
        ),
        (
            "notify_one",
            broken_tasks.notify_one_forgets_waiters,
            WAITERS,
            {"no_lost_notification"},
            ["notified", "notify_one"],
        ),
    ],
)
def test_a_broken_task_transition_fails_its_invariant(
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    broken: Callable[..., object],
    bounds: Bounds,
    fails: set[str],
    shortest: list[str],
) -> None:
    broken_tasks.substitute_task(monkeypatch, name, broken)
    r = explore(bounds)
    failed = {
        o.prop.name: o.counterexample
        for o in r.outcomes
        if o.prop.kind is PropertyKind.INVARIANT and not o.holds
    }
    assert set(failed) == fails
    first = sorted(fails)[-1]
    trace = failed[first]
    assert trace is not None
    assert [str(s.op) for s in trace.steps] == shortest
    flags = ["--capacity", "1", "--cap", "0", "--queue-items", "0"]
    flags += ["--other-items", str(bounds.other_items), "--sends", str(bounds.sends)]
    assert main(["explore", *flags, "--waiters", str(bounds.waiters)]) == 1
