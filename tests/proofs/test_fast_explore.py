"""The packed explorer: its step is the model's, its answers are the reference explorer's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from tidegate import model
from tidegate.model import Op, OpName, ReceiverState, Subject
from tidegate.proofs.explore import fast as fast_explore
from tidegate.proofs.explore import packed
from tidegate.proofs.explore.fast import explore_fast
from tidegate.proofs.explore.memory import rss
from tidegate.proofs.explore.packed import Action, Code, Layout, Moves
from tidegate.proofs.explore.packed_properties import STATE, STEP
from tidegate.proofs.explore.properties import CATALOGUE, OTHER_BASE, Moment
from tidegate.proofs.explore.search import Bounds, explore

# Every bound set the test suite and verify's quick profile explore, and a few more
# shapes: no items, cap 0, capacity above cap, a long backlog.
SUITE = [
    (1, 1, 0, 0),
    (1, 1, 3, 2),
    (2, 2, 4, 3),
    (1, 2, 4, 1),
    (2, 0, 4, 2),
    (3, 1, 5, 3),
    (1, 5, 7, 1),
]


def _without_timings(result: Any) -> dict[str, Any]:
    data: dict[str, Any] = result.to_json()
    del data["seconds"], data["states_per_second"], data["engine"], data["peak_rss_bytes"]
    return data


@pytest.mark.parametrize("bounds", [*SUITE, (3, 8, 10, 3)])
def test_same_answers_as_the_reference_explorer(bounds: tuple[int, int, int, int]) -> None:
    # Counts, depth, every property's verdict and counterexample trace, every witness.
    reference = explore(Bounds(*bounds))
    fast = explore_fast(Bounds(*bounds))
    assert fast.complete and fast.stopped is None
    assert (fast.engine, reference.engine) == ("packed", "reference")
    assert _without_timings(fast) == _without_timings(reference)


def test_two_workers_find_what_one_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every level of 64 states or more is split between the two workers.
    monkeypatch.setattr(fast_explore, "SPLIT", 64)
    one = explore_fast(Bounds(4, 8, 12, 4), workers=1)
    two = explore_fast(Bounds(4, 8, 12, 4), workers=2)
    assert _without_timings(two) == _without_timings(one)
    assert one.states == 104_290 and one.transitions == 445_907 and one.depth == 37


def _model_moves(s: Subject, queued: int, others: int, b: Bounds) -> Iterator[tuple[Action, Op]]:
    """The actions enabled in a model state, by the exploration's rules, as model ops."""
    receiver = s.channel.receiver
    for action in packed.ACTIONS:
        enabled = {
            Action.ENQUEUE: queued < b.queue_items,
            Action.DRAIN: True,
            Action.SEND: others < b.other_items,
            Action.RECV: receiver is not ReceiverState.DROPPED,
            Action.DROP: receiver is not ReceiverState.DROPPED,
            Action.CLOSE: receiver is ReceiverState.OPEN,
        }[action]
        if enabled:
            yield action, packed.op_of(action, queued, others)


def _mask(layout: Layout, items: tuple[int, ...]) -> int:
    """`items` in the numbering of `Layout.held_mask`."""
    q = sum(1 << (x - 1) for x in items if x < OTHER_BASE)
    o = sum(1 << (x - OTHER_BASE) for x in items if x >= OTHER_BASE)
    return q | o << layout.queue_items


def _lockstep(b: Bounds) -> int:
    """Breadth-first over the packed states, every step held against the model's.

    For each state and action: enabled exactly when the model's rules enable it; the
    packed successor is the model's successor packed; the answer code is the model's
    answer's; the items gained, received and discarded are the model's; and every
    packed predicate gives the verdict of the catalogue's predicate on the same
    moment. Returns the number of states reached.
    """
    layout = packed.layout_for(b.capacity, b.cap, b.queue_items, b.other_items)
    tab = packed.tables(layout)
    start = packed.initial(layout)
    seen, frontier = {start}, [start]
    by_name = {p.name: p for p in CATALOGUE}
    while frontier:
        keys = np.array(frontier, dtype=np.uint64)
        f = packed.fields(layout, tab, keys)
        for name, predicate in STATE.items():
            on_state = by_name[name].on_state
            assert on_state is not None
            verdicts = predicate(layout, f)
            for i, key in enumerate(frontier):
                s = packed.decode(layout, key)[0]
                assert bool(verdicts[i]) == (not on_state(s)), (name, s)
        moves = {a: packed.successors(layout, f, a) for a in packed.ACTIONS}
        following = []
        for i, key in enumerate(frontier):
            s, queued, others = packed.decode(layout, key)
            assert packed.encode(layout, s, queued, others) == key
            enabled = dict(_model_moves(s, queued, others, b))
            for action, m in moves.items():
                assert bool(m.enabled[i]) == (action in enabled), (s, action)
                if action not in enabled:
                    continue
                op = enabled[action]
                t = model.apply(s, op)
                q2 = queued + (action is Action.ENQUEUE)
                o2 = others + (action is Action.SEND)
                after = packed.encode(layout, t.state, q2, o2)
                where = (s, queued, others, str(op))
                assert int(m.after[i]) == after, where
                assert Code(int(m.answer[i])) is packed.code_of(t.answer), where
                _same_items(layout, m, i, op, t)
                moment = Moment(s, op, t)
                for name, step_predicate in STEP.items():
                    on_step = by_name[name].on_step
                    assert on_step is not None
                    verdict = bool(step_predicate(layout, f, m)[i])
                    assert verdict == (not on_step(moment)), (name, where)
                if after not in seen:
                    seen.add(after)
                    following.append(after)
        frontier = following
    return len(seen)


def _same_items(layout: Layout, m: Moves, i: int, op: Op, t: model.Transition) -> None:
    accepted = op.item is not None and t.answer == model.OK
    gained = _mask(layout, (op.item,)) if accepted and op.item is not None else 0
    received = 0
    if op.name is OpName.TRY_RECV and packed.code_of(t.answer) is Code.ITEM:
        assert isinstance(t.answer, model.Ok) and isinstance(t.answer.value, int)
        received = _mask(layout, (t.answer.value,))
    discarded = _mask(layout, t.discarded)
    assert int(m.gained[i]) == gained
    assert int(m.received[i]) == received
    assert int(m.discarded[i]) == discarded


@pytest.mark.parametrize("bounds", SUITE)
def test_packed_step_is_the_model_step_on_every_explored_state(
    bounds: tuple[int, int, int, int],
) -> None:
    b = Bounds(*bounds)
    assert _lockstep(b) == explore(b).states


def test_encode_refuses_states_the_layout_cannot_hold() -> None:
    layout = packed.layout_for(2, 2, 4, 2)
    s = model.new(2, 2)
    backwards = Subject(s.channel, model.QueueState(2, (3, 2)))
    with pytest.raises(packed.PackError, match="out of order"):
        packed.encode(layout, backwards, 3, 0)
    with pytest.raises(packed.PackError, match="not yet submitted"):
        packed.encode(layout, model.enqueue_or_send(s, 4).state, 3, 0)


_REAL_STEP = packed.successors


def _forgets_closed_drain(layout: Layout, f: packed.Fields, action: Action) -> Moves:
    """The packed step with a bug: a Closed try_drain_one drops its item unreported."""
    m = _REAL_STEP(layout, f, action)
    if action is Action.DRAIN:
        return m._replace(discarded=np.zeros_like(m.discarded))
    return m


def _receives_newest(layout: Layout, f: packed.Fields, action: Action) -> Moves:
    """The packed step with a bug: try_recv hands out the newest queue item held."""
    m = _REAL_STEP(layout, f, action)
    if action is not Action.RECV:
        return m
    queue_item = (m.received != 0) & (m.received < np.uint64(1 << layout.queue_items))
    newest = np.where(queue_item, np.uint64(1) << _top_bit(f.qmask), m.received)
    shift = np.uint64(layout.qmask_shift)
    after = m.after + (m.received << shift) - (newest << shift)
    return m._replace(after=after, received=newest)


def _top_bit(mask: packed.U64) -> packed.U64:
    top = np.zeros_like(mask)
    for bit in range(64):
        top = np.where((mask >> np.uint64(bit)) & np.uint64(1) == 1, np.uint64(bit), top)
    return top


@pytest.mark.parametrize(
    ("broken", "fails", "steps"),
    [(_forgets_closed_drain, "no_silent_loss", 4), (_receives_newest, "order", 3)],
)
def test_a_broken_packed_step_fails_its_invariant(
    monkeypatch: pytest.MonkeyPatch, broken: Any, fails: str, steps: int
) -> None:
    monkeypatch.setattr(fast_explore, "successors", broken)
    r = explore_fast(Bounds(1, 2, 4, 1))
    failed = {
        o.prop.name: o.counterexample
        for o in r.outcomes
        if o.prop.kind.value == "invariant" and not o.holds
    }
    assert set(failed) == {fails}
    trace = failed[fails]
    assert trace is not None and len(trace.steps) == steps


@pytest.mark.parametrize("broken", [_forgets_closed_drain, _receives_newest])
def test_the_lockstep_check_catches_a_broken_packed_step(
    monkeypatch: pytest.MonkeyPatch, broken: Any
) -> None:
    monkeypatch.setattr(packed, "successors", broken)
    with pytest.raises(AssertionError):
        _lockstep(Bounds(1, 2, 4, 1))


def test_bounds_beyond_64_bits_are_refused_naming_them() -> None:
    with pytest.raises(
        packed.LayoutError,
        match="C=4 NQ=60 NO=8 needs 86 bits per packed state; the packed explorer holds at most 52",
    ):
        explore_fast(Bounds(4, 8, 60, 8))


def test_time_budget_stops_early_saying_where() -> None:
    r = explore_fast(Bounds(4, 8, 14, 6), max_seconds=0.01)
    assert not r.complete
    assert r.stopped is not None and "time budget of 0.01 s ran out (at depth" in r.stopped
    assert 0 < r.states < 1_197_849


def test_memory_budget_stops_before_exceeding_it() -> None:
    budget = rss() + 100_000_000
    r = explore_fast(Bounds(4, 8, 16, 6), max_memory=budget)
    assert not r.complete
    assert r.stopped is not None and "memory budget of" in r.stopped
    assert 0 < r.states < 4_211_404


def test_spin_scale_bounds_exact() -> None:
    # Issue 11's bounds, counted by an independent SPIN model: 4,211,404 states.
    r = explore_fast(Bounds(4, 8, 16, 6))
    assert (r.states, r.transitions, r.depth) == (4_211_404, 17_796_591, 45)
    assert r.complete and r.invariants_hold()


@pytest.mark.slow
def test_spin_scale_bounds_largest() -> None:
    # About a minute and 1.2 GB: 43,131,582 states (SPIN's count).
    r = explore_fast(Bounds(4, 8, 18, 8))
    assert (r.states, r.transitions, r.depth) == (43_131_582, 185_722_023, 49)
    assert r.complete and r.invariants_hold()
