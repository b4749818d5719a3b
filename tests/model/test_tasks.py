"""The model's task half: ids, kinds, the v1 subject left equal, bad arguments refused."""

from __future__ import annotations

import pytest

from tidegate import model
from tidegate.model import (
    NO_TASK,
    OK,
    ModelTypeError,
    ModelValueError,
    Op,
    OpName,
    Pending,
    Subject,
    TaskKind,
    TaskOp,
    TaskOpName,
)


def apply_all(s: Subject, *ops: Op | TaskOp) -> tuple[Subject, list[model.Answer]]:
    answers = []
    for op in ops:
        s, answer, _ = model.apply(s, op)
        answers.append(answer)
    return s, answers


def test_a_subject_without_tasks_equals_the_v1_subject() -> None:
    # What today's explorer interns: Subject(channel, queue) with nothing else.
    s, _ = apply_all(
        model.new(2, 1),
        Op(OpName.ENQUEUE_OR_SEND, 1),
        Op(OpName.TRY_SEND, 1001),
        Op(OpName.ENQUEUE_OR_SEND, 2),
        Op(OpName.TRY_RECV),
        Op(OpName.CLOSE),
    )
    v1 = Subject(model.ChannelState(2, s.channel.buffer, s.channel.receiver), s.queue)
    assert s == v1 and hash(s) == hash(v1)
    assert (s.notify, s.receives, s.last_task, s.channel.parked) == (model.NotifyState(), (), 0, ())


def test_task_ids_count_only_the_pending_answers_and_kinds_follow_them() -> None:
    s, answers = apply_all(
        model.new(1, 0),
        TaskOp(TaskOpName.SEND, item=1),  # a free slot: ok, no id
        TaskOp(TaskOpName.SEND, item=2),  # full: task 1
        TaskOp(TaskOpName.RECV),  # takes 1 at once: no id
        TaskOp(TaskOpName.NOTIFIED),  # task 2
        TaskOp(TaskOpName.RECV),  # slot 1 reserved, buffer empty: task 3
    )
    assert answers == [OK, Pending(1), model.Ok(1), Pending(2), Pending(3)]
    assert s.last_task == 3
    assert model.pending_tasks(s) == (
        (1, TaskKind.SEND),
        (2, TaskKind.NOTIFIED),
        (3, TaskKind.RECV),
    )
    assert model.task_kind(s, 4) is None
    # Reserved, not buffered: the parked send holds the slot; capacity does not count it.
    assert s.channel.reserved == (model.ParkedSend(1, 2),) and s.channel.free_slots == 0


def test_poll_and_cancel_of_no_pending_task_change_nothing() -> None:
    s, _ = apply_all(model.new(1, 0), TaskOp(TaskOpName.NOTIFIED))
    for task in (0, -1, 2, 2**63 - 1, -(2**63)):
        for name in (TaskOpName.POLL, TaskOpName.CANCEL):
            assert model.apply(s, TaskOp(name, task=task)) == (s, NO_TASK, ())


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda: TaskOp(TaskOpName.POLL),
            ModelValueError,
            "op poll needs a field 'task', got none",
        ),
        (
            lambda: TaskOp(TaskOpName.SEND),
            ModelValueError,
            "op send needs a field 'item', got none",
        ),
        (
            lambda: TaskOp(TaskOpName.RECV, task=1),
            ModelValueError,
            "op recv takes no field 'task', got task=1",
        ),
        (
            lambda: TaskOp(TaskOpName.CANCEL, task=True),
            ModelTypeError,
            "task must be an int, got True",
        ),
        (
            lambda: TaskOp(TaskOpName.POLL, task=2**63),
            ModelValueError,
            "task must be <= 9223372036854775807, got 9223372036854775808",
        ),
        (
            lambda: model.poll(model.new(1, 0), "1"),  # type: ignore[arg-type]
            ModelTypeError,
            "task must be an int",
        ),
        (
            lambda: model.send(model.new(1, 0), -(2**63) - 1),
            ModelValueError,
            "item must be >= -9223372036854775808",
        ),
    ],
)
def test_bad_task_arguments_are_refused_naming_value_and_rule(
    make: object, error: type[Exception], message: str
) -> None:
    assert callable(make)
    with pytest.raises(error, match=message.replace("(", r"\(")):
        make()


@pytest.mark.parametrize("operation", [model.poll, model.cancel])
def test_poll_and_cancel_refuse_an_id_that_is_no_64_bit_int_naming_task(
    operation: object,
) -> None:
    """Mutation: kills `tasks.cancel`'s and `tasks.poll`'s `require_int` without its maximum
    (an id above I64_MAX answered NoTask), and `cancel`'s with the parameter's name lost
    (model/tasks.py). The operations themselves refuse, not only `TaskOp`."""
    assert callable(operation)
    s = model.new(1, 0)
    with pytest.raises(
        ModelValueError, match=r"^task must be <= 9223372036854775807, got 9223372036854775808$"
    ):
        operation(s, 2**63)
    with pytest.raises(ModelTypeError, match=r"^task must be an int, got '1' \(str\)$"):
        operation(s, "1")


def test_task_ops_print_as_trace_lines_name_them() -> None:
    assert str(TaskOp(TaskOpName.SEND, item=2001)) == "send(2001)"
    assert str(TaskOp(TaskOpName.POLL, task=3)) == "poll(3)"
    assert str(TaskOp(TaskOpName.NOTIFY_ONE)) == "notify_one"
    assert str(Pending(3)) == "pending 3" and Pending(3).to_wire() == {"pending": 3}
    assert {n.value for n in TaskOpName if n.starts_task} == {"send", "recv", "notified"}


def test_the_protocol_models_notify_and_producers_are_the_operation_models() -> None:
    from tidegate.model import protocol

    s = protocol.start(1, 1, (1,), ((101, 102),))
    s = protocol.step(s, "P1")  # 101 buffered
    s = protocol.step(s, "P1")  # 102 parks: the channel's task for producer 0
    assert s.subject.channel.waiting == (model.ParkedSend(protocol.producer_task(0), 102),)
    assert "P1" not in protocol.runnable(s)
    s = protocol.step(s, "C")  # receives 101: the slot is reserved for P1, not filled
    assert s.consumer.delivered == (101,) and s.subject.channel.buffer == ()
    assert s.subject.channel.reserved and "P1" in protocol.runnable(s)
    assert s.permit  # the ping found no waiting reader: the Notify stored its permit
    s = protocol.step(s, "P1")  # runs again: its item goes in now
    assert s.subject.channel.buffer == (102,) and s.producers[0].sent == (101, 102)


@pytest.mark.parametrize(
    ("capacity", "cap", "wire", "producers", "stop_after"),
    [(1, 1, 2, ((101, 102), (201,)), None), (1, 2, 2, ((101, 102),), 1), (2, 1, 3, (), None)],
)
def test_the_protocol_models_tasks_match_its_tasks_positions_in_every_state(
    capacity: int,
    cap: int,
    wire: int,
    producers: tuple[tuple[int, ...], ...],
    stop_after: int | None,
) -> None:
    # What ProtocolState's docstring states and CrossHair cannot instantiate as `inv:`,
    # and its `inv:` lines themselves (which quick and default CrossHair leave out).
    from tidegate.model import protocol, protocol_state

    assert protocol_state.ProtocolState.__doc__ is not None
    invariants = [
        line.strip().removeprefix("inv:").strip()
        for line in protocol_state.ProtocolState.__doc__.splitlines()
        if line.strip().startswith("inv:")
    ]
    assert len(invariants) >= 7

    start = protocol.start(capacity, cap, tuple(range(1, wire + 1)), producers, stop_after)
    seen, frontier = {start}, [start]
    while frontier:
        s = frontier.pop()
        waiting = s.reader.ping is protocol.Wait.WAITING
        assert s.subject.notify.tasks == ((protocol.READER_WAIT,) if waiting else ())
        parked = {
            model.ParkedSend(protocol.producer_task(i), p.todo[0])
            for i, p in enumerate(s.producers)
            if p.pos is protocol.ProducerPos.PARKED
        }
        assert set(s.subject.channel.parked) == parked
        for invariant in invariants:
            assert eval(invariant, vars(protocol_state), {"self": s}), invariant
        for role in protocol.runnable(s):
            after = protocol.step(s, role)
            if after not in seen:
                seen.add(after)
                frontier.append(after)
    assert len(seen) > 20
