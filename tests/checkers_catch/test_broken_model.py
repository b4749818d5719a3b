"""Broken model transitions, each caught: by the model's own contracts under CrossHair (with
a counterexample) and by exhaustive exploration (an invariant fails, with a shortest
counterexample and exit 1); and a false invariant, refuted at once.

The wrong transitions for CrossHair are the model's own `subject.py` with one line of code
changed (its contracts untouched), written to a temporary module: so the test shows that
the contracts the model ships catch the bug, not a copy of them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

import tidegate.model.subject
from tests.support import broken_model
from tidegate.model import Subject, Transition
from tidegate.proofs.cli import main
from tidegate.proofs.core import CheckContext, Profile, Verdict
from tidegate.proofs.crosshair.check import crosshair_result
from tidegate.proofs.crosshair.run import CrosshairBudget, contract_targets
from tidegate.proofs.explore.properties import CATALOGUE, Property, PropertyKind
from tidegate.proofs.explore.search import Bounds, explore

# The v1 transitions searched as quick searches them: over subjects without tasks.
SMALL = CrosshairBudget(per_condition=0.5, overall=60.0, task_free=True)


def ctx() -> CheckContext:
    return CheckContext(Profile.QUICK, 0, Console(file=None, force_terminal=False, quiet=True))


WRONG_TRANSITIONS = {
    # try_drain_one pops the front and, on a full channel, forgets to put it back.
    "drain_loses_item_on_full": (
        "    if answer == FULL:\n        return Transition(s, Ok(False))",
        "    if answer == FULL:\n"
        "        return Transition(s.with_parts(s.channel, QueueState(q.cap, rest)), Ok(False))",
        "try_drain_one",
    ),
    # enqueue_or_send overtakes its own backlog whenever the channel has a free slot.
    "enqueue_overtakes_backlog": (
        "    if q.has_pending:\n",
        "    if q.has_pending and s.channel.free_slots == 0:\n",
        "enqueue_or_send",
    ),
}


def wrong_subject(tmp_path: Path, bug: str) -> list[tuple[str, int]]:
    """Write the model's subject.py with `bug` applied as module `wrong_subject`; return the
    broken function as a CrossHair target."""
    old, new, function = WRONG_TRANSITIONS[bug]
    source = Path(tidegate.model.subject.__file__).read_text()
    assert source.count(old) == 1, f"the model changed: {old!r} no longer found once"
    # The broken transitions work on the model's own state classes (whose subjects the
    # task-free plugin builds), not on copies of them.
    real_states = "\nfrom tidegate.model.subject import Subject, Transition  # noqa: E402\n"
    (tmp_path / "wrong_subject.py").write_text(source.replace(old, new) + real_states)
    weight = dict(contract_targets(["tidegate.model.subject"]))[
        f"tidegate.model.subject.{function}"
    ]
    return [(f"wrong_subject.{function}", weight)]


@pytest.mark.parametrize("bug", sorted(WRONG_TRANSITIONS))
def test_a_wrong_transition_fails_with_its_counterexample(tmp_path: Path, bug: str) -> None:
    targets = wrong_subject(tmp_path, bug)
    result = crosshair_result("crosshair", targets, SMALL, ctx(), cwd=tmp_path)
    assert result.verdict is Verdict.FAIL, result.details
    shown = "\n".join(result.details)
    assert "wrong_subject.py:" in shown and "post:" in shown
    assert f"when calling {targets[0][0].split('.')[1]}(Subject(" in shown


def test_a_false_invariant_is_caught_with_a_shortest_counterexample() -> None:
    # A deliberately wrong invariant ("the channel never fills") must fail, at depth 1.
    never_full = Property(
        "never_full",
        "the channel never fills",
        PropertyKind.INVARIANT,
        on_state=lambda s: s.channel.free_slots > 0,
    )
    r = explore(Bounds(1, 1, 3, 2), catalogue=(*CATALOGUE, never_full))
    assert not r.invariants_hold()
    (outcome,) = [o for o in r.outcomes if o.prop.name == "never_full"]
    assert outcome.counterexample is not None
    assert [str(s.op) for s in outcome.counterexample.steps] == ["enqueue_or_send(1)"]


@pytest.mark.parametrize(
    ("broken", "fails", "steps"),
    [
        (broken_model.drain_newest_first, "order", 5),
        (broken_model.drain_forgets_on_closed, "no_silent_loss", 4),
    ],
)
def test_a_broken_model_transition_fails_its_invariant(
    monkeypatch: pytest.MonkeyPatch,
    broken: Callable[[Subject], Transition],
    fails: str,
    steps: int,
) -> None:
    broken_model.substitute(monkeypatch, "try_drain_one", broken)
    r = explore(Bounds(1, 2, 4, 1))
    failed = {
        o.prop.name: o.counterexample
        for o in r.outcomes
        if o.prop.kind is PropertyKind.INVARIANT and not o.holds
    }
    assert set(failed) == {fails}
    trace = failed[fails]
    assert trace is not None and len(trace.steps) == steps
    assert main_exit_for(Bounds(1, 2, 4, 1)) == 1


def main_exit_for(bounds: Bounds) -> int:
    return main(
        [
            "explore",
            "--capacity",
            str(bounds.capacity),
            "--cap",
            str(bounds.cap),
            "--queue-items",
            str(bounds.queue_items),
            "--other-items",
            str(bounds.other_items),
            # The model's functions are monkeypatched: only the reference explorer calls them.
            "--engine",
            "reference",
        ]
    )
