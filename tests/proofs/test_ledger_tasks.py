"""The ghost ledger over task operations (v2): a parked send's item is nowhere until the send
answers ok, and an item reported unsent (cancelled, or Closed) is never delivered."""

from __future__ import annotations

from tests.support.broken_channels import write_at_receive_channel
from tidegate.model import CLOSED, EMPTY, Ok, Op, OpName, Pending, TaskOp, TaskOpName
from tidegate.proofs.differential.ledger import Ledger
from tidegate.proofs.protocol.queue_class import QueueRunner
from tidegate.proofs.protocol.subjects import ImplRunner, ModelRunner, Runner


def send(item: int) -> TaskOp:
    return TaskOp(TaskOpName.SEND, item=item)


def task(name: TaskOpName, task_id: int) -> TaskOp:
    return TaskOp(name, task=task_id)


TRY_RECV = Op(OpName.TRY_RECV)


def problems(runner: Runner, capacity: int, ops: list[Op | TaskOp]) -> list[str]:
    """Run `ops` on `runner` with a ledger watching; the ledger's problems at the end."""
    ledger = Ledger()
    runner.reset(capacity, 0)
    for op in ops:
        ledger.record(op, runner.apply(op), ())
    view = runner.view()  # type: ignore[attr-defined]
    if isinstance(runner, ImplRunner):
        runner.close()
    return ledger.problems(view.buffer, view.backlog)


def test_items_of_sends_are_accounted_when_they_answer() -> None:
    ops: list[Op | TaskOp] = [
        send(1),  # ok
        send(2),  # pending 1
        send(3),  # pending 2
        TRY_RECV,  # 1 received; the slot reserved for task 1
        task(TaskOpName.CANCEL, 2),  # 3 never sent
        task(TaskOpName.POLL, 1),  # ok: 2 buffered
        TaskOp(TaskOpName.RECV),  # 2 received by a recv task
        send(4),  # ok
        Op(OpName.CLOSE),
        send(5),  # Closed: never sent
    ]
    assert problems(ModelRunner(), 1, ops) == []
    assert problems(ImplRunner(), 1, ops) == []


def test_a_cancelled_sends_item_delivered_is_caught() -> None:
    # The old channel buffers item 2 when the receive frees the slot; the send is then
    # cancelled, and its item stays delivered: sent and reported unsent.
    ops: list[Op | TaskOp] = [send(1), send(2), TRY_RECV, task(TaskOpName.CANCEL, 1)]
    assert problems(QueueRunner(channel_factory=write_at_receive_channel), 1, ops) == [
        "item 2 is in the channel, but its send (task 1) was cancelled: an item is never "
        "both delivered and reported unsent"
    ]


def test_a_pending_sends_item_delivered_is_caught() -> None:
    ops: list[Op | TaskOp] = [send(1), send(2), TRY_RECV]
    assert problems(QueueRunner(channel_factory=write_at_receive_channel), 1, ops) == [
        "item 2 is in the channel while its send (task 1) is still pending: a send's item "
        "goes in only when the send answers ok"
    ]


def test_a_closed_sends_item_delivered_is_caught() -> None:
    """Mutation: kills differential.ledger.Ledger._settle 3-7 (a send answering Closed not
    recorded as unsent, or recorded without saying why)."""
    ledger = Ledger()
    ledger.record(send(5), CLOSED, ())
    assert ledger.problems((5,), ()) == [
        "item 5 is in the channel, but its send answered Closed: an item is never both "
        "delivered and reported unsent"
    ]


def test_a_bad_discard_is_reported_though_every_item_is_accounted_for() -> None:
    """Mutation: kills differential.ledger.Ledger.problems 11 (the shortcut for a balanced
    ledger taken while a bad discard stands)."""
    ledger = Ledger()
    ledger.record(TRY_RECV, EMPTY, (7,))
    assert ledger.problems((), ()) == [
        "try_recv answered err Empty and discarded [7]: only drop_receiver and a try_drain_one "
        "answering Closed may discard"
    ]


def test_a_discard_by_a_task_or_by_a_drain_that_sent_is_reported() -> None:
    """Mutation: kills differential.ledger.Ledger.record 5-8 (a task operation's discard
    reported without its rule) and 25 (a discard by a try_drain_one that did not answer
    Closed, or by another operation answering Closed, taken as a closed drain's)."""
    recv = TaskOp(TaskOpName.RECV)
    ledger = Ledger()
    ledger.record(recv, Pending(1), (4,))
    assert ledger.problems((), ()) == [
        f"{recv} answered {Pending(1)} and discarded [4]: a task operation never discards"
    ]
    for op, answer in ((Op(OpName.TRY_DRAIN_ONE), Ok(True)), (Op(OpName.TRY_SEND, 9), CLOSED)):
        ledger = Ledger()
        ledger.record(op, answer, (3,))
        assert ledger.problems((), ()) == [
            f"{op} answered {answer} and discarded [3]: only drop_receiver and a try_drain_one "
            "answering Closed may discard"
        ]
