"""Exploration with task bounds (v2): counts held against a plain second search, the task
properties and findings with their shortest counterexamples, and the command line.

`plain_task_search` is a deliberately naive breadth-first search over the state space
`tidegate.proofs.explore.tasks` describes (whole model subjects and counters as keys, no
interning, no memo, every enabled operation applied through `model.apply`), written from
PROTOCOL.md's rules apart from the explorer's code: the two must count alike.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator

import pytest

from tidegate import model
from tidegate.model import Op, OpName, ReceiverState, TaskOp, TaskOpName
from tidegate.proofs.cli import main
from tidegate.proofs.explore.engine import TASKS_NOTE, Engine, explore_bounds
from tidegate.proofs.explore.search import Bounds, BoundsError, Exploration, explore
from tidegate.proofs.explore.task_properties import TASK_FINDINGS, TASK_INVARIANTS
from tidegate.proofs.protocol.subjects import ModelRunner
from tidegate.proofs.recordings.replay import replay_trace

# A state: the subject, then queue items, other items, sends, recvs and notified started.
State = tuple[model.Subject, int, int, int, int, int]
AnyOp = Op | TaskOp


def plain_actions(state: State, b: Bounds) -> Iterator[AnyOp]:
    """Every operation a trace may issue in `state` within `b`, by PROTOCOL.md's rules."""
    s, queued, others, sent, received, waited = state
    dropped = s.channel.receiver is ReceiverState.DROPPED
    if queued < b.queue_items:
        yield Op(OpName.ENQUEUE_OR_SEND, queued + 1)
    yield Op(OpName.TRY_DRAIN_ONE)
    if others < b.other_items:
        yield Op(OpName.TRY_SEND, 1001 + others)
    if not dropped:
        yield Op(OpName.TRY_RECV)
        yield Op(OpName.DROP_RECEIVER)
    if s.channel.receiver is ReceiverState.OPEN:
        yield Op(OpName.CLOSE)
    if sent < b.sends:
        yield TaskOp(TaskOpName.SEND, item=2001 + sent)
    if received < b.recvs and not dropped:
        yield TaskOp(TaskOpName.RECV)
    if waited < b.waiters:
        yield TaskOp(TaskOpName.NOTIFIED)
    if b.waiters:
        yield TaskOp(TaskOpName.NOTIFY_ONE)
    # No trace polls or cancels a recv task once the receiver is dropped.
    for task in sorted(s.task_ids):
        if not (dropped and task in s.receives):
            yield TaskOp(TaskOpName.POLL, task=task)
            yield TaskOp(TaskOpName.CANCEL, task=task)


def counted(op: AnyOp) -> tuple[int, int, int, int, int]:
    """What `op` adds to the counters (queue, other, send, recv, notified)."""
    return (
        int(op.name is OpName.ENQUEUE_OR_SEND),
        int(op.name is OpName.TRY_SEND),
        int(op.name is TaskOpName.SEND),
        int(op.name is TaskOpName.RECV),
        int(op.name is TaskOpName.NOTIFIED),
    )


def plain_task_search(b: Bounds) -> tuple[int, int, int]:
    """States, transitions and depth, as `search.explore` defines them."""
    start: State = (model.new(b.capacity, b.cap), 0, 0, 0, 0, 0)
    seen = {start}
    frontier = [start]
    transitions = depth = 0
    while frontier:
        following = []
        for state in frontier:
            for op in plain_actions(state, b):
                transitions += 1
                after = model.apply(state[0], op).state
                c = counted(op)
                nxt: State = (after, *(n + d for n, d in zip(state[1:], c, strict=True)))  # type: ignore[assignment]
                if nxt not in seen:
                    seen.add(nxt)
                    following.append(nxt)
        if following:
            depth += 1
        frontier = following
    return len(seen), transitions, depth


# The explorer's own counts with tasks (pinned: a change to the model or the search shows).
TASK_COUNTS = [
    (Bounds(1, 0, 0, 1, sends=2), (117, 522, 7)),
    (Bounds(1, 0, 0, 0, recvs=2), (29, 101, 5)),
    (Bounds(1, 0, 0, 0, waiters=2), (84, 455, 6)),
    (Bounds(1, 1, 1, 1, sends=2), (432, 2130, 8)),
    (Bounds(2, 1, 2, 1, sends=1, recvs=1), (1302, 6685, 9)),
    (Bounds(2, 1, 1, 2, sends=2), (1247, 6227, 10)),
]


@pytest.mark.parametrize(("bounds", "counts"), TASK_COUNTS, ids=[str(b) for b, _ in TASK_COUNTS])
def test_task_counts_agree_with_a_plain_search(
    bounds: Bounds, counts: tuple[int, int, int]
) -> None:
    r = explore(bounds)
    assert r.complete and r.invariants_hold()
    assert (r.states, r.transitions, r.depth) == counts
    assert plain_task_search(bounds) == counts


def test_no_task_bounds_is_the_v1_state_space() -> None:
    # All three task bounds at 0 are v1's bounds: the same counts, names and JSON counts.
    assert Bounds(1, 1, 3, 2, 0, 0, 0) == Bounds(1, 1, 3, 2)
    assert str(Bounds(1, 1, 3, 2)) == "C=1 K=1 NQ=3 NO=2"
    assert not Bounds(1, 1, 3, 2).has_tasks
    r = explore(Bounds(2, 2, 4, 3))
    assert (r.states, r.transitions, r.depth) == (1123, 4863, 13)
    assert {o.prop.name for o in r.outcomes}.isdisjoint(p.name for p in TASK_INVARIANTS)
    assert all(not w.witness.name.startswith(("send", "poll")) for w in r.reaches)


@functools.cache
def explored(bounds: Bounds) -> Exploration:
    return explore(bounds)


def steps(bounds: Bounds, name: str) -> list[str]:
    (o,) = [o for o in explored(bounds).outcomes if o.prop.name == name]
    assert o.counterexample is not None, name
    # Each counterexample is a trace the model reproduces, tasks included.
    assert replay_trace(o.counterexample, ModelRunner()) is None
    return [f"{s.op} -> {s.result}" for s in o.counterexample.steps]


def test_findings_of_the_task_rules_have_shortest_counterexamples() -> None:
    b = Bounds(1, 1, 1, 1, sends=1, recvs=1, waiters=1)
    assert steps(b, "taken_slots_hold_items") == [
        "enqueue_or_send(1) -> ok null",
        "send(2001) -> pending 1",
        "try_recv -> ok 1",
    ]
    # A reserved slot makes the queue spill while the buffer is empty.
    assert steps(b, "queue_blocked_only_by_full_buffer") == [
        "try_send(1001) -> ok null",
        "send(2001) -> pending 1",
        "try_recv -> ok 1001",
        "enqueue_or_send(1) -> ok null",
    ]
    # recv after close is pending, not None, while a slot is reserved.
    assert steps(b, "recv_after_close_drained_is_none")[-2:] == [
        "close -> ok null",
        "recv -> pending 2",
    ]
    assert steps(b, "handed_slot_means_sent")[-1] == "poll(1) -> err Closed"
    assert steps(b, "every_notify_wakes_one") == ["notify_one -> ok null", "notify_one -> ok null"]
    # Slots go in park order, items need not: two reserved sends polled newest first.
    assert steps(Bounds(2, 1, 1, 2, sends=2), "parked_items_buffered_in_order")[-1] == (
        "poll(2) -> ok null"
    )


def test_every_task_answer_is_reached() -> None:
    r = explored(Bounds(1, 1, 1, 1, sends=1, recvs=1, waiters=1))
    names = {w.witness.name: w.reached for w in r.reaches}
    tasks = {n: ok for n, ok in names.items() if n.split()[0] in {t.value for t in TaskOpName}}
    assert len(tasks) == 20 and all(tasks.values()), tasks


def test_task_findings_are_findings() -> None:
    assert {p.kind.value for p in TASK_FINDINGS} == {"finding"}
    assert {p.kind.value for p in TASK_INVARIANTS} == {"invariant"}


def test_auto_picks_the_interned_explorer_for_tasks_and_says_so() -> None:
    r = explore_bounds(Bounds(1, 0, 0, 0, recvs=1), engine=Engine.AUTO)
    assert r.engine == "packed" and r.engine_note == TASKS_NOTE
    assert explore_bounds(Bounds(1, 1, 1, 1), engine=Engine.AUTO).engine_note is None


def test_cli_task_bounds(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["explore", "--capacity", "1", "--cap", "0", "--queue-items", "0", "--other-items"]
    assert main([*args, "0", "--recvs", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["bounds"] | {} == {
        "capacity": 1,
        "cap": 0,
        "queue_items": 0,
        "other_items": 0,
        "sends": 0,
        "recvs": 2,
        "waiters": 0,
    }
    assert (out["states"], out["engine"], out["engine_note"]) == (29, "packed", TASKS_NOTE)
    assert main([*args, "1", "--sends", "1", "--engine", "packed", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["states"] == 34
    assert main([*args, "1", "--sends", "1", "--engine", "reference", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["states"], out["engine"], out["engine_note"]) == (34, "reference", None)
    assert main([*args, "1001", "--sends", "1"]) == 2
    assert "other_items must be <= 1000 when sends are set" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main([*args, "0", "--waiters", "-1"])
    assert exit_.value.code == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sends": -1}, "sends must be >= 0, got -1"),
        ({"recvs": True}, "recvs must be an integer, got True"),
        ({"waiters": 1.5}, "waiters must be an integer, got 1.5"),
        ({"sends": 2**63}, "sends must be <= "),
    ],
)
def test_task_bounds_refuse_bad_values(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"capacity": 1, "cap": 1, "queue_items": 1, "other_items": 1}
    args.update(kwargs)
    with pytest.raises(BoundsError, match=message):
        Bounds(**args)  # type: ignore[arg-type]
